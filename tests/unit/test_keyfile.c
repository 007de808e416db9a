/*
 * Key files: hallmark secret key files (plain and Argon2id-encrypted), PEM
 * import and export, file modes and the no-clobber rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <sodium.h>

#include "testutil.h"
#include "testcrypto.h"
#include "internal.h"

/* Fast KDF settings: the minimum opslimit and 8 MiB. */
static hm_key_write_options fast_opts(int overwrite)
{
	hm_key_write_options o = HM_KEY_WRITE_OPTIONS_INIT;

	o.kdf_opslimit = crypto_pwhash_OPSLIMIT_MIN;
	o.kdf_memlimit = (size_t)8 << 20;
	o.overwrite = overwrite;
	return o;
}

struct pass {
	const char *text;
	int calls;
	int fail; /* return this error instead */
};

static int pass_cb(char *buf, size_t size, void *payload)
{
	struct pass *p = payload;

	p->calls++;
	if (p->fail)
		return hm__err(p->fail, "the user cancelled");
	assert_true(strlen(p->text) < size);
	memcpy(buf, p->text, strlen(p->text) + 1);
	return 0;
}

static void sig_of(const hm_key *k, unsigned char sig[64])
{
	assert_hm_ok(hm_key_sign(k, sig, (const unsigned char *)"probe", 5));
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* The key file text with one member replaced (obj NULL: top level) or removed (val NULL). */
static char *edit(const char *text, const char *obj, const char *key, json_t *val)
{
	json_error_t e;
	json_t *root = json_loads(text, 0, &e), *o;
	char *out;

	assert_non_null(root);
	o = obj ? json_object_get(root, obj) : root;
	assert_true(json_is_object(o));
	if (val)
		json_object_set_new(o, key, val);
	else
		json_object_del(o, key);
	out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return out;
}

static int parse_with(hm_key **out, const char *text, const char *pw)
{
	struct pass p = { pw, 0, 0 };
	int rc = hm_key_parse(out, text, strlen(text), "k.key", pw ? pass_cb : NULL, &p);

	if (rc < 0)
		assert_null(*out); /* a failure never yields a key */
	return rc;
}

static void unencrypted_round_trip(void **state)
{
	char *dir = tu_tmpdir(), *text;
	const char *path = tu_path(dir, "k.key");
	hm_key *k = NULL, *back = NULL;
	unsigned char s1[64], s2[64];
	json_t *j;
	json_error_t e;

	(void)state;
	assert_hm_ok(hm_key_generate(&k));
	assert_hm_ok(hm_key_write_secret(k, path, NULL, 0, NULL));
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(hm_key_file_is_encrypted(path), 0);
	text = tu_read(path, NULL);
	j = json_loads(text, JSON_REJECT_DUPLICATES, &e);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "format")), "hallmark-secret-key");
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "keyid")), hm_key_id(k));
	assert_true(json_is_null(json_object_get(j, "encryption")));
	json_decref(j);
	free(text);

	assert_hm_ok(hm_key_load(&back, path, NULL, NULL));
	assert_true(hm_key_has_secret(back));
	assert_string_equal(hm_key_id(back), hm_key_id(k));
	sig_of(k, s1);
	sig_of(back, s2);
	assert_memory_equal(s1, s2, 64);
	hm_key_free(k);
	hm_key_free(back);
	tc_cleanup(dir);
}

static void encrypted_round_trip(void **state)
{
	char *dir = tu_tmpdir(), *text, *seed_b64;
	const char *path = tu_path(dir, "k.key");
	hm_key_write_options o = fast_opts(0);
	hm_key *k = NULL, *back = NULL;
	struct pass p = { "correct horse", 0, 0 };
	unsigned char s1[64], s2[64];

	(void)state;
	assert_hm_ok(hm_key_generate(&k));
	assert_hm_ok(hm_key_write_secret(k, path, p.text, strlen(p.text), &o));
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(hm_key_file_is_encrypted(path), 1);
	/* the seed is not in the file in the clear */
	text = tu_read(path, NULL);
	{
		char *sk;
		size_t n;
		assert_hm_ok(hm_key_secret_file(&sk, &n, k, NULL, 0, NULL));
		json_t *j = json_loads(sk, 0, NULL);
		seed_b64 = strdup(json_string_value(json_object_get(j, "secret_key")));
		json_decref(j);
		hm_free(sk);
	}
	assert_null(strstr(text, seed_b64));
	assert_non_null(strstr(text, "\"argon2id13\""));
	free(seed_b64);
	free(text);

	assert_hm_ok(hm_key_load(&back, path, pass_cb, &p));
	assert_int_equal(p.calls, 1);
	assert_string_equal(hm_key_id(back), hm_key_id(k));
	sig_of(k, s1);
	sig_of(back, s2);
	assert_memory_equal(s1, s2, 64);
	hm_key_free(back);

	/* an empty passphrase is a passphrase */
	assert_hm_ok(hm_key_write_secret(k, tu_path(dir, "e.key"), "", 0, &o));
	p.text = "";
	assert_hm_ok(hm_key_load(&back, tu_path(dir, "e.key"), pass_cb, &p));
	assert_string_equal(hm_key_id(back), hm_key_id(k));
	hm_key_free(back);
	hm_key_free(k);
	tc_cleanup(dir);
}

static void wrong_or_missing_passphrase_fails(void **state)
{
	char *dir = tu_tmpdir();
	const char *path = tu_path(dir, "k.key");
	hm_key_write_options o = fast_opts(0);
	hm_key *k = tc_key(3), *back = (hm_key *)1;
	struct pass p = { "wrong", 0, 0 };

	(void)state;
	assert_hm_ok(hm_key_write_secret(k, path, "right", 5, &o));
	assert_hm_err(hm_key_load(&back, path, pass_cb, &p), HM_EPASSPHRASE, "wrong passphrase");
	assert_null(back);
	assert_int_equal(p.calls, 1);
	p.text = "righ";
	assert_hm_err(hm_key_load(&back, path, pass_cb, &p), HM_EPASSPHRASE, "wrong passphrase");
	p.text = "right ";
	assert_hm_err(hm_key_load(&back, path, pass_cb, &p), HM_EPASSPHRASE, "wrong passphrase");
	p.text = "";
	assert_hm_err(hm_key_load(&back, path, pass_cb, &p), HM_EPASSPHRASE, "wrong passphrase");
	assert_null(back);
	/* no callback: asked for nothing, fails with a reason */
	assert_hm_err(hm_key_load(&back, path, NULL, NULL), HM_EPASSPHRASE,
		      "encrypted and no passphrase was given");
	assert_null(back);
	/* the callback's own error and message come through */
	p.fail = HM_EIO;
	assert_hm_err(hm_key_load(&back, path, pass_cb, &p), HM_EIO, "the user cancelled");
	assert_null(back);
	/* and the right one still works: the failures changed nothing */
	p.fail = 0;
	p.text = "right";
	assert_hm_ok(hm_key_load(&back, path, pass_cb, &p));
	assert_string_equal(hm_key_id(back), hm_key_id(k));
	hm_key_free(back);
	hm_key_free(k);
	tc_cleanup(dir);
}

static void tampered_encrypted_header_fails(void **state)
{
	hm_key_write_options o = fast_opts(0);
	hm_key *k = tc_key(4), *other = tc_key(5), *back = NULL;
	char *text, *t, *b;
	size_t len;
	unsigned char buf[48];
	int i;

	(void)state;
	assert_hm_ok(hm_key_secret_file(&text, &len, k, "pw", 2, &o));
	assert_hm_ok(parse_with(&back, text, "pw"));
	hm_key_free(back);
	back = NULL;

	/* fields bound into the AEAD's additional data: decryption fails */
	t = edit(text, "encryption", "opslimit", json_integer(2));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EPASSPHRASE, "or the key file was altered");
	free(t);
	t = edit(text, "encryption", "memlimit", json_integer(((json_int_t)8 << 20) + 1024));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EPASSPHRASE, "or the key file was altered");
	free(t);
	memset(buf, 0x5a, 16);
	b = hm__b64_encode(buf, 16);
	t = edit(text, "encryption", "salt", json_string(b));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EPASSPHRASE, "or the key file was altered");
	free(t);
	free(b);
	memset(buf, 0x5a, 24);
	b = hm__b64_encode(buf, 24);
	t = edit(text, "encryption", "nonce", json_string(b));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EPASSPHRASE, "or the key file was altered");
	free(t);
	free(b);
	b = hm__b64_encode(hm_key_public_bytes(other), 32);
	t = edit(text, NULL, "public_key", json_string(b));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EPASSPHRASE, "or the key file was altered");
	free(t);
	free(b);
	/* every byte of the ciphertext and tag */
	{
		json_t *j = json_loads(text, 0, NULL);
		unsigned char *ct;
		size_t n;
		assert_int_equal(hm__b64_decode(&ct, &n, json_string_value(json_object_get(j,
						"secret_key")), strlen(json_string_value(
						json_object_get(j, "secret_key")))), 0);
		assert_int_equal(n, 48);
		for (i = 0; i < 48; i += 5) {
			ct[i] ^= 0x20;
			b = hm__b64_encode(ct, 48);
			t = edit(text, NULL, "secret_key", json_string(b));
			assert_hm_err(parse_with(&back, t, "pw"), HM_EPASSPHRASE, "altered");
			free(t);
			free(b);
			ct[i] ^= 0x20;
		}
		free(ct);
		json_decref(j);
	}
	/* the keyid is checked after decryption */
	t = edit(text, NULL, "keyid", json_string(hm_key_id(other)));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EFORMAT, "keyid does not match");
	free(t);

	/* out-of-range or malformed KDF parameters are refused before any work */
	t = edit(text, "encryption", "opslimit", json_integer(0));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EFORMAT, "parameters out of range");
	free(t);
	t = edit(text, "encryption", "opslimit", json_integer(5));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EFORMAT, "parameters out of range");
	free(t);
	t = edit(text, "encryption", "memlimit", json_integer(4096));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EFORMAT, "parameters out of range");
	free(t);
	t = edit(text, "encryption", "memlimit", json_integer(((json_int_t)256 << 20) + 1));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EFORMAT, "parameters out of range");
	free(t);
	{
		/*
		 * Limits that used to pass and cost a minute and 2 GiB per signature:
		 * refused with the accepted range, before the passphrase is even asked.
		 */
		struct pass p = { "pw", 0, 0 };
		char *t2;
		t = edit(text, "encryption", "opslimit", json_integer(64));
		t2 = edit(t, "encryption", "memlimit", json_integer((json_int_t)2 << 30));
		assert_hm_err(hm_key_parse(&back, t2, strlen(t2), "k.key", pass_cb, &p), HM_EFORMAT,
			      "accepts opslimit 1..4 and memlimit 8192..268435456 bytes");
		assert_int_equal(p.calls, 0);
		assert_null(back);
		free(t);
		free(t2);
	}
	t = edit(text, "encryption", "opslimit", json_integer(-1));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EFORMAT, "\"opslimit\" is not a non-negative");
	free(t);
	t = edit(text, "encryption", "memlimit", json_string("8388608"));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EFORMAT, "\"memlimit\" is not a non-negative");
	free(t);
	t = edit(text, "encryption", "salt", json_string("AAAA"));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EFORMAT, "\"salt\" is not 16 bytes");
	free(t);
	t = edit(text, "encryption", "nonce", NULL);
	assert_hm_err(parse_with(&back, t, "pw"), HM_EFORMAT, "\"nonce\" is missing");
	free(t);
	t = edit(text, "encryption", "kdf", json_string("scrypt"));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EUNSUPPORTED, "\"scrypt\" is not supported");
	free(t);
	t = edit(text, "encryption", "cipher", json_string("aes256gcm"));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EUNSUPPORTED, "\"aes256gcm\" is not supported");
	free(t);
	t = edit(text, "encryption", "pepper", json_string("x"));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EFORMAT, "unknown key file field \"pepper\"");
	free(t);
	t = edit(text, NULL, "encryption", json_integer(5));
	assert_hm_err(parse_with(&back, t, "pw"), HM_EFORMAT, "must be an object or null");
	free(t);
	hm_free(text);
	hm_key_free(k);
	hm_key_free(other);
}

static void tampered_unencrypted_file_fails(void **state)
{
	hm_key *k = tc_key(6), *other = tc_key(7), *back = NULL;
	char *text, *t, *b;
	size_t len;

	(void)state;
	assert_hm_ok(hm_key_secret_file(&text, &len, k, NULL, 0, NULL));
	assert_int_equal(len, strlen(text));
	assert_int_equal(text[len - 1], '\n');
	b = hm__b64_encode(hm_key_public_bytes(other), 32);
	t = edit(text, NULL, "public_key", json_string(b));
	assert_hm_err(parse_with(&back, t, NULL), HM_EFORMAT,
		      "secret key does not match the file's public key");
	free(t);
	free(b);
	t = edit(text, NULL, "keyid", json_string(hm_key_id(other)));
	assert_hm_err(parse_with(&back, t, NULL), HM_EFORMAT, "keyid does not match");
	free(t);
	t = edit(text, NULL, "secret_key", json_string("AAAA"));
	assert_hm_err(parse_with(&back, t, NULL), HM_EFORMAT, "\"secret_key\" is not 32 bytes");
	free(t);
	t = edit(text, NULL, "secret_key", json_string("!!!!"));
	assert_hm_err(parse_with(&back, t, NULL), HM_EFORMAT, "\"secret_key\" is not 32 bytes");
	free(t);
	t = edit(text, NULL, "public_key", NULL);
	assert_hm_err(parse_with(&back, t, NULL), HM_EFORMAT, "\"public_key\" is missing");
	free(t);
	/* the keyid is optional; without it the file still loads */
	t = edit(text, NULL, "keyid", NULL);
	assert_hm_ok(parse_with(&back, t, NULL));
	assert_string_equal(hm_key_id(back), hm_key_id(k));
	hm_key_free(back);
	back = NULL;
	free(t);
	hm_free(text);
	hm_key_free(k);
	hm_key_free(other);
}

static void unknown_fields_and_versions_fail(void **state)
{
	hm_key *k = tc_key(8), *back = NULL;
	char *text, *t;
	size_t len;

	(void)state;
	assert_hm_ok(hm_key_secret_file(&text, &len, k, NULL, 0, NULL));
	t = edit(text, NULL, "comment", json_string("hi"));
	assert_hm_err(parse_with(&back, t, NULL), HM_EFORMAT, "unknown key file field \"comment\"");
	free(t);
	t = edit(text, NULL, "version", json_integer(2));
	assert_hm_err(parse_with(&back, t, NULL), HM_EUNSUPPORTED, "version 2 is not supported");
	free(t);
	t = edit(text, NULL, "version", json_string("1"));
	assert_hm_err(parse_with(&back, t, NULL), HM_EFORMAT, "no integer \"version\"");
	free(t);
	t = edit(text, NULL, "version", NULL);
	assert_hm_err(parse_with(&back, t, NULL), HM_EFORMAT, "no integer \"version\"");
	free(t);
	t = edit(text, NULL, "algorithm", json_string("rsa"));
	assert_hm_err(parse_with(&back, t, NULL), HM_EUNSUPPORTED, "\"rsa\" is not supported");
	free(t);
	t = edit(text, NULL, "format", json_string("minisign"));
	assert_hm_err(parse_with(&back, t, NULL), HM_EFORMAT, "not a hallmark key file");
	free(t);
	t = edit(text, NULL, "format", NULL);
	assert_hm_err(parse_with(&back, t, NULL), HM_EFORMAT, "not a hallmark key file");
	free(t);
	assert_hm_err(parse_with(&back, "[1]", NULL), HM_EFORMAT, "not a key file");
	assert_hm_err(parse_with(&back, "{\"format\":", NULL), HM_EFORMAT, "invalid JSON");
	assert_hm_err(parse_with(&back, "{\"format\":\"hallmark-secret-key\",\"format\":"
				 "\"hallmark-secret-key\"}", NULL), HM_EFORMAT, "duplicate");
	assert_hm_err(parse_with(&back, "{\"format\":\"hallmark-secret-key\"}", NULL), HM_EFORMAT,
		      "no integer \"version\"");
	/* the name given appears in messages */
	assert_hm_err(hm_key_parse(&back, "{}", 2, "my.key", NULL, NULL), HM_EFORMAT, "my.key");
	assert_hm_err(hm_key_parse(&back, "{}", 2, NULL, NULL, NULL), HM_EFORMAT, "key:");
	hm_free(text);
	hm_key_free(k);
}

static void no_clobber_and_modes(void **state)
{
	char *dir = tu_tmpdir(), *before, *after;
	const char *path = tu_path(dir, "k.key"), *pub = tu_path(dir, "k.pub");
	hm_key *a = tc_key(10), *b = tc_key(11), *back = NULL;
	hm_key_write_options keep = HM_KEY_WRITE_OPTIONS_INIT, force = HM_KEY_WRITE_OPTIONS_INIT;
	size_t n1, n2;

	(void)state;
	force.overwrite = 1;
	assert_hm_ok(hm_key_write_secret(a, path, NULL, 0, &keep));
	before = tu_read(path, &n1);
	assert_hm_err(hm_key_write_secret(b, path, NULL, 0, &keep), HM_EEXISTS, "already exists");
	assert_hm_err(hm_key_write_secret(b, path, NULL, 0, NULL), HM_EEXISTS, "already exists");
	after = tu_read(path, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	assert_int_equal(tu_entries(dir), 1); /* no temporary file left behind */
	free(after);
	assert_hm_ok(hm_key_write_secret(b, path, NULL, 0, &force));
	assert_int_equal(mode_of(path), 0600);
	assert_hm_ok(hm_key_load(&back, path, NULL, NULL));
	assert_string_equal(hm_key_id(back), hm_key_id(b));
	hm_key_free(back);
	back = NULL;

	assert_hm_ok(hm_key_write_public(a, pub, 0));
	assert_int_equal(mode_of(pub), 0644);
	assert_hm_err(hm_key_write_public(b, pub, 0), HM_EEXISTS, "already exists");
	assert_hm_ok(hm_key_load(&back, pub, NULL, NULL));
	assert_string_equal(hm_key_id(back), hm_key_id(a));
	hm_key_free(back);
	assert_hm_ok(hm_key_write_public(b, pub, 1));
	assert_hm_ok(hm_key_load(&back, pub, NULL, NULL));
	assert_string_equal(hm_key_id(back), hm_key_id(b));
	hm_key_free(back);
	assert_int_equal(tu_entries(dir), 2);

	/* a missing directory is an I/O error naming the path */
	assert_hm_err(hm_key_write_secret(a, tu_path(dir, "no/such/dir/k.key"), NULL, 0, NULL),
		      HM_EIO, "no/such/dir/k.key");
	free(before);
	hm_key_free(a);
	hm_key_free(b);
	tc_cleanup(dir);
}

static void write_options_are_checked(void **state)
{
	hm_key *k = tc_key(12), *pub = NULL, *back = NULL;
	hm_key_write_options o = fast_opts(0);
	char *text, pw[1100];
	size_t len;
	struct pass p = { pw, 0, 0 };

	(void)state;
	o.version = 99;
	assert_hm_err(hm_key_secret_file(&text, &len, k, NULL, 0, &o), HM_EINVAL, "hm_key_write_options: version 99 is not 1");
	assert_null(text);
	o = fast_opts(0);
	o.kdf_opslimit = 5;
	assert_hm_err(hm_key_secret_file(&text, &len, k, "pw", 2, &o), HM_EINVAL, "out of range");
	o = fast_opts(0);
	o.kdf_memlimit = ((size_t)256 << 20) + 1;
	assert_hm_err(hm_key_secret_file(&text, &len, k, "pw", 2, &o), HM_EINVAL, "out of range");
	o = fast_opts(0);
	o.kdf_memlimit = 4096;
	assert_hm_err(hm_key_secret_file(&text, &len, k, "pw", 2, &o), HM_EINVAL, "out of range");
	o = fast_opts(0);
	assert_hm_err(hm_key_secret_file(&text, &len, k, "a\0b", 3, &o), HM_EINVAL, "NUL");
	memset(pw, 'x', sizeof(pw));
	assert_hm_err(hm_key_secret_file(&text, &len, k, pw, 1024, &o), HM_EINVAL, "at most 1023");
	/* the longest passphrase a callback can return round-trips */
	pw[1023] = '\0';
	assert_hm_ok(hm_key_secret_file(&text, &len, k, pw, 1023, &o));
	assert_hm_ok(hm_key_parse(&back, text, len, "long", pass_cb, &p));
	assert_string_equal(hm_key_id(back), hm_key_id(k));
	hm_key_free(back);
	hm_free(text);

	assert_hm_ok(hm_key_from_public(&pub, hm_key_public_bytes(k)));
	assert_hm_err(hm_key_secret_file(&text, &len, pub, NULL, 0, NULL), HM_EINVAL,
		      "no secret half");
	hm_key_free(pub);
	hm_key_free(k);
}

static void is_encrypted_reports_errors(void **state)
{
	char *dir = tu_tmpdir();
	hm_key *k = tc_key(13);

	(void)state;
	assert_hm_err(hm_key_file_is_encrypted(tu_path(dir, "missing")), HM_ENOTFOUND, "missing");
	assert_hm_ok(hm_key_write_public(k, tu_path(dir, "k.pub"), 0));
	assert_int_equal(hm_key_file_is_encrypted(tu_path(dir, "k.pub")), 0);
	tu_write(tu_path(dir, "junk"), "{not json", 9);
	assert_int_equal(hm_key_file_is_encrypted(tu_path(dir, "junk")), 0);
	/* Some other JSON with an "encryption" object is not one of our key files. */
	tu_write(tu_path(dir, "other.json"), "{\"format\":\"x\",\"encryption\":{}}", 30);
	assert_int_equal(hm_key_file_is_encrypted(tu_path(dir, "other.json")), 0);
	tu_write(tu_path(dir, "noformat.json"), "{\"encryption\":{}}", 17);
	assert_int_equal(hm_key_file_is_encrypted(tu_path(dir, "noformat.json")), 0);
	hm_key_free(k);
	tc_cleanup(dir);
}

/* --- PEM ------------------------------------------------------------------ */

static char *pem_of(const unsigned char *der, size_t len, const char *label)
{
	char *b = hm__b64_encode(der, len), *out = malloc(strlen(b) + 128);

	sprintf(out, "-----BEGIN %s-----\n%s\n-----END %s-----\n", label, b, label);
	free(b);
	return out;
}

static void pem_public_round_trip(void **state)
{
	hm_key *k = tc_key(20), *back = NULL;
	char *pem;

	(void)state;
	assert_hm_ok(hm_key_public_pem(&pem, k));
	assert_memory_equal(pem, "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA", 42);
	assert_int_equal(pem[strlen(pem) - 1], '\n');
	assert_hm_ok(hm_key_parse(&back, pem, strlen(pem), "pub", NULL, NULL));
	assert_false(hm_key_has_secret(back));
	assert_string_equal(hm_key_id(back), hm_key_id(k));
	assert_memory_equal(hm_key_public_bytes(back), hm_key_public_bytes(k), 32);
	hm_key_free(back);
	hm_free(pem);
	hm_key_free(k);
}

static void pem_private_matches_seed(void **state)
{
	unsigned char der[48], seed[32];
	hm_key *k = NULL, *ref = NULL;
	char *pem, *crlf, *p, *q;

	(void)state;
	memset(seed, 0x42, 32);
	memcpy(der, "\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20", 16);
	memcpy(der + 16, seed, 32);
	pem = pem_of(der, 48, "PRIVATE KEY");
	assert_hm_ok(hm_key_from_seed(&ref, seed));
	assert_hm_ok(hm_key_parse(&k, pem, strlen(pem), "p", NULL, NULL));
	assert_true(hm_key_has_secret(k));
	assert_string_equal(hm_key_id(k), hm_key_id(ref));
	hm_key_free(k);
	/* CRLF line ends and text around the block are fine */
	crlf = malloc(2 * strlen(pem) + 64);
	q = crlf + sprintf(crlf, "a comment\r\n");
	for (p = pem; *p; p++) {
		if (*p == '\n')
			*q++ = '\r';
		*q++ = *p;
	}
	strcpy(q, "trailer\r\n");
	assert_hm_ok(hm_key_parse(&k, crlf, strlen(crlf), "p", NULL, NULL));
	assert_string_equal(hm_key_id(k), hm_key_id(ref));
	hm_key_free(k);
	free(crlf);
	free(pem);
	hm_key_free(ref);
}

/* A private copy (mode 0600) of a shared key file: a secret key must not be readable by others. */
static const char *private_copy(const char *dir, const char *src)
{
	const char *dst = tu_path(dir, "private.pem");
	char *text;
	size_t len = 0;

	text = tu_read(src, &len);
	assert_non_null(text);
	tu_write(dst, text, len);
	free(text);
	assert_int_equal(chmod(dst, 0600), 0);
	return dst;
}

static void pem_secret_file_stores_the_seed(void **state)
{
	const char *shared = tu_shared("vectors/dsse/ed25519_private.pem"), *path;
	hm_key *k = NULL;
	char *text, *pem, *dir;
	unsigned char *der, *seed;
	size_t derlen, seedlen, len;
	json_t *j;

	(void)state;
	if (!shared) {
		skip();
		return;
	}
	dir = tu_tmpdir();
	path = private_copy(dir, shared);
	assert_hm_ok(hm_key_load(&k, path, NULL, NULL));
	pem = tu_read(path, NULL);
	/* body between the armour lines: one line of base64 */
	*strstr(pem, "\n-----END") = '\0';
	assert_int_equal(hm__b64_decode(&der, &derlen, strchr(pem, '\n') + 1,
					strlen(strchr(pem, '\n') + 1)), 0);
	assert_int_equal(derlen, 48);
	assert_hm_ok(hm_key_secret_file(&text, &len, k, NULL, 0, NULL));
	j = json_loads(text, 0, NULL);
	assert_int_equal(hm__b64_decode(&seed, &seedlen,
					json_string_value(json_object_get(j, "secret_key")),
					strlen(json_string_value(json_object_get(j, "secret_key")))),
			 0);
	assert_int_equal(seedlen, 32);
	assert_memory_equal(seed, der + 16, 32);
	json_decref(j);
	free(seed);
	free(der);
	free(pem);
	hm_free(text);
	hm_key_free(k);
	tc_cleanup(dir);
}

static void secret_key_files_must_be_private(void **state)
{
	hm_key_write_options o = fast_opts(0);
	hm_key *k = tc_key(7), *back = NULL;
	hm_keyring *kr = NULL;
	char *dir = tu_tmpdir(), *pem;
	const char *plain = tu_path(dir, "plain.key"), *enc = tu_path(dir, "enc.key");
	const char *pub = tu_path(dir, "k.pub"), *pkcs8 = tu_path(dir, "k.pem");
	struct pass p = { "pw", 0, 0 };
	static const mode_t open_modes[] = { 0644, 0640, 0604, 0620, 0602, 0660 };
	size_t i;

	(void)state;
	assert_hm_ok(hm_key_write_secret(k, plain, NULL, 0, NULL));
	assert_hm_ok(hm_key_write_secret(k, enc, "pw", 2, &o));
	assert_hm_ok(hm_key_write_public(k, pub, 0));
	assert_hm_ok(hm_key_load(&back, plain, NULL, NULL));
	hm_key_free(back);
	back = NULL;

	for (i = 0; i < sizeof(open_modes) / sizeof(open_modes[0]); i++) {
		assert_int_equal(chmod(plain, open_modes[i]), 0);
		assert_hm_err(hm_key_load(&back, plain, NULL, NULL), HM_EINVAL,
			      "accessible to group or others");
		assert_null(back);
	}
	assert_int_equal(chmod(plain, 0644), 0);
	assert_hm_err(hm_key_load(&back, plain, NULL, NULL), HM_EINVAL, "(mode 0644)");
	assert_non_null(strstr(hm_error_last(), "plain.key"));
	assert_non_null(strstr(hm_error_last(), "chmod 600"));
	/* every way of loading it: the public half, a keyring */
	assert_hm_err(hm_key_load_public(&back, plain), HM_EINVAL, "chmod 600");
	assert_hm_ok(hm_keyring_new(&kr));
	assert_hm_err(hm_keyring_add_file(kr, plain), HM_EINVAL, "chmod 600");
	hm_keyring_free(kr);
	/* an encrypted key too, and before the passphrase is asked */
	assert_int_equal(chmod(enc, 0644), 0);
	assert_hm_err(hm_key_load(&back, enc, pass_cb, &p), HM_EINVAL, "chmod 600");
	assert_int_equal(p.calls, 0);
	/* a PEM private key too */
	{
		unsigned char der[48];
		memcpy(der, "\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20",
		       16);
		memset(der + 16, 7, 32);
		pem = pem_of(der, 48, "PRIVATE KEY");
		tu_write(pkcs8, pem, strlen(pem));
		free(pem);
	}
	assert_int_equal(chmod(pkcs8, 0644), 0);
	assert_hm_err(hm_key_load(&back, pkcs8, NULL, NULL), HM_EINVAL, "k.pem");
	assert_int_equal(chmod(pkcs8, 0600), 0);
	assert_hm_ok(hm_key_load(&back, pkcs8, NULL, NULL));
	hm_key_free(back);
	back = NULL;
	/* owner-only modes are fine, and a public key may be world-readable */
	assert_int_equal(chmod(plain, 0400), 0);
	assert_hm_ok(hm_key_load(&back, plain, NULL, NULL));
	hm_key_free(back);
	back = NULL;
	assert_int_equal(chmod(pub, 0644), 0);
	assert_hm_ok(hm_key_load(&back, pub, NULL, NULL));
	hm_key_free(back);
	hm_key_free(k);
	tc_cleanup(dir);
}

static void pem_errors_name_the_problem(void **state)
{
	unsigned char der[48];
	hm_key *k = NULL;
	char *pem;

	(void)state;
	/* X25519 keys (OID 1.3.101.110) are not Ed25519 */
	memcpy(der, "\x30\x2a\x30\x05\x06\x03\x2b\x65\x6e\x03\x21\x00", 12);
	memset(der + 12, 9, 32);
	pem = pem_of(der, 44, "PUBLIC KEY");
	assert_hm_err(parse_with(&k, pem, NULL), HM_EUNSUPPORTED, "X25519 is not supported");
	free(pem);
	memcpy(der, "\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x6e\x04\x22\x04\x20", 16);
	memset(der + 16, 9, 32);
	pem = pem_of(der, 48, "PRIVATE KEY");
	assert_hm_err(parse_with(&k, pem, NULL), HM_EUNSUPPORTED, "X25519 is not supported");
	free(pem);
	pem = pem_of(der, 40, "PRIVATE KEY");
	assert_hm_err(parse_with(&k, pem, NULL), HM_EFORMAT, "not a valid private key");
	free(pem);
	pem = pem_of(der, 48, "ENCRYPTED PRIVATE KEY");
	assert_hm_err(parse_with(&k, pem, NULL), HM_EUNSUPPORTED, "encrypted PKCS#8 is not supported");
	free(pem);
	pem = pem_of(der, 48, "CERTIFICATE");
	assert_hm_err(parse_with(&k, pem, NULL), HM_EUNSUPPORTED,
		      "\"CERTIFICATE\" is not a key hallmark reads");
	free(pem);
	assert_hm_err(parse_with(&k, "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n", NULL),
		      HM_EFORMAT, "has no END line");
	assert_hm_err(parse_with(&k, "-----BEGIN PUBLIC KEY-----\nMCow*QYD\n-----END PUBLIC KEY-----",
				 NULL), HM_EFORMAT, "not valid base64");
	assert_hm_err(parse_with(&k, "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----", NULL),
		      HM_EFORMAT, "not valid base64");
	assert_hm_err(parse_with(&k, "-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n"
				 "-----END PRIVATE KEY-----\n", NULL), HM_EFORMAT, "PEM headers");
	assert_hm_err(parse_with(&k, "hello", NULL), HM_EFORMAT, "not a key file");
	assert_hm_err(parse_with(&k, "", NULL), HM_EFORMAT, "not a key file");
	assert_hm_err(parse_with(&k, "-----BEGIN -----", NULL), HM_EFORMAT, "not a key file");
	assert_hm_err(parse_with(&k, "-----BEGIN PUBLIC\nKEY-----", NULL), HM_EFORMAT,
		      "not a key file");
	/* a label with a NUL byte (found by fuzz_pem) is no label */
	{
		static const char nul[] = "-----BEGIN PUB\0LIC KEY-----\nMCowBQYDK2VwAyEA\n"
					  "-----END PUB\0LIC KEY-----\n";
		assert_hm_err(hm_key_parse(&k, nul, sizeof(nul) - 1, "nul", NULL, NULL), HM_EFORMAT,
			      "not a key file");
		assert_null(k);
	}
}

static void load_limits_and_missing_files(void **state)
{
	char *dir = tu_tmpdir(), *big;
	hm_key *k = (hm_key *)1;

	(void)state;
	assert_hm_err(hm_key_load(&k, tu_path(dir, "nope.pem"), NULL, NULL), HM_ENOTFOUND,
		      "nope.pem");
	assert_null(k);
	big = malloc(70000);
	memset(big, ' ', 70000);
	tu_write(tu_path(dir, "big"), big, 70000);
	assert_hm_err(hm_key_load(&k, tu_path(dir, "big"), NULL, NULL), HM_EFORMAT, "limit");
	assert_hm_err(hm_key_load(&k, dir, NULL, NULL), HM_EIO, "not a regular file");
	free(big);
	tc_cleanup(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unencrypted_round_trip),
		cmocka_unit_test(encrypted_round_trip),
		cmocka_unit_test(wrong_or_missing_passphrase_fails),
		cmocka_unit_test(tampered_encrypted_header_fails),
		cmocka_unit_test(tampered_unencrypted_file_fails),
		cmocka_unit_test(unknown_fields_and_versions_fail),
		cmocka_unit_test(no_clobber_and_modes),
		cmocka_unit_test(write_options_are_checked),
		cmocka_unit_test(is_encrypted_reports_errors),
		cmocka_unit_test(pem_public_round_trip),
		cmocka_unit_test(pem_private_matches_seed),
		cmocka_unit_test(pem_secret_file_stores_the_seed),
		cmocka_unit_test(secret_key_files_must_be_private),
		cmocka_unit_test(pem_errors_name_the_problem),
		cmocka_unit_test(load_limits_and_missing_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
