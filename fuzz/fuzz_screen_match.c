/*
 * libFuzzer harness: the one-pass literal matchers of the screening (the
 * hashed-prefix matcher, Hyperscan for the sets it declines) against the
 * search pattern by pattern. The first line of the input holds up to 16
 * plain patterns separated by '|', the rest is the text; both searches must
 * flag the same categories.
 */
#include "dataset_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *nl = memchr(p, '\n', size);
	size_t head = nl ? (size_t)(nl - p) : size, i, start = 0, k = 0, n1, n2;
	hm_buf pats = HM_BUF_INIT;
	unsigned char one[16], each[16];
	hm_screen *s;

	if (!nl || memchr(p, '\0', head) || memchr(p, '\t', head))
		return 0;
	/* pattern k in category ck, so every pattern reports on its own */
	for (i = 0; i <= head && k < 16; i++) {
		if (i < head && p[i] != '|')
			continue;
		if (i > start && (hm__buf_printf(&pats, "c%zu\tstr:", k) < 0 ||
				  hm__buf_put(&pats, p + start, i - start) < 0 ||
				  hm__buf_put(&pats, "\n", 1) < 0))
			abort();
		k += i > start;
		start = i + 1;
	}
	if (!pats.len || hm_screen_parse(&s, pats.data, pats.len, "fuzz") != 0) {
		hm__buf_free(&pats);
		return 0; /* an empty pattern after normalization, say */
	}
	memset(one, 0, sizeof(one));
	memset(each, 0, sizeof(each));
	if (hm_screen_match(&n1, one, s, nl + 1, size - head - 1) != 0)
		abort();
	hm__screen_use_multi(s, 0);
	if (hm_screen_match(&n2, each, s, nl + 1, size - head - 1) != 0)
		abort();
	if (n1 != n2 || memcmp(one, each, sizeof(one)) != 0)
		abort();
	hm_screen_free(s);
	hm__buf_free(&pats);
	return 0;
}
