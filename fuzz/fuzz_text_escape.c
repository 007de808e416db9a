/*
 * libFuzzer harness: hm_text_escape, which every text output of attested
 * strings goes through. For any bytes the escaped text must hold no C0
 * control, DEL, C1 or bidi control and no byte that is not UTF-8, and the
 * snprintf-like form must agree with the allocating one.
 */
#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort()s when s holds a byte or code point that should have been escaped. */
static void check_inert(const unsigned char *s, int keep_lf)
{
	while (*s) {
		if (*s < 0x20 && !(keep_lf && *s == '\n'))
			abort();
		if (*s == 0x7f || (*s >= 0x80 && *s < 0xc2) || *s > 0xf4)
			abort();
		if (*s == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
			abort(); /* C1 */
		if (*s == 0xe2 && s[1] == 0x80 && ((s[2] >= 0xaa && s[2] <= 0xae) || s[2] == 0x8e ||
						   s[2] == 0x8f || s[2] == 0xa8 || s[2] == 0xa9))
			abort(); /* U+202A-U+202E, U+200E, U+200F, U+2028, U+2029 */
		if (*s == 0xe2 && s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)
			abort(); /* U+2066-U+2069 */
		if (*s == 0xd8 && s[1] == 0x9c)
			abort(); /* U+061C */
		if (*s == 0xed && s[1] >= 0xa0)
			abort(); /* a surrogate */
		s += *s < 0x80 ? 1 : *s < 0xe0 ? 2 : *s < 0xf0 ? 3 : 4;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a = NULL, small[16];
	unsigned int flags;
	size_t n;

	for (flags = 0; flags < 4; flags++) {
		if (hm_text_escape(&a, (const char *)data, size, flags) < 0)
			return 0;
		check_inert((const unsigned char *)a, flags & HM_TEXT_KEEP_NEWLINES);
		n = hm_text_escape_into(small, sizeof(small), (const char *)data, size, flags);
		if (n != strlen(a) || strncmp(small, a, sizeof(small) - 1) != 0)
			abort();
		hm_free(a);
	}
	return 0;
}
