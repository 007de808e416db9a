/*
 * hallmark/bundle.h: bundles of attestations, signing statements into them,
 * and verified attestations. A bundle is read from one or more files, each
 * either JSON Lines of DSSE envelopes (.intoto.jsonl) or one Sigstore bundle
 * JSON (media types v0.1 to v0.3, e.g. model_signing's model.sig); each line,
 * or each Sigstore bundle, is one entry ("line") of the bundle.
 */
#ifndef HALLMARK_BUNDLE_H
#define HALLMARK_BUNDLE_H

#include "common.h"
#include "key.h"
#include "dsse.h"
#include "statement.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest bundle file hallmark reads. */
#define HM_BUNDLE_MAX_BYTES ((size_t)1 << 30)

typedef struct hm_bundle hm_bundle;

/* An empty bundle, to add files to. Free with hm_bundle_free(). */
HM_EXTERN int hm_bundle_new(hm_bundle **out);
/*
 * Reads a bundle file ("-" for stdin) and adds its entries to b: a file that
 * is one JSON object with a "mediaType" is one Sigstore bundle entry (kept as
 * one compact JSON line), any other file is split into lines.
 */
HM_EXTERN int hm_bundle_add_file(hm_bundle *b, const char *path);
/* hm_bundle_new() and hm_bundle_add_file(). Free with hm_bundle_free(). */
HM_EXTERN int hm_bundle_load(hm_bundle **out, const char *path);
/*
 * Splits bundle text into lines (a final newline does not make an empty
 * line), or takes a Sigstore bundle text as one entry.
 */
HM_EXTERN int hm_bundle_parse(hm_bundle **out, const char *data, size_t len);
HM_EXTERN void hm_bundle_free(hm_bundle *b);
HM_EXTERN size_t hm_bundle_line_count(const hm_bundle *b);
/* Line i (0-based) without its newline; owned by the bundle. */
HM_EXTERN const char *hm_bundle_line(const hm_bundle *b, size_t i, size_t *len);
/* The file line i came from (as given to hm_bundle_add_file), or NULL (parsed text). */
HM_EXTERN const char *hm_bundle_line_source(const hm_bundle *b, size_t i);
/* Line i's 1-based number within its file. */
HM_EXTERN size_t hm_bundle_line_number(const hm_bundle *b, size_t i);
/* How many files (or texts) the bundle was read from. */
HM_EXTERN size_t hm_bundle_source_count(const hm_bundle *b);

/*
 * Validates a statement (hm_statement_parse), signs its canonical bytes as a
 * DSSE envelope with payloadType application/vnd.in-toto+json, and returns the
 * envelope as one JSON line without newline (free with hm_free()).
 */
HM_EXTERN int hm_sign_statement(char **out, size_t *outlen, const char *statement_json,
				size_t len, const char *name, const hm_key *key);

/*
 * Appends lines (each without newline) to the bundle at path, creating it if
 * needed. The file is replaced atomically: after a failure the old bundle is
 * intact.
 */
HM_EXTERN int hm_bundle_append(const char *path, const char *const *lines, const size_t *lens,
			       size_t n);

/*
 * Appends DSSE envelopes (one JSON line each, as hm_sign_statement returns
 * them) like hm_bundle_append, with two checks made under the same lock:
 * every line the file already holds must be a DSSE envelope (HM_EFORMAT
 * naming the file and the first line that is not; an empty or missing file
 * is fine), and an envelope is left out when the bundle (or an earlier one of
 * lines) already holds the same payload type and payload bytes with each of
 * its signatures (key id and signature bytes), compared decoded, so another
 * base64 spelling is the same envelope. skipped (may be NULL) receives n
 * flags, 1 for each envelope left out. When every one is left out the file
 * is not rewritten.
 */
HM_EXTERN int hm_bundle_append_envelopes(int *skipped, const char *path, const char *const *lines,
					 const size_t *lens, size_t n);

/* A DSSE envelope whose signatures verified, and the statement in its payload. */
typedef struct hm_attestation hm_attestation;

/*
 * Parses one bundle line, verifies it against the keyring (threshold distinct
 * keys), checks payloadType is in-toto and parses the statement from the
 * verified payload bytes. On failure returns <0 with the reason; *out is NULL.
 */
HM_EXTERN int hm_attestation_open(hm_attestation **out, const char *line, size_t len,
				  const hm_keyring *kr, size_t threshold);
HM_EXTERN void hm_attestation_free(hm_attestation *a);
HM_EXTERN const hm_statement *hm_attestation_statement(const hm_attestation *a);
HM_EXTERN const hm_envelope *hm_attestation_envelope(const hm_attestation *a);
/* Key ids of the trusted keys that verified it. */
HM_EXTERN size_t hm_attestation_signer_count(const hm_attestation *a);
HM_EXTERN const char *hm_attestation_signer(const hm_attestation *a, size_t i);

/*
 * Parses a line without verifying anything: the envelope (unsigned ones
 * included) and, when the payload is an in-toto statement, the statement.
 * For display only.
 */
HM_EXTERN int hm_attestation_inspect(hm_envelope **env, hm_statement **st, const char *line,
				     size_t len);

/*
 * A Sigstore bundle v0.3 (JSON) for one envelope with exactly one signature
 * (or, with keyid, the signature with that keyid): publicKey.hint = keyid.
 * Free with hm_free().
 */
HM_EXTERN int hm_sigstore_bundle(char **out, const hm_envelope *env, const char *keyid);

#ifdef __cplusplus
}
#endif
#endif
