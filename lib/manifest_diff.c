/*
 * Comparing a manifest computed from disk with a signed OMS predicate: the
 * files missing, extra or changed, and those differences as text.
 */
#include "manifest_impl.h"

#include <stdlib.h>
#include <string.h>

static int cmp_pres(const void *a, const void *b)
{
	return hm__path_cmp(((const struct hm__pres *)a)->name, ((const struct hm__pres *)b)->name);
}

/* predicate_json, or (when NULL) *root parsed already; root_hex (may be NULL) gets its root. */
static int compare(hm_manifest_diff **out, size_t *ndiff, char *root_hex, const hm_manifest *m,
		   json_t *root, const char *predicate_json, size_t len)
{
	struct hm__pres *res = NULL;
	char **ign = NULL;
	size_t nres = 0, nign = 0, i = 0, j = 0, k = 0, bytes = 0;
	hm_manifest_diff *d = NULL, *tmp = NULL;
	char *pool;
	int rc;

	if (!out || !ndiff || !m)
		return hm__err(HM_EINVAL, "hm_manifest_compare: NULL argument");
	*out = NULL;
	*ndiff = 0;
	if ((rc = hm__oms_parse_predicate(&root, &res, &nres, &ign, &nign, predicate_json, len)) < 0)
		return rc;
	if (root_hex && (rc = hm__oms_root(root_hex, res, nres)) < 0) /* in listed order */
		goto done;
	qsort(res, nres, sizeof(*res), cmp_pres);
	for (i = 1; i < nres; i++)
		if (strcmp(res[i - 1].name, res[i].name) == 0) {
			rc = hm__err(HM_EFORMAT, "OMS predicate: resource \"%s\" is listed twice",
				     res[i].name);
			goto done;
		}
	tmp = calloc(nres + m->n + 1, sizeof(*tmp));
	if (!tmp) {
		rc = hm__err_oom();
		goto done;
	}
	/* Merge two lists sorted in the same order. */
	i = j = 0;
	while (i < m->n || j < nres) {
		int c = i == m->n ? 1 : j == nres ? -1 : hm__path_cmp(m->res[i].name, res[j].name);
		hm_manifest_diff *t = &tmp[k];

		if (c < 0) {
			if (hm__path_ignored_by(ign, nign, m->res[i].name) < 0) {
				t->kind = HM_MANIFEST_EXTRA;
				t->name = m->res[i].name;
				t->actual = m->res[i].hex;
				k++;
			}
			i++;
		} else if (c > 0) {
			t->kind = HM_MANIFEST_MISSING;
			t->name = res[j].name;
			t->expected = res[j].hex;
			k++;
			j++;
		} else {
			if (strcmp(m->res[i].hex, res[j].hex) != 0) {
				t->kind = HM_MANIFEST_CHANGED;
				t->name = m->res[i].name;
				t->expected = res[j].hex;
				t->actual = m->res[i].hex;
				k++;
			}
			i++;
			j++;
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
	free(tmp);
	free(res);
	hm__strv_free(ign, nign);
	json_decref(root);
	return rc;
}

int hm_manifest_compare(hm_manifest_diff **out, size_t *ndiff, const hm_manifest *m,
			const char *predicate_json, size_t len)
{
	return compare(out, ndiff, NULL, m, NULL, predicate_json, len);
}

int hm__manifest_compare_parsed(hm_manifest_diff **out, size_t *ndiff, char root_hex[65],
				const hm_manifest *m, json_t *predicate)
{
	if (!predicate)
		return hm__err(HM_EFORMAT, "OMS predicate: missing");
	return compare(out, ndiff, root_hex, m, predicate, NULL, 0);
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
			rc = hm__buf_printf(&b, "changed: %s (signed sha256:%s, found sha256:%s)\n",
					    d->name, d->expected, d->actual);
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
