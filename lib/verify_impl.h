/*
 * lib/verify_impl.h: the verification report's layout, and what the checks
 * (verify_*.c) share: the context, the trusted attestations, and the helpers
 * that word a check's outcome (verify_words.c). Internal.
 */
#ifndef HM_VERIFY_IMPL_H
#define HM_VERIFY_IMPL_H

#include "internal.h"
#include "policy.h"

struct hm__check {
	hm_check_status status;
	char *reason;
	char **details;
	size_t ndetails;
	char **warnings; /* what the check noticed and the policy lets pass */
	size_t nwarnings;
};

struct hm_verify_report {
	char *model_path;
	char digest[65]; /* "" when the model could not be hashed */
	char *policy_json;
	char policy_digest[65];
	struct hm__check checks[HM_CHECK_COUNT];
	/* files on disk the matched model manifest does not cover (names owned) */
	struct hm__uncovered_row *uncovered;
	size_t nuncovered;
	/* the base model check */
	int adapter;            /* the model is a PEFT adapter */
	char *base_path;        /* the base given to check, NULL when none */
	char base_signed[65];   /* the run's base digest, "" when none */
	char base_found[65];    /* the base given, hashed; "" when not hashed */
};

/* A trusted attestation of the bundle (borrowed from the trusted bundle). */
struct hm__vatt {
	size_t line;
	const hm_attestation *a;
	const json_t *st; /* the verified statement (a model manifest's: resources held lean) */
	const hm_statement *stmt;
	const char *ptype;
	int publisher_signed;
};

struct hm__vctx {
	hm_verify_report *r;
	const hm_verify_options *o;
	const hm_policy *pol;
	const hm_trusted_bundle *tb;
	struct hm__vatt *atts;
	size_t natts;
	size_t untrusted_audits; /* audit lines that no auditor key verifies */
	char base[65];           /* base model digest from the run, "" when unknown */
	int adapter;             /* a PEFT adapter: adapter_config.json on disk or in the run */
	hm_benchmark_registry *registry; /* the verifier's benchmark registry, opened on first use */
	int registry_tried;
	char registry_error[256];        /* why it could not be opened */
};

/* The checks, in the order hm_verify runs them. */
int hm__check_signatures(struct hm__vctx *x);
int hm__check_model(struct hm__vctx *x, const char *model_path);
int hm__check_provenance(struct hm__vctx *x);
int hm__check_audit(struct hm__vctx *x);
int hm__check_card(struct hm__vctx *x);
int hm__check_base_model(struct hm__vctx *x);

/*
 * verify_model.c: hashes a model (or a base model) as the signer of the OMS
 * statement oms did (oms NULL: the default rules), with the verification's
 * jobs and progress.
 */
int hm__vhash_model(hm_manifest **m, const char *path, const json_t *oms,
		    const hm_verify_options *o);
/* 1 when a hashing error means the path cannot be read at all (no report can be made). */
int hm__vhash_fatal(int rc);

/* ---- files the signed model manifest does not cover (verify_uncovered.c) ---- */

/*
 * The rows of the files on disk that m (hashed with a signed manifest's
 * ignore list) leaves out, and the extra files of its comparison with that
 * manifest; sorted in manifest order, names owned. Free with
 * hm__vrows_free().
 */
int hm__vrows_collect(struct hm__uncovered_row **out, size_t *n, const hm_manifest *m,
			  const hm_manifest_diff *diffs, size_t nd);
void hm__vrows_free(struct hm__uncovered_row *rows, size_t n);
/* A detail line per row (rows not in the manifest only when with_extras). */
int hm__vrows_details(struct hm__check *c, const hm_policy *p,
			  const struct hm__uncovered_row *rows, size_t n, int with_extras);
/* "a (why), b (why) (and N more)" of the rows idx[0..k), or of the first rows when idx is NULL. */
void hm__vrows_names(char *buf, size_t size, const struct hm__uncovered_row *rows,
			 size_t n, const size_t *idx, size_t k);
/* "not_in_manifest", "ignored" or "default_ignored": the JSON report's reason. */
const char *hm__vrows_reason_name(enum hm__uncovered_reason r);

/* ---- wording (verify_words.c) ---- */

/* Set the check's status and one-line reason (control characters replaced). */
int hm__vpass(struct hm__check *c, const char *fmt, ...) HM_PRINTF(2, 3);
int hm__vfail(struct hm__check *c, const char *fmt, ...) HM_PRINTF(2, 3);
int hm__vskip(struct hm__check *c, const char *fmt, ...) HM_PRINTF(2, 3);
/* Adds a line of detail. */
int hm__vdetail(struct hm__check *c, const char *fmt, ...) HM_PRINTF(2, 3);
/* Adds a warning: something the policy lets pass that a reader must see (a WARN line). */
int hm__vwarn(struct hm__check *c, const char *fmt, ...) HM_PRINTF(2, 3);

/*
 * The problems a check found: each one a detail line ("line N: ..." when it
 * is about one attestation); the first also goes into the one-line reason.
 */
struct hm__problems {
	int n;
	int oom;
	size_t first_detail; /* index of the first problem's detail line */
	char first[1024];
};
void hm__vproblem(struct hm__check *c, struct hm__problems *p, size_t line, const char *fmt, ...)
	HM_PRINTF(4, 5);
/*
 * ": FIRST" or ": FIRST (and N more)", for the end of a failing reason. A lone
 * problem is then said by the reason, and its detail line goes.
 */
const char *hm__first_and_more(struct hm__check *c, const struct hm__problems *p, char *buf,
			       size_t size);
/* A percentage from a fraction: "16.1", "5", "0.3". */
const char *hm__pct(char buf[24], double fraction);

/* 1 when one of the statement's subjects has this sha256. */
int hm__vabout(const json_t *st, const char *hex);
/* The sha256 of subject i, or NULL. */
const char *hm__vsubject_sha256(const json_t *st, size_t i);
/* The first trusted attestation of this predicate type about hex, or NULL. */
const struct hm__vatt *hm__vfind(const struct hm__vctx *x, const char *ptype, const char *hex);

#endif
