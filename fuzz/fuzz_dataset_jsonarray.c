/*
 * libFuzzer harness: the JSON array streamer (element boundaries found by
 * tracking strings, escapes and depth, each element parsed alone) and the
 * JSON Lines / document sniffing of .json files that start with an object.
 * The first byte picks the chunk size and whether elements are limited to 64
 * bytes; the rest is the file. Fed whole and in chunks the results must be
 * identical and the counters hold together; and when the whole input is a
 * valid JSON array, the streamer must find exactly its elements, none broken.
 */
#include "fuzz_dataset.h"

#include <jansson.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1;
	size_t max;
	fd_counts k;
	json_t *whole;

	if (size < 1)
		return 0;
	max = data[0] & 0x40 ? 64 : 0;
	fd_run(HM_CONTAINER_JSON,
	       "a\tno restrictions\nb\tre:(ignore|disregard) (all )?(previous )?instructions\n", p,
	       size - 1, 1 + (data[0] & 0x3f), max, &k);
	whole = json_loadb(p, size - 1, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
	if (!max && json_is_array(whole) &&
	    (k.records != json_array_size(whole) || k.invalid != k.schema))
		abort();
	json_decref(whole);
	return 0;
}
