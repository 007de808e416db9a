/* lib/facts_impl.h: the facts handle (internal to facts*.c). */
#ifndef HM_FACTS_IMPL_H
#define HM_FACTS_IMPL_H

#include "internal.h"
#include "hallmark/facts.h"

/* A verified attestation. */
struct hm__fatt {
	size_t line;
	const hm_attestation *a; /* borrowed from the trusted bundle */
	const json_t *st;     /* its statement (borrowed from a) */
	const char *ptype;
	const char *const *signers; /* points into the trusted bundle */
	size_t nsigners;
	int used;             /* part of the chain (or recorded as an omission) */
};

struct hm_facts {
	hm_trusted_bundle *own_tb; /* the trusted bundle the facts were opened from, when owned */
	size_t nlines;
	struct hm__fatt *atts;
	size_t natts;
	hm_fact_omission *om;
	size_t nom;
	const char **signers;
	int *signer_audit;
	size_t nsigners;
	char model_hex[65];
	int has_model, has_run, has_base;
	hm_fact_model model;
	hm_fact_run run;
	hm_fact_base_model base;
	hm_fact_dataset *ds;
	size_t nds;
	hm_fact_audit *audits;
	size_t naudits;
	hm_audit_report **reports;
	hm_fact_card *cards;
	size_t ncards;
	void **pool; /* allocations freed with the facts */
	size_t npool;
};

/* Keeps p (may be NULL: then an out-of-memory error is set); returns p. */
void *hm__facts_keep(hm_facts *f, void *p);
/* Records an omission (reason formatted). Returns 0 or HM_ENOMEM. */
int hm__facts_omit(hm_facts *f, size_t line, hm_fact_omission_kind kind, const char *ptype,
		   const char *fmt, ...) HM_PRINTF(5, 6);
/* 1 when one of the statement's subjects has this sha256. */
int hm__facts_about(const json_t *st, const char *hex);
/* The sha256 of the statement's first subject, or NULL. */
const char *hm__facts_subject_sha256(const json_t *st);
/* Builds the chain from the verified attestations (facts_chain.c). */
int hm__facts_build(hm_facts *f, const char *model_hex);

#endif
