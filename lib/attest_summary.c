/*
 * What a freshly written statement says about its inputs, for the summary
 * and the warnings `hallmark attest` prints: the record counts of a dataset,
 * a dirty training tree of a run. The statement is still written; the policy
 * decides (hallmark-policy(5)).
 */
#include "internal.h"
#include "provenance_impl.h"

#include <string.h>

static uint64_t count_of(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) > 0 ? (uint64_t)json_integer_value(v)
							       : 0;
}

int hm_dataset_statement_summary(hm_dataset_summary *out, const char *statement, size_t len)
{
	const json_t *pred, *stats, *scr;
	json_t *st;
	int rc;

	if (!out || !statement)
		return hm__err(HM_EINVAL, "hm_dataset_statement_summary: NULL argument");
	memset(out, 0, sizeof(*out));
	if ((rc = hm__json_parse(&st, statement, len, "dataset statement")) < 0)
		return rc;
	pred = json_object_get(st, "predicate");
	stats = json_object_get(pred, "stats");
	if (!json_is_object(stats) ||
	    !hm__json_str(st, "predicateType") ||
	    strcmp(hm__json_str(st, "predicateType"), HM_DATASET_PREDICATE_TYPE) != 0) {
		json_decref(st);
		return hm__err(HM_EFORMAT, "not a dataset statement with record statistics");
	}
	out->records = count_of(json_object_get(stats, "records"));
	out->invalid = count_of(json_object_get(stats, "invalid_records"));
	out->duplicates = count_of(json_object_get(stats, "duplicate_records"));
	scr = json_object_get(pred, "screening");
	out->screened = json_is_object(scr);
	out->flagged = count_of(json_object_get(scr, "flagged_records"));
	json_decref(st);
	return 0;
}

int hm_run_statement_dirty(int *dirty, const char *statement, size_t len)
{
	struct hm__run r;
	json_t *st;
	size_t i;
	int rc;

	if (!dirty || !statement)
		return hm__err(HM_EINVAL, "hm_run_statement_dirty: NULL argument");
	*dirty = 0;
	if ((rc = hm__json_parse(&st, statement, len, "run statement")) < 0)
		return rc;
	if ((rc = hm__run_parse(&r, st)) < 0) {
		json_decref(st);
		return rc;
	}
	if (!r.is_run)
		rc = hm__err(HM_EFORMAT, "not a fine-tuning run statement");
	for (i = 0; rc == 0 && i < r.ndeps; i++)
		if (r.deps[i].role && strcmp(r.deps[i].role, "training-code") == 0 && r.deps[i].dirty)
			*dirty = 1;
	hm__run_clear(&r);
	json_decref(st);
	return rc;
}
