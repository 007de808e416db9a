/*
 * Signed notes and checkpoints: the published example of the reference
 * implementation (golang.org/x/mod/sumdb/note) byte for byte, its verifier
 * key and every mangling of it refused, the opening rules (unknown keys
 * ignored, a bad signature from a known key refuses the note, malformed
 * signature lines, control characters), and checkpoints parsed strictly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "testcrypto.h"

/* golang.org/x/mod/sumdb/note note_test.go */
#define GO_VKEY "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define GO_SEED "810a1402d5146c8d84f2443330f54080ebf98ee17d9c74f6252fc5d5c7283173"
#define GO_TEXT                                                    \
	"If you think cryptography is the answer to your problem,\n" \
	"then you don't know what your problem is.\n"
#define GO_SIG "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
#define GO_NOTE GO_TEXT "\n" GO_SIG

static hm_key *go_key(void)
{
	size_t n;
	unsigned char *seed = tc_unhex(GO_SEED, &n);
	hm_key *k = NULL;

	assert_hm_ok(hm_key_from_seed(&k, seed));
	free(seed);
	return k;
}

static hm_note_verifier *go_verifier(void)
{
	hm_note_verifier *v = NULL;

	assert_hm_ok(hm_note_verifier_parse(&v, GO_VKEY, strlen(GO_VKEY)));
	return v;
}

static void test_note_sign_reproduces_the_go_example(void **state)
{
	hm_key *k = go_key();
	char *note = NULL;
	size_t len;

	(void)state;
	assert_hm_ok(hm_note_sign(&note, &len, GO_TEXT, strlen(GO_TEXT), "PeterNeumann", k));
	assert_int_equal(len, strlen(GO_NOTE));
	assert_string_equal(note, GO_NOTE);
	hm_free(note);
	hm_key_free(k);
}

static void test_note_vkey_of_the_go_key(void **state)
{
	hm_note_verifier *v = NULL, *w = go_verifier();
	hm_key *k = go_key();
	char *text = NULL;

	(void)state;
	assert_hm_ok(hm_note_verifier_new(&v, "PeterNeumann", k));
	assert_int_equal(hm_note_verifier_id(v), 0xc74f20a3u);
	assert_int_equal(hm_note_verifier_id(w), 0xc74f20a3u);
	assert_string_equal(hm_note_verifier_name(w), "PeterNeumann");
	assert_hm_ok(hm_note_verifier_text(&text, v));
	assert_string_equal(text, GO_VKEY);
	hm_free(text);
	hm_note_verifier_free(v);
	hm_note_verifier_free(w);
	hm_key_free(k);
}

static void test_note_vkey_manglings_refused(void **state)
{
	char b[sizeof(GO_VKEY)];
	hm_note_verifier *v = NULL;
	size_t n = strlen(GO_VKEY), i, j;

	(void)state;
	memcpy(b, GO_VKEY, sizeof(b));
	/* every proper substring */
	for (i = 0; i <= n; i++)
		for (j = i + 1; j <= n; j++) {
			if (i == 0 && j == n)
				continue;
			if (hm_note_verifier_parse(&v, b + i, j - i) == 0)
				fail_msg("accepted \"%.*s\"", (int)(j - i), b + i);
		}
	/* every byte changed by one */
	for (i = 0; i < n; i++) {
		b[i]++;
		if (hm_note_verifier_parse(&v, b, n) == 0)
			fail_msg("accepted \"%s\"", b);
		b[i]--;
	}
	/* from the same test: a 40-byte key and an unknown algorithm, each with its own hash */
	assert_hm_err(hm_note_verifier_parse(&v, "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiB"
					     "fsVkmqq/LDE4izWy10TWBADKEY==", 74),
		      HM_EFORMAT, "note verifier key");
	assert_hm_err(hm_note_verifier_parse(&v, "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiB"
					     "fsVkmqq/LDE4izWy10TW", 66),
		      HM_EUNSUPPORTED, "not Ed25519");
	assert_null(v);
}

static void test_note_open_the_go_example(void **state)
{
	hm_note_verifier *v = go_verifier();
	const hm_note_verifier *signer = NULL;
	char *bad = strdup(GO_NOTE);
	size_t tlen = 0;

	(void)state;
	assert_hm_ok(hm_note_open(&tlen, &signer, GO_NOTE, strlen(GO_NOTE),
				  (const hm_note_verifier *const *)&v, 1));
	assert_int_equal(tlen, strlen(GO_TEXT));
	assert_ptr_equal(signer, v);
	/* one changed letter of the text */
	*strstr(bad, "cryptography") = 'C';
	assert_hm_err(hm_note_open(&tlen, NULL, bad, strlen(bad),
				   (const hm_note_verifier *const *)&v, 1),
		      HM_EVERIFY, "does not verify");
	free(bad);
	hm_note_verifier_free(v);
}

static void test_note_unknown_signatures_ignored(void **state)
{
	hm_note_verifier *v = go_verifier(), *other = NULL;
	hm_key *k2 = tc_key(7);
	char *note = NULL, *both = NULL;
	size_t len, tlen;

	(void)state;
	assert_hm_ok(hm_note_verifier_new(&other, "example.com/other", k2));
	/* another key's signature first, then Peter's: it opens with Peter's key */
	assert_hm_ok(hm_note_sign(&note, &len, GO_TEXT, strlen(GO_TEXT), "example.com/other", k2));
	assert_true(asprintf(&both, "%s%s", note, GO_SIG) > 0);
	assert_hm_ok(hm_note_open(&tlen, NULL, both, strlen(both),
				  (const hm_note_verifier *const *)&v, 1));
	assert_int_equal(tlen, strlen(GO_TEXT));
	/* only the other key's signature: not signed by the trusted key */
	assert_hm_err(hm_note_open(&tlen, NULL, note, len, (const hm_note_verifier *const *)&v, 1),
		      HM_EVERIFY, "not signed by the trusted key PeterNeumann+c74f20a3");
	/* and the other way round */
	assert_hm_ok(hm_note_open(&tlen, NULL, both, strlen(both),
				  (const hm_note_verifier *const *)&other, 1));
	hm_free(note);
	free(both);
	hm_note_verifier_free(v);
	hm_note_verifier_free(other);
	hm_key_free(k2);
}

static void test_note_known_key_bad_signature_refuses(void **state)
{
	hm_note_verifier *v = go_verifier();
	char *note = NULL;
	size_t tlen;

	(void)state;
	/* the same name and key id, a signature of other text: refuses even with a good one after */
	assert_true(asprintf(&note, "%s\n\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAA=\n%s",
			     GO_TEXT, GO_SIG) > 0);
	assert_hm_err(hm_note_open(&tlen, NULL, note, strlen(note),
				   (const hm_note_verifier *const *)&v, 1),
		      HM_EVERIFY, "does not verify");
	free(note);
	hm_note_verifier_free(v);
}

static void test_note_malformed_refused(void **state)
{
	static const char *const bad[] = {
		GO_TEXT,                                          /* no signatures */
		GO_TEXT "\n",                                     /* a blank line, nothing after */
		GO_TEXT "\n\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=", /* no final newline */
		GO_TEXT "\n-- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", /* not an em dash */
		GO_TEXT "\n\xe2\x80\x94 PeterNeumann\n",           /* no signature */
		GO_TEXT "\n\xe2\x80\x94 PeterNeumann x08g\n",      /* too short */
		GO_TEXT "\n\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n", /* no padding */
		GO_TEXT "\n" GO_SIG "junk\n",                     /* a line that is not a signature */
		"If you think\tcryptography\n\n" GO_SIG,           /* a control character */
		"If you think \xff\n\n" GO_SIG,                    /* not UTF-8 */
	};
	hm_note_verifier *v = go_verifier();
	size_t i, tlen;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (hm_note_open(&tlen, NULL, bad[i], strlen(bad[i]),
				 (const hm_note_verifier *const *)&v, 1) != HM_EFORMAT)
			fail_msg("case %zu: not HM_EFORMAT: %s", i, hm_error_last());
	hm_note_verifier_free(v);
}

static void test_note_too_many_signatures(void **state)
{
	hm_note_verifier *v = go_verifier();
	char *note = malloc(strlen(GO_TEXT) + 1 + 101 * strlen(GO_SIG) + 1), *p;
	size_t i, tlen;

	(void)state;
	assert_non_null(note);
	p = note + sprintf(note, "%s\n", GO_TEXT);
	for (i = 0; i < 101; i++)
		p += sprintf(p, "%s", GO_SIG);
	assert_hm_err(hm_note_open(&tlen, NULL, note, strlen(note),
				   (const hm_note_verifier *const *)&v, 1),
		      HM_EFORMAT, "more than 100 signatures");
	/* 100 are fine */
	note[strlen(note) - strlen(GO_SIG)] = '\0';
	assert_hm_ok(hm_note_open(&tlen, NULL, note, strlen(note),
				  (const hm_note_verifier *const *)&v, 1));
	free(note);
	hm_note_verifier_free(v);
}

static void test_note_sign_refuses_bad_input(void **state)
{
	hm_key *k = tc_key(3);
	char *note = NULL;
	size_t len;

	(void)state;
	assert_hm_err(hm_note_sign(&note, &len, "no newline", 10, "a", k), HM_EINVAL, "newline");
	assert_hm_err(hm_note_sign(&note, &len, "a\n\nb\n", 5, "a", k), HM_EINVAL, "blank line");
	assert_hm_err(hm_note_sign(&note, &len, "a\n", 2, "with space", k), HM_EINVAL, "key name");
	assert_hm_err(hm_note_sign(&note, &len, "a\n", 2, "a+b", k), HM_EINVAL, "key name");
	assert_hm_err(hm_note_sign(&note, &len, "a\n", 2, "", k), HM_EINVAL, "key name");
	assert_hm_err(hm_note_sign(&note, &len, "a\n", 2, "nb\xc2\xa0sp", k), HM_EINVAL, "key name");
	assert_null(note);
	hm_key_free(k);
}

/* Only controls below U+0020 but newline are refused: DEL and non-ASCII text are fine. */
static void test_note_text_beyond_ascii_controls(void **state)
{
	static const char text[] = "del \x7f, \xc3\xa9t\xc3\xa9, \xe2\x80\x94 dash\n";
	hm_key *k = tc_key(5);
	hm_note_verifier *v = NULL;
	char *note = NULL;
	size_t len, tlen;

	(void)state;
	assert_hm_ok(hm_note_sign(&note, &len, text, strlen(text), "example.com/n", k));
	assert_hm_ok(hm_note_verifier_new(&v, "example.com/n", k));
	assert_hm_ok(hm_note_open(&tlen, NULL, note, len, (const hm_note_verifier *const *)&v, 1));
	assert_int_equal(tlen, strlen(text));
	hm_free(note);
	hm_note_verifier_free(v);
	hm_key_free(k);
}

/* ---- checkpoints ---- */

static void test_checkpoint_round_trip(void **state)
{
	hm_key *k = tc_key(9);
	hm_note_verifier *v = NULL;
	hm_tree_head h, got;
	char *note = NULL, *origin = NULL, *want = NULL;
	size_t len;
	int i;

	(void)state;
	h.tree_size = 20852163;
	for (i = 0; i < 32; i++)
		h.root_hash[i] = (unsigned char)i;
	assert_hm_ok(hm_checkpoint_sign(&note, &len, "example.com/log", &h, k));
	assert_true(asprintf(&want, "example.com/log\n20852163\n"
			     "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\n\xe2\x80\x94 "
			     "example.com/log ") > 0);
	assert_memory_equal(note, want, strlen(want));
	assert_hm_ok(hm_note_verifier_new(&v, "example.com/log", k));
	assert_hm_ok(hm_checkpoint_open(&origin, &got, note, len, (const hm_note_verifier *const *)&v,
					1, "example.com/log"));
	assert_string_equal(origin, "example.com/log");
	assert_int_equal(got.tree_size, h.tree_size);
	assert_memory_equal(got.root_hash, h.root_hash, 32);
	assert_hm_err(hm_checkpoint_open(NULL, &got, note, len, (const hm_note_verifier *const *)&v,
					 1, "example.com/other"),
		      HM_EVERIFY, "origin is \"example.com/log\", not \"example.com/other\"");
	hm_free(origin);
	hm_free(note);
	free(want);
	hm_note_verifier_free(v);
	hm_key_free(k);
}

static void test_checkpoint_parse_strict(void **state)
{
	static const char *const bad[] = {
		"",
		"\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",      /* no origin */
		"o\n05\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",    /* leading zero */
		"o\n-5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",    /* sign */
		"o\n18446744073709551616\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
		"o\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n",     /* no padding */
		"o\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n",    /* 31 bytes */
		"o\n5\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",      /* no newline */
		"o\n5\n",
	};
	const char *ok;
	hm_tree_head h;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (hm_checkpoint_parse(NULL, &h, bad[i], strlen(bad[i])) != HM_EFORMAT)
			fail_msg("case %zu accepted", i);
	ok = "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\n";
	assert_hm_ok(hm_checkpoint_parse(NULL, &h, ok, strlen(ok)));
	assert_int_equal(h.tree_size, 0);
	ok = "o\n18446744073709551615\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";
	assert_hm_ok(hm_checkpoint_parse(NULL, &h, ok, strlen(ok)));
	assert_true(h.tree_size == UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_note_sign_reproduces_the_go_example),
		cmocka_unit_test(test_note_vkey_of_the_go_key),
		cmocka_unit_test(test_note_vkey_manglings_refused),
		cmocka_unit_test(test_note_open_the_go_example),
		cmocka_unit_test(test_note_unknown_signatures_ignored),
		cmocka_unit_test(test_note_known_key_bad_signature_refuses),
		cmocka_unit_test(test_note_malformed_refused),
		cmocka_unit_test(test_note_too_many_signatures),
		cmocka_unit_test(test_note_sign_refuses_bad_input),
		cmocka_unit_test(test_note_text_beyond_ascii_controls),
		cmocka_unit_test(test_checkpoint_round_trip),
		cmocka_unit_test(test_checkpoint_parse_strict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
