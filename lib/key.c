/*
 * Keys: the in-memory handle, key ids, signing, verification, PEM import and
 * export. Ed25519 here through libsodium; ECDSA in key_ec.c through OpenSSL.
 */
#include "internal.h"
#include "keyimpl.h"
#include "pem.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static int key_new(hm_key **out)
{
	hm_key *k;

	*out = NULL;
	if (hm_init() < 0)
		return HM_ECRYPTO;
	k = calloc(1, sizeof(*k));
	if (!k)
		return hm__err_oom();
	*out = k;
	return 0;
}

static void key_set_id(hm_key *k)
{
	unsigned char der[44], h[32];

	memcpy(der, hm__spki_prefix, sizeof(hm__spki_prefix));
	memcpy(der + 12, k->pk, 32);
	hm__sha256(h, der, sizeof(der));
	hm__hex_encode(k->id, h, 32);
}

int hm_key_from_public(hm_key **out, const unsigned char pk[32])
{
	int rc = key_new(out);

	if (rc < 0)
		return rc;
	memcpy((*out)->pk, pk, 32);
	key_set_id(*out);
	return 0;
}

int hm_key_from_seed(hm_key **out, const unsigned char seed[32])
{
	hm_key *k;
	int rc = key_new(out);

	if (rc < 0)
		return rc;
	k = *out;
	k->sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	if (!k->sk) {
		free(k);
		*out = NULL;
		return hm__err_oom();
	}
	if (crypto_sign_seed_keypair(k->pk, k->sk, seed) != 0) {
		hm_key_free(k);
		*out = NULL;
		return hm__err(HM_ECRYPTO, "cannot derive an Ed25519 key pair");
	}
	key_set_id(k);
	return 0;
}

int hm_key_generate(hm_key **out)
{
	unsigned char *seed;
	int rc;

	*out = NULL;
	if (hm_init() < 0)
		return HM_ECRYPTO;
	seed = sodium_malloc(32);
	if (!seed)
		return hm__err_oom();
	randombytes_buf(seed, 32);
	rc = hm_key_from_seed(out, seed);
	sodium_free(seed);
	return rc;
}

const char *hm_key_type_name(hm_key_type type)
{
	switch (type) {
	case HM_KEY_ED25519: return "ed25519";
	case HM_KEY_ECDSA_P256: return "ecdsa-p256";
	case HM_KEY_ECDSA_P384: return "ecdsa-p384";
	case HM_KEY_ECDSA_P521: return "ecdsa-p521";
	}
	return "unknown";
}

int hm_key_type_parse(hm_key_type *out, const char *name)
{
	int t;

	for (t = HM_KEY_ED25519; t <= HM_KEY_ECDSA_P521; t++)
		if (name && strcmp(name, hm_key_type_name((hm_key_type)t)) == 0) {
			*out = (hm_key_type)t;
			return 0;
		}
	return hm__err(HM_EINVAL, "unknown key type \"%s\" (ed25519, ecdsa-p256, ecdsa-p384 or "
		       "ecdsa-p521)", name ? name : "");
}

hm_key_type hm_key_get_type(const hm_key *key)
{
	return key->type;
}

void hm_key_free(hm_key *key)
{
	if (!key)
		return;
	hm__key_ec_free(key);
	if (key->sk)
		sodium_free(key->sk); /* wipes before freeing */
	free(key);
}

int hm_key_has_secret(const hm_key *key)
{
	return key && (key->sk != NULL || key->ec_secret);
}

const char *hm_key_id(const hm_key *key)
{
	return key->id;
}

const unsigned char *hm_key_public_bytes(const hm_key *key)
{
	return key->type == HM_KEY_ED25519 ? key->pk : NULL;
}

int hm_key_public_der(unsigned char **out, size_t *len, const hm_key *key)
{
	*out = NULL;
	*len = 0;
	if (key->type != HM_KEY_ED25519) {
		if (!(*out = malloc(key->spki_len)))
			return hm__err_oom();
		memcpy(*out, key->spki, key->spki_len);
		*len = key->spki_len;
		return 0;
	}
	if (!(*out = malloc(44)))
		return hm__err_oom();
	memcpy(*out, hm__spki_prefix, 12);
	memcpy(*out + 12, key->pk, 32);
	*len = 44;
	return 0;
}

int hm__key_public_copy(hm_key **out, const hm_key *key)
{
	if (key->type == HM_KEY_ED25519)
		return hm_key_from_public(out, key->pk);
	return hm_key_from_spki(out, key->spki, key->spki_len, key->id);
}

int hm_key_sign_alloc(unsigned char **sig, size_t *siglen, const hm_key *key,
		      const unsigned char *msg, size_t msglen)
{
	int rc;

	*sig = NULL;
	*siglen = 0;
	if (key->type != HM_KEY_ED25519)
		return hm__key_ec_sign(sig, siglen, key, msg, msglen);
	if (!(*sig = malloc(64)))
		return hm__err_oom();
	if ((rc = hm_key_sign(key, *sig, msg, msglen)) < 0) {
		free(*sig);
		*sig = NULL;
		return rc;
	}
	*siglen = 64;
	return 0;
}

int hm_key_sign(const hm_key *key, unsigned char sig[64], const unsigned char *msg, size_t msglen)
{
	if (key->type != HM_KEY_ED25519)
		return hm__err(HM_EINVAL, "key %.16s... is an %s key: it does not make 64-byte "
			       "Ed25519 signatures", key->id, hm_key_type_name(key->type));
	if (!key->sk)
		return hm__err(HM_EINVAL, "key %.16s... has no secret half: cannot sign", key->id);
	if (crypto_sign_detached(sig, NULL, msg, msglen, key->sk) != 0)
		return hm__err(HM_ECRYPTO, "Ed25519 signing failed");
	return 0;
}

int hm_ed25519_verify(const unsigned char pk[32], const unsigned char *sig, size_t siglen,
		      const unsigned char *msg, size_t msglen)
{
	if (hm_init() < 0)
		return HM_ECRYPTO;
	if (siglen != crypto_sign_BYTES)
		return hm__err(HM_EVERIFY, "signature is %zu bytes, not 64", siglen);
	if (crypto_sign_verify_detached(sig, msg, msglen, pk) != 0)
		return hm__err(HM_EVERIFY, "signature does not verify");
	return 0;
}

int hm_key_verify(const hm_key *key, const unsigned char *sig, size_t siglen,
		  const unsigned char *msg, size_t msglen)
{
	if (key->type != HM_KEY_ED25519)
		return hm__key_ec_verify(key, sig, siglen, msg, msglen);
	return hm_ed25519_verify(key->pk, sig, siglen, msg, msglen);
}

int hm_key_public_pem(char **out, const hm_key *key)
{
	unsigned char *der;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = hm_key_public_der(&der, &len, key)) < 0)
		return rc;
	*out = hm__pem_encode(der, len, "PUBLIC KEY");
	free(der);
	return *out ? 0 : hm__err_oom();
}

int hm_key_write_public(const hm_key *key, const char *path, int overwrite)
{
	char *pem;
	int rc = hm_key_public_pem(&pem, key);

	if (rc < 0)
		return rc;
	rc = hm__write_file_atomic(path, pem, strlen(pem), 0644, overwrite);
	free(pem);
	return rc;
}

/* A DER private key other than the fixed Ed25519 form: PKCS#8 or SEC 1 EC, through OpenSSL. */
static int parse_other_private(hm_key **out, unsigned char *der, size_t derlen, const char *name)
{
	int rc = hm__key_ec_from_der(out, der, derlen, 1, name);

	sodium_memzero(der, derlen);
	free(der);
	return rc;
}

/*
 * PEM import: PKCS#8 private keys (Ed25519, EC), SEC 1 "EC PRIVATE KEY"
 * (with or without the "EC PARAMETERS" block `openssl ecparam -genkey`
 * writes first) and SPKI public keys.
 */
int hm__key_parse_pem(hm_key **out, const char *data, size_t len, const char *name)
{
	char label[48];
	unsigned char *der = NULL;
	size_t derlen;
	int rc;

	*out = NULL;
	if (!hm__pem_find_label(data, len, label, sizeof(label)))
		return hm__err(HM_EFORMAT, "%s: not a key file (no hallmark key, no PEM block)", name);
	if (strcmp(label, "EC PARAMETERS") == 0)
		snprintf(label, sizeof(label), "EC PRIVATE KEY");
	if (strcmp(label, "EC PRIVATE KEY") == 0) {
		if ((rc = hm__pem_decode(&der, &derlen, data, len, label, name)) < 0)
			return rc;
		return parse_other_private(out, der, derlen, name);
	}
	if (strcmp(label, "PRIVATE KEY") == 0) {
		rc = hm__pem_decode(&der, &derlen, data, len, label, name);
		if (rc < 0)
			return rc;
		if (derlen != 48 || memcmp(der, hm__pkcs8_prefix, 16) != 0)
			return parse_other_private(out, der, derlen, name);
		rc = hm_key_from_seed(out, der + 16);
		sodium_memzero(der, derlen);
		free(der);
		return rc;
	}
	if (strcmp(label, "PUBLIC KEY") == 0) {
		rc = hm__pem_decode(&der, &derlen, data, len, label, name);
		if (rc < 0)
			return rc;
		if (derlen != 44 || memcmp(der, hm__spki_prefix, 12) != 0)
			rc = hm__key_ec_from_der(out, der, derlen, 0, name);
		else
			rc = hm_key_from_public(out, der + 12);
		free(der);
		return rc;
	}
	if (strcmp(label, "ENCRYPTED PRIVATE KEY") == 0)
		return hm__err(HM_EUNSUPPORTED,
			       "%s: encrypted PKCS#8 is not supported; decrypt it with "
			       "`openssl pkey -in %s -out plain.pem` first", name, name);
	return hm__err(HM_EUNSUPPORTED, "%s: PEM block \"%s\" is not a key hallmark reads "
		       "(PUBLIC KEY, PRIVATE KEY or EC PRIVATE KEY)", name, label);
}

int hm_key_load(hm_key **out, const char *path, hm_passphrase_cb cb, void *payload)
{
	char *data;
	size_t len;
	int rc;

	*out = NULL;
	rc = hm__key_read_file(&data, &len, path);
	if (rc < 0)
		return rc;
	rc = hm_key_parse(out, data, len, path, cb, payload);
	sodium_memzero(data, len);
	free(data);
	return rc;
}
