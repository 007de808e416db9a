/*
 * An RFC 4180 reader fed in chunks: fields separated by a delimiter, rows by
 * LF, CRLF or CR; a field in double quotes may hold delimiters, newlines and
 * "" for a quote. Like Python's csv module it keeps a quote inside an unquoted
 * field as text. Row problems are reported with the row: text after a closing
 * quote ("bad_quote"), a quoted field still open at the end ("unterminated_quote"),
 * a row larger than the limit ("oversized"). Empty lines are no rows, which
 * also makes the LF of a CRLF an empty line after a row ended at the CR.
 */
#include "dataset_impl.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

enum {
	CSV_FIELD_START, /* at the start of a field */
	CSV_UNQUOTED,    /* inside an unquoted field */
	CSV_QUOTED,      /* inside a quoted field */
	CSV_QUOTE        /* a '"' inside a quoted field: end or "" */
};

void hm__csv_init(hm__csv *c, char delim, size_t max, hm__record_fn fn, void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->delim = delim;
	c->max = max;
	c->fn = fn;
	c->ctx = ctx;
	c->state = CSV_FIELD_START;
}

/* The end of the run of ordinary bytes from i: the first delimiter, LF or CR, or n. */
static size_t run_end(const char *p, size_t i, size_t n, char delim)
{
#ifdef __SSE2__
	const __m128i d = _mm_set1_epi8(delim), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');

	for (; i + 16 <= n; i += 16) {
		__m128i c = _mm_loadu_si128((const __m128i *)(p + i));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			_mm_cmpeq_epi8(c, d), _mm_or_si128(_mm_cmpeq_epi8(c, lf), _mm_cmpeq_epi8(c, cr))));
		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	while (i < n && p[i] != delim && p[i] != '\n' && p[i] != '\r')
		i++;
	return i;
}

static int put(hm__csv *c, const char *p, size_t n)
{
	if (c->oversized || n == 0)
		return 0;
	if (n > c->max - c->cur.len) {
		c->oversized = 1;
		hm__buf_free(&c->cur);
		c->nends = 0;
		return 0;
	}
	return hm__buf_put(&c->cur, p, n);
}

static int end_field(hm__csv *c)
{
	if (c->oversized)
		return 0;
	if (c->nends == c->capends) {
		size_t cap = c->capends ? c->capends * 2 : 16;
		size_t *e;

		/* the field table counts towards the row's size too */
		if (cap > c->max / sizeof(*e) + 16) {
			c->oversized = 1;
			hm__buf_free(&c->cur);
			c->nends = 0;
			return 0;
		}
		e = realloc(c->ends, cap * sizeof(*e));
		if (!e)
			return hm__err_oom();
		c->ends = e;
		c->capends = cap;
	}
	c->ends[c->nends++] = c->cur.len;
	return 0;
}

static int end_row(hm__csv *c)
{
	hm__record r = { c->cur.data ? c->cur.data : "", c->cur.len, c->ends, c->nends, c->error, 0 };
	int rc = 0;

	if (c->oversized) {
		r.data = "";
		r.len = 0;
		r.field_end = NULL;
		r.nfields = 0;
		r.error = "oversized";
	}
	if (c->content || c->oversized)
		rc = c->fn(c->ctx, &r);
	c->cur.len = 0;
	c->nends = 0;
	c->oversized = c->content = 0;
	c->error = NULL;
	c->state = CSV_FIELD_START;
	return rc;
}

/* A row with one empty unquoted field is an empty line: no row. */
static int finish_row(hm__csv *c)
{
	int rc;

	if ((rc = end_field(c)) < 0)
		return rc;
	if (c->nends > 1 || c->cur.len > 0)
		c->content = 1;
	return end_row(c);
}

int hm__csv_feed(hm__csv *c, const char *p, size_t n)
{
	size_t i = 0;
	int rc;

	for (i = 0; i < n; i++) {
		char ch = p[i];

		switch (c->state) {
		case CSV_FIELD_START:
			if (ch == '"') {
				c->state = CSV_QUOTED;
				c->content = 1;
				continue;
			}
			c->state = CSV_UNQUOTED;
			/* fall through */
		case CSV_UNQUOTED:
			if (ch == c->delim) {
				rc = end_field(c);
				c->state = CSV_FIELD_START;
			} else if (ch == '\n' || ch == '\r') {
				rc = finish_row(c);
			} else {
				/* the run of ordinary bytes up to the next special one */
				size_t j = run_end(p, i + 1, n, c->delim);
				rc = put(c, p + i, j - i);
				i = j - 1;
			}
			break;
		case CSV_QUOTED:
			if (ch == '"') {
				c->state = CSV_QUOTE;
				rc = 0;
			} else {
				const char *q = memchr(p + i, '"', n - i);
				size_t j = q ? (size_t)(q - p) : n;
				rc = put(c, p + i, j - i);
				i = j - 1;
			}
			break;
		default: /* CSV_QUOTE */
			if (ch == '"') {
				rc = put(c, "\"", 1);
				c->state = CSV_QUOTED;
			} else if (ch == c->delim) {
				rc = end_field(c);
				c->state = CSV_FIELD_START;
			} else if (ch == '\n' || ch == '\r') {
				rc = finish_row(c);
			} else {
				if (!c->error)
					c->error = "bad_quote";
				rc = put(c, &ch, 1);
				c->state = CSV_UNQUOTED;
			}
			break;
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

int hm__csv_finish(hm__csv *c)
{
	if (c->state == CSV_QUOTED && !c->error)
		c->error = "unterminated_quote";
	if (c->state == CSV_FIELD_START && c->nends == 0 && c->cur.len == 0 && !c->content)
		return 0; /* ended with a newline */
	return finish_row(c);
}

void hm__csv_free(hm__csv *c)
{
	hm__buf_free(&c->cur);
	free(c->ends);
	c->ends = NULL;
	c->nends = c->capends = 0;
}
