/*
 * lib/sigstore_keyless.h: Sigstore keyless verification, offline (internal).
 *
 * A keyless bundle carries a short-lived Fulcio certificate and a Rekor
 * transparency log entry. hm__sigstore_keyless_verify checks them against a
 * trusted root (Sigstore's trusted_root.json format) and hands back the leaf
 * certificate's public key; the caller then checks the DSSE signature with it.
 */
#ifndef HM_SIGSTORE_KEYLESS_H
#define HM_SIGSTORE_KEYLESS_H

#include "internal.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

/* The installed default, used when no trusted root is named. */
#define HM_SIGSTORE_ROOT_FILE "sigstore-trusted-root.json"
/* Largest trusted root file read. */
#define HM_SIGSTORE_ROOT_MAX (4u << 20)

/* A transparency or CT log key of the trusted root. */
typedef struct hm__sigstore_log {
	char *url;                 /* baseUrl, for messages */
	char *details;             /* keyDetails as written, e.g. PKIX_ECDSA_P256_SHA_256 */
	EVP_PKEY *key;             /* NULL when keyDetails is a type we do not verify */
	const EVP_MD *md;          /* digest of the signature scheme (NULL for Ed25519) */
	unsigned char id[32];      /* logId.keyId */
	size_t idlen;
	long long start, end;      /* validFor, seconds since the epoch; end LLONG_MAX if open */
} hm__sigstore_log;

/* A certificate authority (Fulcio instance) of the trusted root. */
typedef struct hm__sigstore_ca {
	char *uri;                 /* for messages */
	STACK_OF(X509) *chain;     /* certChain.certificates, the root last */
	long long start, end;
} hm__sigstore_ca;

typedef struct hm__sigstore_root {
	char *name;                /* the file, for messages */
	hm__sigstore_ca *cas;
	size_t ncas;
	hm__sigstore_log *tlogs;
	size_t ntlogs;
	hm__sigstore_log *ctlogs;
	size_t nctlogs;
} hm__sigstore_root;

/*
 * Parses trusted_root.json text (untrusted bytes). name labels messages.
 * Free *out with hm__sigstore_root_free.
 */
int hm__sigstore_root_parse(hm__sigstore_root **out, const char *text, size_t len,
			    const char *name);
/* Reads and parses a trusted root file; path NULL means the installed default. */
int hm__sigstore_root_load(hm__sigstore_root **out, const char *path);
void hm__sigstore_root_free(hm__sigstore_root *r);
/*
 * The installed default trusted root: <program>/../share/hallmark/FILE for a
 * relocated install, else HM_DATADIR/FILE. HM_ENOTFOUND when neither exists.
 * Free *out with free().
 */
int hm__sigstore_root_default_path(char **out);

/* The log with this key id, or NULL. */
const hm__sigstore_log *hm__sigstore_log_find(const hm__sigstore_log *logs, size_t n,
					      const unsigned char *id, size_t idlen);
/*
 * Verifies a DER signature (ECDSA) or a raw one (Ed25519) over data with a
 * log key; 1 valid, 0 not, <0 when the key cannot be used (message set).
 */
int hm__sigstore_log_verify(const hm__sigstore_log *log, const unsigned char *sig,
			    size_t siglen, const void *data, size_t len);

/*
 * The Fulcio leaf: chain to a CA of the root valid at time t, the embedded
 * SCTs against the root's CT logs, the SAN equal to identity and the OIDC
 * issuer extension equal to issuer. On success *matched receives the SAN that
 * matched (free with free()).
 */
int hm__sigstore_cert_verify(char **matched, X509 *leaf, const hm__sigstore_root *root,
			     long long t, const char *identity, const char *issuer);

/*
 * One Rekor entry of verificationMaterial.tlogEntries: the signed entry
 * timestamp and/or the inclusion proof with its signed checkpoint against
 * the root's transparency log valid at the entry's integratedTime, which
 * *integrated receives.
 */
int hm__sigstore_rekor_verify(long long *integrated, const json_t *entry,
			      const hm__sigstore_root *root);
/*
 * The entry's body ("dsse" v0.0.1 or "intoto" v0.0.2) equal to this DSSE
 * envelope: payload hash, its one signature, the verifier certificate leaf.
 */
int hm__sigstore_rekor_body_verify(const json_t *entry, const json_t *envelope, X509 *leaf);

/*
 * Sigstore keyless verification of a parsed bundle (media types v0.1 to
 * v0.3) against the trusted root at trusted_root_path (NULL: the installed
 * default), all offline. On success *leaf_key receives the leaf
 * certificate's public key (free with EVP_PKEY_free) and *leaf_subject the
 * certificate's SAN that equals identity (free with free()). Every failure
 * returns a negative hm_error_code (HM_EVERIFY when a check says no) with a
 * message naming the check.
 */
int hm__sigstore_keyless_verify(EVP_PKEY **leaf_key, char **leaf_subject, const json_t *bundle,
				const char *trusted_root_path, const char *identity,
				const char *issuer);

#endif
