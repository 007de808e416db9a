/*
 * fuzz/fuzz_dataset.h: what the dataset harnesses share: scan a buffer fed in
 * chunks of a given size, check the counters hold together, and hand back
 * the file's JSON so runs with different chunkings can be compared.
 */
#ifndef HM_FUZZ_DATASET_H
#define HM_FUZZ_DATASET_H

#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct fd_counts {
	uint64_t records, invalid, schema;
} fd_counts;

/* The scan's JSON (free with hm_free); aborts on any inconsistency. */
static char *fd_scan(hm_dataset_container c, const hm_screen *scr, const char *p, size_t n,
		     size_t chunk, size_t max, fd_counts *k)
{
	hm_dataset_options o = HM_DATASET_OPTIONS_INIT;
	hm_dataset_scan *s;
	size_t off;
	char *json;

	o.max_record_size = max;
	o.max_flagged = 4;
	if (hm_dataset_scan_new(&s, c, scr, &o) != 0)
		abort();
	for (off = 0; off < n; off += chunk)
		if (hm_dataset_scan_feed(s, p + off, n - off < chunk ? n - off : chunk) != 0)
			abort();
	if (hm_dataset_scan_finish(s) != 0 || hm_dataset_scan_json(&json, s) != 0)
		abort();
	k->records = hm_dataset_scan_count(s, HM_SCAN_RECORDS);
	k->invalid = hm_dataset_scan_count(s, HM_SCAN_INVALID);
	k->schema = hm_dataset_scan_count(s, HM_SCAN_SCHEMA_ERRORS);
	if (k->invalid > k->records || k->schema > k->invalid ||
	    hm_dataset_scan_count(s, HM_SCAN_DUPLICATES) > k->records ||
	    hm_dataset_scan_count(s, HM_SCAN_FLAGGED) > k->records ||
	    hm_dataset_scan_count(s, HM_SCAN_BYTES) != n || hm_dataset_scan_flagged_count(s) > 4 ||
	    (hm_dataset_scan_format(s) == HM_RECORDS_DOCUMENT && k->records))
		abort();
	hm_dataset_scan_free(s);
	return json;
}

/*
 * Scans p[0..n) whole and in chunks of `chunk` bytes (the results must
 * be the same) with the screen of `patterns`; *k gets the counts.
 */
static void fd_run(hm_dataset_container c, const char *patterns, const char *p, size_t n,
		   size_t chunk, size_t max, fd_counts *k)
{
	static hm_screen *scr;
	fd_counts k2;
	char *a, *b;

	if (!scr && hm_screen_parse(&scr, patterns, strlen(patterns), "fuzz") != 0)
		abort();
	a = fd_scan(c, scr, p, n, n ? n : 1, max, k);
	b = fd_scan(c, scr, p, n, chunk, max, &k2);
	if (strcmp(a, b) != 0)
		abort();
	hm_free(a);
	hm_free(b);
}

#endif
