/* lib/keyimpl.h: the key handle's layout (internal). */
#ifndef HM_KEYIMPL_H
#define HM_KEYIMPL_H

#include "hallmark.h"

struct hm_key {
	hm_key_type type;
	unsigned char pk[32];   /* Ed25519: the public key */
	unsigned char *sk;      /* Ed25519: 64 bytes (seed || pk) in sodium_malloc memory, or NULL */
	void *evp;              /* ECDSA: the OpenSSL EVP_PKEY (public, or with the private half) */
	int ec_secret;          /* ECDSA: evp holds the private half */
	unsigned char *spki;    /* ECDSA: DER SubjectPublicKeyInfo (malloc'd) */
	size_t spki_len;
	char id[HM_KEY_ID_HEXLEN + 1];
};

/* A public-only copy of any key. */
int hm__key_public_copy(hm_key **out, const hm_key *key);
int hm__key_parse_pem(hm_key **out, const char *data, size_t len, const char *name);
/*
 * Reads a key file (at most 64 KiB; "-" is stdin). A file that holds a secret
 * key (a hallmark key file or a PEM private key) and that group or others can
 * access is refused (HM_EINVAL, naming the fix), before anything is parsed.
 */
int hm__key_read_file(char **out, size_t *outlen, const char *path);

/* key_ec.c: ECDSA keys (P-256, P-384, P-521) through OpenSSL EVP. */
/* A key from an EVP_PKEY (EC on a supported curve, or Ed25519); takes a reference of its own. */
int hm__key_from_evp(hm_key **out, void *evp, int with_secret, const char *name);
/* PEM blocks other than the fixed Ed25519 forms: EC PUBLIC KEY / PRIVATE KEY / EC PRIVATE KEY. */
int hm__key_ec_from_der(hm_key **out, const unsigned char *der, size_t len, int is_private,
			const char *name);
void hm__key_ec_free(hm_key *k);
int hm__key_ec_sign(unsigned char **sig, size_t *siglen, const hm_key *k,
		    const unsigned char *msg, size_t msglen);
int hm__key_ec_verify(const hm_key *k, const unsigned char *sig, size_t siglen,
		      const unsigned char *msg, size_t msglen);
/* The private scalar, big-endian, padded to the curve's size (sodium_malloc'd; sodium_free). */
int hm__key_ec_secret(unsigned char **out, size_t *len, const hm_key *k);
/* A key pair from a private scalar on the curve of type t. */
int hm__key_ec_from_secret(hm_key **out, hm_key_type t, const unsigned char *scalar, size_t len);
/* Sizes of the curve's private scalar and of its DER SPKI (uncompressed point). */
size_t hm__key_ec_secret_len(hm_key_type t);
size_t hm__key_ec_spki_len(hm_key_type t);
/* The OpenSSL digest an ECDSA signature on this curve uses (SHA-256/384/512), as an EVP_MD. */
const void *hm__key_ec_md(hm_key_type t);

/* keyfile.c: the most KDF work a key file may demand; lowered only by the fuzz harness. */
extern unsigned long long hm__keyfile_max_opslimit;
extern size_t hm__keyfile_max_memlimit;

#endif
