/*
 * Ed25519 against published vectors (Wycheproof, RFC 8032) and against the
 * OpenSSL command-line tool: our signatures, PEM files and key ids are the
 * ones a third-party verifier computes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "testutil.h"
#include "testcrypto.h"
#include "internal.h"

/*
 * Every Wycheproof EdDSA case through hm_ed25519_verify: "valid" must give 0
 * and "invalid" HM_EVERIFY (malleable S, non-canonical R, truncated or padded
 * signatures, ...). The file has no "acceptable" cases; should a later copy
 * carry some, either answer is allowed for them and they are counted apart.
 */
static void wycheproof_ed25519_all_cases(void **state)
{
	const char *path = tu_shared("vectors/wycheproof/ed25519_test.json");
	json_t *root, *groups, *g;
	json_error_t e;
	size_t gi, ti, total = 0, valid = 0, invalid = 0, acceptable = 0;

	(void)state;
	if (!path) {
		skip();
		return;
	}
	root = json_load_file(path, 0, &e);
	if (!root)
		fail_msg("%s: %s", path, e.text);
	assert_string_equal(json_string_value(json_object_get(root, "algorithm")), "EDDSA");
	groups = json_object_get(root, "testGroups");
	assert_true(json_is_array(groups));
	json_array_foreach(groups, gi, g) {
		const char *pkhex = json_string_value(
			json_object_get(json_object_get(g, "publicKey"), "pk"));
		unsigned char *pk;
		size_t pklen;
		json_t *t;

		assert_non_null(pkhex);
		pk = tc_unhex(pkhex, &pklen);
		assert_int_equal(pklen, 32);
		json_array_foreach(json_object_get(g, "tests"), ti, t) {
			const char *res = json_string_value(json_object_get(t, "result"));
			long id = (long)json_integer_value(json_object_get(t, "tcId"));
			const char *comment = json_string_value(json_object_get(t, "comment"));
			unsigned char *msg, *sig;
			size_t msglen, siglen;
			int rc;

			msg = tc_unhex(json_string_value(json_object_get(t, "msg")), &msglen);
			sig = tc_unhex(json_string_value(json_object_get(t, "sig")), &siglen);
			hm_error_clear();
			rc = hm_ed25519_verify(pk, sig, siglen, msg, msglen);
			if (strcmp(res, "valid") == 0) {
				if (rc != 0)
					fail_msg("tcId %ld (%s): valid signature rejected: %s", id,
						 comment, hm_error_last());
				valid++;
			} else if (strcmp(res, "invalid") == 0) {
				if (rc != HM_EVERIFY)
					fail_msg("tcId %ld (%s): invalid signature gave %s", id,
						 comment, hm_error_name(rc));
				if (!*hm_error_last())
					fail_msg("tcId %ld: rejected without a reason", id);
				invalid++;
			} else {
				assert_string_equal(res, "acceptable");
				assert_true(rc == 0 || rc == HM_EVERIFY);
				acceptable++;
			}
			total++;
			free(msg);
			free(sig);
		}
		free(pk);
	}
	/* A silently truncated or replaced vector file must fail the test. */
	assert_int_equal(total, 151);
	assert_int_equal(json_integer_value(json_object_get(root, "numberOfTests")), 151);
	assert_int_equal(valid, 88);
	assert_int_equal(invalid, 63);
	assert_int_equal(acceptable, 0);
	json_decref(root);
}

/* RFC 8032 section 7.1 tests 1-3: the first three lines of SUPERCOP's sign.input. */
static void rfc8032_tests_1_to_3_sign_exactly_and_verify(void **state)
{
	const char *path = tu_shared("vectors/ed25519/sign.input");
	char *data, *line, *save = NULL;
	int n = 0;

	(void)state;
	if (!path) {
		skip();
		return;
	}
	data = tu_read(path, NULL);
	assert_non_null(data);
	for (line = strtok_r(data, "\n", &save); line && n < 3;
	     line = strtok_r(NULL, "\n", &save), n++) {
		char *f[5], *p = line;
		unsigned char *skpk, *pk, *msg, *sigmsg, sig[64];
		size_t skpklen, pklen, msglen, sigmsglen;
		hm_key *k = NULL;
		int i;

		for (i = 0; i < 5; i++) {
			f[i] = p;
			p = strchr(p, ':');
			if (i < 4) {
				assert_non_null(p);
				*p++ = '\0';
			}
		}
		skpk = tc_unhex(f[0], &skpklen);
		pk = tc_unhex(f[1], &pklen);
		msg = tc_unhex(f[2], &msglen);
		sigmsg = tc_unhex(f[3], &sigmsglen);
		assert_int_equal(skpklen, 64);
		assert_int_equal(pklen, 32);
		assert_int_equal(sigmsglen, 64 + msglen);
		assert_memory_equal(sigmsg + 64, msg, msglen);

		assert_hm_ok(hm_key_from_seed(&k, skpk));
		assert_true(hm_key_has_secret(k));
		assert_memory_equal(hm_key_public_bytes(k), pk, 32);
		assert_hm_ok(hm_key_sign(k, sig, msg, msglen));
		assert_memory_equal(sig, sigmsg, 64); /* deterministic: exact bytes */
		assert_hm_ok(hm_key_verify(k, sig, 64, msg, msglen));
		assert_hm_ok(hm_ed25519_verify(pk, sigmsg, 64, msg, msglen));
		sig[63] ^= 0x01;
		assert_hm_err(hm_key_verify(k, sig, 64, msg, msglen), HM_EVERIFY, "does not verify");
		hm_key_free(k);
		free(skpk);
		free(pk);
		free(msg);
		free(sigmsg);
	}
	assert_int_equal(n, 3);
	free(data);
}

static void verify_rejects_signatures_not_64_bytes(void **state)
{
	hm_key *k = tc_key(7);
	unsigned char sig[65] = { 0 };
	const unsigned char msg[] = "m";

	(void)state;
	assert_hm_ok(hm_key_sign(k, sig, msg, 1));
	assert_hm_ok(hm_key_verify(k, sig, 64, msg, 1));
	/* a valid signature with a trailing byte, or cut short, is not a signature */
	assert_hm_err(hm_key_verify(k, sig, 65, msg, 1), HM_EVERIFY, "65 bytes, not 64");
	assert_hm_err(hm_key_verify(k, sig, 63, msg, 1), HM_EVERIFY, "63 bytes, not 64");
	assert_hm_err(hm_key_verify(k, sig, 0, msg, 1), HM_EVERIFY, "0 bytes, not 64");
	hm_key_free(k);
}

static void public_key_cannot_sign(void **state)
{
	hm_key *k = tc_key(9), *pub = NULL;
	unsigned char sig[64];

	(void)state;
	assert_hm_ok(hm_key_from_public(&pub, hm_key_public_bytes(k)));
	assert_false(hm_key_has_secret(pub));
	assert_false(hm_key_has_secret(NULL));
	assert_string_equal(hm_key_id(pub), hm_key_id(k));
	assert_hm_err(hm_key_sign(pub, sig, (const unsigned char *)"x", 1), HM_EINVAL,
		      "no secret half");
	hm_key_free(pub);
	hm_key_free(k);
	hm_key_free(NULL);
}

static void generated_keys_differ_and_work(void **state)
{
	hm_key *a = NULL, *b = NULL;
	unsigned char sig[64];

	(void)state;
	assert_hm_ok(hm_key_generate(&a));
	assert_hm_ok(hm_key_generate(&b));
	assert_string_not_equal(hm_key_id(a), hm_key_id(b));
	assert_int_equal(strlen(hm_key_id(a)), HM_KEY_ID_HEXLEN);
	assert_true(hm__is_lower_hex(hm_key_id(a), HM_KEY_ID_HEXLEN));
	assert_hm_ok(hm_key_sign(a, sig, (const unsigned char *)"abc", 3));
	assert_hm_ok(hm_key_verify(a, sig, 64, (const unsigned char *)"abc", 3));
	assert_hm_err(hm_key_verify(b, sig, 64, (const unsigned char *)"abc", 3), HM_EVERIFY,
		      "does not verify");
	hm_key_free(a);
	hm_key_free(b);
}

/* --- OpenSSL command-line interop -------------------------------------- */

static void openssl_verifies_our_signature_over_the_pae(void **state)
{
	char *dir, cmd[8192], *pem;
	unsigned char *pae, sig[64];
	size_t paelen;
	hm_key *k = NULL;

	(void)state;
	if (!tc_have_openssl()) {
		fprintf(stderr, "# skip: openssl is not on PATH\n");
		skip();
		return;
	}
	dir = tu_tmpdir();
	assert_hm_ok(hm_key_generate(&k));
	assert_hm_ok(hm_key_write_public(k, tu_path(dir, "our.pub"), 0));
	assert_hm_ok(hm_dsse_pae(&pae, &paelen, HM_INTOTO_PAYLOAD_TYPE,
				 (const unsigned char *)"{\"a\":1}", 7));
	assert_hm_ok(hm_key_sign(k, sig, pae, paelen));
	tu_write(tu_path(dir, "pae"), pae, paelen);
	tu_write(tu_path(dir, "sig"), sig, 64);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && openssl pkeyutl -verify -rawin -pubin -inkey our.pub -in pae "
		 "-sigfile sig >/dev/null 2>&1", dir);
	assert_int_equal(tu_sh(cmd), 0);
	/* the check is real: a flipped signature byte is refused by openssl too */
	sig[5] ^= 0x40;
	tu_write(tu_path(dir, "bad"), sig, 64);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && openssl pkeyutl -verify -rawin -pubin -inkey our.pub -in pae "
		 "-sigfile bad >/dev/null 2>&1", dir);
	assert_int_not_equal(tu_sh(cmd), 0);
	/* openssl parses our PEM */
	snprintf(cmd, sizeof(cmd), "openssl pkey -pubin -in '%s/our.pub' -noout 2>/dev/null", dir);
	assert_int_equal(tu_sh(cmd), 0);
	/* and re-encodes it to the same text */
	snprintf(cmd, sizeof(cmd), "openssl pkey -pubin -in '%s/our.pub' -out '%s/re.pub' 2>/dev/null",
		 dir, dir);
	assert_int_equal(tu_sh(cmd), 0);
	pem = tu_read(tu_path(dir, "re.pub"), NULL);
	{
		char *ours;
		assert_hm_ok(hm_key_public_pem(&ours, k));
		assert_string_equal(pem, ours);
		hm_free(ours);
	}
	free(pem);
	free(pae);
	hm_key_free(k);
	tc_cleanup(dir);
}

static void openssl_generated_key_signs_what_openssl_verifies(void **state)
{
	char *dir, cmd[8192];
	const char msg[] = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
	unsigned char sig[64];
	hm_key *k = NULL, *pub = NULL;
	char *ossl_sig;
	size_t n = 0;

	(void)state;
	if (!tc_have_openssl()) {
		fprintf(stderr, "# skip: openssl is not on PATH\n");
		skip();
		return;
	}
	dir = tu_tmpdir();
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && openssl genpkey -algorithm ed25519 -out k.pem 2>/dev/null && "
		 "openssl pkey -in k.pem -pubout -out k.pub 2>/dev/null", dir);
	assert_int_equal(tu_sh(cmd), 0);
	assert_hm_ok(hm_key_load(&k, tu_path(dir, "k.pem"), NULL, NULL));
	assert_true(hm_key_has_secret(k));
	assert_hm_ok(hm_key_load(&pub, tu_path(dir, "k.pub"), NULL, NULL));
	assert_false(hm_key_has_secret(pub));
	assert_string_equal(hm_key_id(k), hm_key_id(pub));

	assert_hm_ok(hm_key_sign(k, sig, (const unsigned char *)msg, strlen(msg)));
	tu_write(tu_path(dir, "msg"), msg, strlen(msg));
	tu_write(tu_path(dir, "sig"), sig, 64);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && openssl pkeyutl -verify -rawin -pubin -inkey k.pub -in msg "
		 "-sigfile sig >/dev/null 2>&1", dir);
	assert_int_equal(tu_sh(cmd), 0);

	/* and openssl's signature with that key is byte-identical (Ed25519 is deterministic) */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && openssl pkeyutl -sign -rawin -inkey k.pem -in msg -out osig "
		 ">/dev/null 2>&1", dir);
	assert_int_equal(tu_sh(cmd), 0);
	ossl_sig = tu_read(tu_path(dir, "osig"), &n);
	assert_non_null(ossl_sig);
	assert_int_equal(n, 64);
	assert_memory_equal(ossl_sig, sig, 64);
	assert_hm_ok(hm_key_verify(pub, (unsigned char *)ossl_sig, n, (const unsigned char *)msg,
				   strlen(msg)));
	free(ossl_sig);
	hm_key_free(k);
	hm_key_free(pub);
	tc_cleanup(dir);
}

static void key_id_is_sha256_of_openssl_der(void **state)
{
	char *dir, cmd[8192], *out;
	hm_key *k = NULL;
	int i;

	(void)state;
	if (!tc_have_openssl() || tu_sh("command -v sha256sum >/dev/null 2>&1") != 0) {
		fprintf(stderr, "# skip: openssl or sha256sum is not on PATH\n");
		skip();
		return;
	}
	dir = tu_tmpdir();
	for (i = 0; i < 3; i++) {
		assert_hm_ok(hm_key_generate(&k));
		assert_hm_ok(hm_key_write_public(k, tu_path(dir, "our.pub"), 1));
		snprintf(cmd, sizeof(cmd),
			 "openssl pkey -pubin -in '%s/our.pub' -outform DER 2>/dev/null | sha256sum",
			 dir);
		out = tc_sh_output(cmd);
		assert_non_null(out);
		assert_true(strlen(out) >= HM_KEY_ID_HEXLEN);
		out[HM_KEY_ID_HEXLEN] = '\0';
		assert_string_equal(out, hm_key_id(k));
		free(out);
		hm_key_free(k);
		k = NULL;
	}
	tc_cleanup(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wycheproof_ed25519_all_cases),
		cmocka_unit_test(rfc8032_tests_1_to_3_sign_exactly_and_verify),
		cmocka_unit_test(verify_rejects_signatures_not_64_bytes),
		cmocka_unit_test(public_key_cannot_sign),
		cmocka_unit_test(generated_keys_differ_and_work),
		cmocka_unit_test(openssl_verifies_our_signature_over_the_pae),
		cmocka_unit_test(openssl_generated_key_signs_what_openssl_verifies),
		cmocka_unit_test(key_id_is_sha256_of_openssl_der),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
