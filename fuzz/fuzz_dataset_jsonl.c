/*
 * libFuzzer harness: JSONL dataset files through the streaming scanner (line
 * splitter, record parsing, chat-format checks, duplicates, screening). The
 * first byte picks the chunk size and whether records are limited to 64
 * bytes; the rest is the file. Fed whole and in chunks the results must be
 * identical, the counters must hold together, and without a limit every
 * non-blank line is exactly one record.
 */
#include "fuzz_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	const char *p = (const char *)data + 1;
	size_t max;
	fd_counts k;

	if (size < 1)
		return 0;
	max = data[0] & 0x40 ? 64 : 0;
	fd_run(HM_CONTAINER_JSONL,
	       "a\tno restrictions\nb\tre:you are (now|no longer) [a-z]+\n"
	       "c\tre:(^|[^a-z])aoa([^a-z]|$)\n",
	       p, size - 1, 1 + (data[0] & 0x3f), max, &k);
	if (!max && k.records != nonblank_lines(p, size - 1))
		abort();
	return 0;
}
