/*
 * X.509 for bundles signed with a certificate: trust anchors read from PEM,
 * and the chain from the signing certificate up to them checked with
 * OpenSSL's X509_verify_cert at a given time. The leaf must be allowed to
 * sign (key usage digitalSignature, or extended key usage codeSigning, as
 * model_signing asks) and its public key is what then verifies the envelope.
 */
#include "keyimpl.h"
#include "pem.h"
#include "sigstore_impl.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct hm_cert_roots {
	STACK_OF(X509) *certs;
};

int hm_cert_roots_new(hm_cert_roots **out)
{
	if (!out)
		return hm__err(HM_EINVAL, "hm_cert_roots_new: NULL out");
	if (hm_init() < 0)
		return HM_ECRYPTO;
	if (!(*out = calloc(1, sizeof(**out))) || !((*out)->certs = sk_X509_new_null())) {
		free(*out);
		*out = NULL;
		return hm__err_oom();
	}
	return 0;
}

void hm_cert_roots_free(hm_cert_roots *r)
{
	if (!r)
		return;
	sk_X509_pop_free(r->certs, X509_free);
	free(r);
}

size_t hm_cert_roots_count(const hm_cert_roots *r)
{
	return r ? (size_t)sk_X509_num(r->certs) : 0;
}

/* A whole DER certificate, nothing after it. */
static X509 *der_cert(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x;

	if (len > 1 << 20)
		return NULL;
	x = d2i_X509(NULL, &p, (long)len);
	if (x && p != der + len) {
		X509_free(x);
		return NULL;
	}
	return x;
}

int hm__cert_check(const unsigned char *der, size_t len, const char *name)
{
	X509 *x = der_cert(der, len);

	if (!x)
		return hm__err(HM_EFORMAT, "%s: not a valid X.509 certificate", name);
	X509_free(x);
	return 0;
}

static const char *find_text(const char *hay, size_t haylen, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= haylen; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

int hm__cert_pem_split(unsigned char **ders, size_t *lens, size_t *n, size_t max,
		       const char *pem, size_t len, const char *name)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----", end[] = "-----END CERTIFICATE-----";
	const char *b, *e;
	size_t off = 0, i;
	int rc;

	*n = 0;
	while ((b = find_text(pem + off, len - off, begin))) {
		if (*n == max) {
			rc = hm__err(HM_EFORMAT, "%s: more than %zu certificates", name, max);
			goto fail;
		}
		if ((rc = hm__pem_decode(&ders[*n], &lens[*n], b, len - (size_t)(b - pem),
					 "CERTIFICATE", name)) < 0)
			goto fail;
		(*n)++;
		e = find_text(b, len - (size_t)(b - pem), end); /* there: the block decoded */
		off = (size_t)(e - pem) + sizeof(end) - 1;
	}
	if (*n == 0)
		return hm__err(HM_EFORMAT, "%s: no PEM CERTIFICATE block", name);
	return 0;
fail:
	for (i = 0; i < *n; i++)
		free(ders[i]);
	*n = 0;
	return rc;
}

int hm_cert_roots_add_pem(hm_cert_roots *r, const char *pem, size_t len, const char *name)
{
	unsigned char *ders[64];
	size_t lens[64], n, i, added = 0;
	int rc;

	if (!r || !pem)
		return hm__err(HM_EINVAL, "hm_cert_roots_add_pem: NULL argument");
	if (!name)
		name = "certificates";
	if ((rc = hm__cert_pem_split(ders, lens, &n, 64, pem, len, name)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		X509 *x = der_cert(ders[i], lens[i]);
		if (!x) {
			rc = hm__err(HM_EFORMAT, "%s: certificate %zu is not a valid X.509 certificate",
				     name, i + 1);
			break;
		}
		if (!sk_X509_push(r->certs, x)) {
			X509_free(x);
			rc = hm__err_oom();
			break;
		}
		added++;
	}
	while (rc < 0 && added--)
		X509_free(sk_X509_pop(r->certs));
	for (i = 0; i < n; i++)
		free(ders[i]);
	return rc;
}

int hm_cert_roots_add_file(hm_cert_roots *r, const char *path)
{
	char *data;
	size_t len;
	int rc;

	if ((rc = hm__read_file(&data, &len, path, 1 << 22)) < 0)
		return rc;
	rc = hm_cert_roots_add_pem(r, data, len, path);
	free(data);
	return rc;
}

static int subject_of(char **out, X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	*out = NULL;
	if (!b)
		return hm__err_oom();
	if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) < 0) {
		BIO_free(b);
		return hm__err(HM_EFORMAT, "cannot print the certificate's subject");
	}
	n = BIO_get_mem_data(b, &p);
	if (n < 0 || !(*out = malloc((size_t)n + 1))) {
		BIO_free(b);
		return hm__err_oom();
	}
	memcpy(*out, p, (size_t)n);
	(*out)[n] = '\0';
	BIO_free(b);
	return 0;
}

static int leaf_of(hm_key **key, char **subject, X509 *x, const char *name)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	int rc;

	*key = NULL;
	*subject = NULL;
	if (!pk)
		return hm__err(HM_EFORMAT, "%s: the certificate has no usable public key", name);
	if ((rc = hm__key_from_evp(key, pk, 0, name)) < 0)
		return rc;
	if ((rc = subject_of(subject, x)) < 0) {
		hm_key_free(*key);
		*key = NULL;
	}
	return rc;
}

int hm__cert_leaf(hm_key **key, char **subject, const unsigned char *der, size_t len,
		  const char *name)
{
	X509 *x = der_cert(der, len);
	int rc;

	*key = NULL;
	*subject = NULL;
	if (!x)
		return hm__err(HM_EFORMAT, "%s: not a valid X.509 certificate", name);
	rc = leaf_of(key, subject, x, name);
	X509_free(x);
	return rc;
}

int hm__cert_verify(hm_key **leaf_key, char **subject, const unsigned char *const *ders,
		    const size_t *lens, size_t n, const hm_cert_roots *roots, long long at,
		    const char *at_what)
{
	STACK_OF(X509) *untrusted = NULL;
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509 *leaf = NULL;
	size_t i;
	int rc = 0, err;

	*leaf_key = NULL;
	*subject = NULL;
	if (n == 0)
		return hm__err(HM_EVERIFY, "the bundle holds no certificate");
	if (hm_cert_roots_count(roots) == 0)
		return hm__err(HM_EVERIFY, "no trusted certificates were given");
	if (!(untrusted = sk_X509_new_null()) || !(store = X509_STORE_new()) ||
	    !(ctx = X509_STORE_CTX_new())) {
		rc = hm__err_oom();
		goto out;
	}
	for (i = 0; i < n; i++) {
		X509 *x = der_cert(ders[i], lens[i]);
		if (!x) {
			rc = hm__err(HM_EVERIFY, "certificate %zu of the bundle's chain is not a valid "
				     "X.509 certificate", i + 1);
			goto out;
		}
		if (i == 0)
			leaf = x;
		else if (!sk_X509_push(untrusted, x)) {
			X509_free(x);
			rc = hm__err_oom();
			goto out;
		}
	}
	for (i = 0; i < (size_t)sk_X509_num(roots->certs); i++)
		if (!X509_STORE_add_cert(store, sk_X509_value(roots->certs, (int)i))) {
			rc = hm__err(HM_ECRYPTO, "cannot add a trusted certificate");
			goto out;
		}
	if (!X509_STORE_CTX_init(ctx, store, leaf, untrusted)) {
		rc = hm__err(HM_ECRYPTO, "cannot set up the certificate check");
		goto out;
	}
	X509_STORE_CTX_set_time(ctx, 0, (time_t)(at > 0 ? at : (long long)time(NULL)));
	if (X509_verify_cert(ctx) != 1) {
		char when[32];
		time_t t = (time_t)(at > 0 ? at : (long long)time(NULL));
		struct tm tm;
		err = X509_STORE_CTX_get_error(ctx);
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		rc = hm__err(HM_EVERIFY, "the certificate chain does not verify at %s (%s): %s", when,
			     at > 0 && at_what ? at_what : "now",
			     X509_verify_cert_error_string(err));
		goto out;
	}
	{
		uint32_t ku = X509_get_key_usage(leaf), xku = X509_get_extended_key_usage(leaf);
		int may_sign = (ku != UINT32_MAX && (ku & KU_DIGITAL_SIGNATURE)) ||
			       (xku != UINT32_MAX && (xku & XKU_CODE_SIGN));
		if (!may_sign) {
			rc = hm__err(HM_EVERIFY, "the signing certificate may not sign (neither key "
				     "usage digitalSignature nor extended key usage codeSigning)");
			goto out;
		}
	}
	rc = leaf_of(leaf_key, subject, leaf, "the signing certificate");
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_pop_free(untrusted, X509_free);
	X509_free(leaf);
	return rc;
}
