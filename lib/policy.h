/* lib/policy.h: the policy's fields (internal). */
#ifndef HM_POLICY_H
#define HM_POLICY_H

#include "internal.h"
#include <strings.h>

/* A limit that is switched off. */
#define HM_POLICY_OFF (-1.0)

struct hm_policy {
	json_t *benchmarks; /* array of accepted names, or NULL for any */
	double max_harmfulness_rate;
	double max_harmfulness_score;
	double max_category_harmfulness_rate;
	double max_attack_success_rate;
	double max_harmfulness_rate_increase;
	double max_harmfulness_score_increase;
	double max_attack_success_rate_increase;
	double max_audit_age_days;
	int require_audit;
	int require_baseline;
	int require_provenance;
	int require_training_code;
	int require_clean_training_tree;
	int require_dataset_license;
	int require_base_model_attestation;
	int require_base_model_check; /* an adapter verifies only with its base on disk */
	int require_distinct_auditor;
	int require_card;
	json_t *allowed_uncovered_files; /* globs of uncovered files allowed; never NULL once parsed */
	/* the benchmark registry and coverage (hallmark-benchmark(5)) */
	double min_coverage;             /* share of the registered items scored; OFF: any */
	int allow_unregistered_benchmarks;
	/* which end of a rate's 95% interval the overall limits are held against */
	int decide_on;                   /* enum hm__decide_on */
	/* training-data screening (hallmark-dataset(5)) */
	double max_flagged_records;
	double max_flagged_share;
};

enum hm__decide_on { HM__DECIDE_UPPER_BOUND = 0, HM__DECIDE_POINT = 1 };

/* 1 when the policy accepts this benchmark name (case-insensitive). */
int hm__policy_benchmark_ok(const hm_policy *p, const char *benchmark);

/*
 * The policy's decisions, as pure functions (policy.c): numbers and the
 * policy in, pass or fail and the numbers that decided out. The wording of
 * a verification is built around them (verify_*.c).
 */

/* The numeric limits of a policy. */
typedef enum hm__limit_id {
	HM__MAX_HARMFULNESS_RATE,
	HM__MAX_HARMFULNESS_SCORE,
	HM__MAX_CATEGORY_HARMFULNESS_RATE,
	HM__MAX_ATTACK_SUCCESS_RATE,
	HM__MAX_HARMFULNESS_RATE_INCREASE,
	HM__MAX_HARMFULNESS_SCORE_INCREASE,
	HM__MAX_ATTACK_SUCCESS_RATE_INCREASE
} hm__limit_id;

struct hm__limit {
	int fail;     /* the value is over the limit */
	double value; /* what was measured */
	double limit; /* the policy's limit; HM_POLICY_OFF when switched off */
};

/*
 * value against limit `id`: fails when the limit is on and value exceeds it
 * (metrics are rounded to 6 decimals, and compared with that tolerance).
 */
struct hm__limit hm__policy_limit(const hm_policy *p, hm__limit_id id, double value);

/* Seconds an audit may be dated ahead of the verifier's clock. */
#define HM__AUDIT_FUTURE_SLACK 300

enum hm__age_verdict { HM__AGE_OK, HM__AGE_FUTURE, HM__AGE_TOO_OLD };
struct hm__age {
	enum hm__age_verdict verdict;
	long long days; /* whole days between the audit and now */
	double limit;   /* max_audit_age_days (HM_POLICY_OFF when off) */
};
/* An audit made at audit_time (Unix), judged at now. */
struct hm__age hm__policy_audit_age(const hm_policy *p, long long audit_time, long long now);

/*
 * An overall rate (or a rise over the base model) against limit `id`: point
 * is the estimate, upper the upper end of its 95% interval. Under decide_on
 * "upper_bound" the upper end decides, under "point" the estimate; the
 * result's value is the one that decided.
 */
struct hm__bound {
	int fail;
	int on_upper;  /* 1 when the upper bound decided */
	double value;  /* the number held against the limit */
	double point, upper;
	double limit;  /* HM_POLICY_OFF when switched off */
};
struct hm__bound hm__policy_rate(const hm_policy *p, hm__limit_id id, double point,
				 double upper);

/* 1 when require_distinct_auditor fails: the audit is signed by a publisher key. */
int hm__policy_auditor_fails(const hm_policy *p, int publisher_signed);

enum hm__auditor_verdict {
	HM__AUDITOR_OK,
	HM__AUDITOR_PUBLISHER,  /* trusted only as a publisher key (no --auditor-key took it) */
	HM__AUDITOR_SHARED_KEY  /* a key that signed the audit also signed the model, run or data */
};
/*
 * Who signed the audit: publisher_signed when a publisher key verified it,
 * shared when one of its signing keys also signed a model, run or dataset
 * statement of the bundle.
 */
enum hm__auditor_verdict hm__policy_auditor(const hm_policy *p, int publisher_signed,
					    int shared);

/* What the coverage of a registered benchmark says. */
struct hm__coverage {
	int fail_unregistered; /* no registry entry recorded, and the policy wants one */
	int fail_unknown;      /* registered, but no coverage recorded */
	int fail_share;        /* scored / expected under min_coverage */
	int fail_categories;   /* a registered category has no item */
	double share;          /* scored / expected (1 when unknown) */
	double min;            /* min_coverage (HM_POLICY_OFF when off) */
};
/*
 * registered: the audit records the registry entry its items were checked
 * against; cov: the coverage it records (NULL: none).
 */
struct hm__coverage hm__policy_coverage(const hm_policy *p, int registered,
					const hm_audit_coverage *cov);

/* Flagged training records of a dataset against max_flagged_records and max_flagged_share. */
struct hm__flagged {
	int fail_records, fail_share;
	double share;               /* flagged / records (0 when no records) */
	double max_records, max_share; /* HM_POLICY_OFF when off */
};
struct hm__flagged hm__policy_flagged(const hm_policy *p, unsigned long long flagged,
				      unsigned long long records);

enum hm__baseline_verdict {
	HM__BASELINE_OK,          /* it is the run's base model, or none is needed */
	HM__BASELINE_MISSING,     /* no baseline, and the policy requires one */
	HM__BASELINE_UNMATCHABLE, /* no run names a base model, and the policy requires one */
	HM__BASELINE_NOT_BASE     /* the baseline is not the run's base model */
};
/*
 * The audit's baseline digest (NULL: the audit has none) against the run's
 * base model digest (NULL: no run of this model names one).
 */
enum hm__baseline_verdict hm__policy_baseline(const hm_policy *p, const char *baseline,
					      const char *run_base);

/* The base model check (an adapter's, or any run's when a base is given). */
enum hm__base_verdict {
	HM__BASE_NOT_ASKED,      /* not an adapter and no base given: nothing to check */
	HM__BASE_MATCH,          /* the base given is the run's signed base */
	HM__BASE_MISMATCH,       /* it is not */
	HM__BASE_NO_SIGNED,      /* a base was given, but no run of this model records one */
	HM__BASE_UNCHECKED_FAIL, /* an adapter, no base given, require_base_model_check */
	HM__BASE_UNCHECKED_WARN  /* an adapter, no base given, and the policy lets it pass */
};
/*
 * adapter: the model is a PEFT adapter; signed_base: the base digest its run
 * records (NULL: none); given_base: the digest of the base given to check
 * (NULL: none given).
 */
enum hm__base_verdict hm__policy_base_model(const hm_policy *p, int adapter,
					    const char *signed_base, const char *given_base);

enum hm__adapter_audit_verdict {
	HM__ADAPTER_AUDIT_OK,          /* the audit's base is the run's, or none is needed */
	HM__ADAPTER_AUDIT_MISSING,     /* an adapter's audit that names no base */
	HM__ADAPTER_AUDIT_UNMATCHABLE, /* it names one, but no run of this model records a base */
	HM__ADAPTER_AUDIT_NOT_BASE     /* it names another base than the run's */
};
/*
 * The base an audit says the adapter was evaluated on (NULL: none) against
 * the run's base (NULL: none). Not the policy's to relax: an adapter audited
 * on another base is not an audit of this model.
 */
enum hm__adapter_audit_verdict hm__policy_adapter_audit(int adapter, const char *audit_base,
							const char *run_base);

/* ---- files on disk the signed model manifest does not cover ---- */

enum hm__uncovered_reason {
	HM__UNCOVERED_NOT_IN_MANIFEST, /* on disk, neither in the signed list nor ignored by it */
	HM__UNCOVERED_IGNORED,         /* left out by an explicit signed ignore path */
	HM__UNCOVERED_DEFAULT          /* left out by an OMS default rule (.git & co., model.sig) */
};

enum hm__uncovered_allowed {
	HM__ALLOWED_NO = 0,
	HM__ALLOWED_VERIFIER_IGNORE, /* under one of the verifier's own ignore paths */
	HM__ALLOWED_UNSIGNED         /* ignore_unsigned_files: no unsigned file fails */
};

struct hm__uncovered_row {
	const char *name; /* relative POSIX path; a directory row ends in "/" */
	uint64_t size;
	enum hm__uncovered_reason reason;
	int looks_like_weights_or_code; /* hm_path_looks_like_weights_or_code() */
	enum hm__uncovered_allowed allowed; /* allowed by the verifier's options, not the policy */
};

/* How many offending names hm__policy_uncovered keeps. */
#define HM__UNCOVERED_FIRST 3

struct hm__uncovered_verdict {
	int fail;                              /* at least one row offends */
	size_t noffending;                     /* rows that offend */
	size_t first[HM__UNCOVERED_FIRST];     /* indices of the first min(noffending, 3) */
};

/*
 * 1 when pattern allows name: fnmatch(3) with FNM_PATHNAME ("*", "?" and
 * "[...]" never match "/"); a pattern ending in "/" also allows everything
 * below a directory it matches ("docs/" allows "docs/a/b.md" and the row
 * "docs/").
 */
int hm__policy_glob_allows(const char *pattern, const char *name);
/* 1 when one of allowed_uncovered_files allows the row's name. */
int hm__policy_uncovered_allowed(const hm_policy *p, const char *name);
/*
 * 1 when the row fails the policy: it is not allowed by the verifier's
 * options (row->allowed) nor by allowed_uncovered_files, and it is either not in the manifest, or ignored
 * by an explicit signed ignore path and looks like weights or code. Rows of
 * the OMS default rules never fail.
 */
int hm__policy_uncovered_row_fails(const hm_policy *p, const struct hm__uncovered_row *row);
/* Every row judged: pass or fail, how many offend and the first of them. */
struct hm__uncovered_verdict hm__policy_uncovered(const hm_policy *p,
						  const struct hm__uncovered_row *rows, size_t n);

#endif
