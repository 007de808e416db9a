/* lib/statement_impl.h: the statement handle (internal). */
#ifndef HM_STATEMENT_IMPL_H
#define HM_STATEMENT_IMPL_H

#include "internal.h"

struct hm_statement {
	json_t *root; /* validated */
};

/* Validates a parsed statement; name is used in messages. */
int hm__statement_validate(const json_t *root, const char *name);
/* Borrowed reference to the statement's JSON. */
const json_t *hm__statement_json(const hm_statement *st);
/* Takes a reference to root (which must validate) and wraps it. */
int hm__statement_wrap(hm_statement **out, json_t *root, const char *name);

#endif
