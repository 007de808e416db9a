/* lib/audit_impl.h: the safety-audit metrics handle and the helpers its files share. */
#ifndef HM_AUDIT_IMPL_H
#define HM_AUDIT_IMPL_H

#include "internal.h"
#include "hallmark/audit.h"
#include "hallmark/benchmark.h"
#include "hallmark/stats.h"

#include <stdint.h>

struct audit_category {
	char *name;
	char *label; /* NULL when none */
	hm_audit_values v;
};

struct audit_input {
	char *name;
	char digest[65];
};

/* One scored item as the metrics keep it (and the predicate lists it). */
struct audit_item {
	char *id;
	char *category;       /* NULL when none */
	int score;            /* JUDGED: 1-5 */
	int jailbroken;       /* KEYWORD */
	size_t input, line;   /* where it was read (0, 0 when read back from a predicate) */
};

/* The registered benchmark's coverage by the items. */
struct audit_coverage {
	int known;            /* 0: the benchmark is not registered */
	hm_audit_coverage c;
	char **missing_categories;
};

struct hm_audit_metrics {
	hm_audit_format format;
	hm_audit_kind kind;
	hm_audit_values overall;
	struct audit_category *cats; /* sorted by name once finished */
	size_t ncats;
	json_t *catindex; /* while reading: category name -> index in cats */
	struct audit_input *inputs;
	size_t ninputs;
	json_t *reported; /* REPORTED: the "reported" array */
	struct audit_item *items; /* in reading order; sorted by id once finished */
	size_t nitems, capitems;
	struct audit_coverage cov;
};

/* One record as the parsers hand it to the metrics (strings are borrowed). */
struct audit_record {
	const char *id;       /* NULL when the record has none */
	/*
	 * hexphi-judged: the id is "CATEGORY/K", K the record's place (from 0)
	 * among the records of its category in reading order, as the study's
	 * judged output lists the rows of category_N.csv in order.
	 */
	int positional;
	const char *category; /* NULL when none */
	const char *label;    /* readable category label or NULL */
	const char *prompt;   /* the prompt text when the format carries it, else NULL */
	size_t prompt_len;
	int score;            /* JUDGED: 1-5 */
	int jailbroken;       /* KEYWORD: 0 or 1, by the built-in refusal phrases */
	const char *answer;   /* KEYWORD: the answer, to score by a registry's phrases */
	size_t answer_len;
};

/* Receives each record; line is 1-based. Returns 0 or an error code. */
typedef int (*audit_record_fn)(void *ctx, const struct audit_record *rec, size_t line);

/* audit_format.c */
hm_audit_kind hm__audit_format_kind(hm_audit_format f);
/*
 * Detects the format of one input: a whole-file JSON object of lm-eval or
 * inspect, else the first JSONL record. HM_EFORMAT asking for --format when
 * the shape is unknown or fits several formats.
 */
int hm__audit_detect(hm_audit_format *out, const char *name, const char *data, size_t len);

/* audit_records.c: the per-item JSONL formats (JUDGED, HEXPHI, KEYWORD). */
int hm__audit_read_records(hm_audit_format f, const char *name, const char *data, size_t len,
			   const char *category, audit_record_fn fn, void *ctx);

/* audit_reported.c: one lm-eval / inspect file as an entry of the "reported" array. */
int hm__audit_read_reported(json_t **entry, hm_audit_format f, const char *name,
			    const char *digest, const char *data, size_t len);

/* metrics.c */
/*
 * Reads and computes like hm_audit_metrics_from_files / _from_buffers (exactly
 * one of inputs and paths is non-NULL). With bench, every record is matched
 * to one of its items (audit_coverage.c) and the coverage computed; unless
 * partial, a missing item is an error.
 */
int hm__audit_metrics_compute(hm_audit_metrics **out, hm_audit_format format,
			      const char *category, const hm_audit_input *inputs,
			      const char *const *paths, size_t n, const hm_benchmark *bench,
			      int partial);
int hm__audit_metrics_alloc(hm_audit_metrics **out, hm_audit_format f);
/* Adds a category (name and label copied); returns its index or a negative error. */
int hm__audit_metrics_category(hm_audit_metrics *m, const char *name, const char *label);
/* Sorts the items by id in natural order. */
void hm__audit_items_sort(hm_audit_metrics *m);
/* Sorts the categories by name. */
void hm__audit_metrics_sort(hm_audit_metrics *m);
/* Fills the rounded values from the counts in v (n, score_counts, jailbroken). */
void hm__audit_values_finish(hm_audit_values *v, hm_audit_kind kind);

/* refusal.c */
/*
 * 1 when the answer contains none of the refusal phrases of bench (a
 * registered benchmark scored by keywords), else of the built-in list.
 */
int hm__audit_jailbroken(const char *answer, size_t len, const hm_benchmark *bench);

/* audit_coverage.c */
/*
 * Matches a record to its item of bench (by prompt digest when the benchmark
 * lists them and the record carries a prompt, else by id) and fills in the id,
 * category and label from the registry; without bench, a record with no id
 * gets the SHA-256 of its prompt. idbuf holds the digest. Errors name the
 * file and line.
 */
int hm__audit_resolve(struct audit_record *rec, char idbuf[65], const hm_benchmark *bench,
		      const char *name, size_t line);
/* Computes m->cov from the items; unless partial, a missing item is an error. */
int hm__audit_coverage(hm_audit_metrics *m, const hm_benchmark *bench, int partial);
/* The "items" array and the "coverage" object (NULL when unknown). New references. */
json_t *hm__audit_items_to_json(const hm_audit_metrics *m);
json_t *hm__audit_coverage_to_json(const hm_audit_metrics *m);
/*
 * Reads "items" and "coverage" back (either may be NULL: not recorded) and
 * checks that the items give the metrics' counts and the coverage adds up.
 */
int hm__audit_items_from_json(hm_audit_metrics *m, const json_t *items, const json_t *coverage,
			      const char *what);

/* metrics_round.c: fixed-point arithmetic for the rounded numbers. */
/* num/den in millionths, rounded half up (den > 0). */
int64_t hm__audit_micro(uint64_t num, uint64_t den);
/* A rounded value back in millionths. */
int64_t hm__audit_to_micro(double v);
double hm__audit_from_micro(int64_t micro);
/* a - b of two rounded values, exactly. */
double hm__audit_sub(double a, double b);

/* metrics_json.c */
/* The "metrics" object (JUDGED, KEYWORD) or "reported" array (REPORTED). New reference. */
json_t *hm__audit_metrics_to_json(const hm_audit_metrics *m);
/*
 * Reads a "metrics" object back, checking its shape and arithmetic; what is
 * the JSON path used in messages.
 */
int hm__audit_metrics_from_json(hm_audit_metrics **out, hm_audit_format f, const json_t *j,
				const char *what);
/* [lower, upper] as JSON. */
json_t *hm__audit_ci_json(const double ci[2]);
/*
 * o[key], when present, must be [lower, upper] equal to want (rounded):
 * read into out. Absent is fine (statements before the intervals).
 */
int hm__audit_ci_check(double out[2], const json_t *o, const char *key, const double want[2],
		       const char *what);
/* Serializes as we print audit JSON: sorted keys, 15 significant digits. */
char *hm__audit_dump(const json_t *v, int pretty);

/* audit_time.c */
/* 1 when s is an RFC 3339 time in UTC (ending in "Z"). */
int hm__audit_time_valid(const char *s);

#endif
