/*
 * Writing a statement as a Sigstore bundle v0.3, as model_signing writes its
 * model.sig: the key method (publicKey.hint, the SHA-256 of the key's PEM
 * SubjectPublicKeyInfo text, as model_signing's sign_ec_key computes it) or
 * the certificate method (x509CertificateChain, the signing certificate
 * first), with no transparency log entries.
 */
#include "keyimpl.h"
#include "sigstore_impl.h"

#include <stdlib.h>
#include <string.h>

#define BUNDLE_V03 "application/vnd.dev.sigstore.bundle.v0.3+json"

int hm_sigstore_key_hint(char hint[65], const hm_key *key)
{
	unsigned char h[32];
	char *pem;
	int rc;

	if ((rc = hm_key_public_pem(&pem, key)) < 0)
		return rc;
	hm__sha256(h, pem, strlen(pem));
	free(pem);
	hm__hex_encode(hint, h, 32);
	return 0;
}

static int put(json_t *o, const char *k, json_t *v)
{
	return v && json_object_set_new(o, k, v) == 0 ? 0 : -1;
}

static json_t *b64_string(const unsigned char *p, size_t len)
{
	char *s = hm__b64_encode(p, len);
	json_t *v = s ? json_string(s) : NULL;

	free(s);
	return v;
}

static json_t *cert_json(const unsigned char *der, size_t len)
{
	json_t *c = json_object();

	if (!c || put(c, "rawBytes", b64_string(der, len)) < 0) {
		json_decref(c);
		return NULL;
	}
	return c;
}

/* The certificate method's chain: the signing certificate (its key must be key's), then the rest. */
static int chain_json(json_t **out, const hm_key *key, const hm_sigstore_sign_options *o)
{
	unsigned char *ders[HM__SIGSTORE_MAX_CERTS];
	size_t lens[HM__SIGSTORE_MAX_CERTS], n = 0, m, i, j;
	json_t *arr = json_array();
	hm_key *leaf = NULL;
	char *subject = NULL;
	int rc;

	*out = NULL;
	if (!arr)
		return hm__err_oom();
	if ((rc = hm__cert_pem_split(ders, lens, &n, 1, o->signing_cert_pem, o->signing_cert_len,
				     "the signing certificate")) < 0)
		goto out;
	if ((rc = hm__cert_leaf(&leaf, &subject, ders[0], lens[0], "the signing certificate")) < 0)
		goto out;
	if (strcmp(hm_key_id(leaf), hm_key_id(key)) != 0) {
		rc = hm__err(HM_EINVAL, "the signing certificate (%s) is not for this key: its public "
			     "key is %.16s..., the signing key's %.16s...", subject, hm_key_id(leaf),
			     hm_key_id(key));
		goto out;
	}
	for (i = 0; i < o->nchain; i++) {
		if ((rc = hm__cert_pem_split(ders + n, lens + n, &m, HM__SIGSTORE_MAX_CERTS - n,
					     o->chain_pems[i], o->chain_lens[i],
					     "the certificate chain")) < 0)
			goto out;
		n += m;
		for (j = n - m; j < n; j++)
			if ((rc = hm__cert_check(ders[j], lens[j], "the certificate chain")) < 0)
				goto out;
	}
	for (i = 0; i < n; i++)
		if (json_array_append_new(arr, cert_json(ders[i], lens[i])) < 0) {
			rc = hm__err_oom();
			goto out;
		}
	*out = arr;
	arr = NULL;
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(ders[i]);
	hm_key_free(leaf);
	free(subject);
	json_decref(arr);
	return rc;
}

int hm_sigstore_sign(char **out, size_t *outlen, const char *statement_json, size_t len,
		     const char *name, const hm_key *key, const hm_sigstore_sign_options *opts)
{
	hm_sigstore_sign_options defaults = HM_SIGSTORE_SIGN_OPTIONS_INIT;
	json_t *root = NULL, *vm, *env = NULL, *chain = NULL, *pk;
	char *line = NULL, hint[65], *text;
	size_t linelen;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_sigstore_sign: NULL out");
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (opts->version != HM_SIGSTORE_SIGN_OPTIONS_VERSION)
		return hm__err(HM_EINVAL, "hm_sigstore_sign_options: unknown version %u",
			       opts->version);
	if (opts->nchain && !opts->signing_cert_pem)
		return hm__err(HM_EINVAL, "a certificate chain needs the signing certificate");
	if (opts->signing_cert_pem && (rc = chain_json(&chain, key, opts)) < 0)
		return rc;
	if ((rc = hm_sign_statement(&line, &linelen, statement_json, len, name, key)) < 0)
		goto out;
	if ((rc = hm__json_parse(&env, line, linelen, "envelope")) < 0)
		goto out;
	if (!(root = json_object()) || put(root, "mediaType", json_string(BUNDLE_V03)) < 0 ||
	    put(root, "verificationMaterial", vm = json_object()) < 0)
		goto oom;
	if (chain) {
		json_t *c = json_object();
		if (put(vm, "x509CertificateChain", c) < 0 || put(c, "certificates", chain) < 0) {
			chain = NULL;
			goto oom;
		}
		chain = NULL;
	} else {
		if ((rc = hm_sigstore_key_hint(hint, key)) < 0)
			goto out;
		if (put(vm, "publicKey", pk = json_object()) < 0 ||
		    put(pk, "hint", json_string(hint)) < 0)
			goto oom;
	}
	if (put(vm, "tlogEntries", json_array()) < 0 || json_object_set(root, "dsseEnvelope", env))
		goto oom;
	if (!(text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		goto oom;
	{
		size_t n = strlen(text);
		if (!(*out = malloc(n + 2))) {
			free(text);
			goto oom;
		}
		memcpy(*out, text, n);
		(*out)[n] = '\n';
		(*out)[n + 1] = '\0';
		if (outlen)
			*outlen = n + 1;
		free(text);
	}
	rc = 0;
	goto out;
oom:
	rc = hm__err_oom();
out:
	json_decref(chain);
	json_decref(env);
	json_decref(root);
	hm_free(line);
	return rc;
}
