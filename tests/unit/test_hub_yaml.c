/*
 * Unit tests: YAML read into JSON as PyYAML's safe_load reads it (configs
 * and policies), hm_config_load, and hub ids resolved in the local hub cache.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hallmark.h"
#include "testutil.h"
#include "yaml_impl.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The YAML's JSON, compact with sorted keys, or "ERR" when refused. */
static char *y2j(const char *yaml)
{
	json_t *v = NULL;
	char *s;

	if (hm__yaml_to_json(&v, yaml, strlen(yaml), "t.yaml") < 0)
		return strdup("ERR");
	s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	json_decref(v);
	return s;
}

static void expect(const char *yaml, const char *json)
{
	char *got = y2j(yaml);

	if (strcmp(got, json) != 0)
		fail_msg("%s: got %s, want %s (%s)", yaml, got, json, hm_error_last());
	free(got);
}

static void plain_scalars_resolve_as_pyyaml_does(void **state)
{
	(void)state;
	expect("a: 1", "{\"a\":1}");
	expect("a: 0755", "{\"a\":493}");
	expect("a: 0x1F", "{\"a\":31}");
	expect("a: 0b101", "{\"a\":5}");
	expect("a: 1_000", "{\"a\":1000}");
	expect("a: 1:30", "{\"a\":90}");
	expect("a: 09", "{\"a\":\"09\"}");
	expect("a: 2e-5", "{\"a\":\"2e-5\"}");
	expect("a: 1.0e4", "{\"a\":\"1.0e4\"}");
	expect("a: 1.0e-4", "{\"a\":0.0001}");
	expect("a: .5", "{\"a\":0.5}");
	expect("a: -.5", "{\"a\":\"-.5\"}");
	expect("a: 3.", "{\"a\":3.0}");
	expect("a: [yes, No, ON, off, y, True, tRue]",
	       "{\"a\":[true,false,true,false,\"y\",true,\"tRue\"]}");
	expect("a: [~, null, Null, NULL, nULL, '']", "{\"a\":[null,null,null,null,\"nULL\",\"\"]}");
	expect("a:", "{\"a\":null}");
	expect("a: ['1', \"0.5\", 'yes']", "{\"a\":[\"1\",\"0.5\",\"yes\"]}");
	expect("a: 2024-01-01", "{\"a\":\"2024-01-01\"}");
	expect("a: 9223372036854775807", "{\"a\":9223372036854775807}");
	expect("a: -9223372036854775808", "{\"a\":-9223372036854775808}");
	expect("a: |\n  two\n  lines\n", "{\"a\":\"two\\nlines\\n\"}");
	expect("---\na: 1\n...\n", "{\"a\":1}");
}

static void refusals(void **state)
{
	(void)state;
	expect("a: 9223372036854775808", "ERR");
	expect("a: 0x_", "ERR");
	expect("a: .inf", "ERR");
	expect("a: .nan", "ERR");
	expect("a: 1:30.5", "ERR");
	expect("a: !!str 1", "ERR");
	assert_non_null(strstr(hm_error_last(), "t.yaml line 1: YAML tags"));
	expect("a: !custom {}", "ERR");
	expect("a: 1\n---\nb: 2\n", "ERR");
	expect("x: &x {k: v}\ny:\n  <<: *x\n", "ERR");
	expect("a: 1\na: 2\n", "ERR");
	expect("1: x", "ERR");
	expect("on: x", "ERR");
	expect("? [k]\n: v", "ERR");
	expect("&k a: 1\n*k : 2\n", "ERR");
	expect("a: *nope", "ERR");
	expect("&a [*a]", "ERR");
	expect("a: \"\\0\"", "ERR");
	expect("a: =", "ERR");
	expect("", "ERR");
	expect("a: [1", "ERR");
	assert_non_null(strstr(hm_error_last(), "t.yaml line"));
}

static void aliases_expand_within_limits(void **state)
{
	char *deep = malloc(200), *bomb = malloc(4096), *p;
	int i, j;

	(void)state;
	expect("a: &x [1, {b: 2}]\nc: *x\n", "{\"a\":[1,{\"b\":2}],\"c\":[1,{\"b\":2}]}");
	expect("a: &s text\nb: *s\n", "{\"a\":\"text\",\"b\":\"text\"}");
	expect("a: &x 1\nb: *x\nc: &x 2\nd: *x\n", "{\"a\":1,\"b\":1,\"c\":2,\"d\":2}");
	/* 64 levels are read, 65 are not */
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	deep[128] = '\0';
	expect(deep, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	deep[130] = '\0';
	expect(deep, "ERR");
	/* ten to the ninth: refused by the node budget, quickly */
	p = bomb + sprintf(bomb, "a: &a [x,x,x,x,x,x,x,x,x,x]\n");
	for (i = 1; i < 9; i++) {
		p += sprintf(p, "%c: &%c [", 'a' + i, 'a' + i);
		for (j = 0; j < 10; j++)
			p += sprintf(p, "%s*%c", j ? "," : "", 'a' + i - 1);
		p += sprintf(p, "]\n");
	}
	expect(bomb, "ERR");
	assert_non_null(strstr(hm_error_last(), "expands to more than 100000 nodes"));
	free(deep);
	free(bomb);
}

static void config_load_reads_json_and_yaml(void **state)
{
	char *dir = tu_tmpdir(), *json = NULL, hex[65];
	int yaml = -1;

	(void)state;
	tu_write(tu_path(dir, "c.yaml"), "lr: 0.0002\nlora: {r: 8}\n", 24);
	assert_int_equal(hm_config_load(&json, hex, &yaml, tu_path(dir, "c.yaml")), 0);
	assert_string_equal(json, "{\"lora\":{\"r\":8},\"lr\":0.0002}");
	assert_int_equal(yaml, 1);
	assert_string_equal(hex, "de85adf533f5e7e2b80a56334c12b181ce56c0335ec331c2fbb0e71e11564e23");
	hm_free(json);
	tu_write(tu_path(dir, "c.JSON"), "{\"lr\":0.0002,\"lora\":{\"r\":8}}", 28);
	assert_int_equal(hm_config_load(&json, hex, &yaml, tu_path(dir, "c.JSON")), 0);
	assert_string_equal(json, "{\"lora\":{\"r\":8},\"lr\":0.0002}");
	assert_int_equal(yaml, 0);
	hm_free(json);
	tu_write(tu_path(dir, "l.yml"), "- a\n", 4);
	assert_int_equal(hm_config_load(&json, hex, NULL, tu_path(dir, "l.yml")), HM_EFORMAT);
	assert_null(json);
	assert_int_equal(hm_config_load(&json, hex, NULL, tu_path(dir, "none.yaml")), HM_ENOTFOUND);
	free(dir);
}

static void hub_ids(void **state)
{
	(void)state;
	assert_true(hm_hub_id_valid("org/name"));
	assert_true(hm_hub_id_valid("gpt2"));
	assert_true(hm_hub_id_valid("meta-llama/Llama-3.1-8B@main"));
	assert_true(hm_hub_id_valid("org/name@refs/pr/1"));
	assert_true(hm_hub_id_valid("org/name@0123456789abcdef0123456789abcdef01234567"));
	assert_false(hm_hub_id_valid("org/name/extra"));
	assert_false(hm_hub_id_valid("../name"));
	assert_false(hm_hub_id_valid("org/na--me"));
	assert_false(hm_hub_id_valid("org/.name"));
	assert_false(hm_hub_id_valid("/abs"));
	assert_false(hm_hub_id_valid("org/name@"));
	assert_false(hm_hub_id_valid("org/name@../x"));
	assert_false(hm_hub_id_valid("org/name@a//b"));
	assert_false(hm_hub_id_valid(""));
	assert_false(hm_hub_id_valid(NULL));
	/* the hub's other rules: no .git name, 96 characters, git's ref components */
	assert_false(hm_hub_id_valid("org/name.git"));
	assert_true(hm_hub_id_valid("org/name.gits"));
	assert_false(hm_hub_id_valid("org/name@main.lock"));
	assert_false(hm_hub_id_valid("org/name@.hidden"));
	assert_false(hm_hub_id_valid("org/name@a/.b"));
	assert_true(hm_hub_id_valid("org/name@v1.0/x.y"));
	assert_true(hm_hub_id_valid("org/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));  /* 96 */
	assert_false(hm_hub_id_valid("org/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")); /* 97 */
}

/* hm_hub_id_check: ORG required, and the reason in the message. */
static void hub_id_check_says_why(void **state)
{
	static const struct {
		const char *id, *why;
	} bad[] = {
		{ "gpt2", "no \"/\" between the organisation" },
		{ "a/b/c", "more than one \"/\"" },
		{ "-a/b", "the organisation starts or ends with" },
		{ "a/b-", "the name starts or ends with" },
		{ "a/b--c", "the name holds \"--\" or \"..\"" },
		{ "a b/c", "the organisation holds a character other than" },
		{ "a/b.git", "ends with \".git\"" },
		{ "a/b@", "the revision after \"@\" is empty" },
		{ "a/b@x..y", "the revision holds \"..\"" },
		{ "a/b@x.lock", "ends with \".lock\"" },
		{ "a/b@x//y", "empty component" },
		{ "", "it is empty" },
	};
	size_t i;

	(void)state;
	assert_int_equal(hm_hub_id_check("org/name@refs/convert/parquet"), 0);
	assert_int_equal(hm_hub_id_check("Yes/No"), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(hm_hub_id_check(bad[i].id), HM_EINVAL);
		if (!strstr(hm_error_last(), bad[i].why))
			fail_msg("%s: \"%s\" does not say \"%s\"", bad[i].id, hm_error_last(),
				 bad[i].why);
	}
	assert_int_equal(hm_hub_id_check(NULL), HM_EINVAL);
}

static void hub_resolve_reads_refs_and_snapshots(void **state)
{
	char *dir = tu_tmpdir(), *out = NULL, cmd[8192], want[4200];
	const char *rev = "0123456789abcdef0123456789abcdef01234567";

	(void)state;
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p '%s/models--org--m/blobs' '%s/models--org--m/refs/pr' "
		 "'%s/models--org--m/snapshots/%s' && printf '%s\\n' >'%s/models--org--m/refs/main' "
		 "&& printf '%s' >'%s/models--org--m/refs/pr/1' && printf 'short' "
		 ">'%s/models--org--m/refs/bad'",
		 dir, dir, dir, rev, rev, dir, rev, dir, dir);
	assert_int_equal(tu_sh(cmd), 0);
	snprintf(want, sizeof(want), "%s/models--org--m/snapshots/%s", dir, rev);
	assert_int_equal(hm_hub_resolve(&out, "org/m", dir), 0);
	assert_string_equal(out, want);
	hm_free(out);
	assert_int_equal(hm_hub_resolve(&out, "org/m@refs/pr/1", dir), HM_ENOTFOUND);
	assert_int_equal(hm_hub_resolve(&out, "org/m@pr/1", dir), 0);
	assert_string_equal(out, want);
	hm_free(out);
	assert_int_equal(hm_hub_resolve(&out, "org/m@bad", dir), HM_EFORMAT);
	assert_int_equal(hm_hub_resolve(&out, "org/other", dir), HM_ENOTFOUND);
	assert_non_null(strstr(hm_error_last(), "models--org--other"));
	assert_int_equal(hm_hub_resolve(&out, "not/a/hub/id", dir), HM_EINVAL);
	assert_null(out);
	setenv("HF_HUB_CACHE", dir, 1);
	assert_int_equal(hm_hub_resolve(&out, "org/m@" "0123456789abcdef0123456789abcdef01234567", NULL), 0);
	hm_free(out);
	unsetenv("HF_HUB_CACHE");
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_scalars_resolve_as_pyyaml_does),
		cmocka_unit_test(refusals),
		cmocka_unit_test(aliases_expand_within_limits),
		cmocka_unit_test(config_load_reads_json_and_yaml),
		cmocka_unit_test(hub_ids),
		cmocka_unit_test(hub_id_check_says_why),
		cmocka_unit_test(hub_resolve_reads_refs_and_snapshots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
