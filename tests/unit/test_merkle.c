/*
 * RFC 6962 Merkle trees: hashing, proof generation over stored complete
 * subtrees, and the RFC 9162 verification algorithms, against a
 * straightforward recursive implementation of MTH, PATH and PROOF written
 * here from the RFC's definitions (section 2.1), and the known roots of the
 * Certificate Transparency test tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "testutil.h"
#include "testcrypto.h"
#include "merkle.h"

/* ---- the reference implementation ---- */

static void ref_sha(unsigned char out[32], unsigned char prefix, const void *a, size_t alen,
		    const void *b, size_t blen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int n = 32;

	assert_non_null(c);
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, &prefix, 1);
	EVP_DigestUpdate(c, a, alen);
	EVP_DigestUpdate(c, b, blen);
	EVP_DigestFinal_ex(c, out, &n);
	EVP_MD_CTX_free(c);
}

static size_t ref_k(size_t n) /* the largest power of two smaller than n */
{
	size_t k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

/* MTH(D[0:n]) where lh holds the leaf hashes SHA-256(0x00 || d). */
static void ref_mth(unsigned char out[32], unsigned char (*lh)[32], size_t n)
{
	unsigned char l[32], r[32];
	size_t k;

	if (n == 0) {
		unsigned int len = 32;
		EVP_Digest("", 0, out, &len, EVP_sha256(), NULL);
		return;
	}
	if (n == 1) {
		memcpy(out, lh[0], 32);
		return;
	}
	k = ref_k(n);
	ref_mth(l, lh, k);
	ref_mth(r, lh + k, n - k);
	ref_sha(out, 0x01, l, 32, r, 32);
}

struct hl {
	unsigned char h[HM_MERKLE_MAX_PATH][32];
	size_t n;
};

static void push(struct hl *p, const unsigned char h[32])
{
	assert_true(p->n < HM_MERKLE_MAX_PATH);
	memcpy(p->h[p->n++], h, 32);
}

/* PATH(m, D[n]) */
static void ref_path(struct hl *p, size_t m, unsigned char (*lh)[32], size_t n)
{
	unsigned char s[32];
	size_t k;

	if (n <= 1)
		return;
	k = ref_k(n);
	if (m < k) {
		ref_path(p, m, lh, k);
		ref_mth(s, lh + k, n - k);
	} else {
		ref_path(p, m - k, lh + k, n - k);
		ref_mth(s, lh, k);
	}
	push(p, s);
}

/* SUBPROOF(m, D[n], b) */
static void ref_subproof(struct hl *p, size_t m, unsigned char (*lh)[32], size_t n, int b)
{
	unsigned char s[32];
	size_t k;

	if (m == n) {
		if (!b) {
			ref_mth(s, lh, n);
			push(p, s);
		}
		return;
	}
	k = ref_k(n);
	if (m <= k) {
		ref_subproof(p, m, lh, k, b);
		ref_mth(s, lh + k, n - k);
	} else {
		ref_subproof(p, m - k, lh + k, n - k, 0);
		ref_mth(s, lh, k);
	}
	push(p, s);
}

/* ---- a store of complete subtrees for the library's generator ---- */

struct store {
	unsigned char (*lh)[32];
	size_t n;
	int fetches;
};

static int store_get(void *ctx, unsigned level, uint64_t index, unsigned char out[32])
{
	struct store *s = ctx;
	uint64_t first = index << level, count = (uint64_t)1 << level;

	s->fetches++;
	/* only complete subtrees exist */
	if (first + count > s->n)
		return hm_error_set(HM_ENOTFOUND, "no subtree (%u, %llu) in a tree of %zu", level,
				    (unsigned long long)index, s->n);
	ref_mth(out, s->lh + first, (size_t)count);
	return 0;
}

#define MAXN 65

static unsigned char (*make_leaves(size_t n))[32]
{
	unsigned char (*lh)[32] = calloc(n ? n : 1, 32);
	size_t i;

	assert_non_null(lh);
	for (i = 0; i < n; i++) {
		char data[32];
		int len = snprintf(data, sizeof(data), "leaf %zu", i);
		hm_merkle_leaf_hash(lh[i], data, (size_t)len);
	}
	return lh;
}

/* ---- tests ---- */

static void hashes_are_rfc6962(void **state)
{
	unsigned char got[32], want[32], l[32], r[32];
	unsigned int n = 32;

	(void)state;
	hm_merkle_leaf_hash(got, "abc", 3);
	ref_sha(want, 0x00, "abc", 3, "", 0);
	assert_memory_equal(got, want, 32);
	memset(l, 0x11, 32);
	memset(r, 0x22, 32);
	hm_merkle_node_hash(got, l, r);
	ref_sha(want, 0x01, l, 32, r, 32);
	assert_memory_equal(got, want, 32);
	hm_merkle_empty_root(got);
	EVP_Digest("", 0, want, &n, EVP_sha256(), NULL);
	assert_memory_equal(got, want, 32);
}

/* The eight-leaf tree of the Certificate Transparency tests: the root of every prefix. */
static void ct_test_vectors(void **state)
{
	static const char *const data[8] = {
		"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
		"606162636465666768696a6b6c6d6e6f"
	};
	static const char *const roots[8] = {
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	};
	unsigned char lh[8][32], root[32];
	struct store s;
	size_t i, len;

	(void)state;
	for (i = 0; i < 8; i++) {
		unsigned char *d = tc_unhex(data[i], &len);
		hm_merkle_leaf_hash(lh[i], d, len);
		free(d);
	}
	s.lh = lh;
	for (i = 1; i <= 8; i++) {
		unsigned char *want = tc_unhex(roots[i - 1], &len);
		s.n = i;
		assert_hm_ok(hm__merkle_root(root, i, store_get, &s));
		assert_memory_equal(root, want, 32);
		ref_mth(root, lh, i);
		assert_memory_equal(root, want, 32);
		free(want);
	}
}

/* PATH for every leaf of every tree of 1..65 leaves is the RFC's, and verifies. */
static void inclusion_paths_match_the_rfc(void **state)
{
	unsigned char (*lh)[32] = make_leaves(MAXN), path[HM_MERKLE_MAX_PATH][32], root[32];
	struct store s;
	size_t n, m, np;

	(void)state;
	s.lh = lh;
	for (n = 1; n <= MAXN; n++) {
		s.n = n;
		ref_mth(root, lh, n);
		for (m = 0; m < n; m++) {
			struct hl want = { .n = 0 };
			ref_path(&want, m, lh, n);
			s.fetches = 0;
			assert_hm_ok(hm__merkle_path(path, &np, m, n, store_get, &s));
			assert_int_equal(np, want.n);
			if (np)
				assert_memory_equal(path, want.h, np * 32);
			/* logarithmic: one fetch per level, a few more on the right edge */
			assert_true(s.fetches <= 2 * 7 + 1);
			assert_hm_ok(hm_merkle_verify_inclusion(m, n, lh[m],
								(const unsigned char(*)[32])path, np, root));
		}
		assert_hm_err(hm__merkle_path(path, &np, n, n, store_get, &s), HM_EINVAL,
			      "not in a tree");
	}
	free(lh);
}

/* PROOF for every pair 0 < m <= n <= 33 is the RFC's, and verifies. */
static void consistency_proofs_match_the_rfc(void **state)
{
	unsigned char (*lh)[32] = make_leaves(33), proof[HM_MERKLE_MAX_PATH][32], r1[32], r2[32];
	struct store s;
	size_t n, m, np;

	(void)state;
	s.lh = lh;
	for (n = 1; n <= 33; n++) {
		s.n = n;
		ref_mth(r2, lh, n);
		for (m = 1; m <= n; m++) {
			struct hl want = { .n = 0 };
			ref_subproof(&want, m, lh, n, 1);
			ref_mth(r1, lh, m);
			assert_hm_ok(hm__merkle_consistency(proof, &np, m, n, store_get, &s));
			assert_int_equal(np, want.n);
			if (np)
				assert_memory_equal(proof, want.h, np * 32);
			assert_hm_ok(hm_merkle_verify_consistency(m, n, r1, r2,
								  (const unsigned char(*)[32])proof,
								  np));
		}
	}
	free(lh);
}

/* Any change to an inclusion proof is caught. */
static void tampered_inclusion_fails(void **state)
{
	unsigned char (*lh)[32] = make_leaves(21), path[HM_MERKLE_MAX_PATH][32], root[32], bad[32];
	const unsigned char(*cp)[32] = (const unsigned char(*)[32])path;
	struct store s = { lh, 21, 0 };
	size_t np, i;

	(void)state;
	ref_mth(root, lh, 21);
	assert_hm_ok(hm__merkle_path(path, &np, 13, 21, store_get, &s));
	assert_hm_ok(hm_merkle_verify_inclusion(13, 21, lh[13], cp, np, root));
	assert_hm_err(hm_merkle_verify_inclusion(12, 21, lh[13], cp, np, root), HM_EVERIFY, "root");
	assert_hm_err(hm_merkle_verify_inclusion(13, 21, lh[12], cp, np, root), HM_EVERIFY, "root");
	/*
	 * A tree size of another shape (the size itself is bound by the signed head,
	 * not by the path: 13 in 22 leaves has the same path shape as in 21).
	 */
	assert_int_equal(hm_merkle_verify_inclusion(13, 16, lh[13], cp, np, root), HM_EVERIFY);
	assert_int_equal(hm_merkle_verify_inclusion(13, 40, lh[13], cp, np, root), HM_EVERIFY);
	assert_hm_err(hm_merkle_verify_inclusion(21, 21, lh[13], cp, np, root), HM_EVERIFY,
		      "not below the tree size");
	assert_hm_err(hm_merkle_verify_inclusion(13, 21, lh[13], cp, np - 1, root), HM_EVERIFY,
		      "shorter");
	memcpy(path[np], path[0], 32);
	assert_hm_err(hm_merkle_verify_inclusion(13, 21, lh[13], cp, np + 1, root), HM_EVERIFY,
		      "longer");
	for (i = 0; i < np; i++) {
		path[i][5] ^= 0x40;
		assert_hm_err(hm_merkle_verify_inclusion(13, 21, lh[13], cp, np, root), HM_EVERIFY,
			      "root");
		path[i][5] ^= 0x40;
	}
	memcpy(bad, root, 32);
	bad[0] ^= 1;
	assert_hm_err(hm_merkle_verify_inclusion(13, 21, lh[13], cp, np, bad), HM_EVERIFY, "root");
	free(lh);
}

/* Any change to a consistency proof, or a first tree that is not a prefix, is caught. */
static void tampered_consistency_fails(void **state)
{
	unsigned char (*lh)[32] = make_leaves(20), proof[HM_MERKLE_MAX_PATH][32], r1[32], r2[32];
	unsigned char forked[32];
	const unsigned char(*cp)[32] = (const unsigned char(*)[32])proof;
	struct store s = { lh, 20, 0 };
	size_t np, i;

	(void)state;
	ref_mth(r1, lh, 7);
	ref_mth(r2, lh, 20);
	assert_hm_ok(hm__merkle_consistency(proof, &np, 7, 20, store_get, &s));
	assert_hm_ok(hm_merkle_verify_consistency(7, 20, r1, r2, cp, np));
	for (i = 0; i < np; i++) {
		proof[i][0] ^= 0x80;
		assert_int_equal(hm_merkle_verify_consistency(7, 20, r1, r2, cp, np), HM_EVERIFY);
		proof[i][0] ^= 0x80;
	}
	assert_int_equal(hm_merkle_verify_consistency(7, 20, r1, r2, cp, np - 1), HM_EVERIFY);
	assert_int_equal(hm_merkle_verify_consistency(6, 20, r1, r2, cp, np), HM_EVERIFY);
	assert_int_equal(hm_merkle_verify_consistency(7, 16, r1, r2, cp, np), HM_EVERIFY);
	assert_hm_err(hm_merkle_verify_consistency(7, 20, r1, r2, cp, 0), HM_EVERIFY, "empty");
	assert_hm_err(hm_merkle_verify_consistency(0, 20, r1, r2, cp, np), HM_EVERIFY, "0 < first");
	assert_hm_err(hm_merkle_verify_consistency(9, 8, r1, r2, cp, np), HM_EVERIFY, "0 < first");
	/* a fork: the older tree had a different leaf 3 */
	memcpy(forked, lh[3], 32);
	lh[3][0] ^= 1;
	ref_mth(r1, lh, 7);
	memcpy(lh[3], forked, 32);
	assert_hm_err(hm_merkle_verify_consistency(7, 20, r1, r2, cp, np), HM_EVERIFY, "prefix");
	/* equal sizes: an empty proof and equal roots */
	assert_hm_ok(hm_merkle_verify_consistency(20, 20, r2, r2, cp, 0));
	assert_hm_err(hm_merkle_verify_consistency(20, 20, r1, r2, cp, 0), HM_EVERIFY, "different");
	assert_hm_err(hm_merkle_verify_consistency(20, 20, r2, r2, cp, 1), HM_EVERIFY, "empty");
	free(lh);
}

static void proof_json_is_checked(void **state)
{
	unsigned char (*lh)[32] = make_leaves(6), path[HM_MERKLE_MAX_PATH][32], root[32];
	struct store s = { lh, 6, 0 };
	char hex[65], leaf[65], buf[4096];
	hm_proof_info info;
	size_t np, i;
	int off;

	(void)state;
	ref_mth(root, lh, 6);
	assert_hm_ok(hm__merkle_path(path, &np, 4, 6, store_get, &s));
	hm__hex_encode(hex, root, 32);
	hm__hex_encode(leaf, lh[4], 32);
	off = snprintf(buf, sizeof(buf), "{\"leaf_index\": 4, \"tree_size\": 6, \"leaf_hash\": \"%s\", "
		       "\"root_hash\": \"%s\", \"audit_path\": [", leaf, hex);
	for (i = 0; i < np; i++) {
		char h[65];
		hm__hex_encode(h, path[i], 32);
		off += snprintf(buf + off, sizeof(buf) - (size_t)off, "%s\"%s\"", i ? ", " : "", h);
	}
	snprintf(buf + off, sizeof(buf) - (size_t)off, "]}");
	assert_hm_ok(hm_proof_check(&info, buf, strlen(buf)));
	assert_int_equal(info.kind, HM_PROOF_INCLUSION);
	assert_int_equal(info.leaf_index, 4);
	assert_int_equal(info.tree_size, 6);
	assert_memory_equal(info.root_hash, root, 32);
	/* the same with the leaf index changed does not verify */
	buf[15] = '5';
	assert_int_equal(hm_proof_check(&info, buf, strlen(buf)), HM_EVERIFY);
	assert_hm_err(hm_proof_check(NULL, "{\"leaf_index\":1,\"leaf_index\":2}", 31), HM_EFORMAT,
		      "");
	assert_hm_err(hm_proof_check(NULL, "[]", 2), HM_EFORMAT, "not a JSON object");
	assert_hm_err(hm_proof_check(NULL, "{}", 2), HM_EFORMAT, "neither");
	snprintf(buf, sizeof(buf), "{\"leaf_index\": -1, \"tree_size\": 6, \"leaf_hash\": \"%s\", "
		 "\"root_hash\": \"%s\", \"audit_path\": []}", leaf, hex);
	assert_hm_err(hm_proof_check(NULL, buf, strlen(buf)), HM_EFORMAT, "non-negative");
	snprintf(buf, sizeof(buf), "{\"leaf_index\": 0, \"tree_size\": 1, \"leaf_hash\": \"%.63s\", "
		 "\"root_hash\": \"%s\", \"audit_path\": []}", leaf, hex);
	assert_hm_err(hm_proof_check(NULL, buf, strlen(buf)), HM_EFORMAT, "64 hex digits");
	snprintf(buf, sizeof(buf), "{\"leaf_index\": 0, \"tree_size\": 1, \"leaf_hash\": \"%s\", "
		 "\"root_hash\": \"%s\", \"audit_path\": [1]}", leaf, hex);
	assert_hm_err(hm_proof_check(NULL, buf, strlen(buf)), HM_EFORMAT, "audit_path");
	/* a one-leaf tree: the leaf is the root */
	snprintf(buf, sizeof(buf), "{\"leaf_index\": 0, \"tree_size\": 1, \"leaf_hash\": \"%s\", "
		 "\"root_hash\": \"%s\", \"audit_path\": []}", leaf, leaf);
	assert_hm_ok(hm_proof_check(&info, buf, strlen(buf)));
	free(lh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hashes_are_rfc6962),
		cmocka_unit_test(ct_test_vectors),
		cmocka_unit_test(inclusion_paths_match_the_rfc),
		cmocka_unit_test(consistency_proofs_match_the_rfc),
		cmocka_unit_test(tampered_inclusion_fails),
		cmocka_unit_test(tampered_consistency_fails),
		cmocka_unit_test(proof_json_is_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
