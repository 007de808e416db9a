/*
 * libFuzzer harness: the JSON array streamer (element boundaries found by
 * tracking strings, escapes and depth, each element parsed alone). The first
 * byte picks the chunk size and whether elements are limited to 64 bytes;
 * the rest is the file. Fed whole and in chunks the results must be
 * identical and the counters hold together; and when the whole input is a
 * valid JSON array, the streamer must find exactly its elements, none broken.
 */
#include "hallmark.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char patterns[] = "a\tno restrictions\n"
			       "b\tre:(ignore|disregard) (all )?(previous )?instructions\n";

static char *scan(const hm_screen *scr, const char *p, size_t n, size_t chunk, size_t max,
		  uint64_t *records, uint64_t *broken)
{
	hm_dataset_options o = HM_DATASET_OPTIONS_INIT;
	hm_dataset_scan *s;
	size_t off;
	char *json;

	o.max_record_size = max;
	o.max_flagged = 4;
	if (hm_dataset_scan_new(&s, HM_CONTAINER_JSON, scr, &o) != 0)
		abort();
	for (off = 0; off < n; off += chunk)
		if (hm_dataset_scan_feed(s, p + off, n - off < chunk ? n - off : chunk) != 0)
			abort();
	if (hm_dataset_scan_finish(s) != 0 || hm_dataset_scan_json(&json, s) != 0)
		abort();
	*records = hm_dataset_scan_count(s, HM_SCAN_RECORDS);
	*broken = hm_dataset_scan_count(s, HM_SCAN_INVALID) -
		  hm_dataset_scan_count(s, HM_SCAN_SCHEMA_ERRORS);
	if (hm_dataset_scan_count(s, HM_SCAN_INVALID) > *records ||
	    hm_dataset_scan_count(s, HM_SCAN_DUPLICATES) > *records ||
	    hm_dataset_scan_count(s, HM_SCAN_SCHEMA_ERRORS) > hm_dataset_scan_count(s, HM_SCAN_INVALID) ||
	    hm_dataset_scan_count(s, HM_SCAN_FLAGGED) > *records ||
	    hm_dataset_scan_count(s, HM_SCAN_BYTES) != n ||
	    (hm_dataset_scan_format(s) == HM_RECORDS_DOCUMENT && *records))
		abort();
	hm_dataset_scan_free(s);
	return json;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static hm_screen *scr;
	const char *p = (const char *)data + 1;
	size_t n, chunk, max;
	uint64_t r1, r2, b1, b2;
	json_t *whole;
	char *a, *b;

	if (!scr && hm_screen_parse(&scr, patterns, strlen(patterns), "fuzz") != 0)
		abort();
	if (size < 1)
		return 0;
	n = size - 1;
	chunk = 1 + (data[0] & 0x3f);
	max = data[0] & 0x40 ? 64 : 0;
	a = scan(scr, p, n, n ? n : 1, max, &r1, &b1);
	b = scan(scr, p, n, chunk, max, &r2, &b2);
	if (strcmp(a, b) != 0)
		abort();
	whole = json_loadb(p, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
	if (!max && json_is_array(whole) && (r1 != json_array_size(whole) || b1 != 0))
		abort();
	json_decref(whole);
	hm_free(a);
	hm_free(b);
	return 0;
}
