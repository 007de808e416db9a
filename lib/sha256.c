/* One-shot SHA-256 via OpenSSL (the hashing engine streams; see digest.c). */
#include "internal.h"

#include <openssl/evp.h>

void hm__sha256(unsigned char out[32], const void *data, size_t len)
{
	unsigned int n = 32;

	EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}
