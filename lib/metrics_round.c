/*
 * Fixed-point arithmetic of the audit numbers: every fraction and mean is
 * computed from integer counts in millionths, rounded half up, so the values
 * (and their differences) are exact decimals with HM_AUDIT_DECIMALS digits.
 */
#include "audit_impl.h"

int64_t hm__audit_micro(uint64_t num, uint64_t den)
{
	/* num <= 5 * items, so 2e6 * num stays far below 2^63 for any file we read. */
	return (int64_t)((num * 2000000u + den) / (2 * den));
}

int64_t hm__audit_to_micro(double v)
{
	double x = v * 1e6;

	if (!(x > -9e15 && x < 9e15))
		return INT64_MIN;
	return (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
}

double hm__audit_from_micro(int64_t micro)
{
	return (double)micro / 1e6;
}

double hm__audit_sub(double a, double b)
{
	return hm__audit_from_micro(hm__audit_to_micro(a) - hm__audit_to_micro(b));
}
