/* lib/audit_impl.h: the safety-audit metrics handle and the helpers its files share. */
#ifndef HM_AUDIT_IMPL_H
#define HM_AUDIT_IMPL_H

#include "internal.h"
#include "hallmark/audit.h"

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
};

/* One record as the parsers hand it to the metrics (strings are borrowed). */
struct audit_record {
	const char *id;       /* NULL when the format has none */
	const char *category; /* NULL when none */
	const char *label;    /* readable category label or NULL */
	int score;            /* JUDGED: 1-5 */
	int jailbroken;       /* KEYWORD: 0 or 1 */
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
int hm__audit_metrics_alloc(hm_audit_metrics **out, hm_audit_format f);
/* Adds a category (name and label copied); returns its index or a negative error. */
int hm__audit_metrics_category(hm_audit_metrics *m, const char *name, const char *label);
/* Sorts the categories by name. */
void hm__audit_metrics_sort(hm_audit_metrics *m);
/* Fills the rounded values from the counts in v (n, score_counts, jailbroken). */
void hm__audit_values_finish(hm_audit_values *v, hm_audit_kind kind);

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
/* Serializes as we print audit JSON: sorted keys, 15 significant digits. */
char *hm__audit_dump(const json_t *v, int pretty);

/* audit_time.c */
/* 1 when s is an RFC 3339 time in UTC (ending in "Z"). */
int hm__audit_time_valid(const char *s);

#endif
