/* Cuts a byte stream into lines (JSONL, text datasets), chunk by chunk. */
#include "dataset_impl.h"

#include <string.h>

void hm__lines_init(hm__lines *l, size_t max, hm__record_fn fn, void *ctx)
{
	memset(l, 0, sizeof(*l));
	l->max = max;
	l->fn = fn;
	l->ctx = ctx;
}

static int append(hm__lines *l, const char *p, size_t n)
{
	if (l->oversized)
		return 0;
	if (n > l->max - l->cur.len) {
		l->oversized = 1;
		hm__buf_free(&l->cur);
		return 0;
	}
	return hm__buf_put(&l->cur, p, n);
}

static int emit(hm__lines *l)
{
	hm__record r = { l->cur.data ? l->cur.data : "", l->cur.len, NULL, 0, NULL, 0 };
	int rc;

	if (l->oversized) {
		r.data = "";
		r.len = 0;
		r.error = "oversized";
	} else if (r.len && r.data[r.len - 1] == '\r') {
		r.len--;
	}
	rc = l->fn(l->ctx, &r);
	l->cur.len = 0;
	l->oversized = 0;
	return rc;
}

/* A whole line inside the chunk goes out where it lies, without a copy. */
static int emit_in_place(hm__lines *l, const char *p, size_t len, size_t rest)
{
	hm__record r = { p, len, NULL, 0, NULL, rest };

	if (len > l->max) {
		r.data = "";
		r.len = 0;
		r.pad = 0;
		r.error = "oversized";
	} else if (len && p[len - 1] == '\r') {
		r.len--;
		r.pad++;
	}
	return l->fn(l->ctx, &r);
}

int hm__lines_feed(hm__lines *l, const char *p, size_t n)
{
	int rc;

	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;

		if (nl && l->cur.len == 0 && !l->oversized) {
			if ((rc = emit_in_place(l, p, take, n - take)) < 0)
				return rc;
			p += take + 1;
			n -= take + 1;
			continue;
		}

		if ((rc = append(l, p, take)) < 0)
			return rc;
		if (!nl)
			break;
		if ((rc = emit(l)) < 0)
			return rc;
		p += take + 1;
		n -= take + 1;
	}
	return 0;
}

int hm__lines_finish(hm__lines *l)
{
	/* A last line without a newline is still a line; an empty tail is none. */
	if (l->cur.len == 0 && !l->oversized)
		return 0;
	return emit(l);
}

void hm__lines_free(hm__lines *l)
{
	hm__buf_free(&l->cur);
}
