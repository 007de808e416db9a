/*
 * Confidence intervals against the worked examples of Newcombe (1998):
 * the Wilson score interval for a single proportion ("Two-sided confidence
 * intervals for the single proportion", Stat Med 17:857-872, method 3) and
 * the hybrid score interval for a difference of independent proportions
 * ("Interval estimation for the difference between independent proportions",
 * Stat Med 17:873-890, method 10), each to the 4 decimals printed there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <hallmark.h>
#include <math.h>

static void near4(double got, double want, const char *what)
{
	if (fabs(got - want) > 0.00005)
		fail_msg("%s: got %.6f, want %.4f", what, got, want);
}

static void wilson_matches_newcombe_single_proportion_examples(void **state)
{
	static const struct { unsigned x, n; double lo, hi; } t[] = {
		{ 81, 263, 0.2553, 0.3662 },
		{ 15, 148, 0.0624, 0.1605 },
		{ 0, 20, 0.0000, 0.1611 },
		{ 1, 29, 0.0061, 0.1718 },
		{ 29, 29, 0.8830, 1.0000 },
	};
	double lo, hi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(hm_stats_wilson(&lo, &hi, t[i].x, t[i].n, HM_STATS_Z95), 0);
		near4(lo, t[i].lo, "lower");
		near4(hi, t[i].hi, "upper");
	}
}

static void newcombe_matches_method_10_examples(void **state)
{
	static const struct { unsigned x1, n1, x2, n2; double lo, hi; } t[] = {
		{ 56, 70, 48, 80, 0.0524, 0.3339 },  /* difference 0.2000 */
		{ 9, 10, 3, 10, 0.1705, 0.8090 },
		{ 6, 7, 2, 7, 0.0582, 0.8062 },
		{ 5, 56, 0, 29, -0.0381, 0.1926 },
		{ 0, 10, 0, 20, -0.1611, 0.2775 },
		{ 0, 10, 0, 10, -0.2775, 0.2775 },
		{ 10, 10, 0, 20, 0.6791, 1.0000 },
		{ 10, 10, 0, 10, 0.6075, 1.0000 },
	};
	double lo, hi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(hm_stats_newcombe(&lo, &hi, t[i].x1, t[i].n1, t[i].x2, t[i].n2,
						   HM_STATS_Z95), 0);
		near4(lo, t[i].lo, "lower");
		near4(hi, t[i].hi, "upper");
	}
}

/* The bounds stay inside [0, 1] and hold the estimate; the extremes are exact. */
static void wilson_bounds_hold_the_estimate(void **state)
{
	double lo, hi;
	unsigned x, n;

	(void)state;
	for (n = 1; n <= 60; n++) {
		for (x = 0; x <= n; x++) {
			assert_int_equal(hm_stats_wilson(&lo, &hi, x, n, HM_STATS_Z95), 0);
			assert_true(lo >= 0 && hi <= 1 && lo <= (double)x / n && hi >= (double)x / n);
		}
	}
	assert_int_equal(hm_stats_wilson(&lo, &hi, 0, 330, HM_STATS_Z95), 0);
	assert_true(lo == 0);
	assert_int_equal(hm_stats_wilson(&lo, &hi, 330, 330, HM_STATS_Z95), 0);
	assert_true(hi == 1);
}

/* 14 of 330 against 12 of 330: the increase is small, its upper bound is not. */
static void newcombe_upper_bound_of_a_small_increase(void **state)
{
	double lo, hi;

	(void)state;
	assert_int_equal(hm_stats_newcombe(&lo, &hi, 14, 330, 12, 330, HM_STATS_Z95), 0);
	assert_true(lo < 0);
	near4(hi, 0.0376, "upper");
}

static void invalid_counts_are_refused(void **state)
{
	double lo, hi;

	(void)state;
	assert_int_equal(hm_stats_wilson(&lo, &hi, 0, 0, HM_STATS_Z95), HM_EINVAL);
	assert_non_null(strstr(hm_error_last(), "0 of 0"));
	assert_int_equal(hm_stats_wilson(&lo, &hi, 3, 2, HM_STATS_Z95), HM_EINVAL);
	assert_int_equal(hm_stats_wilson(&lo, &hi, 1, 2, 0), HM_EINVAL);
	assert_int_equal(hm_stats_wilson(NULL, &hi, 1, 2, HM_STATS_Z95), HM_EINVAL);
	assert_int_equal(hm_stats_newcombe(&lo, &hi, 1, 2, 1, 0, HM_STATS_Z95), HM_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wilson_matches_newcombe_single_proportion_examples),
		cmocka_unit_test(newcombe_matches_method_10_examples),
		cmocka_unit_test(wilson_bounds_hold_the_estimate),
		cmocka_unit_test(newcombe_upper_bound_of_a_small_increase),
		cmocka_unit_test(invalid_counts_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
