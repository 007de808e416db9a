/*
 * UTF-8 validation, strict (RFC 3629): no overlong forms, no surrogates
 * (U+D800-U+DFFF), nothing above U+10FFFF, no truncated sequences. The same
 * rules jansson applies to JSON strings, so text that passes here can be
 * written into any JSON document we emit.
 */
#include "internal.h"

#include <string.h>

int hm__utf8_valid_len(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned long c;
		size_t k, i;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf) { /* 0xc0, 0xc1 only start overlongs */
			k = 1;
			c = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			k = 2;
			c = *p & 0x0f;
		} else if (*p >= 0xf0 && *p <= 0xf4) { /* 0xf5.. start past U+10FFFF */
			k = 3;
			c = *p & 0x07;
		} else {
			return 0; /* a continuation byte, or no lead byte at all */
		}
		if ((size_t)(end - p) <= k)
			return 0;
		for (i = 1; i <= k; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (p[i] & 0x3f);
		}
		if ((k == 2 && c < 0x800) || (k == 3 && (c < 0x10000 || c > 0x10ffff)) ||
		    (c >= 0xd800 && c <= 0xdfff))
			return 0;
		p += k + 1;
	}
	return 1;
}

int hm__utf8_valid(const char *s)
{
	return s && hm__utf8_valid_len(s, strlen(s));
}
