/* The results of a dataset scan: counters, and the JSON of the predicate's entries. */
#include "dataset_scan_impl.h"

#include <string.h>

uint64_t hm_dataset_scan_count(const hm_dataset_scan *s, hm_scan_counter which)
{
	switch (which) {
	case HM_SCAN_RECORDS: return s->records;
	case HM_SCAN_INVALID: return s->invalid;
	case HM_SCAN_DUPLICATES: return s->dups;
	case HM_SCAN_BYTES: return s->bytes;
	case HM_SCAN_SCHEMA_ERRORS: return s->schema_errors;
	case HM_SCAN_FLAGGED: return s->flagged;
	default: return 0;
	}
}

hm_record_format hm_dataset_scan_format(const hm_dataset_scan *s)
{
	return s->format;
}

uint64_t hm_dataset_scan_errors(const hm_dataset_scan *s, const char *kind)
{
	int k = hm__kind_of(kind);

	return k >= 0 ? s->final_kinds[k] : 0;
}

uint64_t hm_dataset_scan_category(const hm_dataset_scan *s, const char *category)
{
	size_t i;

	if (!s->screen)
		return 0;
	for (i = 0; i < hm_screen_category_count(s->screen); i++)
		if (strcmp(hm_screen_category_name(s->screen, i), category) == 0)
			return s->cat_counts[i];
	return 0;
}

size_t hm_dataset_scan_flagged_count(const hm_dataset_scan *s)
{
	return s->nflagged_idx;
}

uint64_t hm_dataset_scan_flagged_index(const hm_dataset_scan *s, size_t i)
{
	return i < s->nflagged_idx ? s->flagged_idx[i] : 0;
}

const char *hm__dataset_scan_sha256(const hm_dataset_scan *s)
{
	return s->sha256;
}

uint64_t hm__dataset_scan_cross_duplicates(const hm_dataset_scan *s)
{
	return s->cross_dups;
}

const uint64_t *hm__dataset_scan_categories(const hm_dataset_scan *s)
{
	return s->cat_counts;
}

static json_t *count(uint64_t n)
{
	return json_integer((json_int_t)n);
}

json_t *hm__dataset_scan_stats_json(const hm_dataset_scan *s)
{
	json_t *o = json_object(), *errs = json_object();
	int k;

	if (!o || !errs) {
		json_decref(o);
		json_decref(errs);
		return NULL;
	}
	for (k = 0; k < HM__K_COUNT; k++)
		if (s->final_kinds[k])
			json_object_set_new(errs, hm__kind_names[k], count(s->final_kinds[k]));
	json_object_set_new(o, "container",
			    json_string(hm_dataset_container_name(s->json_lines ? HM_CONTAINER_JSONL
									 : s->container)));
	json_object_set_new(o, "record_format", json_string(hm_record_format_name(s->format)));
	json_object_set_new(o, "records", count(s->records));
	json_object_set_new(o, "invalid_records", count(s->invalid));
	json_object_set_new(o, "duplicate_records", count(s->dups));
	json_object_set_new(o, "cross_file_duplicates", count(s->cross_dups));
	json_object_set_new(o, "bytes", count(s->bytes));
	json_object_set_new(o, "schema_errors", count(s->schema_errors));
	json_object_set_new(o, "errors", errs);
	if (s->compression != HM_COMPRESSION_NONE)
		json_object_set_new(o, "compression",
				    json_string(hm_dataset_compression_name(s->compression)));
	if (s->container == HM_CONTAINER_PARQUET) {
		json_object_set_new(o, "row_groups", count(s->row_groups));
		json_object_set(o, "columns", s->columns ? s->columns : json_array());
		json_object_set(o, "unread_columns", s->unread ? s->unread : json_array());
	}
	return o;
}

json_t *hm__dataset_scan_screen_json(const hm_dataset_scan *s)
{
	json_t *o, *cats, *idx;
	size_t i;

	if (!s->screen)
		return NULL;
	o = json_object();
	cats = json_object();
	idx = json_array();
	if (!o || !cats || !idx) {
		json_decref(o);
		json_decref(cats);
		json_decref(idx);
		return NULL;
	}
	for (i = 0; i < hm_screen_category_count(s->screen); i++)
		if (s->cat_counts[i])
			json_object_set_new(cats, hm_screen_category_name(s->screen, i),
					    count(s->cat_counts[i]));
	for (i = 0; i < s->nflagged_idx; i++)
		json_array_append_new(idx, count(s->flagged_idx[i]));
	json_object_set_new(o, "flagged_records", count(s->flagged));
	json_object_set_new(o, "categories", cats);
	json_object_set_new(o, "indexes", idx);
	json_object_set_new(o, "truncated", json_boolean(s->flagged_truncated));
	return o;
}

int hm_dataset_scan_json(char **out, const hm_dataset_scan *s)
{
	json_t *o, *scr;

	*out = NULL;
	if (!s->finished)
		return hm__err(HM_EINVAL, "the scan is not finished");
	if (!(o = hm__dataset_scan_stats_json(s)))
		return hm__err_oom();
	if (s->screen) {
		if (!(scr = hm__dataset_scan_screen_json(s))) {
			json_decref(o);
			return hm__err_oom();
		}
		json_object_set_new(o, "screening", scr);
	}
	*out = hm__json_canonical(o, NULL);
	json_decref(o);
	return *out ? 0 : HM_ENOMEM;
}
