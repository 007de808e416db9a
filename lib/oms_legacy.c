/*
 * model_signing 0.2's statement layout (predicateType
 * https://model_signing/Digests/v0.1, OMS spec section 5.1): one subject per
 * model file, {"name": path, "digest": {"sha256": hex}}, and no predicate. A
 * verified statement of that layout is read as the OMS v1.0 manifest it
 * amounts to: the same files and digests as resources (in the manifest's
 * path order), the files serialization with SHA-256 and no symlinks, and a
 * subject naming the root digest those resources hash to. Nothing is added
 * that the signed subjects do not say; hallmark never writes this layout.
 */
#include "manifest_impl.h"
#include "statement_impl.h"

#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
	return hm__path_cmp(hm__json_str(*(json_t *const *)a, "name"),
			    hm__json_str(*(json_t *const *)b, "name"));
}

/* One subject as a resource; HM_EFORMAT when it is not a file with one SHA-256. */
static int resource(json_t **out, const json_t *s, size_t i)
{
	const json_t *d = json_is_object(s) ? json_object_get(s, "digest") : NULL;
	const char *name = json_is_object(s) ? hm__json_str(s, "name") : NULL;
	const char *hex = json_is_object(d) ? hm__json_str(d, "sha256") : NULL;

	if (!name || !*name || !hex || json_object_size(d) != 1)
		return hm__err(HM_EFORMAT, "payload: a %s statement's subject[%zu] is not a file "
			       "name with exactly one sha256 digest", HM__OMS_V01_PREDICATE_TYPE, i);
	*out = json_pack("{s:s, s:s, s:s}", "name", name, "algorithm", "sha256", "digest", hex);
	return *out ? 0 : hm__err_oom();
}

int hm__oms_legacy_upgrade(hm_statement **st)
{
	const json_t *old = hm__statement_json_lean(*st), *subjects, *p;
	json_t **v = NULL, *res = NULL, *pred = NULL, *root = NULL;
	hm_statement *up = NULL;
	char digest[65], *text = NULL;
	size_t i, n;
	int rc = 0;

	if (strcmp(hm__json_str(old, "predicateType"), HM__OMS_V01_PREDICATE_TYPE) != 0)
		return 0;
	old = hm__statement_json(*st); /* whole: a predicate of resources is one it must not have */
	subjects = json_object_get(old, "subject");
	p = json_object_get(old, "predicate");
	n = json_array_size(subjects);
	if (p && !json_is_null(p) && !(json_is_object(p) && json_object_size(p) == 0))
		return hm__err(HM_EFORMAT, "payload: a %s statement carries a predicate; that layout "
			       "has none", HM__OMS_V01_PREDICATE_TYPE);
	if (!(v = calloc(n ? n : 1, sizeof(*v))) || !(res = json_array()))
		goto oom;
	for (i = 0; i < n; i++)
		if ((rc = resource(&v[i], json_array_get(subjects, i), i)) < 0)
			goto out;
	qsort(v, n, sizeof(*v), by_name);
	for (i = 1; i < n; i++)
		if (by_name(&v[i - 1], &v[i]) == 0) {
			rc = hm__err(HM_EFORMAT, "payload: a %s statement lists \"%s\" twice",
				     HM__OMS_V01_PREDICATE_TYPE, hm__json_str(v[i], "name"));
			goto out;
		}
	for (i = 0; i < n; i++) {
		json_t *r = v[i];
		v[i] = NULL; /* the array owns it now, or freed it */
		if (json_array_append_new(res, r) < 0)
			goto oom;
	}
	pred = json_pack("{s:O, s:{s:s, s:s, s:b}}", "resources", res, "serialization", "method",
			 "files", "hash_type", "sha256", "allow_symlinks", 0);
	if (!pred || !(text = json_dumps(pred, JSON_COMPACT)))
		goto oom;
	/* the predicate's own rules (names, digests), then its root */
	if ((rc = hm_manifest_predicate_root(digest, text, strlen(text))) < 0)
		goto out;
	root = json_pack("{s:s, s:[{s:s, s:{s:s}}], s:s, s:O}", "_type", HM_STATEMENT_TYPE,
			 "subject", "name", "model", "digest", "sha256", digest, "predicateType",
			 HM_OMS_PREDICATE_TYPE, "predicate", pred);
	if (!root)
		goto oom;
	if ((rc = hm__statement_wrap(&up, root, "payload")) < 0)
		goto out;
	hm_statement_free(*st);
	*st = up;
	goto out;
oom:
	rc = hm__err_oom();
out:
	for (i = 0; v && i < n; i++)
		json_decref(v[i]);
	free(v);
	free(text);
	json_decref(res);
	json_decref(pred);
	json_decref(root);
	return rc;
}
