/*
 * hallmark/stats.h: confidence intervals for the rates of a safety audit.
 * Pure functions of integer counts: the same counts give the same bounds.
 *
 * A rate x/n carries the Wilson score interval (Wilson 1927; Newcombe 1998,
 * "Two-sided confidence intervals for the single proportion", method 3).
 * A difference x1/n1 - x2/n2 of two independent rates carries Newcombe's
 * hybrid score interval (Newcombe 1998, "Interval estimation for the
 * difference between independent proportions", method 10), built from the
 * two Wilson intervals.
 */
#ifndef HALLMARK_STATS_H
#define HALLMARK_STATS_H

#include "common.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The normal quantile for a two-sided 95% interval. */
#define HM_STATS_Z95 1.959963984540054

/*
 * The Wilson score interval of x successes in n trials for quantile z
 * (HM_STATS_Z95 for 95%): *lo and *hi within [0, 1]. HM_EINVAL when n is 0,
 * x > n or z is not positive.
 */
HM_EXTERN int hm_stats_wilson(double *lo, double *hi, uint64_t x, uint64_t n, double z);

/*
 * Newcombe's hybrid score interval for x1/n1 - x2/n2: *lo and *hi within
 * [-1, 1]. HM_EINVAL as for hm_stats_wilson, for either rate.
 */
HM_EXTERN int hm_stats_newcombe(double *lo, double *hi, uint64_t x1, uint64_t n1, uint64_t x2,
				uint64_t n2, double z);

#ifdef __cplusplus
}
#endif
#endif
