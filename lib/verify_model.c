/*
 * The model check: the files on disk rehashed as the signer hashed them and
 * matched to a signed model manifest; missing, extra and changed files named.
 */
#include "manifest_impl.h"
#include "statement_impl.h"
#include "verify_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REASON_NAMES 3 /* files named in the model check's one-line reason */

/* The signer's hashing choices (ignore list, symlinks): the manifest is recomputed with them. */
static const json_t *serialization(const json_t *oms)
{
	return json_object_get(json_object_get(oms, "predicate"), "serialization");
}

static int same_serialization(const json_t *a, const json_t *b)
{
	return json_equal(json_object_get(serialization(a), "method"),
			  json_object_get(serialization(b), "method")) &&
	       json_equal(json_object_get(serialization(a), "shard_size"),
			  json_object_get(serialization(b), "shard_size")) &&
	       json_equal(json_object_get(serialization(a), "ignore_paths"),
			  json_object_get(serialization(b), "ignore_paths")) &&
	       json_is_true(json_object_get(serialization(a), "allow_symlinks")) ==
		       json_is_true(json_object_get(serialization(b), "allow_symlinks"));
}

/*
 * Hashes the model as the signer of oms did (oms NULL: the defaults). The
 * signed ignore_paths already hold the default ignores the signer used, so
 * they are applied exactly, and nothing else is left out.
 */
int hm__vhash_model(hm_manifest **m, const char *path, const json_t *oms,
		    const hm_verify_options *o)
{
	hm_digest_options d;
	const json_t *ign = json_object_get(serialization(oms), "ignore_paths");
	const char **ignores = NULL;
	size_t i, nign = 0;
	int rc;

	if ((rc = hm__digest_options_get(&d, o->digest)) < 0)
		return rc;
	if (oms) {
		/* the signed ignore list, then the verifier's own */
		if (json_array_size(ign) + d.nignore) {
			ignores = calloc(json_array_size(ign) + d.nignore, sizeof(*ignores));
			if (!ignores)
				return hm__err_oom();
			for (i = 0; i < json_array_size(ign); i++)
				if (json_is_string(json_array_get(ign, i)))
					ignores[nign++] = json_string_value(json_array_get(ign, i));
			for (i = 0; i < d.nignore; i++)
				ignores[nign++] = d.ignore[i];
		}
		d.ignore = ignores;
		d.nignore = nign;
		d.include_git_paths = 1;
		d.allow_symlinks = json_is_true(json_object_get(serialization(oms), "allow_symlinks"));
		/* "shards": the signed shard size (the predicate's parser checks the rest) */
		hm__oms_shard_size(serialization(oms), &d.shard_size);
	}
	rc = hm_manifest_compute(m, path, &d);
	free(ignores);
	return rc;
}

/* 1 when name (a row: a directory ends in "/") is ign or lies below it; ign normalized. */
static int under(const char *name, const char *ign)
{
	size_t l = strlen(ign);

	return strncmp(name, ign, l) == 0 && (name[l] == '\0' || name[l] == '/');
}

/*
 * What the verifier's options allow: rows under its own ignore paths, and
 * with ignore_unsigned_files every row (no unsigned file fails).
 */
static int mark_allowed(struct hm__uncovered_row *rows, size_t n, const hm_verify_options *o)
{
	const hm_digest_options *d = o->digest;
	size_t i, k;
	int rc;

	for (k = 0; d && d->version >= 1 && k < d->nignore; k++) {
		char *norm;

		if (!d->ignore || !d->ignore[k])
			continue;
		if ((rc = hm__path_normalize(&norm, d->ignore[k], "ignore path")) < 0)
			return rc;
		for (i = 0; i < n; i++)
			if (!rows[i].allowed && under(rows[i].name, norm))
				rows[i].allowed = HM__ALLOWED_VERIFIER_IGNORE;
		free(norm);
	}
	for (i = 0; o->ignore_unsigned_files && i < n; i++)
		if (!rows[i].allowed)
			rows[i].allowed = HM__ALLOWED_UNSIGNED;
	return 0;
}

int hm__vhash_fatal(int rc)
{
	return rc == HM_EIO || rc == HM_ENOTFOUND || rc == HM_ENOMEM;
}

/* "changed a.bin; missing b.bin; extra c.txt (and 2 more)" */
static void diff_summary(char *buf, size_t size, const hm_manifest_diff *diffs, size_t nd)
{
	static const char *const kind[] = { "", "missing", "extra", "changed" };
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < nd && i < REASON_NAMES && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s %.120s", i ? "; " : "",
					 kind[diffs[i].kind], diffs[i].name);
	if (nd > REASON_NAMES && used < size)
		snprintf(buf + used, size - used, " (and %zu more)", nd - REASON_NAMES);
}

/* Files the manifest of line `line` does not cover: kept in the report, one detail each. */
static void keep_rows(struct hm__vctx *x, struct hm__uncovered_row **rows, size_t *n)
{
	hm__vrows_free(x->r->uncovered, x->r->nuncovered);
	x->r->uncovered = *rows;
	x->r->nuncovered = *n;
	*rows = NULL;
	*n = 0;
}

/* A manifest whose signed files all match: name what it leaves out, and let the policy judge. */
struct match {
	size_t line, nsigned;
	const char *unit; /* what nsigned counts: "file", or "byte range" (shards) */
	char digest[65];
	struct hm__uncovered_row *rows;
	size_t nrows;
	struct hm__uncovered_verdict v;
};

static int say_match(struct hm__vctx *x, struct match *mt)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_MODEL];
	char names[768];
	int rc;

	memcpy(x->r->digest, mt->digest, 65);
	keep_rows(x, &mt->rows, &mt->nrows);
	if (x->r->nuncovered == 0)
		return hm__vpass(c, "the %zu %s%s on disk match%s the signed manifest (line %zu): "
				 "sha256:%s", mt->nsigned, mt->unit, mt->nsigned == 1 ? "" : "s",
				 mt->nsigned == 1 ? "es" : "", mt->line, x->r->digest);
	if ((rc = hm__vrows_details(c, x->pol, x->r->uncovered, x->r->nuncovered, 1)) < 0)
		return rc;
	if (mt->v.fail) {
		hm__vrows_names(names, sizeof(names), x->r->uncovered, x->r->nuncovered,
				    mt->v.first, mt->v.noffending);
		return hm__vfail(c, "%zu signed %s%s match%s the signed manifest (line %zu), but %zu "
				 "file%s on disk %s not covered by it and not allowed by the policy: %s",
				 mt->nsigned, mt->unit, mt->nsigned == 1 ? "" : "s", mt->nsigned == 1 ? "es" : "",
				 mt->line, mt->v.noffending, mt->v.noffending == 1 ? "" : "s",
				 mt->v.noffending == 1 ? "is" : "are", names);
	}
	hm__vrows_names(names, sizeof(names), x->r->uncovered, x->r->nuncovered, NULL,
			    x->r->nuncovered);
	return hm__vpass(c, "%zu signed %s%s match%s the signed manifest (line %zu): sha256:%s; "
			 "%zu file%s on disk %s not covered: %s", mt->nsigned, mt->unit,
			 mt->nsigned == 1 ? "" : "s", mt->nsigned == 1 ? "es" : "", mt->line,
			 x->r->digest, x->r->nuncovered, x->r->nuncovered == 1 ? "" : "s",
			 x->r->nuncovered == 1 ? "is" : "are", names);
}

int hm__check_model(struct hm__vctx *x, const char *model_path)
{
	struct hm__check *c = &x->r->checks[HM_CHECK_MODEL];
	const json_t *hashed_as = NULL;
	hm_manifest *m = NULL;
	hm_manifest_diff *best = NULL;
	struct hm__uncovered_row *best_rows = NULL;
	struct match held;
	size_t i, nbest = SIZE_MAX, best_line = 0, best_files = 0, noms = 0, nbest_rows = 0;
	size_t hashes = 0, best_hash = 0; /* which hashing of the model best was found on */
	char best_digest[65] = "", root[65], names[512];
	int rc = 0, have_held = 0;

	memset(&held, 0, sizeof(held));
	for (i = 0; i < x->natts; i++) {
		const struct hm__vatt *at = &x->atts[i];
		hm_manifest_diff *diffs = NULL;
		size_t k, nd = 0, nextra = 0;
		struct match mt;

		if (strcmp(at->ptype, HM_OMS_PREDICATE_TYPE) != 0) {
			if (strncmp(at->ptype, "https://model_signing/", 22) == 0)
				hm__vdetail(c, "line %zu: %s is a model_signing 0.2 layout hallmark "
					    "does not read (it reads %s and 0.2's Digests/v0.1): sign "
					    "the model again", at->line, at->ptype,
					    HM_OMS_PREDICATE_TYPE);
			continue;
		}
		noms++;
		if (!m || !same_serialization(hashed_as, at->st)) {
			hm_manifest_free(m);
			m = NULL;
			hashed_as = NULL;
			hashes++;
			if ((rc = hm__vhash_model(&m, model_path, at->st, x->o)) < 0) {
				if (hm__vhash_fatal(rc))
					goto out;
				hm__vdetail(c, "line %zu: cannot hash the model as this manifest says: %s",
					    at->line, hm_error_last());
				rc = 0;
				continue;
			}
			hashed_as = at->st;
		}
		/* The predicate as parsed with the statement: compared, and its root taken, in one go. */
		rc = hm__manifest_compare_parsed(&diffs, &nd, root, m,
						 json_object_get(at->st, "predicate"),
						 hm__statement_resources(at->stmt));
		if (rc == HM_ENOMEM)
			goto out;
		for (k = 0; rc == 0 && k < nd; k++)
			nextra += diffs[k].kind == HM_MANIFEST_EXTRA;
		if (rc == 0 && nd == nextra &&
		    ((nextra == 0 && strcmp(root, hm_manifest_root(m)) != 0) ||
		     !hm__vabout(at->st, root))) {
			/* the files agree, but the signed subject is not their digest */
			hm__vdetail(c, "line %zu: the files on disk match its list, but not its subject "
				    "digest", at->line);
			hm_free(diffs);
			continue;
		}
		if (rc < 0) {
			hm__vdetail(c, "line %zu: a malformed model manifest: %s", at->line, hm_error_last());
			rc = 0;
			continue;
		}
		if (nd == nextra) {
			/* every signed file matches; what it leaves out is the policy's to judge */
			memset(&mt, 0, sizeof(mt));
			mt.line = at->line;
			/* every signed resource matched: as many as the manifest lists */
			mt.nsigned = hm__statement_resources(at->stmt)
					     ? hm__lres_count(hm__statement_resources(at->stmt))
					     : json_array_size(json_object_get(
						       json_object_get(at->st, "predicate"), "resources"));
			mt.unit = hm_manifest_shard_size(m) ? "byte range" : "file";
			memcpy(mt.digest, root, 65);
			rc = hm__vrows_collect(&mt.rows, &mt.nrows, m, diffs, nd);
			if (rc >= 0)
				rc = mark_allowed(mt.rows, mt.nrows, x->o);
			/* the digest cache keeps the files that matched a signed manifest */
			if (rc >= 0)
				rc = hm__manifest_cache_save(m, diffs, nd);
			hm_free(diffs);
			if (rc < 0) {
				hm__vrows_free(mt.rows, mt.nrows);
				goto out;
			}
			mt.v = hm__policy_uncovered(x->pol, mt.rows, mt.nrows);
			if (!mt.v.fail) {
				rc = say_match(x, &mt);
				goto out;
			}
			if (!have_held) {
				held = mt;
				have_held = 1;
			} else {
				hm__vrows_free(mt.rows, mt.nrows);
			}
			continue;
		}
		if (nd < nbest) {
			hm_free(best);
			hm__vrows_free(best_rows, nbest_rows);
			best = diffs;
			nbest = nd;
			best_line = at->line;
			best_hash = hashes;
			best_files = hm_manifest_count(m);
			memcpy(best_digest, hm_manifest_root(m), 65);
			if ((rc = hm__vrows_collect(&best_rows, &nbest_rows, m, diffs, nd)) < 0 ||
			    (rc = mark_allowed(best_rows, nbest_rows, x->o)) < 0)
				goto out;
		} else {
			hm_free(diffs);
		}
	}
	if (have_held) {
		/* the signed files match, but the policy does not allow what is left out */
		rc = say_match(x, &held);
		goto out;
	}
	if (!m && (hashes++, rc = hm__vhash_model(&m, model_path, NULL, x->o)) < 0) {
		if (hm__vhash_fatal(rc))
			goto out;
		rc = hm__vfail(c, "cannot hash the model: %s", hm_error_last());
		goto out;
	}
	/* No manifest matches: name the differences from the closest one. */
	if (!best)
		best_files = hm_manifest_count(m);
	memcpy(x->r->digest, best ? best_digest : hm_manifest_root(m), 65);
	hm__vdetail(c, "on disk: %zu file%s, sha256:%s", best_files, best_files == 1 ? "" : "s",
		    x->r->digest);
	if (!best) {
		if (noms == 0)
			rc = hm__vfail(c, "the bundle has no trusted model manifest");
		else
			rc = hm__vfail(c, "the model on disk matches none of the %zu signed model "
				       "manifest%s", noms, noms == 1 ? "" : "s");
		goto out;
	}
	for (i = 0; i < nbest; i++) {
		const hm_manifest_diff *df = &best[i];
		if (df->kind == HM_MANIFEST_MISSING)
			hm__vdetail(c, "missing: %s", df->name);
		else if (df->kind == HM_MANIFEST_EXTRA)
			hm__vdetail(c, "extra: %s", df->name);
		else if (!df->expected)
			hm__vdetail(c, "changed: %s (a byte range the signed manifest does not "
				    "list: the file's size changed)", df->name);
		else
			hm__vdetail(c, "changed: %s (signed sha256:%s, found sha256:%s)",
				    df->name, df->expected, df->actual);
	}
	if ((rc = hm__vrows_details(c, x->pol, best_rows, nbest_rows, 0)) < 0)
		goto out;
	keep_rows(x, &best_rows, &nbest_rows);
	/* the files on disk now are those compared: cache the ones that matched */
	if (best_hash == hashes && (rc = hm__manifest_cache_save(m, best, nbest)) < 0)
		goto out;
	diff_summary(names, sizeof(names), best, nbest);
	rc = hm__vfail(c, "the model on disk does not match the signed manifest (line %zu): %s",
		       best_line, names);
out:
	hm__vrows_free(held.rows, held.nrows);
	hm__vrows_free(best_rows, nbest_rows);
	hm_free(best);
	hm_manifest_free(m);
	return rc;
}
