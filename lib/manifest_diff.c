/*
 * Comparing a manifest computed from disk with a signed OMS predicate: the
 * files missing, extra or changed, and those differences as text.
 */
#include "manifest_impl.h"
#include "statement_impl.h"

#include <stdlib.h>
#include <string.h>

static int cmp_pres(const void *a, const void *b)
{
	return hm__path_cmp(((const struct hm__pres *)a)->name, ((const struct hm__pres *)b)->name);
}

static int cmp_pres_shards(const void *a, const void *b)
{
	return hm__shard_cmp(((const struct hm__pres *)a)->name, ((const struct hm__pres *)b)->name);
}

/* The length of the path part of a resource name (all of it for a file). */
static size_t path_len(const char *name, int shards)
{
	size_t pl;
	uint64_t a, b;

	if (!shards || !hm__shard_name_split(name, &pl, &a, &b))
		return strlen(name);
	return pl;
}

/* 1 when one of res[0..n) (sorted by shard) is a shard of the pl bytes of path. */
static int signed_path(const struct hm__pres *res, size_t n, const char *path, size_t pl)
{
	size_t lo = 0, hi = n;

	while (lo < hi) { /* the first shard whose path is not before path */
		size_t mid = lo + (hi - lo) / 2;

		if (hm__path_ncmp(res[mid].name, path_len(res[mid].name, 1), path, pl) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && path_len(res[lo].name, 1) == pl && memcmp(res[lo].name, path, pl) == 0;
}

/*
 * Shards: the differences by file. A shard on disk that the manifest does
 * not list is a change when the manifest signs other shards of its file
 * (the file grew or shrank: expected NULL), else its file is extra, named
 * once by its path (a copy kept in owned[], which has room for k).
 * Returns the differences left in t, or SIZE_MAX out of memory.
 */
static size_t by_file(hm_manifest_diff *t, size_t k, const struct hm__pres *res, size_t nres,
		      char **owned, size_t *nowned)
{
	size_t i, o = 0, pl;

	for (i = 0; i < k; i++) {
		if (t[i].kind != HM_MANIFEST_EXTRA) {
			t[o++] = t[i];
			continue;
		}
		pl = path_len(t[i].name, 1);
		if (signed_path(res, nres, t[i].name, pl)) {
			t[i].kind = HM_MANIFEST_CHANGED;
			t[o++] = t[i];
			continue;
		}
		if (*nowned && strlen(owned[*nowned - 1]) == pl &&
		    memcmp(owned[*nowned - 1], t[i].name, pl) == 0)
			continue; /* another shard of the extra file just named */
		if (!(owned[*nowned] = strndup(t[i].name, pl)))
			return SIZE_MAX;
		t[o] = t[i];
		t[o].name = owned[(*nowned)++];
		o++;
	}
	return o;
}

/*
 * r's digest as hex: r->hex, or a lean resource's digest written into buf
 * (65 bytes), or a copy of it in *owned[(*n)++] when keep (NULL out of memory).
 */
static const char *pres_hex(const struct hm__pres *r, char *buf, char ***owned, size_t *n,
			    size_t *cap, int keep)
{
	char **g;

	if (r->hex)
		return r->hex;
	hm__hex_encode(buf, hm__lres_digest(r->name), 32);
	if (!keep)
		return buf;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;

		if (!(g = realloc(*owned, c * sizeof(*g))))
			return NULL;
		*owned = g;
		*cap = c;
	}
	if (!((*owned)[*n] = strdup(buf)))
		return NULL;
	return (*owned)[(*n)++];
}

/* predicate_json, or (when NULL) *root parsed already; root_hex (may be NULL) gets its root. */
static int compare(hm_manifest_diff **out, size_t *ndiff, char *root_hex, const hm_manifest *m,
		   json_t *root, const char *predicate_json, size_t len,
		   const struct hm__lres_list *lean)
{
	struct hm__pres *res = NULL;
	char **ign = NULL;
	size_t nres = 0, nign = 0, i = 0, j = 0, k = 0, bytes = 0, cap = 0;
	hm_manifest_diff *d = NULL, *tmp = NULL;
	char *pool, **owned = NULL, **hexes = NULL, hexbuf[65];
	int ignored;
	size_t nowned = 0, nhexes = 0, caphexes = 0;
	uint64_t shard_size = 0;
	int rc, shards = m ? m->shard_size != 0 : 0;
	int (*cmp)(const char *, const char *) = shards ? hm__shard_cmp : hm__path_cmp;

	if (!out || !ndiff || !m)
		return hm__err(HM_EINVAL, "hm_manifest_compare: NULL argument");
	*out = NULL;
	*ndiff = 0;
	if ((rc = hm__oms_parse_predicate(&root, &res, &nres, &ign, &nign, &shard_size,
					  predicate_json, len, lean)) < 0)
		return rc;
	if (shard_size != m->shard_size) {
		rc = hm__err(HM_EINVAL, "the model was hashed by %s, the manifest by %s",
			     m->shard_size ? "shards" : "files", shard_size ? "shards" : "files");
		if (shard_size && m->shard_size)
			rc = hm__err(HM_EINVAL, "the model was hashed in shards of %llu bytes, the "
				     "manifest in shards of %llu", (unsigned long long)m->shard_size,
				     (unsigned long long)shard_size);
		goto done;
	}
	if (root_hex && (rc = hm__oms_root(root_hex, res, nres)) < 0) /* in listed order */
		goto done;
	/* signers list their files in this order already: sorting is then one pass that says so */
	for (i = 1; i < nres && cmp(res[i - 1].name, res[i].name) <= 0; i++)
		;
	if (i < nres)
		qsort(res, nres, sizeof(*res), shards ? cmp_pres_shards : cmp_pres);
	for (i = 1; i < nres; i++)
		if (strcmp(res[i - 1].name, res[i].name) == 0) {
			rc = hm__err(HM_EFORMAT, "OMS predicate: resource \"%s\" is listed twice",
				     res[i].name);
			goto done;
		}
	/* Merge two lists sorted in the same order (the differences in tmp, grown as found). */
	i = j = 0;
	while (i < m->n || j < nres) {
		int c = i == m->n ? 1 : j == nres ? -1 : cmp(m->res[i].name, res[j].name);
		hm_manifest_diff *t;

		if (k == cap) {
			hm_manifest_diff *g;

			cap = cap ? cap * 2 : 64;
			if (!(g = realloc(tmp, cap * sizeof(*tmp)))) {
				rc = hm__err_oom();
				goto done;
			}
			tmp = g;
		}
		t = &tmp[k];
		memset(t, 0, sizeof(*t));

		if (c < 0) {
			char *p = strndup(m->res[i].name, path_len(m->res[i].name, shards));

			if (!p) {
				rc = hm__err_oom();
				goto done;
			}
			ignored = hm__path_ignored_by(ign, nign, p) >= 0;
			free(p);
			if (!ignored) {
				t->kind = HM_MANIFEST_EXTRA;
				t->name = m->res[i].name;
				t->actual = m->res[i].hex;
				k++;
			}
			i++;
		} else if (c > 0) {
			t->kind = HM_MANIFEST_MISSING;
			t->name = res[j].name;
			if (!(t->expected = pres_hex(&res[j], hexbuf, &hexes, &nhexes, &caphexes,
						     1))) {
				rc = hm__err_oom();
				goto done;
			}
			k++;
			j++;
		} else {
			if (strcmp(m->res[i].hex, pres_hex(&res[j], hexbuf, NULL, NULL, NULL, 0)) !=
			    0) {
				t->kind = HM_MANIFEST_CHANGED;
				t->name = m->res[i].name;
				if (!(t->expected = pres_hex(&res[j], hexbuf, &hexes, &nhexes,
							     &caphexes, 1))) {
					rc = hm__err_oom();
					goto done;
				}
				t->actual = m->res[i].hex;
				k++;
			}
			i++;
			j++;
		}
	}
	if (shards && k) {
		if (!(owned = calloc(k, sizeof(*owned))) ||
		    (k = by_file(tmp, k, res, nres, owned, &nowned)) == SIZE_MAX) {
			rc = hm__err_oom();
			goto done;
		}
	}
	if (k == 0)
		goto done;
	/* One block: the array, then the strings it points to. */
	for (i = 0; i < k; i++)
		bytes += strlen(tmp[i].name) + 1 + (tmp[i].expected ? 65 : 0) +
			 (tmp[i].actual ? 65 : 0);
	d = malloc(k * sizeof(*d) + bytes);
	if (!d) {
		rc = hm__err_oom();
		goto done;
	}
	pool = (char *)(d + k);
	for (i = 0; i < k; i++) {
		size_t l = strlen(tmp[i].name) + 1;

		d[i].kind = tmp[i].kind;
		d[i].name = memcpy(pool, tmp[i].name, l);
		pool += l;
		d[i].expected = tmp[i].expected ? memcpy(pool, tmp[i].expected, 65) : NULL;
		pool += tmp[i].expected ? 65 : 0;
		d[i].actual = tmp[i].actual ? memcpy(pool, tmp[i].actual, 65) : NULL;
		pool += tmp[i].actual ? 65 : 0;
	}
	*out = d;
	*ndiff = k;
done:
	for (i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	for (i = 0; i < nhexes; i++)
		free(hexes[i]);
	free(hexes);
	free(tmp);
	free(res);
	hm__strv_free(ign, nign);
	json_decref(root);
	return rc;
}

int hm_manifest_compare(hm_manifest_diff **out, size_t *ndiff, const hm_manifest *m,
			const char *predicate_json, size_t len)
{
	return compare(out, ndiff, NULL, m, NULL, predicate_json, len, NULL);
}

int hm__manifest_compare_parsed(hm_manifest_diff **out, size_t *ndiff, char root_hex[65],
				const hm_manifest *m, json_t *predicate,
				const struct hm__lres_list *lean)
{
	if (!predicate)
		return hm__err(HM_EFORMAT, "OMS predicate: missing");
	return compare(out, ndiff, root_hex, m, predicate, NULL, 0, lean);
}

int hm_manifest_diff_report(char **out, const hm_manifest_diff *diffs, size_t n)
{
	hm_buf b = HM_BUF_INIT;
	size_t i;
	int rc = 0;

	if (!out || (n && !diffs))
		return hm__err(HM_EINVAL, "hm_manifest_diff_report: NULL argument");
	*out = NULL;
	if (hm__buf_puts(&b, "") < 0)
		return HM_ENOMEM;
	for (i = 0; i < n && rc == 0; i++) {
		const hm_manifest_diff *d = &diffs[i];

		switch (d->kind) {
		case HM_MANIFEST_MISSING:
			rc = hm__buf_printf(&b, "missing: %s\n", d->name);
			break;
		case HM_MANIFEST_EXTRA:
			rc = hm__buf_printf(&b, "extra: %s\n", d->name);
			break;
		case HM_MANIFEST_CHANGED:
			if (!d->expected)
				rc = hm__buf_printf(&b, "changed: %s (a byte range the signed "
						    "manifest does not list: the file's size "
						    "changed)\n", d->name);
			else
				rc = hm__buf_printf(&b, "changed: %s (signed sha256:%s, found "
						    "sha256:%s)\n", d->name, d->expected,
						    d->actual);
			break;
		default:
			rc = hm__err(HM_EINVAL, "hm_manifest_diff_report: unknown kind %d", d->kind);
		}
	}
	if (rc < 0) {
		hm__buf_free(&b);
		return rc;
	}
	*out = hm__buf_detach(&b, NULL);
	return 0;
}
