/*
 * A model named by the statement `hallmark attest model` wrote: the model is
 * hashed as that statement's manifest says (its ignore_paths, its
 * allow_symlinks) and must give its subject digest, so the run and audit
 * statements name the same digest as the model statement.
 */
#include "manifest_impl.h"
#include "statement_impl.h"

#include <stdlib.h>
#include <string.h>

#define MAX_MODEL_STATEMENT ((size_t)256 << 20)

/* The statement's subject digest and name, and its hashing choices in *d. */
static int read_statement(json_t **root, const char **hex, const char **name,
			  hm_digest_options *d, const char *path)
{
	const json_t *ser, *ign, *subj;
	const char **list = NULL;
	char *text = NULL;
	size_t len, i, n;
	int rc;

	*root = NULL;
	if ((rc = hm__read_file(&text, &len, path, MAX_MODEL_STATEMENT)) < 0)
		return rc;
	rc = hm__json_parse(root, text, len, path);
	free(text);
	if (rc < 0)
		return rc;
	if ((rc = hm__statement_validate(*root, path)) < 0)
		return rc;
	if (strcmp(hm__json_str(*root, "predicateType"), HM_OMS_PREDICATE_TYPE) != 0)
		return hm__err(HM_EFORMAT, "%s: not a model statement (predicateType %s, not %s)",
			       path, hm__json_str(*root, "predicateType"), HM_OMS_PREDICATE_TYPE);
	subj = json_object_get(*root, "subject");
	if (json_array_size(subj) != 1 ||
	    !(*hex = hm__json_str(json_object_get(json_array_get(subj, 0), "digest"), "sha256")))
		return hm__err(HM_EFORMAT, "%s: a model statement has one subject with a sha256 "
			       "digest", path);
	*name = hm__json_str(json_array_get(subj, 0), "name");
	ser = json_object_get(json_object_get(*root, "predicate"), "serialization");
	if (!json_is_object(ser) || !hm__json_str(ser, "method"))
		return hm__err(HM_EFORMAT, "%s: the manifest has no serialization", path);
	d->shard_size = 0;
	if (strcmp(hm__json_str(ser, "method"), "files") != 0 &&
	    !hm__oms_shard_size(ser, &d->shard_size))
		return hm__err(HM_EUNSUPPORTED, "%s: the manifest was made with the \"%s\" method; "
			       "only \"files\" and \"shards\" (with a shard_size) can be rehashed "
			       "here", path, hm__json_str(ser, "method"));
	ign = json_object_get(ser, "ignore_paths");
	if (ign && !json_is_array(ign))
		return hm__err(HM_EFORMAT, "%s: ignore_paths is not an array", path);
	n = json_array_size(ign);
	if (n && !(list = calloc(n, sizeof(*list))))
		return hm__err_oom();
	for (i = 0; i < n; i++)
		if (!(list[i] = json_string_value(json_array_get(ign, i)))) {
			free(list);
			return hm__err(HM_EFORMAT, "%s: ignore_paths[%zu] is not a string", path, i);
		}
	d->ignore = list;
	d->nignore = n;
	d->include_git_paths = 1; /* the signed list already holds the defaults used */
	d->allow_symlinks = json_is_true(json_object_get(ser, "allow_symlinks"));
	return 0;
}

int hm_model_ref_resolve_statement(char hex[65], char **name, const char *arg,
				   const char *statement, const hm_digest_options *digest)
{
	hm_digest_options d = HM_DIGEST_OPTIONS_INIT;
	const char *want = NULL, *sname = NULL;
	json_t *root = NULL;
	char *path_name = NULL;
	int rc;

	if (name)
		*name = NULL;
	hex[0] = '\0';
	if (!arg || !statement)
		return hm__err(HM_EINVAL, "hm_model_ref_resolve_statement: no model or statement");
	if (digest)
		d = *digest;
	if ((rc = read_statement(&root, &want, &sname, &d, statement)) < 0)
		goto out;
	if ((rc = hm_model_ref_resolve(hex, &path_name, arg, &d)) < 0)
		goto out;
	if (strcmp(hex, want) != 0) {
		rc = hm__err(HM_EVERIFY, "%s is sha256:%s hashed as %s says, but its subject is "
			     "sha256:%s: not the model that statement describes", arg, hex, statement,
			     want);
		hex[0] = '\0';
		goto out;
	}
	if (name && (sname || path_name)) {
		*name = strdup(sname ? sname : path_name);
		if (!*name)
			rc = hm__err_oom();
	}
out:
	free((void *)d.ignore);
	free(path_name);
	json_decref(root);
	return rc;
}
