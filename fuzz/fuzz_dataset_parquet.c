/*
 * libFuzzer harness: the Parquet reader (footer in the Thrift compact protocol,
 * page headers, snappy/gzip/zstd pages, RLE/bit-packed levels and dictionary
 * indices, nested LIST columns). The input is the file. Whatever it holds, the
 * scan either fails with a message or its counters hold together; nothing
 * crashes, reads out of bounds or leaks.
 */
#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* lib/dataset_impl.h: a Parquet file in a buffer into a scan. */
int hm__dataset_scan_parquet_buffer(hm_dataset_scan *s, const void *p, size_t n, const char *name);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static hm_screen *scr;
	hm_dataset_scan *s;
	uint64_t records, invalid;
	char *json;

	static const char pat[] = "a\tno restrictions\nb\tre:your new name is\n";

	if (!scr && hm_screen_parse(&scr, pat, strlen(pat), "fuzz") != 0)
		abort();
	if (hm_dataset_scan_new(&s, HM_CONTAINER_PARQUET, scr, NULL) != 0)
		abort();
	if (hm_dataset_scan_feed(s, data, size) != 0)
		abort();
	if (hm__dataset_scan_parquet_buffer(s, data, size, "fuzz.parquet") != 0) {
		if (!*hm_error_last())
			abort(); /* a failure always says why */
		hm_dataset_scan_free(s);
		return 0;
	}
	if (hm_dataset_scan_finish(s) != 0 || hm_dataset_scan_json(&json, s) != 0)
		abort();
	records = hm_dataset_scan_count(s, HM_SCAN_RECORDS);
	invalid = hm_dataset_scan_count(s, HM_SCAN_INVALID);
	if (invalid > records || hm_dataset_scan_count(s, HM_SCAN_DUPLICATES) > records ||
	    hm_dataset_scan_count(s, HM_SCAN_FLAGGED) > records ||
	    hm_dataset_scan_count(s, HM_SCAN_BYTES) != size)
		abort();
	hm_free(json);
	hm_dataset_scan_free(s);
	return 0;
}
