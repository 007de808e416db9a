/*
 * Sigstore keyless verification, offline: one function reads the bundle's
 * verification material and runs each check in the order that names the
 * first thing wrong most precisely:
 *
 *   1. each Rekor entry against the trusted root's transparency log keys
 *      (signed entry timestamp, inclusion proof and checkpoint), which fixes
 *      the entry's integratedTime;
 *   2. the Fulcio certificate at that time: chain to a certificate authority,
 *      embedded SCTs against the CT log keys, code-signing usage, OIDC issuer
 *      and SAN equal to what the caller expects;
 *   3. the entry's body equal to this envelope and certificate.
 *
 * The DSSE signature itself is the caller's to check, with the key returned.
 */
#include "sigstore_keyless.h"

#include <string.h>

#include <openssl/err.h>

/* More entries than any signing client writes; bounds the work. */
#define MAX_TLOG_ENTRIES 8

static int media_type_ok(const char *mt)
{
	static const char *const known[] = {
		"application/vnd.dev.sigstore.bundle+json;version=0.1",
		"application/vnd.dev.sigstore.bundle+json;version=0.2",
		"application/vnd.dev.sigstore.bundle+json;version=0.3",
		"application/vnd.dev.sigstore.bundle.v0.3+json",
	};
	size_t i;

	for (i = 0; mt && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(mt, known[i]) == 0)
			return 1;
	return 0;
}

/* The leaf certificate: certificate.rawBytes (v0.3) or the chain's first (v0.1, v0.2). */
static int leaf_cert(X509 **out, const json_t *vm)
{
	const json_t *c = json_object_get(vm, "certificate"), *raw;
	const json_t *chain = json_object_get(vm, "x509CertificateChain");
	unsigned char *der = NULL;
	const unsigned char *p;
	const char *s;
	size_t len;

	*out = NULL;
	if (c)
		raw = json_object_get(c, "rawBytes");
	else if (chain)
		raw = json_object_get(json_array_get(json_object_get(chain, "certificates"), 0),
				      "rawBytes");
	else if (json_object_get(vm, "publicKey"))
		return hm__err(HM_EVERIFY, "the bundle is signed with a public key, not keyless: "
			       "it has no certificate");
	else
		return hm__err(HM_EFORMAT, "the bundle's verificationMaterial holds no certificate");
	s = json_string_value(raw);
	if (!s || !*s || hm__b64_decode(&der, &len, s, strlen(s)) < 0)
		return hm__err(HM_EFORMAT, "the bundle's certificate rawBytes is not base64");
	p = der;
	*out = d2i_X509(NULL, &p, (long)len);
	if (!*out || p != der + len) {
		X509_free(*out);
		*out = NULL;
		free(der);
		ERR_clear_error();
		return hm__err(HM_EFORMAT, "the bundle's certificate is not a DER X.509 certificate");
	}
	free(der);
	return 0;
}

int hm__sigstore_keyless_verify(EVP_PKEY **leaf_key, char **leaf_subject, const json_t *bundle,
				const char *trusted_root_path, const char *identity,
				const char *issuer)
{
	const json_t *vm = json_object_get(bundle, "verificationMaterial");
	const json_t *env = json_object_get(bundle, "dsseEnvelope");
	const json_t *entries = json_object_get(vm, "tlogEntries"), *e;
	hm__sigstore_root *root = NULL;
	char *matched = NULL;
	X509 *leaf = NULL;
	long long t;
	size_t i;
	int rc;

	*leaf_key = NULL;
	*leaf_subject = NULL;
	if (!identity || !*identity || !issuer || !*issuer)
		return hm__err(HM_EINVAL, "keyless verification needs the expected identity and "
			       "OIDC issuer");
	if (!json_is_object(bundle) ||
	    !media_type_ok(json_string_value(json_object_get(bundle, "mediaType"))))
		return hm__err(HM_EFORMAT, "not a Sigstore bundle of media type v0.1 to v0.3");
	if (!json_is_object(vm))
		return hm__err(HM_EFORMAT, "the bundle has no verificationMaterial");
	if (!json_is_object(env))
		return hm__err(HM_EUNSUPPORTED, "the bundle holds no DSSE envelope (a message "
			       "signature bundle is not verified here)");
	if (!json_is_array(entries) || json_array_size(entries) == 0)
		return hm__err(HM_EVERIFY, "the keyless bundle has no transparency log entry");
	if (json_array_size(entries) > MAX_TLOG_ENTRIES)
		return hm__err(HM_EFORMAT, "the bundle has %zu transparency log entries; at most %d "
			       "are read", json_array_size(entries), MAX_TLOG_ENTRIES);
	if ((rc = leaf_cert(&leaf, vm)) < 0 ||
	    (rc = hm__sigstore_root_load(&root, trusted_root_path)) < 0)
		goto out;
	json_array_foreach(entries, i, e) {
		if ((rc = hm__sigstore_rekor_verify(&t, e, root)) < 0) {
			hm__err_prefix("tlogEntries[%zu]: ", i);
			goto out;
		}
		free(matched);
		matched = NULL;
		if ((rc = hm__sigstore_cert_verify(&matched, leaf, root, t, identity, issuer)) < 0)
			goto out;
		if ((rc = hm__sigstore_rekor_body_verify(e, env, leaf)) < 0) {
			hm__err_prefix("tlogEntries[%zu]: ", i);
			goto out;
		}
	}
	if (!(*leaf_key = X509_get_pubkey(leaf))) {
		rc = hm__err(HM_EFORMAT, "the signing certificate's public key is unreadable");
		goto out;
	}
	*leaf_subject = matched;
	matched = NULL;
out:
	ERR_clear_error();
	free(matched);
	X509_free(leaf);
	hm__sigstore_root_free(root);
	return rc;
}
