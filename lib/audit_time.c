/* Audit times: RFC 3339 in UTC ("2024-05-01T12:00:00Z"). */
#include "audit_impl.h"
#include "hallmark/provenance.h"

#include <string.h>

int hm__audit_time_valid(const char *s)
{
	return s && hm_rfc3339_valid(s) && s[strlen(s) - 1] == 'Z';
}
