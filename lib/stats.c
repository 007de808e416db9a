/*
 * Confidence intervals for rates (Wilson score) and for differences of two
 * rates (Newcombe's hybrid score method 10): see hallmark/stats.h.
 */
#include "internal.h"
#include "hallmark/stats.h"

#include <math.h>

int hm_stats_wilson(double *lo, double *hi, uint64_t x, uint64_t n, double z)
{
	double p, z2, den, centre, half;

	if (!lo || !hi)
		return hm__err(HM_EINVAL, "hm_stats_wilson: NULL argument");
	if (n == 0 || x > n || !(z > 0))
		return hm__err(HM_EINVAL, "no interval for %llu of %llu (z = %g)",
			       (unsigned long long)x, (unsigned long long)n, z);
	p = (double)x / (double)n;
	z2 = z * z;
	den = 1 + z2 / (double)n;
	centre = (p + z2 / (2 * (double)n)) / den;
	half = z / den * sqrt(p * (1 - p) / (double)n + z2 / (4 * (double)n * (double)n));
	/* At x = 0 (x = n) the bound is 0 (1) exactly; keep float noise out. */
	*lo = x == 0 ? 0 : fmax(0, centre - half);
	*hi = x == n ? 1 : fmin(1, centre + half);
	return 0;
}

int hm_stats_newcombe(double *lo, double *hi, uint64_t x1, uint64_t n1, uint64_t x2,
		      uint64_t n2, double z)
{
	double l1, u1, l2, u2, p1, p2, d;
	int rc;

	if (!lo || !hi)
		return hm__err(HM_EINVAL, "hm_stats_newcombe: NULL argument");
	if ((rc = hm_stats_wilson(&l1, &u1, x1, n1, z)) < 0 ||
	    (rc = hm_stats_wilson(&l2, &u2, x2, n2, z)) < 0)
		return rc;
	p1 = (double)x1 / (double)n1;
	p2 = (double)x2 / (double)n2;
	d = p1 - p2;
	*lo = fmax(-1, d - sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)));
	*hi = fmin(1, d + sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2)));
	return 0;
}
