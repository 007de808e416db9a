/*
 * hallmark/sigstore.h: the OpenSSF model signing (OMS) side of hallmark:
 * certificate trust anchors for bundles signed with an X.509 chain, and
 * writing one statement as a Sigstore bundle v0.3 (the `model.sig` that
 * model_signing writes and verifies).
 *
 * Reading Sigstore bundles needs nothing of its own: hm_bundle_load() takes a
 * Sigstore bundle file like a .intoto.jsonl one, and hm_trusted_bundle_open()
 * decides whether to trust it (see trust.h).
 */
#ifndef HALLMARK_SIGSTORE_H
#define HALLMARK_SIGSTORE_H

#include "common.h"
#include "key.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A set of trusted root (or other anchor) certificates. */
typedef struct hm_cert_roots hm_cert_roots;

HM_EXTERN int hm_cert_roots_new(hm_cert_roots **out);
/* Frees the set. Accepts NULL. */
HM_EXTERN void hm_cert_roots_free(hm_cert_roots *r);
/*
 * Adds every CERTIFICATE block of a PEM text (at least one); name is used in
 * error messages. A block that is not a valid X.509 certificate fails the
 * whole call and adds nothing.
 */
HM_EXTERN int hm_cert_roots_add_pem(hm_cert_roots *r, const char *pem, size_t len,
				    const char *name);
/* hm_cert_roots_add_pem() on a file's contents. */
HM_EXTERN int hm_cert_roots_add_file(hm_cert_roots *r, const char *path);
HM_EXTERN size_t hm_cert_roots_count(const hm_cert_roots *r);

/* 1 when this build verifies Sigstore keyless bundles (hm_trust_options identity/issuer). */
HM_EXTERN int hm_sigstore_keyless_available(void);

/* How to write a Sigstore bundle. */
typedef struct hm_sigstore_sign_options {
	unsigned int version;
	/*
	 * The certificate method: the PEM signing certificate, whose public key
	 * must be the signing key's, and the PEM certificates of its chain
	 * (intermediates up to the root, in any number of texts). NULL: the key
	 * method (publicKey.hint).
	 */
	const char *signing_cert_pem;
	size_t signing_cert_len;
	const char *const *chain_pems;
	const size_t *chain_lens;
	size_t nchain;
} hm_sigstore_sign_options;
#define HM_SIGSTORE_SIGN_OPTIONS_VERSION 1
#define HM_SIGSTORE_SIGN_OPTIONS_INIT { HM_SIGSTORE_SIGN_OPTIONS_VERSION, NULL, 0, NULL, NULL, 0 }

/*
 * Validates a statement (hm_statement_parse), signs its canonical bytes as a
 * DSSE envelope and returns it as a Sigstore bundle v0.3 (compact JSON with a
 * final newline; free with hm_free()), as model_signing writes them: with
 * the key method, verificationMaterial.publicKey.hint is the lowercase hex
 * SHA-256 of the key's PEM SubjectPublicKeyInfo text; with the certificate
 * method, verificationMaterial.x509CertificateChain holds the signing
 * certificate first, then the chain as given. tlogEntries is empty. opts may
 * be NULL (the key method).
 */
HM_EXTERN int hm_sigstore_sign(char **out, size_t *outlen, const char *statement_json,
			       size_t len, const char *name, const hm_key *key,
			       const hm_sigstore_sign_options *opts);

/* The public-key hint model_signing computes (64 hex and a NUL into hint). */
HM_EXTERN int hm_sigstore_key_hint(char hint[65], const hm_key *key);

#ifdef __cplusplus
}
#endif
#endif
