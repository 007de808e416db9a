/* Model references: "sha256:HEX" or a path digested on the spot. */
#include "internal.h"

#include <string.h>

int hm_model_ref_resolve(char hex[65], char **name, const char *arg,
			 const hm_digest_options *digest)
{
	hm_manifest *m = NULL;
	int rc;

	if (name)
		*name = NULL;
	hex[0] = '\0';
	if (strncmp(arg, "sha256:", 7) == 0) {
		if (!hm__is_lower_hex(arg + 7, 64))
			return hm__err(HM_EINVAL, "\"%s\": a sha256: reference needs 64 lowercase hex "
				       "digits", arg);
		memcpy(hex, arg + 7, 65);
		return 0;
	}
	if ((rc = hm_manifest_compute(&m, arg, digest)) < 0)
		return rc;
	memcpy(hex, hm_manifest_root(m), 65);
	if (name) {
		*name = strdup(hm_manifest_name(m));
		if (!*name) {
			hm_manifest_free(m);
			return hm__err_oom();
		}
	}
	hm_manifest_free(m);
	return 0;
}
