/* Safety-audit input formats: names, and detection from a file's shape. */
#include "audit_impl.h"

#include <string.h>

static const char *const format_names[] = {
	[HM_AUDIT_FORMAT_AUTO] = "auto",
	[HM_AUDIT_FORMAT_JUDGED] = "hallmark-judged",
	[HM_AUDIT_FORMAT_HEXPHI] = "hexphi-judged",
	[HM_AUDIT_FORMAT_KEYWORD] = "keyword",
	[HM_AUDIT_FORMAT_LM_EVAL] = "lm-eval",
	[HM_AUDIT_FORMAT_INSPECT] = "inspect",
	[HM_AUDIT_FORMAT_LABELLED] = "hallmark-labelled",
};
#define NFORMATS (sizeof(format_names) / sizeof(format_names[0]))

const char *hm_audit_format_name(hm_audit_format format)
{
	if ((unsigned)format >= NFORMATS)
		return "unknown";
	return format_names[format];
}

int hm_audit_format_parse(hm_audit_format *out, const char *name)
{
	size_t i;

	for (i = 0; name && i < NFORMATS; i++) {
		if (strcmp(name, format_names[i]) == 0) {
			*out = (hm_audit_format)i;
			return 0;
		}
	}
	return hm__err(HM_EINVAL, "unknown results format \"%s\" (use hallmark-judged, "
		       "hallmark-labelled, hexphi-judged, keyword, lm-eval or inspect)", name ? name : "");
}

hm_audit_kind hm__audit_format_kind(hm_audit_format f)
{
	switch (f) {
	case HM_AUDIT_FORMAT_KEYWORD:
	case HM_AUDIT_FORMAT_LABELLED:
		return HM_AUDIT_KIND_KEYWORD;
	case HM_AUDIT_FORMAT_LM_EVAL:
	case HM_AUDIT_FORMAT_INSPECT:
		return HM_AUDIT_KIND_REPORTED;
	default:
		return HM_AUDIT_KIND_JUDGED;
	}
}

static int has(const json_t *o, const char *key)
{
	return json_object_get(o, key) != NULL;
}

/* lm-eval and inspect write one JSON document; which one, if either. */
static void detect_document(const json_t *doc, hm_audit_format *found, size_t *nfound)
{
	if (json_is_object(json_object_get(doc, "results")) &&
	    (has(doc, "versions") || has(doc, "config") || has(doc, "n-samples") ||
	     has(doc, "configs")))
		found[(*nfound)++] = HM_AUDIT_FORMAT_LM_EVAL;
	if (json_is_object(json_object_get(doc, "eval")) &&
	    (has(doc, "results") || has(doc, "status") || has(doc, "samples")))
		found[(*nfound)++] = HM_AUDIT_FORMAT_INSPECT;
}

/* The JSONL formats, from the fields of the first record. */
static void detect_record(const json_t *rec, hm_audit_format *found, size_t *nfound)
{
	if (has(rec, "score"))
		found[(*nfound)++] = HM_AUDIT_FORMAT_JUDGED;
	if (has(rec, "label"))
		found[(*nfound)++] = HM_AUDIT_FORMAT_LABELLED;
	if (has(rec, "que") || has(rec, "duo_score"))
		found[(*nfound)++] = HM_AUDIT_FORMAT_HEXPHI;
	if (has(rec, "prompt") && has(rec, "answer"))
		found[(*nfound)++] = HM_AUDIT_FORMAT_KEYWORD;
}

static const char *skip_bom(const char *p, const char *end)
{
	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		return p + 3;
	return p;
}

int hm__audit_detect(hm_audit_format *out, const char *name, const char *data, size_t len)
{
	const char *p = skip_bom(data, data + len), *end = data + len, *eol;
	hm_audit_format found[5];
	size_t nfound = 0, line = 1;
	json_t *doc;

	*out = HM_AUDIT_FORMAT_AUTO;
	doc = json_loadb(p, (size_t)(end - p), JSON_REJECT_DUPLICATES, NULL);
	if (json_is_object(doc))
		detect_document(doc, found, &nfound);
	json_decref(doc);
	if (nfound == 0) {
		/* JSON Lines: the first non-blank line. */
		for (;;) {
			while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
				p++;
			if (p < end && *p == '\n') {
				p++;
				line++;
				continue;
			}
			break;
		}
		if (p == end)
			return hm__err(HM_EFORMAT, "%s: no records (the file is empty)", name);
		eol = memchr(p, '\n', (size_t)(end - p));
		doc = json_loadb(p, (size_t)((eol ? eol : end) - p), JSON_REJECT_DUPLICATES, NULL);
		if (json_is_object(doc))
			detect_record(doc, found, &nfound);
		json_decref(doc);
	}
	if (nfound == 1) {
		*out = found[0];
		return 0;
	}
	if (nfound == 0)
		return hm__err(HM_EFORMAT, "%s:%zu: unknown results format (pass --format: "
			       "hallmark-judged, hallmark-labelled, hexphi-judged, keyword, lm-eval or "
			       "inspect)", name,
			       line);
	return hm__err(HM_EFORMAT, "%s:%zu: ambiguous results format (could be %s or %s; pass "
		       "--format)", name, line, hm_audit_format_name(found[0]),
		       hm_audit_format_name(found[1]));
}
