/* Hex and base64. base64 decoding accepts the standard and URL-safe alphabets. */
#include "internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void hm__hex_encode(char *out, const unsigned char *in, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hm__hex_decode(unsigned char *out, size_t outlen, const char *hex)
{
	size_t i;

	if (strlen(hex) != 2 * outlen)
		return -1;
	for (i = 0; i < outlen; i++) {
		int hi = hexval((unsigned char)hex[2 * i]), lo = hexval((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int hm__is_lower_hex(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

char *hm__b64_encode(const unsigned char *in, size_t len)
{
	size_t n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(n);

	if (!out) {
		hm__err_oom();
		return NULL;
	}
	sodium_bin2base64(out, n, in, len, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

int hm__b64_decode(unsigned char **out, size_t *outlen, const char *in, size_t inlen)
{
	int variant = sodium_base64_VARIANT_ORIGINAL;
	int has_std = 0, has_url = 0, padded = 0;
	unsigned char *buf;
	size_t i, binlen;
	const char *end;

	*out = NULL;
	*outlen = 0;
	for (i = 0; i < inlen; i++) {
		if (in[i] == '+' || in[i] == '/')
			has_std = 1;
		else if (in[i] == '-' || in[i] == '_')
			has_url = 1;
		else if (in[i] == '=')
			padded = 1;
	}
	if (has_std && has_url)
		return -1;
	if (has_url)
		variant = padded ? sodium_base64_VARIANT_URLSAFE : sodium_base64_VARIANT_URLSAFE_NO_PADDING;
	else
		variant = padded ? sodium_base64_VARIANT_ORIGINAL : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
	/* Unpadded input must still be a length a padded encoding could have been cut from. */
	if (!padded && inlen % 4 == 1)
		return -1;
	if (padded && inlen % 4 != 0)
		return -1;
	buf = malloc(inlen / 4 * 3 + 3 + 1);
	if (!buf)
		return hm__err_oom();
	if (sodium_base642bin(buf, inlen / 4 * 3 + 3, in, inlen, NULL, &binlen, &end, variant) != 0 ||
	    end != in + inlen) {
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = binlen;
	return 0;
}
