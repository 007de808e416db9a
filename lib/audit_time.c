/* Audit times: RFC 3339 in UTC ("2024-05-01T12:00:00Z"). */
#include "audit_impl.h"
#include "hallmark/provenance.h"

#include <string.h>
#include <time.h>

int hm__audit_time_valid(const char *s)
{
	return s && hm_rfc3339_valid(s) && s[strlen(s) - 1] == 'Z';
}

int hm__audit_time_now(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	if (t == (time_t)-1 || !gmtime_r(&t, &tm) ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return hm__err(HM_ERROR, "cannot read the current time");
	return 0;
}
