/*
 * libFuzzer harness: safety-audit results (the JSONL record formats, lm-eval
 * and inspect documents). The first byte picks the format (auto-detect
 * included) and whether a category is forced; a NUL byte splits the rest into
 * two files. Whatever is accepted must hold together: counts add up, and the
 * metrics JSON reads back through the predicate reader's arithmetic checks.
 */
#include "audit_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_values(const hm_audit_values *v, hm_audit_kind kind)
{
	size_t k, total = 0;

	for (k = 0; k < 5; k++)
		total += v->score_counts[k];
	if (kind == HM_AUDIT_KIND_JUDGED && total != v->n)
		abort();
	if (v->jailbroken > v->n || v->harmfulness_rate < 0 || v->harmfulness_rate > 1 ||
	    v->attack_success_rate < 0 || v->attack_success_rate > 1)
		abort();
	if (kind == HM_AUDIT_KIND_JUDGED && (v->harmfulness_score < 1 || v->harmfulness_score > 5))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hm_audit_input in[2] = { { "results/category_3.jsonl", NULL, 0 },
				 { "results/category_10.jsonl", NULL, 0 } };
	hm_audit_metrics *m = NULL, *back = NULL;
	const char *text, *nul;
	hm_audit_format f;
	size_t n = 1, i;
	char *json;
	json_t *j;

	if (size < 1)
		return 0;
	f = (hm_audit_format)(data[0] % 7);
	text = (const char *)data + 1;
	in[0].data = text;
	in[0].len = size - 1;
	nul = memchr(text, '\0', size - 1);
	if (nul) {
		in[0].len = (size_t)(nul - text);
		in[1].data = nul + 1;
		in[1].len = size - 1 - in[0].len - 1;
		n = 2;
	}
	if (hm_audit_metrics_from_buffers(&m, f, (data[0] & 0x80) ? "forced" : NULL, in, n) < 0) {
		if (m)
			abort();
		return 0;
	}
	if (hm_audit_metrics_format(m) == HM_AUDIT_FORMAT_AUTO ||
	    hm_audit_metrics_input_count(m) != n)
		abort();
	check_values(hm_audit_metrics_overall(m), hm_audit_metrics_kind(m));
	for (i = 0; i < hm_audit_metrics_category_count(m); i++) {
		check_values(hm_audit_metrics_category(m, i), hm_audit_metrics_kind(m));
		if (hm_audit_metrics_category_find(m, hm_audit_metrics_category_name(m, i)) !=
		    hm_audit_metrics_category(m, i))
			abort();
	}
	if (hm_audit_metrics_json(&json, m) < 0)
		abort();
	j = json_loads(json, 0, NULL);
	if (!j || hm__audit_metrics_from_json(&back, hm_audit_metrics_format(m), j, "metrics") < 0)
		abort();
	if (hm_audit_metrics_category_count(back) != hm_audit_metrics_category_count(m) ||
	    hm_audit_metrics_overall(back)->n != hm_audit_metrics_overall(m)->n)
		abort();
	json_decref(j);
	hm_free(json);
	hm_audit_metrics_free(back);
	hm_audit_metrics_free(m);
	return 0;
}
