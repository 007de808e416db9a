/*
 * hallmark/key.h: signing keys (Ed25519, and ECDSA on P-256, P-384 and P-521
 * as OpenSSF model signing uses them): generation, hallmark key files
 * (optionally encrypted with Argon2id + XChaCha20-Poly1305), OpenSSL PEM
 * import and export, key ids, signing and verification.
 *
 * Secret material lives in sodium_malloc memory and is wiped when the key is freed.
 */
#ifndef HALLMARK_KEY_H
#define HALLMARK_KEY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A public key, with the secret half when loaded from a secret key. */
typedef struct hm_key hm_key;

/*
 * The kinds of key. An ECDSA signature is DER-encoded over the message hashed
 * with the curve's digest: SHA-256 on P-256, SHA-384 on P-384, SHA-512 on
 * P-521 (as model_signing signs and verifies).
 */
typedef enum hm_key_type {
	HM_KEY_ED25519 = 0,
	HM_KEY_ECDSA_P256 = 1,
	HM_KEY_ECDSA_P384 = 2,
	HM_KEY_ECDSA_P521 = 3
} hm_key_type;

/* "ed25519", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521"; "unknown" otherwise. */
HM_EXTERN const char *hm_key_type_name(hm_key_type type);
/* The type named name (as hm_key_type_name() spells it); HM_EINVAL for any other. */
HM_EXTERN int hm_key_type_parse(hm_key_type *out, const char *name);
HM_EXTERN hm_key_type hm_key_get_type(const hm_key *key);

/* Creates a fresh key pair of the given type. Free with hm_key_free(). */
HM_EXTERN int hm_key_generate_type(hm_key **out, hm_key_type type);

/*
 * A public-only key from a DER SubjectPublicKeyInfo (Ed25519, or EC on P-256,
 * P-384 or P-521). name is used in error messages.
 */
HM_EXTERN int hm_key_from_spki(hm_key **out, const unsigned char *der, size_t len,
			       const char *name);

/* The DER SubjectPublicKeyInfo of any key (free with hm_free()). */
HM_EXTERN int hm_key_public_der(unsigned char **out, size_t *len, const hm_key *key);

/*
 * Signs msg with any key: 64 bytes for Ed25519, a DER ECDSA signature for EC
 * keys. Free *sig with hm_free().
 */
HM_EXTERN int hm_key_sign_alloc(unsigned char **sig, size_t *siglen, const hm_key *key,
				const unsigned char *msg, size_t msglen);

#define HM_KEY_ID_HEXLEN 64
#define HM_ED25519_SIGLEN 64

/*
 * Called when an encrypted key file needs its passphrase. Write at most
 * bufsize-1 bytes and a NUL into buf; return 0, or a negative error code
 * (with hm_error_last set, e.g. through the caller's own message) to abort.
 * The buffer is in secure memory and wiped after use.
 */
typedef int (*hm_passphrase_cb)(char *buf, size_t bufsize, void *payload);

/* Creates a fresh Ed25519 key pair. Free with hm_key_free(). */
HM_EXTERN int hm_key_generate(hm_key **out);

/* A key pair from a 32-byte Ed25519 seed (RFC 8032 secret key). */
HM_EXTERN int hm_key_from_seed(hm_key **out, const unsigned char seed[32]);

/* A public-only key from 32 raw bytes. */
HM_EXTERN int hm_key_from_public(hm_key **out, const unsigned char pk[32]);

/*
 * Parses a key from memory: a hallmark key file, a PEM "PRIVATE KEY"
 * (PKCS#8 Ed25519 as `openssl genpkey -algorithm ed25519` writes, or PKCS#8
 * EC), a PEM "EC PRIVATE KEY" (as `openssl ecparam -genkey` writes) or a PEM
 * "PUBLIC KEY" (SubjectPublicKeyInfo, Ed25519 or EC). name is used in error messages.
 * passphrase_cb is called only for an encrypted hallmark key file; when NULL
 * such a file fails with HM_EPASSPHRASE.
 */
HM_EXTERN int hm_key_parse(hm_key **out, const char *data, size_t len, const char *name,
			   hm_passphrase_cb passphrase_cb, void *payload);

/* hm_key_parse() on the contents of a file. */
HM_EXTERN int hm_key_load(hm_key **out, const char *path, hm_passphrase_cb passphrase_cb,
			  void *payload);

/*
 * Loads only the public half of any key file: a hallmark key file (its
 * public key is stored in the clear, so no passphrase is needed), a PEM
 * private key or a PEM public key.
 */
HM_EXTERN int hm_key_load_public(hm_key **out, const char *path);

/*
 * 1 when the file's contents are an encrypted hallmark key file ("format" is
 * "hallmark-secret-key" and it has an "encryption" object), 0 when not, <0
 * when the file cannot be read. Only a hint (e.g. whether to prompt): loading
 * the key checks everything.
 */
HM_EXTERN int hm_key_file_is_encrypted(const char *path);

/* Frees a key and wipes its secret. Accepts NULL. */
HM_EXTERN void hm_key_free(hm_key *key);

/* 1 when the key holds its secret half. */
HM_EXTERN int hm_key_has_secret(const hm_key *key);

/* The key id: lowercase hex SHA-256 of the DER SubjectPublicKeyInfo. Owned by the key. */
HM_EXTERN const char *hm_key_id(const hm_key *key);

/* The 32 raw public key bytes of an Ed25519 key; NULL for other types. Owned by the key. */
HM_EXTERN const unsigned char *hm_key_public_bytes(const hm_key *key);

/* Options for writing secret key files. */
typedef struct hm_key_write_options {
	unsigned int version;
	unsigned long long kdf_opslimit; /* 0: the default (libsodium MODERATE) */
	size_t kdf_memlimit;             /* 0: the default (libsodium MODERATE) */
	int overwrite;                   /* replace an existing file */
} hm_key_write_options;
#define HM_KEY_WRITE_OPTIONS_VERSION 1
#define HM_KEY_WRITE_OPTIONS_INIT { HM_KEY_WRITE_OPTIONS_VERSION, 0, 0, 0 }

/*
 * Writes the secret key as a hallmark key file, mode 0600, whole or not at all.
 * With passphrase NULL the seed is stored unencrypted. opts may be NULL.
 */
HM_EXTERN int hm_key_write_secret(const hm_key *key, const char *path, const char *passphrase,
				  size_t passphrase_len, const hm_key_write_options *opts);

/* Serializes the secret key file to memory (free with hm_free). */
HM_EXTERN int hm_key_secret_file(char **out, size_t *outlen, const hm_key *key,
				 const char *passphrase, size_t passphrase_len,
				 const hm_key_write_options *opts);

/*
 * Writes PREFIX.key (the secret key file, mode 0600) and PREFIX.pub (the PEM
 * public key, mode 0644) as one unit: both are written to temporary files and
 * synced before either is moved into place. Without opts->overwrite, nothing
 * is written when either file exists (HM_EEXISTS naming it). If the second
 * move fails, the old .key is put back (or a new one removed): never half a pair.
 */
HM_EXTERN int hm_key_write_pair(const hm_key *key, const char *prefix, const char *passphrase,
				size_t passphrase_len, const hm_key_write_options *opts);

/* The PEM SubjectPublicKeyInfo text (free with hm_free). */
HM_EXTERN int hm_key_public_pem(char **out, const hm_key *key);

/* Writes the PEM public key, mode 0644, whole or not at all. */
HM_EXTERN int hm_key_write_public(const hm_key *key, const char *path, int overwrite);

/* Signs msg with an Ed25519 key (pure Ed25519). sig receives 64 bytes. Other types: see
 * hm_key_sign_alloc(). */
HM_EXTERN int hm_key_sign(const hm_key *key, unsigned char sig[64], const unsigned char *msg,
			  size_t msglen);

/*
 * Verifies a signature: 0 when valid, HM_EVERIFY when not (for Ed25519,
 * including any signature that is not exactly 64 bytes; for ECDSA, any that
 * is not a DER signature over the message hashed with the curve's digest).
 */
HM_EXTERN int hm_key_verify(const hm_key *key, const unsigned char *sig, size_t siglen,
			    const unsigned char *msg, size_t msglen);

/* The same on a raw 32-byte public key. */
HM_EXTERN int hm_ed25519_verify(const unsigned char pk[32], const unsigned char *sig,
				size_t siglen, const unsigned char *msg, size_t msglen);

#ifdef __cplusplus
}
#endif
#endif
