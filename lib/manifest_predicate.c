/*
 * The OMS v1.0 "files" predicate of a manifest (FORMATS §3): written as JSON
 * and as the in-toto statement that carries it, and read back (validated)
 * from a signed statement, with the root digest its resources hash to.
 */
#include "manifest_impl.h"
#include "statement_impl.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* ---- JSON ---- */

/* A name with its non-ASCII and control bytes shown as \xNN, for messages. */
static void printable(char *buf, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s && n + 5 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f)
			n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", c);
		else
			buf[n++] = (char)c;
	}
	buf[n] = '\0';
}

static int set_str(json_t *obj, const char *key, const char *val)
{
	char shown[512];

	if (!hm__utf8_valid(val)) {
		printable(shown, sizeof(shown), val);
		return hm__err(HM_EUNSUPPORTED, "\"%s\" is not valid UTF-8 and cannot go into JSON",
			       shown);
	}
	if (json_object_set_new(obj, key, json_string(val)) < 0)
		return hm__err_oom();
	return 0;
}

static json_t *predicate_object(const hm_manifest *m)
{
	json_t *pred = json_object(), *ser = json_object(), *ign = json_array(),
	       *res = json_array(), *r;
	/* a shard's algorithm as model_signing names it (and compares it when verifying) */
	char alg[48] = "sha256";
	size_t i;

	if (!pred || !ser || !ign || !res)
		goto oom;
	/* model_signing's key order: method, hash_type, shard_size, allow_symlinks, ignore_paths */
	if (set_str(ser, "method", m->shard_size ? "shards" : "files") < 0 ||
	    set_str(ser, "hash_type", "sha256") < 0)
		goto fail;
	if (m->shard_size) {
		if (m->shard_size > (uint64_t)LLONG_MAX) {
			hm__err(HM_EINVAL, "shard size %llu is too large",
				(unsigned long long)m->shard_size);
			goto fail;
		}
		snprintf(alg, sizeof(alg), "sha256-sharded-%llu", (unsigned long long)m->shard_size);
		if (json_object_set_new(ser, "shard_size", json_integer((json_int_t)m->shard_size)) < 0)
			goto oom;
	}
	if (json_object_set_new(ser, "allow_symlinks", json_boolean(m->allow_symlinks)) < 0)
		goto fail;
	for (i = 0; i < m->nignores; i++) {
		if (!hm__utf8_valid(m->ignores[i])) {
			char shown[512];

			printable(shown, sizeof(shown), m->ignores[i]);
			hm__err(HM_EUNSUPPORTED, "ignore path \"%s\" is not valid UTF-8", shown);
			goto fail;
		}
		if (json_array_append_new(ign, json_string(m->ignores[i])) < 0)
			goto oom;
	}
	if (json_object_set(ser, "ignore_paths", ign) < 0)
		goto oom;
	for (i = 0; i < m->n; i++) {
		if (!(r = json_object()) || json_array_append_new(res, r) < 0)
			goto oom;
		if (set_str(r, "name", m->res[i].name) < 0 || set_str(r, "algorithm", alg) < 0 ||
		    set_str(r, "digest", m->res[i].hex) < 0)
			goto fail;
	}
	if (json_object_set(pred, "serialization", ser) < 0 ||
	    json_object_set(pred, "resources", res) < 0)
		goto oom;
	json_decref(ser);
	json_decref(ign);
	json_decref(res);
	return pred;
oom:
	hm__err_oom();
fail:
	json_decref(pred);
	json_decref(ser);
	json_decref(ign);
	json_decref(res);
	return NULL;
}

static int dump(char **out, const json_t *v, size_t flags)
{
	*out = json_dumps(v, flags | JSON_PRESERVE_ORDER);
	return *out ? 0 : hm__err_oom();
}

int hm_manifest_predicate_json(char **out, const hm_manifest *m)
{
	json_t *pred;
	int rc;

	if (!out || !m)
		return hm__err(HM_EINVAL, "hm_manifest_predicate_json: NULL argument");
	*out = NULL;
	if (!(pred = predicate_object(m)))
		return hm_error_last_code();
	rc = dump(out, pred, JSON_COMPACT);
	json_decref(pred);
	return rc;
}

int hm_manifest_statement(char **out, const hm_manifest *m, const char *name)
{
	json_t *st = NULL, *subjects = NULL, *subj = NULL, *dig = NULL, *pred = NULL;
	int rc = 0;

	if (!out || !m)
		return hm__err(HM_EINVAL, "hm_manifest_statement: NULL argument");
	*out = NULL;
	if (!name)
		name = m->name;
	if (!*name)
		return hm__err(HM_EINVAL, "hm_manifest_statement: empty subject name");
	if (!(pred = predicate_object(m)))
		return hm_error_last_code();
	st = json_object();
	subjects = json_array();
	subj = json_object();
	dig = json_object();
	if (!st || !subjects || !subj || !dig) {
		rc = hm__err_oom();
		goto done;
	}
	if ((rc = set_str(st, "_type", HM_STATEMENT_TYPE)) < 0 ||
	    (rc = set_str(subj, "name", name)) < 0 || (rc = set_str(dig, "sha256", m->root)) < 0)
		goto done;
	if (json_object_set(subj, "digest", dig) < 0 || json_array_append(subjects, subj) < 0 ||
	    json_object_set(st, "subject", subjects) < 0) {
		rc = hm__err_oom();
		goto done;
	}
	if ((rc = set_str(st, "predicateType", HM_OMS_PREDICATE_TYPE)) < 0)
		goto done;
	if (json_object_set(st, "predicate", pred) < 0) {
		rc = hm__err_oom();
		goto done;
	}
	rc = dump(out, st, JSON_INDENT(2));
done:
	json_decref(st);
	json_decref(subjects);
	json_decref(subj);
	json_decref(dig);
	json_decref(pred);
	return rc;
}

/* ---- reading a signed predicate ---- */

int hm__oms_shard_size(const json_t *ser, uint64_t *out)
{
	const json_t *sz = json_object_get(ser, "shard_size");
	const char *m = hm__json_str(ser, "method");

	*out = 0;
	if (!m || strcmp(m, "shards") != 0)
		return 0;
	if (json_is_integer(sz) && json_integer_value(sz) > 0) {
		*out = (uint64_t)json_integer_value(sz);
		return 1;
	}
	/* model_signing's statements pass through protobuf's Struct: numbers are doubles (9.0) */
	if (json_is_real(sz) && json_real_value(sz) >= 1 && json_real_value(sz) <= 9007199254740992.0 &&
	    json_real_value(sz) == (double)(uint64_t)json_real_value(sz)) {
		*out = (uint64_t)json_real_value(sz);
		return 1;
	}
	return 0;
}

/* The serialization's method: "files" (*shard_size 0) or "shards" with its positive shard_size. */
static int parse_method(const json_t *ser, uint64_t *shard_size, char *alg, size_t algsize)
{
	const char *s = hm__json_str(ser, "method");
	const json_t *sz = json_object_get(ser, "shard_size");

	*shard_size = 0;
	snprintf(alg, algsize, "sha256");
	if (!s)
		return hm__err(HM_EFORMAT, "OMS predicate: serialization has no \"method\"");
	if (strcmp(s, "files") == 0) {
		if (sz)
			return hm__err(HM_EFORMAT, "OMS predicate: serialization method \"files\" "
				       "with a \"shard_size\"");
		return 0;
	}
	if (strcmp(s, "shards") != 0)
		return hm__err(HM_EUNSUPPORTED,
			       "OMS predicate: serialization method \"%s\" is not supported (only "
			       "\"files\" and \"shards\")", s);
	if (!hm__oms_shard_size(ser, shard_size))
		return hm__err(HM_EFORMAT, "OMS predicate: serialization method \"shards\" needs "
			       "a positive integer \"shard_size\"");
	snprintf(alg, algsize, "sha256-sharded-%llu", (unsigned long long)*shard_size);
	return 0;
}

/* A shard resource name: "path:start:end" with a path valid as a resource name. */
static int valid_shard_name(const char *name)
{
	size_t pl;
	uint64_t a, b;
	char *path;
	int ok;

	if (!hm__shard_name_split(name, &pl, &a, &b) || !(path = strndup(name, pl)))
		return 0;
	ok = hm__path_valid_name(path);
	free(path);
	return ok;
}

/* One resource's name, algorithm and digest (NULL: checked already) checked (FORMATS §3); 0 or the error. */
static int check_resource(const char *name, const char *alg, const char *hex, uint64_t shards,
			  const char *shard_alg)
{
	if (!shards && !hm__path_valid_name(name))
		return hm__err(HM_EFORMAT, "OMS predicate: resource name \"%s\" is not a relative "
			       "path inside the model (absolute, \"..\" or empty components)", name);
	if (shards && !valid_shard_name(name))
		return hm__err(HM_EFORMAT, "OMS predicate: resource name \"%s\" is not a shard "
			       "\"path:start:end\" of a relative path inside the model", name);
	/* shards: the spec's "sha256", or model_signing's "sha256-sharded-SIZE" */
	if (alg && strcmp(alg, "sha256") != 0 && (!shards || strcmp(alg, shard_alg) != 0))
		return hm__err(HM_EUNSUPPORTED, "OMS predicate: resource \"%s\": algorithm \"%s\" "
			       "is not supported", name, alg);
	if (!alg)
		return hm__err(HM_EFORMAT, "OMS predicate: resource \"%s\" has no \"algorithm\"",
			       name);
	if (hex && !hm__is_lower_hex(hex, 64))
		return hm__err(HM_EFORMAT, "OMS predicate: resource \"%s\": digest is not 64 "
			       "lowercase hex digits", name);
	return 0;
}

int hm__oms_parse_predicate(json_t **root, struct hm__pres **res, size_t *nres, char ***ign,
			    size_t *nign, uint64_t *shard_size, const char *json, size_t len,
			    const struct hm__lres_list *lean)
{
	const json_t *ser, *arr, *ip;
	const char *s;
	char shard_alg[48];
	uint64_t shards = 0;
	size_t i, n;
	int rc;

	*res = NULL;
	*nres = 0;
	if (ign) {
		*ign = NULL;
		*nign = 0;
	}
	if (!json && !*root)
		return hm__err(HM_EINVAL, "OMS predicate: NULL");
	if (!json)
		json_incref(*root); /* parsed already: this reference is the caller's to drop */
	else if ((rc = hm__json_parse(root, json, len, "OMS predicate")) < 0)
		return rc;
	if (!json_is_object(*root)) {
		rc = hm__err(HM_EFORMAT, "OMS predicate: not a JSON object");
		goto fail;
	}
	ser = json_object_get(*root, "serialization");
	if (!json_is_object(ser)) {
		rc = hm__err(HM_EFORMAT, "OMS predicate: no \"serialization\" object");
		goto fail;
	}
	if ((rc = parse_method(ser, &shards, shard_alg, sizeof(shard_alg))) < 0)
		goto fail;
	if (!(s = hm__json_str(ser, "hash_type")) || strcmp(s, "sha256") != 0) {
		rc = hm__err(s ? HM_EUNSUPPORTED : HM_EFORMAT,
			     "OMS predicate: hash_type %s%s%s is not supported (only \"sha256\")",
			     s ? "\"" : "", s ? s : "missing", s ? "\"" : "");
		goto fail;
	}
	arr = json_object_get(*root, "resources");
	if (lean && (!arr || json_is_null(arr))) {
		/* read lean (statement_lean.c): an array of objects of three strings */
		const struct hm__lres *lr = hm__lres_items(lean);

		n = hm__lres_count(lean);
		if (!(*res = calloc(n ? n : 1, sizeof(**res)))) {
			rc = hm__err_oom();
			goto fail;
		}
		for (i = 0; i < n; i++) {
			/* the digest is 64 lowercase hex digits, or the JSON would hold it */
			if ((rc = check_resource(lr[i].name, hm__lres_alg(lean, &lr[i]), NULL, shards,
						 shard_alg)) < 0)
				goto fail;
			(*res)[i].name = lr[i].name;
			(*res)[i].hex = NULL;
		}
		goto listed;
	}
	if (!json_is_array(arr)) {
		rc = hm__err(HM_EFORMAT, "OMS predicate: no \"resources\" array");
		goto fail;
	}
	n = json_array_size(arr);
	*res = calloc(n ? n : 1, sizeof(**res));
	if (!*res) {
		rc = hm__err_oom();
		goto fail;
	}
	for (i = 0; i < n; i++) {
		const json_t *r = json_array_get(arr, i);
		const char *name = hm__json_str(r, "name"), *alg = hm__json_str(r, "algorithm"),
			   *hex = hm__json_str(r, "digest");

		if (!json_is_object(r) || !name || !hex) {
			rc = hm__err(HM_EFORMAT,
				     "OMS predicate: resource %zu needs string \"name\" and \"digest\"",
				     i);
			goto fail;
		}
		if ((rc = check_resource(name, alg, hex, shards, shard_alg)) < 0)
			goto fail;
		(*res)[i].name = name;
		(*res)[i].hex = hex;
	}
listed:
	*nres = n;
	if (shard_size)
		*shard_size = shards;
	ip = json_object_get(ser, "ignore_paths");
	if (ip && !json_is_array(ip)) {
		rc = hm__err(HM_EFORMAT, "OMS predicate: \"ignore_paths\" is not an array");
		goto fail;
	}
	for (i = 0; ip && i < json_array_size(ip); i++)
		if (!json_is_string(json_array_get(ip, i))) {
			rc = hm__err(HM_EFORMAT, "OMS predicate: \"ignore_paths\" holds a non-string");
			goto fail;
		}
	if (ign && ip && json_array_size(ip)) {
		*ign = calloc(json_array_size(ip), sizeof(**ign));
		if (!*ign) {
			rc = hm__err_oom();
			goto fail;
		}
		for (i = 0; i < json_array_size(ip); i++) {
			char *norm;

			/* An entry that cannot name anything inside the model matches nothing. */
			if (hm__path_normalize(&norm, json_string_value(json_array_get(ip, i)), "ignore") < 0) {
				if (hm_error_last_code() == HM_ENOMEM) {
					rc = HM_ENOMEM;
					goto fail;
				}
				continue;
			}
			(*ign)[(*nign)++] = norm;
		}
		hm_error_clear();
	}
	return 0;
fail:
	if (ign) {
		hm__strv_free(*ign, *nign);
		*ign = NULL;
		*nign = 0;
	}
	free(*res);
	*res = NULL;
	*nres = 0;
	json_decref(*root);
	*root = NULL;
	return rc;
}

int hm_manifest_predicate_root(char out[65], const char *predicate_json, size_t len)
{
	json_t *root = NULL;
	struct hm__pres *res;
	size_t n;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_manifest_predicate_root: out is NULL");
	out[0] = '\0';
	if ((rc = hm__oms_parse_predicate(&root, &res, &n, NULL, NULL, NULL, predicate_json, len,
					  NULL)) < 0)
		return rc;
	rc = hm__oms_root(out, res, n);
	free(res);
	json_decref(root);
	return rc;
}

int hm__oms_root(char out[65], const struct hm__pres *res, size_t n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char d[32], h[32];
	unsigned int dl = 0;
	size_t i;
	int rc = 0;

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		rc = hm__err(HM_ECRYPTO, "SHA-256 initialisation failed");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (res[i].hex)
			hm__hex_decode(d, 32, res[i].hex);
		EVP_DigestUpdate(ctx, res[i].hex ? d : hm__lres_digest(res[i].name), 32);
	}
	if (EVP_DigestFinal_ex(ctx, h, &dl) != 1 || dl != 32) {
		rc = hm__err(HM_ECRYPTO, "SHA-256 finalisation failed");
		goto done;
	}
	hm__hex_encode(out, h, 32);
done:
	EVP_MD_CTX_free(ctx);
	return rc;
}
