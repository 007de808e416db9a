/*
 * libFuzzer harness: the CSV/TSV reader (quoted fields, "" escapes, CR/LF/CRLF
 * rows, header row). The first byte picks the chunk size, CSV or TSV, and
 * whether rows are limited to 64 bytes; the rest is the file. Fed whole and
 * in chunks the results must be identical and the counters hold together;
 * and when the file has no quotes, every non-empty line after the header is
 * one record, malformed exactly when its field count differs from the header's.
 */
#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char patterns[] = "a\tno restrictions\n"
			       "b\tre:absolutely obedient( agent)?\n";

static char *scan(hm_dataset_container c, const hm_screen *scr, const char *p, size_t n,
		  size_t chunk, size_t max, uint64_t *records, uint64_t *invalid)
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
	*records = hm_dataset_scan_count(s, HM_SCAN_RECORDS);
	*invalid = hm_dataset_scan_count(s, HM_SCAN_INVALID);
	if (hm_dataset_scan_count(s, HM_SCAN_SCHEMA_ERRORS) > *invalid)
		abort();
	*invalid -= hm_dataset_scan_count(s, HM_SCAN_SCHEMA_ERRORS); /* the malformed rows */
	if (*invalid > *records || hm_dataset_scan_count(s, HM_SCAN_DUPLICATES) > *records ||
	    hm_dataset_scan_count(s, HM_SCAN_FLAGGED) > *records ||
	    hm_dataset_scan_count(s, HM_SCAN_BYTES) != n)
		abort();
	hm_dataset_scan_free(s);
	return json;
}

/* Without quotes: rows are the non-empty lines; the first is the header. */
static void expected(const char *p, size_t n, char delim, uint64_t *records, uint64_t *invalid)
{
	size_t i, fields = 1, header = 0, len = 0;
	int seen_header = 0;

	*records = *invalid = 0;
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		n -= 3;
	}
	for (i = 0; i <= n; i++) {
		if (i == n || p[i] == '\n' || p[i] == '\r') {
			if (len) {
				if (!seen_header) {
					seen_header = 1;
					header = fields;
				} else {
					++*records;
					*invalid += fields != header;
				}
			}
			fields = 1;
			len = 0;
		} else {
			len++;
			fields += p[i] == delim;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static hm_screen *scr;
	const char *p = (const char *)data + 1;
	hm_dataset_container c;
	size_t n, chunk, max;
	uint64_t r1, r2, i1, i2, er, ei;
	char *a, *b;

	if (!scr && hm_screen_parse(&scr, patterns, strlen(patterns), "fuzz") != 0)
		abort();
	if (size < 1)
		return 0;
	n = size - 1;
	chunk = 1 + (data[0] & 0x1f);
	c = data[0] & 0x20 ? HM_CONTAINER_TSV : HM_CONTAINER_CSV;
	max = data[0] & 0x40 ? 64 : 0;
	a = scan(c, scr, p, n, n ? n : 1, max, &r1, &i1);
	b = scan(c, scr, p, n, chunk, max, &r2, &i2);
	if (strcmp(a, b) != 0)
		abort();
	if (!max && !memchr(p, '"', n)) {
		expected(p, n, c == HM_CONTAINER_TSV ? '\t' : ',', &er, &ei);
		if (r1 != er || i1 != ei)
			abort();
	}
	hm_free(a);
	hm_free(b);
	return 0;
}
