/* RFC 3339 times: the one formatter and the one parser agree with each other and the calendar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "internal.h"
#include "testutil.h"

#include <time.h>

static void formats(long long t, const char *want)
{
	char buf[HM_RFC3339_SIZE];
	long long back;

	assert_int_equal(hm_rfc3339_format(buf, t), 0);
	assert_string_equal(buf, want);
	assert_true(hm_rfc3339_valid(buf));
	assert_int_equal(hm_rfc3339_parse(&back, buf), 0);
	assert_true(back == t);
}

static void test_format_writes_utc_with_a_z(void **state)
{
	(void)state;
	formats(0, "1970-01-01T00:00:00Z");
	formats(-1, "1969-12-31T23:59:59Z");
	formats(951782400, "2000-02-29T00:00:00Z");
	formats(1714564800, "2024-05-01T12:00:00Z");
	formats(253402300799LL, "9999-12-31T23:59:59Z");
}

static void test_format_out_of_range_still_prints(void **state)
{
	char buf[HM_RFC3339_SIZE];

	(void)state;
	/* gmtime cannot give a year past INT_MAX */
	assert_int_equal(hm_rfc3339_format(buf, 9223372036854775807LL), HM_EINVAL);
	assert_string_equal(buf, "@9223372036854775807");
}

static void test_now_is_the_clock(void **state)
{
	char buf[HM_RFC3339_SIZE];
	long long t, before = (long long)time(NULL);

	(void)state;
	assert_int_equal(hm__rfc3339_now(buf), 0);
	assert_int_equal(strlen(buf), 20);
	assert_int_equal(hm_rfc3339_parse(&t, buf), 0);
	assert_true(t >= before && t <= (long long)time(NULL));
}

static void test_parse_applies_offsets_and_refuses_nonsense(void **state)
{
	long long t;

	(void)state;
	assert_int_equal(hm_rfc3339_parse(&t, "2024-05-01T14:00:00.25+02:00"), 0);
	assert_true(t == 1714564800);
	assert_int_equal(hm_rfc3339_parse(&t, "2024-05-01T10:30:00-01:30"), 0);
	assert_true(t == 1714564800);
	assert_false(hm_rfc3339_valid("2023-02-29T00:00:00Z"));
	assert_false(hm_rfc3339_valid("2024-05-01 12:00:00Z"));
	assert_false(hm_rfc3339_valid("2024-05-01T12:00:00"));
	assert_false(hm_rfc3339_valid("2024-05-01T24:00:00Z"));
	assert_int_equal(hm_rfc3339_parse(&t, "yesterday"), HM_EINVAL);
	assert_true(t == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_writes_utc_with_a_z),
		cmocka_unit_test(test_format_out_of_range_still_prints),
		cmocka_unit_test(test_now_is_the_clock),
		cmocka_unit_test(test_parse_applies_offsets_and_refuses_nonsense),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
