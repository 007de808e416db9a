/*
 * The archive's log: inclusion proofs of every leaf of trees of 1..65 entries
 * and consistency proofs of every pair of sizes up to 33, read from the
 * stored subtrees of a real archive, against a straightforward recursive
 * RFC 6962 MTH/PATH/PROOF over the entries' bytes, then checked by the
 * offline checker; tree heads, signed heads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "testutil.h"
#include "testcrypto.h"
#include "test_archive_fixtures.h"

#define NLEAVES 65

/* ---- RFC 6962 section 2.1, recursively, over leaf data ---- */

struct data {
	char *bytes[NLEAVES];
	size_t len[NLEAVES];
};

static void sha(unsigned char out[32], const void *a, size_t alen, const void *b, size_t blen,
		const void *c, size_t clen)
{
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	unsigned int n = 32;

	EVP_DigestInit_ex(x, EVP_sha256(), NULL);
	EVP_DigestUpdate(x, a, alen);
	EVP_DigestUpdate(x, b, blen);
	EVP_DigestUpdate(x, c, clen);
	EVP_DigestFinal_ex(x, out, &n);
	EVP_MD_CTX_free(x);
}

static size_t split(size_t n)
{
	size_t k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

/* MTH(D[lo:lo+n]) */
static void mth(unsigned char out[32], const struct data *d, size_t lo, size_t n)
{
	static const unsigned char zero = 0, one = 1;
	unsigned char l[32], r[32];
	size_t k;

	if (n == 0) {
		sha(out, "", 0, "", 0, "", 0);
	} else if (n == 1) {
		sha(out, &zero, 1, d->bytes[lo], d->len[lo], "", 0);
	} else {
		k = split(n);
		mth(l, d, lo, k);
		mth(r, d, lo + k, n - k);
		sha(out, &one, 1, l, 32, r, 32);
	}
}

static void hexof(char out[65], const unsigned char h[32])
{
	int i;

	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* Appends the hex of MTH(D[lo:lo+n]) to a JSON array. */
static void append(json_t *arr, const struct data *d, size_t lo, size_t n)
{
	unsigned char h[32];
	char hex[65];

	mth(h, d, lo, n);
	hexof(hex, h);
	json_array_append_new(arr, json_string(hex));
}

/* PATH(m, D[lo:lo+n]) */
static void path(json_t *arr, size_t m, const struct data *d, size_t lo, size_t n)
{
	size_t k;

	if (n <= 1)
		return;
	k = split(n);
	if (m < k) {
		path(arr, m, d, lo, k);
		append(arr, d, lo + k, n - k);
	} else {
		path(arr, m - k, d, lo + k, n - k);
		append(arr, d, lo, k);
	}
}

/* SUBPROOF(m, D[lo:lo+n], b) */
static void subproof(json_t *arr, size_t m, const struct data *d, size_t lo, size_t n, int b)
{
	size_t k;

	if (m == n) {
		if (!b)
			append(arr, d, lo, n);
		return;
	}
	k = split(n);
	if (m <= k) {
		subproof(arr, m, d, lo, k, b);
		append(arr, d, lo + k, n - k);
	} else {
		subproof(arr, m - k, d, lo + k, n - k, 0);
		append(arr, d, lo, k);
	}
}

/* ---- the archive ---- */

struct fixture {
	char *dir, *db;
	hm_archive *a;
	struct data d;
};

/* 65 entries added one transaction each, so a tree head exists at every size. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	hm_key *k = tc_key(7);
	hm_keyring *kr = ta_ring(k);
	char **lines = ta_envelopes(k, "log", NLEAVES);
	size_t i;

	f->dir = tu_tmpdir();
	assert_true(asprintf(&f->db, "%s/archive.db", f->dir) > 0);
	f->a = ta_open(f->db);
	for (i = 0; i < NLEAVES; i++) {
		hm_archive_list *l = NULL;
		hm_archive_add_result r = ta_add(f->a, kr, &lines[i], 1, 0);
		const hm_archive_entry *e;
		assert_int_equal(r.added, 1);
		assert_hm_ok(hm_archive_get(&l, f->a, i));
		e = hm_archive_list_entry(l, 0);
		f->d.bytes[i] = malloc(e->entry_len);
		memcpy(f->d.bytes[i], e->entry, e->entry_len);
		f->d.len[i] = e->entry_len;
		hm_archive_list_free(l);
	}
	ta_free_lines(lines, NLEAVES);
	hm_keyring_free(kr);
	hm_key_free(k);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	size_t i;

	hm_archive_free(f->a);
	for (i = 0; i < NLEAVES; i++)
		free(f->d.bytes[i]);
	free(f->db);
	free(f->dir);
	free(f);
	return 0;
}

static json_t *parse(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);

	if (!j)
		fail_msg("not JSON: %s", s);
	return j;
}

static void head_is_the_rfc_root(void **state)
{
	struct fixture *f = *state;
	unsigned char root[32];
	hm_tree_head h;
	char *s = NULL, hex[65], want[128];

	assert_hm_ok(hm_archive_head(&h, f->a));
	assert_int_equal(h.tree_size, NLEAVES);
	mth(root, &f->d, 0, NLEAVES);
	assert_memory_equal(h.root_hash, root, 32);
	assert_hm_ok(hm_tree_head_json(&s, &h));
	hexof(hex, root);
	snprintf(want, sizeof(want), "{\"tree_size\": %d, \"root_hash\": \"%s\"}\n", NLEAVES, hex);
	assert_string_equal(s, want);
	hm_free(s);
	/* every recorded head is the root of that prefix */
	assert_int_equal(ta_sql_int(f->db, "SELECT count(*) FROM heads"), NLEAVES);
}

/* Every leaf of every tree size 1..65: the proof is PATH(m, D[n]) and it checks. */
static void inclusion_proofs_of_every_leaf(void **state)
{
	struct fixture *f = *state;
	size_t n, m;

	for (n = 1; n <= NLEAVES; n++) {
		unsigned char root[32], leaf[32];
		char rhex[65], lhex[65];
		static const unsigned char zero = 0;
		mth(root, &f->d, 0, n);
		hexof(rhex, root);
		for (m = 0; m < n; m++) {
			json_t *got, *want = json_array();
			hm_proof_info info;
			char *s = NULL;
			assert_hm_ok(hm_archive_prove(&s, f->a, m, n));
			got = parse(s);
			path(want, m, &f->d, 0, n);
			if (!json_equal(json_object_get(got, "audit_path"), want))
				fail_msg("leaf %zu of %zu: audit path differs from RFC 6962 PATH", m, n);
			sha(leaf, &zero, 1, f->d.bytes[m], f->d.len[m], "", 0);
			hexof(lhex, leaf);
			assert_string_equal(json_string_value(json_object_get(got, "leaf_hash")), lhex);
			assert_string_equal(json_string_value(json_object_get(got, "root_hash")), rhex);
			assert_int_equal(json_integer_value(json_object_get(got, "leaf_index")), m);
			assert_int_equal(json_integer_value(json_object_get(got, "tree_size")), n);
			assert_hm_ok(hm_proof_check(&info, s, strlen(s)));
			assert_int_equal(info.kind, HM_PROOF_INCLUSION);
			json_decref(got);
			json_decref(want);
			hm_free(s);
		}
	}
}

/* Every pair 0 < M < N <= 33: the proof is PROOF(M, D[N]) and it checks. */
static void consistency_proofs_of_every_pair(void **state)
{
	struct fixture *f = *state;
	size_t n, m;

	for (n = 2; n <= 33; n++) {
		for (m = 1; m < n; m++) {
			json_t *got, *want = json_array();
			unsigned char r[32];
			char hex[65], *s = NULL;
			hm_proof_info info;
			assert_hm_ok(hm_archive_consistency(&s, f->a, m, n));
			got = parse(s);
			subproof(want, m, &f->d, 0, n, 1);
			if (!json_equal(json_object_get(got, "proof"), want))
				fail_msg("%zu -> %zu: proof differs from RFC 6962 PROOF", m, n);
			mth(r, &f->d, 0, m);
			hexof(hex, r);
			assert_string_equal(json_string_value(json_object_get(got, "first_root")), hex);
			mth(r, &f->d, 0, n);
			hexof(hex, r);
			assert_string_equal(json_string_value(json_object_get(got, "second_root")), hex);
			assert_hm_ok(hm_proof_check(&info, s, strlen(s)));
			assert_int_equal(info.kind, HM_PROOF_CONSISTENCY);
			assert_int_equal(info.first, m);
			assert_int_equal(info.tree_size, n);
			json_decref(got);
			json_decref(want);
			hm_free(s);
		}
	}
}

static void proofs_refuse_what_is_not_there(void **state)
{
	struct fixture *f = *state;
	char *s = NULL;

	assert_hm_err(hm_archive_prove(&s, f->a, NLEAVES, 0), HM_ENOTFOUND, "no entry 65");
	assert_hm_err(hm_archive_prove(&s, f->a, 5, 5), HM_ENOTFOUND, "no entry 5");
	assert_hm_err(hm_archive_prove(&s, f->a, 0, NLEAVES + 1), HM_EINVAL, "not 66");
	assert_hm_err(hm_archive_consistency(&s, f->a, 0, 5), HM_EINVAL, "0 < first");
	assert_hm_err(hm_archive_consistency(&s, f->a, 6, 5), HM_EINVAL, "0 < first");
	assert_null(s);
	/* equal sizes: an empty proof */
	assert_hm_ok(hm_archive_consistency(&s, f->a, 9, 9));
	assert_non_null(strstr(s, "\"proof\": []"));
	assert_hm_ok(hm_proof_check(NULL, s, strlen(s)));
	hm_free(s);
	/* the current size when none is given */
	assert_hm_ok(hm_archive_prove(&s, f->a, 0, 0));
	assert_non_null(strstr(s, "\"tree_size\": 65"));
	hm_free(s);
}

/* A signed tree head verifies with its key only, and is the head's JSON. */
static void signed_tree_heads(void **state)
{
	struct fixture *f = *state;
	hm_key *k = tc_key(3), *other = tc_key(4);
	hm_keyring *kr = ta_ring(k), *wrong = ta_ring(other);
	hm_envelope *env = NULL;
	hm_tree_head h, back;
	const unsigned char *payload;
	char *line = NULL, *plain = NULL, hex[65], want[160];
	size_t len, plen;

	assert_hm_ok(hm_archive_head(&h, f->a));
	assert_hm_ok(hm_tree_head_sign(&line, &len, &h, k));
	assert_hm_ok(hm_envelope_parse(&env, line, len));
	assert_string_equal(hm_envelope_payload_type(env), HM_TREE_HEAD_PAYLOAD_TYPE);
	payload = hm_envelope_payload(env, &plen);
	hexof(hex, h.root_hash);
	snprintf(want, sizeof(want), "{\"root_hash\":\"%s\",\"tree_size\":%d}", hex, NLEAVES);
	assert_int_equal(plen, strlen(want));
	assert_memory_equal(payload, want, plen);
	hm_envelope_free(env);
	assert_hm_ok(hm_tree_head_parse(&back, line, len, kr));
	assert_int_equal(back.tree_size, h.tree_size);
	assert_memory_equal(back.root_hash, h.root_hash, 32);
	assert_int_equal(hm_tree_head_parse(&back, line, len, wrong), HM_EVERIFY);
	/* a plain head is read without keys and refused when a signature is required */
	assert_hm_ok(hm_tree_head_json(&plain, &h));
	assert_hm_ok(hm_tree_head_parse(&back, plain, strlen(plain), NULL));
	assert_memory_equal(back.root_hash, h.root_hash, 32);
	assert_hm_err(hm_tree_head_parse(&back, plain, strlen(plain), kr), HM_EVERIFY, "not signed");
	assert_hm_err(hm_tree_head_parse(&back, "{\"tree_size\":1}", 15, NULL), HM_EFORMAT,
		      "tree head");
	hm_free(plain);
	hm_free(line);
	hm_keyring_free(kr);
	hm_keyring_free(wrong);
	hm_key_free(k);
	hm_key_free(other);
}

/* Replaces the first "tree_size": N of a proof with another size. */
static char *with_size(const char *proof, unsigned n)
{
	const char *at = strstr(proof, "\"tree_size\": ");
	const char *end;
	char *out;

	assert_non_null(at);
	end = at + strlen("\"tree_size\": ");
	while (*end >= '0' && *end <= '9')
		end++;
	out = malloc(strlen(proof) + 32);
	assert_non_null(out);
	sprintf(out, "%.*s\"tree_size\": %u%s", (int)(at - proof), proof, n, end);
	return out;
}

/* A proof counts only against a trusted tree: its size and root, not the root alone. */
static void proofs_are_checked_against_a_trusted_tree(void **state)
{
	struct fixture *f = *state;
	hm_key *k = tc_key(3), *other = tc_key(4);
	hm_keyring *kr = ta_ring(k), *wrong = ta_ring(other);
	hm_tree_head h7, trusted, head;
	hm_proof_info info;
	char *p = NULL, *edited, *line = NULL, hex[65];
	size_t len;

	/* the tree of size 7 and a proof of leaf 5 in it */
	assert_hm_ok(hm_archive_prove(&p, f->a, 5, 7));
	mth(h7.root_hash, &f->d, 0, 7);
	h7.tree_size = 7;
	hexof(hex, h7.root_hash);
	assert_hm_ok(hm_tree_head_from_hex(&trusted, 7, hex));
	assert_memory_equal(trusted.root_hash, h7.root_hash, 32);
	assert_hm_ok(hm_proof_check_trusted(&info, p, strlen(p), &trusted));
	assert_int_equal(info.leaf_index, 5);
	/* nothing trusted: refused, however sound the proof */
	assert_hm_err(hm_proof_check_trusted(&info, p, strlen(p), NULL), HM_EINVAL,
		      "nothing to check the proof against");
	/* the same path also fits a tree of 8: a proof edited to say so is sound, and refused */
	edited = with_size(p, 8);
	assert_hm_ok(hm_proof_check(NULL, edited, strlen(edited)));
	assert_hm_err(hm_proof_check_trusted(&info, edited, strlen(edited), &trusted), HM_EVERIFY,
		      "a tree of size 8, not the trusted tree of size 7");
	free(edited);
	/* another root */
	trusted.root_hash[0] ^= 1;
	assert_hm_err(hm_proof_check_trusted(&info, p, strlen(p), &trusted), HM_EVERIFY,
		      "leads to root");
	assert_hm_err(hm_tree_head_from_hex(&trusted, 7, "abc"), HM_EINVAL, "64 hex digits");
	/* a head is trusted only through a signature by a trusted key */
	assert_hm_ok(hm_tree_head_sign(&line, &len, &h7, k));
	assert_hm_ok(hm_tree_head_parse_trusted(&head, line, len, kr));
	assert_hm_ok(hm_proof_check_trusted(NULL, p, strlen(p), &head));
	assert_hm_err(hm_tree_head_parse_trusted(&head, line, len, NULL), HM_EINVAL,
		      "trusted only through its signature");
	assert_int_equal(hm_tree_head_parse_trusted(&head, line, len, wrong), HM_EVERIFY);
	hm_free(line);
	hm_free(p);
	hm_keyring_free(kr);
	hm_keyring_free(wrong);
	hm_key_free(k);
	hm_key_free(other);
}

static void empty_archive_has_the_empty_root(void **state)
{
	char *dir = tu_tmpdir();
	hm_archive *a = ta_open(tu_path(dir, "empty.db"));
	unsigned char want[32];
	hm_tree_head h;
	char *s = NULL;

	(void)state;
	assert_hm_ok(hm_archive_head(&h, a));
	assert_int_equal(h.tree_size, 0);
	sha(want, "", 0, "", 0, "", 0);
	assert_memory_equal(h.root_hash, want, 32);
	assert_hm_err(hm_archive_prove(&s, a, 0, 0), HM_ENOTFOUND, "no entry 0");
	hm_archive_free(a);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(head_is_the_rfc_root),
		cmocka_unit_test(inclusion_proofs_of_every_leaf),
		cmocka_unit_test(consistency_proofs_of_every_pair),
		cmocka_unit_test(proofs_refuse_what_is_not_there),
		cmocka_unit_test(signed_tree_heads),
		cmocka_unit_test(proofs_are_checked_against_a_trusted_tree),
		cmocka_unit_test(empty_archive_has_the_empty_root),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
