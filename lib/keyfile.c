/*
 * The hallmark secret key file (documented in hallmark-key(5)):
 *
 * {"format":"hallmark-secret-key","version":1,"algorithm":"ed25519",
 *  "keyid":"<hex>","public_key":"<b64 32 bytes>",
 *  "encryption":{"kdf":"argon2id13","opslimit":N,"memlimit":N,"salt":"<b64 16>",
 *                "cipher":"xchacha20poly1305-ietf","nonce":"<b64 24>"} | null,
 *  "secret_key":"<b64: seed (32) when unencrypted, ciphertext||tag (48) when encrypted>"}
 *
 * The AEAD's additional data binds the header: "hallmark-secret-key-v1\0" ||
 * public key || opslimit (u64 LE) || memlimit (u64 LE) || salt.
 *
 * ECDSA keys have the same shape with "algorithm" "ecdsa-p256", "ecdsa-p384"
 * or "ecdsa-p521", "public_key" the DER SubjectPublicKeyInfo (uncompressed
 * point), the secret the private scalar (32, 48 or 66 bytes, big-endian) and,
 * in the additional data, the SHA-256 of that SubjectPublicKeyInfo in place
 * of the public key.
 */
#include "internal.h"
#include "keyimpl.h"

#include <sodium.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KF_FORMAT "hallmark-secret-key"
#define KF_VERSION 1
#define KF_AD_LABEL "hallmark-secret-key-v1"
/*
 * The KDF work a key file may ask for: up to libsodium's SENSITIVE opslimit
 * (4) and its MODERATE memlimit (256 MiB), the default hallmark writes, so
 * one derivation takes at most a second or two. A file that asks for more is
 * refused before any derivation: it could hold a signer for minutes and GiBs.
 */
#define KF_MAX_OPSLIMIT 4ULL
#define KF_MAX_MEMLIMIT ((size_t)256 << 20)
#define PASSBUF 1024
#define KF_MAX_SECRET 66  /* a P-521 scalar */
#define KF_MAX_PUBLIC 160 /* a P-521 SubjectPublicKeyInfo */

/* Public key and secret sizes in the file for a key type. */
static size_t kf_public_len(hm_key_type t)
{
	return t == HM_KEY_ED25519 ? 32 : hm__key_ec_spki_len(t);
}

static size_t kf_secret_len(hm_key_type t)
{
	return t == HM_KEY_ED25519 ? 32 : hm__key_ec_secret_len(t);
}

/* What the additional data binds of the public key: itself (Ed25519) or its SHA-256. */
static void kf_ad_key(unsigned char out[32], hm_key_type t, const unsigned char *pk, size_t len)
{
	if (t == HM_KEY_ED25519)
		memcpy(out, pk, 32);
	else
		hm__sha256(out, pk, len);
}

/*
 * The most KDF work a key file may ask of the reader. Variables rather than
 * constants only so that the fuzz harness can lower them (a 2 GiB Argon2 run
 * per input would stall it); nothing else changes them.
 */
unsigned long long hm__keyfile_max_opslimit = KF_MAX_OPSLIMIT;
size_t hm__keyfile_max_memlimit = KF_MAX_MEMLIMIT;

static void build_ad(unsigned char *ad, size_t *adlen, const unsigned char pk[32],
		     unsigned long long ops, unsigned long long mem, const unsigned char salt[16])
{
	size_t n = sizeof(KF_AD_LABEL); /* includes the NUL */
	int i;

	memcpy(ad, KF_AD_LABEL, n);
	memcpy(ad + n, pk, 32);
	n += 32;
	for (i = 0; i < 8; i++)
		ad[n++] = (unsigned char)(ops >> (8 * i));
	for (i = 0; i < 8; i++)
		ad[n++] = (unsigned char)(mem >> (8 * i));
	memcpy(ad + n, salt, 16);
	n += 16;
	*adlen = n;
}

static int b64_field(const json_t *o, const char *key, unsigned char *out, size_t want,
		     const char *name)
{
	const char *s = hm__json_str(o, key);
	unsigned char *bin;
	size_t len;

	if (!s)
		return hm__err(HM_EFORMAT, "%s: key file field \"%s\" is missing or not a string",
			       name, key);
	if (hm__b64_decode(&bin, &len, s, strlen(s)) < 0 || len != want) {
		if (bin) {
			sodium_memzero(bin, len);
			free(bin);
		}
		return hm__err(HM_EFORMAT, "%s: key file field \"%s\" is not %zu bytes of base64",
			       name, key, want);
	}
	memcpy(out, bin, want);
	sodium_memzero(bin, len);
	free(bin);
	return 0;
}

static int check_keys(const json_t *o, const char *const *allowed, const char *name)
{
	const char *k = hm__json_unknown_key(o, allowed);

	return k ? hm__err(HM_EFORMAT, "%s: unknown key file field \"%s\"", name, k) : 0;
}

static int uint_field(const json_t *o, const char *key, unsigned long long *out, const char *name)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return hm__err(HM_EFORMAT, "%s: key file field \"%s\" is not a non-negative integer",
			       name, key);
	*out = (unsigned long long)json_integer_value(v);
	return 0;
}

static int parse_keyfile(hm_key **out, json_t *root, const char *name, hm_passphrase_cb cb,
			 void *payload)
{
	static const char *const top[] = { "format", "version", "algorithm", "keyid",
					   "public_key", "encryption", "secret_key", NULL };
	static const char *const enc_keys[] = { "kdf", "opslimit", "memlimit", "salt",
						"cipher", "nonce", NULL };
	unsigned char pk[KF_MAX_PUBLIC], adkey[32], salt[16], nonce[24], ad[128];
	unsigned char ct[KF_MAX_SECRET + crypto_aead_xchacha20poly1305_ietf_ABYTES];
	unsigned char *seed = NULL, *kek = NULL;
	char *pass = NULL;
	const json_t *enc, *ver;
	const char *s;
	unsigned long long ops = 0, mem = 0;
	size_t adlen, pklen, sklen;
	hm_key_type type;
	hm_key *k = NULL;
	int rc;

	*out = NULL;
	if (check_keys(root, top, name) < 0)
		return HM_EFORMAT;
	ver = json_object_get(root, "version");
	if (!json_is_integer(ver))
		return hm__err(HM_EFORMAT, "%s: key file has no integer \"version\"", name);
	if (json_integer_value(ver) != KF_VERSION)
		return hm__err(HM_EUNSUPPORTED,
			       "%s: key file version %lld is not supported (this hallmark reads "
			       "version %d)", name, (long long)json_integer_value(ver), KF_VERSION);
	s = hm__json_str(root, "algorithm");
	if (!s || hm_key_type_parse(&type, s) < 0)
		return hm__err(HM_EUNSUPPORTED, "%s: key algorithm \"%s\" is not supported", name,
			       s ? s : "(missing)");
	pklen = kf_public_len(type);
	sklen = kf_secret_len(type);
	if (b64_field(root, "public_key", pk, pklen, name) < 0)
		return HM_EFORMAT;
	kf_ad_key(adkey, type, pk, pklen);
	seed = sodium_malloc(KF_MAX_SECRET);
	if (!seed)
		return hm__err_oom();
	enc = json_object_get(root, "encryption");
	if (json_is_null(enc)) {
		if ((rc = b64_field(root, "secret_key", seed, sklen, name)) < 0)
			goto out;
	} else if (json_is_object(enc)) {
		if ((rc = check_keys(enc, enc_keys, name)) < 0)
			goto out;
		s = hm__json_str(enc, "kdf");
		if (!s || strcmp(s, "argon2id13") != 0) {
			rc = hm__err(HM_EUNSUPPORTED, "%s: key derivation \"%s\" is not supported",
				     name, s ? s : "(missing)");
			goto out;
		}
		s = hm__json_str(enc, "cipher");
		if (!s || strcmp(s, "xchacha20poly1305-ietf") != 0) {
			rc = hm__err(HM_EUNSUPPORTED, "%s: cipher \"%s\" is not supported", name,
				     s ? s : "(missing)");
			goto out;
		}
		if ((rc = uint_field(enc, "opslimit", &ops, name)) < 0 ||
		    (rc = uint_field(enc, "memlimit", &mem, name)) < 0)
			goto out;
		if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > hm__keyfile_max_opslimit ||
		    mem < crypto_pwhash_MEMLIMIT_MIN || mem > hm__keyfile_max_memlimit) {
			rc = hm__err(HM_EFORMAT, "%s: key derivation parameters out of range "
				     "(opslimit %llu, memlimit %llu; hallmark accepts opslimit "
				     "%llu..%llu and memlimit %llu..%llu bytes)", name, ops, mem,
				     (unsigned long long)crypto_pwhash_OPSLIMIT_MIN,
				     hm__keyfile_max_opslimit,
				     (unsigned long long)crypto_pwhash_MEMLIMIT_MIN,
				     (unsigned long long)hm__keyfile_max_memlimit);
			goto out;
		}
		if ((rc = b64_field(enc, "salt", salt, 16, name)) < 0 ||
		    (rc = b64_field(enc, "nonce", nonce, 24, name)) < 0 ||
		    (rc = b64_field(root, "secret_key", ct,
				    sklen + crypto_aead_xchacha20poly1305_ietf_ABYTES, name)) < 0)
			goto out;
		if (!cb) {
			rc = hm__err(HM_EPASSPHRASE, "%s: the key is encrypted and no passphrase was "
				     "given", name);
			goto out;
		}
		pass = sodium_malloc(PASSBUF);
		kek = sodium_malloc(32);
		if (!pass || !kek) {
			rc = hm__err_oom();
			goto out;
		}
		memset(pass, 0, PASSBUF);
		if ((rc = cb(pass, PASSBUF, payload)) < 0)
			goto out;
		pass[PASSBUF - 1] = '\0';
		if (crypto_pwhash(kek, 32, pass, strlen(pass), salt, ops, (size_t)mem,
				  crypto_pwhash_ALG_ARGON2ID13) != 0) {
			rc = hm__err(HM_ENOMEM, "%s: key derivation ran out of memory", name);
			goto out;
		}
		build_ad(ad, &adlen, adkey, ops, mem, salt);
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(
			    seed, NULL, NULL, ct, sklen + crypto_aead_xchacha20poly1305_ietf_ABYTES, ad,
			    adlen, nonce, kek) != 0) {
			rc = hm__err(HM_EPASSPHRASE, "%s: wrong passphrase (or the key file was "
				     "altered)", name);
			goto out;
		}
	} else {
		rc = hm__err(HM_EFORMAT, "%s: key file field \"encryption\" must be an object or "
			     "null", name);
		goto out;
	}
	if ((rc = type == HM_KEY_ED25519 ? hm_key_from_seed(&k, seed)
					  : hm__key_ec_from_secret(&k, type, seed, sklen)) < 0)
		goto out;
	if (type == HM_KEY_ED25519 ? sodium_memcmp(k->pk, pk, 32) != 0
				   : k->spki_len != pklen || memcmp(k->spki, pk, pklen) != 0) {
		rc = hm__err(HM_EFORMAT, "%s: the secret key does not match the file's public key",
			     name);
		goto out;
	}
	s = hm__json_str(root, "keyid");
	if (s && strcmp(s, k->id) != 0) {
		rc = hm__err(HM_EFORMAT, "%s: the file's keyid does not match its public key", name);
		goto out;
	}
	*out = k;
	k = NULL;
	rc = 0;
out:
	hm_key_free(k);
	if (seed)
		sodium_free(seed);
	if (pass)
		sodium_free(pass);
	if (kek)
		sodium_free(kek);
	sodium_memzero(ct, sizeof(ct));
	return rc;
}

static int looks_like_keyfile(const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t')
			continue;
		return data[i] == '{';
	}
	return 0;
}

int hm_key_parse(hm_key **out, const char *data, size_t len, const char *name,
		 hm_passphrase_cb cb, void *payload)
{
	json_t *root;
	const char *fmt;
	int rc;

	*out = NULL;
	if (hm_init() < 0)
		return HM_ECRYPTO;
	if (!name)
		name = "key";
	if (!looks_like_keyfile(data, len))
		return hm__key_parse_pem(out, data, len, name);
	if ((rc = hm__json_parse(&root, data, len, name)) < 0)
		return rc;
	fmt = json_is_object(root) ? hm__json_str(root, "format") : NULL;
	if (!fmt || strcmp(fmt, KF_FORMAT) != 0)
		rc = hm__err(HM_EFORMAT, "%s: not a hallmark key file (\"format\" is not \"%s\")",
			     name, KF_FORMAT);
	else
		rc = parse_keyfile(out, root, name, cb, payload);
	{
		/* an unencrypted seed's base64 sits in the JSON tree: wipe it, as the writer does */
		json_t *sk = json_object_get(root, "secret_key");
		if (json_is_string(sk))
			sodium_memzero((void *)json_string_value(sk), json_string_length(sk));
	}
	json_decref(root);
	return rc;
}

/* A file that holds a secret key: a hallmark key file, or a PEM private key. */
static int holds_secret(const char *data, size_t len)
{
	return looks_like_keyfile(data, len) || strstr(data, "PRIVATE KEY-----") != NULL;
}

int hm__key_read_file(char **out, size_t *outlen, const char *path)
{
	struct stat st;
	int rc = hm__read_file_st(out, outlen, &st, path, 1 << 16);

	if (rc < 0)
		return rc;
	/* standard input has no mode of its own to check */
	if (S_ISREG(st.st_mode) && (st.st_mode & 077) && holds_secret(*out, *outlen)) {
		sodium_memzero(*out, *outlen);
		free(*out);
		*out = NULL;
		return hm__err(HM_EINVAL, "%s: secret key file is accessible to group or others "
			       "(mode %04o); refusing to use it: run `chmod 600 %s`", path,
			       (unsigned)(st.st_mode & 07777), path);
	}
	return 0;
}

int hm_key_file_is_encrypted(const char *path)
{
	char *data;
	size_t len;
	json_t *root = NULL;
	int rc;

	if ((rc = hm__read_file(&data, &len, path, 1 << 16)) < 0)
		return rc;
	rc = 0;
	if (looks_like_keyfile(data, len)) {
		json_error_t e;
		const char *fmt;

		root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
		fmt = json_is_object(root) ? hm__json_str(root, "format") : NULL;
		rc = fmt && strcmp(fmt, KF_FORMAT) == 0 &&
		     json_is_object(json_object_get(root, "encryption"));
		json_decref(root);
	}
	sodium_memzero(data, len);
	free(data);
	return rc;
}

int hm_key_secret_file(char **out, size_t *outlen, const hm_key *key, const char *passphrase,
		       size_t passphrase_len, const hm_key_write_options *opts)
{
	hm_key_write_options defaults = HM_KEY_WRITE_OPTIONS_INIT;
	unsigned char salt[16], nonce[24], ad[128], adkey[32];
	unsigned char ct[KF_MAX_SECRET + crypto_aead_xchacha20poly1305_ietf_ABYTES];
	unsigned char *kek = NULL, *pub = NULL, *secret = NULL;
	char *b64 = NULL, *text = NULL;
	json_t *root = NULL, *enc;
	unsigned long long ops;
	size_t mem, adlen, publen, sklen;
	int rc = 0;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	HM__CHECK_VERSION(opts, HM_KEY_WRITE_OPTIONS_VERSION, "hm_key_write_options");
	if (!hm_key_has_secret(key))
		return hm__err(HM_EINVAL, "key has no secret half to write");
	ops = opts->kdf_opslimit ? opts->kdf_opslimit : crypto_pwhash_OPSLIMIT_MODERATE;
	mem = opts->kdf_memlimit ? opts->kdf_memlimit : crypto_pwhash_MEMLIMIT_MODERATE;
	/* Never write a file that hm_key_parse() would refuse to read back. */
	if (passphrase && (ops < crypto_pwhash_OPSLIMIT_MIN || ops > KF_MAX_OPSLIMIT ||
			   mem < crypto_pwhash_MEMLIMIT_MIN || mem > KF_MAX_MEMLIMIT))
		return hm__err(HM_EINVAL, "key derivation limits out of range (opslimit %llu..%llu, "
			       "memlimit %llu..%llu bytes)", (unsigned long long)crypto_pwhash_OPSLIMIT_MIN,
			       KF_MAX_OPSLIMIT, (unsigned long long)crypto_pwhash_MEMLIMIT_MIN,
			       (unsigned long long)KF_MAX_MEMLIMIT);
	if (passphrase && (passphrase_len >= PASSBUF || memchr(passphrase, '\0', passphrase_len)))
		return hm__err(HM_EINVAL, "a passphrase must be at most %d bytes without NUL bytes "
			       "(or the key could never be decrypted)", PASSBUF - 1);
	if (key->type == HM_KEY_ED25519) {
		secret = key->sk;
		sklen = 32;
	} else if ((rc = hm__key_ec_secret(&secret, &sklen, key)) < 0)
		return rc;
	if ((rc = hm_key_public_der(&pub, &publen, key)) < 0)
		goto out;
	if (key->type == HM_KEY_ED25519) {
		memcpy(pub, key->pk, 32); /* the file holds the raw Ed25519 key, not its SPKI */
		publen = 32;
	}
	kf_ad_key(adkey, key->type, pub, publen);
	root = json_object();
	if (!root) {
		rc = hm__err_oom();
		goto out;
	}
	b64 = hm__b64_encode(pub, publen);
	if (!b64 || json_object_set_new(root, "format", json_string(KF_FORMAT)) ||
	    json_object_set_new(root, "version", json_integer(KF_VERSION)) ||
	    json_object_set_new(root, "algorithm", json_string(hm_key_type_name(key->type))) ||
	    json_object_set_new(root, "keyid", json_string(key->id)) ||
	    json_object_set_new(root, "public_key", json_string(b64))) {
		rc = hm__err_oom();
		goto out;
	}
	free(b64);
	b64 = NULL;
	if (!passphrase) {
		b64 = hm__b64_encode(secret, sklen);
		if (!b64 || json_object_set_new(root, "encryption", json_null()) ||
		    json_object_set_new(root, "secret_key", json_string(b64))) {
			rc = hm__err_oom();
			goto out;
		}
	} else {
		kek = sodium_malloc(32);
		if (!kek) {
			rc = hm__err_oom();
			goto out;
		}
		randombytes_buf(salt, sizeof(salt));
		randombytes_buf(nonce, sizeof(nonce));
		if (crypto_pwhash(kek, 32, passphrase, passphrase_len, salt, ops, mem,
				  crypto_pwhash_ALG_ARGON2ID13) != 0) {
			rc = hm__err(HM_ENOMEM, "key derivation ran out of memory");
			goto out;
		}
		build_ad(ad, &adlen, adkey, ops, mem, salt);
		crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, secret, sklen, ad, adlen, NULL,
							   nonce, kek);
		enc = json_object();
		if (!enc || json_object_set_new(root, "encryption", enc)) {
			rc = hm__err_oom();
			goto out;
		}
		json_object_set_new(enc, "kdf", json_string("argon2id13"));
		json_object_set_new(enc, "opslimit", json_integer((json_int_t)ops));
		json_object_set_new(enc, "memlimit", json_integer((json_int_t)mem));
		b64 = hm__b64_encode(salt, 16);
		json_object_set_new(enc, "salt", json_string(b64 ? b64 : ""));
		free(b64);
		json_object_set_new(enc, "cipher", json_string("xchacha20poly1305-ietf"));
		b64 = hm__b64_encode(nonce, 24);
		json_object_set_new(enc, "nonce", json_string(b64 ? b64 : ""));
		free(b64);
		b64 = hm__b64_encode(ct, sklen + crypto_aead_xchacha20poly1305_ietf_ABYTES);
		if (!b64 || json_object_set_new(root, "secret_key", json_string(b64))) {
			rc = hm__err_oom();
			goto out;
		}
	}
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text) {
		rc = hm__err_oom();
		goto out;
	}
	{
		size_t n = strlen(text);
		char *withnl = malloc(n + 2);
		if (!withnl) {
			rc = hm__err_oom();
			goto out;
		}
		memcpy(withnl, text, n);
		withnl[n] = '\n';
		withnl[n + 1] = '\0';
		*out = withnl;
		if (outlen)
			*outlen = n + 1;
		sodium_memzero(text, n);
	}
out:
	if (b64) {
		sodium_memzero(b64, strlen(b64));
		free(b64);
	}
	free(text);
	free(pub);
	if (secret && secret != key->sk)
		sodium_free(secret);
	if (kek)
		sodium_free(kek);
	if (root) {
		/* the unencrypted seed's base64 sits in the JSON tree: wipe it */
		json_t *sk = json_object_get(root, "secret_key");
		if (json_is_string(sk))
			sodium_memzero((void *)json_string_value(sk), json_string_length(sk));
		json_decref(root);
	}
	return rc;
}

int hm_key_write_secret(const hm_key *key, const char *path, const char *passphrase,
			size_t passphrase_len, const hm_key_write_options *opts)
{
	char *text;
	size_t len;
	int rc = hm_key_secret_file(&text, &len, key, passphrase, passphrase_len, opts);

	if (rc < 0)
		return rc;
	rc = hm__write_file_atomic(path, text, len, 0600, opts ? opts->overwrite : 0);
	sodium_memzero(text, len);
	free(text);
	return rc;
}

int hm_key_load_public(hm_key **out, const char *path)
{
	unsigned char pk[KF_MAX_PUBLIC];
	char *data;
	size_t len;
	json_t *root = NULL;
	const char *fmt, *kid, *alg;
	hm_key_type type;
	int rc;

	*out = NULL;
	if ((rc = hm__key_read_file(&data, &len, path)) < 0)
		return rc;
	if (!looks_like_keyfile(data, len)) {
		hm_key *full = NULL;
		rc = hm__key_parse_pem(&full, data, len, path);
		if (rc == 0) {
			rc = hm__key_public_copy(out, full);
			hm_key_free(full);
		}
		goto out;
	}
	if ((rc = hm__json_parse(&root, data, len, path)) < 0)
		goto out;
	fmt = json_is_object(root) ? hm__json_str(root, "format") : NULL;
	if (!fmt || strcmp(fmt, KF_FORMAT) != 0) {
		rc = hm__err(HM_EFORMAT, "%s: not a hallmark key file", path);
		goto out;
	}
	alg = hm__json_str(root, "algorithm");
	if (!alg || hm_key_type_parse(&type, alg) < 0) {
		rc = hm__err(HM_EUNSUPPORTED, "%s: key algorithm \"%s\" is not supported", path,
			     alg ? alg : "(missing)");
		goto out;
	}
	if ((rc = b64_field(root, "public_key", pk, kf_public_len(type), path)) < 0 ||
	    (rc = type == HM_KEY_ED25519 ? hm_key_from_public(out, pk)
					 : hm_key_from_spki(out, pk, kf_public_len(type), path)) < 0)
		goto out;
	kid = hm__json_str(root, "keyid");
	if (kid && strcmp(kid, (*out)->id) != 0) {
		hm_key_free(*out);
		*out = NULL;
		rc = hm__err(HM_EFORMAT, "%s: the file's keyid does not match its public key", path);
	}
out:
	json_decref(root);
	sodium_memzero(data, len);
	free(data);
	return rc;
}

int hm_key_write_pair(const hm_key *key, const char *prefix, const char *passphrase,
		      size_t passphrase_len, const hm_key_write_options *opts)
{
	hm_key_write_options defaults = HM_KEY_WRITE_OPTIONS_INIT;
	char *kpath = NULL, *ppath = NULL, *secret = NULL, *pem = NULL, *kbak = NULL;
	hm__staged *ktmp = NULL, *ptmp = NULL;
	const char *ktarget;
	sigset_t old;
	size_t n = strlen(prefix) + 5, slen = 0;
	int rc;

	if (!opts)
		opts = &defaults;
	kpath = malloc(n);
	ppath = malloc(n);
	if (!kpath || !ppath) {
		rc = hm__err_oom();
		goto out;
	}
	snprintf(kpath, n, "%s.key", prefix);
	snprintf(ppath, n, "%s.pub", prefix);
	if (!opts->overwrite) {
		const char *exists = access(kpath, F_OK) == 0 ? kpath
				     : access(ppath, F_OK) == 0 ? ppath : NULL;
		if (exists) {
			rc = hm__err(HM_EEXISTS, "%s: already exists (use --force to overwrite)",
				     exists);
			goto out;
		}
	}
	if ((rc = hm_key_secret_file(&secret, &slen, key, passphrase, passphrase_len, opts)) < 0 ||
	    (rc = hm_key_public_pem(&pem, key)) < 0 ||
	    (rc = hm__stage_file(&ktmp, kpath, secret, slen, 0600)) < 0 ||
	    (rc = hm__stage_file(&ptmp, ppath, pem, strlen(pem), 0644)) < 0)
		goto out;
	/*
	 * Replacing a key: keep a link to the old one until the pair is in place.
	 * No signal may stop us half-way between the two moves.
	 */
	ktarget = hm__staged_target(ktmp);
	hm__signals_block(&old);
	if (opts->overwrite && access(ktarget, F_OK) == 0) {
		unsigned char r[8];
		char hex[17];
		size_t bn = strlen(ktarget) + 32;
		kbak = malloc(bn);
		if (!kbak) {
			rc = hm__err_oom();
			goto unblock;
		}
		randombytes_buf(r, sizeof(r));
		hm__hex_encode(hex, r, sizeof(r));
		snprintf(kbak, bn, "%s.old.%s", ktarget, hex);
		if (link(ktarget, kbak) < 0) {
			rc = hm__err(HM_EIO, "%s: cannot keep the old key while replacing it: %s", kpath,
				     strerror(errno));
			free(kbak);
			kbak = NULL;
			goto unblock;
		}
	}
	{
		/* commit frees the staged file: keep the target's name for a rollback */
		char *kt = strdup(ktarget);
		if (!kt) {
			rc = hm__err_oom();
			goto unblock;
		}
		rc = hm__commit_file(ktmp, opts->overwrite);
		ktmp = NULL;
		if (rc == 0) {
			rc = hm__commit_file(ptmp, opts->overwrite);
			ptmp = NULL;
			/* never leave half a key pair behind: put the old key back, or remove ours */
			if (rc < 0 && (kbak ? rename(kbak, kt) == 0 : unlink(kt) == 0)) {
				free(kbak);
				kbak = NULL;
			}
		}
		free(kt);
	}
unblock:
	if (kbak) {
		unlink(kbak);
		free(kbak);
		kbak = NULL;
	}
	hm__signals_restore(&old);
out:
	hm__discard_file(ktmp);
	hm__discard_file(ptmp);
	if (secret) {
		sodium_memzero(secret, slen);
		free(secret);
	}
	free(pem);
	free(kpath);
	free(ppath);
	return rc;
}
