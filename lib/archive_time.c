/* Archive times: recorded and retention times, and the times queries take. */
#include "archive_impl.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

long long hm__archive_add_months(long long t, int months)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		return t + (long long)months * 31 * 86400;
	tm.tm_mon += months; /* timegm normalizes: 31 August + 6 months = 3 March */
	return (long long)timegm(&tm);
}

int hm_archive_time_parse(long long *out, const char *s, int end_of_day)
{
	struct tm tm;
	size_t i;

	*out = 0;
	if (!s)
		return hm__err(HM_EINVAL, "no time given");
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		for (i = 0; i < 10; i++)
			if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
				break;
		if (i == 10) {
			memset(&tm, 0, sizeof(tm));
			tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
				     (s[3] - '0') - 1900;
			tm.tm_mon = (s[5] - '0') * 10 + (s[6] - '0') - 1;
			tm.tm_mday = (s[8] - '0') * 10 + (s[9] - '0');
			{
				int mon = tm.tm_mon, mday = tm.tm_mday;
				time_t t = timegm(&tm);
				/* timegm rolls 30 February over to March: refuse such days */
				if (mon < 0 || mon > 11 || tm.tm_mon != mon || tm.tm_mday != mday)
					return hm__err(HM_EINVAL, "\"%s\" is not a date (YYYY-MM-DD)",
						       s);
				*out = (long long)t + (end_of_day ? 86399 : 0);
			}
			return 0;
		}
	}
	if (hm_rfc3339_parse(out, s) < 0)
		return hm__err(HM_EINVAL, "\"%s\" is neither an RFC 3339 time nor a date "
			       "(YYYY-MM-DD)", s);
	return 0;
}
