/*
 * libFuzzer harness: hallmark key files (and anything else hm_key_parse
 * takes). The passphrase callback gives "fuzz". Key files choose their own
 * Argon2 cost, up to 2 GiB; the harness lowers the internal ceiling so one
 * input costs at most a few hundred KiB of Argon2 (the corpus' encrypted key
 * uses the minimum limits).
 */
#include "hallmark.h"
#include "keyimpl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int passphrase(char *buf, size_t size, void *payload)
{
	(void)payload;
	if (size < 5)
		abort();
	memcpy(buf, "fuzz", 5);
	return 0;
}

static void check_key(const hm_key *k)
{
	unsigned char *sig = NULL;
	size_t siglen;
	hm_key *back = NULL;
	char *text = NULL;
	size_t len;

	if (strlen(hm_key_id(k)) != HM_KEY_ID_HEXLEN)
		abort();
	if (hm_key_public_pem(&text, k) != 0 || hm_key_parse(&back, text, strlen(text), "pem",
							      NULL, NULL) != 0 ||
	    strcmp(hm_key_id(back), hm_key_id(k)) != 0)
		abort();
	hm_key_free(back);
	hm_free(text);
	if (!hm_key_has_secret(k))
		return;
	if (hm_key_sign_alloc(&sig, &siglen, k, (const unsigned char *)"m", 1) != 0 ||
	    hm_key_verify(k, sig, siglen, (const unsigned char *)"m", 1) != 0)
		abort();
	hm_free(sig);
	if (hm_key_secret_file(&text, &len, k, NULL, 0, NULL) != 0 ||
	    hm_key_parse(&back, text, len, "rewritten", NULL, NULL) != 0 ||
	    strcmp(hm_key_id(back), hm_key_id(k)) != 0)
		abort();
	hm_key_free(back);
	hm_free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hm_key *k = NULL;

	hm__keyfile_max_opslimit = 2;
	hm__keyfile_max_memlimit = (size_t)256 << 10;
	if (hm_key_parse(&k, (const char *)data, size, "fuzz", passphrase, NULL) == 0) {
		if (!k)
			abort();
		check_key(k);
	} else if (k) {
		abort();
	}
	hm_key_free(k);
	return 0;
}
