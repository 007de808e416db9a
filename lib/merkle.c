/* RFC 6962 hashing and the RFC 9162 proof verification algorithms (2.1.3.2, 2.1.4.2). */
#include "merkle.h"

#include <openssl/evp.h>
#include <string.h>

static void sha256_parts(unsigned char out[32], const void *a, size_t alen, const void *b,
			 size_t blen, const void *c, size_t clen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 32;

	/* On an allocation failure out is zeroed: no proof or tree head verifies against it. */
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, a, alen) != 1 || (blen && EVP_DigestUpdate(ctx, b, blen) != 1) ||
	    (clen && EVP_DigestUpdate(ctx, c, clen) != 1) || EVP_DigestFinal_ex(ctx, out, &n) != 1)
		memset(out, 0, 32);
	EVP_MD_CTX_free(ctx);
}

void hm_merkle_leaf_hash(unsigned char out[32], const void *data, size_t len)
{
	static const unsigned char zero = 0x00;

	sha256_parts(out, &zero, 1, data, len, NULL, 0);
}

void hm_merkle_node_hash(unsigned char out[32], const unsigned char left[32],
			 const unsigned char right[32])
{
	unsigned char buf[65];

	buf[0] = 0x01;
	memcpy(buf + 1, left, 32);
	memcpy(buf + 33, right, 32);
	hm__sha256(out, buf, sizeof(buf));
}

void hm_merkle_empty_root(unsigned char out[32])
{
	hm__sha256(out, "", 0);
}

int hm_merkle_verify_inclusion(uint64_t index, uint64_t size, const unsigned char leaf[32],
			       const unsigned char (*path)[32], size_t npath,
			       const unsigned char root[32])
{
	uint64_t fn, sn;
	unsigned char r[32];
	size_t i;

	if (index >= size)
		return hm__err(HM_EVERIFY, "leaf index %llu is not below the tree size %llu",
			       (unsigned long long)index, (unsigned long long)size);
	fn = index;
	sn = size - 1;
	memcpy(r, leaf, 32);
	for (i = 0; i < npath; i++) {
		if (sn == 0)
			return hm__err(HM_EVERIFY, "the audit path is longer than a tree of size %llu "
				       "needs", (unsigned long long)size);
		if ((fn & 1) || fn == sn) {
			hm_merkle_node_hash(r, path[i], r);
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			hm_merkle_node_hash(r, r, path[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return hm__err(HM_EVERIFY, "the audit path is shorter than a tree of size %llu needs",
			       (unsigned long long)size);
	if (memcmp(r, root, 32) != 0)
		return hm__err(HM_EVERIFY, "the audit path does not lead to the root hash");
	return 0;
}

int hm_merkle_verify_consistency(uint64_t first, uint64_t second,
				 const unsigned char first_root[32],
				 const unsigned char second_root[32],
				 const unsigned char (*proof)[32], size_t nproof)
{
	unsigned char fr[32], sr[32];
	uint64_t fn, sn;
	size_t i = 0;

	if (first == 0 || first > second)
		return hm__err(HM_EVERIFY, "a consistency proof needs 0 < first <= second (got %llu "
			       "and %llu)", (unsigned long long)first, (unsigned long long)second);
	if (first == second) {
		if (nproof != 0)
			return hm__err(HM_EVERIFY, "the proof between equal sizes must be empty");
		if (memcmp(first_root, second_root, 32) != 0)
			return hm__err(HM_EVERIFY, "two different roots for the same tree size %llu",
				       (unsigned long long)first);
		return 0;
	}
	if (nproof == 0)
		return hm__err(HM_EVERIFY, "the consistency proof is empty");
	/* A first tree that is a complete subtree is its own first proof node. */
	if ((first & (first - 1)) == 0) {
		memcpy(fr, first_root, 32);
	} else {
		memcpy(fr, proof[0], 32);
		i = 1;
	}
	memcpy(sr, fr, 32);
	fn = first - 1;
	sn = second - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < nproof; i++) {
		if (sn == 0)
			return hm__err(HM_EVERIFY, "the consistency proof is longer than needed");
		if ((fn & 1) || fn == sn) {
			hm_merkle_node_hash(fr, proof[i], fr);
			hm_merkle_node_hash(sr, proof[i], sr);
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			hm_merkle_node_hash(sr, sr, proof[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return hm__err(HM_EVERIFY, "the consistency proof is shorter than needed");
	if (memcmp(fr, first_root, 32) != 0)
		return hm__err(HM_EVERIFY, "the proof does not lead to the first root: the older tree "
			       "is not a prefix of the newer one");
	if (memcmp(sr, second_root, 32) != 0)
		return hm__err(HM_EVERIFY, "the proof does not lead to the second root");
	return 0;
}
