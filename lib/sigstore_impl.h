/* lib/sigstore_impl.h: reading Sigstore bundles, and X.509 chains (internal). */
#ifndef HM_SIGSTORE_IMPL_H
#define HM_SIGSTORE_IMPL_H

#include "internal.h"

/* How a Sigstore bundle says it was signed (its verificationMaterial). */
typedef enum hm__sig_method {
	HM__SIG_KEY = 0,         /* publicKey: a key the verifier holds */
	HM__SIG_CERTIFICATE = 1, /* x509CertificateChain or certificate, no transparency log */
	HM__SIG_KEYLESS = 2      /* a certificate and transparency log entries (Fulcio, Rekor) */
} hm__sig_method;

/* The words for a method: "key", "certificate", "keyless". */
const char *hm__sig_method_name(hm__sig_method m);

/* Most certificates a bundle's chain may hold. */
#define HM__SIGSTORE_MAX_CERTS 10

/* A parsed Sigstore bundle (nothing in it verified yet). */
struct hm__sigstore {
	json_t *root;           /* the whole bundle, as parsed */
	const char *media_type; /* in root */
	hm__sig_method method;
	char *envelope;         /* dsseEnvelope as compact JSON, for hm_envelope_parse */
	size_t envelope_len;
	const char *hint;       /* publicKey.hint, or NULL; in root */
	unsigned char *certs[HM__SIGSTORE_MAX_CERTS]; /* DER, leaf first */
	size_t cert_lens[HM__SIGSTORE_MAX_CERTS];
	size_t ncerts;
	long long signed_at;    /* the first tlog entry's integratedTime; 0 when none */
};

/*
 * 1 when text is one JSON object with a string "mediaType" (what tells a
 * Sigstore bundle from a DSSE envelope); 0 otherwise. Does not validate it.
 */
int hm__sigstore_looks(const char *text, size_t len);

/*
 * Parses a Sigstore bundle (media types v0.1, v0.2, v0.3) holding a DSSE
 * envelope; name is used in error messages. Fails closed on an unknown media
 * type or field, a message signature, or verification material other than
 * exactly one of publicKey, x509CertificateChain, certificate. Free with
 * hm__sigstore_free().
 */
int hm__sigstore_parse(struct hm__sigstore **out, const char *text, size_t len, const char *name);
void hm__sigstore_free(struct hm__sigstore *sb);

/* cert.c: verifies the chain (leaf first) up to roots at time at (Unix; 0 = now; at_what says
 * what that time is, for the error message), checks the leaf may sign (key usage
 * digitalSignature or extended key usage codeSigning) and returns its public key and its
 * subject (RFC 2253, malloc'd). */
int hm__cert_verify(hm_key **leaf_key, char **subject, const unsigned char *const *ders,
		    const size_t *lens, size_t n, const hm_cert_roots *roots, long long at,
		    const char *at_what);
/* The public key and subject of one DER certificate, without any check (for signing). */
int hm__cert_leaf(hm_key **key, char **subject, const unsigned char *der, size_t len,
		  const char *name);
/* 0 when der is one whole valid X.509 certificate. */
int hm__cert_check(const unsigned char *der, size_t len, const char *name);
/* Each CERTIFICATE block of a PEM text, as malloc'd DER; at most max. */
int hm__cert_pem_split(unsigned char **ders, size_t *lens, size_t *n, size_t max,
		       const char *pem, size_t len, const char *name);

#endif
