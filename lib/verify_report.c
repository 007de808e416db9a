/* The verification report: accessors, JSON and JUnit XML (libxml2). */
#include "verify_impl.h"
#include "xmlutil.h"

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
		for (j = 0; j < r->checks[i].nwarnings; j++)
			free(r->checks[i].warnings[j]);
		free(r->checks[i].warnings);
	}
	hm__vrows_free(r->uncovered, r->nuncovered);
	free(r->base_path);
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

size_t hm_verify_report_warning_count(const hm_verify_report *r, hm_check_id id)
{
	return (unsigned)id < HM_CHECK_COUNT ? r->checks[id].nwarnings : 0;
}

const char *hm_verify_report_warning(const hm_verify_report *r, hm_check_id id, size_t i)
{
	if ((unsigned)id >= HM_CHECK_COUNT || i >= r->checks[id].nwarnings)
		return NULL;
	return r->checks[id].warnings[i];
}

/*
 * Text for JSON and XML: valid UTF-8 without control characters (a file name
 * on disk may be neither). NULL only when out of memory.
 */
static char *clean_text_nl(const char *s, int newlines)
{
	char *d = strdup(s ? s : "");
	unsigned char *p;

	if (!d)
		return NULL;
	if (!xmlCheckUTF8((const unsigned char *)d))
		for (p = (unsigned char *)d; *p; p++)
			if (*p >= 0x80)
				*p = '?';
	for (p = (unsigned char *)d; *p; p++)
		if ((*p < 0x20 && !(newlines && *p == '\n')) || *p == 0x7f)
			*p = '?';
	return d;
}

static char *clean_text(const char *s)
{
	return clean_text_nl(s, 0);
}

static json_t *jstr(const char *s)
{
	char *t = clean_text(s);
	json_t *j = t ? json_string(t) : NULL;

	free(t);
	return j;
}

/* "sha256:HEX", or null for "". */
static json_t *sha_or_null(const char *hex)
{
	char d[72];

	if (!hex[0])
		return json_null();
	snprintf(d, sizeof(d), "sha256:%s", hex);
	return json_string(d);
}

/* The base model check's numbers: is it an adapter, was a base checked, which digests. */
static json_t *base_json(const hm_verify_report *r)
{
	return json_pack("{s:b,s:b,s:o,s:o,s:o}", "adapter", r->adapter, "checked",
			 r->base_found[0] != '\0', "path",
			 r->base_path ? jstr(r->base_path) : json_null(), "signed_digest",
			 sha_or_null(r->base_signed), "digest", sha_or_null(r->base_found));
}

static const char *status_name(hm_check_status s)
{
	return s == HM_CHECK_PASS ? "pass" : s == HM_CHECK_SKIP ? "skip" : "fail";
}

/* [{"name","size","reason","looks_like"}]: the files the matched manifest does not cover. */
static json_t *uncovered_json(const hm_verify_report *r)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < r->nuncovered; i++) {
		const struct hm__uncovered_row *u = &r->uncovered[i];
		json_t *e = json_object();
		if (!e)
			break;
		json_object_set_new(e, "name", jstr(u->name));
		json_object_set_new(e, "size", json_integer((json_int_t)u->size));
		json_object_set_new(e, "reason", json_string(hm__vrows_reason_name(u->reason)));
		json_object_set_new(e, "looks_like", u->looks_like_weights_or_code
							   ? json_string("weights_or_code")
							   : json_null());
		json_array_append_new(a, e);
	}
	return a;
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
	json_object_set_new(o, "model", jstr(r->model_path));
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
		json_t *c = json_object(), *d = json_array(), *w = json_array();
		if (!c || !d || !w) {
			json_decref(c);
			json_decref(d);
			json_decref(w);
			json_decref(o);
			json_decref(checks);
			return hm__err_oom();
		}
		json_object_set_new(c, "name", json_string(hm_check_name((hm_check_id)i)));
		json_object_set_new(c, "status", json_string(status_name(r->checks[i].status)));
		json_object_set_new(c, "reason", jstr(hm_verify_report_reason(r, (hm_check_id)i)));
		for (j = 0; j < r->checks[i].ndetails; j++)
			json_array_append_new(d, jstr(r->checks[i].details[j]));
		json_object_set_new(c, "details", d);
		for (j = 0; j < r->checks[i].nwarnings; j++)
			json_array_append_new(w, jstr(r->checks[i].warnings[j]));
		json_object_set_new(c, "warnings", w);
		json_array_append_new(checks, c);
	}
	json_object_set_new(o, "checks", checks);
	json_object_set_new(o, "base_model", base_json(r));
	json_object_set_new(o, "uncovered_files", uncovered_json(r));
	*out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(o);
	return *out ? 0 : hm__err_oom();
}

/* Adds an attribute with clean text; 0 or -1 when out of memory. */
static int xml_prop(xmlNodePtr node, const char *name, const char *value)
{
	char *t = clean_text(value);
	xmlAttrPtr a = t ? xmlNewProp(node, BAD_CAST name, BAD_CAST t) : NULL;

	free(t);
	return a ? 0 : -1;
}

static xmlNodePtr xml_child(xmlNodePtr parent, const char *name, const char *text)
{
	char *t = NULL;
	xmlNodePtr n;

	if (text && !(t = clean_text_nl(text, 1)))
		return NULL;
	n = xmlNewTextChild(parent, NULL, BAD_CAST name, t ? BAD_CAST t : NULL);
	free(t);
	return n;
}

static int junit_testcase(xmlNodePtr suite, const hm_verify_report *r, hm_check_id id)
{
	const struct hm__check *c = &r->checks[id];
	const char *reason = hm_verify_report_reason(r, id);
	xmlNodePtr tc = xml_child(suite, "testcase", NULL), f;
	hm_buf text = HM_BUF_INIT;
	size_t j;
	int rc = -1;

	if (!tc || xml_prop(tc, "classname", "hallmark.verify") < 0 ||
	    xml_prop(tc, "name", hm_check_name(id)) < 0)
		return -1;
	if (hm__buf_printf(&text, "%s\n", reason) < 0)
		goto out;
	/* a warning is not a failure: it is a property and a line of the output */
	if (c->nwarnings) {
		xmlNodePtr props = xml_child(tc, "properties", NULL), p;
		for (j = 0; j < c->nwarnings; j++) {
			if (!props || !(p = xml_child(props, "property", NULL)) ||
			    xml_prop(p, "name", "warning") < 0 ||
			    xml_prop(p, "value", c->warnings[j]) < 0 ||
			    hm__buf_printf(&text, "WARN %s\n", c->warnings[j]) < 0)
				goto out;
		}
	}
	for (j = 0; j < c->ndetails; j++)
		if (hm__buf_printf(&text, "%s\n", c->details[j]) < 0)
			goto out;
	if (c->status == HM_CHECK_FAIL) {
		f = xml_child(tc, "failure", text.data);
		if (!f || xml_prop(f, "message", reason) < 0 || xml_prop(f, "type", "policy") < 0)
			goto out;
	} else if (c->status == HM_CHECK_SKIP) {
		f = xml_child(tc, "skipped", NULL);
		if (!f || xml_prop(f, "message", reason) < 0)
			goto out;
	} else if (!xml_child(tc, "system-out", text.data)) {
		goto out;
	}
	rc = 0;
out:
	hm__buf_free(&text);
	return rc;
}

int hm_verify_report_junit(char **out, const hm_verify_report *r)
{
	xmlDocPtr doc;
	xmlNodePtr suites, suite, props, p;
	int bad = 0, rc;
	size_t i, failures = 0, skipped = 0;
	char buf[64];

	*out = NULL;
	doc = xmlNewDoc(BAD_CAST "1.0");
	if (!doc)
		return hm__err_oom();
	for (i = 0; i < HM_CHECK_COUNT; i++) {
		failures += r->checks[i].status == HM_CHECK_FAIL;
		skipped += r->checks[i].status == HM_CHECK_SKIP;
	}
	suites = xmlNewDocNode(doc, NULL, BAD_CAST "testsuites", NULL);
	if (!suites) {
		xmlFreeDoc(doc);
		return hm__err_oom();
	}
	xmlDocSetRootElement(doc, suites);
	suite = xml_child(suites, "testsuite", NULL);
	bad |= !suite;
	if (suite) {
		bad |= xml_prop(suite, "name", "hallmark verify") < 0;
		snprintf(buf, sizeof(buf), "%d", HM_CHECK_COUNT);
		bad |= xml_prop(suite, "tests", buf) < 0;
		snprintf(buf, sizeof(buf), "%zu", failures);
		bad |= xml_prop(suite, "failures", buf) < 0;
		bad |= xml_prop(suite, "errors", "0") < 0;
		snprintf(buf, sizeof(buf), "%zu", skipped);
		bad |= xml_prop(suite, "skipped", buf) < 0;
		props = xml_child(suite, "properties", NULL);
		bad |= !props;
		for (i = 0; props && i < 3; i++) {
			static const char *const names[] = { "model", "digest", "policy_digest" };
			const char *vals[] = { r->model_path, r->digest, r->policy_digest };
			p = xml_child(props, "property", NULL);
			bad |= !p || xml_prop(p, "name", names[i]) < 0 || xml_prop(p, "value", vals[i]) < 0;
		}
		for (i = 0; i < HM_CHECK_COUNT && !bad; i++)
			bad |= junit_testcase(suite, r, (hm_check_id)i) < 0;
	}
	rc = bad ? hm__err_oom() : hm__xml_doc_string(out, NULL, doc);
	xmlFreeDoc(doc);
	return rc;
}
