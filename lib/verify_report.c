/* The verification report: accessors, JSON and JUnit XML (libxml2). */
#include "verify_impl.h"

#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <stdlib.h>
#include <string.h>

void hm_verify_report_free(hm_verify_report *r)
{
	size_t i, j;

	if (!r)
		return;
	for (i = 0; i < HM_CHECK_COUNT; i++) {
		free(r->checks[i].reason);
		for (j = 0; j < r->checks[i].ndetails; j++)
			free(r->checks[i].details[j]);
		free(r->checks[i].details);
	}
	free(r->model_path);
	free(r->policy_json);
	free(r);
}

int hm_verify_report_ok(const hm_verify_report *r)
{
	size_t i;

	for (i = 0; i < HM_CHECK_COUNT; i++)
		if (r->checks[i].status == HM_CHECK_FAIL || !r->checks[i].reason)
			return 0;
	return 1;
}

const char *hm_verify_report_model_digest(const hm_verify_report *r)
{
	return r->digest;
}

hm_check_status hm_verify_report_status(const hm_verify_report *r, hm_check_id id)
{
	return (unsigned)id < HM_CHECK_COUNT ? r->checks[id].status : HM_CHECK_FAIL;
}

const char *hm_verify_report_reason(const hm_verify_report *r, hm_check_id id)
{
	if ((unsigned)id >= HM_CHECK_COUNT || !r->checks[id].reason)
		return "not run";
	return r->checks[id].reason;
}

size_t hm_verify_report_detail_count(const hm_verify_report *r, hm_check_id id)
{
	return (unsigned)id < HM_CHECK_COUNT ? r->checks[id].ndetails : 0;
}

const char *hm_verify_report_detail(const hm_verify_report *r, hm_check_id id, size_t i)
{
	if ((unsigned)id >= HM_CHECK_COUNT || i >= r->checks[id].ndetails)
		return NULL;
	return r->checks[id].details[i];
}

static const char *status_name(hm_check_status s)
{
	return s == HM_CHECK_PASS ? "pass" : s == HM_CHECK_SKIP ? "skip" : "fail";
}

int hm_verify_report_json(char **out, const hm_verify_report *r)
{
	json_t *o = json_object(), *checks = json_array(), *pol = NULL;
	json_error_t e;
	size_t i, j;

	*out = NULL;
	if (!o || !checks) {
		json_decref(o);
		json_decref(checks);
		return hm__err_oom();
	}
	json_object_set_new(o, "model", json_string(r->model_path));
	if (r->digest[0]) {
		char d[72];
		snprintf(d, sizeof(d), "sha256:%s", r->digest);
		json_object_set_new(o, "digest", json_string(d));
	} else {
		json_object_set_new(o, "digest", json_null());
	}
	json_object_set_new(o, "ok", json_boolean(hm_verify_report_ok(r)));
	pol = json_loads(r->policy_json, 0, &e);
	json_object_set_new(o, "policy", pol ? pol : json_null());
	json_object_set_new(o, "policy_digest", json_string(r->policy_digest));
	for (i = 0; i < HM_CHECK_COUNT; i++) {
		json_t *c = json_object(), *d = json_array();
		if (!c || !d) {
			json_decref(c);
			json_decref(d);
			json_decref(o);
			json_decref(checks);
			return hm__err_oom();
		}
		json_object_set_new(c, "name", json_string(hm_check_name((hm_check_id)i)));
		json_object_set_new(c, "status", json_string(status_name(r->checks[i].status)));
		json_object_set_new(c, "reason", json_string(hm_verify_report_reason(r, (hm_check_id)i)));
		for (j = 0; j < r->checks[i].ndetails; j++)
			json_array_append_new(d, json_string(r->checks[i].details[j]));
		json_object_set_new(c, "details", d);
		json_array_append_new(checks, c);
	}
	json_object_set_new(o, "checks", checks);
	*out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return *out ? 0 : hm__err_oom();
}

int hm_verify_report_junit(char **out, const hm_verify_report *r)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr suites, suite;
	xmlChar *mem = NULL;
	int size = 0;
	size_t i, j, failures = 0, skipped = 0;
	char buf[64];

	*out = NULL;
	if (!doc)
		return hm__err_oom();
	for (i = 0; i < HM_CHECK_COUNT; i++) {
		failures += r->checks[i].status == HM_CHECK_FAIL;
		skipped += r->checks[i].status == HM_CHECK_SKIP;
	}
	suites = xmlNewDocNode(doc, NULL, BAD_CAST "testsuites", NULL);
	xmlDocSetRootElement(doc, suites);
	suite = xmlNewChild(suites, NULL, BAD_CAST "testsuite", NULL);
	xmlNewProp(suite, BAD_CAST "name", BAD_CAST "hallmark verify");
	snprintf(buf, sizeof(buf), "%d", HM_CHECK_COUNT);
	xmlNewProp(suite, BAD_CAST "tests", BAD_CAST buf);
	snprintf(buf, sizeof(buf), "%zu", failures);
	xmlNewProp(suite, BAD_CAST "failures", BAD_CAST buf);
	xmlNewProp(suite, BAD_CAST "errors", BAD_CAST "0");
	snprintf(buf, sizeof(buf), "%zu", skipped);
	xmlNewProp(suite, BAD_CAST "skipped", BAD_CAST buf);
	{
		xmlNodePtr props = xmlNewChild(suite, NULL, BAD_CAST "properties", NULL), p;
		p = xmlNewChild(props, NULL, BAD_CAST "property", NULL);
		xmlNewProp(p, BAD_CAST "name", BAD_CAST "model");
		xmlNewProp(p, BAD_CAST "value", BAD_CAST r->model_path);
		p = xmlNewChild(props, NULL, BAD_CAST "property", NULL);
		xmlNewProp(p, BAD_CAST "name", BAD_CAST "digest");
		xmlNewProp(p, BAD_CAST "value", BAD_CAST r->digest);
		p = xmlNewChild(props, NULL, BAD_CAST "property", NULL);
		xmlNewProp(p, BAD_CAST "name", BAD_CAST "policy_digest");
		xmlNewProp(p, BAD_CAST "value", BAD_CAST r->policy_digest);
	}
	for (i = 0; i < HM_CHECK_COUNT; i++) {
		const struct hm__check *c = &r->checks[i];
		xmlNodePtr tc = xmlNewChild(suite, NULL, BAD_CAST "testcase", NULL), f;
		xmlBufferPtr text = xmlBufferCreate();
		xmlNewProp(tc, BAD_CAST "classname", BAD_CAST "hallmark.verify");
		xmlNewProp(tc, BAD_CAST "name", BAD_CAST hm_check_name((hm_check_id)i));
		for (j = 0; j < c->ndetails; j++) {
			xmlBufferCat(text, BAD_CAST c->details[j]);
			xmlBufferCat(text, BAD_CAST "\n");
		}
		if (c->status == HM_CHECK_FAIL) {
			f = xmlNewChild(tc, NULL, BAD_CAST "failure", NULL);
			xmlNewProp(f, BAD_CAST "message", BAD_CAST hm_verify_report_reason(r, (hm_check_id)i));
			xmlNodeAddContent(f, xmlBufferContent(text));
		} else if (c->status == HM_CHECK_SKIP) {
			f = xmlNewChild(tc, NULL, BAD_CAST "skipped", NULL);
			xmlNewProp(f, BAD_CAST "message", BAD_CAST hm_verify_report_reason(r, (hm_check_id)i));
		} else {
			f = xmlNewChild(tc, NULL, BAD_CAST "system-out", NULL);
			xmlNodeAddContent(f, BAD_CAST hm_verify_report_reason(r, (hm_check_id)i));
			xmlNodeAddContent(f, BAD_CAST "\n");
			xmlNodeAddContent(f, xmlBufferContent(text));
		}
		xmlBufferFree(text);
	}
	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	xmlFreeDoc(doc);
	if (!mem)
		return hm__err_oom();
	*out = malloc((size_t)size + 1);
	if (*out) {
		memcpy(*out, mem, (size_t)size);
		(*out)[size] = '\0';
	}
	xmlFree(mem);
	return *out ? 0 : hm__err_oom();
}
