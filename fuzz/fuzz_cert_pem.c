/*
 * libFuzzer harness: PEM certificates (trusted roots, signing certificates)
 * and PEM EC keys: hm_cert_roots_add_pem takes all or nothing, and an EC key
 * that parses signs and verifies, and reads back with the same key id.
 */
#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	hm_cert_roots *roots = NULL;
	hm_key *k = NULL, *back = NULL;
	unsigned char *sig = NULL, *der = NULL;
	size_t siglen, derlen;
	int rc;

	if (hm_cert_roots_new(&roots) != 0)
		abort();
	rc = hm_cert_roots_add_pem(roots, text, size, "fuzz");
	if ((rc == 0) != (hm_cert_roots_count(roots) > 0))
		abort();
	hm_cert_roots_free(roots);
	if (hm_key_parse(&k, text, size, "fuzz", NULL, NULL) == 0) {
		if (hm_key_public_der(&der, &derlen, k) != 0 ||
		    hm_key_from_spki(&back, der, derlen, "back") != 0 ||
		    strcmp(hm_key_id(back), hm_key_id(k)) != 0)
			abort();
		if (hm_key_has_secret(k) &&
		    (hm_key_sign_alloc(&sig, &siglen, k, data, size) != 0 ||
		     hm_key_verify(back, sig, siglen, data, size) != 0))
			abort();
	}
	hm_free(sig);
	hm_free(der);
	hm_key_free(back);
	hm_key_free(k);
	return 0;
}
