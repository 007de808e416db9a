/*
 * hallmark/statement.h: in-toto Statement v1: validation, accessors and the
 * deterministic serialization that hallmark signs.
 */
#ifndef HALLMARK_STATEMENT_H
#define HALLMARK_STATEMENT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HM_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define HM_INTOTO_PAYLOAD_TYPE "application/vnd.in-toto+json"

typedef struct hm_statement hm_statement;

/*
 * Parses and validates a Statement: `_type` is Statement v1, `subject` is a
 * non-empty array whose every entry has a non-empty `digest` object, digests
 * of known algorithms are lowercase hex of the right length, `predicateType`
 * is a non-empty string, `predicate` (when present) is an object, and
 * duplicate JSON keys are rejected. name is used in messages.
 * Free with hm_statement_free().
 */
HM_EXTERN int hm_statement_parse(hm_statement **out, const char *json, size_t len,
				 const char *name);
HM_EXTERN void hm_statement_free(hm_statement *st);

HM_EXTERN const char *hm_statement_predicate_type(const hm_statement *st);
HM_EXTERN size_t hm_statement_subject_count(const hm_statement *st);
/* The subject's name, or NULL when it has none. */
HM_EXTERN const char *hm_statement_subject_name(const hm_statement *st, size_t i);
HM_EXTERN size_t hm_statement_subject_digest_count(const hm_statement *st, size_t i);
/* The j-th digest of subject i (algorithms in sorted order). Owned by the statement. */
HM_EXTERN int hm_statement_subject_digest(const hm_statement *st, size_t i, size_t j,
					  const char **alg, const char **hex);
/* The hex digest of subject i for one algorithm, or NULL. */
HM_EXTERN const char *hm_statement_subject_digest_get(const hm_statement *st, size_t i,
						      const char *alg);

/* The canonical bytes (sorted keys, compact JSON). Free with hm_free(). */
HM_EXTERN int hm_statement_canonical(char **out, size_t *len, const hm_statement *st);
/* The predicate as compact JSON with sorted keys ("null" when absent). Free with hm_free(). */
HM_EXTERN int hm_statement_predicate_json(char **out, const hm_statement *st);

/*
 * 1 when the hex string is a valid value for a digest algorithm: lowercase
 * hex of the right length for the algorithms we know (sha256, sha512, sha384,
 * sha224, sha1, md5, sha512_256, sha3_256, sha3_512, blake2b, blake2s,
 * gitCommit, gitTree, gitBlob), any non-empty string otherwise.
 */
HM_EXTERN int hm_digest_value_valid(const char *alg, const char *hex);

#ifdef __cplusplus
}
#endif
#endif
