/*
 * Reading the run predicate that provenance.c writes: one typed reader for
 * verify, the facts and the archive index, so a field is named in one place.
 */
#include "provenance_impl.h"

#include <stdlib.h>
#include <string.h>

static const json_t *get2(const json_t *o, const char *a, const char *b)
{
	return json_object_get(json_object_get(o, a), b);
}

int hm__run_is_run(const json_t *st)
{
	const char *ptype = hm__json_str(st, "predicateType");
	const char *bt = hm__json_str(get2(st, "predicate", "buildDefinition"), "buildType");

	return ptype && strcmp(ptype, HM_SLSA_PREDICATE_TYPE) == 0 && bt &&
	       strcmp(bt, HM_RUN_BUILD_TYPE) == 0;
}

int hm__run_parse(struct hm__run *r, const json_t *st)
{
	const json_t *pred = json_object_get(st, "predicate");
	const json_t *bd = json_object_get(pred, "buildDefinition");
	const json_t *ext = json_object_get(bd, "externalParameters");
	const json_t *rd = json_object_get(pred, "runDetails");
	const json_t *deps = json_object_get(bd, "resolvedDependencies"), *dep;
	const char *ptype = hm__json_str(st, "predicateType");
	size_t i;

	memset(r, 0, sizeof(*r));
	if (!ptype || strcmp(ptype, HM_SLSA_PREDICATE_TYPE) != 0)
		return 0;
	r->is_run = hm__run_is_run(st);
	r->method = hm__json_str(ext, "method");
	r->base_name = hm__json_str(ext, "baseModel");
	r->hyperparameters = json_is_object(json_object_get(ext, "hyperparameters"))
				     ? json_object_get(ext, "hyperparameters")
				     : NULL;
	r->builder = hm__json_str(json_object_get(rd, "builder"), "id");
	r->started = hm__json_str(json_object_get(rd, "metadata"), "startedOn");
	r->finished = hm__json_str(json_object_get(rd, "metadata"), "finishedOn");
	if (!json_array_size(deps))
		return 0;
	if (!(r->deps = calloc(json_array_size(deps), sizeof(*r->deps))))
		return hm__err_oom();
	json_array_foreach(deps, i, dep) {
		struct hm__run_dep *d = &r->deps[r->ndeps++];
		const json_t *ann = json_object_get(dep, "annotations");
		d->role = hm__json_str(ann, "role");
		d->name = hm__json_str(dep, "name");
		d->uri = hm__json_str(dep, "uri");
		d->digest = json_object_get(dep, "digest");
		d->sha256 = hm__json_str(d->digest, "sha256");
		d->git_commit = hm__json_str(d->digest, "gitCommit");
		d->branch = hm__json_str(ann, "branch");
		d->hub_id = hm__json_str(ann, "hub_id");
		d->dirty = json_is_true(get2(dep, "annotations", "dirty"));
	}
	return 0;
}

void hm__run_clear(struct hm__run *r)
{
	free(r->deps);
	memset(r, 0, sizeof(*r));
}
