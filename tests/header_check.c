/* The public header must compile on its own with -std=c99 -pedantic -Werror. */
#include <hallmark.h>

int hm_header_check_dummy(void);
int hm_header_check_dummy(void)
{
	return HM_OK;
}
