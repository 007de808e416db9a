/*
 * A model statement that names the model's hub repository. The OMS predicate
 * admits no member beyond serialization and resources, so the hub id goes on
 * the subject, in the in-toto ResourceDescriptor's annotations, which OMS
 * verifiers ignore: "annotations": {"hub": {"id": ORG/NAME, "revision": REV}}.
 */
#include "internal.h"
#include "hallmark/hubcache.h"
#include "hallmark/manifest.h"

#include <stdlib.h>
#include <string.h>

int hm_manifest_statement_hub(char **out, const hm_manifest *m, const char *name,
			      const char *hub_id)
{
	json_t *st = NULL, *subj, *ann;
	char *text = NULL;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_manifest_statement_hub: out is NULL");
	*out = NULL;
	if (hub_id && (rc = hm_hub_id_check(hub_id)) < 0)
		return rc;
	if ((rc = hm_manifest_statement(&text, m, name)) < 0 || !hub_id) {
		*out = text;
		return rc;
	}
	st = json_loads(text, 0, NULL);
	free(text);
	subj = json_array_get(json_object_get(st, "subject"), 0);
	if (!json_is_object(subj)) {
		json_decref(st);
		return hm__err_oom();
	}
	ann = json_object();
	if (!ann || json_object_set_new(subj, "annotations", ann) < 0 ||
	    (rc = hm__hub_json(ann, "hub", hub_id)) < 0) {
		json_decref(st);
		return hm__err_oom();
	}
	*out = json_dumps(st, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(st);
	return *out ? 0 : hm__err_oom();
}

char *hm__subject_hub_id(const json_t *statement)
{
	const json_t *subj = json_array_get(json_object_get(statement, "subject"), 0);

	return hm__hub_from_json(json_object_get(json_object_get(subj, "annotations"), "hub"));
}
