/* lib/statement_impl.h: the statement handle (internal). */
#ifndef HM_STATEMENT_IMPL_H
#define HM_STATEMENT_IMPL_H

#include "internal.h"

#include <pthread.h>

/*
 * A manifest resource held lean (statement_lean.c), in the list's own
 * blocks: its name, just after the 32 bytes of its SHA-256 digest (which
 * was 64 lowercase hex digits; any other digest is left to the JSON).
 */
struct hm__lres {
	const char *name;
	uint32_t alg;        /* hm__lres_alg */
	unsigned char order; /* the order its three keys were written in (for the JSON) */
};
struct hm__lres_list;

struct hm_statement {
	json_t *root; /* validated; predicate.resources is null while lean holds them */
	struct hm__lres_list *lean;
	int whole;    /* lean resources put back into root (for readers of the JSON) */
	pthread_mutex_t mu;
};

/*
 * Reads a statement's JSON as jansson does (JSON_REJECT_DUPLICATES), but with
 * a predicate.resources array of {name, algorithm, digest} strings into *lean
 * (NULL when there is none) and a null in its place in *root. -1 when it does not take
 * the text (malformed, or not plain enough): parse it with jansson then.
 */
int hm__statement_lean_parse(json_t **root, struct hm__lres_list **lean, const char *json,
			     size_t len);
void hm__lres_free(struct hm__lres_list *l);
size_t hm__lres_count(const struct hm__lres_list *l);
const struct hm__lres *hm__lres_items(const struct hm__lres_list *l);
/* The "algorithm" string of r, one of l's items. */
const char *hm__lres_alg(const struct hm__lres_list *l, const struct hm__lres *r);
/* The 32-byte digest of a lean resource, from its name (hm__lres.name). */
const unsigned char *hm__lres_digest(const char *name);
/* The resources as the JSON array jansson would have read (new reference), or NULL. */
json_t *hm__lres_json(const struct hm__lres_list *l);

/* Validates a parsed statement; name is used in messages. */
int hm__statement_validate(const json_t *root, const char *name);
/* Borrowed reference to the statement's JSON, whole (lean resources are put back first). */
const json_t *hm__statement_json(const hm_statement *st);
/*
 * The statement's JSON as read: predicate.resources is null when the
 * statement holds it lean (hm__statement_resources). For readers that know.
 */
const json_t *hm__statement_json_lean(const hm_statement *st);
/* The lean resources (NULL when the predicate's resources are in the JSON). */
const struct hm__lres_list *hm__statement_resources(const hm_statement *st);
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
