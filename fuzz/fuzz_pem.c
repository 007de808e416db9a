/*
 * libFuzzer harness: PEM key import (what hm_key_parse does with anything
 * that is not a JSON key file) and the PEM armour decoder underneath.
 */
#include "hallmark.h"
#include "keyimpl.h"
#include "pem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	hm_key *k = NULL, *back = NULL;
	unsigned char *der = NULL;
	size_t derlen;
	char label[48], *pem = NULL;

	if (hm__pem_find_label(text, size, label, sizeof(label))) {
		if (strlen(label) == 0 || strchr(label, '\n'))
			abort();
		if (hm__pem_decode(&der, &derlen, text, size, label, "fuzz") == 0) {
			char *re = hm__pem_encode(der, derlen, label);
			/* our own encoding decodes to the same bytes */
			unsigned char *der2 = NULL;
			size_t derlen2;
			if (!re || hm__pem_decode(&der2, &derlen2, re, strlen(re), label, "re") != 0 ||
			    derlen2 != derlen || memcmp(der, der2, derlen) != 0)
				abort();
			free(der2);
			free(re);
		} else if (der) {
			abort();
		}
		free(der);
	}
	if (hm__key_parse_pem(&k, text, size, "fuzz") == 0) {
		if (!k || hm_key_public_pem(&pem, k) != 0 ||
		    hm_key_parse(&back, pem, strlen(pem), "re", NULL, NULL) != 0 ||
		    strcmp(hm_key_id(back), hm_key_id(k)) != 0)
			abort();
	} else if (k) {
		abort();
	}
	hm_free(pem);
	hm_key_free(back);
	hm_key_free(k);
	return 0;
}
