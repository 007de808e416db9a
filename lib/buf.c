/* Growable byte buffers. */
#include "internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int hm__buf_grow(hm_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return hm__err_oom();
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return hm__err_oom();
	b->data = p;
	b->cap = cap;
	return 0;
}

int hm__buf_put(hm_buf *b, const void *data, size_t len)
{
	if (hm__buf_grow(b, len) < 0)
		return HM_ENOMEM;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int hm__buf_puts(hm_buf *b, const char *s)
{
	return hm__buf_put(b, s, strlen(s));
}

int hm__buf_printf(hm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return hm__err(HM_ERROR, "formatting failed");
	if (hm__buf_grow(b, (size_t)n) < 0)
		return HM_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *hm__buf_detach(hm_buf *b, size_t *len)
{
	char *p = b->data;

	if (!p) {
		p = calloc(1, 1);
		if (!p) {
			hm__err_oom();
			return NULL;
		}
	}
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void hm__buf_free(hm_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
