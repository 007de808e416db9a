/*
 * The Fulcio certificate of a keyless signature: its chain to a certificate
 * authority of the trusted root at the Rekor entry's time, its embedded
 * signed certificate timestamps (RFC 6962 section 3.2, checked against the
 * root's CT log keys), its SAN and OIDC issuer extension.
 *
 * OpenSSL's own SCT checking needs a CTLOG_STORE, which can only be filled
 * from a file; the precertificate TBS is rebuilt here instead, as RFC 6962
 * defines it: the final certificate's TBS without the SCT list extension.
 */
#include "sigstore_keyless.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

/* Fulcio's OIDC issuer extensions: v1 holds raw bytes, v2 a DER UTF8String. */
#define OID_ISSUER_V1 "1.3.6.1.4.1.57264.1.1"
#define OID_ISSUER_V2 "1.3.6.1.4.1.57264.1.8"

static void fmt_time(char *out, size_t n, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm))
		strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(out, n, "%lld", t);
}

/* Chains leaf to one CA; 1 verified (*chain receives it), 0 not (reason in why). */
static int chain_to(STACK_OF(X509) **chain, X509 *leaf, const hm__sigstore_ca *ca, long long t,
		    char *why, size_t whylen)
{
	STACK_OF(X509) *untrusted = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509_STORE *store = NULL;
	int n = sk_X509_num(ca->chain), i, ok = -1;

	if (!(store = X509_STORE_new()) || !(untrusted = sk_X509_new_null()) ||
	    !(ctx = X509_STORE_CTX_new()))
		goto out;
	/* The last certificate listed is the anchor; the others may be intermediates. */
	if (X509_STORE_add_cert(store, sk_X509_value(ca->chain, n - 1)) != 1)
		goto out;
	for (i = 0; i < n - 1; i++)
		if (!sk_X509_push(untrusted, sk_X509_value(ca->chain, i)))
			goto out;
	if (X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1)
		goto out;
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)t);
	X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_PARTIAL_CHAIN);
	if (X509_verify_cert(ctx) == 1) {
		*chain = X509_STORE_CTX_get1_chain(ctx);
		ok = *chain ? 1 : -1;
	} else {
		snprintf(why, whylen, "%s", X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		ok = 0;
	}
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	X509_STORE_free(store);
	ERR_clear_error();
	return ok < 0 ? hm__err(HM_ECRYPTO, "OpenSSL could not set up certificate verification")
		      : ok;
}

static int verify_chain(STACK_OF(X509) **chain, X509 *leaf, const hm__sigstore_root *root,
			long long t)
{
	char when[32], why[160] = "";
	size_t i, tried = 0;
	int rc;

	fmt_time(when, sizeof(when), t);
	for (i = 0; i < root->ncas; i++) {
		const hm__sigstore_ca *ca = &root->cas[i];

		if (t < ca->start || t > ca->end)
			continue;
		tried++;
		if ((rc = chain_to(chain, leaf, ca, t, why, sizeof(why))) != 0)
			return rc < 0 ? rc : 0;
	}
	if (!tried)
		return hm__err(HM_EVERIFY, "no certificate authority of %s is valid at the signing "
			       "time %s", root->name, when);
	return hm__err(HM_EVERIFY, "the signing certificate does not chain to a certificate "
		       "authority of %s at the signing time %s: %s", root->name, when, why);
}

static void put_u(unsigned char *p, uint64_t v, int bytes)
{
	while (bytes-- > 0) {
		p[bytes] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

/* RFC 6962 digitally-signed struct of a precert SCT (malloc'd). */
static int sct_signed_data(unsigned char **out, size_t *outlen, const SCT *sct,
			   const unsigned char *tbs, size_t tbslen, const unsigned char ikh[32])
{
	unsigned char *ext = NULL, *p;
	size_t extlen = SCT_get0_extensions(sct, &ext);

	if (tbslen > 0xffffff || extlen > 0xffff)
		return hm__err(HM_EVERIFY, "the signing certificate's SCT is too large");
	if (!(p = malloc(1 + 1 + 8 + 2 + 32 + 3 + tbslen + 2 + extlen)))
		return hm__err_oom();
	*out = p;
	*p++ = 0; /* v1 */
	*p++ = 0; /* certificate_timestamp */
	put_u(p, SCT_get_timestamp(sct), 8);
	p += 8;
	put_u(p, 1, 2); /* precert_entry */
	p += 2;
	memcpy(p, ikh, 32);
	p += 32;
	put_u(p, tbslen, 3);
	p += 3;
	memcpy(p, tbs, tbslen);
	p += tbslen;
	put_u(p, extlen, 2);
	p += 2;
	if (extlen)
		memcpy(p, ext, extlen);
	*outlen = (size_t)(p - *out) + extlen;
	return 0;
}

/* The precertificate TBS (leaf without its SCT list) and the issuer's key hash. */
static int precert_parts(unsigned char **tbs, size_t *tbslen, unsigned char ikh[32], X509 *leaf,
			 X509 *issuer)
{
	unsigned char *spki = NULL;
	X509 *pre = X509_dup(leaf);
	int idx, n;

	*tbs = NULL;
	if (!pre)
		return hm__err_oom();
	idx = X509_get_ext_by_NID(pre, NID_ct_precert_scts, -1);
	if (idx >= 0)
		X509_EXTENSION_free(X509_delete_ext(pre, idx));
	n = i2d_re_X509_tbs(pre, tbs);
	X509_free(pre);
	if (n <= 0)
		return hm__err(HM_ECRYPTO, "OpenSSL could not encode the precertificate");
	*tbslen = (size_t)n;
	n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer), &spki);
	if (n <= 0) {
		OPENSSL_free(*tbs);
		*tbs = NULL;
		return hm__err(HM_ECRYPTO, "OpenSSL could not encode the issuer's key");
	}
	hm__sha256(ikh, spki, (size_t)n);
	OPENSSL_free(spki);
	return 0;
}

static int verify_scts(X509 *leaf, X509 *issuer, const hm__sigstore_root *root)
{
	STACK_OF(SCT) *scts = X509_get_ext_d2i(leaf, NID_ct_precert_scts, NULL, NULL);
	unsigned char *tbs = NULL, ikh[32];
	size_t tbslen = 0, i, good = 0;
	int rc = 0;

	ERR_clear_error();
	if (!scts || sk_SCT_num(scts) <= 0) {
		rc = hm__err(HM_EVERIFY, "the signing certificate carries no embedded signed "
			     "certificate timestamp (SCT)");
		goto out;
	}
	if ((rc = precert_parts(&tbs, &tbslen, ikh, leaf, issuer)) < 0)
		goto out;
	for (i = 0; i < (size_t)sk_SCT_num(scts); i++) {
		const SCT *sct = sk_SCT_value(scts, (int)i);
		const hm__sigstore_log *lg;
		unsigned char *id = NULL, *sig = NULL, *data = NULL;
		size_t idlen = SCT_get0_log_id(sct, &id), siglen, datalen = 0;
		long long when = (long long)(SCT_get_timestamp(sct) / 1000);

		if (SCT_get_version(sct) != SCT_VERSION_V1)
			continue;
		if (!(lg = hm__sigstore_log_find(root->ctlogs, root->nctlogs, id, idlen)))
			continue;
		if (when < lg->start || when > lg->end) {
			rc = hm__err(HM_EVERIFY, "the signing certificate's SCT is dated outside the "
				     "validity of CT log %s in %s", lg->url, root->name);
			goto out;
		}
		siglen = SCT_get0_signature(sct, &sig);
		if ((rc = sct_signed_data(&data, &datalen, sct, tbs, tbslen, ikh)) < 0)
			goto out;
		rc = hm__sigstore_log_verify(lg, sig, siglen, data, datalen);
		free(data);
		if (rc < 0)
			goto out;
		if (rc == 0) {
			rc = hm__err(HM_EVERIFY, "the signing certificate's SCT from CT log %s does "
				     "not verify with that log's key in %s", lg->url, root->name);
			goto out;
		}
		good++;
	}
	rc = good ? 0 : hm__err(HM_EVERIFY, "none of the signing certificate's %d SCTs is from a "
				"CT log of %s", sk_SCT_num(scts), root->name);
out:
	OPENSSL_free(tbs);
	SCT_LIST_free(scts);
	ERR_clear_error();
	return rc;
}

/* Printable copy of a certificate string for messages and the caller (malloc'd). */
static char *printable(const unsigned char *s, int n)
{
	char *o = malloc((size_t)n + 1);
	int i;

	if (!o)
		return NULL;
	for (i = 0; i < n; i++)
		o[i] = isprint(s[i]) ? (char)s[i] : '?';
	o[n] = '\0';
	return o;
}

static int eq(const unsigned char *s, int n, const char *want)
{
	return n >= 0 && (size_t)n == strlen(want) && memcmp(s, want, (size_t)n) == 0;
}

static int check_san(char **matched, X509 *leaf, const char *identity)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
	hm_buf seen = HM_BUF_INIT;
	int i, rc = 0;

	*matched = NULL;
	for (i = 0; sans && i < sk_GENERAL_NAME_num(sans) && !*matched; i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
		const ASN1_IA5STRING *s;
		char *p;

		if (gn->type == GEN_EMAIL)
			s = gn->d.rfc822Name;
		else if (gn->type == GEN_URI)
			s = gn->d.uniformResourceIdentifier;
		else
			continue;
		if (!(p = printable(ASN1_STRING_get0_data(s), ASN1_STRING_length(s)))) {
			rc = hm__err_oom();
			break;
		}
		if (eq(ASN1_STRING_get0_data(s), ASN1_STRING_length(s), identity))
			*matched = p;
		else {
			hm__buf_printf(&seen, "%s%s", seen.len ? ", " : "", p);
			free(p);
		}
	}
	if (!rc && !*matched)
		rc = hm__err(HM_EVERIFY, "the signing certificate's identity (SAN %s) is not %s",
			     seen.len ? seen.data : "none", identity);
	hm__buf_free(&seen);
	GENERAL_NAMES_free(sans);
	ERR_clear_error();
	return rc;
}

/* The value of extension oid: 1 found (*val, *n point into the certificate), 0 absent. */
static int ext_data(const unsigned char **val, int *n, X509 *leaf, const char *oid)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	const ASN1_OCTET_STRING *os;
	int idx;

	if (!obj)
		return hm__err(HM_ECRYPTO, "OpenSSL does not parse the OID %s", oid);
	idx = X509_get_ext_by_OBJ(leaf, obj, -1);
	ASN1_OBJECT_free(obj);
	if (idx < 0)
		return 0;
	os = X509_EXTENSION_get_data(X509_get_ext(leaf, idx));
	*val = ASN1_STRING_get0_data(os);
	*n = ASN1_STRING_length(os);
	return 1;
}

static int check_issuer(X509 *leaf, const char *issuer)
{
	const unsigned char *v1 = NULL, *v2 = NULL, *p;
	ASN1_UTF8STRING *u = NULL;
	int n1 = 0, n2 = 0, h1, h2, rc = 0;
	char *got = NULL;

	if ((h1 = ext_data(&v1, &n1, leaf, OID_ISSUER_V1)) < 0 ||
	    (h2 = ext_data(&v2, &n2, leaf, OID_ISSUER_V2)) < 0)
		return h1 < 0 ? h1 : h2;
	if (h2) {
		p = v2;
		u = d2i_ASN1_UTF8STRING(NULL, &p, n2);
		if (!u || p != v2 + n2) {
			rc = hm__err(HM_EVERIFY, "the signing certificate's OIDC issuer extension "
				     "(%s) is not a DER UTF8String", OID_ISSUER_V2);
			goto out;
		}
		v2 = ASN1_STRING_get0_data(u);
		n2 = ASN1_STRING_length(u);
		if (h1 && (n1 != n2 || memcmp(v1, v2, (size_t)n1) != 0)) {
			rc = hm__err(HM_EVERIFY, "the signing certificate's two OIDC issuer "
				     "extensions (%s, %s) disagree", OID_ISSUER_V1, OID_ISSUER_V2);
			goto out;
		}
		v1 = v2;
		n1 = n2;
	} else if (!h1) {
		rc = hm__err(HM_EVERIFY, "the signing certificate has no OIDC issuer extension "
			     "(%s or %s)", OID_ISSUER_V2, OID_ISSUER_V1);
		goto out;
	}
	if (!eq(v1, n1, issuer)) {
		got = printable(v1, n1);
		rc = hm__err(HM_EVERIFY, "the signing certificate's OIDC issuer %s is not %s",
			     got ? got : "?", issuer);
	}
out:
	free(got);
	ASN1_UTF8STRING_free(u);
	ERR_clear_error();
	return rc;
}

int hm__sigstore_cert_verify(char **matched, X509 *leaf, const hm__sigstore_root *root,
			     long long t, const char *identity, const char *issuer)
{
	STACK_OF(X509) *chain = NULL;
	uint32_t xku;
	int rc;

	*matched = NULL;
	if ((rc = verify_chain(&chain, leaf, root, t)) < 0)
		return rc;
	if (X509_check_ca(leaf) != 0) {
		rc = hm__err(HM_EVERIFY, "the signing certificate is a certificate authority, not a "
			     "signer's certificate");
		goto out;
	}
	xku = X509_get_extended_key_usage(leaf);
	if (!(X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) || !(xku & XKU_CODE_SIGN)) {
		rc = hm__err(HM_EVERIFY, "the signing certificate is not for code signing (no "
			     "extended key usage codeSigning)");
		goto out;
	}
	if (sk_X509_num(chain) < 2) {
		rc = hm__err(HM_EVERIFY, "the signing certificate is itself a certificate authority "
			     "of %s", root->name);
		goto out;
	}
	if ((rc = verify_scts(leaf, sk_X509_value(chain, 1), root)) < 0 ||
	    (rc = check_issuer(leaf, issuer)) < 0 || (rc = check_san(matched, leaf, identity)) < 0)
		goto out;
out:
	sk_X509_pop_free(chain, X509_free);
	return rc;
}
