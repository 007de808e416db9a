/*
 * tests/unit/test_card_fixture.h: a real signed bundle for the card and
 * export tests: model manifest, dataset (with a hostile name), run and
 * baseline audit signed by the publisher and auditor keys, plus a forged
 * line (a dataset signed by a key nobody trusts). Include after cmocka.h,
 * testutil.h, testcrypto.h and test_audit_fixtures.h.
 */
#ifndef HM_TEST_CARD_FIXTURE_H
#define HM_TEST_CARD_FIXTURE_H

#define CF_BASE "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"
#define CF_DATA "da7ada7ada7ada7ada7ada7ada7ada7ada7ada7ada7ada7ada7ada7ada7ada7a"
#define CF_FORGED "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"
#define CF_HOSTILE "<script>alert(1)</script>"
#define CF_COMMIT "0123456789abcdef0123456789abcdef01234567"
#define CF_TIME "2026-05-01T12:00:00Z"

struct card_fixture {
	char *dir;
	char model_hex[65];
	hm_key *publisher, *auditor, *mallory;
	hm_keyring *keys, *auditors;
	char *bundle_text; /* all lines, newline-terminated */
	size_t bundle_len;
	size_t forged_line; /* 1-based */
};

static inline char *cf_sign(const char *statement, const hm_key *k)
{
	char *line = NULL;
	size_t len;

	assert_hm_ok(hm_sign_statement(&line, &len, statement, strlen(statement), "fixture", k));
	return line;
}

static inline char *cf_dataset(const char *name, const char *hex, const char *license)
{
	char *s = NULL;

	assert_true(asprintf(&s,
		"{\"_type\":\"" HM_STATEMENT_TYPE "\",\"subject\":[{\"name\":\"%s\",\"digest\":"
		"{\"sha256\":\"%s\"}}],\"predicateType\":\"" HM_DATASET_PREDICATE_TYPE "\","
		"\"predicate\":{\"name\":\"%s\",\"version\":\"2\",\"license\":\"%s\",\"source\":"
		"\"https://example.com/data\",\"purpose\":\"fine-tuning\",\"hub\":{\"id\":"
		"\"acme/chat-sft\",\"revision\":\"v2\"},\"resources\":[{\"name\":"
		"\"train.jsonl\",\"digest\":{\"sha256\":\"%s\"},\"size\":100}],\"stats\":{\"records\":"
		"1234,\"invalid_records\":1,\"duplicate_records\":2,\"bytes\":100,\"schema_errors\":0,"
		"\"record_format\":\"openai-chat\"},\"git\":{\"remote\":\"https://example.com/d.git\","
		"\"commit\":\"" CF_COMMIT "\",\"committed\":true},\"screening\":{\"method\":"
		"\"heuristic-patterns\",\"records_scanned\":1234,\"flagged_records\":7}}}",
		name, hex, name, license, hex) > 0);
	return s;
}

static inline void cf_setup(struct card_fixture *fx)
{
	char *model = NULL, *st = NULL, *run = NULL, *lines[6], *after, *before, *ds;
	hm_manifest *m = NULL;
	hm_audit_options ao = HM_AUDIT_OPTIONS_INIT;
	const char *res[1], *bres[1];
	char base_ref[80];
	hm_buf b = HM_BUF_INIT;
	size_t i;

	memset(fx, 0, sizeof(*fx));
	fx->dir = tu_tmpdir();
	model = strdup(tu_path(fx->dir, "tuned-model"));
	assert_int_equal(mkdir(model, 0755), 0);
	tu_write(tu_path(model, "config.json"), "{\"synthetic\":true}\n", 19);
	tu_write(tu_path(model, "model.safetensors"), "synthetic weights", 17);
	assert_hm_ok(hm_manifest_compute(&m, model, NULL));
	memcpy(fx->model_hex, hm_manifest_root(m), 65);
	assert_hm_ok(hm_manifest_statement(&st, m, "acme/tuned-7b"));
	hm_manifest_free(m);
	fx->publisher = tc_key(1);
	fx->auditor = tc_key(2);
	fx->mallory = tc_key(9);
	assert_hm_ok(hm_keyring_new(&fx->keys));
	assert_hm_ok(hm_keyring_add(fx->keys, fx->publisher));
	assert_hm_ok(hm_keyring_new(&fx->auditors));
	assert_hm_ok(hm_keyring_add(fx->auditors, fx->auditor));

	lines[0] = cf_sign(st, fx->publisher);
	hm_free(st);
	ds = cf_dataset(CF_HOSTILE, CF_DATA, "CC-BY-4.0");
	lines[1] = cf_sign(ds, fx->publisher);
	free(ds);
	assert_true(asprintf(&run,
		"{\"_type\":\"" HM_STATEMENT_TYPE "\",\"subject\":[{\"name\":\"acme/tuned-7b\","
		"\"digest\":{\"sha256\":\"%s\"}}],\"predicateType\":\"" HM_SLSA_PREDICATE_TYPE "\","
		"\"predicate\":{\"buildDefinition\":{\"buildType\":\"" HM_RUN_BUILD_TYPE "\","
		"\"externalParameters\":{\"method\":\"lora\",\"baseModel\":\"acme/base-7b\","
		"\"hyperparameters\":{\"learning_rate\":0.0002,\"epochs\":3}},"
		"\"resolvedDependencies\":[{\"name\":\"acme/base-7b\",\"digest\":{\"sha256\":\""
		CF_BASE "\"},\"annotations\":{\"role\":\"base-model\",\"hub_id\":\"acme/base-7b@main\"}},{\"name\":\"" CF_HOSTILE
		"\",\"digest\":{\"sha256\":\"" CF_DATA "\"},\"annotations\":{\"role\":\"dataset\"}},"
		"{\"name\":\"training-code\",\"uri\":\"git+https://example.com/train.git\","
		"\"digest\":{\"gitCommit\":\"" CF_COMMIT "\"},\"annotations\":{\"role\":"
		"\"training-code\",\"dirty\":false}}]},\"runDetails\":{\"builder\":{\"id\":"
		"\"urn:hallmark:builder:local\"},\"metadata\":{\"startedOn\":\"2026-04-30T08:00:00Z\","
		"\"finishedOn\":\"2026-04-30T10:00:00Z\"}}}}", fx->model_hex) > 0);
	lines[2] = cf_sign(run, fx->publisher);
	free(run);

	after = write_judged(fx->dir, "after.jsonl", after_fives, after_twos);
	before = write_judged(fx->dir, "before.jsonl", before_fives, before_twos);
	res[0] = after;
	bres[0] = before;
	snprintf(base_ref, sizeof(base_ref), "sha256:%s", CF_BASE);
	ao.model = model;
	ao.model_name = "acme/tuned-7b";
	ao.benchmark = "HEx-PHI";
	ao.judge = "gpt-4-0613";
	ao.results = res;
	ao.nresults = 1;
	ao.baseline_model = base_ref;
	ao.baseline_results = bres;
	ao.nbaseline_results = 1;
	ao.time = CF_TIME;
	assert_hm_ok(hm_audit_statement(&st, &ao));
	lines[3] = cf_sign(st, fx->auditor);
	hm_free(st);
	/* The forged line: a dataset nobody trusted signed. */
	ds = cf_dataset("forged-dataset", CF_FORGED, "Proprietary");
	lines[4] = cf_sign(ds, fx->mallory);
	free(ds);
	fx->forged_line = 5;
	for (i = 0; i < 5; i++) {
		assert_int_equal(hm__buf_puts(&b, lines[i]), 0);
		assert_int_equal(hm__buf_puts(&b, "\n"), 0);
		hm_free(lines[i]);
	}
	fx->bundle_text = hm__buf_detach(&b, &fx->bundle_len);
	tu_write(tu_path(fx->dir, "bundle.intoto.jsonl"), fx->bundle_text, fx->bundle_len);
	free(after);
	free(before);
	free(model);
}

/* The facts of the fixture's bundle, as a verifier with both keys sees them. */
static inline hm_facts *cf_facts(struct card_fixture *fx)
{
	hm_facts_options fo = HM_FACTS_OPTIONS_INIT;
	hm_bundle *b = NULL;
	hm_facts *f = NULL;

	assert_hm_ok(hm_bundle_parse(&b, fx->bundle_text, fx->bundle_len));
	fo.keys = fx->keys;
	fo.auditor_keys = fx->auditors;
	assert_hm_ok(hm_facts_open(&f, b, &fo));
	hm_bundle_free(b);
	return f;
}

static inline void cf_teardown(struct card_fixture *fx)
{
	hm_key_free(fx->publisher);
	hm_key_free(fx->auditor);
	hm_key_free(fx->mallory);
	hm_keyring_free(fx->keys);
	hm_keyring_free(fx->auditors);
	free(fx->bundle_text);
	free(fx->dir);
}

#endif
