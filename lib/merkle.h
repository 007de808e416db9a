/*
 * lib/merkle.h: RFC 6962 proof generation over a store of complete subtree
 * hashes (internal; the archive keeps them in SQLite, tests in memory).
 *
 * A complete subtree at (level, index) covers leaves [index << level,
 * (index + 1) << level); level 0 holds the leaf hashes.
 */
#ifndef HM_MERKLE_H
#define HM_MERKLE_H

#include "internal.h"
#include "hallmark/archive.h"

/* Longest audit path or consistency proof for a tree of up to 2^63 leaves. */
#define HM_MERKLE_MAX_PATH 130

/* Fetches the hash of the complete subtree (level, index); <0 on failure. */
typedef int (*hm__merkle_get_fn)(void *ctx, unsigned level, uint64_t index,
				 unsigned char out[32]);

/* MTH(D[0:size]) from the complete subtrees of the decomposition of size. */
int hm__merkle_root(unsigned char out[32], uint64_t size, hm__merkle_get_fn get, void *ctx);
/* RFC 6962 PATH(index, D[0:size]); *n receives its length. */
int hm__merkle_path(unsigned char (*path)[32], size_t *n, uint64_t index, uint64_t size,
		    hm__merkle_get_fn get, void *ctx);
/* RFC 6962 PROOF(first, D[0:second]), 0 < first <= second. */
int hm__merkle_consistency(unsigned char (*proof)[32], size_t *n, uint64_t first,
			   uint64_t second, hm__merkle_get_fn get, void *ctx);

/* Largest power of two strictly below n (n >= 2). */
uint64_t hm__merkle_split(uint64_t n);

#endif
