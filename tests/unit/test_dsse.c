/*
 * DSSE envelopes: the published vector, the wire format, and forgeries. Every
 * rejected envelope must come back with the right code and a message that
 * names the reason; nothing may crash.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>

#include "testutil.h"
#include "testcrypto.h"
#include "internal.h"

#define PTYPE HM_INTOTO_PAYLOAD_TYPE
static const char PAYLOAD[] =
	"{\"_type\":\"https://in-toto.io/Statement/v1\",\"predicate\":{\"note\":\"x\"},"
	"\"predicateType\":\"https://example.com/p/v1\",\"subject\":[{\"digest\":{\"sha256\":"
	"\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"},\"name\":\"m\"}]}";

struct tsig {
	const char *keyid; /* NULL: no "keyid" member */
	const unsigned char *sig;
	size_t len;
};

static char *b64(const unsigned char *in, size_t len, int variant)
{
	size_t n = sodium_base64_ENCODED_LEN(len, variant);
	char *out = malloc(n);

	assert_non_null(out);
	sodium_bin2base64(out, n, in, len, variant);
	return out;
}

/* An envelope line built by hand, so tests control every byte of it. */
static char *make_line(const unsigned char *payload, size_t plen, const char *ptype,
		       const struct tsig *sigs, size_t n, int variant)
{
	json_t *root = json_object(), *arr = json_array();
	char *p = b64(payload, plen, variant), *out;
	size_t i;

	assert_non_null(ptype);
	assert_int_equal(json_object_set_new(root, "payload", json_string(p)), 0);
	assert_int_equal(json_object_set_new(root, "payloadType", json_string(ptype)), 0);
	for (i = 0; i < n; i++) {
		json_t *s = json_object();
		char *sb = b64(sigs[i].sig, sigs[i].len, variant);
		if (sigs[i].keyid)
			json_object_set_new(s, "keyid", json_string(sigs[i].keyid));
		json_object_set_new(s, "sig", json_string(sb));
		json_array_append_new(arr, s);
		free(sb);
	}
	json_object_set_new(root, "signatures", arr);
	out = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	assert_non_null(out);
	json_decref(root);
	free(p);
	return out;
}

static void sign_pae(const hm_key *k, unsigned char sig[64], const char *ptype,
		     const unsigned char *payload, size_t plen)
{
	unsigned char *pae;
	size_t paelen;

	assert_hm_ok(hm_dsse_pae(&pae, &paelen, ptype, payload, plen));
	assert_hm_ok(hm_key_sign(k, sig, pae, paelen));
	hm_free(pae);
}

static hm_keyring *ring(hm_key *a, hm_key *b, hm_key *c)
{
	hm_keyring *kr = NULL;

	assert_hm_ok(hm_keyring_new(&kr));
	if (a)
		assert_hm_ok(hm_keyring_add(kr, a));
	if (b)
		assert_hm_ok(hm_keyring_add(kr, b));
	if (c)
		assert_hm_ok(hm_keyring_add(kr, c));
	return kr;
}

/* Parses and verifies a line: 0, or the failing code with hm_error_last() set. */
static int check_line(const char *line, size_t len, const hm_keyring *kr, size_t threshold,
		      hm_envelope_verification *info)
{
	hm_envelope *env = NULL;
	int rc = hm_envelope_parse(&env, line, len);

	if (rc < 0) {
		assert_null(env);
		return rc;
	}
	rc = hm_envelope_verify(env, kr, threshold, info);
	hm_envelope_free(env);
	return rc;
}

static int check_str(const char *line, const hm_keyring *kr, size_t threshold)
{
	return check_line(line, strlen(line), kr, threshold, NULL);
}

/* --- the DSSE specification's example ---------------------------------- */

static void pae_matches_spec_example(void **state)
{
	static const char want[] = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
	unsigned char *pae;
	size_t len;

	(void)state;
	assert_hm_ok(hm_dsse_pae(&pae, &len, "http://example.com/HelloWorld",
				 (const unsigned char *)"hello world", 11));
	assert_int_equal(len, strlen(want));
	assert_memory_equal(pae, want, len);
	hm_free(pae);
	/* empty type and body: lengths are "0", no leading zeros, still separated */
	assert_hm_ok(hm_dsse_pae(&pae, &len, "", NULL, 0));
	assert_int_equal(len, 12);
	assert_memory_equal(pae, "DSSEv1 0  0 ", 12);
	hm_free(pae);
	/* binary body with NUL bytes is length-prefixed, not NUL-terminated */
	assert_hm_ok(hm_dsse_pae(&pae, &len, "t", (const unsigned char *)"a\0b", 3));
	assert_int_equal(len, 16);
	assert_memory_equal(pae, "DSSEv1 1 t 3 a\0b", 16);
	hm_free(pae);
}

static void dsse_vector_signature_and_key_ids(void **state)
{
	static const char want_sig[] = "Z7HstnKF30eJLIybaJP9QVhxJfg6w+M9Pr15pNF321l6Dknz2bJGBSWYGr1"
				       "Mtfs6mZron3mmv40ajhN3DbN2Aw==";
	const char *priv_path = tu_shared("vectors/dsse/ed25519_private.pem");
	char pub_path[4096], *got, *line;
	hm_key *priv = NULL, *pub = NULL;
	hm_envelope *env = NULL;
	hm_keyring *kr = NULL;
	const unsigned char *sig;
	size_t siglen;
	hm_envelope_verification info;

	(void)state;
	if (!priv_path) {
		skip();
		return;
	}
	snprintf(pub_path, sizeof(pub_path), "%s/vectors/dsse/ed25519_public.pem", tu_shared_dir());
	{
		/* a secret key must be private: load a 0600 copy of the shared one */
		char *dir = tu_tmpdir(), *text;
		const char *copy = tu_path(dir, "private.pem");
		size_t len = 0;
		text = tu_read(priv_path, &len);
		assert_non_null(text);
		tu_write(copy, text, len);
		free(text);
		assert_int_equal(chmod(copy, 0600), 0);
		assert_hm_ok(hm_key_load(&priv, copy, NULL, NULL));
		tc_cleanup(dir);
	}
	assert_true(hm_key_has_secret(priv));
	assert_hm_ok(hm_key_load(&pub, pub_path, NULL, NULL));
	assert_false(hm_key_has_secret(pub));
	assert_string_equal(hm_key_id(priv), hm_key_id(pub));

	assert_hm_ok(hm_envelope_new(&env, "http://example.com/HelloWorld",
				     (const unsigned char *)"hello world", 11));
	assert_hm_ok(hm_envelope_sign(env, priv));
	assert_int_equal(hm_envelope_signature_count(env), 1);
	assert_string_equal(hm_envelope_signature_keyid(env, 0), hm_key_id(priv));
	sig = hm_envelope_signature(env, 0, &siglen);
	assert_int_equal(siglen, 64);
	got = hm__b64_encode(sig, siglen);
	assert_string_equal(got, want_sig);
	free(got);

	/* verifies against a keyring built from the public PEM file */
	assert_hm_ok(hm_keyring_new(&kr));
	assert_hm_ok(hm_keyring_add_file(kr, pub_path));
	assert_hm_ok(hm_envelope_verify(env, kr, 1, &info));
	assert_int_equal(info.signatures, 1);
	assert_int_equal(info.verified, 1);
	assert_string_equal(info.verified_ids[0], hm_key_id(pub));

	/* and so does its serialized line after parsing */
	assert_hm_ok(hm_envelope_serialize(&line, NULL, env));
	assert_hm_ok(check_str(line, kr, 1));
	hm_free(line);
	hm_envelope_free(env);
	hm_keyring_free(kr);
	hm_key_free(priv);
	hm_key_free(pub);
}

static void serialize_parse_round_trip(void **state)
{
	hm_key *a = tc_key(1), *b = tc_key(2);
	hm_envelope *env = NULL, *back = NULL;
	char *line, *again;
	size_t len, len2, plen, i;
	json_t *j;
	json_error_t e;
	const unsigned char *p;

	(void)state;
	assert_hm_ok(hm_envelope_new(&env, PTYPE, (const unsigned char *)PAYLOAD, strlen(PAYLOAD)));
	assert_hm_ok(hm_envelope_sign(env, a));
	assert_hm_ok(hm_envelope_sign(env, b));
	assert_hm_ok(hm_envelope_serialize(&line, &len, env));
	assert_int_equal(len, strlen(line));
	assert_null(strchr(line, '\n'));
	/* the DSSE wire shape, fields in spec order */
	assert_memory_equal(line, "{\"payload\":\"", 12);
	j = json_loads(line, JSON_REJECT_DUPLICATES, &e);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 3);
	assert_string_equal(json_string_value(json_object_get(j, "payloadType")), PTYPE);
	assert_int_equal(json_array_size(json_object_get(j, "signatures")), 2);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(j, "signatures"), 1), "keyid")),
			    hm_key_id(b));
	json_decref(j);

	assert_hm_ok(hm_envelope_parse(&back, line, len));
	assert_string_equal(hm_envelope_payload_type(back), PTYPE);
	p = hm_envelope_payload(back, &plen);
	assert_int_equal(plen, strlen(PAYLOAD));
	assert_memory_equal(p, PAYLOAD, plen);
	assert_int_equal(hm_envelope_signature_count(back), 2);
	for (i = 0; i < 2; i++) {
		size_t l1, l2;
		const unsigned char *s1 = hm_envelope_signature(env, i, &l1);
		const unsigned char *s2 = hm_envelope_signature(back, i, &l2);
		assert_int_equal(l1, l2);
		assert_memory_equal(s1, s2, l1);
		assert_string_equal(hm_envelope_signature_keyid(env, i),
				    hm_envelope_signature_keyid(back, i));
	}
	assert_null(hm_envelope_signature(back, 2, NULL));
	assert_null(hm_envelope_signature_keyid(back, 2));
	assert_hm_ok(hm_envelope_serialize(&again, &len2, back));
	assert_string_equal(line, again);
	hm_free(line);
	hm_free(again);
	hm_envelope_free(env);
	hm_envelope_free(back);
	hm_envelope_free(NULL);
	hm_key_free(a);
	hm_key_free(b);
}

/* A payloadType that JSON cannot carry is an error, not a line missing the field. */
static void serialize_refuses_non_utf8_type(void **state)
{
	hm_key *k = tc_key(3);
	hm_envelope *env = NULL;
	char *line = (char *)1, *sb = (char *)1;

	(void)state;
	assert_hm_ok(hm_envelope_new(&env, "bad\xff", (const unsigned char *)"{}", 2));
	assert_hm_ok(hm_envelope_sign(env, k));
	assert_hm_err(hm_envelope_serialize(&line, NULL, env), HM_EINVAL,
		      "payloadType is not valid UTF-8");
	assert_null(line);
	assert_hm_err(hm_sigstore_bundle(&sb, env, NULL), HM_EINVAL, "not valid UTF-8");
	assert_null(sb);
	hm_envelope_free(env);
	hm_key_free(k);
}

/* --- forgeries ----------------------------------------------------------- */

struct fixture {
	hm_key *a, *b, *c;
	hm_keyring *kr; /* trusts a and b */
	unsigned char sig_a[64], sig_b[64], sig_c[64];
	size_t plen;
};

static int fx_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->a = tc_key(0xa1);
	f->b = tc_key(0xb2);
	f->c = tc_key(0xc3);
	f->kr = ring(f->a, f->b, NULL);
	f->plen = strlen(PAYLOAD);
	sign_pae(f->a, f->sig_a, PTYPE, (const unsigned char *)PAYLOAD, f->plen);
	sign_pae(f->b, f->sig_b, PTYPE, (const unsigned char *)PAYLOAD, f->plen);
	sign_pae(f->c, f->sig_c, PTYPE, (const unsigned char *)PAYLOAD, f->plen);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fixture *f = *state;

	hm_key_free(f->a);
	hm_key_free(f->b);
	hm_key_free(f->c);
	hm_keyring_free(f->kr);
	free(f);
	return 0;
}

static char *line_a(struct fixture *f, const unsigned char *payload, size_t plen,
		    const char *ptype, const unsigned char *sig, size_t siglen)
{
	struct tsig s = { hm_key_id(f->a), sig, siglen };
	return make_line(payload, plen, ptype, &s, 1, sodium_base64_VARIANT_ORIGINAL);
}

static void genuine_envelope_verifies(void **state)
{
	struct fixture *f = *state;
	char *l = line_a(f, (const unsigned char *)PAYLOAD, f->plen, PTYPE, f->sig_a, 64);
	hm_attestation *att = NULL;

	/* the baseline the forgery tests mutate must itself pass */
	assert_hm_ok(check_str(l, f->kr, 1));
	assert_hm_ok(hm_attestation_open(&att, l, strlen(l), f->kr, 1));
	assert_int_equal(hm_attestation_signer_count(att), 1);
	assert_string_equal(hm_attestation_signer(att, 0), hm_key_id(f->a));
	hm_attestation_free(att);
	free(l);
}

static void flipping_any_payload_byte_fails(void **state)
{
	struct fixture *f = *state;
	static const unsigned char masks[] = { 0x01, 0x80, 0xff };
	unsigned char *p = malloc(f->plen);
	size_t i, m, tried = 0;

	for (i = 0; i < f->plen; i++) {
		for (m = 0; m < sizeof(masks); m++) {
			hm_attestation *att = (hm_attestation *)1;
			char *l;
			memcpy(p, PAYLOAD, f->plen);
			p[i] ^= masks[m];
			l = line_a(f, p, f->plen, PTYPE, f->sig_a, 64);
			assert_hm_err(check_str(l, f->kr, 1), HM_EVERIFY,
				      "no trusted key verifies any of the 1 signature");
			assert_hm_err(hm_attestation_open(&att, l, strlen(l), f->kr, 1),
				      HM_EVERIFY, "no trusted key verifies");
			assert_null(att);
			free(l);
			tried++;
		}
	}
	assert_int_equal(tried, 3 * f->plen);
	/* a payload one byte longer or shorter fails too */
	{
		char *l = line_a(f, (const unsigned char *)PAYLOAD, f->plen - 1, PTYPE, f->sig_a, 64);
		assert_hm_err(check_str(l, f->kr, 1), HM_EVERIFY, "no trusted key verifies");
		free(l);
		memcpy(p, PAYLOAD, f->plen);
		l = line_a(f, (const unsigned char *)"", 0, PTYPE, f->sig_a, 64);
		assert_hm_err(check_str(l, f->kr, 1), HM_EVERIFY, "no trusted key verifies");
		free(l);
	}
	free(p);
}

static void flipping_any_payload_type_byte_fails(void **state)
{
	struct fixture *f = *state;
	char t[sizeof(PTYPE)];
	size_t i;
	unsigned char bit;

	for (i = 0; i < strlen(PTYPE); i++) {
		for (bit = 1; bit < 0x80; bit <<= 1) { /* stays ASCII, so valid JSON */
			char *l;
			memcpy(t, PTYPE, sizeof(t));
			t[i] ^= (char)bit;
			if (t[i] < 0x20)
				continue; /* control characters: escaped, still a different type */
			l = line_a(f, (const unsigned char *)PAYLOAD, f->plen, t, f->sig_a, 64);
			assert_hm_err(check_str(l, f->kr, 1), HM_EVERIFY,
				      "no trusted key verifies");
			free(l);
		}
	}
	/* and a type the length prefix would make ambiguous without PAE */
	{
		char *l = line_a(f, (const unsigned char *)PAYLOAD, f->plen, PTYPE " ", f->sig_a, 64);
		assert_hm_err(check_str(l, f->kr, 1), HM_EVERIFY, "no trusted key verifies");
		free(l);
	}
}

static void flipping_any_signature_bit_fails(void **state)
{
	struct fixture *f = *state;
	unsigned char s[64];
	size_t i, bit, n = 0;

	for (i = 0; i < 64; i++) {
		for (bit = 0; bit < 8; bit++) {
			char *l;
			memcpy(s, f->sig_a, 64);
			s[i] ^= (unsigned char)(1u << bit);
			l = line_a(f, (const unsigned char *)PAYLOAD, f->plen, PTYPE, s, 64);
			assert_hm_err(check_str(l, f->kr, 1), HM_EVERIFY,
				      "no trusted key verifies");
			free(l);
			n++;
		}
	}
	assert_int_equal(n, 512);
}

/*
 * Every single-byte change anywhere in a serialized line: whatever parses and
 * verifies must carry exactly the signed payload, type and signature (only
 * the unauthenticated keyid hint may differ).
 */
static void mutating_any_line_byte_never_forges(void **state)
{
	struct fixture *f = *state;
	static const char repl[] = { 'A', 'z', '0', '+', '/', '-', '_', '=', '"', '\\', '{', '}',
				     ',', ':', ' ', '\0', '\x7f', '\xff' };
	char *l = line_a(f, (const unsigned char *)PAYLOAD, f->plen, PTYPE, f->sig_a, 64);
	size_t len = strlen(l), i, r, accepted = 0, rejected = 0;
	char *m = malloc(len);

	for (i = 0; i < len; i++) {
		for (r = 0; r < sizeof(repl); r++) {
			hm_envelope *env = NULL;
			int rc;
			if (l[i] == repl[r])
				continue;
			memcpy(m, l, len);
			m[i] = repl[r];
			rc = hm_envelope_parse(&env, m, len);
			if (rc == 0)
				rc = hm_envelope_verify(env, f->kr, 1, NULL);
			if (rc == 0) {
				size_t plen, slen;
				const unsigned char *p = hm_envelope_payload(env, &plen);
				const unsigned char *s = hm_envelope_signature(env, 0, &slen);
				assert_string_equal(hm_envelope_payload_type(env), PTYPE);
				assert_int_equal(plen, f->plen);
				assert_memory_equal(p, PAYLOAD, plen);
				assert_int_equal(slen, 64);
				assert_memory_equal(s, f->sig_a, 64);
				accepted++;
			} else {
				assert_true(rc == HM_EFORMAT || rc == HM_EVERIFY);
				assert_true(*hm_error_last() != '\0');
				rejected++;
			}
			hm_envelope_free(env);
		}
	}
	/* the keyid hint is part of the line: changing it alone still verifies */
	assert_true(accepted >= HM_KEY_ID_HEXLEN);
	assert_true(rejected > 10 * len);
	free(m);
	free(l);
}

static void wrong_key_fails(void **state)
{
	struct fixture *f = *state;
	hm_keyring *only_c = ring(f->c, NULL, NULL);
	char *l = line_a(f, (const unsigned char *)PAYLOAD, f->plen, PTYPE, f->sig_a, 64);

	assert_hm_err(check_str(l, only_c, 1), HM_EVERIFY,
		      "no trusted key verifies any of the 1 signature");
	hm_keyring_free(only_c);
	free(l);
}

static void removed_signature_fails(void **state)
{
	struct fixture *f = *state;
	char *l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, NULL, 0,
			    sodium_base64_VARIANT_ORIGINAL);
	hm_envelope *env = NULL;
	char buf[1024];

	assert_non_null(strstr(l, "\"signatures\":[]"));
	assert_hm_err(check_str(l, f->kr, 1), HM_EVERIFY, "no signatures");
	free(l);
	snprintf(buf, sizeof(buf), "{\"payload\":\"e30=\",\"payloadType\":\"%s\"}", PTYPE);
	assert_hm_err(check_str(buf, f->kr, 1), HM_EVERIFY, "no signatures");
	snprintf(buf, sizeof(buf), "{\"payload\":\"e30=\",\"payloadType\":\"%s\",\"signatures\":{}}",
		 PTYPE);
	assert_hm_err(check_str(buf, f->kr, 1), HM_EVERIFY, "no signatures");
	snprintf(buf, sizeof(buf),
		 "{\"payload\":\"e30=\",\"payloadType\":\"%s\",\"signatures\":null}", PTYPE);
	assert_hm_err(check_str(buf, f->kr, 1), HM_EVERIFY, "no signatures");
	/* an unsigned envelope built in memory does not verify either */
	assert_hm_ok(hm_envelope_new(&env, PTYPE, (const unsigned char *)"{}", 2));
	assert_hm_err(hm_envelope_verify(env, f->kr, 1, NULL), HM_EVERIFY, "no signatures");
	hm_envelope_free(env);
}

static void every_truncation_of_a_line_fails(void **state)
{
	struct fixture *f = *state;
	struct tsig s[2] = { { hm_key_id(f->a), f->sig_a, 64 }, { NULL, f->sig_b, 64 } };
	char *l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, s, 2,
			    sodium_base64_VARIANT_ORIGINAL);
	size_t len = strlen(l), i;

	assert_hm_ok(check_line(l, len, f->kr, 2, NULL));
	for (i = 0; i < len; i++)
		assert_hm_err(check_line(l, i, f->kr, 1, NULL), HM_EFORMAT, "invalid JSON");
	free(l);
}

static void malformed_envelopes_name_the_problem(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *json, *why;
		int code;
	} cases[] = {
		{ "", "invalid JSON", HM_EFORMAT },
		{ "not json", "invalid JSON", HM_EFORMAT },
		{ "{\"payload\":\"e30=\"", "invalid JSON", HM_EFORMAT },
		{ "{} {}", "invalid JSON", HM_EFORMAT },
		{ "[]", "not a JSON object", HM_EFORMAT },
		{ "null", "invalid JSON", HM_EFORMAT }, /* only objects and arrays parse */
		{ "\"x\"", "invalid JSON", HM_EFORMAT },
		{ "{\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"\"}]}",
		  "\"payload\" is missing or not a string", HM_EFORMAT },
		{ "{\"payload\":1,\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"\"}]}",
		  "\"payload\" is missing or not a string", HM_EFORMAT },
		{ "{\"payload\":\"\",\"signatures\":[{\"sig\":\"\"}]}",
		  "\"payloadType\" is missing or not a string", HM_EFORMAT },
		{ "{\"payload\":\"\",\"payloadType\":[],\"signatures\":[{\"sig\":\"\"}]}",
		  "\"payloadType\" is missing or not a string", HM_EFORMAT },
		{ "{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[1]}",
		  "signatures[0] is not an object", HM_EFORMAT },
		{ "{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"\"},{}]}",
		  "signatures[1].sig is missing or not a string", HM_EFORMAT },
		{ "{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":7}]}",
		  "signatures[0].sig is missing or not a string", HM_EFORMAT },
		{ "{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"\",\"keyid\":1}]}",
		  "signatures[0].keyid is not a string", HM_EFORMAT },
		/* duplicate keys, even with equal values, are ambiguous: rejected */
		{ "{\"payload\":\"\",\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":"
		  "\"\"}]}", "duplicate", HM_EFORMAT },
		{ "{\"payload\":\"\",\"payloadType\":\"t\",\"payloadType\":\"u\",\"signatures\":[{"
		  "\"sig\":\"\"}]}", "duplicate", HM_EFORMAT },
		{ "{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"\",\"sig\":\"\"}]}",
		  "duplicate", HM_EFORMAT },
		/* invalid base64 */
		{ "{\"payload\":\"@@@@\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"\"}]}",
		  "\"payload\" is not valid base64", HM_EFORMAT },
		{ "{\"payload\":\"e30\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"QUJD=\"}]}",
		  "signatures[0].sig is not valid base64", HM_EFORMAT },
		{ "{\"payload\":\"e\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"\"}]}",
		  "\"payload\" is not valid base64", HM_EFORMAT },
		{ "{\"payload\":\"e3+-\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"\"}]}",
		  "\"payload\" is not valid base64", HM_EFORMAT },
		{ "{\"payload\":\"YR==\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"\"}]}",
		  "\"payload\" is not valid base64", HM_EFORMAT },
		{ "{\"payload\":\"e3 0=\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"\"}]}",
		  "\"payload\" is not valid base64", HM_EFORMAT },
		{ "{\"payload\":\"=e30\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"\"}]}",
		  "\"payload\" is not valid base64", HM_EFORMAT },
		{ "{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"QU\\u0000\"}]}",
		  "invalid JSON", HM_EFORMAT },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hm_envelope *env = (hm_envelope *)1;
		int rc = hm_envelope_parse(&env, cases[i].json, strlen(cases[i].json));
		if (rc != cases[i].code || !strstr(hm_error_last(), cases[i].why))
			fail_msg("case %zu %s: got %s \"%s\", want %s \"%s\"", i, cases[i].json,
				 hm_error_name(rc), hm_error_last(), hm_error_name(cases[i].code),
				 cases[i].why);
		assert_null(env);
	}
	(void)f;
}

static void signature_not_64_bytes_fails(void **state)
{
	struct fixture *f = *state;
	unsigned char longer[65];
	char *l;

	memcpy(longer, f->sig_a, 64);
	longer[64] = 0;
	l = line_a(f, (const unsigned char *)PAYLOAD, f->plen, PTYPE, longer, 65);
	assert_hm_err(check_str(l, f->kr, 1), HM_EVERIFY, "not 64 bytes");
	free(l);
	l = line_a(f, (const unsigned char *)PAYLOAD, f->plen, PTYPE, f->sig_a, 63);
	assert_hm_err(check_str(l, f->kr, 1), HM_EVERIFY, "not 64 bytes");
	free(l);
	l = line_a(f, (const unsigned char *)PAYLOAD, f->plen, PTYPE, f->sig_a, 0);
	assert_hm_err(check_str(l, f->kr, 1), HM_EVERIFY, "not 64 bytes");
	free(l);
}

/*
 * Base64 is decoded a group at a time with libsodium deciding the end: every
 * encoding of every length round-trips, and a character that does not belong
 * anywhere (or padding before the end) is refused wherever it stands.
 */
static void base64_decoding_is_exact_at_every_length(void **state)
{
	static const int variants[] = { sodium_base64_VARIANT_ORIGINAL,
					sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
					sodium_base64_VARIANT_URLSAFE,
					sodium_base64_VARIANT_URLSAFE_NO_PADDING };
	static const char bad[] = { '=', '.', ' ', '\n', '\0', '*' };
	unsigned char bin[64], *out;
	char enc[100];
	size_t n, v, at, b, len, olen;

	(void)state;
	for (n = 0; n < sizeof(bin); n++)
		bin[n] = (unsigned char)(n * 37 + 251); /* includes bytes that encode to + / - _ */
	for (n = 0; n <= sizeof(bin); n++) {
		for (v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
			sodium_bin2base64(enc, sizeof(enc), bin, n, variants[v]);
			len = strlen(enc);
			assert_int_equal(hm__b64_decode(&out, &olen, enc, len), 0);
			assert_int_equal(olen, n);
			assert_memory_equal(out, bin, n);
			free(out);
			for (at = 0; at + 2 < len; at += 3) {
				char keep = enc[at];

				for (b = 0; b < sizeof(bad); b++) {
					enc[at] = bad[b];
					assert_int_not_equal(hm__b64_decode(&out, &olen, enc, len), 0);
				}
				enc[at] = keep;
			}
			/* a changed last data character: padding bits no longer zero, or more data */
			if (len >= 2 && enc[len - 1] != '=' && n % 3) {
				enc[len - 1] = enc[len - 1] == 'B' ? 'C' : 'B';
				assert_int_not_equal(hm__b64_decode(&out, &olen, enc, len), 0);
			}
		}
	}
}

/*
 * The payload is read out of the envelope's text without the JSON parser
 * copying it: only the top-level member counts, wherever it stands, and
 * anything unusual (escapes, a second "payload") goes through the parser.
 */
static void the_payload_is_the_top_level_member(void **state)
{
	static const char *const same[] = {
		/* a "payload" nested before the real one, and one inside a string */
		"{\"signatures\":[{\"payload\":\"QkJC\",\"sig\":\"AAAA\"}],\"x\":\"\\\"payload\\\":\","
		"\"payloadType\":\"t\", \"payload\" : \"QUFB\"}",
		/* escapes in the payload's text: decoded by the parser ("QUFB") */
		"{\"payload\":\"\\u0051UFB\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"AAAA\"}]}",
		/* nested arrays and objects before it */
		"{\"a\":[[{\"b\":[1,{\"c\":\"]}\"}]}]],\"payloadType\":\"t\",\"payload\":\"QUFB\","
		"\"signatures\":[{\"sig\":\"AAAA\"}]}",
	};
	static const char *const refused[] = {
		"{\"payload\":\"QUFB\",\"pay\\u006coad\":\"QkJC\",\"payloadType\":\"t\","
		"\"signatures\":[{\"sig\":\"AAAA\"}]}",
		"{\"payload\":\"QU\nFB\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"AAAA\"}]}",
		"{\"payload\":\"QUFB\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"AAAA\"}]",
		"{\"payload\":\"QUFB\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":\"AAAA\"}]}x",
	};
	hm_envelope *env;
	const unsigned char *p;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		assert_int_equal(hm_envelope_parse(&env, same[i], strlen(same[i])), 0);
		p = hm_envelope_payload(env, &n);
		assert_int_equal(n, 3);
		assert_memory_equal(p, "AAA", 3);
		hm_envelope_free(env);
	}
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_equal(hm_envelope_parse(&env, refused[i], strlen(refused[i])), HM_EFORMAT);
		assert_null(env);
	}
}

static void url_safe_and_unpadded_base64_accepted(void **state)
{
	static const int variants[] = { sodium_base64_VARIANT_URLSAFE,
					sodium_base64_VARIANT_URLSAFE_NO_PADDING,
					sodium_base64_VARIANT_ORIGINAL_NO_PADDING };
	struct fixture *f = *state;
	unsigned char payload[40], sig[64];
	char *std_p = NULL, *std_s = NULL;
	size_t i, v;

	(void)f;
	/* find a payload whose standard encoding and signature use '+' or '/' and padding */
	for (i = 0; i < 1000; i++) {
		memset(payload, (int)i, sizeof(payload));
		payload[0] = 0xfb; /* encodes to "+"... */
		payload[1] = (unsigned char)(0xff - i);
		sign_pae(f->a, sig, "t", payload, 38);
		std_p = b64(payload, 38, sodium_base64_VARIANT_ORIGINAL);
		std_s = b64(sig, 64, sodium_base64_VARIANT_ORIGINAL);
		if (strpbrk(std_p, "+/") && strpbrk(std_s, "+/") && strchr(std_p, '=') &&
		    strchr(std_s, '='))
			break;
		free(std_p);
		free(std_s);
		std_p = std_s = NULL;
	}
	assert_non_null(std_p);
	for (v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		struct tsig s = { "", sig, 64 };
		char *l = make_line(payload, 38, "t", &s, 1, variants[v]);
		char *l_std = make_line(payload, 38, "t", &s, 1, sodium_base64_VARIANT_ORIGINAL);
		hm_envelope *env = NULL;
		const unsigned char *p;
		size_t plen;

		assert_string_not_equal(l, l_std); /* the variant really differs */
		assert_hm_ok(hm_envelope_parse(&env, l, strlen(l)));
		p = hm_envelope_payload(env, &plen);
		assert_int_equal(plen, 38);
		assert_memory_equal(p, payload, 38);
		assert_hm_ok(hm_envelope_verify(env, f->kr, 1, NULL));
		hm_envelope_free(env);
		free(l);
		free(l_std);
	}
	free(std_p);
	free(std_s);
}

static void threshold_counts_distinct_keys(void **state)
{
	struct fixture *f = *state;
	hm_keyring *abc = ring(f->a, f->b, f->c);
	struct tsig ab[2] = { { hm_key_id(f->a), f->sig_a, 64 }, { hm_key_id(f->b), f->sig_b, 64 } };
	struct tsig aa[2] = { { hm_key_id(f->a), f->sig_a, 64 }, { "other", f->sig_a, 64 } };
	hm_envelope_verification info;
	char *l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, ab, 2,
			    sodium_base64_VARIANT_ORIGINAL);

	assert_hm_ok(check_line(l, strlen(l), abc, 1, &info));
	assert_int_equal(info.verified, 2);
	assert_hm_ok(check_line(l, strlen(l), abc, 2, &info));
	assert_int_equal(info.signatures, 2);
	assert_int_equal(info.verified, 2);
	assert_string_equal(info.verified_ids[0], hm_key_id(f->a));
	assert_string_equal(info.verified_ids[1], hm_key_id(f->b));
	assert_hm_err(check_line(l, strlen(l), abc, 3, &info), HM_EVERIFY,
		      "only 2 of the 3 required trusted keys verify");
	assert_int_equal(info.verified, 2);
	/* threshold 0 means 1 */
	assert_hm_ok(check_line(l, strlen(l), abc, 0, NULL));
	free(l);

	/* one key signing twice counts once */
	l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, aa, 2,
		      sodium_base64_VARIANT_ORIGINAL);
	assert_hm_ok(check_line(l, strlen(l), abc, 1, &info));
	assert_int_equal(info.verified, 1);
	assert_hm_err(check_line(l, strlen(l), abc, 2, &info), HM_EVERIFY,
		      "only 1 of the 2 required trusted keys verify");
	free(l);

	/* a signature by an untrusted key does not count towards the threshold */
	{
		struct tsig ac[2] = { { "", f->sig_a, 64 }, { "", f->sig_c, 64 } };
		l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, ac, 2,
			      sodium_base64_VARIANT_ORIGINAL);
		assert_hm_err(check_line(l, strlen(l), f->kr, 2, NULL), HM_EVERIFY,
			      "only 1 of the 2 required");
		free(l);
	}
	/* a failing signature is skipped, not fatal */
	{
		unsigned char junk[64] = { 0 };
		struct tsig js[2] = { { hm_key_id(f->b), junk, 64 }, { "", f->sig_a, 64 } };
		l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, js, 2,
			      sodium_base64_VARIANT_ORIGINAL);
		assert_hm_ok(check_line(l, strlen(l), f->kr, 1, &info));
		assert_int_equal(info.verified, 1);
		assert_string_equal(info.verified_ids[0], hm_key_id(f->a));
		free(l);
	}
	hm_keyring_free(abc);
}

static void keyid_is_only_a_hint(void **state)
{
	struct fixture *f = *state;
	struct tsig s;
	char *l;
	hm_envelope_verification info;

	/* a valid signature under a keyid naming another trusted key still verifies */
	s.keyid = hm_key_id(f->b);
	s.sig = f->sig_a;
	s.len = 64;
	l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, &s, 1,
		      sodium_base64_VARIANT_ORIGINAL);
	assert_hm_ok(check_line(l, strlen(l), f->kr, 1, &info));
	assert_string_equal(info.verified_ids[0], hm_key_id(f->a)); /* not b */
	free(l);
	/* with a made-up keyid, an empty one, none at all, or null */
	s.keyid = "no-such-key";
	l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, &s, 1,
		      sodium_base64_VARIANT_ORIGINAL);
	assert_hm_ok(check_str(l, f->kr, 1));
	free(l);
	s.keyid = "";
	l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, &s, 1,
		      sodium_base64_VARIANT_ORIGINAL);
	assert_hm_ok(check_str(l, f->kr, 1));
	free(l);
	s.keyid = NULL;
	l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, &s, 1,
		      sodium_base64_VARIANT_ORIGINAL);
	assert_null(strstr(l, "keyid"));
	assert_hm_ok(check_str(l, f->kr, 1));
	{
		hm_envelope *env = NULL;
		assert_hm_ok(hm_envelope_parse(&env, l, strlen(l)));
		assert_string_equal(hm_envelope_signature_keyid(env, 0), "");
		hm_envelope_free(env);
	}
	free(l);
	{
		char *p = b64((const unsigned char *)PAYLOAD, f->plen, sodium_base64_VARIANT_ORIGINAL);
		char *sg = b64(f->sig_a, 64, sodium_base64_VARIANT_ORIGINAL);
		char buf[4096];
		snprintf(buf, sizeof(buf),
			 "{\"payload\":\"%s\",\"payloadType\":\"%s\",\"signatures\":[{\"keyid\":null,"
			 "\"sig\":\"%s\"}]}", p, PTYPE, sg);
		assert_hm_ok(check_str(buf, f->kr, 1));
		free(p);
		free(sg);
	}
	/* a keyid naming a trusted key does not make an untrusted signature count */
	s.keyid = hm_key_id(f->a);
	s.sig = f->sig_c;
	l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, &s, 1,
		      sodium_base64_VARIANT_ORIGINAL);
	assert_hm_err(check_str(l, f->kr, 1), HM_EVERIFY, "no trusted key verifies");
	free(l);
	/* nor a corrupted signature by that key */
	{
		unsigned char bad[64];
		memcpy(bad, f->sig_a, 64);
		bad[0] ^= 1;
		s.sig = bad;
		l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, &s, 1,
			      sodium_base64_VARIANT_ORIGINAL);
		assert_hm_err(check_str(l, f->kr, 1), HM_EVERIFY, "no trusted key verifies");
		free(l);
	}
}

static void unknown_fields_are_ignored(void **state)
{
	struct fixture *f = *state;
	char *p = b64((const unsigned char *)PAYLOAD, f->plen, sodium_base64_VARIANT_ORIGINAL);
	char *sg = b64(f->sig_a, 64, sodium_base64_VARIANT_ORIGINAL);
	char buf[4096];

	snprintf(buf, sizeof(buf),
		 "{\"extra\":{\"x\":[1,2]},\"payload\":\"%s\",\"payloadType\":\"%s\","
		 "\"signatures\":[{\"sig\":\"%s\",\"cert\":\"-----BEGIN\"}]}", p, PTYPE, sg);
	assert_hm_ok(check_str(buf, f->kr, 1));
	free(p);
	free(sg);
}

static void too_many_signatures_is_a_format_error(void **state)
{
	struct fixture *f = *state;
	struct tsig s[HM_DSSE_MAX_SIGNATURES + 1];
	char *l;
	size_t i;
	hm_envelope *env = NULL;

	for (i = 0; i < HM_DSSE_MAX_SIGNATURES + 1; i++) {
		s[i].keyid = "";
		s[i].sig = f->sig_a;
		s[i].len = 64;
	}
	l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, s, HM_DSSE_MAX_SIGNATURES,
		      sodium_base64_VARIANT_ORIGINAL);
	assert_hm_ok(hm_envelope_parse(&env, l, strlen(l)));
	assert_int_equal(hm_envelope_signature_count(env), HM_DSSE_MAX_SIGNATURES);
	hm_envelope_free(env);
	free(l);
	l = make_line((const unsigned char *)PAYLOAD, f->plen, PTYPE, s, HM_DSSE_MAX_SIGNATURES + 1,
		      sodium_base64_VARIANT_ORIGINAL);
	assert_hm_err(check_str(l, f->kr, 1), HM_EFORMAT, "more than 64 signatures");
	free(l);
	/* signing past the limit fails the same way */
	assert_hm_ok(hm_envelope_new(&env, PTYPE, (const unsigned char *)"{}", 2));
	for (i = 0; i < HM_DSSE_MAX_SIGNATURES; i++)
		assert_hm_ok(hm_envelope_sign(env, f->a));
	assert_hm_err(hm_envelope_sign(env, f->a), HM_EFORMAT, "more than 64 signatures");
	hm_envelope_free(env);
}

static void empty_keyring_is_a_caller_error(void **state)
{
	struct fixture *f = *state;
	hm_keyring *none = ring(NULL, NULL, NULL);
	char *l = line_a(f, (const unsigned char *)PAYLOAD, f->plen, PTYPE, f->sig_a, 64);

	assert_hm_err(check_str(l, none, 1), HM_EINVAL, "no trusted keys");
	hm_keyring_free(none);
	free(l);
}

static void sign_with_public_key_fails_cleanly(void **state)
{
	struct fixture *f = *state;
	hm_key *pub = NULL;
	hm_envelope *env = NULL;

	assert_hm_ok(hm_key_from_public(&pub, hm_key_public_bytes(f->a)));
	assert_hm_ok(hm_envelope_new(&env, PTYPE, (const unsigned char *)"{}", 2));
	assert_hm_err(hm_envelope_sign(env, pub), HM_EINVAL, "no secret half");
	assert_int_equal(hm_envelope_signature_count(env), 0);
	hm_envelope_free(env);
	hm_key_free(pub);
}

static void keyring_holds_distinct_public_keys(void **state)
{
	struct fixture *f = *state;
	hm_keyring *kr = ring(f->a, f->a, f->b);
	char *dir = tu_tmpdir();
	hm_key_write_options o = HM_KEY_WRITE_OPTIONS_INIT;

	assert_int_equal(hm_keyring_count(kr), 2);
	assert_int_equal(hm_keyring_count(NULL), 0);
	assert_false(hm_key_has_secret(hm_keyring_get(kr, 0)));
	assert_null(hm_keyring_get(kr, 2));
	assert_string_equal(hm_key_id(hm_keyring_find(kr, hm_key_id(f->b))), hm_key_id(f->b));
	assert_null(hm_keyring_find(kr, hm_key_id(f->c)));

	/* files: a public PEM, an unencrypted secret key file, an encrypted one */
	assert_hm_ok(hm_key_write_public(f->c, tu_path(dir, "c.pub"), 0));
	assert_hm_ok(hm_keyring_add_file(kr, tu_path(dir, "c.pub")));
	assert_int_equal(hm_keyring_count(kr), 3);
	assert_hm_ok(hm_keyring_add_file(kr, tu_path(dir, "c.pub"))); /* again: ignored */
	assert_int_equal(hm_keyring_count(kr), 3);
	o.kdf_opslimit = crypto_pwhash_OPSLIMIT_MIN;
	o.kdf_memlimit = crypto_pwhash_MEMLIMIT_MIN;
	assert_hm_ok(hm_key_write_secret(f->a, tu_path(dir, "a.key"), "pw", 2, &o));
	assert_hm_err(hm_keyring_add_file(kr, tu_path(dir, "a.key")), HM_EINVAL,
		      "encrypted secret key");
	assert_hm_err(hm_keyring_add_file(kr, tu_path(dir, "none.pub")), HM_ENOTFOUND, "none.pub");
	assert_int_equal(hm_keyring_count(kr), 3);
	hm_keyring_free(kr);
	hm_keyring_free(NULL);
	tc_cleanup(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pae_matches_spec_example),
		cmocka_unit_test(dsse_vector_signature_and_key_ids),
		cmocka_unit_test(serialize_parse_round_trip),
		cmocka_unit_test(serialize_refuses_non_utf8_type),
		cmocka_unit_test_setup_teardown(genuine_envelope_verifies, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(flipping_any_payload_byte_fails, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(flipping_any_payload_type_byte_fails, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(flipping_any_signature_bit_fails, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(mutating_any_line_byte_never_forges, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(wrong_key_fails, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(removed_signature_fails, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(every_truncation_of_a_line_fails, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(malformed_envelopes_name_the_problem, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(signature_not_64_bytes_fails, fx_setup, fx_teardown),
		cmocka_unit_test(base64_decoding_is_exact_at_every_length),
		cmocka_unit_test(the_payload_is_the_top_level_member),
		cmocka_unit_test_setup_teardown(url_safe_and_unpadded_base64_accepted, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(threshold_counts_distinct_keys, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(keyid_is_only_a_hint, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(unknown_fields_are_ignored, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(too_many_signatures_is_a_format_error, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(empty_keyring_is_a_caller_error, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(sign_with_public_key_fails_cleanly, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(keyring_holds_distinct_public_keys, fx_setup,
						fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
