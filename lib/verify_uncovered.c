/*
 * Files on disk that the signed model manifest does not cover: left out by
 * its ignore list (which a signer may fill with anything, weights included),
 * by OMS's default rules, or simply not in it. The model check lists them
 * all; whether they may be there is the policy's decision (policy.c).
 */
#include "verify_impl.h"
#include "manifest_impl.h"

#include <stdlib.h>
#include <string.h>

#define NAMES_SHOWN 3 /* names in a one-line reason */

void hm__vrows_free(struct hm__uncovered_row *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++)
		free((char *)rows[i].name);
	free(rows);
}

/* Manifest order: component by component, so "a/b" sorts before "a-b/c". */
static int path_cmp(const void *pa, const void *pb)
{
	const unsigned char *a = (const unsigned char *)((const struct hm__uncovered_row *)pa)->name;
	const unsigned char *b = (const unsigned char *)((const struct hm__uncovered_row *)pb)->name;

	for (; *a && *a == *b; a++, b++)
		;
	if (*a == *b)
		return 0;
	if (!*a || !*b)
		return *a ? 1 : -1;
	return (*a == '/' ? 0 : *a + 1) - (*b == '/' ? 0 : *b + 1);
}

/* 1 when the resource res is the file path, or a shard "path:start:end" of it. */
static int of_file(const hm_manifest *m, const char *res, const char *path)
{
	size_t pl;
	uint64_t a, b;

	if (!hm_manifest_shard_size(m))
		return strcmp(res, path) == 0;
	return (hm__shard_name_split(res, &pl, &a, &b) && pl == strlen(path) &&
		memcmp(res, path, pl) == 0);
}

static int add_row(struct hm__uncovered_row *rows, size_t *n, const char *name, uint64_t size,
		   enum hm__uncovered_reason why)
{
	struct hm__uncovered_row *r = &rows[*n];

	if (!(r->name = strdup(name)))
		return hm__err_oom();
	r->size = size;
	r->reason = why;
	r->looks_like_weights_or_code = hm_path_looks_like_weights_or_code(name, size);
	(*n)++;
	return 0;
}

int hm__vrows_collect(struct hm__uncovered_row **out, size_t *n, const hm_manifest *m,
			  const hm_manifest_diff *diffs, size_t nd)
{
	size_t i, j = 0, nextra = 0, nu = hm_manifest_uncovered_count(m);
	struct hm__uncovered_row *rows;
	int rc;

	*out = NULL;
	*n = 0;
	for (i = 0; i < nd; i++)
		nextra += diffs[i].kind == HM_MANIFEST_EXTRA;
	if (nextra + nu == 0)
		return 0;
	if (!(rows = calloc(nextra + nu, sizeof(*rows))))
		return hm__err_oom();
	/* the differences and the manifest are both in manifest order: one walk finds the sizes */
	for (i = 0; i < nd; i++) {
		uint64_t size = 0;
		if (diffs[i].kind != HM_MANIFEST_EXTRA)
			continue;
		while (j < hm_manifest_count(m) &&
		       !of_file(m, hm_manifest_resource_name(m, j), diffs[i].name))
			j++;
		if (j == hm_manifest_count(m))
			j = 0;
		/* a file, or every shard of a file (the shards serialization) */
		for (; j < hm_manifest_count(m) && of_file(m, hm_manifest_resource_name(m, j),
							      diffs[i].name); j++)
			size += hm_manifest_resource_size(m, j);
		if ((rc = add_row(rows, n, diffs[i].name, size, HM__UNCOVERED_NOT_IN_MANIFEST)) < 0)
			goto fail;
	}
	for (i = 0; i < nu; i++) {
		uint64_t size = 0;
		hm_uncovered_kind why = HM_UNCOVERED_IGNORED;
		const char *name = hm_manifest_uncovered(m, i, &size, &why);
		if (name && (rc = add_row(rows, n, name, size,
					  why == HM_UNCOVERED_DEFAULT ? HM__UNCOVERED_DEFAULT
								      : HM__UNCOVERED_IGNORED)) < 0)
			goto fail;
	}
	qsort(rows, *n, sizeof(*rows), path_cmp);
	*out = rows;
	return 0;
fail:
	hm__vrows_free(rows, *n);
	*n = 0;
	return rc;
}

const char *hm__vrows_reason_name(enum hm__uncovered_reason r)
{
	return r == HM__UNCOVERED_NOT_IN_MANIFEST ? "not_in_manifest"
	       : r == HM__UNCOVERED_DEFAULT       ? "default_ignored"
						  : "ignored";
}

static const char *why_words(const struct hm__uncovered_row *r)
{
	if (r->reason == HM__UNCOVERED_NOT_IN_MANIFEST)
		return r->looks_like_weights_or_code ? "not in the manifest, looks like weights or code"
						     : "not in the manifest";
	if (r->reason == HM__UNCOVERED_DEFAULT)
		return "left out by OMS's default rules";
	if (r->allowed == HM__ALLOWED_VERIFIER_IGNORE)
		return "ignored by the verifier";
	return r->looks_like_weights_or_code ? "ignored by the signed list, looks like weights or code"
					     : "ignored by the signed list";
}

int hm__vrows_details(struct hm__check *c, const hm_policy *p,
			  const struct hm__uncovered_row *rows, size_t n, int with_extras)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		const struct hm__uncovered_row *r = &rows[i];
		if (r->reason == HM__UNCOVERED_NOT_IN_MANIFEST && !with_extras)
			continue;
		if ((rc = hm__vdetail(c, "not covered: %s (%llu bytes, %s)%s", r->name,
				      (unsigned long long)r->size, why_words(r),
				      hm__policy_uncovered_row_fails(p, r) ? ": not allowed by the policy"
				      : r->allowed == HM__ALLOWED_VERIFIER_IGNORE
					      ? ""
				      : r->allowed == HM__ALLOWED_UNSIGNED
					      ? ": unsigned files are allowed (ignore unsigned files)"
				      : hm__policy_uncovered_allowed(p, r->name)
					      ? ": allowed by allowed_uncovered_files"
					      : "")) < 0)
			return rc;
	}
	return 0;
}

void hm__vrows_names(char *buf, size_t size, const struct hm__uncovered_row *rows,
			 size_t n, const size_t *idx, size_t k)
{
	size_t i, used = 0, shown = idx ? k : n;

	buf[0] = '\0';
	for (i = 0; i < shown && i < NAMES_SHOWN && used < size; i++) {
		const struct hm__uncovered_row *r = &rows[idx ? idx[i] : i];
		used += (size_t)snprintf(buf + used, size - used, "%s%.120s (%s)", i ? ", " : "",
					 r->name, why_words(r));
	}
	if (shown > NAMES_SHOWN && used < size)
		snprintf(buf + used, size - used, " (and %zu more)", shown - NAMES_SHOWN);
}
