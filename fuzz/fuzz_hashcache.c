/*
 * libFuzzer harness: the digest cache file as hm_manifest_compute reads it
 * from the user's cache directory (lib/hashcache_format.c). Any bytes must
 * give 0, HM_EFORMAT or HM_EUNSUPPORTED, and what parses must encode back to
 * the same bytes (the format is canonical). Each input is parsed as it is
 * and once more with its trailing checksum made right, so that the fuzzer
 * reaches the structure behind the checksum.
 */
#include "hashcache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const unsigned char *data, size_t size)
{
	hm__hashcache c;
	hm_buf b = HM_BUF_INIT;
	int rc = hm__hashcache_parse(&c, data, size);

	if (rc != 0 && rc != HM_EFORMAT && rc != HM_EUNSUPPORTED && rc != HM_ENOMEM)
		abort();
	if (rc == 0) {
		if (!c.root || (c.n && !c.e))
			abort();
		if (hm__hashcache_encode(&b, c.root, c.stamp_sec, c.stamp_nsec, c.e, c.n) == 0 &&
		    (b.len != size || memcmp(b.data, data, size) != 0))
			abort();
		hm__buf_free(&b);
	}
	hm__hashcache_clear(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *fixed;

	one(data, size);
	if (size < 8 + 32)
		return 0;
	fixed = malloc(size);
	if (!fixed)
		return 0;
	memcpy(fixed, data, size);
	hm__sha256(fixed + size - 32, fixed, size - 32);
	one(fixed, size);
	free(fixed);
	return 0;
}
