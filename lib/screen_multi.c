/*
 * One pass over a text for every screening literal at once: the plain
 * patterns and the literals that gate each regex (screen_literal.c). One
 * scan replaces a memmem per pattern, whose cost grew with the pattern list.
 * A small set of literals of three bytes or more goes to the hashed-prefix
 * matcher of screen_gram.c (faster on a few dozen literals); any other set to
 * a Hyperscan literal database. Hyperscan needs SSSE3; where the CPU lacks it
 * (hs_valid_platform) or the database cannot be built, there is no matcher
 * and screen.c searches pattern by pattern as before, with the same results:
 * a literal is found by each exactly when it occurs in the text.
 */
#include "dataset_impl.h"

#include <hs/hs.h>
#include <stdlib.h>

struct hm__multi {
	hm__gram *gram; /* or */
	hs_database_t *db;
};

int hm__multi_new(hm__multi **out, const char *const *lit, const size_t *len, const unsigned *ids,
		  unsigned n)
{
	hs_compile_error_t *err = NULL;
	unsigned *flags = NULL, i;
	hm__multi *m;
	int rc;

	*out = NULL;
	if (n == 0)
		return 0;
	if (!(m = calloc(1, sizeof(*m))))
		return hm__err_oom();
	if ((rc = hm__gram_new(&m->gram, lit, len, ids, n)) < 0) {
		free(m);
		return rc;
	}
	if (m->gram) {
		*out = m;
		return 0;
	}
	if (hs_valid_platform() != HS_SUCCESS) {
		free(m);
		return 0;
	}
	if (!(flags = malloc(n * sizeof(*flags)))) {
		free(m);
		return hm__err_oom();
	}
	for (i = 0; i < n; i++)
		flags[i] = HS_FLAG_SINGLEMATCH;
	if (hs_compile_lit_multi(lit, flags, ids, len, n, HS_MODE_BLOCK, NULL, &m->db, &err) !=
	    HS_SUCCESS) {
		/* not fatal: the pattern-by-pattern search gives the same answers */
		hs_free_compile_error(err);
		free(flags);
		free(m);
		return 0;
	}
	free(flags);
	*out = m;
	return 0;
}

void hm__multi_free(hm__multi *m)
{
	if (!m)
		return;
	hm__gram_free(m->gram);
	hs_free_database(m->db);
	free(m);
}

void hm__multi_scratch_free(void *scratch)
{
	if (scratch)
		hs_free_scratch(scratch);
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		    void *ctx)
{
	((unsigned char *)ctx)[id] = 1;
	return 0;
}

int hm__multi_scan(const hm__multi *m, void **scratch, const char *text, size_t len,
		   unsigned char *seen)
{
	hs_scratch_t *s = *scratch;

	if (m->gram) {
		hm__gram_scan(m->gram, text, len, seen);
		return 0;
	}
	if (!s && hs_alloc_scratch(m->db, &s) != HS_SUCCESS)
		return hm__err_oom();
	*scratch = s;
	if (len > 0xffffffffu) /* hs_scan takes an unsigned length; records are far smaller */
		return 1;
	switch (hs_scan(m->db, text, (unsigned)len, 0, s, on_match, seen)) {
	case HS_SUCCESS:
		return 0;
	case HS_NOMEM:
		return hm__err_oom();
	default:
		/*
		 * Hyperscan 5.4's literal mode fails some scans with HS_UNKNOWN_ERROR
		 * (intel/hyperscan#303, #353: a long literal of a repeated byte beside
		 * a short one); the search pattern by pattern answers the same.
		 */
		return 1;
	}
}
