/* lib/trust_impl.h: deciding whether one line is trusted (internal to the library). */
#ifndef HM_TRUST_IMPL_H
#define HM_TRUST_IMPL_H

#include "internal.h"

/* The keys a line is checked against, from validated hm_trust_options. */
struct hm__trust {
	const hm_keyring *keys;     /* publisher keys; may be NULL or empty (nothing verifies) */
	const hm_keyring *auditors; /* auditor keys, or keys when none were given */
	int own_auditors;
	size_t threshold;           /* 1 or more */
	const hm_cert_roots *roots; /* certificate-signed Sigstore bundles; may be NULL */
	const char *identity, *issuer, *trusted_root; /* keyless Sigstore bundles */
	long long now;              /* certificates are checked at this time when a bundle
				       records none; 0 = now */
};

/* A line and the storage its public view points into. */
struct hm__tline {
	hm_trusted_line pub;
	hm_attestation *a;
	char *reason;
	char *claimed;  /* the predicate type the line claims, when refused */
	char **keyids;
	const char **signers;
	char *source;
	char *subject;  /* the signing certificate's subject */
	hm_envelope *peeked;	 /* parsed by hm__tline_peek, for hm__tline_open not to parse again */
	hm_statement *peeked_st; /* its statement, when the payload is one */
};

/*
 * Fills t from options (NULL = no keys). Does not require publisher keys:
 * the archive stores lines that verify against nothing, flagged.
 */
void hm__trust_init(struct hm__trust *t, const hm_trust_options *o);

/*
 * THE decision: whether the line (1-based number lineno) is trusted, and if
 * not, why. Returns 0 with out filled either way, or HM_ENOMEM. Safe to call
 * from several threads at once. Release with hm__tline_clear().
 */
int hm__trust_line(struct hm__tline *out, const char *line, size_t len, size_t lineno,
		   const struct hm__trust *t);
void hm__tline_clear(struct hm__tline *l);

/* Steps of the decision, shared with trust_sigstore.c (trust.c). */
int hm__tline_peek(struct hm__tline *l, const char *line, size_t len, int *is_envelope,
		   size_t *nsigs);
int hm__tline_refuse(struct hm__tline *l, hm_line_outcome outcome, int code, const char *why);
/* Verifies the envelope env against kr and, when trusted, fills in what was verified. */
int hm__tline_open(struct hm__tline *l, const char *env, size_t len, const hm_keyring *kr,
		   size_t threshold, int is_envelope, size_t nsigs, const struct hm__trust *t);
/* trust_sigstore.c: the decision for a line that is a Sigstore bundle. */
int hm__trust_sigstore(struct hm__tline *l, const char *line, size_t len,
		       const struct hm__trust *t);

/* attestation.c: hm_attestation_open that also says whether the signatures verified. */
int hm__attestation_open(hm_attestation **out, const char *line, size_t len,
			 const hm_keyring *kr, size_t threshold, int *verified);
/*
 * The same from an envelope already parsed (with signatures) and, when not
 * NULL, the statement parsed from its payload: both are taken over (freed on
 * error). What is verified is env's payload, which st was parsed from.
 */
int hm__attestation_adopt(hm_attestation **out, hm_envelope *env, hm_statement *st,
			  const hm_keyring *kr, size_t threshold, int *verified);

#endif
