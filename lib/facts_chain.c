/*
 * The provenance chain from verified attestations: base model -> datasets ->
 * fine-tuning run -> model -> audits (and cards). Every verified line ends up
 * in the chain or in the omissions, with the reason.
 */
#include "facts_impl.h"
#include "hallmark/hubcache.h"
#include "provenance_impl.h"

#include <stdlib.h>
#include <string.h>

#define OMIT(...)                                             \
	do {                                                  \
		int orc_ = hm__facts_omit(f, __VA_ARGS__);    \
		if (orc_ < 0)                                 \
			return orc_;                          \
	} while (0)

static const json_t *path2(const json_t *o, const char *a, const char *b)
{
	return json_object_get(json_object_get(o, a), b);
}

static const char *str_or_null(const json_t *o, const char *key)
{
	return hm__json_str(o, key);
}

static long long int_or(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

static void set_source(hm_fact_source *s, const struct hm__fatt *at)
{
	s->line = at->line;
	s->signers = at->signers;
	s->nsigners = at->nsigners;
}

static int is_run(const struct hm__fatt *at)
{
	return hm__run_is_run(at->st);
}

static const char *card_model(const struct hm__fatt *at)
{
	return hm__card_predicate_model(at->st);
}

static int pick_model(hm_facts *f, const char *want)
{
	const char *order[] = { HM_SLSA_PREDICATE_TYPE, HM_OMS_PREDICATE_TYPE,
				HM_AUDIT_PREDICATE_TYPE, HM_CARD_PREDICATE_TYPE };
	size_t k, i;

	if (want) {
		memcpy(f->model_hex, want, 65);
		return 1;
	}
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		for (i = 0; i < f->natts; i++) {
			const struct hm__fatt *at = &f->atts[i];
			const char *h;
			if (strcmp(at->ptype, order[k]) != 0 || (k == 0 && !is_run(at)))
				continue;
			h = k == 3 ? card_model(at) : hm__facts_subject_sha256(at->st);
			if (h && hm__is_lower_hex(h, 64)) {
				memcpy(f->model_hex, h, 65);
				return 1;
			}
		}
	}
	return 0;
}

static const char *subject_name_of(const json_t *st, const char *hex)
{
	const json_t *s;
	size_t i;

	json_array_foreach(json_object_get(st, "subject"), i, s) {
		const char *h = hm__json_str(json_object_get(s, "digest"), "sha256");
		if (h && strcmp(h, hex) == 0)
			return hm__json_str(s, "name");
	}
	return NULL;
}

/* The first OMS manifest about hex whose resources hash to it; others are omitted. */
static int find_manifest(hm_facts *f, const char *hex, struct hm__fatt **out)
{
	size_t i;

	*out = NULL;
	for (i = 0; i < f->natts; i++) {
		struct hm__fatt *at = &f->atts[i];
		char root[65], *pred;
		int rc;
		if (at->used || strcmp(at->ptype, HM_OMS_PREDICATE_TYPE) != 0 ||
		    !hm__facts_about(at->st, hex))
			continue;
		at->used = 1;
		pred = hm__json_canonical(json_object_get(at->st, "predicate"), NULL);
		if (!pred)
			return HM_ENOMEM;
		rc = hm_manifest_predicate_root(root, pred, strlen(pred));
		free(pred);
		if (rc == HM_ENOMEM)
			return rc;
		if (rc < 0 || strcmp(root, hex) != 0) {
			OMIT(at->line, HM_FACT_MALFORMED, at->ptype,
			     "its resources do not hash to its subject digest sha256:%s", hex);
			continue;
		}
		if (*out) {
			OMIT(at->line, HM_FACT_UNRELATED, at->ptype,
			     "another manifest of sha256:%s (line %zu is used)", hex, (*out)->line);
			continue;
		}
		*out = at;
	}
	return 0;
}

/* *dst = id (malloc'd, or NULL for none), kept with the facts. */
static int keep_hub(hm_facts *f, const char **dst, char *id)
{
	if (id && !hm__facts_keep(f, id))
		return HM_ENOMEM;
	*dst = id;
	return 0;
}

static int build_model(hm_facts *f, struct hm__fatt *run)
{
	struct hm__fatt *oms;
	int rc;

	if ((rc = find_manifest(f, f->model_hex, &oms)) < 0)
		return rc;
	f->has_model = 1;
	f->model.sha256 = f->model_hex;
	if (oms) {
		set_source(&f->model.source, oms);
		f->model.name = subject_name_of(oms->st, f->model_hex);
		f->model.files = json_array_size(path2(oms->st, "predicate", "resources"));
		if ((rc = keep_hub(f, &f->model.hub_id, hm__subject_hub_id(oms->st))) < 0)
			return rc;
	}
	if (!f->model.name && run)
		f->model.name = subject_name_of(run->st, f->model_hex);
	return 0;
}

static int cmp_param(const void *a, const void *b)
{
	return strcmp(((const hm_fact_param *)a)->name, ((const hm_fact_param *)b)->name);
}

static int build_params(hm_facts *f, const json_t *hp)
{
	hm_fact_param *p;
	const char *k;
	json_t *v;
	size_t n = 0;

	if (!json_is_object(hp) || json_object_size(hp) == 0)
		return 0;
	p = hm__facts_keep(f, calloc(json_object_size(hp), sizeof(*p)));
	if (!p)
		return HM_ENOMEM;
	json_object_foreach((json_t *)hp, k, v) {
		p[n].name = k;
		if (json_is_string(v)) {
			p[n].value = json_string_value(v);
		} else {
			p[n].value = hm__facts_keep(f, json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS |
								  JSON_ENCODE_ANY |
								  JSON_REAL_PRECISION(15)));
			if (!p[n].value)
				return HM_ENOMEM;
		}
		n++;
	}
	qsort(p, n, sizeof(*p), cmp_param);
	f->run.hyperparameters = p;
	f->run.nhyperparameters = n;
	return 0;
}

static int add_dataset(hm_facts *f, const char *name, const char *hex, int in_run)
{
	hm_fact_dataset *n = realloc(f->ds, (f->nds + 1) * sizeof(*n));

	if (!n)
		return hm__err_oom();
	f->ds = n;
	memset(&n[f->nds], 0, sizeof(*n));
	n[f->nds].name = name;
	n[f->nds].sha256 = hex;
	n[f->nds].in_run = in_run;
	n[f->nds].records = n[f->nds].invalid_records = n[f->nds].duplicate_records = -1;
	n[f->nds].schema_errors = n[f->nds].bytes = -1;
	n[f->nds].records_scanned = n[f->nds].flagged_records = -1;
	f->nds++;
	return 0;
}

static int fill_dataset(hm_facts *f, hm_fact_dataset *d, struct hm__fatt *at)
{
	const json_t *p = json_object_get(at->st, "predicate"), *stats, *git, *scr, *res, *r;
	hm_fact_resource *rs;
	size_t i;

	set_source(&d->source, at);
	if (!d->name)
		d->name = subject_name_of(at->st, d->sha256);
	if (!d->name)
		d->name = str_or_null(p, "name");
	d->version = str_or_null(p, "version");
	d->license = hm__dataset_predicate_license(at->st);
	d->uri = str_or_null(p, "source");
	d->purpose = str_or_null(p, "purpose");
	if (keep_hub(f, &d->hub_id, hm__hub_from_json(json_object_get(p, "hub"))) < 0)
		return HM_ENOMEM;
	stats = json_object_get(p, "stats");
	d->record_format = str_or_null(stats, "record_format");
	d->records = int_or(stats, "records");
	d->invalid_records = int_or(stats, "invalid_records");
	d->duplicate_records = int_or(stats, "duplicate_records");
	d->schema_errors = int_or(stats, "schema_errors");
	d->bytes = int_or(stats, "bytes");
	git = json_object_get(p, "git");
	d->git_remote = str_or_null(git, "remote");
	d->git_commit = str_or_null(git, "commit");
	d->git_committed = json_is_true(json_object_get(git, "committed"));
	scr = json_object_get(p, "screening");
	d->screened = json_is_object(scr);
	d->screening_method = str_or_null(scr, "method");
	d->records_scanned = int_or(scr, "records_scanned");
	d->flagged_records = int_or(scr, "flagged_records");
	res = json_object_get(p, "resources");
	if (json_array_size(res)) {
		rs = hm__facts_keep(f, calloc(json_array_size(res), sizeof(*rs)));
		if (!rs)
			return HM_ENOMEM;
		json_array_foreach(res, i, r) {
			const json_t *dg = json_object_get(r, "digest");
			rs[d->nresources].name = str_or_null(r, "name");
			rs[d->nresources].sha256 = json_is_object(dg) ? str_or_null(dg, "sha256")
								      : str_or_null(r, "digest");
			rs[d->nresources].size = int_or(r, "size");
			if (rs[d->nresources].name && rs[d->nresources].sha256)
				d->nresources++;
		}
		d->resources = rs;
	}
	return 0;
}

static struct hm__fatt *find_dataset_att(hm_facts *f, const char *hex)
{
	size_t i;

	for (i = 0; i < f->natts; i++)
		if (strcmp(f->atts[i].ptype, HM_DATASET_PREDICATE_TYPE) == 0 &&
		    hm__facts_about(f->atts[i].st, hex))
			return &f->atts[i];
	return NULL;
}

static int build_run(hm_facts *f, struct hm__fatt *run)
{
	struct hm__run r;
	struct hm__fatt *base_oms;
	size_t i;
	int rc;

	f->has_run = 1;
	run->used = 1;
	set_source(&f->run.source, run);
	if ((rc = hm__run_parse(&r, run->st)) < 0)
		return rc;
	f->run.method = r.method;
	f->run.base_name = r.base_name;
	f->run.builder = r.builder;
	f->run.started = r.started;
	f->run.finished = r.finished;
	if ((rc = build_params(f, r.hyperparameters)) < 0)
		goto out;
	for (i = 0; i < r.ndeps; i++) {
		const struct hm__run_dep *dep = &r.deps[i];
		const char *sha = dep->sha256;
		if (!dep->role)
			continue;
		if (strcmp(dep->role, "base-model") == 0 && sha && hm__is_lower_hex(sha, 64) &&
		    !f->has_base) {
			f->has_base = 1;
			f->base.sha256 = sha;
			f->base.name = dep->name ? dep->name : f->run.base_name;
			if (dep->hub_id && hm_hub_id_valid(dep->hub_id))
				f->base.hub_id = dep->hub_id;
		} else if (strcmp(dep->role, "dataset") == 0 && sha && hm__is_lower_hex(sha, 64)) {
			if ((rc = add_dataset(f, dep->name, sha, 1)) < 0)
				goto out;
		} else if (strcmp(dep->role, "training-code") == 0 && !f->run.code_commit) {
			f->run.code_uri = dep->uri;
			f->run.code_commit = dep->git_commit;
			f->run.code_branch = dep->branch;
			f->run.code_dirty = dep->dirty;
		}
	}
	if (f->has_base) {
		if ((rc = find_manifest(f, f->base.sha256, &base_oms)) < 0)
			goto out;
		if (base_oms)
			set_source(&f->base.source, base_oms);
		if (base_oms && !f->base.hub_id &&
		    (rc = keep_hub(f, &f->base.hub_id, hm__subject_hub_id(base_oms->st))) < 0)
			goto out;
	}
out:
	hm__run_clear(&r);
	return rc;
}

static int build_datasets(hm_facts *f)
{
	size_t i, nrun = f->nds;
	int rc;

	for (i = 0; i < nrun; i++) {
		struct hm__fatt *at = find_dataset_att(f, f->ds[i].sha256);
		if (at) {
			at->used = 1;
			if ((rc = fill_dataset(f, &f->ds[i], at)) < 0)
				return rc;
		}
	}
	for (i = 0; i < f->natts; i++) {
		struct hm__fatt *at = &f->atts[i];
		const char *h = hm__facts_subject_sha256(at->st);
		if (at->used || strcmp(at->ptype, HM_DATASET_PREDICATE_TYPE) != 0 || !h ||
		    !hm__is_lower_hex(h, 64))
			continue;
		at->used = 1;
		if ((rc = add_dataset(f, NULL, h, 0)) < 0 ||
		    (rc = fill_dataset(f, &f->ds[f->nds - 1], at)) < 0)
			return rc;
	}
	return 0;
}

static int build_audits(hm_facts *f)
{
	size_t i;
	int rc;

	for (i = 0; i < f->natts; i++) {
		struct hm__fatt *at = &f->atts[i];
		hm_audit_report *rep = NULL;
		hm_fact_audit *na;
		hm_audit_report **nr;
		const char *bd;
		if (at->used || strcmp(at->ptype, HM_AUDIT_PREDICATE_TYPE) != 0 ||
		    !hm__facts_about(at->st, f->model_hex))
			continue;
		at->used = 1;
		rc = hm_audit_report_parse(&rep, hm_attestation_statement(at->a));
		if (rc == HM_ENOMEM)
			return rc;
		if (rc < 0) {
			OMIT(at->line, HM_FACT_MALFORMED, at->ptype, "unreadable audit: %s",
			     hm_error_last());
			continue;
		}
		na = realloc(f->audits, (f->naudits + 1) * sizeof(*na));
		if (na)
			f->audits = na;
		nr = realloc(f->reports, (f->naudits + 1) * sizeof(*nr));
		if (nr)
			f->reports = nr;
		if (!na || !nr) {
			hm_audit_report_free(rep);
			return hm__err_oom();
		}
		memset(&na[f->naudits], 0, sizeof(*na));
		set_source(&na[f->naudits].source, at);
		na[f->naudits].report = rep;
		bd = hm_audit_report_baseline_digest(rep);
		na[f->naudits].baseline_is_base = bd && f->has_base && strcmp(bd, f->base.sha256) == 0;
		f->reports[f->naudits++] = rep;
	}
	return 0;
}

static int build_cards(hm_facts *f)
{
	size_t i;

	for (i = 0; i < f->natts; i++) {
		struct hm__fatt *at = &f->atts[i];
		const json_t *card = path2(at->st, "predicate", "card");
		const char *m = card_model(at);
		hm_fact_card *n;
		if (at->used || strcmp(at->ptype, HM_CARD_PREDICATE_TYPE) != 0 || !m ||
		    strcmp(m, f->model_hex) != 0)
			continue;
		at->used = 1;
		n = realloc(f->cards, (f->ncards + 1) * sizeof(*n));
		if (!n)
			return hm__err_oom();
		f->cards = n;
		memset(&n[f->ncards], 0, sizeof(*n));
		set_source(&n[f->ncards].source, at);
		n[f->ncards].name = str_or_null(card, "name");
		n[f->ncards].sha256 = str_or_null(card, "sha256");
		if (!n[f->ncards].name)
			n[f->ncards].name = hm_statement_subject_name(hm_attestation_statement(at->a), 0);
		if (!n[f->ncards].sha256)
			n[f->ncards].sha256 = hm__facts_subject_sha256(at->st);
		f->ncards++;
	}
	return 0;
}

static int omit_unused(hm_facts *f)
{
	size_t i;

	for (i = 0; i < f->natts; i++) {
		const struct hm__fatt *at = &f->atts[i];
		const char *h = strcmp(at->ptype, HM_CARD_PREDICATE_TYPE) == 0
					? card_model(at) : hm__facts_subject_sha256(at->st);
		if (at->used)
			continue;
		if (strcmp(at->ptype, HM_OMS_PREDICATE_TYPE) != 0 &&
		    strcmp(at->ptype, HM_AUDIT_PREDICATE_TYPE) != 0 &&
		    strcmp(at->ptype, HM_CARD_PREDICATE_TYPE) != 0 && !is_run(at))
			OMIT(at->line, HM_FACT_UNRELATED, at->ptype,
			     "predicate type %s is not part of the model's provenance", at->ptype);
		else if (f->has_model && h && strcmp(h, f->model_hex) == 0)
			OMIT(at->line, HM_FACT_UNRELATED, at->ptype,
			     "another run of sha256:%s (line %zu is used)", h, f->run.source.line);
		else
			OMIT(at->line, HM_FACT_UNRELATED, at->ptype, "about another model (sha256:%s)",
			     h ? h : "?");
	}
	return 0;
}

static int cmp_omission(const void *a, const void *b)
{
	size_t x = ((const hm_fact_omission *)a)->line, y = ((const hm_fact_omission *)b)->line;

	return x < y ? -1 : x > y;
}

int hm__facts_build(hm_facts *f, const char *model_hex)
{
	struct hm__fatt *run = NULL;
	size_t i;
	int rc;

	if (pick_model(f, model_hex)) {
		for (i = 0; i < f->natts && !run; i++)
			if (is_run(&f->atts[i]) && hm__facts_about(f->atts[i].st, f->model_hex))
				run = &f->atts[i];
		if (run && (rc = build_run(f, run)) < 0)
			return rc;
		if ((rc = build_model(f, run)) < 0)
			return rc;
		if ((rc = build_audits(f)) < 0 || (rc = build_cards(f)) < 0)
			return rc;
	}
	if ((rc = build_datasets(f)) < 0 || (rc = omit_unused(f)) < 0)
		return rc;
	if (f->nom > 1)
		qsort(f->om, f->nom, sizeof(*f->om), cmp_omission);
	return 0;
}
