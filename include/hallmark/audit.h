/*
 * hallmark/audit.h: safety-audit attestations. hallmark computes the safety
 * metrics of a fine-tuned model itself, from per-item records (judge scores or
 * generations scored with refusal keywords), and states them with the digests
 * of every input in an in-toto statement whose predicate is documented in
 * hallmark-audit(5) and schemas/safety-audit-v1.schema.json.
 *
 * Numbers: every fraction and mean is rounded half up to 6 decimals
 * (HM_AUDIT_DECIMALS) from the exact integer counts, and a delta is the
 * difference of the two rounded values, so the statement carries no float
 * noise and the same inputs always give the same bytes.
 */
#ifndef HALLMARK_AUDIT_H
#define HALLMARK_AUDIT_H

#include "common.h"
#include "manifest.h"
#include "statement.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HM_AUDIT_PREDICATE_TYPE "https://hallmark.dev/attestations/safety-audit/v1"
/* Decimals kept in every computed fraction, mean and delta. */
#define HM_AUDIT_DECIMALS 6
/* The judge recorded for keyword audits when none is given. */
#define HM_AUDIT_KEYWORD_JUDGE "hallmark:refusal-keywords/v1"
/* Largest results file read. */
#define HM_AUDIT_MAX_FILE_BYTES ((size_t)256 << 20)

/* Input formats (names as --format takes them in parentheses). */
typedef enum hm_audit_format {
	HM_AUDIT_FORMAT_AUTO = 0,  /* detect from the first record or the file's shape */
	HM_AUDIT_FORMAT_JUDGED,    /* "hallmark-judged": {"id","category","score":1..5} JSONL */
	HM_AUDIT_FORMAT_HEXPHI,    /* "hexphi-judged": {"que","ans","duo_score","duo_reason"} */
	HM_AUDIT_FORMAT_KEYWORD,   /* "keyword": {"prompt","answer"} scored by refusal keywords */
	HM_AUDIT_FORMAT_LM_EVAL,   /* "lm-eval": lm-evaluation-harness results JSON (reported) */
	HM_AUDIT_FORMAT_INSPECT,   /* "inspect": inspect_ai JSON log (reported) */
	HM_AUDIT_FORMAT_LABELLED   /* "hallmark-labelled": {"id","category","label":0|1} JSONL,
				      a classifier's labels (1 = harmful) for a binary benchmark */
} hm_audit_format;

/* The format's name ("hallmark-judged", ...; "auto" for AUTO). Never NULL. */
HM_EXTERN const char *hm_audit_format_name(hm_audit_format format);
/* Parses a format name; HM_EINVAL listing the valid names otherwise. */
HM_EXTERN int hm_audit_format_parse(hm_audit_format *out, const char *name);

/* What the metrics are. */
typedef enum hm_audit_kind {
	HM_AUDIT_KIND_JUDGED = 1,  /* harmfulness score and rate from judge scores */
	HM_AUDIT_KIND_KEYWORD = 2, /* attack success rate from refusal keywords (keyword) or
				      a classifier's labels (hallmark-labelled) */
	HM_AUDIT_KIND_REPORTED = 3 /* another tool's numbers, recorded as reported */
} hm_audit_kind;

/* The numbers of one item set (all items, or one category). */
typedef struct hm_audit_values {
	size_t n;                   /* items */
	/* HM_AUDIT_KIND_JUDGED */
	double harmfulness_score;   /* mean judge score, 1-5 */
	double harmfulness_rate;    /* fraction of items scored 5, 0-1 */
	size_t score_counts[5];     /* items scored 1, 2, 3, 4, 5 */
	/* HM_AUDIT_KIND_KEYWORD */
	double attack_success_rate; /* fraction of successful attacks, 0-1 */
	size_t jailbroken;          /* answers with no refusal phrase, or labelled 1 */
	/* 95% Wilson score intervals of the rates (hallmark/stats.h), rounded like them */
	double harmfulness_rate_ci[2];    /* JUDGED */
	double attack_success_rate_ci[2]; /* KEYWORD */
} hm_audit_values;

/* Audited minus baseline, each of the rounded values. */
typedef struct hm_audit_delta {
	double harmfulness_score;   /* JUDGED */
	double harmfulness_rate;    /* JUDGED */
	double attack_success_rate; /* KEYWORD */
	/*
	 * 95% intervals of the rate differences by Newcombe's hybrid score method,
	 * rounded like them; {0, 0} when read from a statement that has none.
	 */
	double harmfulness_rate_ci[2];    /* JUDGED */
	double attack_success_rate_ci[2]; /* KEYWORD */
	int has_ci;                       /* 1 when the intervals were recorded */
} hm_audit_delta;

/* How far the items cover a registered benchmark. */
typedef struct hm_audit_coverage {
	size_t expected;           /* items of the registered benchmark */
	size_t scored;             /* of them, items with a record */
	size_t missing;            /* expected - scored */
	size_t categories_missing; /* registered categories without any record */
} hm_audit_coverage;

/* One input of the metrics computation, from memory. */
typedef struct hm_audit_input {
	const char *name; /* file name used in messages, item ids and category detection */
	const char *data;
	size_t len;
} hm_audit_input;

/* Metrics computed from records (or parsed back from a predicate). */
typedef struct hm_audit_metrics hm_audit_metrics;

/*
 * Reads the results files and computes the metrics. format AUTO detects it
 * from each file (all must agree; an ambiguous or unknown shape is
 * HM_EFORMAT asking for a format). category: for hexphi-judged, the category
 * of every file (NULL = "category_N" taken from each file name); ignored by
 * the other formats. Errors name the file and line: a score that is not an
 * integer 1-5, a missing field, a duplicate id, a file with no records, the
 * same file content twice. Free with hm_audit_metrics_free().
 */
HM_EXTERN int hm_audit_metrics_from_files(hm_audit_metrics **out, hm_audit_format format,
					  const char *category, const char *const *paths,
					  size_t npaths);
/* The same from memory buffers. */
HM_EXTERN int hm_audit_metrics_from_buffers(hm_audit_metrics **out, hm_audit_format format,
					    const char *category, const hm_audit_input *inputs,
					    size_t ninputs);
HM_EXTERN void hm_audit_metrics_free(hm_audit_metrics *m);

/* The format the records were read as (never AUTO). */
HM_EXTERN hm_audit_format hm_audit_metrics_format(const hm_audit_metrics *m);
HM_EXTERN hm_audit_kind hm_audit_metrics_kind(const hm_audit_metrics *m);
/* All items. For REPORTED metrics every field is zero. */
HM_EXTERN const hm_audit_values *hm_audit_metrics_overall(const hm_audit_metrics *m);
/* Categories, sorted by name in natural order (category_2 before category_10). */
HM_EXTERN size_t hm_audit_metrics_category_count(const hm_audit_metrics *m);
HM_EXTERN const char *hm_audit_metrics_category_name(const hm_audit_metrics *m, size_t i);
/* A readable label (hexphi-judged "category_N": the HEx-PHI category name), or NULL. */
HM_EXTERN const char *hm_audit_metrics_category_label(const hm_audit_metrics *m, size_t i);
HM_EXTERN const hm_audit_values *hm_audit_metrics_category(const hm_audit_metrics *m, size_t i);
/* The category with this name, or NULL. */
HM_EXTERN const hm_audit_values *hm_audit_metrics_category_find(const hm_audit_metrics *m,
								const char *name);
/*
 * The coverage of the registered benchmark the items were matched to, or NULL
 * when there was none (hm_audit_metrics_from_* never match; an unregistered
 * benchmark; lm-eval and inspect results, which have no items).
 */
HM_EXTERN const hm_audit_coverage *hm_audit_metrics_coverage(const hm_audit_metrics *m);
/* The ids of the registered categories without any record (categories_missing of them). */
HM_EXTERN const char *hm_audit_metrics_missing_category(const hm_audit_metrics *m, size_t i);
/*
 * The scored items, sorted by id in natural order: the benchmark's item id
 * (or, for a prompt of an unregistered benchmark given without an id, the
 * SHA-256 of the prompt), the category (NULL when none), and the judge score
 * (JUDGED, 1-5) or whether the attack succeeded (KEYWORD, 0 or 1).
 */
HM_EXTERN size_t hm_audit_metrics_item_count(const hm_audit_metrics *m);
HM_EXTERN const char *hm_audit_metrics_item_id(const hm_audit_metrics *m, size_t i);
HM_EXTERN const char *hm_audit_metrics_item_category(const hm_audit_metrics *m, size_t i);
HM_EXTERN int hm_audit_metrics_item_score(const hm_audit_metrics *m, size_t i);
/* The inputs read (as named) and the lowercase hex SHA-256 of their bytes. */
HM_EXTERN size_t hm_audit_metrics_input_count(const hm_audit_metrics *m);
HM_EXTERN const char *hm_audit_metrics_input_name(const hm_audit_metrics *m, size_t i);
HM_EXTERN const char *hm_audit_metrics_input_digest(const hm_audit_metrics *m, size_t i);
/*
 * The predicate's "metrics" object (JUDGED, KEYWORD) or "reported" array
 * (REPORTED) as compact JSON with sorted keys. Free with hm_free().
 */
HM_EXTERN int hm_audit_metrics_json(char **out, const hm_audit_metrics *m);

/*
 * 1 when the answer contains none of the study's refusal phrases
 * (case-sensitive substrings, listed in hallmark-audit(5)), i.e. counts as
 * a successful attack; 0 when it refuses.
 */
HM_EXTERN int hm_audit_answer_jailbroken(const char *answer, size_t len);

typedef struct hm_audit_options {
	unsigned int version;
	const char *model;        /* audited model: PATH (file or directory) or "sha256:HEX" */
	const char *model_name;   /* subject name; NULL = basename of PATH, none for sha256: */
	const char *benchmark;    /* benchmark name, e.g. "HEx-PHI" (required) */
	const char *judge;        /* judge id; NULL = none (keyword: HM_AUDIT_KEYWORD_JUDGE;
				     hallmark-labelled: the classifier, required) */
	hm_audit_format format;   /* AUTO = detect */
	const char *const *results; /* results files (at least one) */
	size_t nresults;
	const char *baseline_model; /* PATH or "sha256:HEX"; with baseline_results */
	const char *const *baseline_results;
	size_t nbaseline_results;
	const char *benchmark_data; /* benchmark file or directory to digest; NULL = none */
	const char *category;     /* hexphi-judged: category of every file */
	const char *time;         /* RFC 3339 in UTC ("...Z"); NULL = the current time */
	const hm_digest_options *digest; /* hashing model and data directories; NULL = defaults */
	/* version 2 */
	const char *benchmarks;   /* the user's registry directory; NULL = $HALLMARK_BENCHMARKS */
	int partial;              /* record missing items as coverage instead of failing */
	/* version 3 */
	const char *judge_prompt; /* the judge's prompt template file, digested; NULL = none */
	/* version 4 */
	const char *model_statement; /* the model's statement (attest model): model is hashed as
					it says and must give its subject; NULL = none */
	/* version 5 */
	const char *base_model;   /* a PEFT adapter's base model the audit ran it on: PATH or
				     "sha256:HEX"; required when model is an adapter directory,
				     refused for a directory that is not one; NULL = none */
} hm_audit_options;
#define HM_AUDIT_OPTIONS_VERSION 5
#define HM_AUDIT_OPTIONS_INIT                                                            \
	{ HM_AUDIT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, HM_AUDIT_FORMAT_AUTO, NULL, 0, \
	  NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL }

/*
 * Builds the safety-audit statement: subject = the audited model (PATH is
 * digested with hm_manifest_compute; "sha256:HEX" must be 64 lowercase hex
 * digits and is taken as is), predicate as in hallmark-audit(5). A baseline
 * must read as the same format, and lm-eval / inspect results (recorded as
 * reported) cannot have one. The benchmark is looked up in the registry
 * (hm_benchmark_registry_open with opts->benchmarks): when it is registered,
 * every record of the audited and the baseline results must be one of its
 * items, once, in its category, and every item must have a record unless
 * opts->partial; the predicate then records the registry entry and the
 * coverage. An unregistered benchmark is recorded without coverage.
 * With opts->model_statement the model is resolved with
 * hm_model_ref_resolve_statement (hashed as its statement says, and checked
 * against its subject). A PEFT adapter (a directory with
 * adapter_config.json) is audited loaded onto a base model: opts->base_model
 * names it, recorded as predicate.adapter_base {name, digest {sha256}} (hashed
 * with the same digest options as the model). Options of versions 1 (no user
 * registry, not partial) to 4 (no adapter base) are accepted. The output is pretty-printed JSON with sorted
 * keys and a final newline, identical for identical inputs and time.
 * Free *out with hm_free().
 */
HM_EXTERN int hm_audit_statement(char **out, const hm_audit_options *opts);

/* A safety-audit predicate read back from a (verified) statement. */
typedef struct hm_audit_report hm_audit_report;

/*
 * Reads the predicate of a statement of type HM_AUDIT_PREDICATE_TYPE
 * (HM_EUNSUPPORTED for another type). Checks its shape and that its numbers
 * agree: n and rates with the counts, categories with their counts, delta
 * with metrics minus baseline (HM_EFORMAT otherwise). The report keeps a
 * reference to nothing: st may be freed. Free with hm_audit_report_free().
 */
HM_EXTERN int hm_audit_report_parse(hm_audit_report **out, const hm_statement *st);
HM_EXTERN void hm_audit_report_free(hm_audit_report *r);

HM_EXTERN const char *hm_audit_report_benchmark(const hm_audit_report *r);
/* SHA-256 of the benchmark data, or NULL when none was recorded. */
HM_EXTERN const char *hm_audit_report_benchmark_digest(const hm_audit_report *r);
/* The judge id, or NULL when none was recorded. */
HM_EXTERN const char *hm_audit_report_judge(const hm_audit_report *r);
/* SHA-256 of the judge's prompt template (predicate.judge_prompt), or NULL when none was recorded. */
HM_EXTERN const char *hm_audit_report_judge_prompt_digest(const hm_audit_report *r);
/* RFC 3339 UTC time of the audit. */
HM_EXTERN const char *hm_audit_report_time(const hm_audit_report *r);
HM_EXTERN hm_audit_format hm_audit_report_format(const hm_audit_report *r);
/* The audited model's metrics (kind REPORTED for lm-eval / inspect: no values). */
HM_EXTERN const hm_audit_metrics *hm_audit_report_metrics(const hm_audit_report *r);
/* Results files as recorded (name, SHA-256). */
HM_EXTERN size_t hm_audit_report_result_count(const hm_audit_report *r);
HM_EXTERN const char *hm_audit_report_result_name(const hm_audit_report *r, size_t i);
HM_EXTERN const char *hm_audit_report_result_digest(const hm_audit_report *r, size_t i);
/* Baseline model SHA-256 and metrics; NULL when the audit has no baseline. */
HM_EXTERN const char *hm_audit_report_baseline_digest(const hm_audit_report *r);
HM_EXTERN const hm_audit_metrics *hm_audit_report_baseline_metrics(const hm_audit_report *r);
/*
 * SHA-256 of the base model a PEFT adapter was audited on
 * (predicate.adapter_base), or NULL when the audit names none.
 */
HM_EXTERN const char *hm_audit_report_adapter_base_digest(const hm_audit_report *r);
/* Audited minus baseline; NULL when the audit has no baseline. */
HM_EXTERN const hm_audit_delta *hm_audit_report_delta(const hm_audit_report *r);
/*
 * The registry entry the audit was checked against: its name, version and the
 * SHA-256 of its file; NULL when the benchmark was not registered (or the
 * statement predates the registry). Coverage: hm_audit_metrics_coverage of
 * hm_audit_report_metrics (and of the baseline's).
 */
HM_EXTERN const char *hm_audit_report_registry_name(const hm_audit_report *r);
HM_EXTERN const char *hm_audit_report_registry_version(const hm_audit_report *r);
HM_EXTERN const char *hm_audit_report_registry_digest(const hm_audit_report *r);

/* ---- Re-deriving an audit from its original results files ---- */

typedef struct hm_audit_check hm_audit_check;

/*
 * Re-derives the safety-audit statement st from the judged results files it
 * was made from: reads results (and baseline_results, which the statement
 * must have a baseline for, and only then) in the recorded format, matches
 * them to the recorded registry entry (looked up in the registry opened with
 * benchmarks, as hm_benchmark_registry_open), and compares every recorded
 * digest, metric, count, interval, item and coverage with what the files
 * give. A difference is not an error: hm_audit_check_same says 0 and the
 * differences are listed. Errors (<0) are unreadable files, a statement that
 * is not an audit, an audit without per-item metrics, a registry entry that
 * cannot be found, a baseline given or missing. Free with
 * hm_audit_check_free().
 */
HM_EXTERN int hm_audit_check_files(hm_audit_check **out, const hm_statement *st,
				   const char *const *results, size_t nresults,
				   const char *const *baseline_results, size_t nbaseline_results,
				   const char *benchmarks);
HM_EXTERN void hm_audit_check_free(hm_audit_check *c);
/* 1 when the files give exactly the signed statement's digests and numbers. */
HM_EXTERN int hm_audit_check_same(const hm_audit_check *c);
/* The differences, one line each ("predicate.metrics.harmfulness_rate: signed 0.012424, the files give 0.042424"). */
HM_EXTERN size_t hm_audit_check_difference_count(const hm_audit_check *c);
HM_EXTERN const char *hm_audit_check_difference(const hm_audit_check *c, size_t i);
/*
 * The safety-audit statement of path: a statement file, or the audit line of
 * a bundle (read without checking its signature: that is hallmark verify's
 * and hallmark bundle check's job). line (1-based) picks one of several
 * audits of a bundle; 0 asks for the only one. Free with hm_statement_free().
 */
HM_EXTERN int hm_audit_statement_load(hm_statement **out, const char *path, size_t line);
/*
 * Compares the judge's prompt template at path with the digest the audit
 * records (predicate.judge_prompt): a different digest, or a file where the
 * audit records none, is a difference of c. path NULL: when the audit records
 * a digest, c notes that it was not checked (hm_audit_check_not_checked).
 * Errors: an unreadable file, a malformed predicate.judge_prompt.
 */
HM_EXTERN int hm_audit_check_judge_prompt(hm_audit_check *c, const hm_statement *st,
					  const char *path);
/* What the check could not compare for want of a file, one line, or NULL. */
HM_EXTERN const char *hm_audit_check_not_checked(const hm_audit_check *c);
/*
 * {"same":bool,"differences":[...]} compact, with "not_checked":"..." when
 * something was not checked. Free with hm_free().
 */
HM_EXTERN int hm_audit_check_json(char **out, const hm_audit_check *c);

#ifdef __cplusplus
}
#endif
#endif
