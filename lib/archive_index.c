/*
 * What an entry refers to: the subjects of its statement and the digests its
 * predicate names (a run's base model, datasets and training code, an
 * audit's baseline and benchmark data, the model a card describes, the model
 * and policy of a verification run). Stored in table refs for search and
 * lineage; derived again from the stored bytes when the schema changes.
 */
#include "archive_impl.h"
#include "provenance_impl.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DIGEST_LEN 256

void hm__derived_free(struct hm__derived *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->refs[i].role);
		free(d->refs[i].name);
		free(d->refs[i].alg);
		free(d->refs[i].digest);
	}
	free(d->refs);
	free(d->benchmark);
	memset(d, 0, sizeof(*d));
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int add_ref(struct hm__derived *d, const char *role, const char *name, const char *alg,
		   const char *digest)
{
	struct hm__ref *r;

	if (!digest || !*digest || strlen(digest) > MAX_DIGEST_LEN || !alg || !*alg)
		return 0;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct hm__ref *n = realloc(d->refs, cap * sizeof(*n));
		if (!n)
			return hm__err_oom();
		d->refs = n;
		d->cap = cap;
	}
	r = &d->refs[d->n];
	r->role = strdup(role);
	r->name = dup_or_null(name);
	r->alg = strdup(alg);
	r->digest = strdup(digest);
	if (!r->role || !r->alg || !r->digest || (name && !r->name)) {
		free(r->role);
		free(r->name);
		free(r->alg);
		free(r->digest);
		return hm__err_oom();
	}
	d->n++;
	return 0;
}

/* Every string digest of a digest object {alg: value}, under one role and name. */
static int add_digests(struct hm__derived *d, const char *role, const json_t *dg,
		       const char *name)
{
	const json_t *v;
	const char *alg;
	int rc;

	json_object_foreach((json_t *)dg, alg, v) {
		if (json_is_string(v) && (rc = add_ref(d, role, name, alg, json_string_value(v))) < 0)
			return rc;
	}
	return 0;
}

/* Every string digest of a ResourceDescriptor-like object {name, digest:{alg: value}}. */
static int add_descriptor(struct hm__derived *d, const char *role, const json_t *desc,
			  const char *name)
{
	return add_digests(d, role, json_object_get(desc, "digest"),
			   name ? name : hm__json_str(desc, "name"));
}

int hm__derive_statement(struct hm__derived *d, const json_t *st)
{
	const json_t *pred = json_object_get(st, "predicate"), *v;
	const char *ptype = hm__json_str(st, "predicateType");
	size_t i;
	int rc;

	json_array_foreach(json_object_get(st, "subject"), i, v) {
		if ((rc = add_descriptor(d, "subject", v, NULL)) < 0)
			return rc;
	}
	if (!ptype || !json_is_object(pred))
		return 0;
	if (strcmp(ptype, HM_SLSA_PREDICATE_TYPE) == 0) {
		struct hm__run run;
		if ((rc = hm__run_parse(&run, st)) < 0)
			return rc;
		for (i = 0, rc = 0; i < run.ndeps; i++) {
			const struct hm__run_dep *dep = &run.deps[i];
			if ((rc = add_digests(d, dep->role ? dep->role : "dependency", dep->digest,
					      dep->name)) < 0)
				break;
		}
		hm__run_clear(&run);
		if (rc < 0)
			return rc;
	} else if (strcmp(ptype, HM_AUDIT_PREDICATE_TYPE) == 0) {
		const json_t *bench = json_object_get(pred, "benchmark");
		const char *bname = hm__json_str(bench, "name");
		if (bname && !(d->benchmark = strdup(bname)))
			return hm__err_oom();
		if ((rc = add_descriptor(d, "benchmark-data", bench, NULL)) < 0 ||
		    (rc = add_descriptor(d, "baseline",
					 json_object_get(json_object_get(pred, "baseline"), "model"),
					 NULL)) < 0)
			return rc;
	} else if (strcmp(ptype, HM_CARD_PREDICATE_TYPE) == 0) {
		const json_t *m = json_object_get(pred, "model");
		if ((rc = add_ref(d, "model", hm__json_str(m, "name"), "sha256",
				  hm__json_str(m, "sha256"))) < 0)
			return rc;
	}
	return 0;
}

int hm__derive_report(struct hm__derived *d, const json_t *report)
{
	const char *digest = hm__json_str(report, "digest"), *model = hm__json_str(report, "model");
	const char *base = model ? strrchr(model, '/') : NULL;
	int rc;

	if (base && base[1])
		model = base + 1;
	if (digest && strncmp(digest, "sha256:", 7) == 0 &&
	    (rc = add_ref(d, "model", model, "sha256", digest + 7)) < 0)
		return rc;
	return add_ref(d, "policy", NULL, "sha256", hm__json_str(report, "policy_digest"));
}

int hm__derived_store(hm_archive *a, uint64_t id, const struct hm__derived *d)
{
	hm__q *st;
	size_t i;
	int rc;

	for (i = 0; i < d->n; i++) {
		const struct hm__ref *r = &d->refs[i];
		if ((rc = hm__archive_stmt(a, HM__ST_PUT_REF, "INSERT INTO refs(entry_id, role, name, "
					   "alg, digest) VALUES (?1, ?2, ?3, ?4, ?5)", &st)) < 0)
			return rc;
		hm__bind_int64(st, 1, (long long)id);
		hm__bind_text(st, 2, r->role, -1);
		hm__bind_text(st, 3, r->name, -1);
		hm__bind_text(st, 4, r->alg, -1);
		hm__bind_text(st, 5, r->digest, -1);
		rc = hm__step(st);
		hm__reset(st);
		if (rc != HM__DONE)
			return hm__archive_sql_err(a, "cannot store a reference");
	}
	return 0;
}

/* Derives one stored entry's rows again. */
static int rebuild_one(hm_archive *a, hm__q *upd, long long id, const char *kind,
		       const char *text, size_t len)
{
	struct hm__derived d = { NULL, 0, 0, NULL };
	json_t *j = NULL;
	int rc = 0;

	if (!text)
		return 0; /* an envelope without an in-toto statement names nothing */
	if (hm__json_parse(&j, text, len, "stored entry") < 0)
		return hm__err(HM_EFORMAT, "%s: entry %lld: the stored %s is not JSON", a->path,
			       (long long)id, strcmp(kind, "verification") == 0 ? "report"
									  : "statement");
	rc = strcmp(kind, "verification") == 0 ? hm__derive_report(&d, j) : hm__derive_statement(&d, j);
	json_decref(j);
	if (rc >= 0)
		rc = hm__derived_store(a, (uint64_t)id, &d);
	if (rc >= 0 && d.benchmark) {
		hm__reset(upd);
		hm__bind_text(upd, 1, d.benchmark, -1);
		hm__bind_int64(upd, 2, id);
		if (hm__step(upd) != HM__DONE)
			rc = hm__archive_sql_err(a, "cannot store the benchmark");
		hm__reset(upd);
	}
	hm__derived_free(&d);
	return rc;
}

int hm__derived_rebuild(hm_archive *a)
{
	hm__q *sel = NULL, *upd = NULL;
	int rc, step;

	if ((rc = hm__archive_exec(a, "DELETE FROM refs")) < 0 ||
	    (rc = hm__archive_prepare(a, &sel, "SELECT id, kind, body, statement FROM entries "
				      "ORDER BY id")) < 0 ||
	    (rc = hm__archive_prepare(a, &upd, "UPDATE entries SET benchmark = ?1 WHERE id = ?2")) < 0)
		goto out;
	while ((step = hm__step(sel)) == HM__ROW) {
		/* a report is its body; an attestation names what its statement says */
		const char *kind = hm__col_text(sel, 1);
		int col = kind && strcmp(kind, "verification") == 0 ? 2 : 3;
		if ((rc = rebuild_one(a, upd, hm__col_int64(sel, 0), kind,
				      (const char *)hm__col_blob(sel, col),
				      (size_t)hm__col_bytes(sel, col))) < 0)
			goto out;
	}
	if (step != HM__DONE)
		rc = hm__archive_sql_err(a, "cannot read the entries");
out:
	hm__finalize(sel);
	hm__finalize(upd);
	return rc;
}
