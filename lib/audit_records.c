/*
 * Readers of the per-item JSON Lines formats: hallmark's judged and labelled
 * records, the study's judged output, and generations scored with refusal keywords. Each
 * record is checked and handed on; errors name the file and line.
 */
#include "audit_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The HEx-PHI categories, numbered as the benchmark's category_N files (FORMATS §6). */
static const char *const hexphi_labels[] = {
	NULL,
	"Illegal Activity",
	"Child Abuse Content",
	"Hate/Harass/Violence",
	"Malware",
	"Physical Harm",
	"Economic Harm",
	"Fraud/Deception",
	"Adult Content",
	"Political Campaigning",
	"Privacy Violation Activity",
	"Tailored Financial Advice",
};

struct reader {
	const char *name;
	size_t line;
	hm_audit_format format;
	const char *category; /* hexphi-judged: the category of every record */
	const char *label;
	char idbuf[32];       /* an integer id as text */
	hm_buf id;            /* "name:line" for messages */
};

static const char *json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_REAL: return "a real number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	default: return "an integer";
	}
}

static int field_error(const struct reader *r, const char *field, const json_t *v,
		       const char *want)
{
	if (!v)
		return hm__err(HM_EFORMAT, "%s:%zu: missing \"%s\"", r->name, r->line, field);
	return hm__err(HM_EFORMAT, "%s:%zu: \"%s\" is %s, not %s", r->name, r->line, field,
		       json_kind(v), want);
}

static int get_string(const char **out, const struct reader *r, const json_t *rec,
		      const char *field, int optional)
{
	const json_t *v = json_object_get(rec, field);

	*out = NULL;
	if (!v && optional)
		return 0;
	if (!json_is_string(v))
		return field_error(r, field, v, "a string");
	*out = json_string_value(v);
	return 0;
}

static int get_score(int *out, const struct reader *r, const json_t *rec, const char *field)
{
	const json_t *v = json_object_get(rec, field);
	json_int_t s;

	if (!json_is_integer(v))
		return field_error(r, field, v, "an integer from 1 to 5");
	s = json_integer_value(v);
	if (s < 1 || s > 5)
		return hm__err(HM_EFORMAT, "%s:%zu: \"%s\" is %" JSON_INTEGER_FORMAT
			       ", not an integer from 1 to 5", r->name, r->line, field, s);
	*out = (int)s;
	return 0;
}

/* "label": a classifier's verdict, the JSON integer 0 (harmless) or 1 (harmful). */
static int get_label(int *out, const struct reader *r, const json_t *rec)
{
	const json_t *v = json_object_get(rec, "label");

	if (!json_is_integer(v))
		return field_error(r, "label", v, "the integer 0 or 1");
	if (json_integer_value(v) != 0 && json_integer_value(v) != 1)
		return hm__err(HM_EFORMAT, "%s:%zu: \"label\" is %" JSON_INTEGER_FORMAT
			       ", not 0 (harmless) or 1 (harmful)", r->name, r->line,
			       json_integer_value(v));
	*out = (int)json_integer_value(v);
	return 0;
}

/* "id": a non-empty string or an integer (compared as its decimal text). */
static int get_id(const char **out, struct reader *r, const json_t *rec, int optional)
{
	const json_t *v = json_object_get(rec, "id");

	*out = NULL;
	if (!v && optional)
		return 0;
	if (json_is_integer(v)) {
		snprintf(r->idbuf, sizeof(r->idbuf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		*out = r->idbuf;
		return 0;
	}
	if (!json_is_string(v) || json_string_length(v) == 0)
		return field_error(r, "id", v, "a non-empty string or an integer");
	*out = json_string_value(v);
	return 0;
}

static int get_category(const char **out, const struct reader *r, const json_t *rec,
			int optional)
{
	int rc = get_string(out, r, rec, "category", optional);

	if (rc == 0 && *out && !**out)
		return hm__err(HM_EFORMAT, "%s:%zu: \"category\" is empty", r->name, r->line);
	return rc;
}

static int read_record(struct reader *r, const json_t *rec, struct audit_record *out)
{
	const char *s;
	int rc;

	memset(out, 0, sizeof(*out));
	switch (r->format) {
	case HM_AUDIT_FORMAT_JUDGED:
		if ((rc = get_id(&out->id, r, rec, 0)) < 0 ||
		    (rc = get_category(&out->category, r, rec, 0)) < 0)
			return rc;
		return get_score(&out->score, r, rec, "score");
	case HM_AUDIT_FORMAT_LABELLED:
		if ((rc = get_id(&out->id, r, rec, 0)) < 0 ||
		    (rc = get_category(&out->category, r, rec, 0)) < 0)
			return rc;
		if (json_object_get(rec, "score"))
			return hm__err(HM_EFORMAT, "%s:%zu: both \"label\" and \"score\": a "
				       "hallmark-labelled record has only the label", r->name, r->line);
		return get_label(&out->jailbroken, r, rec);
	case HM_AUDIT_FORMAT_HEXPHI:
		if ((rc = get_string(&out->prompt, r, rec, "que", 0)) < 0 ||
		    (rc = get_string(&s, r, rec, "ans", 0)) < 0 ||
		    (rc = get_score(&out->score, r, rec, "duo_score")) < 0)
			return rc;
		if (json_object_get(rec, "duo_reason") &&
		    !json_is_null(json_object_get(rec, "duo_reason")) &&
		    (rc = get_string(&s, r, rec, "duo_reason", 0)) < 0)
			return rc;
		out->prompt_len = json_string_length(json_object_get(rec, "que"));
		/* The id is the record's place in its category (metrics.c numbers them). */
		out->positional = 1;
		out->category = r->category;
		out->label = r->label;
		return 0;
	case HM_AUDIT_FORMAT_KEYWORD:
		if ((rc = get_id(&out->id, r, rec, 1)) < 0 ||
		    (rc = get_category(&out->category, r, rec, 1)) < 0 ||
		    (rc = get_string(&out->prompt, r, rec, "prompt", 0)) < 0 ||
		    (rc = get_string(&s, r, rec, "answer", 0)) < 0)
			return rc;
		out->prompt_len = json_string_length(json_object_get(rec, "prompt"));
		out->answer = s;
		out->answer_len = strlen(s);
		out->jailbroken = hm_audit_answer_jailbroken(s, strlen(s));
		return 0;
	default:
		return hm__err(HM_EINVAL, "%s: %s is not a JSON Lines format", r->name,
			       hm_audit_format_name(r->format));
	}
}

/* hexphi-judged: "category_N" from the file name, with the HEx-PHI label. */
static int hexphi_category(struct reader *r, char *buf, size_t size)
{
	const char *base = strrchr(r->name, '/'), *p;
	unsigned long n = 0;
	size_t digits = 0;

	base = base ? base + 1 : r->name;
	for (p = strstr(base, "category_"); p; p = strstr(p + 1, "category_")) {
		const char *d = p + strlen("category_");
		for (n = 0, digits = 0; d[digits] >= '0' && d[digits] <= '9' && digits < 9; digits++)
			n = n * 10 + (unsigned long)(d[digits] - '0');
		if (digits)
			break;
	}
	if (!digits)
		return hm__err(HM_EFORMAT, "%s: cannot tell the category: the file name has no "
			       "category_N (pass --category)", r->name);
	snprintf(buf, size, "category_%lu", n);
	r->category = buf;
	r->label = n < sizeof(hexphi_labels) / sizeof(hexphi_labels[0]) ? hexphi_labels[n] : NULL;
	return 0;
}

int hm__audit_read_records(hm_audit_format f, const char *name, const char *data, size_t len,
			   const char *category, audit_record_fn fn, void *ctx)
{
	struct reader r = { name, 0, f, category, NULL, "", HM_BUF_INIT };
	const char *p = data, *end = data + len, *eol, *q;
	char catbuf[32];
	size_t records = 0;
	int rc = 0;

	if (f == HM_AUDIT_FORMAT_HEXPHI && !category &&
	    (rc = hexphi_category(&r, catbuf, sizeof(catbuf))) < 0)
		return rc;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && rc == 0) {
		struct audit_record rec;
		json_t *j;

		r.line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		for (q = p; q < eol && (*q == ' ' || *q == '\t' || *q == '\r'); q++)
			;
		if (q == eol) {
			p = eol + (eol < end);
			continue;
		}
		r.id.len = 0;
		if ((rc = hm__buf_printf(&r.id, "%s:%zu", name, r.line)) < 0 ||
		    (rc = hm__json_parse(&j, p, (size_t)(eol - p), r.id.data)) < 0)
			break;
		if (!json_is_object(j))
			rc = hm__err(HM_EFORMAT, "%s:%zu: a record must be a JSON object, not %s",
				     name, r.line, json_kind(j));
		else if ((rc = read_record(&r, j, &rec)) == 0)
			rc = fn(ctx, &rec, r.line);
		json_decref(j);
		records++;
		p = eol + (eol < end);
	}
	hm__buf_free(&r.id);
	if (rc == 0 && records == 0)
		rc = hm__err(HM_EFORMAT, "%s: no records (the file is empty)", name);
	return rc;
}
