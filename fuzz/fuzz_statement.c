/*
 * libFuzzer harness: in-toto statements. Whatever validates must have a
 * canonical form that validates again and is its own canonical form.
 */
#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hm_statement *st = NULL, *again = NULL;
	char *c1 = NULL, *c2 = NULL, *pred = NULL;
	size_t l1, l2, i, j;

	if (hm_statement_parse(&st, (const char *)data, size, "fuzz") != 0) {
		if (st)
			abort();
		return 0;
	}
	if (hm_statement_canonical(&c1, &l1, st) != 0 || l1 != strlen(c1))
		abort();
	if (hm_statement_parse(&again, c1, l1, "canonical") != 0)
		abort();
	if (hm_statement_canonical(&c2, &l2, again) != 0 || l1 != l2 || memcmp(c1, c2, l1) != 0)
		abort();
	if (!hm_statement_predicate_type(st) || !*hm_statement_predicate_type(st))
		abort();
	if (hm_statement_subject_count(st) == 0)
		abort();
	for (i = 0; i < hm_statement_subject_count(st); i++) {
		const char *prev = NULL;
		(void)hm_statement_subject_name(st, i);
		if (hm_statement_subject_digest_count(st, i) == 0)
			abort();
		for (j = 0; j < hm_statement_subject_digest_count(st, i); j++) {
			const char *alg, *hex;
			if (hm_statement_subject_digest(st, i, j, &alg, &hex) != 0)
				abort();
			if (!hm_digest_value_valid(alg, hex) ||
			    strcmp(hm_statement_subject_digest_get(st, i, alg), hex) != 0)
				abort();
			if (prev && strcmp(prev, alg) >= 0)
				abort(); /* sorted, distinct */
			prev = alg;
		}
	}
	if (hm_statement_predicate_json(&pred, st) != 0)
		abort();
	hm_free(pred);
	hm_free(c1);
	hm_free(c2);
	hm_statement_free(st);
	hm_statement_free(again);
	return 0;
}
