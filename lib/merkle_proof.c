/*
 * RFC 6962 section 2.1: MTH, PATH and PROOF over stored complete subtrees.
 * Every left part of the recursion is a complete, aligned subtree (one
 * fetch); only the right edge is split further, so a proof costs O(log n)
 * fetches.
 */
#include "merkle.h"

#include <string.h>

uint64_t hm__merkle_split(uint64_t n)
{
	uint64_t k = 1;

	while (k < n - k) /* k * 2 < n without overflow */
		k <<= 1;
	return k;
}

static unsigned level_of(uint64_t pow2)
{
	unsigned l = 0;

	while (pow2 > 1) {
		pow2 >>= 1;
		l++;
	}
	return l;
}

/* MTH(D[off:off+n]), off a multiple of the largest power of two <= n. */
static int range_hash(unsigned char out[32], uint64_t off, uint64_t n, hm__merkle_get_fn get,
		      void *ctx)
{
	unsigned char left[32], right[32];
	uint64_t k;
	int rc;

	if ((n & (n - 1)) == 0) {
		unsigned l = level_of(n);
		return get(ctx, l, off >> l, out);
	}
	k = hm__merkle_split(n);
	if ((rc = get(ctx, level_of(k), off >> level_of(k), left)) < 0 ||
	    (rc = range_hash(right, off + k, n - k, get, ctx)) < 0)
		return rc;
	hm_merkle_node_hash(out, left, right);
	return 0;
}

int hm__merkle_root(unsigned char out[32], uint64_t size, hm__merkle_get_fn get, void *ctx)
{
	if (size == 0) {
		hm_merkle_empty_root(out);
		return 0;
	}
	return range_hash(out, 0, size, get, ctx);
}

/*
 * PATH(m, D[off:off+n]): the siblings are gathered from the root down, so
 * they are written backwards from the end of a scratch array and moved.
 */
int hm__merkle_path(unsigned char (*path)[32], size_t *n, uint64_t index, uint64_t size,
		    hm__merkle_get_fn get, void *ctx)
{
	unsigned char tmp[HM_MERKLE_MAX_PATH][32];
	size_t top = HM_MERKLE_MAX_PATH;
	uint64_t off = 0, len = size, m = index;
	int rc;

	*n = 0;
	if (index >= size)
		return hm__err(HM_EINVAL, "entry %llu is not in a tree of size %llu",
			       (unsigned long long)index, (unsigned long long)size);
	while (len > 1) {
		uint64_t k = hm__merkle_split(len);
		top--;
		if (m < k) {
			/* the sibling is the right part D[k:n] */
			if ((rc = range_hash(tmp[top], off + k, len - k, get, ctx)) < 0)
				return rc;
			len = k;
		} else {
			if ((rc = range_hash(tmp[top], off, k, get, ctx)) < 0)
				return rc;
			off += k;
			m -= k;
			len -= k;
		}
	}
	*n = HM_MERKLE_MAX_PATH - top;
	memcpy(path, tmp[top], *n * 32);
	return 0;
}

int hm__merkle_consistency(unsigned char (*proof)[32], size_t *n, uint64_t first,
			   uint64_t second, hm__merkle_get_fn get, void *ctx)
{
	unsigned char tmp[HM_MERKLE_MAX_PATH][32];
	size_t top = HM_MERKLE_MAX_PATH;
	uint64_t off = 0, len = second, m = first;
	int whole = 1, rc;

	*n = 0;
	if (first == 0 || first > second)
		return hm__err(HM_EINVAL, "a consistency proof needs 0 < first <= second (got %llu "
			       "and %llu)", (unsigned long long)first, (unsigned long long)second);
	/* SUBPROOF(m, D[off:off+len], whole) */
	while (m != len) {
		uint64_t k = hm__merkle_split(len);
		top--;
		if (m <= k) {
			if ((rc = range_hash(tmp[top], off + k, len - k, get, ctx)) < 0)
				return rc;
			len = k;
		} else {
			if ((rc = range_hash(tmp[top], off, k, get, ctx)) < 0)
				return rc;
			off += k;
			m -= k;
			len -= k;
			whole = 0;
		}
	}
	if (!whole) { /* SUBPROOF(m, D[m], false) = {MTH(D[m])} */
		top--;
		if ((rc = range_hash(tmp[top], off, len, get, ctx)) < 0)
			return rc;
	}
	*n = HM_MERKLE_MAX_PATH - top;
	memcpy(proof, tmp[top], *n * 32);
	return 0;
}
