/*
 * Escaping attested text for terminals (hallmark/text.h): control characters,
 * bidi controls and bytes that are not UTF-8 become visible escapes.
 */
#include "internal.h"
#include "hallmark/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The length of the valid UTF-8 sequence at s (at most n bytes) and its code
 * point, or 0 when the bytes there are not one (RFC 3629: no overlong forms,
 * no surrogates, nothing past U+10FFFF).
 */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t need, i;
	unsigned long c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return need;
}

/* 1 for the code points shown as \uHHHH. */
static int escaped_code_point(unsigned long c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x061c || c == 0x200e || c == 0x200f ||
	       (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

struct out {
	char *dst;
	size_t size, len;
};

static void put(struct out *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, o->len++)
		if (o->len + 1 < o->size)
			o->dst[o->len] = s[i];
}

size_t hm_text_escape_into(char *dst, size_t size, const char *text, size_t len,
			   unsigned int flags)
{
	const unsigned char *s = (const unsigned char *)text;
	struct out o = { dst, size, 0 };
	char esc[16];
	size_t i = 0, n;
	unsigned long c;

	while (text && i < len) {
		n = utf8_decode(s + i, len - i, &c);
		if (n == 0) {
			snprintf(esc, sizeof(esc), "\\x%02x", s[i]);
			put(&o, esc, 4);
			i++;
			continue;
		}
		if (c == '\\' && !(flags & HM_TEXT_KEEP_BACKSLASHES))
			put(&o, "\\\\", 2);
		else if (c == '\\')
			put(&o, "\\", 1);
		else if (c == '\n' && (flags & HM_TEXT_KEEP_NEWLINES))
			put(&o, "\n", 1);
		else if (c == '\n')
			put(&o, "\\n", 2);
		else if (c == '\r')
			put(&o, "\\r", 2);
		else if (c == '\t')
			put(&o, "\\t", 2);
		else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02lx", c);
			put(&o, esc, 4);
		} else if (escaped_code_point(c)) {
			snprintf(esc, sizeof(esc), "\\u%04lx", c);
			put(&o, esc, 6);
		} else {
			put(&o, text + i, n);
		}
		i += n;
	}
	if (size)
		dst[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

int hm_text_escape(char **out, const char *s, size_t len, unsigned int flags)
{
	size_t n = hm_text_escape_into(NULL, 0, s, len, flags);

	if (!(*out = malloc(n + 1)))
		return hm__err_oom();
	hm_text_escape_into(*out, n + 1, s, len, flags);
	return 0;
}

int hm__buf_text(hm_buf *b, const char *s, size_t width)
{
	char *e = NULL;
	size_t n;
	int rc;

	if (!s)
		s = "";
	if ((rc = hm_text_escape(&e, s, strlen(s), 0)) < 0)
		return rc;
	n = strlen(e);
	rc = hm__buf_put(b, e, n);
	for (; rc == 0 && n < width; n++)
		rc = hm__buf_put(b, " ", 1);
	free(e);
	return rc;
}
