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

/* model_signing 0.2's statement layout: the model's files as subjects, no predicate. */
#define HM__OMS_V01_PREDICATE_TYPE "https://model_signing/Digests/v0.1"
/*
 * oms_legacy.c: a verified statement of that layout becomes the OMS v1.0 manifest
 * statement it amounts to (*st replaced); any other statement is left alone.
 * HM_EFORMAT when its subjects are not files with one SHA-256 digest each.
 */
int hm__oms_legacy_upgrade(hm_statement **st);

#endif
