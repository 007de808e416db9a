/*
 * Streams the elements of a top-level JSON array: a small state machine finds
 * where each element ends (tracking strings, escapes and bracket depth) and
 * hands its text on, to be parsed alone. Memory is bounded by the largest
 * element, not the file. The element text is not validated here: a broken
 * element is the parser's to reject, and the next depth-0 ',' or ']' ends it.
 *
 * Problems of the array itself become one invalid record each: an unterminated
 * array ("truncated": its last, possibly empty, element), data after the
 * closing ']' ("trailing_data"), a top-level value that is not an array
 * ("not_an_array"), an empty element as in [1,,2] or [1,] ("syntax").
 * (Files that start with an object never get here: see dataset_scan.c.)
 */
#include "dataset_impl.h"

#include <string.h>

enum {
	JA_START,    /* before the top-level value */
	JA_ELEMENTS, /* inside the array */
	JA_AFTER,    /* after the closing ']' */
	JA_GARBAGE   /* the top-level value is not an array */
};

void hm__jsonarray_init(hm__jsonarray *a, size_t max, hm__record_fn fn, void *ctx)
{
	memset(a, 0, sizeof(*a));
	a->max = max;
	a->fn = fn;
	a->ctx = ctx;
	a->state = JA_START;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int emit(hm__jsonarray *a, const char *error)
{
	hm__record r = { a->cur.data ? a->cur.data : "", a->cur.len, NULL, 0, error, 0 };
	int rc;

	if (a->oversized) {
		r.data = "";
		r.len = 0;
		r.error = "oversized";
	} else if (!error && r.len == 0) {
		r.error = "syntax"; /* an empty element: [1,,2] or [1,] */
	}
	rc = a->fn(a->ctx, &r);
	a->cur.len = 0;
	a->oversized = a->started = 0;
	a->depth = 0;
	a->in_string = a->escape = 0;
	return rc;
}

/* Appends the run p[0..n) to the current element, unless it is too large to keep. */
static int keep(hm__jsonarray *a, const char *p, size_t n)
{
	if (a->oversized || n == 0)
		return 0;
	if (n > a->max - a->cur.len) {
		a->oversized = 1;
		hm__buf_free(&a->cur);
		return 0;
	}
	return hm__buf_put(&a->cur, p, n);
}

/* Inside the array: scans for the element's end; returns bytes consumed. */
static int elements(hm__jsonarray *a, const char *p, size_t n, size_t *used)
{
	size_t i = 0, run = 0; /* p[run..i) is element text not yet kept */
	int rc;

	for (; i < n; i++) {
		char c = p[i];

		if (a->in_string) {
			if (a->escape)
				a->escape = 0;
			else if (c == '\\')
				a->escape = 1;
			else if (c == '"')
				a->in_string = 0;
			continue;
		}
		if (a->depth == 0 && (c == ',' || c == ']')) {
			if ((rc = keep(a, p + run, i - run)) < 0)
				return rc;
			if (c == ',' || a->started || a->after_comma) {
				if ((rc = emit(a, NULL)) < 0)
					return rc;
			}
			a->after_comma = c == ',';
			if (c == ']') {
				a->state = JA_AFTER;
				*used = i + 1;
				return 0;
			}
			run = i + 1;
			continue;
		}
		if (!a->started) {
			if (is_ws(c)) {
				run = i + 1;
				continue;
			}
			a->started = 1;
		}
		if (c == '"')
			a->in_string = 1;
		else if (c == '{' || c == '[')
			a->depth++;
		else if ((c == '}' || c == ']') && a->depth > 0)
			a->depth--;
	}
	if ((rc = keep(a, p + run, i - run)) < 0)
		return rc;
	*used = n;
	return 0;
}

int hm__jsonarray_feed(hm__jsonarray *a, const char *p, size_t n)
{
	size_t i = 0, used;
	int rc;

	while (i < n) {
		switch (a->state) {
		case JA_START:
			if (is_ws(p[i])) {
				i++;
			} else if (p[i] == '[') {
				a->state = JA_ELEMENTS;
				i++;
			} else {
				a->state = JA_GARBAGE;
				return 0;
			}
			break;
		case JA_ELEMENTS:
			if ((rc = elements(a, p + i, n - i, &used)) < 0)
				return rc;
			i += used;
			break;
		case JA_AFTER:
			if (!is_ws(p[i])) {
				a->trailing = 1;
				return 0;
			}
			i++;
			break;
		default:
			return 0;
		}
	}
	return 0;
}

int hm__jsonarray_finish(hm__jsonarray *a)
{
	switch (a->state) {
	case JA_ELEMENTS:
		return emit(a, "truncated");
	case JA_AFTER:
		if (a->trailing) {
			a->cur.len = 0;
			return emit(a, "trailing_data");
		}
		return 0;
	case JA_GARBAGE:
		return emit(a, "not_an_array");
	default:
		return 0; /* empty input */
	}
}

void hm__jsonarray_free(hm__jsonarray *a)
{
	hm__buf_free(&a->cur);
}
