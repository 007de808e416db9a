/*
 * A multi-literal matcher for the screening's few dozen literals: a bitmap
 * of hashed four-byte windows of the literals, tested at every other
 * position of the text, and an exact comparison of the literals behind a
 * set bit. A literal that starts at an even position is found by its first
 * four bytes there; one that starts at an odd position by its bytes 1-4 at
 * the next position, or, when it is shorter than five bytes, by any byte
 * followed by its first three at the position before (256 windows). A
 * literal of three bytes also stands under its 256 four-byte extensions,
 * and is compared at the very end of the text, which no window covers.
 * With the shipped patterns (some 60 literals) about one position in a
 * hundred is compared; the pass runs at several times the speed of
 * Hyperscan's FDR on the same literals, which is why screen_multi.c prefers
 * it for small literal sets. Literals shorter than three bytes, or sets too
 * large for the bitmap to stay sparse, are declined (NULL) and left to
 * Hyperscan.
 */
#include "dataset_impl.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define GRAM_BITS 17
#define GRAM_SLOTS (1u << GRAM_BITS)
#define GRAM_MAX_LITERALS 256u
#define GRAM_MAX_ENTRIES 16384u

typedef struct gram_entry {
	uint16_t next; /* entry index + 1 of the next in the slot's chain; 0 ends it */
	uint16_t lit;
	int8_t off; /* where the window lies in the literal: it starts at the window - off */
} gram_entry;

struct hm__gram {
	uint64_t bits[GRAM_SLOTS / 64];
	uint16_t head[GRAM_SLOTS]; /* entry index + 1, 0: empty */
	gram_entry *ent;
	unsigned nent;
	char **lit;
	size_t *len;
	unsigned *ids;
	unsigned n;
	unsigned short3[GRAM_MAX_LITERALS]; /* the three-byte literals */
	unsigned nshort3;
};

static inline uint32_t slot_of(uint32_t w)
{
	return (w * 0x9E3779B1u) >> (32 - GRAM_BITS);
}

static inline uint32_t load32(const unsigned char *p)
{
	uint32_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

static void put(hm__gram *g, uint32_t w, unsigned lit, int off)
{
	uint32_t h = slot_of(w);
	unsigned e;

	/* the same literal and offset under the same slot once is enough */
	for (e = g->head[h]; e; e = g->ent[e - 1].next)
		if (g->ent[e - 1].lit == lit && g->ent[e - 1].off == off)
			return;
	g->bits[h >> 6] |= (uint64_t)1 << (h & 63);
	g->ent[g->nent].lit = (uint16_t)lit;
	g->ent[g->nent].off = (int8_t)off;
	g->ent[g->nent].next = g->head[h];
	g->head[h] = (uint16_t)++g->nent;
}

void hm__gram_free(hm__gram *g)
{
	unsigned i;

	if (!g)
		return;
	for (i = 0; i < g->n; i++)
		free(g->lit[i]);
	free(g->lit);
	free(g->len);
	free(g->ids);
	free(g->ent);
	free(g);
}

int hm__gram_new(hm__gram **out, const char *const *lit, const size_t *len, const unsigned *ids,
		 unsigned n)
{
	unsigned i, entries = 0;
	hm__gram *g;

	*out = NULL;
	if (n == 0 || n > GRAM_MAX_LITERALS)
		return 0;
	for (i = 0; i < n; i++) {
		if (len[i] < 3)
			return 0; /* declined: Hyperscan takes it */
		entries += (len[i] == 3 ? 256 : 1) + (len[i] < 5 ? 256 : 1);
	}
	if (entries > GRAM_MAX_ENTRIES)
		return 0;
	if (!(g = calloc(1, sizeof(*g))))
		return hm__err_oom();
	g->lit = calloc(n, sizeof(*g->lit));
	g->len = malloc(n * sizeof(*g->len));
	g->ids = malloc(n * sizeof(*g->ids));
	g->ent = malloc(entries * sizeof(*g->ent));
	if (!g->lit || !g->len || !g->ids || !g->ent) {
		hm__gram_free(g);
		return hm__err_oom();
	}
	g->n = n;
	for (i = 0; i < n; i++) {
		if (!(g->lit[i] = malloc(len[i]))) {
			hm__gram_free(g);
			return hm__err_oom();
		}
		memcpy(g->lit[i], lit[i], len[i]);
		g->len[i] = len[i];
		g->ids[i] = ids[i];
		{
			const unsigned char *l = (const unsigned char *)lit[i];
			unsigned char w[4];
			unsigned c;

			/* starting at an even position: its first four bytes */
			if (len[i] > 3) {
				put(g, load32(l), i, 0);
			} else {
				memcpy(w, l, 3);
				for (c = 0; c < 256; c++) {
					w[3] = (unsigned char)c;
					put(g, load32(w), i, 0);
				}
				g->short3[g->nshort3++] = i;
			}
			/* at an odd one: bytes 1-4 a position later, or any byte and the first three */
			if (len[i] >= 5) {
				put(g, load32(l + 1), i, 1);
			} else {
				memcpy(w + 1, l, 3);
				for (c = 0; c < 256; c++) {
					w[0] = (unsigned char)c;
					put(g, load32(w), i, -1);
				}
			}
		}
	}
	*out = g;
	return 0;
}

void hm__gram_scan(const hm__gram *g, const char *text, size_t len, unsigned char *seen)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i;
	unsigned k;

	for (i = 0; i + 4 <= len; i += 2) {
		uint32_t h = slot_of(load32(p + i));
		unsigned e;

		if (!((g->bits[h >> 6] >> (h & 63)) & 1))
			continue;
		for (e = g->head[h]; e; e = g->ent[e - 1].next) {
			const gram_entry *x = &g->ent[e - 1];
			size_t start = i - (size_t)(ptrdiff_t)x->off, n = g->len[x->lit];
			/* start wraps to a huge value below 0, which fails the bound */
			if (start <= len && n <= len - start && memcmp(p + start, g->lit[x->lit], n) == 0)
				seen[g->ids[x->lit]] = 1;
		}
	}
	/* a three-byte literal in the last three bytes has no four-byte window */
	if (len >= 3)
		for (k = 0; k < g->nshort3; k++) {
			unsigned l = g->short3[k];
			if (memcmp(p + len - 3, g->lit[l], 3) == 0)
				seen[g->ids[l]] = 1;
		}
}
