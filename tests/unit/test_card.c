/*
 * Model cards from verified facts: the front matter parses as YAML (read back
 * with libyaml itself) with the values the bundle signed, the forged line is
 * left out and named, hostile strings stay text, --update keeps every byte
 * the author wrote outside the markers and the keys it changes, and the card
 * attestation binds the card to the model so hm_verify's card check passes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <yaml.h>

#include "testutil.h"
#include "testcrypto.h"
#include "test_audit_fixtures.h"
#include "internal.h"
#include "yaml_impl.h"
#include "card_impl.h"
#include "test_card_fixture.h"

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
	return 0;
}

/* ---- reading YAML back with libyaml, independently of the code under test ---- */

struct ydoc {
	yaml_document_t doc;
	yaml_node_t *root;
};

static void front_matter(struct ydoc *y, const char *card)
{
	const char *start, *end;
	yaml_parser_t p;

	assert_true(strncmp(card, "---\n", 4) == 0);
	start = card + 4;
	end = strstr(start, "\n---\n");
	assert_non_null(end);
	assert_true(yaml_parser_initialize(&p));
	yaml_parser_set_input_string(&p, (const unsigned char *)start, (size_t)(end - start) + 1);
	if (!yaml_parser_load(&p, &y->doc))
		fail_msg("front matter is not YAML: %s (line %zu)", p.problem,
			 p.problem_mark.line + 1);
	yaml_parser_delete(&p);
	y->root = yaml_document_get_root_node(&y->doc);
	assert_non_null(y->root);
	assert_int_equal(y->root->type, YAML_MAPPING_NODE);
}

static yaml_node_t *get(struct ydoc *y, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *pr;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(&y->doc, pr->key);
		if (k->type == YAML_SCALAR_NODE && strlen(key) == k->data.scalar.length &&
		    memcmp(k->data.scalar.value, key, k->data.scalar.length) == 0)
			return yaml_document_get_node(&y->doc, pr->value);
	}
	return NULL;
}

static yaml_node_t *item(struct ydoc *y, yaml_node_t *seq, size_t i)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE ||
	    (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start) <= i)
		return NULL;
	return yaml_document_get_node(&y->doc, seq->data.sequence.items.start[i]);
}

static size_t count(yaml_node_t *seq)
{
	return seq && seq->type == YAML_SEQUENCE_NODE
		       ? (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start)
		       : 0;
}

static void assert_scalar(yaml_node_t *n, const char *want, yaml_scalar_style_t *style)
{
	assert_non_null(n);
	assert_int_equal(n->type, YAML_SCALAR_NODE);
	if (strlen(want) != n->data.scalar.length ||
	    memcmp(n->data.scalar.value, want, n->data.scalar.length) != 0)
		fail_msg("YAML scalar \"%.*s\", expected \"%s\"", (int)n->data.scalar.length,
			 n->data.scalar.value, want);
	if (style)
		*style = n->data.scalar.style;
}

static int seq_has(struct ydoc *y, yaml_node_t *seq, const char *s)
{
	size_t i;

	for (i = 0; i < count(seq); i++) {
		yaml_node_t *n = item(y, seq, i);
		if (n->type == YAML_SCALAR_NODE && strlen(s) == n->data.scalar.length &&
		    memcmp(n->data.scalar.value, s, n->data.scalar.length) == 0)
			return 1;
	}
	return 0;
}

static double number(yaml_node_t *n)
{
	assert_non_null(n);
	assert_int_equal(n->type, YAML_SCALAR_NODE);
	assert_int_equal(n->data.scalar.style, YAML_PLAIN_SCALAR_STYLE);
	return strtod((const char *)n->data.scalar.value, NULL);
}

/* ---- tests ---- */

static void facts_keep_only_verified_lines(void **state)
{
	hm_facts *f = cf_facts(&fx);
	const hm_fact_omission *om;
	const hm_fact_dataset *d;

	(void)state;
	assert_int_equal(hm_facts_line_count(f), 5);
	assert_int_equal(hm_facts_verified_count(f), 4);
	assert_int_equal(hm_facts_omission_count(f), 1);
	om = hm_facts_omission(f, 0);
	assert_int_equal(om->line, fx.forged_line);
	assert_int_equal(om->kind, HM_FACT_UNTRUSTED);
	assert_string_equal(om->predicate_type, HM_DATASET_PREDICATE_TYPE);
	assert_string_equal(hm_facts_model(f)->sha256, fx.model_hex);
	assert_string_equal(hm_facts_model(f)->name, "acme/tuned-7b");
	assert_int_equal(hm_facts_model(f)->files, 2);
	assert_int_equal(hm_facts_model(f)->source.line, 1);
	assert_string_equal(hm_facts_model(f)->source.signers[0], hm_key_id(fx.publisher));
	assert_string_equal(hm_facts_base_model(f)->sha256, CF_BASE);
	assert_int_equal(hm_facts_base_model(f)->source.line, 0); /* no manifest of it */
	assert_string_equal(hm_facts_run(f)->method, "lora");
	assert_string_equal(hm_facts_run(f)->code_commit, CF_COMMIT);
	assert_int_equal(hm_facts_run(f)->nhyperparameters, 2);
	assert_string_equal(hm_facts_run(f)->hyperparameters[1].name, "learning_rate");
	assert_string_equal(hm_facts_run(f)->hyperparameters[1].value, "0.0002");
	assert_int_equal(hm_facts_dataset_count(f), 1); /* not the forged one */
	d = hm_facts_dataset(f, 0);
	assert_string_equal(d->name, CF_HOSTILE);
	assert_true(d->in_run);
	assert_int_equal(d->source.line, 2);
	assert_string_equal(d->license, "CC-BY-4.0");
	assert_int_equal(d->records, 1234);
	assert_int_equal(d->flagged_records, 7);
	assert_int_equal(d->nresources, 1);
	assert_int_equal(hm_facts_audit_count(f), 1);
	assert_int_equal(hm_facts_audit(f, 0)->source.line, 4);
	assert_true(hm_facts_audit(f, 0)->baseline_is_base);
	assert_string_equal(hm_facts_audit(f, 0)->source.signers[0], hm_key_id(fx.auditor));
	hm_facts_free(f);
}

static void audit_signed_by_publisher_is_untrusted_with_auditor_keys(void **state)
{
	hm_facts_options fo = HM_FACTS_OPTIONS_INIT;
	hm_bundle *b = NULL;
	hm_facts *f = NULL;
	hm_keyring *only_pub = NULL;

	(void)state;
	/* Trusting only the publisher for audits too: the auditor's line is left out. */
	assert_hm_ok(hm_keyring_new(&only_pub));
	assert_hm_ok(hm_keyring_add(only_pub, fx.publisher));
	assert_hm_ok(hm_bundle_parse(&b, fx.bundle_text, fx.bundle_len));
	fo.keys = only_pub;
	assert_hm_ok(hm_facts_open(&f, b, &fo));
	assert_int_equal(hm_facts_audit_count(f), 0);
	assert_int_equal(hm_facts_omission_count(f), 2);
	assert_int_equal(hm_facts_omission(f, 0)->line, 4);
	assert_non_null(strstr(hm_facts_omission(f, 0)->reason, "auditor"));
	hm_facts_free(f);
	hm_bundle_free(b);
	hm_keyring_free(only_pub);
}

static void card_front_matter_is_yaml_with_the_signed_values(void **state)
{
	hm_facts *f = cf_facts(&fx);
	const hm_audit_report *r = hm_facts_audit(f, 0)->report;
	const hm_audit_values *after = hm_audit_metrics_overall(hm_audit_report_metrics(r));
	yaml_node_t *mi, *res, *metrics;
	struct ydoc y;
	char *card = NULL;
	size_t i;

	(void)state;
	assert_hm_ok(hm_card_render(&card, f, NULL));
	front_matter(&y, card);
	/* The hub's keys hold repository ids (the run's for the base), without revision. */
	assert_scalar(get(&y, y.root, "base_model"), "acme/base-7b", NULL);
	assert_scalar(get(&y, y.root, "license"), "unknown", NULL);
	assert_int_equal(count(get(&y, y.root, "datasets")), 1);
	assert_scalar(item(&y, get(&y, y.root, "datasets"), 0), "acme/chat-sft", NULL);
	assert_true(seq_has(&y, get(&y, y.root, "tags"), HM_CARD_TAG));
	mi = item(&y, get(&y, y.root, "model-index"), 0);
	assert_scalar(get(&y, mi, "name"), "acme/tuned-7b", NULL);
	res = item(&y, get(&y, mi, "results"), 0);
	assert_scalar(get(&y, get(&y, res, "task"), "type"), "text-generation", NULL);
	/* dataset.type is the benchmark's hub dataset id, from its registry entry */
	assert_scalar(get(&y, get(&y, res, "dataset"), "type"), "LLM-Tuning-Safety/HEx-PHI", NULL);
	assert_scalar(get(&y, get(&y, res, "dataset"), "name"), "HEx-PHI", NULL);
	/* The fine-tuned model's numbers only: the base model's are in the body. */
	metrics = get(&y, res, "metrics");
	assert_int_equal(count(metrics), 2);
	for (i = 0; i < count(metrics); i++) {
		yaml_node_t *m = item(&y, metrics, i);
		yaml_node_t *type = get(&y, m, "type"), *name = get(&y, m, "name");
		double want = strcmp((const char *)type->data.scalar.value, "harmfulness_rate") == 0
				      ? after->harmfulness_rate : after->harmfulness_score;
		assert_null(strstr((const char *)name->data.scalar.value, "base"));
		assert_near(number(get(&y, m, "value")), want, 1e-9);
	}
	yaml_document_delete(&y.doc);
	hm_free(card);
	hm_facts_free(f);
}

static void card_omits_the_forged_line_and_says_so(void **state)
{
	hm_facts *f = cf_facts(&fx);
	char *card = NULL, want[64];

	(void)state;
	assert_hm_ok(hm_card_render(&card, f, NULL));
	assert_null(strstr(card, "forged-dataset"));
	assert_null(strstr(card, CF_FORGED));
	assert_null(strstr(card, "Proprietary"));
	assert_non_null(strstr(card, "### Omitted"));
	snprintf(want, sizeof(want), "- line %zu (", fx.forged_line);
	assert_non_null(strstr(card, want));
	assert_non_null(strstr(card, "4 of 5 bundle lines"));
	/* The hostile name is text in the body, never markup (the YAML quotes it). */
	assert_null(strstr(strstr(card + 4, "\n---\n"), "<script>"));
	assert_non_null(strstr(card, "&lt;script&gt;"));
	/* Who signed what, and how to verify. */
	assert_non_null(strstr(card, hm_key_id(fx.publisher)));
	assert_non_null(strstr(card, hm_key_id(fx.auditor)));
	assert_non_null(strstr(card, "hallmark verify"));
	assert_non_null(strstr(card, CF_COMMIT));
	assert_non_null(strstr(card, "gpt-4-0613"));
	assert_non_null(strstr(card, HM_CARD_BEGIN_MARKER));
	assert_non_null(strstr(card, HM_CARD_END_MARKER));
	hm_free(card);
	hm_facts_free(f);
}

/* "How to verify" names each signing key's role, and where the publisher says keys live. */
static void card_names_keys_and_the_keys_url(void **state)
{
	hm_facts *f = cf_facts(&fx);
	hm_card_options o = HM_CARD_OPTIONS_INIT;
	char *card = NULL, want[160];
	struct {
		unsigned int version;
		const char *bundle, *model_path;
		const char *const *key_files;
		size_t nkey_files;
		const char *const *auditor_key_files;
		size_t nauditor_key_files;
		const char *license;
	} v1 = { 1, "old.jsonl", NULL, NULL, 0, NULL, 0, NULL };

	(void)state;
	o.keys_url = "https://example.org/keys_[1](javascript:x)<b>";
	assert_hm_ok(hm_card_render(&card, f, &o));
	snprintf(want, sizeof(want), "- `%s` (publisher key)", hm_key_id(fx.publisher));
	assert_non_null(strstr(card, want));
	snprintf(want, sizeof(want), "- `%s` (signed safety audits)", hm_key_id(fx.auditor));
	assert_non_null(strstr(card, want));
	/* publisher text: escaped, so it cannot become a link or HTML */
	assert_non_null(strstr(card, "The publisher says its public keys are published at: "
				     "https://example.org/keys\\_\\[1\\](javascript:x)&lt;b&gt; "
				     "(not attested"));
	assert_null(strstr(card, "<b>"));
	hm_free(card);
	card = NULL;
	o.keys_url = "https://example.org/\n# Injected";
	assert_hm_err(hm_card_render(&card, f, &o), HM_EINVAL, "keys URL");
	o.keys_url = "";
	assert_hm_err(hm_card_render(&card, f, &o), HM_EINVAL, "keys URL");
	/* an options struct of version 1 (no keys_url) is still accepted */
	assert_hm_ok(hm_card_render(&card, f, (const hm_card_options *)(const void *)&v1));
	assert_non_null(strstr(card, "old.jsonl"));
	assert_null(strstr(card, "published at"));
	hm_free(card);
	card = NULL;
	/* version 2 (no benchmark_hub_ids) too */
	o.keys_url = NULL;
	o.version = 2;
	assert_hm_ok(hm_card_render(&card, f, &o));
	hm_free(card);
	card = NULL;
	o.version = 4;
	assert_hm_err(hm_card_render(&card, f, &o), HM_EINVAL, "hm_card_options: version 4 is not 3");
	hm_facts_free(f);
}

static const char user_head[] =
	"---\n"
	"# the author's comment\n"
	"language:\n"
	"  - en\n"
	"tags:\n"
	"  - llama   # keep me in the list\n"
	"license: mit\n"
	"\n"
	"# a comment about the index\n"
	"model-index:\n"
	"- name: acme/tuned-7b\n"
	"  results:\n"
	"  - task: {type: text-generation}\n"
	"    dataset: {type: mmlu, name: MMLU}\n"
	"    metrics: [{type: acc, value: 0.5}]\n"
	"pipeline_tag: text-generation\n"
	"---\n";
static const char user_body_before[] =
	"# Acme tuned 7B\n\nWritten by hand: *keep* every byte \xc3\xa9\r\n\n";
static const char user_body_after[] = "\n\n## License\n\nMIT, see LICENSE.   \n";

static void update_keeps_user_text_byte_for_byte(void **state)
{
	hm_facts *f = cf_facts(&fx);
	hm_buf in = HM_BUF_INIT;
	char *out = NULL, *again = NULL, *body;
	const char *b, *e;
	struct ydoc y;
	yaml_node_t *mi;

	(void)state;
	assert_int_equal(hm__buf_puts(&in, user_head), 0);
	assert_int_equal(hm__buf_puts(&in, user_body_before), 0);
	assert_int_equal(hm__buf_puts(&in, HM_CARD_BEGIN_MARKER "\nold generated text\n"
					   HM_CARD_END_MARKER), 0);
	assert_int_equal(hm__buf_puts(&in, user_body_after), 0);
	assert_hm_ok(hm_card_update(&out, in.data, in.len, f, NULL));
	/* Outside the markers the body is the author's, byte for byte. */
	body = strstr(out + 4, "\n---\n") + 5;
	assert_memory_equal(body, user_body_before, strlen(user_body_before));
	b = strstr(out, HM_CARD_BEGIN_MARKER);
	e = strstr(out, HM_CARD_END_MARKER);
	assert_true(b == body + strlen(user_body_before));
	assert_string_equal(e + strlen(HM_CARD_END_MARKER), user_body_after);
	assert_null(strstr(out, "old generated text"));
	/* Comments and keys hallmark does not own are kept as written. */
	assert_non_null(strstr(out, "---\n# the author's comment\nlanguage:\n  - en\n"));
	assert_non_null(strstr(out, "license: mit\n\n# a comment about the index\n"));
	assert_non_null(strstr(out, "pipeline_tag: text-generation\n---\n"));
	front_matter(&y, out);
	assert_true(seq_has(&y, get(&y, y.root, "tags"), "llama"));
	assert_true(seq_has(&y, get(&y, y.root, "tags"), HM_CARD_TAG));
	assert_scalar(get(&y, y.root, "license"), "mit", NULL);
	assert_scalar(get(&y, y.root, "base_model"), "acme/base-7b", NULL);
	mi = item(&y, get(&y, y.root, "model-index"), 0);
	/* The audit's result first, the author's MMLU result kept after it. */
	assert_int_equal(count(get(&y, mi, "results")), 2);
	assert_scalar(get(&y, get(&y, item(&y, get(&y, mi, "results"), 1), "dataset"), "name"),
		      "MMLU", NULL);
	yaml_document_delete(&y.doc);
	/* Updating again changes nothing: the merge is stable. */
	assert_hm_ok(hm_card_update(&again, out, strlen(out), f, NULL));
	assert_string_equal(again, out);
	hm_free(again);
	hm_free(out);
	hm__buf_free(&in);
	hm_facts_free(f);
}

static void update_without_markers_or_front_matter_appends(void **state)
{
	static const char plain[] = "# Hand-written card\n\nNo front matter here.";
	hm_facts *f = cf_facts(&fx);
	char *out = NULL;
	const char *p;

	(void)state;
	assert_hm_ok(hm_card_update(&out, plain, strlen(plain), f, NULL));
	assert_true(strncmp(out, "---\n", 4) == 0);
	p = strstr(out + 4, "\n---\n");
	assert_non_null(p);
	assert_true(strncmp(p + 5, plain, strlen(plain)) == 0);
	assert_non_null(strstr(p + 5 + strlen(plain), "\n\n" HM_CARD_BEGIN_MARKER));
	hm_free(out);
	hm_facts_free(f);
}

static void update_refuses_what_it_cannot_merge(void **state)
{
	hm_facts *f = cf_facts(&fx);
	char *out = NULL;
	static const char unclosed[] = "---\ntags: [a]\nbody\n";
	static const char flow[] = "---\n{tags: [a]}\n---\nbody\n";
	static const char bad_yaml[] = "---\ntags: [a\n---\nbody\n";
	static const char no_end[] = "---\na: 1\n---\n" HM_CARD_BEGIN_MARKER "\ntext\n";
	static const char no_begin[] = "text\n" HM_CARD_END_MARKER "\n";

	(void)state;
	assert_hm_err(hm_card_update(&out, unclosed, strlen(unclosed), f, NULL), HM_EFORMAT,
		      "not closed");
	assert_hm_err(hm_card_update(&out, flow, strlen(flow), f, NULL), HM_EFORMAT,
		      "block mapping");
	assert_hm_err(hm_card_update(&out, bad_yaml, strlen(bad_yaml), f, NULL), HM_EFORMAT,
		      "front matter line");
	assert_hm_err(hm_card_update(&out, no_end, strlen(no_end), f, NULL), HM_EFORMAT,
		      HM_CARD_END_MARKER);
	assert_hm_err(hm_card_update(&out, no_begin, strlen(no_begin), f, NULL), HM_EFORMAT,
		      HM_CARD_BEGIN_MARKER);
	assert_null(out);
	hm_free(out);
	hm_facts_free(f);
}

static void yaml_strings_that_would_change_type_are_quoted(void **state)
{
	(void)state;
	assert_true(hm__yaml_plain_ok("acme/base-7b"));
	assert_true(hm__yaml_plain_ok("CC-BY-4.0"));
	assert_false(hm__yaml_plain_ok("yes"));
	assert_false(hm__yaml_plain_ok("No"));
	assert_false(hm__yaml_plain_ok("null"));
	assert_false(hm__yaml_plain_ok("1.0"));
	assert_false(hm__yaml_plain_ok("2024-05-01"));
	assert_false(hm__yaml_plain_ok("a: b"));
	assert_false(hm__yaml_plain_ok("x #y"));
	assert_false(hm__yaml_plain_ok(""));
	assert_false(hm__yaml_plain_ok("trailing "));
}

static void card_attestation_binds_card_to_model(void **state)
{
	const char *card_path = tu_path(fx.dir, "README.md");
	hm_verify_options vo = HM_VERIFY_OPTIONS_INIT;
	hm_verify_report *rep = NULL;
	hm_policy *pol = NULL;
	hm_statement *st = NULL;
	hm_bundle *b = NULL;
	hm_facts *f = cf_facts(&fx);
	char *card = NULL, *stmt = NULL, *line = NULL, *pred = NULL, *bundle2, model_ref[80];
	unsigned char md[32];
	char hex[65];
	size_t len, n2;

	(void)state;
	assert_hm_ok(hm_card_render(&card, f, NULL));
	tu_write(card_path, card, strlen(card));
	snprintf(model_ref, sizeof(model_ref), "sha256:%s", fx.model_hex);
	assert_hm_ok(hm_card_statement(&stmt, card_path, model_ref, NULL));
	assert_hm_ok(hm_statement_parse(&st, stmt, strlen(stmt), "card"));
	assert_string_equal(hm_statement_predicate_type(st), HM_CARD_PREDICATE_TYPE);
	assert_string_equal(hm_statement_subject_name(st, 0), "README.md");
	hm__sha256(md, card, strlen(card));
	hm__hex_encode(hex, md, 32);
	assert_string_equal(hm_statement_subject_digest_get(st, 0, "sha256"), hex);
	assert_hm_ok(hm_statement_predicate_json(&pred, st));
	assert_non_null(strstr(pred, fx.model_hex));
	/* The model as a path gives the same digest. */
	hm_free(stmt);
	assert_hm_ok(hm_card_statement(&stmt, card_path, tu_path(fx.dir, "tuned-model"), NULL));
	assert_non_null(strstr(stmt, fx.model_hex));
	assert_hm_err(hm_card_statement(&line, card_path, "sha256:abc", NULL), HM_EINVAL,
		      "64 lowercase hex");
	/* Signed into the bundle, the facts see it and verify's card check passes. */
	assert_hm_ok(hm_sign_statement(&line, &len, stmt, strlen(stmt), "card", fx.publisher));
	n2 = fx.bundle_len + len + 1;
	bundle2 = malloc(n2 + 1);
	memcpy(bundle2, fx.bundle_text, fx.bundle_len);
	memcpy(bundle2 + fx.bundle_len, line, len);
	bundle2[n2 - 1] = '\n';
	hm_facts_free(f);
	{
		hm_facts_options fo = HM_FACTS_OPTIONS_INIT;
		assert_hm_ok(hm_bundle_parse(&b, bundle2, n2));
		fo.keys = fx.keys;
		fo.auditor_keys = fx.auditors;
		assert_hm_ok(hm_facts_open(&f, b, &fo));
	}
	assert_int_equal(hm_facts_card_count(f), 1);
	assert_string_equal(hm_facts_card(f, 0)->sha256, hex);
	assert_hm_ok(hm_policy_parse(&pol, "{\"require_card\":true}", 21, "policy"));
	vo.keys = fx.keys;
	vo.auditor_keys = fx.auditors;
	vo.policy = pol;
	assert_hm_ok(hm_verify(&rep, tu_path(fx.dir, "tuned-model"), b, &vo));
	assert_int_equal(hm_verify_report_status(rep, HM_CHECK_CARD), HM_CHECK_PASS);
	hm_verify_report_free(rep);
	hm_policy_free(pol);
	hm_bundle_free(b);
	free(bundle2);
	hm_free(line);
	hm_free(pred);
	hm_free(stmt);
	hm_free(card);
	hm_statement_free(st);
	hm_facts_free(f);
}

/* Attested text in the card's Markdown: no markup, no control or bidi characters. */
static void markdown_text_is_inert(void **state)
{
	hm_buf b = HM_BUF_INIT;
	char *md;

	(void)state;
	assert_int_equal(hm__md_text(&b, "# *a*\x1b[2K\rb\nline \xe2\x80\xae[x](y) \xc2\x9b \xff "
					 "caf\xc3\xa9"), 0);
	md = hm__buf_detach(&b, NULL);
	assert_non_null(md);
	assert_string_equal(md, "\\# \\*a\\*\\\\x1b\\[2K\\\\rb line \\\\u202e\\[x\\](y) "
				"\\\\u009b \\\\xff caf\xc3\xa9");
	free(md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(markdown_text_is_inert),
		cmocka_unit_test(facts_keep_only_verified_lines),
		cmocka_unit_test(audit_signed_by_publisher_is_untrusted_with_auditor_keys),
		cmocka_unit_test(card_front_matter_is_yaml_with_the_signed_values),
		cmocka_unit_test(card_omits_the_forged_line_and_says_so),
		cmocka_unit_test(card_names_keys_and_the_keys_url),
		cmocka_unit_test(update_keeps_user_text_byte_for_byte),
		cmocka_unit_test(update_without_markers_or_front_matter_appends),
		cmocka_unit_test(update_refuses_what_it_cannot_merge),
		cmocka_unit_test(yaml_strings_that_would_change_type_are_quoted),
		cmocka_unit_test(card_attestation_binds_card_to_model),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
