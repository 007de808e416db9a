/* The CycloneDX 1.6 ML-BOM as XML (a libxml2 tree: well formed, every value escaped). */
#include "cyclonedx_impl.h"
#include "report_impl.h"
#include "xmlutil.h"

#include <stdlib.h>
#include <string.h>

static void component(struct hm__page *p, xmlNodePtr parent, const char *el,
		      const struct hm__cdx_comp *c, const struct hm__cdx *b, int is_model)
{
	xmlNodePtr n = hm__el(p, parent, el, NULL), x, y;
	size_t i;

	hm__attr(p, n, "type", c->type);
	hm__attr(p, n, "bom-ref", c->ref);
	hm__el(p, n, "name", c->name);
	if (c->version)
		hm__el(p, n, "version", c->version);
	if (c->description)
		hm__el(p, n, "description", c->description);
	if (c->sha256) {
		x = hm__el(p, hm__el(p, n, "hashes", NULL), "hash", c->sha256);
		hm__attr(p, x, "alg", "SHA-256");
	}
	if (c->license)
		hm__el(p, hm__el(p, n, "licenses", NULL), "expression", c->license);
	if (c->nprops) {
		x = hm__el(p, n, "properties", NULL);
		for (i = 0; i < c->nprops; i++)
			hm__attr(p, hm__el(p, x, "property", c->props[i].value), "name",
				 c->props[i].name);
	}
	if (is_model) {
		xmlNodePtr mc = hm__el(p, n, "modelCard", NULL);
		x = hm__el(p, mc, "modelParameters", NULL);
		hm__el(p, x, "task", "text-generation");
		if (b->nmodel_datasets) {
			y = hm__el(p, x, "datasets", NULL);
			for (i = 0; i < b->nmodel_datasets; i++)
				hm__el(p, y, "ref", b->model_datasets[i]);
		}
		if (b->nmetrics) {
			y = hm__el(p, hm__el(p, mc, "quantitativeAnalysis", NULL), "performanceMetrics",
				   NULL);
			for (i = 0; i < b->nmetrics; i++) {
				xmlNodePtr m = hm__el(p, y, "performanceMetric", NULL);
				hm__el(p, m, "type", b->metrics[i].type);
				hm__el(p, m, "value", b->metrics[i].value);
				hm__el(p, m, "slice", b->metrics[i].slice);
				if (b->metrics[i].lower) {
					xmlNodePtr ci = hm__el(p, m, "confidenceInterval", NULL);
					hm__el(p, ci, "lowerBound", b->metrics[i].lower);
					hm__el(p, ci, "upperBound", b->metrics[i].upper);
				}
			}
		}
		if (b->nlimitations || b->nethical) {
			x = hm__el(p, mc, "considerations", NULL);
			if (b->nlimitations) {
				y = hm__el(p, x, "technicalLimitations", NULL);
				for (i = 0; i < b->nlimitations; i++)
					hm__el(p, y, "technicalLimitation", b->limitations[i]);
			}
			if (b->nethical) {
				y = hm__el(p, x, "ethicalConsiderations", NULL);
				for (i = 0; i < b->nethical; i++) {
					xmlNodePtr e = hm__el(p, y, "ethicalConsideration", NULL);
					hm__el(p, e, "name", b->ethical[i].name);
					hm__el(p, e, "mitigationStrategy", b->ethical[i].mitigation);
				}
			}
		}
	}
	if (strcmp(c->type, "data") == 0) {
		x = hm__el(p, n, "data", NULL);
		hm__el(p, x, "type", "dataset");
		hm__el(p, x, "name", c->name);
		if (c->url)
			hm__el(p, hm__el(p, x, "contents", NULL), "url", c->url);
		if (c->description)
			hm__el(p, x, "description", c->description);
	}
}

int hm__cdx_xml(char **out, size_t *len, const struct hm__cdx *b)
{
	struct hm__page p;
	xmlNodePtr bom, md, x, deps, d;
	xmlNsPtr ns;
	int rc = 0;
	size_t i, j;

	memset(&p, 0, sizeof(p));
	p.doc = xmlNewDoc((const xmlChar *)"1.0");
	bom = p.doc ? xmlNewDocNode(p.doc, NULL, (const xmlChar *)"bom", NULL) : NULL;
	ns = bom ? xmlNewNs(bom, (const xmlChar *)HM_CDX_NS, NULL) : NULL;
	if (!ns) {
		xmlFreeNode(bom);
		xmlFreeDoc(p.doc);
		return hm__err_oom();
	}
	xmlSetNs(bom, ns);
	xmlDocSetRootElement(p.doc, bom);
	hm__attr(&p, bom, "serialNumber", b->serial);
	hm__attr(&p, bom, "version", "1");
	md = hm__el(&p, bom, "metadata", NULL);
	hm__el(&p, md, "timestamp", b->timestamp);
	x = hm__el(&p, hm__el(&p, hm__el(&p, md, "tools", NULL), "components", NULL), "component",
		   NULL);
	hm__attr(&p, x, "type", "application");
	hm__el(&p, x, "name", "hallmark");
	hm__el(&p, x, "version", hm_version());
	component(&p, md, "component", &b->comps[0], b, 1);
	if (b->ncomps > 1) {
		x = hm__el(&p, bom, "components", NULL);
		for (i = 1; i < b->ncomps; i++)
			component(&p, x, "component", &b->comps[i], b, 0);
	}
	deps = hm__el(&p, bom, "dependencies", NULL);
	for (i = 0; i < b->ncomps; i++) {
		d = hm__el(&p, deps, "dependency", NULL);
		hm__attr(&p, d, "ref", b->comps[i].ref);
		for (j = 0; j < b->comps[i].ndepends; j++)
			hm__attr(&p, hm__el(&p, d, "dependency", NULL), "ref", b->comps[i].depends[j]);
	}
	if (p.oom) {
		rc = hm__err_oom();
		goto out;
	}
	rc = hm__xml_doc_string(out, len, p.doc);
out:
	xmlFreeDoc(p.doc);
	return rc;
}
