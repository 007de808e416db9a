/*
 * Trusted bundles: the one place that decides which bundle lines are
 * trusted (hm__trust_line; a Sigstore bundle line is decided by the method
 * it was signed with, in trust_sigstore.c), and the bundle-check report
 * built from it. verify, facts (cards, reports, exports), `bundle check` and
 * the archive all go through here.
 */
#include "sigstore_impl.h"
#include "statement_impl.h"
#include "trust_impl.h"

#include <stdlib.h>
#include <string.h>

struct hm_trusted_bundle {
	struct hm__trust t;
	struct hm__tline *lines;
	size_t n;
	size_t ntrusted;
};

const char *hm_predicate_type_label(const char *t)
{
	static const struct {
		const char *type, *label;
	} labels[] = {
		{ HM_OMS_PREDICATE_TYPE, "model manifest" },
		{ HM_DATASET_PREDICATE_TYPE, "dataset" },
		{ HM_SLSA_PREDICATE_TYPE, "fine-tuning run" },
		{ HM_AUDIT_PREDICATE_TYPE, "safety audit" },
		{ HM_CARD_PREDICATE_TYPE, "model card" },
	};
	size_t i;

	if (!t)
		return "(no statement)";
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(t, labels[i].type) == 0)
			return labels[i].label;
	return t;
}

void hm__trust_init(struct hm__trust *t, const hm_trust_options *o)
{
	memset(t, 0, sizeof(*t));
	t->threshold = 1;
	if (!o)
		return;
	t->keys = o->keys;
	t->own_auditors = o->auditor_keys && hm_keyring_count(o->auditor_keys) > 0;
	t->auditors = t->own_auditors ? o->auditor_keys : o->keys;
	if (o->threshold > 1)
		t->threshold = o->threshold;
	if (o->version < 2)
		return; /* the fields below came with version 2 */
	t->roots = o->cert_roots;
	t->identity = o->identity;
	t->issuer = o->issuer;
	t->trusted_root = o->trusted_root;
	t->now = o->now;
}

void hm__tline_clear(struct hm__tline *l)
{
	size_t i;

	hm_attestation_free(l->a);
	hm_envelope_free(l->peeked);
	hm_statement_free(l->peeked_st);
	free(l->reason);
	free(l->claimed);
	for (i = 0; l->keyids && i < l->pub.nkeyids; i++)
		free(l->keyids[i]);
	free(l->keyids);
	free(l->signers);
	free(l->source);
	free(l->subject);
	memset(l, 0, sizeof(*l));
}

/* Before its signatures are checked, a line only says which keys to try, and who signed it. */
int hm__tline_peek(struct hm__tline *l, const char *line, size_t len, int *is_envelope,
		   size_t *nsigs)
{
	hm_envelope *env = NULL;
	hm_statement *st = NULL;
	size_t i;
	int rc = 0;

	*is_envelope = 0;
	*nsigs = 0;
	if (hm_attestation_inspect(&env, &st, line, len) < 0 || !env)
		goto out;
	*is_envelope = 1;
	*nsigs = hm_envelope_signature_count(env);
	if (st && !(l->claimed = strdup(hm_statement_predicate_type(st)))) {
		rc = HM_ENOMEM;
		goto out;
	}
	l->keyids = calloc(*nsigs ? *nsigs : 1, sizeof(*l->keyids));
	if (!l->keyids) {
		rc = HM_ENOMEM;
		goto out;
	}
	for (i = 0; i < *nsigs; i++) {
		if (!(l->keyids[i] = strdup(hm_envelope_signature_keyid(env, i)))) {
			rc = HM_ENOMEM;
			goto out;
		}
		l->pub.nkeyids++;
	}
	l->pub.keyids = (const char *const *)l->keyids;
out:
	if (rc == 0 && env && *nsigs > 0) {
		/* kept for hm__tline_open: the same bytes need not be parsed twice */
		l->peeked = env;
		l->peeked_st = st;
	} else {
		hm_envelope_free(env);
		hm_statement_free(st);
	}
	if (rc == 0) {
		l->pub.predicate_type = l->claimed;
		l->pub.is_audit = l->claimed && strcmp(l->claimed, HM_AUDIT_PREDICATE_TYPE) == 0;
		l->pub.label = l->claimed ? hm_predicate_type_label(l->claimed) : NULL;
	}
	return rc;
}

int hm__tline_refuse(struct hm__tline *l, hm_line_outcome outcome, int code, const char *why)
{
	/* a refused line keeps nothing it parsed */
	hm_envelope_free(l->peeked);
	hm_statement_free(l->peeked_st);
	l->peeked = NULL;
	l->peeked_st = NULL;
	l->pub.outcome = outcome;
	l->pub.error = code < 0 ? code : HM_EVERIFY;
	if (!(l->reason = strdup(why)))
		return hm__err_oom();
	l->pub.reason = l->reason;
	return 0;
}

#define IDS_NAMED 8 /* trusted key ids named in a refusal */

/* A keyid hint as the envelope gives it: up to 128 printable ASCII characters, else '?'. */
static int put_hint(hm_buf *b, const char *id)
{
	size_t i;
	int rc;

	for (i = 0; id[i] && i < 128; i++)
		if ((rc = hm__buf_printf(b, "%c", id[i] > 0x20 && id[i] < 0x7f ? id[i] : '?')) < 0)
			return rc;
	return id[i] ? hm__buf_puts(b, "...") : 0;
}

/*
 * Who signed a line no trusted key verifies: the key ids its signatures
 * name (hints an attacker can write, but what a user needs to find the
 * right key) against the trusted ones. An Ed25519 signature does not say
 * which key made it: without that key, the hint is all there is.
 */
#define P_(...)                                                  \
	do {                                                     \
		if ((rc = hm__buf_printf(b, __VA_ARGS__)) < 0)   \
			return rc;                               \
	} while (0)

static int trusted_list(hm_buf *b, const hm_keyring *kr)
{
	size_t i;
	int rc;

	for (i = 0; i < hm_keyring_count(kr) && i < IDS_NAMED; i++)
		P_("%s%s", i ? ", " : "", hm_key_id(hm_keyring_get(kr, i)));
	if (hm_keyring_count(kr) > IDS_NAMED)
		P_(" (and %zu more)", hm_keyring_count(kr) - IDS_NAMED);
	return 0;
}

static int signed_with(hm_buf *b, const struct hm__tline *l, const hm_keyring *kr,
		       size_t threshold)
{
	size_t i, n = l->pub.nkeyids, named = 0, trusted = 0;
	int rc;

	for (i = 0; i < n; i++)
		named += l->keyids[i][0] != '\0';
	if (named == 0) {
		P_("; %s no key id (the trusted keys: ", n == 1 ? "the signature names" : "no signature names");
		if ((rc = trusted_list(b, kr)) < 0)
			return rc;
		P_(")");
		return 0;
	}
	P_("; signed with key id%s ", named == 1 ? "" : "s");
	for (i = 0, named = 0; i < n; i++) {
		if (!l->keyids[i][0])
			continue;
		P_("%s", named++ ? ", " : "");
		if ((rc = put_hint(b, l->keyids[i])) < 0)
			return rc;
		trusted += hm_keyring_find(kr, l->keyids[i]) != NULL;
	}
	P_(" (the envelope's unverified keyid hint%s; ", named == 1 ? "" : "s");
	if (trusted == 0)
		P_("not among the trusted keys: ");
	else if (threshold <= 1)
		/* no trusted key verified anything, so a hint naming one is a changed signature */
		P_("%s a trusted key, but no signature verifies with it: the statement or the "
		   "signature was changed after signing; the trusted keys: ",
		   named == 1 ? "it names" : "some name");
	else
		P_("%zu of them name%s trusted keys; the trusted keys: ", trusted,
		   trusted == 1 ? "s" : "");
	if ((rc = trusted_list(b, kr)) < 0)
		return rc;
	P_(")");
	return 0;
}

#undef P_

static int refuse_untrusted(struct hm__tline *l, int code, const hm_keyring *kr,
			    size_t threshold)
{
	hm_buf b = HM_BUF_INIT;
	int rc;

	if ((rc = hm__buf_puts(&b, hm_error_last())) < 0 || (rc = signed_with(&b, l, kr, threshold)) < 0) {
		hm__buf_free(&b);
		return rc;
	}
	rc = hm__tline_refuse(l, HM_LINE_UNTRUSTED, code, b.data);
	hm__buf_free(&b);
	return rc;
}

int hm__tline_open(struct hm__tline *l, const char *env, size_t len, const hm_keyring *kr,
		   size_t threshold, int is_envelope, size_t nsigs, const struct hm__trust *t)
{
	size_t k;
	int rc, verified;

	if (l->peeked) {
		/* peeked from these bytes, with signatures: what a strict parse gives too */
		rc = hm__attestation_adopt(&l->a, l->peeked, l->peeked_st, kr, threshold, &verified);
		l->peeked = NULL;
		l->peeked_st = NULL;
	} else {
		rc = hm__attestation_open(&l->a, env, len, kr, threshold, &verified);
	}
	if (rc == HM_ENOMEM)
		return rc;
	if (rc < 0 && is_envelope && nsigs > 0 && !verified)
		return refuse_untrusted(l, rc, kr, t->threshold);
	if (rc < 0)
		return hm__tline_refuse(l, !is_envelope ? HM_LINE_MALFORMED
					   : nsigs == 0  ? HM_LINE_UNSIGNED
					   : verified    ? HM_LINE_NOT_STATEMENT
							 : HM_LINE_UNTRUSTED,
					rc, hm_error_last());
	/* Trusted: from here on, only what was verified speaks. */
	l->pub.attestation = l->a;
	l->pub.predicate_type = hm_statement_predicate_type(hm_attestation_statement(l->a));
	l->pub.label = hm_predicate_type_label(l->pub.predicate_type);
	l->pub.nsigners = hm_attestation_signer_count(l->a);
	l->signers = calloc(l->pub.nsigners ? l->pub.nsigners : 1, sizeof(*l->signers));
	if (!l->signers)
		return hm__err_oom();
	for (k = 0; k < l->pub.nsigners; k++) {
		l->signers[k] = hm_attestation_signer(l->a, k);
		if (t->keys && hm_keyring_find(t->keys, l->signers[k]))
			l->pub.publisher_signed = 1;
	}
	l->pub.signers = l->signers;
	return 0;
}

int hm__trust_line(struct hm__tline *l, const char *line, size_t len, size_t lineno,
		   const struct hm__trust *t)
{
	const hm_keyring *kr;
	size_t nsigs;
	int rc, is_envelope;

	memset(l, 0, sizeof(*l));
	l->pub.line = lineno;
	if (len == 0)
		return hm__tline_refuse(l, HM_LINE_EMPTY, HM_EFORMAT, "empty line");
	if (hm__sigstore_looks(line, len))
		return hm__trust_sigstore(l, line, len, t);
	if ((rc = hm__tline_peek(l, line, len, &is_envelope, &nsigs)) < 0)
		return hm__err_oom();
	if (is_envelope)
		l->pub.method = "key";
	kr = l->pub.is_audit ? t->auditors : t->keys;
	if (!kr || hm_keyring_count(kr) == 0)
		return hm__tline_refuse(l, HM_LINE_UNTRUSTED, HM_EVERIFY, l->pub.is_audit ?
					"no trusted auditor keys were given" :
					"no trusted keys were given");
	return hm__tline_open(l, line, len, kr, t->threshold, is_envelope, nsigs, t);
}

int hm_trusted_bundle_open(hm_trusted_bundle **out, const hm_bundle *b,
			   const hm_trust_options *opts)
{
	hm_trusted_bundle *tb;
	size_t i;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_trusted_bundle_open: NULL out");
	*out = NULL;
	if (!b || !opts)
		return hm__err(HM_EINVAL, "hm_trusted_bundle_open: NULL bundle or options");
	if (opts->version != 1)
		HM__CHECK_VERSION(opts, HM_TRUST_OPTIONS_VERSION, "hm_trust_options");
	if (hm_keyring_count(opts->keys) == 0 &&
	    (opts->version < 2 || (hm_cert_roots_count(opts->cert_roots) == 0 && !opts->identity)))
		return hm__err(HM_EINVAL, "no trusted keys given");
	if (opts->version >= 2 && (!opts->identity) != (!opts->issuer))
		return hm__err(HM_EINVAL, "keyless verification needs both an identity and an issuer");
	if (hm_keyring_count(opts->keys) && opts->threshold > hm_keyring_count(opts->keys))
		return hm__err(HM_EINVAL, "threshold %zu is more than the %zu distinct keys given",
			       opts->threshold, hm_keyring_count(opts->keys));
	if (opts->auditor_keys && hm_keyring_count(opts->auditor_keys) &&
	    opts->threshold > hm_keyring_count(opts->auditor_keys))
		return hm__err(HM_EINVAL, "threshold %zu is more than the %zu distinct auditor keys "
			       "given", opts->threshold, hm_keyring_count(opts->auditor_keys));
	if (hm_init() < 0)
		return HM_ECRYPTO;
	if (!(tb = calloc(1, sizeof(*tb))))
		return hm__err_oom();
	hm__trust_init(&tb->t, opts);
	tb->lines = calloc(hm_bundle_line_count(b) + 1, sizeof(*tb->lines));
	if (!tb->lines) {
		free(tb);
		return hm__err_oom();
	}
	for (i = 0; i < hm_bundle_line_count(b); i++) {
		size_t len;
		const char *line = hm_bundle_line(b, i, &len);
		const char *src = hm_bundle_line_source(b, i);
		rc = hm__trust_line(&tb->lines[i], line, len, i + 1, &tb->t);
		tb->n++;
		if (rc == 0 && src && !(tb->lines[i].source = strdup(src)))
			rc = hm__err_oom();
		if (rc < 0) {
			hm_trusted_bundle_free(tb);
			return rc;
		}
		tb->lines[i].pub.source = tb->lines[i].source;
		tb->lines[i].pub.source_line = hm_bundle_line_number(b, i);
		tb->ntrusted += tb->lines[i].pub.attestation != NULL;
	}
	hm_error_clear();
	*out = tb;
	return 0;
}

void hm_trusted_bundle_release_payloads(hm_trusted_bundle *tb)
{
	size_t i;

	for (i = 0; tb && i < tb->n; i++)
		if (tb->lines[i].a) /* the attestation owns it: const only to its readers */
			hm__envelope_release_payload(
				(hm_envelope *)hm_attestation_envelope(tb->lines[i].a));
}

void hm_trusted_bundle_free(hm_trusted_bundle *tb)
{
	size_t i;

	if (!tb)
		return;
	for (i = 0; i < tb->n; i++)
		hm__tline_clear(&tb->lines[i]);
	free(tb->lines);
	free(tb);
}

size_t hm_trusted_bundle_line_count(const hm_trusted_bundle *tb)
{
	return tb->n;
}

const hm_trusted_line *hm_trusted_bundle_line(const hm_trusted_bundle *tb, size_t i)
{
	return i < tb->n ? &tb->lines[i].pub : NULL;
}

size_t hm_trusted_bundle_trusted_count(const hm_trusted_bundle *tb)
{
	return tb->ntrusted;
}

int hm_trusted_bundle_ok(const hm_trusted_bundle *tb)
{
	return tb->n > 0 && tb->ntrusted == tb->n;
}

int hm_trusted_bundle_own_auditors(const hm_trusted_bundle *tb)
{
	return tb->t.own_auditors;
}

size_t hm_trusted_bundle_threshold(const hm_trusted_bundle *tb)
{
	return tb->t.threshold;
}
