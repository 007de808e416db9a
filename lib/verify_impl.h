/* lib/verify_impl.h: the verification report's layout (internal). */
#ifndef HM_VERIFY_IMPL_H
#define HM_VERIFY_IMPL_H

#include "internal.h"

struct hm__check {
	hm_check_status status;
	char *reason;
	char **details;
	size_t ndetails;
};

struct hm_verify_report {
	char *model_path;
	char digest[65]; /* "" when the model could not be hashed */
	char *policy_json;
	char policy_digest[65];
	struct hm__check checks[HM_CHECK_COUNT];
};

#endif
