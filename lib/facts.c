/*
 * Facts from a trusted bundle (lib/trust.c decides which lines are trusted):
 * keep the trusted attestations, record the refused lines with the reason.
 * The chain is built in facts_chain.c.
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

/* Takes one line of the trusted bundle: a refused line becomes an omission. */
static int take_line(hm_facts *f, const hm_trusted_line *l)
{
	struct hm__fatt *at;
	size_t k;
	int rc;

	if (l->outcome == HM_LINE_EMPTY)
		return hm__facts_omit(f, l->line, HM_FACT_UNTRUSTED, NULL, "%s", l->reason);
	if (!l->attestation)
		return hm__facts_omit(f, l->line, HM_FACT_UNTRUSTED, l->predicate_type,
				      "not signed by a trusted %s key: %s",
				      l->is_audit ? "auditor" : "publisher", l->reason);
	at = &f->atts[f->natts++];
	at->line = l->line;
	at->a = l->attestation;
	at->st = hm__statement_json(hm_attestation_statement(l->attestation));
	at->ptype = l->predicate_type;
	at->signers = l->signers;
	at->nsigners = l->nsigners;
	for (k = 0; k < at->nsigners; k++)
		if ((rc = add_signer(f, at->signers[k], l->is_audit)) < 0)
			return rc;
	return 0;
}

int hm_facts_open_trusted(hm_facts **out, const hm_trusted_bundle *tb, const char *model)
{
	hm_facts *f;
	size_t i, n;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_facts_open_trusted: NULL out");
	*out = NULL;
	if (!tb)
		return hm__err(HM_EINVAL, "hm_facts_open_trusted: NULL trusted bundle");
	if (model && !hm__is_lower_hex(model, 64))
		return hm__err(HM_EINVAL, "model digest \"%s\" is not 64 lowercase hex digits",
			       model);
	f = calloc(1, sizeof(*f));
	if (!f)
		return hm__err_oom();
	n = hm_trusted_bundle_line_count(tb);
	f->nlines = n;
	f->atts = calloc(n ? n : 1, sizeof(*f->atts));
	if (!f->atts) {
		rc = hm__err_oom();
		goto fail;
	}
	for (i = 0; i < n; i++)
		if ((rc = take_line(f, hm_trusted_bundle_line(tb, i))) < 0)
			goto fail;
	if ((rc = hm__facts_build(f, model)) < 0)
		goto fail;
	hm_error_clear();
	*out = f;
	return 0;
fail:
	hm_facts_free(f);
	return rc;
}

int hm_facts_open(hm_facts **out, const hm_bundle *bundle, const hm_facts_options *opts)
{
	hm_trust_options to = HM_TRUST_OPTIONS_INIT;
	hm_trusted_bundle *tb = NULL;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_facts_open: NULL out");
	*out = NULL;
	if (!opts)
		return hm__err(HM_EINVAL, "hm_facts_options: none given");
	HM__CHECK_VERSION(opts, HM_FACTS_OPTIONS_VERSION, "hm_facts_options");
	if (!opts->keys || hm_keyring_count(opts->keys) == 0)
		return hm__err(HM_EINVAL, "no trusted keys given");
	if (opts->model && !hm__is_lower_hex(opts->model, 64))
		return hm__err(HM_EINVAL, "model digest \"%s\" is not 64 lowercase hex digits",
			       opts->model);
	to.keys = opts->keys;
	to.auditor_keys = opts->auditor_keys;
	if ((rc = hm_trusted_bundle_open(&tb, bundle, &to)) < 0)
		return rc;
	if ((rc = hm_facts_open_trusted(out, tb, opts->model)) < 0) {
		hm_trusted_bundle_free(tb);
		return rc;
	}
	(*out)->own_tb = tb;
	return 0;
}

void hm_facts_free(hm_facts *f)
{
	size_t i;

	if (!f)
		return;
	hm_trusted_bundle_free(f->own_tb);
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
	return f ? f->nlines : 0;
}

size_t hm_facts_verified_count(const hm_facts *f)
{
	return f ? f->natts : 0;
}

size_t hm_facts_omission_count(const hm_facts *f)
{
	return f ? f->nom : 0;
}

const hm_fact_omission *hm_facts_omission(const hm_facts *f, size_t i)
{
	return f && i < f->nom ? &f->om[i] : NULL;
}

size_t hm_facts_signer_count(const hm_facts *f)
{
	return f ? f->nsigners : 0;
}

const char *hm_facts_signer(const hm_facts *f, size_t i, int *auditor)
{
	if (!f || i >= f->nsigners)
		return NULL;
	if (auditor)
		*auditor = f->signer_audit[i];
	return f->signers[i];
}

const hm_fact_model *hm_facts_model(const hm_facts *f)
{
	return f && f->has_model ? &f->model : NULL;
}

const hm_fact_run *hm_facts_run(const hm_facts *f)
{
	return f && f->has_run ? &f->run : NULL;
}

const hm_fact_base_model *hm_facts_base_model(const hm_facts *f)
{
	return f && f->has_base ? &f->base : NULL;
}

size_t hm_facts_dataset_count(const hm_facts *f)
{
	return f ? f->nds : 0;
}

const hm_fact_dataset *hm_facts_dataset(const hm_facts *f, size_t i)
{
	return f && i < f->nds ? &f->ds[i] : NULL;
}

size_t hm_facts_audit_count(const hm_facts *f)
{
	return f ? f->naudits : 0;
}

const hm_fact_audit *hm_facts_audit(const hm_facts *f, size_t i)
{
	return f && i < f->naudits ? &f->audits[i] : NULL;
}

size_t hm_facts_card_count(const hm_facts *f)
{
	return f ? f->ncards : 0;
}

const hm_fact_card *hm_facts_card(const hm_facts *f, size_t i)
{
	return f && i < f->ncards ? &f->cards[i] : NULL;
}
