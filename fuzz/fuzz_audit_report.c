/*
 * libFuzzer harness: safety-audit predicates read back from statements (what
 * `hallmark verify` does with a signed audit). Anything accepted must answer
 * every accessor consistently.
 */
#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hm_statement *st = NULL;
	hm_audit_report *r = NULL;
	const hm_audit_metrics *m;
	size_t i;

	if (hm_statement_parse(&st, (const char *)data, size, "fuzz") < 0)
		return 0;
	if (hm_audit_report_parse(&r, st) < 0) {
		if (r)
			abort();
		hm_statement_free(st);
		return 0;
	}
	hm_statement_free(st); /* the report must not borrow from the statement */
	if (!hm_audit_report_benchmark(r) || !hm_audit_report_time(r) ||
	    hm_audit_report_format(r) == HM_AUDIT_FORMAT_AUTO || hm_audit_report_result_count(r) == 0)
		abort();
	for (i = 0; i < hm_audit_report_result_count(r); i++)
		if (strlen(hm_audit_report_result_digest(r, i)) != 64 ||
		    !hm_audit_report_result_name(r, i))
			abort();
	m = hm_audit_report_metrics(r);
	if (!m || hm_audit_metrics_format(m) != hm_audit_report_format(r))
		abort();
	for (i = 0; i < hm_audit_metrics_category_count(m); i++)
		if (!hm_audit_metrics_category_find(m, hm_audit_metrics_category_name(m, i)))
			abort();
	if (hm_audit_report_adapter_base_digest(r) &&
	    strlen(hm_audit_report_adapter_base_digest(r)) != 64)
		abort();
	if (!hm_audit_report_baseline_digest(r) != !hm_audit_report_delta(r) ||
	    !hm_audit_report_baseline_digest(r) != !hm_audit_report_baseline_metrics(r))
		abort();
	hm_audit_report_free(r);
	return 0;
}
