/*
 * libFuzzer harness: JSONL dataset files through the streaming scanner (line
 * splitter, record parsing, chat-format checks, duplicates, screening). The
 * first byte picks the chunk size and whether records are limited to 64
 * bytes; the rest is the file. Fed whole and in chunks the results must be
 * identical, the counters must hold together, and without a limit every
 * non-blank line is exactly one record.
 */
#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char patterns[] = "a\tno restrictions\n"
			       "b\tre:you are (now|no longer) [a-z]+\n"
			       "c\tre:(^|[^a-z])aoa([^a-z]|$)\n";

/* The file's results as JSON, fed in chunks of `chunk` bytes. */
static char *scan(const hm_screen *scr, const char *p, size_t n, size_t chunk, size_t max,
		  uint64_t *records)
{
	hm_dataset_options o = HM_DATASET_OPTIONS_INIT;
	hm_dataset_scan *s;
	size_t off;
	char *json;

	o.max_record_size = max;
	o.max_flagged = 4;
	if (hm_dataset_scan_new(&s, HM_CONTAINER_JSONL, scr, &o) != 0)
		abort();
	for (off = 0; off < n; off += chunk)
		if (hm_dataset_scan_feed(s, p + off, n - off < chunk ? n - off : chunk) != 0)
			abort();
	if (hm_dataset_scan_finish(s) != 0 || hm_dataset_scan_json(&json, s) != 0)
		abort();
	*records = hm_dataset_scan_count(s, HM_SCAN_RECORDS);
	if (hm_dataset_scan_count(s, HM_SCAN_INVALID) > *records ||
	    hm_dataset_scan_count(s, HM_SCAN_DUPLICATES) > *records ||
	    hm_dataset_scan_count(s, HM_SCAN_SCHEMA_ERRORS) > hm_dataset_scan_count(s, HM_SCAN_INVALID) ||
	    hm_dataset_scan_count(s, HM_SCAN_FLAGGED) > *records ||
	    hm_dataset_scan_count(s, HM_SCAN_BYTES) != n || hm_dataset_scan_flagged_count(s) > 4)
		abort();
	hm_dataset_scan_free(s);
	return json;
}

/* Lines that hold something besides spaces, tabs and CRs (after a leading BOM). */
static uint64_t nonblank_lines(const char *p, size_t n)
{
	uint64_t lines = 0;
	int blank = 1;
	size_t i;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		n -= 3;
	}
	for (i = 0; i <= n; i++) {
		if (i == n || p[i] == '\n') {
			lines += !blank;
			blank = 1;
		} else if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') {
			blank = 0;
		}
	}
	return lines;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static hm_screen *scr;
	const char *p = (const char *)data + 1;
	size_t n, chunk, max;
	uint64_t r1, r2;
	char *a, *b;

	if (!scr && hm_screen_parse(&scr, patterns, strlen(patterns), "fuzz") != 0)
		abort();
	if (size < 1)
		return 0;
	n = size - 1;
	chunk = 1 + (data[0] & 0x3f);
	max = data[0] & 0x40 ? 64 : 0;
	a = scan(scr, p, n, n ? n : 1, max, &r1);
	b = scan(scr, p, n, chunk, max, &r2);
	if (strcmp(a, b) != 0)
		abort();
	if (!max && r1 != nonblank_lines(p, n))
		abort();
	hm_free(a);
	hm_free(b);
	return 0;
}
