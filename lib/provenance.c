/* Fine-tuning run attestations: SLSA Provenance v1 with our build type. */
#include "statement_impl.h"
#include "adapter_impl.h"
#include "hallmark/hubcache.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STATEMENT ((size_t)256 << 20)

static int rd_add(json_t *deps, const char *name, const char *uri, const char *alg,
		  const char *hex, const char *role)
{
	json_t *rd = json_object(), *d = json_object(), *ann = json_object();

	if (!rd || !d || !ann) {
		json_decref(rd);
		json_decref(d);
		json_decref(ann);
		return hm__err_oom();
	}
	if (name)
		json_object_set_new(rd, "name", json_string(name));
	if (uri)
		json_object_set_new(rd, "uri", json_string(uri));
	json_object_set_new(d, alg, json_string(hex));
	json_object_set_new(rd, "digest", d);
	json_object_set_new(ann, "role", json_string(role));
	json_object_set_new(rd, "annotations", ann);
	if (json_array_append_new(deps, rd))
		return hm__err_oom();
	return 0;
}

/* Adds every dataset subject of a validated statement; returns how many. */
static int add_dataset_subjects(json_t *deps, const json_t *st, const char *file)
{
	const json_t *subject = json_object_get(st, "subject"), *s;
	size_t i;
	int n = 0, rc;

	json_array_foreach(subject, i, s) {
		const char *name = hm__json_str(s, "name");
		const char *hex = hm__json_str(json_object_get(s, "digest"), "sha256");
		if (!hex)
			return hm__err(HM_EFORMAT, "%s: dataset subject %zu has no sha256 digest", file,
				       i);
		if ((rc = rd_add(deps, name ? name : "dataset", NULL, "sha256", hex, "dataset")) < 0)
			return rc;
		n++;
	}
	return n;
}

/* A dataset statement file, or a bundle holding dataset statements. */
static int add_datasets(json_t *deps, const char *file)
{
	char *text = NULL;
	size_t len;
	hm_bundle *b = NULL;
	json_t *root = NULL;
	int rc, found = 0;
	size_t i;

	if ((rc = hm__read_file(&text, &len, file, MAX_STATEMENT)) < 0)
		return rc;
	/* A statement is one JSON object; a bundle has "payloadType" envelopes per line. */
	{
		json_error_t e;
		root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
	}
	if (root && json_object_get(root, "_type")) {
		if ((rc = hm__statement_validate(root, file)) < 0)
			goto out;
		if (strcmp(hm__json_str(root, "predicateType"), HM_DATASET_PREDICATE_TYPE) != 0) {
			rc = hm__err(HM_EFORMAT, "%s: not a dataset statement (predicateType %s)", file,
				     hm__json_str(root, "predicateType"));
			goto out;
		}
		rc = add_dataset_subjects(deps, root, file);
		goto out;
	}
	json_decref(root);
	root = NULL;
	if ((rc = hm_bundle_parse(&b, text, len)) < 0)
		goto out;
	for (i = 0; i < hm_bundle_line_count(b); i++) {
		size_t llen;
		const char *line = hm_bundle_line(b, i, &llen);
		hm_envelope *env = NULL;
		hm_statement *st = NULL;
		if (hm_attestation_inspect(&env, &st, line, llen) == 0 && st &&
		    strcmp(hm_statement_predicate_type(st), HM_DATASET_PREDICATE_TYPE) == 0) {
			rc = add_dataset_subjects(deps, hm__statement_json(st), file);
			if (rc > 0)
				found += rc;
		}
		hm_envelope_free(env);
		hm_statement_free(st);
		if (rc < 0)
			goto out;
	}
	hm_error_clear();
	rc = found ? found
		   : hm__err(HM_EFORMAT, "%s: neither a dataset statement nor a bundle with one",
			     file);
out:
	json_decref(root);
	hm_bundle_free(b);
	free(text);
	return rc;
}

static int add_code(json_t *deps, const char *path)
{
	hm_git_info *gi = NULL;
	json_t *rd, *ann;
	char *uri = NULL;
	int rc;

	if ((rc = hm_git_info_get(&gi, path)) < 0) {
		if (rc == HM_ENOTFOUND)
			return hm__err(HM_ENOTFOUND, "%s: training code is not in a git work tree",
				       path);
		return rc;
	}
	if (!gi->commit) {
		hm_git_info_free(gi);
		return hm__err(HM_EFORMAT, "%s: the git repository has no commit yet", path);
	}
	if (gi->remote_url) {
		size_t n = strlen(gi->remote_url) + 5;
		uri = malloc(n);
		if (!uri) {
			hm_git_info_free(gi);
			return hm__err_oom();
		}
		snprintf(uri, n, "git+%s", gi->remote_url);
	}
	rc = rd_add(deps, "training-code", uri, "gitCommit", gi->commit, "training-code");
	if (rc == 0) {
		rd = json_array_get(deps, json_array_size(deps) - 1);
		ann = json_object_get(rd, "annotations");
		json_object_set_new(ann, "dirty", json_boolean(gi->dirty));
		if (gi->path && *gi->path)
			json_object_set_new(ann, "path", json_string(gi->path));
		if (gi->branch)
			json_object_set_new(ann, "branch", json_string(gi->branch));
	}
	free(uri);
	hm_git_info_free(gi);
	return rc;
}

/*
 * The base model's dependency: its digest, and for an adapter whose config
 * names the base by hub id, that id (annotations.hub_id) and its page (uri).
 */
static int add_base(json_t *deps, const char *name, const char *hex, const json_t *adapter)
{
	const char *id = hm__adapter_base_name(adapter);
	char uri[512];
	json_t *ann;
	size_t n;
	int rc;

	if (!id || !hm_hub_id_valid(id) || strlen(id) > 400)
		return rd_add(deps, name, NULL, "sha256", hex, "base-model");
	n = strcspn(id, "@");
	snprintf(uri, sizeof(uri), "https://huggingface.co/%.*s", (int)n, id);
	if ((rc = rd_add(deps, name, uri, "sha256", hex, "base-model")) < 0)
		return rc;
	ann = json_object_get(json_array_get(deps, json_array_size(deps) - 1), "annotations");
	if (json_object_set_new(ann, "hub_id", json_string(id)) < 0)
		return hm__err_oom();
	return 0;
}

/* An adapter's method when none is given: its peft_type in lowercase ("lora"). */
static void peft_method(char *out, size_t size, const json_t *adapter)
{
	const char *t = hm__json_str(adapter, "peft_type");
	size_t i;

	for (i = 0; t && t[i] && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)t[i]);
	out[i] = '\0';
}

/* The config as an object, and externalParameters.config naming the file. */
static int load_config(json_t **out, json_t **file, const char *path)
{
	char hex[65];
	const char *base = strrchr(path, '/');
	int rc, yaml = 0;

	*out = *file = NULL;
	if ((rc = hm__config_read(out, hex, &yaml, path, (size_t)16 << 20)) < 0)
		return rc;
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return hm__err(HM_EFORMAT, "%s: the config must be a %s", path,
			       yaml ? "YAML mapping (key: value lines)" : "JSON object");
	}
	*file = json_pack("{s:s,s:{s:s},s:s}", "name", base ? base + 1 : path, "digest", "sha256",
			  hex, "mediaType", yaml ? "application/yaml" : "application/json");
	if (!*file) {
		json_decref(*out);
		*out = NULL;
		return hm__err_oom();
	}
	return 0;
}

int hm_run_statement(char **out, const hm_run_options *opts)
{
	char model_hex[65], base_hex[65], *model_name = NULL, *base_name = NULL;
	json_t *st = NULL, *pred, *bd, *ext, *deps, *rdet, *meta, *subj, *cfg = NULL;
	json_t *cfg_file = NULL, *adapter = NULL;
	char peft[64];
	hm_run_options o;
	const char *method;
	size_t i;
	int rc;

	*out = NULL;
	if (!opts)
		return hm__err(HM_EINVAL, "hm_run_options: none given");
	if (opts->version != 1)
		HM__CHECK_VERSION(opts, HM_RUN_OPTIONS_VERSION, "hm_run_options");
	if (opts->version == 1) {
		hm_run_options def = HM_RUN_OPTIONS_INIT;
		o = def;
		memcpy(&o, opts, offsetof(hm_run_options, model_statement));
		o.version = HM_RUN_OPTIONS_VERSION;
	} else {
		o = *opts;
	}
	opts = &o;
	if (!opts->model || !opts->base_model)
		return hm__err(HM_EINVAL, "a run needs the output model and the base model");
	if (opts->ndatasets == 0)
		return hm__err(HM_EINVAL, "a run needs at least one dataset statement");
	if (opts->started && !hm_rfc3339_valid(opts->started))
		return hm__err(HM_EINVAL, "started time \"%s\" is not RFC 3339 "
			       "(e.g. 2026-01-31T12:00:00Z)", opts->started);
	if (opts->finished && !hm_rfc3339_valid(opts->finished))
		return hm__err(HM_EINVAL, "finished time \"%s\" is not RFC 3339 "
			       "(e.g. 2026-01-31T12:00:00Z)", opts->finished);
	if (strncmp(opts->model, "sha256:", 7) == 0)
		return hm__err(HM_EINVAL, "the output model must be a path: it is hashed here");
	rc = opts->model_statement
		     ? hm_model_ref_resolve_statement(model_hex, &model_name, opts->model,
						      opts->model_statement, opts->digest)
		     : hm_model_ref_resolve(model_hex, &model_name, opts->model, opts->digest);
	if (rc < 0 ||
	    (rc = hm_model_ref_resolve(base_hex, &base_name, opts->base_model, opts->digest)) < 0)
		goto out;
	if (opts->config && (rc = load_config(&cfg, &cfg_file, opts->config)) < 0)
		goto out;
	if ((rc = hm__adapter_read(&adapter, opts->model)) < 0)
		goto out;
	method = opts->method;
	if (!method && cfg && hm__json_str(cfg, "method"))
		method = hm__json_str(cfg, "method");
	if (!method && adapter) {
		peft_method(peft, sizeof(peft), adapter);
		method = peft;
	}
	if (!method)
		method = "unspecified";

	st = json_object();
	pred = json_object();
	bd = json_object();
	ext = json_object();
	deps = json_array();
	rdet = json_object();
	meta = json_object();
	subj = json_object();
	if (!st || !pred || !bd || !ext || !deps || !rdet || !meta || !subj) {
		json_decref(pred);
		json_decref(bd);
		json_decref(ext);
		json_decref(deps);
		json_decref(rdet);
		json_decref(meta);
		json_decref(subj);
		rc = hm__err_oom();
		goto out;
	}
	json_object_set_new(st, "_type", json_string(HM_STATEMENT_TYPE));
	json_object_set_new(subj, "name", json_string(opts->model_name ? opts->model_name
								       : model_name));
	json_object_set_new(subj, "digest", json_pack("{s:s}", "sha256", model_hex));
	json_object_set_new(st, "subject", json_pack("[o]", subj));
	json_object_set_new(st, "predicateType", json_string(HM_SLSA_PREDICATE_TYPE));
	json_object_set_new(st, "predicate", pred);
	json_object_set_new(pred, "buildDefinition", bd);
	json_object_set_new(pred, "runDetails", rdet);
	json_object_set_new(bd, "buildType", json_string(HM_RUN_BUILD_TYPE));
	json_object_set_new(bd, "externalParameters", ext);
	json_object_set_new(bd, "resolvedDependencies", deps);
	json_object_set_new(rdet, "metadata", meta);
	json_object_set_new(ext, "method", json_string(method));
	if (cfg) {
		json_t *hp = json_deep_copy(cfg);
		json_object_del(hp, "method");
		json_object_set_new(ext, "hyperparameters", hp);
		json_object_set_new(ext, "config", cfg_file);
		cfg_file = NULL;
	}
	{
		const char *bn = opts->base_name		  ? opts->base_name
				 : hm__adapter_base_name(adapter) ? hm__adapter_base_name(adapter)
				 : base_name			  ? base_name
								  : opts->base_model;
		json_object_set_new(ext, "baseModel", json_string(bn));
		if ((rc = add_base(deps, bn, base_hex, adapter)) < 0)
			goto out;
	}
	if (adapter) {
		json_object_set_new(ext, "adapter", adapter);
		adapter = NULL;
	}
	for (i = 0; i < opts->ndatasets; i++)
		if ((rc = add_datasets(deps, opts->datasets[i])) < 0)
			goto out;
	if (opts->code && (rc = add_code(deps, opts->code)) < 0)
		goto out;
	json_object_set_new(rdet, "builder",
			    json_pack("{s:s}", "id", opts->builder ? opts->builder
								   : HM_RUN_DEFAULT_BUILDER));
	if (opts->started)
		json_object_set_new(meta, "startedOn", json_string(opts->started));
	if (opts->finished)
		json_object_set_new(meta, "finishedOn", json_string(opts->finished));
	if ((rc = hm__statement_validate(st, "run statement")) < 0)
		goto out;
	*out = json_dumps(st, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!*out) {
		rc = hm__err_oom();
		goto out;
	}
	{
		size_t n = strlen(*out);
		char *p = realloc(*out, n + 2);
		if (!p) {
			free(*out);
			*out = NULL;
			rc = hm__err_oom();
			goto out;
		}
		p[n] = '\n';
		p[n + 1] = '\0';
		*out = p;
	}
	rc = 0;
out:
	json_decref(st);
	json_decref(cfg);
	json_decref(cfg_file);
	json_decref(adapter);
	free(model_name);
	free(base_name);
	return rc;
}
