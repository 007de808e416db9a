/*
 * hallmark/verify.h: policies and `hallmark verify`: prove that the model on
 * disk is the one that was signed, trained as recorded, and safety-audited
 * within the policy's limits.
 */
#ifndef HALLMARK_VERIFY_H
#define HALLMARK_VERIFY_H

#include "common.h"
#include "dsse.h"
#include "bundle.h"
#include "trust.h"
#include "manifest.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A model card bound to a model: predicate {"model":{"sha256":HEX},"card":{...}}. */
#define HM_CARD_PREDICATE_TYPE "https://hallmark.dev/attestations/model-card/v1"

/* ---- Policies (hallmark-policy(5)) ---- */

typedef struct hm_policy hm_policy;

/* The documented default policy. Free with hm_policy_free(). */
HM_EXTERN int hm_policy_default(hm_policy **out);
/*
 * Parses a policy: a JSON object whose keys are all known (an unknown key is
 * an error, so a typo can never weaken a policy), with the types and ranges
 * of hallmark-policy(5). Keys that are absent keep their default.
 */
/*
 * A built-in policy by name: "default" (hm_policy_default) or "integrity",
 * which requires only trusted signatures and the model check (no audit,
 * provenance, baseline, training code or card is required; attestations of
 * those that the bundle does hold are still checked against the default
 * limits), for model_signing-style verification. HM_ENOTFOUND for any other
 * name. Free with hm_policy_free().
 */
HM_EXTERN int hm_policy_builtin(hm_policy **out, const char *name);
HM_EXTERN int hm_policy_parse(hm_policy **out, const char *json, size_t len, const char *name);
/*
 * Reads a policy file: JSON, or YAML when path ends in .yaml or .yml, read
 * into the same JSON (as hm_config_load reads YAML) and parsed by the same
 * rules, so an unknown key is an error in either.
 */
HM_EXTERN int hm_policy_load(hm_policy **out, const char *path);
HM_EXTERN void hm_policy_free(hm_policy *p);
/* The effective policy (defaults filled in) as compact JSON with sorted keys. Free with hm_free(). */
HM_EXTERN int hm_policy_json(char **out, const hm_policy *p);
/* SHA-256 (hex) of hm_policy_json(): names the policy a verification applied. */
HM_EXTERN int hm_policy_digest(char hex[65], const hm_policy *p);

/* ---- Verification ---- */

typedef struct hm_verify_options {
	unsigned int version;
	const hm_keyring *keys;         /* trusted for model, dataset, run (and card) attestations */
	const hm_keyring *auditor_keys; /* trusted for audits; NULL = keys */
	const hm_policy *policy;        /* NULL = the default policy */
	long long now;                  /* Unix time the audit age is measured at; 0 = now */
	const hm_digest_options *digest; /* hashing options (jobs, progress). The model is
					    hashed as each signed manifest says (method, shard
					    size, symlinks, its ignore_paths); digest->ignore
					    adds the verifier's own ignore paths (a file
					    under one is left out and allowed; a signed file
					    under one is missing) */
	/* version 2 */
	const char *base_model;         /* the base model on disk (a directory or file) to check
					   against the run's signed base digest; NULL = not checked */
	int ignore_unsigned_files;      /* files on disk that the signed manifest does not list
					   (not in it, or left out by its ignore_paths) are
					   listed but never fail the model check */
} hm_verify_options;
#define HM_VERIFY_OPTIONS_VERSION 2
#define HM_VERIFY_OPTIONS_INIT { HM_VERIFY_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL, NULL, 0 }

/* The checks, in the order they run. */
typedef enum hm_check_id {
	HM_CHECK_SIGNATURES = 0,
	HM_CHECK_MODEL = 1,
	HM_CHECK_PROVENANCE = 2,
	HM_CHECK_AUDIT = 3,
	HM_CHECK_CARD = 4,
	/*
	 * The base model on disk (hm_verify_options.base_model) against the run's
	 * signed base digest. A PEFT adapter (adapter_config.json on disk, or a run
	 * that records externalParameters.adapter) without a base to check fails
	 * under require_base_model_check, else is skipped with a warning; a model
	 * that is not an adapter, with no base given, is skipped.
	 */
	HM_CHECK_BASE_MODEL = 5,
	HM_CHECK_COUNT = 6
} hm_check_id;

typedef enum hm_check_status {
	HM_CHECK_PASS = 0,
	HM_CHECK_FAIL = 1,
	HM_CHECK_SKIP = 2 /* not asked for by the policy */
} hm_check_status;

typedef struct hm_verify_report hm_verify_report;

/*
 * Verifies the model at model_path against the bundle: signatures (every
 * line must verify: a bundle is not authenticated as a whole, so a line that
 * does not verify fails closed), model (the files on disk rehashed and
 * matched to a signed manifest; missing, extra and changed files named;
 * every file on disk the manifest does not cover listed, and judged by the
 * policy's allowed_uncovered_files rule),
 * provenance (a run attestation of this digest; every dataset it lists has a
 * dataset attestation with the same digest; base model and code commit
 * recorded), audit (every audit of this digest that counts, i.e. on a benchmark
 * the policy accepts and with metrics hallmark computed, is within the policy,
 * and there is at least one) and, when
 * the policy asks, the model card; then the base model (HM_CHECK_BASE_MODEL
 * above; an adapter's audit must name the run's base as the base it was
 * evaluated on, predicate.adapter_base). Returns 0 when the report was made (see
 * hm_verify_report_ok), <0 when it could not be (no keys, unreadable model).
 * Free with hm_verify_report_free().
 */
HM_EXTERN int hm_verify(hm_verify_report **out, const char *model_path, const hm_bundle *bundle,
			const hm_verify_options *opts);
/*
 * hm_verify on a bundle already checked with hm_trusted_bundle_open() (its
 * keys decide the signatures check; opts->keys and opts->auditor_keys are
 * not used), so that a caller that also builds facts from the same bundle
 * checks each signature once. tb may be freed once this returns.
 */
HM_EXTERN int hm_verify_trusted(hm_verify_report **out, const char *model_path,
				const hm_trusted_bundle *tb, const hm_verify_options *opts);
HM_EXTERN void hm_verify_report_free(hm_verify_report *r);

/* 1 when every check passed (or was skipped by the policy). */
HM_EXTERN int hm_verify_report_ok(const hm_verify_report *r);
/* The model's root digest on disk (64 hex), or "" when it could not be computed. */
HM_EXTERN const char *hm_verify_report_model_digest(const hm_verify_report *r);
HM_EXTERN const char *hm_check_name(hm_check_id id);
HM_EXTERN hm_check_status hm_verify_report_status(const hm_verify_report *r, hm_check_id id);
/* One-line reason of a check (why it passed or failed). Owned by the report. */
HM_EXTERN const char *hm_verify_report_reason(const hm_verify_report *r, hm_check_id id);
/* Further lines of detail of a check (e.g. each changed file). */
HM_EXTERN size_t hm_verify_report_detail_count(const hm_verify_report *r, hm_check_id id);
HM_EXTERN const char *hm_verify_report_detail(const hm_verify_report *r, hm_check_id id,
					      size_t i);
/*
 * Warnings of a check: what it noticed that the policy lets pass (flagged
 * training records under no limit), printed as WARN lines. A warning never
 * fails a check.
 */
HM_EXTERN size_t hm_verify_report_warning_count(const hm_verify_report *r, hm_check_id id);
HM_EXTERN const char *hm_verify_report_warning(const hm_verify_report *r, hm_check_id id,
					       size_t i);
/*
 * The report as JSON: {"model":PATH,"digest":"sha256:...","ok":bool,
 * "policy":{...},"policy_digest":HEX,"checks":[{"name","status","reason","details":[...],
 * "warnings":[...]}],"base_model":{"adapter":bool,"checked":bool,"path":PATH|null,
 * "signed_digest":"sha256:..."|null,"digest":"sha256:..."|null},"uncovered_files":[{"name","size","reason":"ignored"|"default_ignored"|
 * "not_in_manifest","looks_like":"weights_or_code"|null}]}
 * Free with hm_free().
 */
HM_EXTERN int hm_verify_report_json(char **out, const hm_verify_report *r);
/* The report as JUnit XML, one testcase a check. Free with hm_free(). */
HM_EXTERN int hm_verify_report_junit(char **out, const hm_verify_report *r);

/* Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" to Unix time; HM_EINVAL otherwise. */
HM_EXTERN int hm_rfc3339_parse(long long *out, const char *s);
/* Room for hm_rfc3339_format's text and its NUL. */
#define HM_RFC3339_SIZE 32
/*
 * Formats Unix time t in UTC as "YYYY-MM-DDTHH:MM:SSZ". When the system cannot
 * represent t, out holds "@T" (T in decimal) so it still prints, and the
 * result is HM_EINVAL.
 */
HM_EXTERN int hm_rfc3339_format(char out[HM_RFC3339_SIZE], long long t);

#ifdef __cplusplus
}
#endif
#endif
