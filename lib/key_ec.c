/*
 * ECDSA keys on P-256, P-384 and P-521 through OpenSSL EVP: parsing
 * SubjectPublicKeyInfo, PKCS#8 and SEC 1 ("EC PRIVATE KEY") DER, generation,
 * signing and verification with the curve's digest (SHA-256, SHA-384,
 * SHA-512, as model_signing uses them), and the private scalar the hallmark
 * key file stores.
 */
#include "internal.h"
#include "keyimpl.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const struct curve {
	hm_key_type type;
	int nid;
	const char *group; /* OpenSSL group name */
	size_t secret_len, spki_len;
} curves[] = {
	{ HM_KEY_ECDSA_P256, NID_X9_62_prime256v1, "prime256v1", 32, 91 },
	{ HM_KEY_ECDSA_P384, NID_secp384r1, "secp384r1", 48, 120 },
	{ HM_KEY_ECDSA_P521, NID_secp521r1, "secp521r1", 66, 158 },
};

static const struct curve *curve_of(hm_key_type t)
{
	size_t i;

	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (curves[i].type == t)
			return &curves[i];
	return NULL;
}

size_t hm__key_ec_secret_len(hm_key_type t)
{
	const struct curve *c = curve_of(t);
	return c ? c->secret_len : 0;
}

size_t hm__key_ec_spki_len(hm_key_type t)
{
	const struct curve *c = curve_of(t);
	return c ? c->spki_len : 0;
}

const void *hm__key_ec_md(hm_key_type t)
{
	return t == HM_KEY_ECDSA_P256 ? EVP_sha256()
	       : t == HM_KEY_ECDSA_P384 ? EVP_sha384()
	       : t == HM_KEY_ECDSA_P521 ? EVP_sha512()
					: NULL;
}

/* The curve of an EC EVP_PKEY, or -1 for another curve or key type. */
static int evp_curve(EVP_PKEY *p, hm_key_type *t, char *cname, size_t cnamesize)
{
	char name[64] = "";
	size_t i;
	int nid;

	cname[0] = '\0';
	if (EVP_PKEY_get_base_id(p) != EVP_PKEY_EC)
		return -1;
	if (!EVP_PKEY_get_utf8_string_param(p, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name),
					    NULL))
		return -1;
	snprintf(cname, cnamesize, "%s", name);
	nid = OBJ_txt2nid(name);
	if (nid == NID_undef)
		nid = EC_curve_nist2nid(name);
	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (curves[i].nid == nid) {
			*t = curves[i].type;
			return 0;
		}
	return -1;
}

void hm__key_ec_free(hm_key *k)
{
	EVP_PKEY_free(k->evp);
	free(k->spki);
	k->evp = NULL;
	k->spki = NULL;
}

int hm__key_from_evp(hm_key **out, void *evpv, int with_secret, const char *name)
{
	EVP_PKEY *evp = evpv;
	unsigned char *der = NULL, h[32];
	char cname[64];
	hm_key_type t;
	hm_key *k;
	int n;

	*out = NULL;
	if (EVP_PKEY_get_base_id(evp) == EVP_PKEY_ED25519) {
		unsigned char raw[32];
		size_t rl = sizeof(raw);
		if (with_secret) {
			unsigned char *seed = sodium_malloc(32);
			int rc;
			if (!seed)
				return hm__err_oom();
			if (!EVP_PKEY_get_raw_private_key(evp, seed, &rl) || rl != 32) {
				sodium_free(seed);
				return hm__err(HM_ECRYPTO, "%s: cannot read the Ed25519 key", name);
			}
			rc = hm_key_from_seed(out, seed);
			sodium_free(seed);
			return rc;
		}
		if (!EVP_PKEY_get_raw_public_key(evp, raw, &rl) || rl != 32)
			return hm__err(HM_ECRYPTO, "%s: cannot read the Ed25519 key", name);
		return hm_key_from_public(out, raw);
	}
	if (evp_curve(evp, &t, cname, sizeof(cname)) < 0)
		return hm__err(HM_EUNSUPPORTED, "%s: %s%s%s is not supported (hallmark takes Ed25519 "
			       "and ECDSA keys on P-256, P-384 and P-521)", name,
			       EVP_PKEY_get_base_id(evp) == EVP_PKEY_EC ? "EC curve " : "key type ",
			       cname[0] ? cname : OBJ_nid2sn(EVP_PKEY_get_base_id(evp)), "");
	if (hm_init() < 0)
		return HM_ECRYPTO;
	if (with_secret) {
		/* A private key file also carries the public point: it must be the scalar's. */
		EVP_PKEY_CTX *cx = EVP_PKEY_CTX_new_from_pkey(NULL, evp, NULL);
		int ok = cx && EVP_PKEY_pairwise_check(cx) == 1;

		EVP_PKEY_CTX_free(cx);
		if (!ok) {
			ERR_clear_error();
			return hm__err(HM_EFORMAT, "%s: the EC private key's public point is not the "
				       "one its private scalar gives", name);
		}
	}
	if (!(k = calloc(1, sizeof(*k))))
		return hm__err_oom();
	k->type = t;
	n = i2d_PUBKEY(evp, &der);
	if (n <= 0) {
		free(k);
		return hm__err(HM_ECRYPTO, "%s: cannot encode the public key", name);
	}
	k->spki = malloc((size_t)n);
	if (!k->spki) {
		OPENSSL_free(der);
		free(k);
		return hm__err_oom();
	}
	memcpy(k->spki, der, (size_t)n);
	k->spki_len = (size_t)n;
	OPENSSL_free(der);
	if (!EVP_PKEY_up_ref(evp)) {
		hm_key_free(k);
		return hm__err(HM_ECRYPTO, "%s: cannot keep the key", name);
	}
	k->evp = evp;
	k->ec_secret = with_secret;
	hm__sha256(h, k->spki, k->spki_len);
	hm__hex_encode(k->id, h, 32);
	*out = k;
	return 0;
}

int hm__key_ec_from_der(hm_key **out, const unsigned char *der, size_t len, int is_private,
			const char *name)
{
	const unsigned char *p = der;
	EVP_PKEY *evp;
	int rc;

	*out = NULL;
	if (len > 1 << 16)
		return hm__err(HM_EFORMAT, "%s: key too large", name);
	evp = is_private ? d2i_AutoPrivateKey(NULL, &p, (long)len) : d2i_PUBKEY(NULL, &p, (long)len);
	if (!evp || p != der + len) {
		EVP_PKEY_free(evp);
		return hm__err(HM_EFORMAT, "%s: not a valid %s key", name,
			       is_private ? "private" : "public");
	}
	rc = hm__key_from_evp(out, evp, is_private, name);
	EVP_PKEY_free(evp);
	return rc;
}

int hm__key_ec_sign(unsigned char **sig, size_t *siglen, const hm_key *k,
		    const unsigned char *msg, size_t msglen)
{
	EVP_MD_CTX *ctx;
	size_t n = 0;
	int ok;

	*sig = NULL;
	*siglen = 0;
	if (!k->ec_secret)
		return hm__err(HM_EINVAL, "key %.16s... has no secret half: cannot sign", k->id);
	if (!(ctx = EVP_MD_CTX_new()))
		return hm__err_oom();
	ok = EVP_DigestSignInit(ctx, NULL, hm__key_ec_md(k->type), NULL, k->evp) == 1 &&
	     EVP_DigestSign(ctx, NULL, &n, msg, msglen) == 1 && (*sig = malloc(n)) != NULL &&
	     EVP_DigestSign(ctx, *sig, &n, msg, msglen) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		free(*sig);
		*sig = NULL;
		return hm__err(HM_ECRYPTO, "ECDSA signing failed");
	}
	*siglen = n;
	return 0;
}

int hm__key_ec_verify(const hm_key *k, const unsigned char *sig, size_t siglen,
		      const unsigned char *msg, size_t msglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (!ctx)
		return hm__err_oom();
	ok = EVP_DigestVerifyInit(ctx, NULL, hm__key_ec_md(k->type), NULL, k->evp) == 1 &&
	     EVP_DigestVerify(ctx, sig, siglen, msg, msglen) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return hm__err(HM_EVERIFY, "signature does not verify");
	return 0;
}

int hm__key_ec_secret(unsigned char **out, size_t *len, const hm_key *k)
{
	size_t n = hm__key_ec_secret_len(k->type);
	BIGNUM *bn = NULL;
	int ok;

	*out = NULL;
	*len = 0;
	if (!k->ec_secret || !n)
		return hm__err(HM_EINVAL, "key has no secret half to write");
	if (!(*out = sodium_malloc(n)))
		return hm__err_oom();
	ok = EVP_PKEY_get_bn_param(k->evp, OSSL_PKEY_PARAM_PRIV_KEY, &bn) == 1 &&
	     BN_bn2binpad(bn, *out, (int)n) == (int)n;
	BN_clear_free(bn);
	if (!ok) {
		sodium_free(*out);
		*out = NULL;
		return hm__err(HM_ECRYPTO, "cannot read the ECDSA private key");
	}
	*len = n;
	return 0;
}

int hm__key_ec_from_secret(hm_key **out, hm_key_type t, const unsigned char *scalar, size_t len)
{
	const struct curve *c = curve_of(t);
	EC_GROUP *g = NULL;
	EC_POINT *pt = NULL;
	BIGNUM *d = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *evp = NULL;
	unsigned char pub[1 + 2 * 66];
	size_t publen;
	int rc = HM_ECRYPTO;

	*out = NULL;
	if (!c || len != c->secret_len)
		return hm__err(HM_EFORMAT, "an ECDSA %s secret must be %zu bytes",
			       hm_key_type_name(t), c ? c->secret_len : 0);
	if (!(g = EC_GROUP_new_by_curve_name(c->nid)) || !(pt = EC_POINT_new(g)) ||
	    !(d = BN_secure_new()) || !BN_bin2bn(scalar, (int)len, d) || BN_is_zero(d) ||
	    BN_cmp(d, EC_GROUP_get0_order(g)) >= 0 ||
	    !EC_POINT_mul(g, pt, d, NULL, NULL, NULL) ||
	    !(publen = EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof(pub),
					  NULL)) ||
	    !(bld = OSSL_PARAM_BLD_new()) ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, c->group, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, publen) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) ||
	    !(pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) ||
	    EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &evp, EVP_PKEY_KEYPAIR, params) != 1) {
		hm__err(HM_EFORMAT, "not a valid ECDSA %s private key", hm_key_type_name(t));
		rc = HM_EFORMAT;
		goto out;
	}
	rc = hm__key_from_evp(out, evp, 1, "key");
out:
	EVP_PKEY_free(evp);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(d);
	EC_POINT_free(pt);
	EC_GROUP_free(g);
	return rc;
}

int hm_key_generate_type(hm_key **out, hm_key_type type)
{
	const struct curve *c;
	EVP_PKEY *evp;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_key_generate_type: NULL out");
	*out = NULL;
	if (type == HM_KEY_ED25519)
		return hm_key_generate(out);
	if (!(c = curve_of(type)))
		return hm__err(HM_EINVAL, "unknown key type %d", (int)type);
	if (hm_init() < 0)
		return HM_ECRYPTO;
	evp = EVP_EC_gen(c->group);
	if (!evp)
		return hm__err(HM_ECRYPTO, "cannot generate an ECDSA %s key", hm_key_type_name(type));
	rc = hm__key_from_evp(out, evp, 1, "generated key");
	EVP_PKEY_free(evp);
	return rc;
}

int hm_key_from_spki(hm_key **out, const unsigned char *der, size_t len, const char *name)
{
	if (!out)
		return hm__err(HM_EINVAL, "hm_key_from_spki: NULL out");
	*out = NULL;
	if (!der)
		return hm__err(HM_EINVAL, "hm_key_from_spki: NULL key");
	return hm__key_ec_from_der(out, der, len, 0, name ? name : "key");
}
