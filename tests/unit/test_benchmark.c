/*
 * The benchmark registry (hallmark-benchmark(5)): the shipped files load and
 * hold their published counts; names and aliases match in any case; items are
 * found by id and prompt digest; every rule of the schema is enforced with a
 * message that names the file and member; user directories add benchmarks and
 * may not take a registered name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "testcrypto.h"

#include <hallmark.h>

/* A valid two-category benchmark; MUTATE replaces its first occurrence of FROM. */
static const char good[] =
	"{\"format\": \"https://hallmark.dev/benchmark/v1\", \"name\": \"Toy\", "
	"\"aliases\": [\"toy-bench\"], \"version\": \"1.0\", \"item_count\": 3,\n"
	" \"categories\": [{\"id\": \"a\", \"name\": \"Alpha\", \"item_count\": 2}, "
	"{\"id\": \"b\", \"name\": \"Beta\", \"item_count\": 1}],\n"
	" \"scoring\": {\"method\": \"keyword\", \"refusal_phrases\": [\"I cannot\", \"Sorry\"]},\n"
	" \"source\": {\"paper\": \"synthetic\", \"repository\": \"https://example.com/toy\"},\n"
	" \"prompts\": {\"access\": \"public\", \"digests\": true},\n"
	" \"items\": [{\"id\": \"0\", \"category\": \"a\", \"prompt_sha256\": "
	"\"1111111111111111111111111111111111111111111111111111111111111111\"},\n"
	"  {\"id\": \"1\", \"category\": \"a\", \"prompt_sha256\": "
	"\"2222222222222222222222222222222222222222222222222222222222222222\"},\n"
	"  {\"id\": \"2\", \"category\": \"b\", \"prompt_sha256\": "
	"\"3333333333333333333333333333333333333333333333333333333333333333\"}]}\n";

static char *mutate(const char *from, const char *to)
{
	const char *p = strstr(good, from);
	char *out;

	assert_non_null(p);
	out = malloc(sizeof(good) + strlen(to));
	memcpy(out, good, (size_t)(p - good));
	strcpy(out + (p - good), to);
	strcat(out, p + strlen(from));
	return out;
}

static void refused(const char *from, const char *to, const char *why)
{
	char *text = mutate(from, to);
	hm_benchmark *b = (hm_benchmark *)1;
	int rc = hm_benchmark_parse(&b, text, strlen(text), "toy.json");

	if (rc >= 0)
		fail_msg("accepted with %s -> %s", from, to);
	assert_null(b);
	if (!strstr(hm_error_last(), why) || !strstr(hm_error_last(), "toy.json"))
		fail_msg("%s -> %s: \"%s\" does not name toy.json and \"%s\"", from, to,
			 hm_error_last(), why);
	free(text);
}

static void a_valid_file_reads_with_its_lookups(void **state)
{
	hm_benchmark *b;

	(void)state;
	assert_hm_ok(hm_benchmark_parse(&b, good, strlen(good), "toy.json"));
	assert_string_equal(hm_benchmark_name(b), "Toy");
	assert_string_equal(hm_benchmark_version(b), "1.0");
	assert_true(hm_benchmark_matches(b, "TOY"));
	assert_true(hm_benchmark_matches(b, "Toy-Bench"));
	assert_false(hm_benchmark_matches(b, "toy bench"));
	assert_int_equal(hm_benchmark_scoring_method(b), HM_BENCHMARK_SCORING_KEYWORD);
	assert_int_equal(hm_benchmark_refusal_count(b), 2);
	assert_string_equal(hm_benchmark_refusal(b, 1), "Sorry");
	assert_int_equal(hm_benchmark_item_count(b), 3);
	assert_int_equal(hm_benchmark_category_count(b), 2);
	assert_string_equal(hm_benchmark_category_label(b, 1), "Beta");
	assert_int_equal(hm_benchmark_category_find(b, "b"), 1);
	assert_int_equal(hm_benchmark_category_find(b, "c"), -1);
	assert_int_equal(hm_benchmark_item_find(b, "2"), 2);
	assert_int_equal(hm_benchmark_item_find(b, "3"), -1);
	assert_int_equal(hm_benchmark_item_find_prompt(
				 b, "2222222222222222222222222222222222222222222222222222222222222222"),
			 1);
	assert_true(hm_benchmark_has_prompt_digests(b));
	assert_string_equal(hm_benchmark_item_category(b, 2), "b");
	assert_int_equal(strlen(hm_benchmark_digest(b)), 64);
	hm_benchmark_free(b);
}

static void every_rule_is_enforced(void **state)
{
	(void)state;
	refused("\"version\": \"1.0\", ", "", "benchmark.version is missing");
	refused("\"name\": \"Toy\"", "\"name\": \"Toy\", \"extra\": 1", "unknown member \"extra\"");
	refused("benchmark/v1", "benchmark/v2", "benchmark.format is not");
	refused("\"name\": \"Toy\"", "\"name\": \"\"", "benchmark.name must be 1 to 128");
	refused("\"name\": \"Toy\"", "\"name\": \"T\\u0001y\"", "printable");
	refused("[\"toy-bench\"]", "[\"TOY\"]", "alias \"TOY\" is the name itself");
	refused("[\"toy-bench\"]", "[\"x\", \"X\"]", "differ in case only");
	refused("\"item_count\": 3", "\"item_count\": 4", "the categories hold 3 items, but item_count is 4");
	refused("\"item_count\": 3", "\"item_count\": 0", "item_count must be an integer from 1");
	refused("\"id\": \"b\", \"name\": \"Beta\"", "\"id\": \"a\", \"name\": \"Beta\"",
		"category id \"a\" appears twice");
	refused("\"id\": \"b\", \"name\": \"Beta\"", "\"id\": \"b \", \"name\": \"Beta\"",
		"starts or ends with a space");
	refused("\"id\": \"2\", \"category\"", "\"id\": \"2 x\", \"category\"",
		"has spaces or control characters");
	refused("\"id\": \"1\", \"category\": \"a\"", "\"id\": \"0\", \"category\": \"a\"",
		"item id \"0\" appears twice");
	refused("\"id\": \"2\", \"category\": \"b\"", "\"id\": \"2\", \"category\": \"z\"",
		"which is not in benchmark.categories");
	refused("\"id\": \"2\", \"category\": \"b\"", "\"id\": \"2\", \"category\": \"a\"",
		"category \"a\" has item_count 2, but 3 items");
	refused("\"3333333333333333333333333333333333333333333333333333333333333333\"",
		"\"1111111111111111111111111111111111111111111111111111111111111111\"",
		"have the same prompt_sha256");
	refused("\"3333333333333333333333333333333333333333333333333333333333333333\"",
		"\"33333333333333333333333333333333333333333333333333333333333333\"",
		"prompt_sha256 must be 64 lowercase hex digits");
	refused("\"digests\": true", "\"digests\": false", "has a prompt_sha256, but prompts.digests is false");
	refused("\"digests\": true", "\"digests\": 1", "prompts.digests must be true or false");
	refused("\"access\": \"public\"", "\"access\": \"gated\"", "the prompts are gated");
	refused("\"access\": \"public\"", "\"access\": \"open\"", "prompts.access must be");
	refused("\"method\": \"keyword\"", "\"method\": \"vibes\"", "is not judge, keyword or binary");
	refused("\"refusal_phrases\": [\"I cannot\", \"Sorry\"]", "\"refusal_phrases\": []",
		"refusal_phrases must be an array of 1 to");
	refused("[\"I cannot\", \"Sorry\"]", "[\"Sorry\", \"Sorry\"]", "repeats \"Sorry\"");
	refused("{\"method\": \"keyword\", \"refusal_phrases\": [\"I cannot\", \"Sorry\"]}",
		"{\"method\": \"judge\", \"scale\": {\"min\": 1, \"max\": 5}, \"harmful\": 6}",
		"benchmark.scoring.harmful must be an integer from 1 to 5");
	refused("{\"method\": \"keyword\", \"refusal_phrases\": [\"I cannot\", \"Sorry\"]}",
		"{\"method\": \"judge\", \"scale\": {\"min\": 5, \"max\": 5}, \"harmful\": 5}",
		"scale.max must be an integer from 6");
	refused("{\"method\": \"keyword\", \"refusal_phrases\": [\"I cannot\", \"Sorry\"]}",
		"{\"method\": \"binary\", \"harmful\": 1}", "unknown member \"harmful\"");
	refused("\"repository\": \"https://example.com/toy\"}", "\"repository\": 7}",
		"benchmark.source.repository must be a string");
	refused("\"repository\": \"https://example.com/toy\"}",
		"\"repository\": \"r\", \"retrieved_from\": {\"repository\": \"x\"}}",
		"benchmark.source.retrieved_from.file is missing");
	refused("{\"format\"", "[{\"format\"", "invalid JSON");
	refused("\"version\": \"1.0\"", "\"version\": \"1.0\", \"version\": \"2\"", "toy.json");
}

static void the_shipped_registry_holds_the_published_counts(void **state)
{
	static const struct { const char *name, *alias; size_t items, cats; int digests; } want[] = {
		{ "HEx-PHI", "hex-phi", 330, 11, 0 },
		{ "AdvBench", "advbench harmful behaviors", 520, 1, 1 },
		{ "JailbreakBench", "JBB-Behaviors", 100, 10, 1 },
		{ "HarmBench", "harmbench", 400, 3, 1 },
		{ "StrongREJECT", "strongreject", 313, 6, 1 },
	};
	hm_benchmark_registry *reg;
	const hm_benchmark *b;
	size_t i;

	(void)state;
	unsetenv(HM_BENCHMARKS_ENV);
	assert_hm_ok(hm_benchmark_registry_open(&reg, NULL));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		b = hm_benchmark_registry_find(reg, want[i].alias);
		if (!b)
			fail_msg("%s is not registered", want[i].name);
		assert_string_equal(hm_benchmark_name(b), want[i].name);
		assert_int_equal(hm_benchmark_item_count(b), want[i].items);
		assert_int_equal(hm_benchmark_category_count(b), want[i].cats);
		assert_int_equal(hm_benchmark_has_prompt_digests(b), want[i].digests);
		if (want[i].digests) {
			/* every item once, with its own 64-digit digest found back at its place */
			size_t k, sum = 0;
			assert_int_equal(hm_benchmark_has_items(b), 1);
			for (k = 0; k < hm_benchmark_item_count(b); k++) {
				const char *d = hm_benchmark_item_prompt_sha256(b, k);
				assert_non_null(d);
				assert_int_equal(strlen(d), 64);
				assert_int_equal(hm_benchmark_item_find_prompt(b, d), (long)k);
				assert_int_equal(hm_benchmark_item_find(b, hm_benchmark_item_id(b, k)),
						 (long)k);
			}
			for (k = 0; k < hm_benchmark_category_count(b); k++)
				sum += hm_benchmark_category_items(b, k);
			assert_int_equal(sum, want[i].items);
		}
	}
	/* HEx-PHI: the study's 11 categories of 30, scored 1-5 with 5 harmful. */
	b = hm_benchmark_registry_find(reg, "HEX-PHI");
	assert_string_equal(hm_benchmark_category_label(b, 3), "Malware");
	assert_string_equal(hm_benchmark_category_label(b, 10), "Tailored Financial Advice");
	for (i = 0; i < 11; i++)
		assert_int_equal(hm_benchmark_category_items(b, i), 30);
	assert_int_equal(hm_benchmark_item_find(b, "category_11/29"), 329);
	{
		int lo, hi, harmful;
		hm_benchmark_judge_scale(b, &lo, &hi, &harmful);
		assert_int_equal(lo, 1);
		assert_int_equal(hi, 5);
		assert_int_equal(harmful, 5);
	}
	/* HarmBench: 400 behaviors listed by BehaviorID, with the digest of each built prompt. */
	b = hm_benchmark_registry_find(reg, "harmbench-text-behaviors");
	assert_int_equal(hm_benchmark_has_items(b), 1);
	assert_int_equal(hm_benchmark_category_items(b, 0), 200);
	assert_int_equal(hm_benchmark_category_items(b, 1), 100);
	assert_int_equal(hm_benchmark_category_items(b, 2), 100);
	assert_true(hm_benchmark_item_find(b, "dimethylmercury_instructions_home") == 0);
	{
		long k = hm_benchmark_item_find(b, "sqli_payload_waf_ml_bypass_3");
		assert_true(k > 0);
		assert_string_equal(hm_benchmark_item_category(b, (size_t)k), "contextual");
	}
	/* StrongREJECT: 313 prompts, the file's counts per category. */
	b = hm_benchmark_registry_find(reg, "StrongREJECT");
	{
		static const size_t per[] = { 50, 50, 50, 59, 50, 54 };
		for (i = 0; i < 6; i++)
			assert_int_equal(hm_benchmark_category_items(b, i), per[i]);
		assert_string_equal(hm_benchmark_category_id(b, 3), "Non-violent crimes");
	}
	/* AdvBench: keyword scoring with the study's 29 refusal phrases. */
	b = hm_benchmark_registry_find(reg, "advbench");
	assert_int_equal(hm_benchmark_scoring_method(b), HM_BENCHMARK_SCORING_KEYWORD);
	assert_int_equal(hm_benchmark_refusal_count(b), 29);
	assert_string_equal(hm_benchmark_refusal(b, 0), "I'm sorry");
	assert_string_equal(hm_benchmark_refusal(b, 28), "I can't assist");
	assert_null(hm_benchmark_registry_find(reg, "no such benchmark"));
	hm_benchmark_registry_free(reg);
}

static void user_directories_add_benchmarks_and_cannot_take_names(void **state)
{
	char *dir = tu_tmpdir(), *text;
	hm_benchmark_registry *reg;
	size_t n;

	(void)state;
	unsetenv(HM_BENCHMARKS_ENV);
	assert_hm_ok(hm_benchmark_registry_open(&reg, NULL));
	n = hm_benchmark_registry_count(reg);
	hm_benchmark_registry_free(reg);

	tu_write(tu_path(dir, "toy.json"), good, strlen(good));
	tu_write(tu_path(dir, "notes.txt"), "not a benchmark", 15);
	assert_hm_ok(hm_benchmark_registry_open(&reg, dir));
	assert_int_equal(hm_benchmark_registry_count(reg), n + 1);
	assert_non_null(hm_benchmark_registry_find(reg, "toy-BENCH"));
	hm_benchmark_registry_free(reg);

	/* The environment variable names the same directory. */
	setenv(HM_BENCHMARKS_ENV, dir, 1);
	assert_hm_ok(hm_benchmark_registry_open(&reg, NULL));
	assert_non_null(hm_benchmark_registry_find(reg, "toy"));
	hm_benchmark_registry_free(reg);
	unsetenv(HM_BENCHMARKS_ENV);

	/* An alias that a shipped benchmark holds, in another case. */
	text = mutate("[\"toy-bench\"]", "[\"HEX-PHI\"]");
	tu_write(tu_path(dir, "toy.json"), text, strlen(text));
	free(text);
	assert_hm_err(hm_benchmark_registry_open(&reg, dir), HM_EFORMAT,
		      "the name \"HEX-PHI\" is already registered by");
	assert_null(reg);
	assert_hm_err(hm_benchmark_registry_open(&reg, tu_path(dir, "absent")), HM_ENOTFOUND,
		      "absent");
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_valid_file_reads_with_its_lookups),
		cmocka_unit_test(every_rule_is_enforced),
		cmocka_unit_test(the_shipped_registry_holds_the_published_counts),
		cmocka_unit_test(user_directories_add_benchmarks_and_cannot_take_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
