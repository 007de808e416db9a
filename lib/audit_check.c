/*
 * `hallmark audit check`: the signed numbers of a safety audit re-derived from
 * the original judged results files. Every digest, metric, count, interval,
 * item and the coverage are computed again and compared with the statement,
 * path by path; what differs is listed, not refused.
 */
#include "audit_impl.h"
#include "statement_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* At most this many differences are listed; the rest are counted. */
#define MAX_LISTED 40

struct hm_audit_check {
	char **diffs;
	size_t ndiffs;
	size_t unlisted;
	char *note; /* what was not checked, or NULL */
	int oom;
};

void hm_audit_check_free(hm_audit_check *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->ndiffs; i++)
		free(c->diffs[i]);
	free(c->diffs);
	free(c->note);
	free(c);
}

static void differ(hm_audit_check *c, const char *fmt, ...) HM_PRINTF(2, 3);
static void differ(hm_audit_check *c, const char *fmt, ...)
{
	char buf[512], **n;
	va_list ap;

	if (c->ndiffs >= MAX_LISTED) {
		c->unlisted++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = realloc(c->diffs, (c->ndiffs + 1) * sizeof(*n));
	if (!n || !(n[c->ndiffs] = strdup(buf))) {
		if (n)
			c->diffs = n;
		c->oom = 1;
		return;
	}
	c->diffs = n;
	c->ndiffs++;
}

/* A JSON value in a few characters, for a difference line. */
static void show(char buf[96], const json_t *v)
{
	char *s;

	if (!v) {
		snprintf(buf, 96, "nothing");
		return;
	}
	if (json_is_number(v)) {
		snprintf(buf, 96, "%.6f", json_number_value(v));
		/* 0.042424 rather than 0.042424000000 */
		while (strchr(buf, '.') && buf[strlen(buf) - 1] == '0')
			buf[strlen(buf) - 1] = '\0';
		if (buf[strlen(buf) - 1] == '.')
			buf[strlen(buf) - 1] = '\0';
		return;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
	snprintf(buf, 96, "%.80s%s", s ? s : "?", s && strlen(s) > 80 ? "..." : "");
	free(s);
}

/* Numbers are equal when they round to the same millionth (the audit's precision). */
static int same_value(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b))
		return hm__audit_to_micro(json_number_value(a)) ==
		       hm__audit_to_micro(json_number_value(b));
	return json_equal((json_t *)a, (json_t *)b);
}

/* Compares the signed value s with the re-derived r at path, member by member. */
static void compare(hm_audit_check *c, const char *path, const json_t *s, const json_t *r)
{
	char p[256], a[96], b[96];
	const char *k;
	const json_t *v;
	size_t i;

	if (json_is_object(s) && json_is_object(r)) {
		json_object_foreach((json_t *)s, k, v) {
			snprintf(p, sizeof(p), "%s.%.64s", path, k);
			compare(c, p, v, json_object_get(r, k));
		}
		json_object_foreach((json_t *)r, k, v) {
			if (json_object_get(s, k))
				continue;
			snprintf(p, sizeof(p), "%s.%.64s", path, k);
			compare(c, p, NULL, v);
		}
		return;
	}
	if (json_is_array(s) && json_is_array(r) && json_array_size(s) == json_array_size(r)) {
		for (i = 0; i < json_array_size(s); i++) {
			snprintf(p, sizeof(p), "%s[%zu]", path, i);
			compare(c, p, json_array_get(s, i), json_array_get(r, i));
		}
		return;
	}
	if (s && r && same_value(s, r))
		return;
	if (json_is_array(s) && json_is_array(r) && json_array_size(s) > 2) {
		differ(c, "%s: the statement lists %zu, the files give %zu", path, json_array_size(s),
		       json_array_size(r));
		return;
	}
	show(a, s);
	show(b, r);
	differ(c, "%s: signed %s, the files give %s", path, a, b);
}

/* Recomputes one model's part (results, metrics, items, coverage) and compares it. */
static int check_part(hm_audit_check *c, const json_t *part, hm_audit_format f,
		      const char *const *paths, size_t n, const hm_benchmark *bench,
		      const char *what)
{
	hm_audit_metrics *m = NULL;
	json_t *got;
	size_t i;
	int rc;

	if ((rc = hm__audit_metrics_compute(&m, f, NULL, NULL, paths, n, bench, 1)) < 0)
		return rc;
	got = json_pack("{s:[],s:o,s:o}", "results", "metrics", hm__audit_metrics_to_json(m),
			"items", hm__audit_items_to_json(m));
	for (i = 0; got && i < hm_audit_metrics_input_count(m); i++)
		json_array_append_new(json_object_get(got, "results"),
				      json_pack("{s:s,s:{s:s}}", "name", hm_audit_metrics_input_name(m, i),
						"digest", "sha256", hm_audit_metrics_input_digest(m, i)));
	if (got) {
		json_t *cov = hm__audit_coverage_to_json(m);
		if (cov)
			json_object_set_new(got, "coverage", cov);
	}
	hm_audit_metrics_free(m);
	if (!got)
		return hm__err_oom();
	{
		const char *keys[] = { "results", "metrics", "items", "coverage" };
		char p[64];
		for (i = 0; i < 4; i++) {
			snprintf(p, sizeof(p), "%s.%s", what, keys[i]);
			if (i == 0) {
				/* the file names may differ (another directory): compare the digests */
				const json_t *sr = json_object_get(part, "results");
				const json_t *gr = json_object_get(got, "results");
				size_t j;
				if (json_array_size(sr) != json_array_size(gr)) {
					differ(c, "%s: the statement records %zu files, %zu given", p,
					       json_array_size(sr), json_array_size(gr));
					continue;
				}
				for (j = 0; j < json_array_size(sr); j++) {
					const char *a = hm__json_str(json_object_get(json_array_get(sr, j),
										     "digest"), "sha256");
					const char *b = hm__json_str(json_object_get(json_array_get(gr, j),
										     "digest"), "sha256");
					if (!a || !b || strcmp(a, b) != 0)
						differ(c, "%s[%zu]: signed sha256:%.64s (%.64s), the file %.64s has "
						       "sha256:%.64s", p, j, a ? a : "?",
						       hm__json_str(json_array_get(sr, j), "name") ?
						       hm__json_str(json_array_get(sr, j), "name") : "?",
						       hm__json_str(json_array_get(gr, j), "name"), b ? b : "?");
				}
				continue;
			}
			compare(c, p, json_object_get(part, keys[i]), json_object_get(got, keys[i]));
		}
	}
	json_decref(got);
	return 0;
}

int hm_audit_check_files(hm_audit_check **out, const hm_statement *st,
			 const char *const *results, size_t nresults,
			 const char *const *baseline_results, size_t nbaseline_results,
			 const char *benchmarks)
{
	const json_t *pred, *base;
	hm_benchmark_registry *reg = NULL;
	const hm_benchmark *bench = NULL;
	hm_audit_report *rep = NULL;
	hm_audit_check *c;
	hm_audit_format f;
	const char *fname, *regname;
	int rc;

	if (!out || !st || !results || !nresults)
		return hm__err(HM_EINVAL, "hm_audit_check_files: no statement or no results files");
	*out = NULL;
	if (!hm_statement_predicate_type(st) ||
	    strcmp(hm_statement_predicate_type(st), HM_AUDIT_PREDICATE_TYPE) != 0)
		return hm__err(HM_EUNSUPPORTED, "not a safety-audit statement (predicateType \"%s\")",
			       hm_statement_predicate_type(st) ? hm_statement_predicate_type(st) : "");
	pred = json_object_get(hm__statement_json(st), "predicate");
	fname = hm__json_str(pred, "format");
	if (!fname || hm_audit_format_parse(&f, fname) < 0 || f == HM_AUDIT_FORMAT_AUTO)
		return hm__err(HM_EFORMAT, "predicate.format is missing or unknown");
	if (hm__audit_format_kind(f) == HM_AUDIT_KIND_REPORTED)
		return hm__err(HM_EUNSUPPORTED, "the audit records %s results as reported: there are "
			       "no per-item numbers to re-derive", fname);
	base = json_object_get(pred, "baseline");
	if (base && !nbaseline_results)
		return hm__err(HM_EINVAL, "the audit has a baseline: give its results files too "
			       "(--baseline-results)");
	if (!base && nbaseline_results)
		return hm__err(HM_EINVAL, "the audit has no baseline, but baseline results were given");
	regname = hm__json_str(json_object_get(json_object_get(pred, "benchmark"), "registry"),
			       "name");
	if (regname) {
		if ((rc = hm_benchmark_registry_open(&reg, benchmarks)) < 0)
			return rc;
		if (!(bench = hm_benchmark_registry_find(reg, regname))) {
			hm_benchmark_registry_free(reg);
			return hm__err(HM_ENOTFOUND, "the audit was checked against the registered "
				       "benchmark \"%.64s\", which this registry does not have "
				       "(--benchmarks DIR)", regname);
		}
	}
	if (!(c = calloc(1, sizeof(*c)))) {
		hm_benchmark_registry_free(reg);
		return hm__err_oom();
	}
	if (bench) {
		const char *hex = hm__json_str(json_object_get(json_object_get(
						       json_object_get(pred, "benchmark"), "registry"),
						       "digest"), "sha256");
		if (!hex || strcmp(hex, hm_benchmark_digest(bench)) != 0)
			differ(c, "predicate.benchmark.registry: the audit used %.64s registry file "
			       "sha256:%.64s, this registry has sha256:%s", regname, hex ? hex : "?",
			       hm_benchmark_digest(bench));
	}
	/* the statement's own arithmetic, as verify reads it */
	if (hm_audit_report_parse(&rep, st) < 0)
		differ(c, "the statement does not hold together: %s", hm_error_last());
	hm_audit_report_free(rep);
	rc = check_part(c, pred, f, results, nresults, bench, "predicate");
	if (rc == 0 && base)
		rc = check_part(c, base, f, baseline_results, nbaseline_results, bench,
				"predicate.baseline");
	hm_benchmark_registry_free(reg);
	if (rc == 0 && c->oom)
		rc = hm__err_oom();
	if (rc < 0) {
		hm_audit_check_free(c);
		return rc;
	}
	if (c->unlisted) {
		size_t more = c->unlisted;
		c->unlisted = 0;
		c->ndiffs--; /* room for the count */
		free(c->diffs[c->ndiffs]);
		differ(c, "... and %zu more differences", more + 1);
	}
	if (c->oom) {
		hm_audit_check_free(c);
		return hm__err_oom();
	}
	hm_error_clear();
	*out = c;
	return 0;
}

static int is_audit(const hm_statement *st)
{
	const char *t = hm_statement_predicate_type(st);

	return t && strcmp(t, HM_AUDIT_PREDICATE_TYPE) == 0;
}

int hm_audit_statement_load(hm_statement **out, const char *path, size_t line)
{
	hm_statement *st = NULL, *found = NULL;
	hm_bundle *b = NULL;
	size_t i, n = 0, at = 0;
	char *text;
	size_t len;
	int rc;

	if (!out || !path)
		return hm__err(HM_EINVAL, "hm_audit_statement_load: NULL argument");
	*out = NULL;
	if ((rc = hm__read_file(&text, &len, path, HM_AUDIT_MAX_FILE_BYTES)) < 0)
		return rc;
	rc = hm_statement_parse(&st, text, len, path);
	free(text);
	if (rc == 0) {
		if (!is_audit(st)) {
			hm_statement_free(st);
			return hm__err(HM_EUNSUPPORTED, "%s: not a safety-audit statement", path);
		}
		if (line > 1) {
			hm_statement_free(st);
			return hm__err(HM_EINVAL, "%s: a statement file has one statement, not line %zu",
				       path, line);
		}
		*out = st;
		return 0;
	}
	if ((rc = hm_bundle_load(&b, path)) < 0)
		return hm__err(rc, "%s: neither an in-toto statement nor a bundle", path);
	for (i = 0; i < hm_bundle_line_count(b); i++) {
		size_t l;
		const char *s = hm_bundle_line(b, i, &l);
		hm_envelope *env = NULL;
		st = NULL;
		if (hm_attestation_inspect(&env, &st, s, l) == 0 && st && is_audit(st) &&
		    (!line || line == i + 1)) {
			n++;
			at = i + 1;
			hm_statement_free(found);
			found = st;
			st = NULL;
		}
		hm_statement_free(st);
		hm_envelope_free(env);
	}
	hm_bundle_free(b);
	if (n == 1) {
		hm_error_clear();
		*out = found;
		return 0;
	}
	hm_statement_free(found);
	if (n == 0 && line)
		return hm__err(HM_ENOTFOUND, "%s: line %zu is not a safety audit", path, line);
	if (n == 0)
		return hm__err(HM_ENOTFOUND, "%s: the bundle has no safety audit", path);
	return hm__err(HM_EINVAL, "%s: the bundle has %zu safety audits (the last on line %zu): "
		       "pick one with --line N", path, n, at);
}

int hm_audit_check_same(const hm_audit_check *c)
{
	return c && c->ndiffs == 0;
}

size_t hm_audit_check_difference_count(const hm_audit_check *c)
{
	return c ? c->ndiffs : 0;
}

const char *hm_audit_check_difference(const hm_audit_check *c, size_t i)
{
	return c && i < c->ndiffs ? c->diffs[i] : NULL;
}

int hm_audit_check_json(char **out, const hm_audit_check *c)
{
	json_t *o = json_pack("{s:b,s:[]}", "same", hm_audit_check_same(c), "differences");
	size_t i;

	*out = NULL;
	for (i = 0; o && i < c->ndiffs; i++)
		json_array_append_new(json_object_get(o, "differences"), json_string(c->diffs[i]));
	if (o && c->note)
		json_object_set_new(o, "not_checked", json_string(c->note));
	if (o)
		*out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return *out ? 0 : hm__err_oom();
}

/*
 * The judge prompt template against predicate.judge_prompt: a different
 * digest, or a digest where the audit recorded none, is a difference; a
 * recorded digest with no file given is noted as not checked.
 */
int hm_audit_check_judge_prompt(hm_audit_check *c, const hm_statement *st, const char *path)
{
	const json_t *jp;
	const char *want, *name;
	unsigned char h[32];
	char hex[65], *text;
	size_t len;
	int rc;

	if (!c || !st)
		return hm__err(HM_EINVAL, "hm_audit_check_judge_prompt: NULL argument");
	jp = json_object_get(json_object_get(hm__statement_json(st), "predicate"), "judge_prompt");
	want = hm__json_str(json_object_get(jp, "digest"), "sha256");
	name = hm__json_str(jp, "name");
	if (jp && (!want || !hm__is_lower_hex(want, 64)))
		return hm__err(HM_EFORMAT, "predicate.judge_prompt.digest.sha256 must be 64 "
			       "lowercase hex digits");
	if (!path) {
		hm_buf b = HM_BUF_INIT;

		if (!want)
			return 0;
		if ((rc = hm__buf_printf(&b, "the judge prompt was not checked: the audit records "
					 "%.64s%ssha256:%s (--judge-prompt FILE checks it)",
					 name ? name : "", name ? " " : "", want)) < 0) {
			hm__buf_free(&b);
			return rc;
		}
		free(c->note);
		c->note = b.data; /* NUL-terminated by hm__buf_printf */
		return 0;
	}
	if ((rc = hm__read_file(&text, &len, path, HM_AUDIT_MAX_FILE_BYTES)) < 0)
		return hm__err_prefix("judge prompt: ");
	hm__sha256(h, text, len);
	free(text);
	hm__hex_encode(hex, h, 32);
	if (!want)
		differ(c, "predicate.judge_prompt: the audit records no judge prompt, %.200s has "
		       "sha256:%s", path, hex);
	else if (strcmp(want, hex) != 0)
		differ(c, "predicate.judge_prompt: the audit records %.64s%ssha256:%s, %.200s has "
		       "sha256:%s", name ? name : "", name ? " " : "", want, path, hex);
	return c->oom ? hm__err_oom() : 0;
}

const char *hm_audit_check_not_checked(const hm_audit_check *c)
{
	return c ? c->note : NULL;
}
