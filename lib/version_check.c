/* Options-struct versions: one check and one message for every options struct. */
#include "internal.h"

int hm__check_version(const void *opts, unsigned int version, unsigned int expected,
		      const char *name)
{
	if (!opts || version == expected)
		return 0;
	return hm__err(HM_EINVAL, "%s: version %u is not %u", name, version, expected);
}
