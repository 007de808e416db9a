/*
 * hallmark/trust.h: the one place that decides which lines of a bundle are
 * trusted. Every consumer (verify, bundle check, model cards, reports,
 * exports, the archive) opens a bundle through hm_trusted_bundle_open() and
 * reads, per line, the verified attestation or the reason it was refused.
 *
 * The rule: audit lines (predicateType HM_AUDIT_PREDICATE_TYPE, as the line
 * claims before any check) are checked against the auditor keys, every other
 * line against the publisher keys; a line is trusted when at least
 * `threshold` distinct keys of that keyring verify it, its payloadType is
 * in-toto and its payload is a valid in-toto statement. The predicate type a
 * line claims only picks the keyring: a line trusted as an audit is an audit
 * (the verified statement says so), and a line claiming to be an audit is
 * never checked against the publisher keys when auditor keys are given.
 *
 * A line may also be a Sigstore bundle (a model_signing model.sig, or
 * hallmark's own): its verification material says how it was signed, and it
 * is checked that way only. A publicKey bundle against the keys as above; an
 * X.509 chain (x509CertificateChain or certificate, no transparency log)
 * against the cert_roots, at the signing time its transparency log entry
 * records or else now, the leaf's key then verifying the envelope; a keyless
 * bundle (a certificate and transparency log entries) against the identity,
 * issuer and trusted root. A bundle is never verified with another method
 * than it was signed with: a key bundle is not trusted through certificate
 * roots, nor a certificate bundle through a key.
 */
#ifndef HALLMARK_TRUST_H
#define HALLMARK_TRUST_H

#include "common.h"
#include "dsse.h"
#include "bundle.h"
#include "sigstore.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hm_trust_options {
	unsigned int version;
	const hm_keyring *keys;         /* publisher keys: model, dataset, run and card lines */
	const hm_keyring *auditor_keys; /* audit lines; NULL or empty = keys */
	size_t threshold;               /* distinct trusted keys each line needs; 0 = 1 */
	/* version 2: */
	const hm_cert_roots *cert_roots; /* anchors for certificate-signed Sigstore bundles */
	const char *identity;           /* keyless: the certificate's SAN must be this */
	const char *issuer;             /* keyless: the certificate's OIDC issuer must be this */
	const char *trusted_root;       /* keyless: trusted_root.json; NULL = the installed one */
	long long now;                  /* Unix time certificates are checked at when a bundle
					   records no signing time; 0 = now */
} hm_trust_options;
#define HM_TRUST_OPTIONS_VERSION 2
#define HM_TRUST_OPTIONS_INIT { HM_TRUST_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0 }

/* What became of a line. */
typedef enum hm_line_outcome {
	HM_LINE_TRUSTED = 0,
	HM_LINE_EMPTY = 1,         /* an empty line */
	HM_LINE_MALFORMED = 2,     /* not a DSSE envelope */
	HM_LINE_UNSIGNED = 3,      /* an envelope without signatures */
	HM_LINE_UNTRUSTED = 4,     /* signed, but not by enough trusted keys of its keyring */
	HM_LINE_NOT_STATEMENT = 5  /* signed by trusted keys, but the payload is not an in-toto
				      statement hallmark accepts */
} hm_line_outcome;

/* One line of a trusted bundle; owned by the hm_trusted_bundle it came from. */
typedef struct hm_trusted_line {
	size_t line;                        /* 1-based */
	hm_line_outcome outcome;
	int error;                          /* the refusal's hm_error_code; 0 when trusted */
	const char *reason;                 /* why it was refused; NULL when trusted. A line
					       signed, but not by enough trusted keys, says
					       which key ids its signatures name (unverified
					       hints) and which keys are trusted */
	const hm_attestation *attestation;  /* the verified attestation; NULL when refused */
	const char *predicate_type;         /* verified when trusted, else as the line claims;
					       NULL when it names none */
	const char *label;                  /* hm_predicate_type_label(); NULL with no type */
	int is_audit;                       /* checked against the auditor keys */
	const char *const *signers;         /* key ids (64 hex) of the trusted keys that
					       verified it; none when refused */
	size_t nsigners;
	int publisher_signed;               /* one of the signers is a publisher key */
	const char *const *keyids;          /* key ids the envelope's signatures name
					       (unverified; "" when a signature names none) */
	size_t nkeyids;
	const char *source;                 /* the file the line came from, or NULL */
	size_t source_line;                 /* its 1-based number in that file */
	const char *method;                 /* how it was signed: "key" (a DSSE line, or a
					       Sigstore bundle with a publicKey), "certificate",
					       "keyless"; NULL when not even that could be read */
	const char *cert_subject;           /* trusted through a certificate: the signing
					       certificate's subject (RFC 2253); else NULL */
} hm_trusted_line;

typedef struct hm_trusted_bundle hm_trusted_bundle;

/*
 * Checks every line of the bundle (see the rule above). Fails only for bad
 * options (neither publisher keys nor certificate roots nor an identity,
 * threshold above the keys given) or lack of memory: a line that does not verify is recorded with its reason. The
 * trusted bundle does not refer to b after it returns. Free with
 * hm_trusted_bundle_free().
 */
HM_EXTERN int hm_trusted_bundle_open(hm_trusted_bundle **out, const hm_bundle *b,
				     const hm_trust_options *opts);
HM_EXTERN void hm_trusted_bundle_free(hm_trusted_bundle *tb);
/*
 * Frees the decoded payload of every trusted line's envelope, which can be
 * as large as the bundle itself: each line's statement stays, and that is
 * all hm_verify_trusted(), facts and cards read. Afterwards
 * hm_envelope_payload() gives NULL and 0 for those envelopes, and what needs
 * the payload's bytes (hm_envelope_verify(), archiving, hm_sigstore_bundle())
 * fails with HM_EINVAL. For a caller that hashes a large model next and
 * neither archives nor exports the envelopes.
 */
HM_EXTERN void hm_trusted_bundle_release_payloads(hm_trusted_bundle *tb);
HM_EXTERN size_t hm_trusted_bundle_line_count(const hm_trusted_bundle *tb);
/* Line i (0-based), or NULL past the end. */
HM_EXTERN const hm_trusted_line *hm_trusted_bundle_line(const hm_trusted_bundle *tb, size_t i);
HM_EXTERN size_t hm_trusted_bundle_trusted_count(const hm_trusted_bundle *tb);
/* 1 when the bundle has lines and every one is trusted. */
HM_EXTERN int hm_trusted_bundle_ok(const hm_trusted_bundle *tb);
/* 1 when auditor keys of their own were given (else audits are checked against the keys). */
HM_EXTERN int hm_trusted_bundle_own_auditors(const hm_trusted_bundle *tb);
/* The threshold applied (1 or more). */
HM_EXTERN size_t hm_trusted_bundle_threshold(const hm_trusted_bundle *tb);

/*
 * The `hallmark bundle check --json` report of a trusted bundle, named name:
 * {"bundle":NAME,"threshold":N,"lines":[{"line":N,"ok":true,"predicateType":T,
 * "subjects":[{"name":S,"digest":{ALG:HEX}}],"signers":[ID...]} or
 * {"line":N,"ok":false,"reason":R,"keyid_hints":[ID...]}],"verified":N,"failed":N,
 * "ok":bool} (keyid_hints: the key ids the line's signatures name, unverified); a line
 * read from a file also has "source":FILE,"sourceLine":N, one whose method is
 * known "method":"key"|"certificate"|"keyless", and one trusted through a
 * certificate "certificateSubject":SUBJECT
 * (failed counts an empty bundle as one failure). One line, no newline. Free
 * with hm_free().
 */
HM_EXTERN int hm_trusted_bundle_json(char **out, const hm_trusted_bundle *tb, const char *name);

/*
 * What a predicate type holds, in words: "model manifest", "dataset",
 * "fine-tuning run", "safety audit", "model card"; an unknown type is
 * returned as it is, NULL as "(no statement)". Never NULL; static storage
 * (or predicate_type itself). The one label table: every output uses it.
 */
HM_EXTERN const char *hm_predicate_type_label(const char *predicate_type);

#ifdef __cplusplus
}
#endif
#endif
