/* Inclusion and consistency proofs from the archive's stored subtrees, as JSON. */
#include "archive_impl.h"
#include "merkle.h"

#include <stdlib.h>
#include <string.h>

static json_t *hex_json(const unsigned char h[32])
{
	char hex[65];

	hm__hex_encode(hex, h, 32);
	return json_string(hex);
}

static json_t *hex_array(const unsigned char (*v)[32], size_t n)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, hex_json(v[i])) < 0) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

/* One line of JSON, keys in the documented order, and a newline. */
static int dump_line(char **out, json_t *o)
{
	char *s;
	size_t len;

	*out = NULL;
	if (!o)
		return hm__err_oom();
	s = json_dumps(o, JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return hm__err_oom();
	len = strlen(s);
	*out = realloc(s, len + 2);
	if (!*out) {
		free(s);
		return hm__err_oom();
	}
	memcpy(*out + len, "\n", 2);
	return 0;
}

/* Reads the current size inside a read transaction and checks the requested one. */
static int tree_size(hm_archive *a, uint64_t *size, uint64_t want)
{
	struct hm__frontier f;
	int rc;

	if ((rc = hm__tree_load(a, &f)) < 0)
		return rc;
	if (want > f.size)
		return hm__err(HM_EINVAL, "%s: the log has %llu entries, not %llu", a->path,
			       (unsigned long long)f.size, (unsigned long long)want);
	*size = want ? want : f.size;
	return 0;
}

int hm_archive_prove(char **out, hm_archive *a, uint64_t id, uint64_t want)
{
	unsigned char path[HM_MERKLE_MAX_PATH][32], leaf[32], root[32];
	struct hm__nodes *ns = NULL;
	uint64_t size = 0;
	size_t n = 0;
	int rc;

	*out = NULL;
	if ((rc = hm__archive_read_begin(a)) < 0)
		return rc;
	if ((rc = tree_size(a, &size, want)) < 0)
		goto out;
	if (id >= size) {
		rc = hm__err(HM_ENOTFOUND, "%s: no entry %llu in a log of %llu entries", a->path,
			     (unsigned long long)id, (unsigned long long)size);
		goto out;
	}
	if (!(ns = calloc(1, sizeof(*ns)))) {
		rc = hm__err_oom();
		goto out;
	}
	ns->a = a;
	/* once to learn which nodes it takes, then over those nodes read at once */
	hm__nodes_record(ns, 0, id, leaf);
	if ((rc = hm__merkle_path(path, &n, id, size, hm__nodes_record, ns)) < 0 ||
	    (rc = hm__merkle_root(root, size, hm__nodes_record, ns)) < 0 ||
	    (rc = hm__nodes_fetch(ns)) < 0)
		goto out;
	if ((rc = hm__nodes_get(ns, 0, id, leaf)) < 0 ||
	    (rc = hm__merkle_path(path, &n, id, size, hm__nodes_get, ns)) < 0 ||
	    (rc = hm__merkle_root(root, size, hm__nodes_get, ns)) < 0)
		goto out;
	rc = dump_line(out, json_pack("{s:I,s:I,s:o,s:o,s:o}", "leaf_index", (json_int_t)id,
				      "tree_size", (json_int_t)size, "leaf_hash", hex_json(leaf),
				      "root_hash", hex_json(root), "audit_path", hex_array(path, n)));
out:
	hm__archive_read_end(a);
	free(ns);
	return rc;
}

int hm_archive_consistency(char **out, hm_archive *a, uint64_t first, uint64_t second)
{
	unsigned char proof[HM_MERKLE_MAX_PATH][32], r1[32], r2[32];
	struct hm__nodes *ns = NULL;
	uint64_t size = 0;
	size_t n = 0;
	int rc;

	*out = NULL;
	if ((rc = hm__archive_read_begin(a)) < 0)
		return rc;
	if ((rc = tree_size(a, &size, second)) < 0)
		goto out;
	if (first == 0 || first > size) {
		rc = hm__err(HM_EINVAL, "a consistency proof needs 0 < first <= second (got %llu and "
			     "%llu)", (unsigned long long)first, (unsigned long long)size);
		goto out;
	}
	if (!(ns = calloc(1, sizeof(*ns)))) {
		rc = hm__err_oom();
		goto out;
	}
	ns->a = a;
	if ((rc = hm__merkle_consistency(proof, &n, first, size, hm__nodes_record, ns)) < 0 ||
	    (rc = hm__merkle_root(r1, first, hm__nodes_record, ns)) < 0 ||
	    (rc = hm__merkle_root(r2, size, hm__nodes_record, ns)) < 0 ||
	    (rc = hm__nodes_fetch(ns)) < 0)
		goto out;
	if ((rc = hm__merkle_consistency(proof, &n, first, size, hm__nodes_get, ns)) < 0 ||
	    (rc = hm__merkle_root(r1, first, hm__nodes_get, ns)) < 0 ||
	    (rc = hm__merkle_root(r2, size, hm__nodes_get, ns)) < 0)
		goto out;
	rc = dump_line(out, json_pack("{s:I,s:I,s:o,s:o,s:o}", "first", (json_int_t)first, "second",
				      (json_int_t)size, "first_root", hex_json(r1), "second_root",
				      hex_json(r2), "proof", hex_array(proof, n)));
out:
	hm__archive_read_end(a);
	free(ns);
	return rc;
}
