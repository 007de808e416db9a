/*
 * Exports of verified facts: the CycloneDX XML validates against the official
 * 1.6 XSD (through its offline catalog) and the JSON says the same; the HTML
 * report is well-formed XML, holds every metric and shows a hostile dataset
 * name as text; the SPDX document has the AI and dataset packages and the
 * trainedOn / testedOn relationships. All from the real signed fixture bundle.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "testutil.h"
#include "testcrypto.h"
#include "test_audit_fixtures.h"
#include "internal.h"
#include "test_card_fixture.h"

#define TS "2026-05-02T00:00:00Z"

static struct card_fixture fx;

static int setup(void **state)
{
	(void)state;
	cf_setup(&fx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cf_teardown(&fx);
	xmlCleanupParser();
	return 0;
}

static hm_export_options opts(void)
{
	hm_export_options o = HM_EXPORT_OPTIONS_INIT;

	o.timestamp = TS;
	o.bundle = "bundle.intoto.jsonl";
	return o;
}

static int xpath_count(xmlDocPtr doc, const char *expr, const char *prefix, const char *ns)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r;
	int n;

	assert_non_null(ctx);
	if (prefix)
		xmlXPathRegisterNs(ctx, (const xmlChar *)prefix, (const xmlChar *)ns);
	r = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	assert_non_null(r);
	n = r->nodesetval ? r->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(ctx);
	return n;
}

static void cyclonedx_xml_validates_against_the_xsd(void **state)
{
	hm_export_options o = opts();
	hm_facts *f = cf_facts(&fx);
	const char *xsd, *cat;
	char *xml = NULL, catalog[4096];
	size_t len;
	xmlDocPtr doc;
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vc;

	(void)state;
	assert_hm_ok(hm_export_cyclonedx(&xml, &len, f, HM_BOM_XML, &o));
	doc = xmlReadMemory(xml, (int)len, "bom.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	/* The model with its hash, the datasets by bom-ref, the metrics. */
	assert_int_equal(xpath_count(doc, "/c:bom/c:metadata/c:component[@type="
				     "'machine-learning-model']/c:hashes/c:hash[@alg='SHA-256']",
				     "c", "http://cyclonedx.org/schema/bom/1.6"), 1);
	assert_int_equal(xpath_count(doc, "//c:component[@type='data']", "c",
				     "http://cyclonedx.org/schema/bom/1.6"), 1);
	assert_int_equal(xpath_count(doc, "//c:modelCard/c:modelParameters/c:datasets/c:ref[. = "
				     "//c:component[@type='data']/@bom-ref]", "c",
				     "http://cyclonedx.org/schema/bom/1.6"), 1);
	assert_true(xpath_count(doc, "//c:performanceMetric", "c",
				"http://cyclonedx.org/schema/bom/1.6") > 20);
	assert_int_equal(xpath_count(doc, "//c:dependency[@ref='model']/c:dependency", "c",
				     "http://cyclonedx.org/schema/bom/1.6"), 2);
	assert_null(strstr(xml, "forged-dataset"));
	assert_non_null(strstr(xml, "&lt;script&gt;"));
	xsd = tu_shared("schemas/cyclonedx-1.6/bom-1.6.xsd");
	if (!xsd) {
		xmlFreeDoc(doc);
		hm_free(xml);
		hm_facts_free(f);
		skip();
	}
	cat = tu_shared("schemas/cyclonedx-1.6/xmlcatalog.xml");
	assert_non_null(cat);
	snprintf(catalog, sizeof(catalog), "%s", cat);
	assert_int_equal(xmlLoadCatalog(catalog), 0);
	pc = xmlSchemaNewParserCtxt(tu_shared("schemas/cyclonedx-1.6/bom-1.6.xsd"));
	schema = xmlSchemaParse(pc);
	assert_non_null(schema);
	vc = xmlSchemaNewValidCtxt(schema);
	if (xmlSchemaValidateDoc(vc, doc) != 0)
		fail_msg("the CycloneDX XML does not validate against bom-1.6.xsd:\n%s", xml);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	xmlFreeDoc(doc);
	hm_free(xml);
	hm_facts_free(f);
}

static void cyclonedx_json_carries_the_same_content(void **state)
{
	hm_export_options o = opts();
	hm_facts *f = cf_facts(&fx);
	char *js = NULL, *xml = NULL, *again = NULL;
	size_t len, xlen, n;
	json_t *bom = NULL, *mc, *comps;
	xmlChar *serial;
	xmlDocPtr doc;

	(void)state;
	assert_hm_ok(hm_export_cyclonedx(&js, &len, f, HM_BOM_JSON, &o));
	assert_hm_ok(hm__json_parse(&bom, js, len, "bom.json"));
	assert_string_equal(hm__json_str(bom, "bomFormat"), "CycloneDX");
	assert_string_equal(hm__json_str(bom, "specVersion"), "1.6");
	mc = json_object_get(json_object_get(json_object_get(bom, "metadata"), "component"),
			     "modelCard");
	assert_string_equal(hm__json_str(json_object_get(json_object_get(bom, "metadata"),
							 "component"), "type"),
			    "machine-learning-model");
	comps = json_object_get(bom, "components");
	assert_int_equal(json_array_size(comps), 2); /* base model + dataset */
	/* The same metrics, in the same number, as the XML. */
	assert_hm_ok(hm_export_cyclonedx(&xml, &xlen, f, HM_BOM_XML, &o));
	doc = xmlReadMemory(xml, (int)xlen, "bom.xml", NULL, XML_PARSE_NONET);
	n = (size_t)xpath_count(doc, "//c:performanceMetric", "c",
				"http://cyclonedx.org/schema/bom/1.6");
	assert_int_equal(json_array_size(json_object_get(json_object_get(mc,
		"quantitativeAnalysis"), "performanceMetrics")), n);
	serial = xmlGetProp(xmlDocGetRootElement(doc), (const xmlChar *)"serialNumber");
	assert_non_null(serial);
	assert_string_equal(hm__json_str(bom, "serialNumber"), (const char *)serial);
	xmlFree(serial);
	/* Deterministic: the same facts and time give the same bytes. */
	assert_hm_ok(hm_export_cyclonedx(&again, &len, f, HM_BOM_JSON, &o));
	assert_string_equal(again, js);
	xmlFreeDoc(doc);
	json_decref(bom);
	hm_free(again);
	hm_free(xml);
	hm_free(js);
	hm_facts_free(f);
}

static void report_is_well_formed_with_every_metric(void **state)
{
	hm_export_options o = opts();
	hm_facts *f = cf_facts(&fx);
	const hm_audit_report *r = hm_facts_audit(f, 0)->report;
	const hm_audit_metrics *m = hm_audit_report_metrics(r), *bm;
	char *html = NULL, want[64];
	size_t len, i;
	xmlDocPtr doc;

	(void)state;
	bm = hm_audit_report_baseline_metrics(r);
	assert_hm_ok(hm_report_html(&html, &len, f, NULL, &o));
	doc = xmlReadMemory(html, (int)len, "report.html", NULL, XML_PARSE_NONET);
	if (!doc)
		fail_msg("the report is not well-formed XML");
	/* No script element anywhere: the hostile name is a text node. */
	assert_int_equal(xpath_count(doc, "//h:script", "h", "http://www.w3.org/1999/xhtml"), 0);
	assert_true(xpath_count(doc, "//h:td[contains(., '<script>alert(1)</script>')]", "h",
				"http://www.w3.org/1999/xhtml") >= 1);
	assert_int_equal(xpath_count(doc, "//s:svg", "s", "http://www.w3.org/2000/svg"), 1);
	assert_int_equal(xpath_count(doc, "//s:svg/s:rect[@class='after']", "s",
				     "http://www.w3.org/2000/svg"), 12); /* legend + 11 */
	assert_non_null(strstr(html, "NOT CHECKED"));
	assert_null(strstr(html, "forged-dataset"));
	/* Every metric, overall and per category, before and after. */
	snprintf(want, sizeof(want), "%.6f", hm_audit_metrics_overall(m)->harmfulness_score);
	assert_non_null(strstr(html, want));
	snprintf(want, sizeof(want), "%.6f", hm_audit_metrics_overall(bm)->harmfulness_score);
	assert_non_null(strstr(html, want));
	snprintf(want, sizeof(want), "(%.6f)", hm_audit_metrics_overall(m)->harmfulness_rate);
	assert_non_null(strstr(html, want));
	snprintf(want, sizeof(want), "(%.6f)", hm_audit_metrics_overall(bm)->harmfulness_rate);
	assert_non_null(strstr(html, want));
	for (i = 0; i < hm_audit_metrics_category_count(m); i++) {
		const hm_audit_values *v = hm_audit_metrics_category(m, i);
		const hm_audit_values *bv =
			hm_audit_metrics_category_find(bm, hm_audit_metrics_category_name(m, i));
		assert_non_null(bv);
		snprintf(want, sizeof(want), "(%.6f)", v->harmfulness_rate);
		assert_non_null(strstr(html, want));
		snprintf(want, sizeof(want), "(%.6f)", bv->harmfulness_rate);
		assert_non_null(strstr(html, want));
		snprintf(want, sizeof(want), ">%.6f<", v->harmfulness_score);
		assert_non_null(strstr(html, want));
		snprintf(want, sizeof(want), ">%.6f<", bv->harmfulness_score);
		assert_non_null(strstr(html, want));
	}
	xmlFreeDoc(doc);
	hm_free(html);
	hm_facts_free(f);
}

static void report_shows_each_verification_check(void **state)
{
	hm_export_options o = opts();
	hm_verify_options vo = HM_VERIFY_OPTIONS_INIT;
	hm_verify_report *rep = NULL;
	hm_facts *f = cf_facts(&fx);
	hm_bundle *b = NULL;
	char *html = NULL;
	size_t len, i;

	(void)state;
	assert_hm_ok(hm_bundle_parse(&b, fx.bundle_text, fx.bundle_len));
	vo.keys = fx.keys;
	vo.auditor_keys = fx.auditors;
	assert_hm_ok(hm_verify(&rep, tu_path(fx.dir, "tuned-model"), b, &vo));
	assert_hm_ok(hm_report_html(&html, &len, f, rep, &o));
	/* The forged line fails the signatures check, and the page says so. */
	assert_non_null(strstr(html, "NOT VERIFIED"));
	for (i = 0; i < HM_CHECK_COUNT; i++)
		assert_non_null(strstr(html, hm_check_name((hm_check_id)i)));
	assert_null(strstr(html, "NOT CHECKED"));
	hm_free(html);
	hm_verify_report_free(rep);
	hm_bundle_free(b);
	hm_facts_free(f);
}

/* hm_verify_options of version 1 (before the base model) are read as such; a later one is refused. */
static void verify_options_of_version_1_still_verify(void **state)
{
	hm_verify_options vo = HM_VERIFY_OPTIONS_INIT;
	hm_verify_report *rep = NULL;
	hm_bundle *b = NULL;

	(void)state;
	assert_hm_ok(hm_bundle_parse(&b, fx.bundle_text, fx.bundle_len));
	vo.keys = fx.keys;
	vo.auditor_keys = fx.auditors;
	vo.version = 1;
	vo.base_model = "/nonexistent/base"; /* not a field of version 1: never read */
	assert_hm_ok(hm_verify(&rep, tu_path(fx.dir, "tuned-model"), b, &vo));
	assert_int_equal(hm_verify_report_status(rep, HM_CHECK_BASE_MODEL), HM_CHECK_SKIP);
	hm_verify_report_free(rep);
	rep = NULL;
	/* in version 2 it is read: a base that cannot be read is an error, not a report */
	vo.version = HM_VERIFY_OPTIONS_VERSION;
	assert_true(hm_verify(&rep, tu_path(fx.dir, "tuned-model"), b, &vo) < 0);
	assert_null(rep);
	assert_non_null(strstr(hm_error_last(), "base model: "));
	vo.version = HM_VERIFY_OPTIONS_VERSION + 1;
	assert_int_equal(hm_verify(&rep, tu_path(fx.dir, "tuned-model"), b, &vo), HM_EINVAL);
	hm_bundle_free(b);
}

static void spdx_has_packages_and_relationships(void **state)
{
	hm_export_options o = opts();
	hm_facts *f = cf_facts(&fx);
	char *js = NULL;
	size_t len, i;
	json_t *root = NULL, *graph, *el;
	int ai = 0, ds = 0, trained = 0, tested = 0, ancestor = 0, doc = 0;

	(void)state;
	assert_hm_ok(hm_export_spdx(&js, &len, f, &o));
	assert_hm_ok(hm__json_parse(&root, js, len, "spdx.json"));
	assert_string_equal(hm__json_str(root, "@context"),
			    "https://spdx.org/rdf/3.0.1/spdx-context.jsonld");
	graph = json_object_get(root, "@graph");
	json_array_foreach(graph, i, el) {
		const char *t = hm__json_str(el, "type"), *rt = hm__json_str(el, "relationshipType");
		assert_non_null(t);
		ai += strcmp(t, "ai_AIPackage") == 0;
		ds += strcmp(t, "dataset_DatasetPackage") == 0;
		doc += strcmp(t, "SpdxDocument") == 0;
		if (rt && strcmp(rt, "trainedOn") == 0) {
			trained++;
			assert_int_equal(json_array_size(json_object_get(el, "to")), 1);
		}
		tested += rt && strcmp(rt, "testedOn") == 0;
		ancestor += rt && strcmp(rt, "ancestorOf") == 0;
	}
	assert_int_equal(ai, 2);  /* the model and its base */
	assert_int_equal(ds, 2);  /* the training data and the HEx-PHI benchmark */
	assert_int_equal(trained, 1);
	assert_int_equal(tested, 1);
	assert_int_equal(ancestor, 1);
	assert_int_equal(doc, 1);
	assert_null(strstr(js, "forged-dataset"));
	json_decref(root);
	hm_free(js);
	hm_facts_free(f);
}

/* NULL facts or a NULL output pointer is a usage error, never a crash. */
static void null_facts_are_refused_not_dereferenced(void **state)
{
	hm_card_eval_file *files = (hm_card_eval_file *)1;
	char *out = (char *)1;
	size_t len = 7, n = 7;

	(void)state;
	assert_int_equal(hm_export_spdx(&out, &len, NULL, NULL), HM_EINVAL);
	assert_string_equal(hm_error_last(), "hm_export_spdx: f is NULL");
	assert_int_equal(hm_export_spdx(NULL, &len, NULL, NULL), HM_EINVAL);
	assert_string_equal(hm_error_last(), "hm_export_spdx: out is NULL");
	assert_int_equal(hm_report_html(&out, &len, NULL, NULL, NULL), HM_EINVAL);
	assert_string_equal(hm_error_last(), "hm_report_html: f is NULL");
	assert_int_equal(hm_export_cyclonedx(&out, &len, NULL, HM_BOM_JSON, NULL), HM_EINVAL);
	assert_string_equal(hm_error_last(), "hm_export_cyclonedx: f is NULL");
	assert_int_equal(hm_card_render(&out, NULL, NULL), HM_EINVAL);
	assert_string_equal(hm_error_last(), "hm_card_render: f is NULL");
	assert_int_equal(hm_card_update(&out, "# card\n", 7, NULL, NULL), HM_EINVAL);
	assert_string_equal(hm_error_last(), "hm_card_update: f is NULL");
	assert_int_equal(hm_card_update(&out, NULL, 0, NULL, NULL), HM_EINVAL);
	assert_string_equal(hm_error_last(), "hm_card_update: text is NULL");
	assert_int_equal(hm_card_eval_results(&files, &n, NULL, NULL), HM_EINVAL);
	assert_string_equal(hm_error_last(), "hm_card_eval_results: f is NULL");
	/* The accessors read NULL facts as empty ones. */
	assert_null(hm_facts_model(NULL));
	assert_null(hm_facts_run(NULL));
	assert_null(hm_facts_base_model(NULL));
	assert_null(hm_facts_dataset(NULL, 0));
	assert_null(hm_facts_audit(NULL, 0));
	assert_null(hm_facts_card(NULL, 0));
	assert_null(hm_facts_omission(NULL, 0));
	assert_null(hm_facts_signer(NULL, 0, NULL));
	assert_int_equal(hm_facts_line_count(NULL) + hm_facts_verified_count(NULL) +
				 hm_facts_omission_count(NULL) + hm_facts_signer_count(NULL) +
				 hm_facts_dataset_count(NULL) + hm_facts_audit_count(NULL) +
				 hm_facts_card_count(NULL),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cyclonedx_xml_validates_against_the_xsd),
		cmocka_unit_test(cyclonedx_json_carries_the_same_content),
		cmocka_unit_test(report_is_well_formed_with_every_metric),
		cmocka_unit_test(report_shows_each_verification_check),
		cmocka_unit_test(verify_options_of_version_1_still_verify),
		cmocka_unit_test(spdx_has_packages_and_relationships),
		cmocka_unit_test(null_facts_are_refused_not_dereferenced),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
