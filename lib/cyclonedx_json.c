/* The CycloneDX 1.6 ML-BOM as JSON: the same content as the XML, in the JSON schema's shape. */
#include "cyclonedx_impl.h"

#include <stdlib.h>
#include <string.h>

/* json_object_set_new that remembers a failure. */
static void set(json_t *o, const char *k, json_t *v, int *bad)
{
	if (!v || json_object_set_new(o, k, v) < 0)
		*bad = 1;
}

static void push(json_t *a, json_t *v, int *bad)
{
	if (!v || json_array_append_new(a, v) < 0)
		*bad = 1;
}

static json_t *str(const char *s, int *bad)
{
	json_t *v = json_string(s);

	if (!v)
		*bad = 1; /* not UTF-8 or out of memory */
	return v;
}

static json_t *model_card(const struct hm__cdx *b, int *bad)
{
	json_t *mc = json_object(), *mp = json_object(), *a, *o;
	size_t i;

	if (!mc || !mp) {
		json_decref(mc);
		json_decref(mp);
		*bad = 1;
		return NULL;
	}
	set(mp, "task", str("text-generation", bad), bad);
	if (b->nmodel_datasets) {
		a = json_array();
		for (i = 0; a && i < b->nmodel_datasets; i++)
			push(a, json_pack("{s:s}", "ref", b->model_datasets[i]), bad);
		set(mp, "datasets", a, bad);
	}
	set(mc, "modelParameters", mp, bad);
	if (b->nmetrics) {
		a = json_array();
		for (i = 0; a && i < b->nmetrics; i++)
			push(a, b->metrics[i].lower
					? json_pack("{s:s, s:s, s:s, s:{s:s, s:s}}", "type",
						    b->metrics[i].type, "value", b->metrics[i].value,
						    "slice", b->metrics[i].slice, "confidenceInterval",
						    "lowerBound", b->metrics[i].lower, "upperBound",
						    b->metrics[i].upper)
					: json_pack("{s:s, s:s, s:s}", "type", b->metrics[i].type,
						    "value", b->metrics[i].value, "slice",
						    b->metrics[i].slice), bad);
		set(mc, "quantitativeAnalysis", json_pack("{s:o*}", "performanceMetrics", a), bad);
	}
	if (b->nlimitations || b->nethical) {
		o = json_object();
		if (o && b->nlimitations) {
			a = json_array();
			for (i = 0; a && i < b->nlimitations; i++)
				push(a, str(b->limitations[i], bad), bad);
			set(o, "technicalLimitations", a, bad);
		}
		if (o && b->nethical) {
			a = json_array();
			for (i = 0; a && i < b->nethical; i++)
				push(a, json_pack("{s:s, s:s}", "name", b->ethical[i].name,
						  "mitigationStrategy", b->ethical[i].mitigation), bad);
			set(o, "ethicalConsiderations", a, bad);
		}
		set(mc, "considerations", o, bad);
	}
	return mc;
}

static json_t *component(const struct hm__cdx_comp *c, const struct hm__cdx *b, int is_model,
			 int *bad)
{
	json_t *o = json_object(), *a, *d;
	size_t i;

	if (!o) {
		*bad = 1;
		return NULL;
	}
	set(o, "type", str(c->type, bad), bad);
	set(o, "bom-ref", str(c->ref, bad), bad);
	set(o, "name", str(c->name, bad), bad);
	if (c->version)
		set(o, "version", str(c->version, bad), bad);
	if (c->description)
		set(o, "description", str(c->description, bad), bad);
	if (c->sha256)
		set(o, "hashes", json_pack("[{s:s, s:s}]", "alg", "SHA-256", "content", c->sha256),
		    bad);
	if (c->license)
		set(o, "licenses", json_pack("[{s:s}]", "expression", c->license), bad);
	if (c->nprops) {
		a = json_array();
		for (i = 0; a && i < c->nprops; i++)
			push(a, json_pack("{s:s, s:s}", "name", c->props[i].name, "value",
					  c->props[i].value), bad);
		set(o, "properties", a, bad);
	}
	if (is_model)
		set(o, "modelCard", model_card(b, bad), bad);
	if (strcmp(c->type, "data") == 0) {
		d = json_pack("{s:s, s:s}", "type", "dataset", "name", c->name);
		if (d && c->url)
			set(d, "contents", json_pack("{s:s}", "url", c->url), bad);
		if (d && c->description)
			set(d, "description", str(c->description, bad), bad);
		set(o, "data", d ? json_pack("[o]", d) : NULL, bad);
	}
	return o;
}

int hm__cdx_json(char **out, size_t *len, const struct hm__cdx *b)
{
	json_t *bom, *comps, *deps, *on;
	size_t i, j;
	int bad = 0;
	char *s;

	bom = json_pack("{s:s, s:s, s:s, s:i}", "bomFormat", "CycloneDX", "specVersion", "1.6",
			"serialNumber", b->serial, "version", 1);
	if (!bom)
		return hm__err_oom();
	set(bom, "metadata",
	    json_pack("{s:s, s:{s:[{s:s, s:s, s:s}]}, s:o*}", "timestamp", b->timestamp, "tools",
		      "components", "type", "application", "name", "hallmark", "version",
		      hm_version(), "component", component(&b->comps[0], b, 1, &bad)),
	    &bad);
	if (b->ncomps > 1) {
		comps = json_array();
		for (i = 1; comps && i < b->ncomps; i++)
			push(comps, component(&b->comps[i], b, 0, &bad), &bad);
		set(bom, "components", comps, &bad);
	}
	deps = json_array();
	for (i = 0; deps && i < b->ncomps; i++) {
		on = json_array();
		for (j = 0; on && j < b->comps[i].ndepends; j++)
			push(on, str(b->comps[i].depends[j], &bad), &bad);
		push(deps, json_pack("{s:s, s:o*}", "ref", b->comps[i].ref, "dependsOn", on), &bad);
	}
	set(bom, "dependencies", deps, &bad);
	if (bad) {
		json_decref(bom);
		return hm__err(HM_EFORMAT, "a value cannot be written as JSON (not UTF-8?)");
	}
	s = json_dumps(bom, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(bom);
	if (!s)
		return hm__err_oom();
	*len = strlen(s);
	*out = malloc(*len + 2);
	if (!*out) {
		free(s);
		return hm__err_oom();
	}
	memcpy(*out, s, *len);
	memcpy(*out + *len, "\n", 2);
	(*len)++;
	free(s);
	return 0;
}
