/*
 * Lineage of a digest: the fine-tuning runs that produced it, their base
 * models, datasets and training code (with the archived attestations of
 * each), the model's own attestations, its audits and verification runs,
 * and the runs or audits that used it in turn.
 */
#include "archive_impl.h"

#include <stdlib.h>
#include <string.h>

struct thing {
	char *role, *name, *alg, *digest;
	hm_archive_list *entries;
};

struct lineage {
	char *alg, *value;
	const char *name;
	hm_archive_list *about, *used;
	struct thing *deps;
	size_t ndeps;
};

static void lineage_free(struct lineage *g)
{
	size_t i;

	for (i = 0; i < g->ndeps; i++) {
		free(g->deps[i].role);
		free(g->deps[i].name);
		free(g->deps[i].alg);
		free(g->deps[i].digest);
		hm_archive_list_free(g->deps[i].entries);
	}
	free(g->deps);
	hm_archive_list_free(g->about);
	hm_archive_list_free(g->used);
	free(g->alg);
	free(g->value);
}

/* Entries with a ref of digest (and alg when given) in one of the roles (an SQL list). */
static int load_refs(hm_archive *a, hm_archive_list **out, const char *alg, const char *digest,
		     const char *roles)
{
	hm__q *st = NULL;
	char sql[512];
	int rc;

	if (!(*out = calloc(1, sizeof(**out))))
		return hm__err_oom();
	snprintf(sql, sizeof(sql), "SELECT DISTINCT entry_id FROM refs WHERE "
		 HM__KEY_MATCH("digest", "?1") " AND "
		 "(?2 IS NULL OR lower(alg) = lower(?2)) AND role IN (%s) ORDER BY entry_id", roles);
	if ((rc = hm__archive_prepare(a, &st, sql)) < 0)
		return rc;
	hm__bind_text(st, 1, digest, -1);
	hm__bind_text(st, 2, alg, -1);
	rc = hm__archive_load(a, *out, st, 0);
	hm__finalize(st);
	return rc;
}

static int is_type(const hm_archive_entry *e, const char *type)
{
	return e->predicate_type && strcmp(e->predicate_type, type) == 0;
}

static int add_dep(hm_archive *a, struct lineage *g, const hm_archive_ref *r)
{
	struct thing *t;
	size_t i;

	for (i = 0; i < g->ndeps; i++)
		if (strcmp(g->deps[i].role, r->role) == 0 && strcmp(g->deps[i].alg, r->alg) == 0 &&
		    strcmp(g->deps[i].digest, r->digest) == 0)
			return 0;
	t = realloc(g->deps, (g->ndeps + 1) * sizeof(*t));
	if (!t)
		return hm__err_oom();
	g->deps = t;
	t = &g->deps[g->ndeps++];
	memset(t, 0, sizeof(*t));
	t->role = strdup(r->role);
	t->name = r->name ? strdup(r->name) : NULL;
	t->alg = strdup(r->alg);
	t->digest = strdup(r->digest);
	if (!t->role || !t->alg || !t->digest || (r->name && !t->name))
		return hm__err_oom();
	return load_refs(a, &t->entries, t->alg, t->digest, "'subject'");
}

static int gather(hm_archive *a, struct lineage *g, const char *digest)
{
	size_t i, j;
	int rc;

	if ((rc = hm__digest_query(&g->alg, &g->value, digest)) < 0)
		return rc;
	if ((rc = load_refs(a, &g->about, g->alg, g->value, "'subject', 'model'")) < 0 ||
	    (rc = load_refs(a, &g->used, g->alg, g->value, "'base-model', 'dataset', 'baseline'")) < 0)
		return rc;
	for (i = 0; i < g->about->n; i++) {
		const hm_archive_entry *e = &g->about->items[i].e;
		for (j = 0; j < e->nrefs; j++) {
			const hm_archive_ref *r = &e->refs[j];
			if (is_type(e, HM_SLSA_PREDICATE_TYPE) && strcmp(r->role, "subject") != 0 &&
			    (rc = add_dep(a, g, r)) < 0)
				return rc;
		}
	}
	/* its name: as a subject if it has one, else as a card or verification names it */
	for (i = 0; !g->name && i < 2 * g->about->n; i++) {
		const hm_archive_entry *e = &g->about->items[i % g->about->n].e;
		for (j = 0; !g->name && j < e->nrefs; j++)
			if (e->refs[j].name && strcmp(e->refs[j].digest, g->value) == 0 &&
			    strcmp(e->refs[j].role, i < g->about->n ? "subject" : "model") == 0)
				g->name = e->refs[j].name;
	}
	return 0;
}

/* Which section an entry about the digest belongs to. */
enum section { S_RUN, S_MODEL, S_AUDIT, S_VERIFICATION };

static enum section section_of(const hm_archive_entry *e)
{
	if (strcmp(e->kind, "verification") == 0)
		return S_VERIFICATION;
	if (is_type(e, HM_SLSA_PREDICATE_TYPE))
		return S_RUN;
	if (is_type(e, HM_AUDIT_PREDICATE_TYPE))
		return S_AUDIT;
	return S_MODEL;
}

static json_t *entries_json(const hm_archive_list *l, int want, int section)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < l->n; i++)
		if (!want || (int)section_of(&l->items[i].e) == section)
			json_array_append_new(arr, hm__entry_json(&l->items[i].e));
	return arr;
}

static json_t *deps_json(const struct lineage *g, const char *role)
{
	json_t *arr = json_array();
	size_t i;
	char *d;

	for (i = 0; arr && i < g->ndeps; i++) {
		const struct thing *t = &g->deps[i];
		if (strcmp(t->role, role) != 0)
			continue;
		if (asprintf(&d, "%s:%s", t->alg, t->digest) < 0)
			break;
		json_array_append_new(arr, json_pack("{s:s?,s:s,s:o}", "name", t->name, "digest", d,
						     "entries", entries_json(t->entries, 0, 0)));
		free(d);
	}
	return arr;
}

static json_t *used_json(const struct lineage *g)
{
	json_t *arr = json_array();
	size_t i, j;

	for (i = 0; arr && i < g->used->n; i++) {
		const hm_archive_entry *e = &g->used->items[i].e;
		const char *role = "?";
		for (j = 0; j < e->nrefs; j++)
			if (strcmp(e->refs[j].digest, g->value) == 0 &&
			    strcmp(e->refs[j].role, "subject") != 0)
				role = e->refs[j].role;
		json_array_append_new(arr, json_pack("{s:s,s:o}", "as", role, "entry",
						     hm__entry_json(e)));
	}
	return arr;
}

static int render_json(char **out, const struct lineage *g)
{
	json_t *o;
	char *d = NULL;

	if (asprintf(&d, "%s%s%s", g->alg ? g->alg : "", g->alg ? ":" : "", g->value) < 0)
		return hm__err_oom();
	o = json_pack("{s:s,s:s?,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "digest", d, "name", g->name,
		      "base_models", deps_json(g, "base-model"), "datasets", deps_json(g, "dataset"),
		      "training_code", deps_json(g, "training-code"), "runs",
		      entries_json(g->about, 1, S_RUN), "model", entries_json(g->about, 1, S_MODEL),
		      "audits", entries_json(g->about, 1, S_AUDIT), "verifications",
		      entries_json(g->about, 1, S_VERIFICATION), "used_by", used_json(g));
	free(d);
	if (!o)
		return hm__err_oom();
	*out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return *out ? 0 : hm__err_oom();
}

/* "#ID  label  status  time  signed by ..."; attested text escaped (hallmark/text.h) */
static void entry_line(hm_buf *b, const char *indent, const hm_archive_entry *e)
{
	char when[32];
	size_t i;
	int verification = strcmp(e->kind, "verification") == 0;

	hm_rfc3339_format(when, e->recorded);
	hm__buf_printf(b, "%s#%-5llu ", indent, (unsigned long long)e->id);
	hm__buf_text(b, verification ? "verification run" : hm_predicate_type_label(e->predicate_type),
		     16);
	hm__buf_printf(b, " %-10s %s", verification ? (e->verified ? "passed" : "FAILED")
						     : (e->verified ? "verified" : "UNVERIFIED"),
		       when);
	if (e->benchmark) {
		hm__buf_puts(b, "  ");
		hm__buf_text(b, e->benchmark, 0);
	}
	for (i = 0; i < e->nsigners; i++) {
		char id[17];
		snprintf(id, sizeof(id), "%s", e->signers[i]);
		hm__buf_puts(b, i ? "," : "  signed by ");
		hm__buf_text(b, id, 0);
	}
	if (verification && e->reason) {
		hm__buf_puts(b, "  (");
		hm__buf_text(b, e->reason, 0);
		hm__buf_puts(b, ")");
	}
	hm__buf_puts(b, "\n");
}

static void deps_text(hm_buf *b, const struct lineage *g, const char *role, const char *label)
{
	size_t i, j;

	for (i = 0; i < g->ndeps; i++) {
		const struct thing *t = &g->deps[i];
		if (strcmp(t->role, role) != 0)
			continue;
		hm__buf_printf(b, "%-14s ", label);
		hm__buf_text(b, t->name, 0);
		hm__buf_puts(b, t->name ? "  " : "");
		hm__buf_text(b, t->alg, 0);
		hm__buf_puts(b, ":");
		hm__buf_text(b, t->digest, 0);
		hm__buf_puts(b, "\n");
		for (j = 0; j < t->entries->n; j++)
			entry_line(b, "               ", &t->entries->items[j].e);
		if (t->entries->n == 0 && strcmp(role, "training-code") != 0)
			hm__buf_puts(b, "               (not attested in the archive)\n");
	}
}

static void section_text(hm_buf *b, const struct lineage *g, enum section s)
{
	size_t i;
	int first = 1;

	for (i = 0; i < g->about->n; i++) {
		if (section_of(&g->about->items[i].e) != s)
			continue;
		entry_line(b, first ? "" : "               ", &g->about->items[i].e);
		first = 0;
	}
	if (first)
		hm__buf_puts(b, "(none)\n");
}

static int render_text(char **out, const struct lineage *g)
{
	hm_buf b = HM_BUF_INIT;
	size_t i;

	hm__buf_puts(&b, "lineage of ");
	hm__buf_text(&b, g->alg, 0);
	hm__buf_puts(&b, g->alg ? ":" : "");
	hm__buf_text(&b, g->value, 0);
	hm__buf_puts(&b, g->name ? " (" : "");
	hm__buf_text(&b, g->name, 0);
	hm__buf_puts(&b, g->name ? ")\n" : "\n");
	deps_text(&b, g, "base-model", "base model");
	deps_text(&b, g, "dataset", "dataset");
	deps_text(&b, g, "training-code", "training code");
	hm__buf_printf(&b, "%-14s ", "run");
	section_text(&b, g, S_RUN);
	hm__buf_printf(&b, "%-14s ", "model");
	hm__buf_text(&b, g->name, 0);
	hm__buf_puts(&b, g->name ? "  " : "");
	hm__buf_text(&b, g->alg, 0);
	hm__buf_puts(&b, g->alg ? ":" : "");
	hm__buf_text(&b, g->value, 0);
	hm__buf_puts(&b, "\n");
	hm__buf_printf(&b, "%-14s ", "");
	section_text(&b, g, S_MODEL);
	hm__buf_printf(&b, "%-14s ", "audit");
	section_text(&b, g, S_AUDIT);
	hm__buf_printf(&b, "%-14s ", "verification");
	section_text(&b, g, S_VERIFICATION);
	hm__buf_printf(&b, "%-14s ", "used by");
	for (i = 0; i < g->used->n; i++)
		entry_line(&b, i ? "               " : "", &g->used->items[i].e);
	if (g->used->n == 0)
		hm__buf_puts(&b, "(none)\n");
	if (hm__buf_puts(&b, "") < 0) {
		hm__buf_free(&b);
		return hm__err_oom();
	}
	*out = hm__buf_detach(&b, NULL);
	return 0;
}

int hm_archive_lineage(char **out, hm_archive *a, const char *digest, int json)
{
	struct lineage g;
	int rc;

	*out = NULL;
	memset(&g, 0, sizeof(g));
	if (!digest || !*digest)
		return hm__err(HM_EINVAL, "no digest given");
	if ((rc = hm__archive_read_begin(a)) < 0)
		return rc;
	rc = gather(a, &g, digest);
	hm__archive_read_end(a);
	if (rc == 0 && g.about->n == 0 && g.used->n == 0)
		rc = hm__err(HM_ENOTFOUND, "%s: nothing in the archive names %s", a->path, digest);
	if (rc == 0)
		rc = json ? render_json(out, &g) : render_text(out, &g);
	lineage_free(&g);
	return rc;
}
