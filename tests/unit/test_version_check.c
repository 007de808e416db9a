/*
 * Options-struct versions: every options struct is checked by the one helper,
 * so a wrong version fails the same way (HM_EINVAL, "NAME: version N is not M")
 * whichever function receives it, and NULL options still mean the defaults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

#define WRONG 99u

static void refused(int rc, const char *name, unsigned int current)
{
	char want[128];

	snprintf(want, sizeof(want), "%s: version %u is not %u", name, WRONG, current);
	assert_int_equal(rc, HM_EINVAL);
	assert_string_equal(hm_error_last(), want);
}

static void test_helper_passes_null_and_the_expected_version(void **state)
{
	struct {
		unsigned int version;
	} o = { 3 };

	(void)state;
	assert_int_equal(hm__check_version(NULL, 0, 3, "hm_x_options"), 0);
	assert_int_equal(hm__check_version(&o, o.version, 3, "hm_x_options"), 0);
	assert_int_equal(hm__check_version(&o, 0, 3, "hm_x_options"), HM_EINVAL);
	assert_string_equal(hm_error_last(), "hm_x_options: version 0 is not 3");
	assert_int_equal(hm__check_version(&o, 4, 3, "hm_x_options"), HM_EINVAL);
	assert_string_equal(hm_error_last(), "hm_x_options: version 4 is not 3");
}

static void test_every_options_struct_refuses_a_wrong_version(void **state)
{
	hm_archive_options ao = HM_ARCHIVE_OPTIONS_INIT;
	hm_audit_options uo = { 0 };
	hm_dataset_options dso = { 0 };
	hm_digest_options go = HM_DIGEST_OPTIONS_INIT;
	hm_export_options eo = HM_EXPORT_OPTIONS_INIT;
	hm_facts_options fo = HM_FACTS_OPTIONS_INIT;
	hm_key_write_options ko = HM_KEY_WRITE_OPTIONS_INIT;
	hm_run_options ro = { 0 };
	hm_archive *a = NULL;
	hm_dataset_scan *scan = NULL;
	hm_manifest *m = NULL;
	hm_facts *f = NULL;
	char *text = NULL;
	size_t len = 0;

	(void)state;
	ao.version = WRONG;
	refused(hm_archive_open(&a, "unused.db", &ao),
		"hm_archive_options", HM_ARCHIVE_OPTIONS_VERSION);
	assert_null(a);
	uo.version = WRONG;
	uo.benchmark = "b";
	refused(hm_audit_statement(&text, &uo), "hm_audit_options", HM_AUDIT_OPTIONS_VERSION);
	dso.version = WRONG;
	dso.name = "d";
	refused(hm_dataset_statement(&text, ".", &dso),
		"hm_dataset_options", HM_DATASET_OPTIONS_VERSION);
	refused(hm_dataset_scan_new(&scan, HM_CONTAINER_JSONL, NULL, &dso),
		"hm_dataset_options", HM_DATASET_OPTIONS_VERSION);
	assert_null(scan);
	go.version = WRONG;
	refused(hm_manifest_compute(&m, ".", &go), "hm_digest_options", HM_DIGEST_OPTIONS_VERSION);
	assert_null(m);
	eo.version = WRONG;
	refused(hm_export_cyclonedx(&text, &len, NULL, HM_BOM_JSON, &eo),
		"hm_export_options", HM_EXPORT_OPTIONS_VERSION);
	fo.version = WRONG;
	refused(hm_facts_open(&f, NULL, &fo), "hm_facts_options", HM_FACTS_OPTIONS_VERSION);
	assert_null(f);
	ko.version = WRONG;
	refused(hm_key_secret_file(&text, &len, NULL, NULL, 0, &ko),
		"hm_key_write_options", HM_KEY_WRITE_OPTIONS_VERSION);
	ro.version = WRONG;
	refused(hm_run_statement(&text, &ro), "hm_run_options", HM_RUN_OPTIONS_VERSION);
	assert_null(text);
}

static void test_options_that_are_required_say_so(void **state)
{
	hm_facts *f = NULL;
	char *text = NULL;

	(void)state;
	assert_int_equal(hm_audit_statement(&text, NULL), HM_EINVAL);
	assert_string_equal(hm_error_last(), "hm_audit_options: none given");
	assert_int_equal(hm_run_statement(&text, NULL), HM_EINVAL);
	assert_string_equal(hm_error_last(), "hm_run_options: none given");
	assert_int_equal(hm_facts_open(&f, NULL, NULL), HM_EINVAL);
	assert_string_equal(hm_error_last(), "hm_facts_options: none given");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helper_passes_null_and_the_expected_version),
		cmocka_unit_test(test_every_options_struct_refuses_a_wrong_version),
		cmocka_unit_test(test_options_that_are_required_say_so),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
