/*
 * RFC 3339 times, the one place that reads and writes them: validation and
 * parsing of "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)", and formatting of
 * Unix times in UTC as "YYYY-MM-DDTHH:MM:SSZ".
 */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int hm_rfc3339_format(char out[HM_RFC3339_SIZE], long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if ((long long)tt != t || !gmtime_r(&tt, &tm) ||
	    strftime(out, HM_RFC3339_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		snprintf(out, HM_RFC3339_SIZE, "@%lld", t);
		return hm__err(HM_EINVAL, "%lld is outside the times this system can format", t);
	}
	return 0;
}

int hm__rfc3339_now(char out[HM_RFC3339_SIZE])
{
	time_t t = time(NULL);

	if (t == (time_t)-1 || hm_rfc3339_format(out, (long long)t) < 0)
		return hm__err(HM_ERROR, "cannot read the clock");
	return 0;
}

static int digits(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

int hm_rfc3339_valid(const char *s)
{
	int mo, d, h, mi, sec;

	if (strlen(s) < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) ||
	    s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return 0;
	mo = atoi(s + 5);
	d = atoi(s + 8);
	h = atoi(s + 11);
	mi = atoi(s + 14);
	sec = atoi(s + 17);
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(atoi(s), mo) || h > 23 || mi > 59 ||
	    sec > 60)
		return 0;
	s += 19;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		return 1;
	if ((*s == '+' || *s == '-') && digits(s + 1, 2) && s[3] == ':' && digits(s + 4, 2) &&
	    s[6] == '\0')
		return atoi(s + 1) <= 23 && atoi(s + 4) <= 59;
	return 0;
}

int hm_rfc3339_parse(long long *out, const char *s)
{
	struct tm tm;
	long long t;
	const char *z;

	*out = 0;
	if (!hm_rfc3339_valid(s))
		return hm__err(HM_EINVAL, "\"%s\" is not an RFC 3339 time", s);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	tm.tm_sec = atoi(s + 17);
	t = (long long)timegm(&tm);
	z = s + 19;
	if (*z == '.')
		for (z++; isdigit((unsigned char)*z); z++)
			;
	if (*z == '+' || *z == '-') {
		long long off = atoi(z + 1) * 3600LL + atoi(z + 4) * 60LL;
		t += *z == '+' ? -off : off;
	}
	*out = t;
	return 0;
}
