/*
 * What a user says about a dataset is checked before it is signed: the
 * purpose is one of three words, the license an SPDX expression (unknown ids
 * fine, prose not), the source a URI without credentials.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"
#include "internal.h"

static void purposes(void **state)
{
	(void)state;
	assert_int_equal(hm_dataset_check_purpose("fine-tuning"), 0);
	assert_int_equal(hm_dataset_check_purpose("safety-mix"), 0);
	assert_int_equal(hm_dataset_check_purpose("evaluation"), 0);
	assert_int_equal(hm_dataset_check_purpose("Evaluation"), HM_EINVAL);
	assert_int_equal(hm_dataset_check_purpose("training"), HM_EINVAL);
	assert_non_null(strstr(hm_error_last(), "fine-tuning, safety-mix, evaluation"));
	assert_int_equal(hm_dataset_check_purpose(""), HM_EINVAL);
	assert_int_equal(hm_dataset_check_purpose(NULL), HM_EINVAL);
}

static void spdx_expressions(void **state)
{
	static const char *const good[] = {
		"MIT", "Apache-2.0", "CC-BY-4.0 AND MIT", "CC-BY-NC-4.0", "GPL-2.0+",
		"GPL-2.0-or-later WITH Classpath-exception-2.0", "(MIT OR Apache-2.0) AND BSD-3-Clause",
		"((MIT))", "LicenseRef-acme-internal", "NOASSERTION", "odc-by", "llama2",
		"MIT OR (CC0-1.0 AND Apache-2.0 WITH LLVM-exception)", "  MIT  ",
	};
	static const char *const bad[] = {
		"", "Apache 2.0", "MIT License", "MIT/Apache-2.0", "MIT AND", "AND MIT", "(MIT",
		"MIT)", "mit or apache-2.0", "MIT WITH", "GPL-2.0++", "+MIT", "MIT, Apache-2.0",
		"()", "MIT AND OR BSD", "cc-by 4.0", "MIT WITH (A)",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (hm_dataset_check_license(good[i]) != 0)
			fail_msg("\"%s\" refused: %s", good[i], hm_error_last());
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (hm_dataset_check_license(bad[i]) != HM_EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(hm_dataset_check_license("Apache 2.0"), HM_EINVAL);
	assert_non_null(strstr(hm_error_last(), "\"2.0\""));
	assert_int_equal(hm_dataset_check_license(NULL), HM_EINVAL);
	{
		char deep[200];
		memset(deep, '(', 100);
		strcpy(deep + 100, "MIT");
		memset(deep + 103, ')', 96);
		deep[199] = '\0';
		assert_int_equal(hm_dataset_check_license(deep), HM_EINVAL);
	}
}

static void source_uris(void **state)
{
	static const char *const good[] = {
		"https://huggingface.co/datasets/tatsu-lab/alpaca",
		"http://example.com/data.jsonl",
		"hf://datasets/tatsu-lab/alpaca",
		"s3://bucket/path/train.jsonl",
		"gs://bucket/k",
		"file:///srv/data/train.jsonl",
		"git+https://github.com/org/repo@v1.2",
		"ssh://git@github.com/org/repo.git",
		"urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
		"https://example.com/a?x=1#frag",
	};
	static const char *const bad[] = {
		"",
		"tatsu-lab/alpaca",
		"C:\\data\\train.jsonl",
		"c:/data",
		"https://",
		"https:///path",
		"https:example.com",
		"https://user:secret@example.com/x",
		"https://hf_TOKEN@huggingface.co/datasets/x",
		"git+https://token@github.com/org/repo",
		"s3://key:secret@bucket/x",
		"http://a b/c",
		"https://example.com/\x01",
		"file:relative/path",
		"s3:bucket",
		"1https://x",
		"hf:",
		"://x",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (hm_dataset_check_source(good[i]) != 0)
			fail_msg("\"%s\" refused: %s", good[i], hm_error_last());
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (hm_dataset_check_source(bad[i]) != HM_EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(hm_dataset_check_source("https://u:p@h/x"), HM_EINVAL);
	assert_non_null(strstr(hm_error_last(), "credentials"));
	assert_int_equal(hm_dataset_check_source(NULL), HM_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(purposes),
		cmocka_unit_test(spdx_expressions),
		cmocka_unit_test(source_uris),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
