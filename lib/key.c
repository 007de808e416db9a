/* Ed25519 keys: in-memory handle, key ids, signing, verification, PEM import/export. */
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

void hm_key_free(hm_key *key)
{
	if (!key)
		return;
	if (key->sk)
		sodium_free(key->sk); /* wipes before freeing */
	free(key);
}

int hm_key_has_secret(const hm_key *key)
{
	return key && key->sk != NULL;
}

const char *hm_key_id(const hm_key *key)
{
	return key->id;
}

const unsigned char *hm_key_public_bytes(const hm_key *key)
{
	return key->pk;
}

int hm_key_sign(const hm_key *key, unsigned char sig[64], const unsigned char *msg, size_t msglen)
{
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
	return hm_ed25519_verify(key->pk, sig, siglen, msg, msglen);
}

int hm_key_public_pem(char **out, const hm_key *key)
{
	unsigned char der[44];

	memcpy(der, hm__spki_prefix, 12);
	memcpy(der + 12, key->pk, 32);
	*out = hm__pem_encode(der, sizeof(der), "PUBLIC KEY");
	return *out ? 0 : HM_ENOMEM;
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

/* PEM import: PKCS#8 Ed25519 private key or SPKI public key. */
int hm__key_parse_pem(hm_key **out, const char *data, size_t len, const char *name)
{
	char label[48];
	unsigned char *der = NULL;
	size_t derlen;
	int rc;

	*out = NULL;
	if (!hm__pem_find_label(data, len, label, sizeof(label)))
		return hm__err(HM_EFORMAT, "%s: not a key file (no hallmark key, no PEM block)", name);
	if (strcmp(label, "PRIVATE KEY") == 0) {
		rc = hm__pem_decode(&der, &derlen, data, len, label, name);
		if (rc < 0)
			return rc;
		if (derlen != 48 || memcmp(der, hm__pkcs8_prefix, 16) != 0) {
			sodium_memzero(der, derlen);
			free(der);
			return hm__err(HM_EUNSUPPORTED,
				       "%s: not an Ed25519 PKCS#8 private key (expected the 48-byte "
				       "form `openssl genpkey -algorithm ed25519` writes)", name);
		}
		rc = hm_key_from_seed(out, der + 16);
		sodium_memzero(der, derlen);
		free(der);
		return rc;
	}
	if (strcmp(label, "PUBLIC KEY") == 0) {
		rc = hm__pem_decode(&der, &derlen, data, len, label, name);
		if (rc < 0)
			return rc;
		if (derlen != 44 || memcmp(der, hm__spki_prefix, 12) != 0) {
			free(der);
			return hm__err(HM_EUNSUPPORTED, "%s: not an Ed25519 public key", name);
		}
		rc = hm_key_from_public(out, der + 12);
		free(der);
		return rc;
	}
	if (strcmp(label, "ENCRYPTED PRIVATE KEY") == 0)
		return hm__err(HM_EUNSUPPORTED,
			       "%s: encrypted PKCS#8 is not supported; decrypt it with "
			       "`openssl pkey -in %s -out plain.pem` first", name, name);
	return hm__err(HM_EUNSUPPORTED, "%s: PEM block \"%s\" is not an Ed25519 key", name, label);
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
