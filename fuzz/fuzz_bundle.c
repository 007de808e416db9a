/*
 * libFuzzer harness: bundle files (JSON Lines). The lines must cover the
 * input exactly, without newlines; each line is inspected as an envelope.
 */
#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hm_bundle *b = NULL;
	size_t i, len, total = 0, newlines = 0;

	if (hm_bundle_parse(&b, (const char *)data, size) != 0)
		abort(); /* any bytes are some lines */
	for (i = 0; i < size; i++)
		newlines += data[i] == '\n';
	/* n lines: one per newline, plus a last one without a final newline */
	if (hm_bundle_line_count(b) != newlines + (size && data[size - 1] != '\n'))
		abort();
	for (i = 0; i < hm_bundle_line_count(b); i++) {
		const char *l = hm_bundle_line(b, i, &len);
		hm_envelope *env = NULL;
		hm_statement *st = NULL;
		if (!l || memchr(l, '\n', len))
			abort();
		total += len;
		if (i < 16) {
			(void)hm_attestation_inspect(&env, &st, l, len);
			hm_envelope_free(env);
			hm_statement_free(st);
		}
	}
	if (total > size || hm_bundle_line(b, hm_bundle_line_count(b), &len))
		abort();
	hm_bundle_free(b);
	return 0;
}
