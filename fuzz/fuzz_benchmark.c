/*
 * libFuzzer harness: benchmark registry files (hallmark-benchmark(5)). Whatever
 * is accepted must hold together: the categories add up to the item count,
 * every item is found again by its id (and prompt digest) in its category.
 */
#include "benchmark_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hm_benchmark *b = NULL;
	size_t i, total = 0, unknown = 0;

	if (hm_benchmark_parse(&b, (const char *)data, size, "fuzz.json") < 0) {
		if (b)
			abort();
		return 0;
	}
	for (i = 0; i < hm_benchmark_category_count(b); i++) {
		total += hm_benchmark_category_items(b, i);
		unknown += hm_benchmark_category_items(b, i) == 0;
	}
	if ((unknown ? total > hm_benchmark_item_count(b) : total != hm_benchmark_item_count(b)) ||
	    !hm_benchmark_matches(b, hm_benchmark_name(b)) ||
	    (unknown && hm_benchmark_has_items(b)) ||
	    (hm_benchmark_has_prompt_digests(b) && !hm_benchmark_has_items(b)))
		abort();
	for (i = 0; hm_benchmark_has_items(b) && i < hm_benchmark_item_count(b); i++) {
		const char *h = hm_benchmark_item_prompt_sha256(b, i);
		if (hm_benchmark_item_find(b, hm_benchmark_item_id(b, i)) != (long)i ||
		    hm_benchmark_category_find(b, hm_benchmark_item_category(b, i)) < 0 ||
		    !h != !hm_benchmark_has_prompt_digests(b) ||
		    (h && hm_benchmark_item_find_prompt(b, h) != (long)i))
			abort();
	}
	for (i = 0; i < hm_benchmark_alias_count(b); i++)
		if (!hm_benchmark_matches(b, hm_benchmark_alias(b, i)))
			abort();
	hm_benchmark_free(b);
	return 0;
}
