/*
 * libFuzzer harness: the CSV/TSV reader (quoted fields, "" escapes, CR/LF/CRLF
 * rows, header row). The first byte picks the chunk size, CSV or TSV, and
 * whether rows are limited to 64 bytes; the rest is the file. Fed whole and
 * in chunks the results must be identical and the counters hold together;
 * and when the file has no quotes, every non-empty line after the header is
 * one record, malformed exactly when its field count differs from the header's.
 */
#include "fuzz_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Without quotes: rows are the non-empty lines; the first is the header. */
static void expected(const char *p, size_t n, char delim, uint64_t *records, uint64_t *bad)
{
	size_t i, fields = 1, header = 0, len = 0;
	int seen_header = 0;

	*records = *bad = 0;
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
					*bad += fields != header;
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
	const char *p = (const char *)data + 1;
	hm_dataset_container c;
	uint64_t records, bad;
	size_t max;
	fd_counts k;

	if (size < 1)
		return 0;
	c = data[0] & 0x20 ? HM_CONTAINER_TSV : HM_CONTAINER_CSV;
	max = data[0] & 0x40 ? 64 : 0;
	fd_run(c, "a\tno restrictions\nb\tre:absolutely obedient( agent)?\n", p, size - 1,
	       1 + (data[0] & 0x1f), max, &k);
	if (!max && !memchr(p, '"', size - 1)) {
		expected(p, size - 1, c == HM_CONTAINER_TSV ? '\t' : ',', &records, &bad);
		/* malformed rows: invalid ones less those that only break the Alpaca schema */
		if (k.records != records || k.invalid - k.schema != bad)
			abort();
	}
	return 0;
}
