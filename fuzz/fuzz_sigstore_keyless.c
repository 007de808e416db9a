/*
 * libFuzzer harness: Sigstore keyless verification of a bundle against a
 * trusted root. Two kinds of input:
 *
 * - a JSON text (first byte '{'): a whole bundle;
 * - anything else: byte 0 picks one of model_signing's real keyless
 *   signatures in the shared test material ($HALLMARK_SHARED or ../shared),
 *   and each following 3 bytes (position high, low, value) overwrite one
 *   byte of its text, so the fuzzer reaches the certificate, SCT, Rekor and
 *   checkpoint code with inputs that are nearly right.
 *
 * The trusted root is the public-good one of the shared material. Every
 * input must give 0 or a refusal (HM_EFORMAT, HM_EVERIFY, HM_EUNSUPPORTED;
 * HM_ENOTFOUND when the shared material is absent), and a success must hand
 * back the key and the identity asked for.
 */
#include "sigstore_keyless.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ID "stefanb@us.ibm.com"
#define ISS "https://sigstore.verify.ibm.com/oauth2"

static const char *const samples[] = { "v0.3.1-sigstore", "v1.0.0-sigstore", "v1.0.1-sigstore" };
static char *text[3];
static size_t len[3];
static char root[4096];
static int loaded;

static void setup(void)
{
	const char *dir = getenv("HALLMARK_SHARED");
	char p[4096];
	size_t i;

	if (loaded)
		return;
	loaded = 1;
	if (!dir || !*dir)
		dir = "../shared";
	snprintf(root, sizeof(root), "%s/vectors/model-signing/sigstore-public-good-trusted_root.json",
		 dir);
	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/vectors/model-signing/%s/model.sig", dir, samples[i]);
		if (hm__read_file(&text[i], &len[i], p, 1 << 20) < 0)
			text[i] = NULL;
	}
	hm_error_clear();
}

static void verify(const char *s, size_t n)
{
	EVP_PKEY *k = NULL;
	char *subj = NULL;
	json_t *b = NULL;
	int rc;

	if (hm__json_parse(&b, s, n, "bundle") < 0)
		return;
	rc = hm__sigstore_keyless_verify(&k, &subj, b, root, ID, ISS);
	if (rc != 0 && rc != HM_EFORMAT && rc != HM_EVERIFY && rc != HM_EUNSUPPORTED &&
	    rc != HM_ENOMEM && !(rc == HM_ENOTFOUND && !text[0]))
		abort();
	if ((rc == 0) != (k != NULL) || (rc == 0 && (!subj || strcmp(subj, ID) != 0)) ||
	    (rc != 0 && subj))
		abort();
	EVP_PKEY_free(k);
	free(subj);
	json_decref(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i, which;
	char *copy;

	setup();
	if (size && data[0] == '{') {
		verify((const char *)data, size);
		return 0;
	}
	if (!size || !text[which = data[0] % 3])
		return 0;
	if (!(copy = malloc(len[which])))
		return 0;
	memcpy(copy, text[which], len[which]);
	for (i = 1; i + 3 <= size; i += 3)
		copy[((size_t)data[i] << 8 | data[i + 1]) % len[which]] = (char)data[i + 2];
	verify(copy, len[which]);
	free(copy);
	return 0;
}
