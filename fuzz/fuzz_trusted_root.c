/*
 * libFuzzer harness: Sigstore trusted roots (trusted_root.json) as
 * `--trusted-root FILE` reads them. Any bytes must give 0 or HM_EFORMAT (or
 * HM_ENOMEM), and a root that parses must hold what the format promises:
 * CAs with 1 to 8 certificates, logs with 32-byte ids, validity windows that
 * do not end before they start, and a key of the type keyDetails names or
 * none at all.
 */
#include "sigstore_keyless.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_logs(const hm__sigstore_log *logs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (logs[i].idlen != 32 || logs[i].start > logs[i].end || !logs[i].url ||
		    !logs[i].details)
			abort();
		/* an unusable key refuses, a usable one says no to a junk signature */
		if (hm__sigstore_log_verify(&logs[i], (const unsigned char *)"x", 1, "y", 1) !=
		    (logs[i].key ? 0 : HM_EUNSUPPORTED))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hm__sigstore_root *r = NULL;
	size_t i;
	int rc = hm__sigstore_root_parse(&r, (const char *)data, size, "fuzz.json");

	if (rc != 0 && rc != HM_EFORMAT && rc != HM_ENOMEM)
		abort();
	if (rc != 0) {
		if (r)
			abort();
		return 0;
	}
	for (i = 0; i < r->ncas; i++)
		if (sk_X509_num(r->cas[i].chain) < 1 || sk_X509_num(r->cas[i].chain) > 8 ||
		    r->cas[i].start > r->cas[i].end)
			abort();
	check_logs(r->tlogs, r->ntlogs);
	check_logs(r->ctlogs, r->nctlogs);
	hm__sigstore_root_free(r);
	return 0;
}
