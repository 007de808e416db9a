/*
 * Facts from a bundle: verify every line against the trusted keys, keep the
 * attestations that verify, record the others with the reason. The chain is
 * built in facts_chain.c.
 */
#include "statement_impl.h"
#include "facts_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void *hm__facts_keep(hm_facts *f, void *p)
{
	void **n;

	if (!p) {
		hm__err_oom();
		return NULL;
	}
	n = realloc(f->pool, (f->npool + 1) * sizeof(*n));
	if (!n) {
		free(p);
		hm__err_oom();
		return NULL;
	}
	f->pool = n;
	f->pool[f->npool++] = p;
	return p;
}

int hm__facts_omit(hm_facts *f, size_t line, hm_fact_omission_kind kind, const char *ptype,
		   const char *fmt, ...)
{
	char buf[1024];
	hm_fact_omission *n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = realloc(f->om, (f->nom + 1) * sizeof(*n));
	if (!n)
		return hm__err_oom();
	f->om = n;
	n[f->nom].line = line;
	n[f->nom].kind = kind;
	n[f->nom].predicate_type = ptype ? hm__facts_keep(f, strdup(ptype)) : NULL;
	n[f->nom].reason = hm__facts_keep(f, strdup(buf));
	if ((ptype && !n[f->nom].predicate_type) || !n[f->nom].reason)
		return HM_ENOMEM;
	f->nom++;
	return 0;
}

const char *hm__facts_subject_sha256(const json_t *st)
{
	return hm__json_str(json_object_get(json_array_get(json_object_get(st, "subject"), 0),
					    "digest"), "sha256");
}

int hm__facts_about(const json_t *st, const char *hex)
{
	const json_t *subj = json_object_get(st, "subject"), *s;
	size_t i;

	json_array_foreach(subj, i, s) {
		const char *h = hm__json_str(json_object_get(s, "digest"), "sha256");
		if (h && strcmp(h, hex) == 0)
			return 1;
	}
	return 0;
}

static int add_signer(hm_facts *f, const char *id, int audit)
{
	const char **n;
	int *na;
	size_t i;

	for (i = 0; i < f->nsigners; i++) {
		if (strcmp(f->signers[i], id) == 0) {
			f->signer_audit[i] |= audit;
			return 0;
		}
	}
	n = realloc(f->signers, (f->nsigners + 1) * sizeof(*n));
	if (!n)
		return hm__err_oom();
	f->signers = n;
	na = realloc(f->signer_audit, (f->nsigners + 1) * sizeof(*na));
	if (!na)
		return hm__err_oom();
	f->signer_audit = na;
	f->signers[f->nsigners] = id;
	f->signer_audit[f->nsigners++] = audit;
	return 0;
}

/* Verifies line i; a failure becomes an omission. */
static int open_line(hm_facts *f, const hm_bundle *b, size_t i, const hm_keyring *keys,
		     const hm_keyring *auditors)
{
	size_t len, k;
	const char *line = hm_bundle_line(b, i, &len);
	hm_envelope *env = NULL;
	hm_statement *peek = NULL;
	hm_attestation *a = NULL;
	struct hm__fatt *at;
	char ptype[512] = "";
	int is_audit = 0, rc;

	if (len == 0)
		return hm__facts_omit(f, i + 1, HM_FACT_UNTRUSTED, NULL, "empty line");
	if (hm_attestation_inspect(&env, &peek, line, len) == 0 && peek) {
		snprintf(ptype, sizeof(ptype), "%s", hm_statement_predicate_type(peek));
		is_audit = strcmp(ptype, HM_AUDIT_PREDICATE_TYPE) == 0;
	}
	hm_envelope_free(env);
	hm_statement_free(peek);
	rc = hm_attestation_open(&a, line, len, is_audit ? auditors : keys, 1);
	if (rc == HM_ENOMEM)
		return rc;
	if (rc < 0)
		return hm__facts_omit(f, i + 1, HM_FACT_UNTRUSTED, ptype[0] ? ptype : NULL,
				      "not signed by a trusted %s key: %s",
				      is_audit ? "auditor" : "publisher", hm_error_last());
	at = &f->atts[f->natts];
	at->line = i + 1;
	at->a = a;
	at->st = hm__statement_json(hm_attestation_statement(a));
	at->ptype = hm_statement_predicate_type(hm_attestation_statement(a));
	at->nsigners = hm_attestation_signer_count(a);
	f->natts++;
	at->signers = hm__facts_keep(f, calloc(at->nsigners ? at->nsigners : 1,
					       sizeof(*at->signers)));
	if (!at->signers)
		return HM_ENOMEM;
	for (k = 0; k < at->nsigners; k++) {
		at->signers[k] = hm_attestation_signer(a, k);
		if ((rc = add_signer(f, at->signers[k], is_audit)) < 0)
			return rc;
	}
	return 0;
}

int hm_facts_open(hm_facts **out, const hm_bundle *bundle, const hm_facts_options *opts)
{
	const hm_keyring *auditors;
	hm_facts *f;
	size_t i, n;
	int rc;

	*out = NULL;
	if (!opts)
		return hm__err(HM_EINVAL, "hm_facts_options: none given");
	HM__CHECK_VERSION(opts, HM_FACTS_OPTIONS_VERSION, "hm_facts_options");
	if (!opts->keys || hm_keyring_count(opts->keys) == 0)
		return hm__err(HM_EINVAL, "no trusted keys given");
	if (opts->model && !hm__is_lower_hex(opts->model, 64))
		return hm__err(HM_EINVAL, "model digest \"%s\" is not 64 lowercase hex digits",
			       opts->model);
	if (hm_init() < 0)
		return HM_ECRYPTO;
	auditors = opts->auditor_keys && hm_keyring_count(opts->auditor_keys) ? opts->auditor_keys
										 : opts->keys;
	f = calloc(1, sizeof(*f));
	if (!f)
		return hm__err_oom();
	n = hm_bundle_line_count(bundle);
	f->nlines = n;
	f->atts = calloc(n ? n : 1, sizeof(*f->atts));
	if (!f->atts) {
		rc = hm__err_oom();
		goto fail;
	}
	for (i = 0; i < n; i++)
		if ((rc = open_line(f, bundle, i, opts->keys, auditors)) < 0)
			goto fail;
	if ((rc = hm__facts_build(f, opts->model)) < 0)
		goto fail;
	hm_error_clear();
	*out = f;
	return 0;
fail:
	hm_facts_free(f);
	return rc;
}

void hm_facts_free(hm_facts *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->natts; i++)
		hm_attestation_free(f->atts[i].a);
	for (i = 0; i < f->naudits; i++)
		hm_audit_report_free(f->reports[i]);
	for (i = 0; i < f->npool; i++)
		free(f->pool[i]);
	free(f->pool);
	free(f->reports);
	free(f->atts);
	free(f->om);
	free(f->signers);
	free(f->signer_audit);
	free(f->ds);
	free(f->audits);
	free(f->cards);
	free(f);
}

size_t hm_facts_line_count(const hm_facts *f)
{
	return f->nlines;
}

size_t hm_facts_verified_count(const hm_facts *f)
{
	return f->natts;
}

size_t hm_facts_omission_count(const hm_facts *f)
{
	return f->nom;
}

const hm_fact_omission *hm_facts_omission(const hm_facts *f, size_t i)
{
	return i < f->nom ? &f->om[i] : NULL;
}

size_t hm_facts_signer_count(const hm_facts *f)
{
	return f->nsigners;
}

const char *hm_facts_signer(const hm_facts *f, size_t i, int *auditor)
{
	if (i >= f->nsigners)
		return NULL;
	if (auditor)
		*auditor = f->signer_audit[i];
	return f->signers[i];
}

const hm_fact_model *hm_facts_model(const hm_facts *f)
{
	return f->has_model ? &f->model : NULL;
}

const hm_fact_run *hm_facts_run(const hm_facts *f)
{
	return f->has_run ? &f->run : NULL;
}

const hm_fact_base_model *hm_facts_base_model(const hm_facts *f)
{
	return f->has_base ? &f->base : NULL;
}

size_t hm_facts_dataset_count(const hm_facts *f)
{
	return f->nds;
}

const hm_fact_dataset *hm_facts_dataset(const hm_facts *f, size_t i)
{
	return i < f->nds ? &f->ds[i] : NULL;
}

size_t hm_facts_audit_count(const hm_facts *f)
{
	return f->naudits;
}

const hm_fact_audit *hm_facts_audit(const hm_facts *f, size_t i)
{
	return i < f->naudits ? &f->audits[i] : NULL;
}

size_t hm_facts_card_count(const hm_facts *f)
{
	return f->ncards;
}

const hm_fact_card *hm_facts_card(const hm_facts *f, size_t i)
{
	return i < f->ncards ? &f->cards[i] : NULL;
}
