/*
 * hallmark/facts.h: what a bundle proves, and nothing more. Loads the
 * attestations of a bundle whose signatures verify against trusted keys,
 * indexes them by predicate type and subject digest, and builds the
 * provenance chain base model -> datasets -> fine-tuning run -> model ->
 * safety audits (and model cards). Lines that do not verify, or verify but
 * cannot be read, are kept as omissions with the reason, so that every
 * document generated from the facts (model cards, reports, BOMs) can say what
 * it left out.
 *
 * Every struct below is a read-only view owned by the hm_facts it came from
 * (valid until hm_facts_free()); fields may be added at the end.
 */
#ifndef HALLMARK_FACTS_H
#define HALLMARK_FACTS_H

#include "common.h"
#include "dsse.h"
#include "bundle.h"
#include "trust.h"
#include "audit.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hm_facts_options {
	unsigned int version;
	const hm_keyring *keys;         /* trusted for model, dataset, run and card lines */
	const hm_keyring *auditor_keys; /* trusted for audit lines; NULL or empty = keys */
	const char *model;              /* 64 hex digits of the model to describe; NULL = the
					   subject of the first verified run (else manifest) */
} hm_facts_options;
#define HM_FACTS_OPTIONS_VERSION 1
#define HM_FACTS_OPTIONS_INIT { HM_FACTS_OPTIONS_VERSION, NULL, NULL, NULL }

typedef struct hm_facts hm_facts;

/* The verified attestation a fact comes from. line 0: no attestation states it. */
typedef struct hm_fact_source {
	size_t line;                 /* 1-based bundle line */
	const char *const *signers;  /* key ids (64 hex) of the trusted keys that verified it */
	size_t nsigners;
} hm_fact_source;

/* Why a bundle line is not used. */
typedef enum hm_fact_omission_kind {
	HM_FACT_UNTRUSTED = 1, /* its signature does not verify against the trusted keys */
	HM_FACT_MALFORMED = 2, /* verified, but its predicate cannot be read */
	HM_FACT_UNRELATED = 3  /* verified, but about another model */
} hm_fact_omission_kind;

typedef struct hm_fact_omission {
	size_t line;
	hm_fact_omission_kind kind;
	const char *predicate_type; /* as the line claims (unverified for UNTRUSTED); may be NULL */
	const char *reason;
} hm_fact_omission;

typedef struct hm_fact_model {
	const char *name;     /* subject name; may be NULL */
	const char *sha256;   /* manifest root, 64 hex */
	size_t files;         /* files in the signed manifest (0 when no manifest) */
	hm_fact_source source; /* the OMS manifest attestation */
	const char *hub_id;   /* ORG/NAME[@REV] on the manifest's subject; NULL when none */
} hm_fact_model;

typedef struct hm_fact_base_model {
	const char *name;      /* as the run records it; may be NULL */
	const char *sha256;    /* 64 hex */
	hm_fact_source source; /* an OMS manifest of the base model in the bundle, if any */
	/*
	 * Its hub id, [ORG/]NAME[@REV]: the one the run records for it, else the
	 * one on its manifest's subject; NULL when neither names one.
	 */
	const char *hub_id;
} hm_fact_base_model;

typedef struct hm_fact_resource {
	const char *name;
	const char *sha256;
	long long size;        /* -1 when not recorded */
} hm_fact_resource;

typedef struct hm_fact_dataset {
	const char *name;      /* subject name (or the run's name for it) */
	const char *sha256;    /* 64 hex */
	int in_run;            /* 1 when the run lists it as a training dataset */
	hm_fact_source source; /* the dataset attestation; line 0 when only the run names it */
	/* From the dataset predicate (NULL / -1 when not recorded or not attested): */
	const char *version;
	const char *license;
	const char *uri;       /* predicate "source" */
	const char *purpose;
	const char *record_format;
	long long records, invalid_records, duplicate_records, schema_errors, bytes;
	const char *git_remote;
	const char *git_commit;
	int git_committed;     /* 1 when every file was committed at that commit */
	int screened;          /* 1 when the predicate has a screening section */
	const char *screening_method;
	long long records_scanned, flagged_records;
	const hm_fact_resource *resources;
	size_t nresources;
	const char *hub_id;    /* predicate "hub" as ORG/NAME[@REV]; NULL when none */
} hm_fact_dataset;

typedef struct hm_fact_param {
	const char *name;
	const char *value; /* the JSON value as compact text (strings without quotes) */
} hm_fact_param;

typedef struct hm_fact_run {
	hm_fact_source source; /* line 0: no verified run of this model */
	const char *method;
	const char *base_name;
	const hm_fact_param *hyperparameters; /* sorted by name */
	size_t nhyperparameters;
	const char *code_uri;    /* e.g. git+https://...; NULL when none */
	const char *code_commit; /* git commit; NULL when none */
	const char *code_branch;
	int code_dirty;
	const char *builder;
	const char *started, *finished; /* RFC 3339; NULL when not recorded */
} hm_fact_run;

typedef struct hm_fact_audit {
	hm_fact_source source;
	const hm_audit_report *report; /* the parsed, consistency-checked predicate */
	int baseline_is_base;          /* 1 when the baseline is the run's base model */
} hm_fact_audit;

typedef struct hm_fact_card {
	hm_fact_source source;
	const char *name;   /* the card file's name */
	const char *sha256; /* the card file's digest */
} hm_fact_card;

/*
 * Checks every line of the bundle with hm_trusted_bundle_open() (threshold
 * 1: audit lines against the auditor keys, the others against the keys, as
 * hm_verify does) and builds the facts. A line that fails is recorded as an omission,
 * never an error: hm_facts_open fails only for bad options (no keys) or lack
 * of memory. Free with hm_facts_free().
 */
HM_EXTERN int hm_facts_open(hm_facts **out, const hm_bundle *bundle, const hm_facts_options *opts);
/*
 * The facts of a bundle already checked with hm_trusted_bundle_open() (so a
 * caller that also verifies checks each signature once). model: as
 * hm_facts_options.model. The facts borrow from tb: free them before tb.
 */
HM_EXTERN int hm_facts_open_trusted(hm_facts **out, const hm_trusted_bundle *tb,
				    const char *model);
HM_EXTERN void hm_facts_free(hm_facts *f);

/*
 * The accessors below take NULL facts as facts with nothing in them: counts
 * are 0 and lookups NULL.
 */
/* Lines in the bundle, and how many of them verified. */
HM_EXTERN size_t hm_facts_line_count(const hm_facts *f);
HM_EXTERN size_t hm_facts_verified_count(const hm_facts *f);
HM_EXTERN size_t hm_facts_omission_count(const hm_facts *f);
HM_EXTERN const hm_fact_omission *hm_facts_omission(const hm_facts *f, size_t i);

/*
 * The trusted keys that verified at least one line, in the order they first
 * did. *auditor (may be NULL) is set to 1 when the key verified an audit.
 */
HM_EXTERN size_t hm_facts_signer_count(const hm_facts *f);
HM_EXTERN const char *hm_facts_signer(const hm_facts *f, size_t i, int *auditor);

/* The model the facts describe; NULL when the bundle names none that verified. */
HM_EXTERN const hm_fact_model *hm_facts_model(const hm_facts *f);
/* The run that produced it; NULL when no verified run attestation is about it. */
HM_EXTERN const hm_fact_run *hm_facts_run(const hm_facts *f);
/* The base model the run names; NULL without a run. */
HM_EXTERN const hm_fact_base_model *hm_facts_base_model(const hm_facts *f);
/* Datasets: the run's, in its order, then other verified dataset attestations. */
HM_EXTERN size_t hm_facts_dataset_count(const hm_facts *f);
HM_EXTERN const hm_fact_dataset *hm_facts_dataset(const hm_facts *f, size_t i);
/* Verified, readable safety audits of the model, in bundle order. */
HM_EXTERN size_t hm_facts_audit_count(const hm_facts *f);
HM_EXTERN const hm_fact_audit *hm_facts_audit(const hm_facts *f, size_t i);
/* Verified model card attestations bound to the model. */
HM_EXTERN size_t hm_facts_card_count(const hm_facts *f);
HM_EXTERN const hm_fact_card *hm_facts_card(const hm_facts *f, size_t i);

#ifdef __cplusplus
}
#endif
#endif
