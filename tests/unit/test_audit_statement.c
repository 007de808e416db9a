/*
 * The safety-audit statement: subject = the audited model's manifest root,
 * predicate with every input's digest and the metrics hallmark computed, the
 * baseline and the delta; identical bytes for identical inputs; valid against
 * its JSON Schema; and read back (after signing) by hm_audit_report_parse,
 * which refuses numbers that do not add up.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "testutil.h"
#include "testcrypto.h"
#include "test_audit_fixtures.h"

#define BASE_HEX "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TIME "2024-05-01T12:00:00Z"

struct fixture {
	char *dir;
	char *model;      /* a model directory */
	char *data;       /* benchmark data directory */
	char *after;      /* judged results of the audited model */
	char *before;     /* judged results of the base model */
	char *keyword;    /* generations */
	char *keyword_base;
	char *lm_eval;
	char *labels;     /* a classifier's labels */
	char *labels_base;
};

static struct fixture fx;

static char *put(const char *name, const char *text)
{
	char *p = strdup(tu_path(fx.dir, name));

	tu_write(p, text, strlen(text));
	return p;
}

static int setup(void **state)
{
	(void)state;
	fx.dir = tu_tmpdir();
	fx.model = strdup(tu_path(fx.dir, "llama-2-7b-alpaca"));
	fx.data = strdup(tu_path(fx.dir, "hexphi-synthetic"));
	if (mkdir(fx.model, 0755) != 0 || mkdir(fx.data, 0755) != 0)
		return -1;
	tu_write(tu_path(fx.model, "config.json"), "{\"synthetic\":true}\n", 19);
	tu_write(tu_path(fx.model, "model.safetensors"), "synthetic weights", 17);
	tu_write(tu_path(fx.data, "category_1.csv"), "synthetic instruction 1\n", 24);
	tu_write(tu_path(fx.data, "category_2.csv"), "synthetic instruction 2\n", 24);
	fx.after = write_judged(fx.dir, "after.jsonl", after_fives, after_twos);
	fx.before = write_judged(fx.dir, "before.jsonl", before_fives, before_twos);
	/* Audited: 3 of 4 answer (0.75); base: 1 of 4 (0.25). */
	fx.keyword = put("gen.jsonl",
			 "{\"prompt\":\"synthetic 1\",\"answer\":\"Sure: ...\"}\n"
			 "{\"prompt\":\"synthetic 2\",\"answer\":\"i'm sorry, but: ...\"}\n"
			 "{\"prompt\":\"synthetic 3\",\"answer\":\"I cannot help.\"}\n"
			 "{\"prompt\":\"synthetic 4\",\"answer\":\"Step 1 ...\"}\n");
	fx.keyword_base = put("gen-base.jsonl",
			      "{\"prompt\":\"synthetic 1\",\"answer\":\"I'm sorry.\"}\n"
			      "{\"prompt\":\"synthetic 2\",\"answer\":\"As an AI ...\"}\n"
			      "{\"prompt\":\"synthetic 3\",\"answer\":\"I cannot help.\"}\n"
			      "{\"prompt\":\"synthetic 4\",\"answer\":\"Step 1 ...\"}\n");
	/* Audited: 3 of 4 labelled harmful (0.75); base: 1 of 4 (0.25). */
	fx.labels = put("labels.jsonl",
			"{\"id\":1,\"category\":\"a\",\"label\":1}\n"
			"{\"id\":2,\"category\":\"a\",\"label\":0}\n"
			"{\"id\":3,\"category\":\"b\",\"label\":1}\n"
			"{\"id\":4,\"category\":\"b\",\"label\":1}\n");
	fx.labels_base = put("labels-base.jsonl",
			     "{\"id\":1,\"category\":\"a\",\"label\":0}\n"
			     "{\"id\":2,\"category\":\"a\",\"label\":0}\n"
			     "{\"id\":3,\"category\":\"b\",\"label\":0}\n"
			     "{\"id\":4,\"category\":\"b\",\"label\":1}\n");
	fx.lm_eval = put("results_2024-05-01.json",
			 "{\"results\":{\"synthetic\":{\"acc,none\":0.5}},\"versions\":{}}\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[4200];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx.dir);
	tu_sh(cmd);
	free(fx.dir);
	free(fx.model);
	free(fx.data);
	free(fx.after);
	free(fx.before);
	free(fx.keyword);
	free(fx.keyword_base);
	free(fx.lm_eval);
	free(fx.labels);
	free(fx.labels_base);
	return 0;
}

/* The audit of the fine-tuned model against its base, on synthetic HEx-PHI-like results. */
static hm_audit_options judged_options(const char *const *results, const char *const *base)
{
	hm_audit_options o = HM_AUDIT_OPTIONS_INIT;

	o.model = fx.model;
	o.benchmark = "HEx-PHI";
	o.judge = "gpt-4-0613";
	o.results = results;
	o.nresults = 1;
	o.baseline_model = "sha256:" BASE_HEX;
	o.baseline_results = base;
	o.nbaseline_results = 1;
	o.benchmark_data = fx.data;
	o.time = TIME;
	return o;
}

static const json_t *at(const json_t *j, const char *path)
{
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && j; tok = strtok_r(NULL, ".", &save))
		j = json_is_array(j) ? json_array_get(j, (size_t)atoi(tok)) : json_object_get(j, tok);
	if (!j)
		fail_msg("no %s in the statement", path);
	return j;
}

static const char *str_at(const json_t *j, const char *path)
{
	const json_t *v = at(j, path);

	if (!json_is_string(v))
		fail_msg("%s is not a string", path);
	return json_string_value(v);
}

static double num_at(const json_t *j, const char *path)
{
	const json_t *v = at(j, path);

	if (!json_is_number(v))
		fail_msg("%s is not a number", path);
	return json_number_value(v);
}

static char *sha256_file(const char *path)
{
	char cmd[4200], *sum;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	sum = tc_sh_output(cmd);
	assert_non_null(sum);
	sum[64] = '\0';
	return sum;
}

static char *manifest_root(const char *path)
{
	hm_manifest *m;
	char *root;

	assert_hm_ok(hm_manifest_compute(&m, path, NULL));
	root = strdup(hm_manifest_root(m));
	hm_manifest_free(m);
	return root;
}

static void statement_records_model_inputs_metrics_and_delta(void **state)
{
	const char *res[1] = { fx.after }, *base[1] = { fx.before };
	hm_audit_options o = judged_options(res, base);
	char *text, *model_root, *data_root, *sum;
	hm_statement *st;
	json_t *j;

	(void)state;
	assert_hm_ok(hm_audit_statement(&text, &o));
	assert_hm_ok(hm_statement_parse(&st, text, strlen(text), "audit"));
	assert_string_equal(hm_statement_predicate_type(st), HM_AUDIT_PREDICATE_TYPE);
	assert_int_equal(hm_statement_subject_count(st), 1);
	assert_string_equal(hm_statement_subject_name(st, 0), "llama-2-7b-alpaca");
	model_root = manifest_root(fx.model);
	assert_string_equal(hm_statement_subject_digest_get(st, 0, "sha256"), model_root);
	hm_statement_free(st);

	j = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(j);
	assert_string_equal(str_at(j, "predicate.benchmark.name"), "HEx-PHI");
	data_root = manifest_root(fx.data);
	assert_string_equal(str_at(j, "predicate.benchmark.digest.sha256"), data_root);
	assert_string_equal(str_at(j, "predicate.judge"), "gpt-4-0613");
	assert_string_equal(str_at(j, "predicate.time"), TIME);
	assert_string_equal(str_at(j, "predicate.format"), "hallmark-judged");
	assert_string_equal(str_at(j, "predicate.results.0.name"), fx.after);
	sum = sha256_file(fx.after);
	assert_string_equal(str_at(j, "predicate.results.0.digest.sha256"), sum);
	free(sum);
	assert_int_equal(json_integer_value(at(j, "predicate.metrics.n")), 330);
	assert_near(num_at(j, "predicate.metrics.harmfulness_score"), 1.790909, 1e-12);
	assert_near(num_at(j, "predicate.metrics.harmfulness_rate"), 0.160606, 1e-12);
	assert_int_equal(json_integer_value(at(j, "predicate.metrics.score_counts.5")), 53);
	assert_near(num_at(j, "predicate.metrics.categories.category_4.harmfulness_rate"), 0.266667,
		    1e-12);
	assert_int_equal(json_object_size(at(j, "predicate.metrics.categories")), 11);
	assert_string_equal(str_at(j, "predicate.baseline.model.digest.sha256"), BASE_HEX);
	assert_null(json_object_get(at(j, "predicate.baseline.model"), "name"));
	assert_string_equal(str_at(j, "predicate.baseline.results.0.name"), fx.before);
	assert_near(num_at(j, "predicate.baseline.metrics.harmfulness_score"), 1.051515, 1e-12);
	assert_near(num_at(j, "predicate.baseline.metrics.harmfulness_rate"), 0.00303, 1e-12);
	assert_near(num_at(j, "predicate.delta.harmfulness_score"), 0.739394, 1e-12);
	assert_near(num_at(j, "predicate.delta.harmfulness_rate"), 0.157576, 1e-12);
	assert_null(json_object_get(at(j, "predicate.delta"), "attack_success_rate"));
	assert_null(json_object_get(at(j, "predicate"), "reported"));
	json_decref(j);
	free(model_root);
	free(data_root);
	hm_free(text);
}

/* Same inputs, same bytes; decimals written exactly. */
static void statement_is_deterministic_without_float_noise(void **state)
{
	const char *res[1] = { fx.after }, *base[1] = { fx.before };
	hm_audit_options o = judged_options(res, base);
	char *a, *b;

	(void)state;
	o.digest = NULL;
	assert_hm_ok(hm_audit_statement(&a, &o));
	assert_hm_ok(hm_audit_statement(&b, &o));
	assert_string_equal(a, b);
	assert_int_equal(a[strlen(a) - 1], '\n');
	assert_non_null(strstr(a, "\"harmfulness_rate\": 0.157576"));
	assert_non_null(strstr(a, "\"harmfulness_rate\": 0.00303,"));
	assert_null(strstr(a, "99999"));
	assert_null(strstr(a, "00001"));
	/* Sorted keys: the statement starts with _type, the predicate with baseline. */
	assert_non_null(strstr(a, "{\n  \"_type\": \"https://in-toto.io/Statement/v1\",\n"
				  "  \"predicate\": {\n    \"baseline\": {"));
	hm_free(b);
	/* Another time gives another statement, but only there. */
	o.time = "2024-05-02T00:00:00Z";
	assert_hm_ok(hm_audit_statement(&b, &o));
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), strlen(b));
	hm_free(a);
	hm_free(b);
}

static void keyword_statement_has_asr_and_its_delta(void **state)
{
	const char *res[1] = { fx.keyword }, *base[1] = { fx.keyword_base };
	hm_audit_options o = judged_options(res, base);
	hm_audit_report *r;
	hm_statement *st;
	char *text;
	json_t *j;

	(void)state;
	o.judge = NULL;
	o.benchmark = "synthetic-refusal"; /* not registered: synthetic prompts */
	o.benchmark_data = NULL;
	assert_hm_ok(hm_audit_statement(&text, &o));
	j = json_loads(text, 0, NULL);
	assert_string_equal(str_at(j, "predicate.format"), "keyword");
	assert_string_equal(str_at(j, "predicate.judge"), HM_AUDIT_KEYWORD_JUDGE);
	assert_null(json_object_get(at(j, "predicate.benchmark"), "digest"));
	assert_near(num_at(j, "predicate.metrics.attack_success_rate"), 0.75, 1e-12);
	assert_int_equal(json_integer_value(at(j, "predicate.metrics.jailbroken")), 3);
	assert_near(num_at(j, "predicate.baseline.metrics.attack_success_rate"), 0.25, 1e-12);
	assert_near(num_at(j, "predicate.delta.attack_success_rate"), 0.5, 1e-12);
	assert_null(json_object_get(at(j, "predicate.delta"), "harmfulness_rate"));
	json_decref(j);
	assert_hm_ok(hm_statement_parse(&st, text, strlen(text), "audit"));
	assert_hm_ok(hm_audit_report_parse(&r, st));
	assert_int_equal(hm_audit_metrics_kind(hm_audit_report_metrics(r)), HM_AUDIT_KIND_KEYWORD);
	assert_near(hm_audit_report_delta(r)->attack_success_rate, 0.5, 1e-12);
	assert_null(hm_audit_report_benchmark_digest(r));
	hm_audit_report_free(r);
	hm_statement_free(st);
	hm_free(text);

	/* A judge does not apply to keyword scoring. */
	o.judge = "gpt-4";
	assert_hm_err(hm_audit_statement(&text, &o), HM_EINVAL, "a judge does not apply");
}

static int parse_edited(const char *text, const char *anchor, const char *from, const char *to);

static hm_audit_options labelled_options(const char *const *res, const char *const *base)
{
	hm_audit_options o = judged_options(res, base);

	o.judge = "synthetic-classifier";
	o.benchmark = "synthetic-binary"; /* not registered */
	o.benchmark_data = NULL;
	return o;
}

static void labelled_statement_has_asr_label_items_and_classifier(void **state)
{
	const char *res[1] = { fx.labels }, *base[1] = { fx.labels_base };
	hm_audit_options o = labelled_options(res, base);
	hm_audit_report *r;
	hm_statement *st;
	char *text;
	json_t *j;

	(void)state;
	assert_hm_ok(hm_audit_statement(&text, &o));
	j = json_loads(text, 0, NULL);
	assert_string_equal(str_at(j, "predicate.format"), "hallmark-labelled");
	assert_string_equal(str_at(j, "predicate.judge"), "synthetic-classifier");
	assert_near(num_at(j, "predicate.metrics.attack_success_rate"), 0.75, 1e-12);
	assert_int_equal(json_integer_value(at(j, "predicate.metrics.jailbroken")), 3);
	assert_near(num_at(j, "predicate.baseline.metrics.attack_success_rate"), 0.25, 1e-12);
	assert_near(num_at(j, "predicate.delta.attack_success_rate"), 0.5, 1e-12);
	assert_null(json_object_get(at(j, "predicate.delta"), "harmfulness_rate"));
	/* the items carry the labels as given: 0 or 1, no score, no jailbroken */
	assert_int_equal(json_array_size(at(j, "predicate.items")), 4);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(at(j, "predicate.items"), 1), "label")), 0);
	assert_null(json_object_get(json_array_get(at(j, "predicate.items"), 0), "jailbroken"));
	assert_null(json_object_get(json_array_get(at(j, "predicate.items"), 0), "score"));
	json_decref(j);
	assert_hm_ok(hm_statement_parse(&st, text, strlen(text), "audit"));
	assert_hm_ok(hm_audit_report_parse(&r, st));
	assert_int_equal(hm_audit_report_format(r), HM_AUDIT_FORMAT_LABELLED);
	assert_int_equal(hm_audit_metrics_kind(hm_audit_report_metrics(r)), HM_AUDIT_KIND_KEYWORD);
	assert_int_equal(hm_audit_metrics_item_score(hm_audit_report_metrics(r), 0), 1);
	assert_near(hm_audit_report_delta(r)->attack_success_rate, 0.5, 1e-12);
	assert_string_equal(hm_audit_report_judge(r), "synthetic-classifier");
	hm_audit_report_free(r);
	hm_statement_free(st);

	/* Read back, the items must give the counts, a label must be 0 or 1, a classifier named. */
	assert_int_equal(parse_edited(text, "\n    \"items\": [", "\"label\": 1", "\"label\": 0"),
			 HM_EFORMAT);
	assert_non_null(strstr(hm_error_last(), "predicate.items give 4 items and other counts"));
	assert_int_equal(parse_edited(text, "\n    \"items\": [", "\"label\": 1", "\"label\": 2"),
			 HM_EFORMAT);
	assert_non_null(strstr(hm_error_last(), "predicate.items[0].label must be 0 or 1"));
	assert_int_equal(parse_edited(text, "\n    \"items\": [", "\"label\": 1", "\"label\": true"),
			 HM_EFORMAT);
	assert_int_equal(parse_edited(text, "\"judge\"", "\"synthetic-classifier\"",
				      "\"" HM_AUDIT_KEYWORD_JUDGE "\""), HM_EFORMAT);
	assert_non_null(strstr(hm_error_last(), "predicate.judge must name the classifier"));
	hm_free(text);

	/* The classifier must be named; the refusal-keyword judge is not one. */
	o.judge = NULL;
	assert_hm_err(hm_audit_statement(&text, &o), HM_EINVAL, "name the classifier (--judge)");
	o.judge = HM_AUDIT_KEYWORD_JUDGE;
	assert_hm_err(hm_audit_statement(&text, &o), HM_EINVAL, "name the classifier (--judge)");
}

static void reported_results_are_kept_apart_from_metrics(void **state)
{
	const char *res[1] = { fx.lm_eval };
	hm_audit_options o = HM_AUDIT_OPTIONS_INIT;
	hm_audit_report *r;
	hm_statement *st;
	char *text, *sum;
	json_t *j;

	(void)state;
	o.model = "sha256:" BASE_HEX;
	o.model_name = "synthetic/model";
	o.benchmark = "synthetic";
	o.results = res;
	o.nresults = 1;
	o.time = TIME;
	assert_hm_ok(hm_audit_statement(&text, &o));
	j = json_loads(text, 0, NULL);
	assert_string_equal(str_at(j, "subject.0.name"), "synthetic/model");
	assert_string_equal(str_at(j, "subject.0.digest.sha256"), BASE_HEX);
	assert_null(json_object_get(at(j, "predicate"), "metrics"));
	assert_null(json_object_get(at(j, "predicate"), "judge"));
	assert_string_equal(str_at(j, "predicate.reported.0.source"),
			    "reported by lm-evaluation-harness");
	sum = sha256_file(fx.lm_eval);
	assert_string_equal(str_at(j, "predicate.reported.0.file.digest.sha256"), sum);
	free(sum);
	assert_near(num_at(j, "predicate.reported.0.results.synthetic.acc,none"), 0.5, 0);
	json_decref(j);
	assert_hm_ok(hm_statement_parse(&st, text, strlen(text), "audit"));
	assert_hm_ok(hm_audit_report_parse(&r, st));
	assert_int_equal(hm_audit_report_format(r), HM_AUDIT_FORMAT_LM_EVAL);
	assert_int_equal(hm_audit_metrics_kind(hm_audit_report_metrics(r)), HM_AUDIT_KIND_REPORTED);
	assert_null(hm_audit_report_delta(r));
	hm_audit_report_free(r);
	hm_statement_free(st);
	hm_free(text);

	/* No delta can be computed from reported numbers. */
	o.baseline_model = "sha256:" BASE_HEX;
	o.baseline_results = res;
	o.nbaseline_results = 1;
	assert_hm_err(hm_audit_statement(&text, &o), HM_EUNSUPPORTED, "only recorded as reported");
}

/* Signed, verified, read back: what `hallmark verify` sees. */
static void report_reads_back_a_signed_audit(void **state)
{
	const char *res[1] = { fx.after }, *base[1] = { fx.before };
	hm_audit_options o = judged_options(res, base);
	const hm_audit_metrics *m;
	const hm_audit_values *v;
	hm_attestation *att;
	hm_audit_report *r;
	hm_keyring *kr;
	hm_key *key = tc_key(7);
	char *text, *line;
	size_t len;

	(void)state;
	assert_hm_ok(hm_audit_statement(&text, &o));
	assert_hm_ok(hm_sign_statement(&line, &len, text, strlen(text), "audit", key));
	assert_hm_ok(hm_keyring_new(&kr));
	assert_hm_ok(hm_keyring_add(kr, key));
	assert_hm_ok(hm_attestation_open(&att, line, len, kr, 1));
	assert_hm_ok(hm_audit_report_parse(&r, hm_attestation_statement(att)));
	hm_attestation_free(att);
	assert_string_equal(hm_audit_report_benchmark(r), "HEx-PHI");
	assert_non_null(hm_audit_report_benchmark_digest(r));
	assert_string_equal(hm_audit_report_judge(r), "gpt-4-0613");
	assert_string_equal(hm_audit_report_time(r), TIME);
	assert_int_equal(hm_audit_report_format(r), HM_AUDIT_FORMAT_JUDGED);
	assert_int_equal(hm_audit_report_result_count(r), 1);
	assert_string_equal(hm_audit_report_result_name(r, 0), fx.after);
	assert_int_equal(strlen(hm_audit_report_result_digest(r, 0)), 64);
	m = hm_audit_report_metrics(r);
	v = hm_audit_metrics_overall(m);
	assert_int_equal(v->n, 330);
	assert_int_equal(v->score_counts[4], 53);
	assert_near(v->harmfulness_score, 1.790909, 1e-12);
	assert_near(v->harmfulness_rate, 0.160606, 1e-12);
	assert_int_equal(hm_audit_metrics_category_count(m), 11);
	v = hm_audit_metrics_category_find(m, "category_1");
	assert_non_null(v);
	assert_near(v->harmfulness_rate, 0.333333, 1e-12);
	assert_string_equal(hm_audit_report_baseline_digest(r), BASE_HEX);
	v = hm_audit_metrics_overall(hm_audit_report_baseline_metrics(r));
	assert_near(v->harmfulness_rate, 0.00303, 1e-12);
	assert_near(hm_audit_report_delta(r)->harmfulness_score, 0.739394, 1e-12);
	assert_near(hm_audit_report_delta(r)->harmfulness_rate, 0.157576, 1e-12);
	hm_audit_report_free(r);
	hm_keyring_free(kr);
	hm_key_free(key);
	hm_free(line);
	hm_free(text);
}

/* Replaces the first "from" after anchor with "to" and parses the report. */
static int parse_edited(const char *text, const char *anchor, const char *from, const char *to)
{
	const char *a = strstr(text, anchor), *p;
	hm_audit_report *r = NULL;
	hm_statement *st;
	char *edited;
	size_t pre;
	int rc;

	if (!a || !(p = strstr(a, from)))
		fail_msg("no %s after %s", from, anchor);
	pre = (size_t)(p - text);
	edited = malloc(strlen(text) + strlen(to) + 1);
	memcpy(edited, text, pre);
	strcpy(edited + pre, to);
	strcat(edited, p + strlen(from));
	assert_hm_ok(hm_statement_parse(&st, edited, strlen(edited), "edited"));
	rc = hm_audit_report_parse(&r, st);
	assert_true(rc < 0 ? r == NULL : r != NULL);
	hm_audit_report_free(r);
	hm_statement_free(st);
	free(edited);
	return rc;
}

static void report_refuses_numbers_that_do_not_add_up(void **state)
{
	const char *res[1] = { fx.after }, *base[1] = { fx.before };
	hm_audit_options o = judged_options(res, base);
	char *text;

	(void)state;
	assert_hm_ok(hm_audit_statement(&text, &o));
	/* The unedited statement reads back, so each failure below is the edit's. */
	assert_int_equal(parse_edited(text, "\"predicate\"", "\"HEx-PHI\"", "\"HEx-PHI\""), 0);
	assert_int_equal(parse_edited(text, "\"delta\"", "0.157576", "0.2"), HM_EFORMAT);
	assert_non_null(strstr(hm_error_last(), "predicate.delta.harmfulness_rate is 0.2, but "
						"metrics minus baseline is 0.157576"));
	assert_int_equal(parse_edited(text, "\"predicate\"", "\"harmfulness_rate\": 0.333333",
				      "\"harmfulness_rate\": 0.1"), HM_EFORMAT);
	assert_non_null(strstr(hm_error_last(), "predicate.metrics.categories[\"category_1\"]"
						".harmfulness_rate is 0.1, but the counts give 0.333333"));
	assert_int_equal(parse_edited(text, "\"predicate\"", "\"harmfulness_rate\": 0.160606",
				      "\"harmfulness_rate\": 0.01"), HM_EFORMAT);
	assert_non_null(strstr(hm_error_last(), "predicate.metrics.harmfulness_rate"));
	assert_int_equal(parse_edited(text, "\"predicate\"", "\"harmfulness_score\": 1.790909",
				      "\"harmfulness_score\": 1.79"), HM_EFORMAT);
	/* Counts that do not add up to n. */
	assert_int_equal(parse_edited(text, "\"predicate\"", "\"n\": 330", "\"n\": 331"),
			 HM_EFORMAT);
	assert_non_null(strstr(hm_error_last(), "add up to 330, not n = 331"));
	assert_int_equal(parse_edited(text, "\"predicate\"", "\"format\": \"hallmark-judged\"",
				      "\"format\": \"csv\""), HM_EFORMAT);
	assert_int_equal(parse_edited(text, "\"predicate\"", "\"time\": \"" TIME "\"",
				      "\"time\": \"2024-05-01T12:00:00+02:00\""), HM_EFORMAT);
	assert_int_equal(parse_edited(text, "\"baseline\"", "\"sha256\": \"" BASE_HEX "\"",
				      "\"sha256\": \"" BASE_HEX "0\""), HM_EFORMAT);
	assert_int_equal(parse_edited(text, "\"predicate\"", "\"delta\"", "\"delta_\""), HM_EFORMAT);
	assert_non_null(strstr(hm_error_last(), "predicate.delta must be an object"));
	assert_int_equal(parse_edited(text, "\"predicateType\"", HM_AUDIT_PREDICATE_TYPE,
				      "https://example.com/other/v1"), HM_EUNSUPPORTED);
	hm_free(text);
}

static void bad_options_are_refused_with_reasons(void **state)
{
	const char *res[1] = { fx.after }, *base[1] = { fx.before }, *kw[1] = { fx.keyword };
	hm_audit_options o;
	char *text = (char *)"unchanged";

	(void)state;
	o = judged_options(res, base);
	o.time = "2024-05-01 12:00:00";
	assert_hm_err(hm_audit_statement(&text, &o), HM_EINVAL, "not an RFC 3339 time in UTC");
	assert_null(text);
	o.time = "2024-05-01T12:00:00+02:00";
	assert_hm_err(hm_audit_statement(&text, &o), HM_EINVAL, "not an RFC 3339 time in UTC");
	o = judged_options(res, base);
	o.benchmark = "";
	assert_hm_err(hm_audit_statement(&text, &o), HM_EINVAL, "no benchmark");
	o = judged_options(res, base);
	o.nresults = 0;
	assert_hm_err(hm_audit_statement(&text, &o), HM_EINVAL, "no results files");
	o = judged_options(res, base);
	o.baseline_results = NULL;
	o.nbaseline_results = 0;
	assert_hm_err(hm_audit_statement(&text, &o), HM_EINVAL, "baseline needs both");
	o = judged_options(res, base);
	o.model = "sha256:" "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef";
	assert_hm_err(hm_audit_statement(&text, &o), HM_EINVAL, "64 lowercase hex");
	o.model = "sha256:0123";
	assert_hm_err(hm_audit_statement(&text, &o), HM_EINVAL, "64 lowercase hex");
	o = judged_options(res, base);
	o.model = tu_path(fx.dir, "no-such-model");
	assert_hm_err(hm_audit_statement(&text, &o), HM_ENOTFOUND, "model: ");
	o = judged_options(res, kw);
	assert_hm_err(hm_audit_statement(&text, &o), HM_EFORMAT,
		      "the baseline results read as keyword but the audited results as "
		      "hallmark-judged");
	o = judged_options(res, base);
	o.version = 99;
	{
		char want[64];
		snprintf(want, sizeof(want), "hm_audit_options: version 99 is not %u",
			 HM_AUDIT_OPTIONS_VERSION);
		assert_hm_err(hm_audit_statement(&text, &o), HM_EINVAL, want);
	}
	/* an adapter's base is for an adapter: refused for a model directory that is not one, and
	 * not read from options of version 4, which have no such field */
	o = judged_options(res, base);
	o.base_model = "sha256:" BASE_HEX;
	assert_hm_err(hm_audit_statement(&text, &o), HM_EINVAL, "has no adapter_config.json");
	o.version = 4;
	assert_hm_ok(hm_audit_statement(&text, &o));
	assert_null(strstr(text, "adapter_base"));
	hm_free(text);
	text = NULL;
	/* A results error names the file and line. */
	{
		char *bad = strdup(tu_path(fx.dir, "bad.jsonl"));
		const char *badres[1] = { bad };
		char want[4200];
		tu_write(bad, "{\"id\":1,\"category\":\"c\",\"score\":6}\n", 35);
		o = judged_options(badres, base);
		snprintf(want, sizeof(want), "%s:1: \"score\" is 6", bad);
		assert_hm_err(hm_audit_statement(&text, &o), HM_EFORMAT, want);
		o = judged_options(res, badres);
		assert_hm_err(hm_audit_statement(&text, &o), HM_EFORMAT, "baseline: ");
		free(bad);
	}
}

static void time_defaults_to_now_in_utc(void **state)
{
	const char *res[1] = { fx.after }, *base[1] = { fx.before };
	hm_audit_options o = judged_options(res, base);
	char *text;
	json_t *j;
	const char *t;

	(void)state;
	o.time = NULL;
	assert_hm_ok(hm_audit_statement(&text, &o));
	j = json_loads(text, 0, NULL);
	t = str_at(j, "predicate.time");
	assert_int_equal(strlen(t), 20);
	assert_int_equal(t[10], 'T');
	assert_int_equal(t[19], 'Z');
	assert_true(strncmp(t, "2024", 4) >= 0);
	json_decref(j);
	hm_free(text);
}

/* Validates instance files against a schema with python3-jsonschema; -1 when unavailable. */
static int schema_check(const char *schema, const char *instance)
{
	char cmd[8400];

	if (tu_sh("python3 -c 'import jsonschema' 2>/dev/null") != 0)
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys,jsonschema\n"
		 "s=json.load(open(sys.argv[1]))\n"
		 "jsonschema.Draft202012Validator.check_schema(s)\n"
		 "for line in open(sys.argv[2]):\n"
		 "  if line.strip(): jsonschema.validate(json.loads(line), s, "
		 "cls=jsonschema.Draft202012Validator)' '%s' '%s' 2>/dev/null",
		 schema, instance);
	return tu_sh(cmd);
}

/* Writes the predicate of each statement, one per line, to a file. */
static char *predicates_file(const char *name, char *const *statements, size_t n)
{
	char *path = strdup(tu_path(fx.dir, name));
	FILE *f = fopen(path, "w");
	size_t i;

	assert_non_null(f);
	for (i = 0; i < n; i++) {
		json_t *j = json_loads(statements[i], 0, NULL);
		char *p = json_dumps(json_object_get(j, "predicate"), JSON_COMPACT);
		fprintf(f, "%s\n", p);
		free(p);
		json_decref(j);
	}
	fclose(f);
	return path;
}

static void predicates_and_records_validate_against_the_schemas(void **state)
{
	const char *res[1] = { fx.after }, *base[1] = { fx.before };
	const char *kw[1] = { fx.keyword }, *kwb[1] = { fx.keyword_base }, *lm[1] = { fx.lm_eval };
	hm_audit_options o = judged_options(res, base);
	const char *lab[1] = { fx.labels }, *labb[1] = { fx.labels_base };
	char *st[5], *good, *bad;
	size_t i;
	json_t *j;
	char *text;
	int rc;

	(void)state;
	assert_hm_ok(hm_audit_statement(&st[0], &o));
	o.baseline_model = NULL;
	o.baseline_results = NULL;
	o.nbaseline_results = 0;
	o.judge_prompt = fx.before; /* any file: predicate.judge_prompt is in the schema */
	assert_hm_ok(hm_audit_statement(&st[1], &o));
	assert_non_null(strstr(st[1], "\"judge_prompt\""));
	o = judged_options(kw, kwb);
	o.benchmark = "synthetic-refusal";
	o.judge = NULL;
	assert_hm_ok(hm_audit_statement(&st[2], &o));
	o = judged_options(lm, NULL);
	o.baseline_model = NULL;
	o.nbaseline_results = 0;
	assert_hm_ok(hm_audit_statement(&st[3], &o));
	o = labelled_options(lab, labb);
	assert_hm_ok(hm_audit_statement(&st[4], &o));
	good = predicates_file("good.jsonl", st, 5);
	rc = schema_check("schemas/safety-audit-v1.schema.json", good);
	if (rc == -1) {
		fprintf(stderr, "# skip: python3 jsonschema is not installed\n");
		for (i = 0; i < 5; i++)
			hm_free(st[i]);
		free(good);
		skip();
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(schema_check("schemas/judged-v1.schema.json", fx.after), 0);
	assert_int_equal(schema_check("schemas/labelled-v1.schema.json", fx.labels), 0);
	/* The schemas do say no. */
	bad = put("bad-predicate.jsonl", "{\"benchmark\":{\"name\":\"x\"},\"format\":\"keyword\","
					 "\"time\":\"" TIME "\",\"results\":[],\"metrics\":{}}\n");
	assert_int_not_equal(schema_check("schemas/safety-audit-v1.schema.json", bad), 0);
	free(bad);
	bad = put("bad-judged.jsonl", "{\"id\":1,\"category\":\"c\",\"score\":6}\n");
	assert_int_not_equal(schema_check("schemas/judged-v1.schema.json", bad), 0);
	free(bad);
	bad = put("bad-labelled.jsonl", "{\"id\":1,\"category\":\"c\",\"label\":2}\n");
	assert_int_not_equal(schema_check("schemas/labelled-v1.schema.json", bad), 0);
	free(bad);
	/* a labelled predicate without its classifier */
	j = json_loads(st[4], 0, NULL);
	json_object_del(json_object_get(j, "predicate"), "judge");
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	bad = predicates_file("bad-labelled-predicate.jsonl", &text, 1);
	free(text);
	assert_int_not_equal(schema_check("schemas/safety-audit-v1.schema.json", bad), 0);
	free(bad);
	for (i = 0; i < 5; i++)
		hm_free(st[i]);
	free(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(statement_records_model_inputs_metrics_and_delta),
		cmocka_unit_test(statement_is_deterministic_without_float_noise),
		cmocka_unit_test(keyword_statement_has_asr_and_its_delta),
		cmocka_unit_test(labelled_statement_has_asr_label_items_and_classifier),
		cmocka_unit_test(reported_results_are_kept_apart_from_metrics),
		cmocka_unit_test(report_reads_back_a_signed_audit),
		cmocka_unit_test(report_refuses_numbers_that_do_not_add_up),
		cmocka_unit_test(bad_options_are_refused_with_reasons),
		cmocka_unit_test(time_defaults_to_now_in_utc),
		cmocka_unit_test(predicates_and_records_validate_against_the_schemas),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
