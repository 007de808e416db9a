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

/* The value of c in the standard (or, url, the URL-safe) alphabet; -1 when not in it. */
static int b64_val(char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/*
 * Decodes in[0..len) (len a multiple of 4) group by group while every
 * character is of the alphabet (url: the URL-safe one); returns how many
 * characters it decoded, a multiple of 4. A group that holds anything else
 * ("=", a character of neither alphabet) is left, with all after it, to the
 * strict decoder, so the result is libsodium's on every input: a group of
 * four characters is three whole bytes, whichever decoder reads it.
 */
static size_t b64_groups(unsigned char *out, const char *in, size_t len, int url)
{
	size_t i;

	for (i = 0; i + 4 <= len; i += 4) {
		int a = b64_val(in[i], url), b = b64_val(in[i + 1], url),
		    c = b64_val(in[i + 2], url), d = b64_val(in[i + 3], url);
		unsigned long v;

		if ((a | b | c | d) < 0)
			break;
		v = (unsigned long)a << 18 | (unsigned long)b << 12 | (unsigned long)c << 6 |
		    (unsigned long)d;
		*out++ = (unsigned char)(v >> 16);
		*out++ = (unsigned char)(v >> 8);
		*out++ = (unsigned char)v;
	}
	return i;
}

int hm__b64_decode(unsigned char **out, size_t *outlen, const char *in, size_t inlen)
{
	int variant = sodium_base64_VARIANT_ORIGINAL;
	int has_std = 0, has_url = 0, padded = 0;
	unsigned char *buf;
	size_t binlen, head;
	const char *end;

	*out = NULL;
	*outlen = 0;
	/* Which alphabet, and padding: a few vectorised scans beat a loop over every character. */
	has_std = memchr(in, '+', inlen) || memchr(in, '/', inlen);
	has_url = memchr(in, '-', inlen) || memchr(in, '_', inlen);
	padded = memchr(in, '=', inlen) != NULL;
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
	/* Whole groups but the last here; the rest (padding, a short group) by libsodium. */
	head = b64_groups(buf, in, inlen >= 8 ? (inlen / 4 - 1) * 4 : 0, has_url);
	if (sodium_base642bin(buf + head / 4 * 3, inlen / 4 * 3 + 3 - head / 4 * 3, in + head,
			      inlen - head, NULL, &binlen, &end, variant) != 0 ||
	    end != in + inlen) {
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = head / 4 * 3 + binlen;
	return 0;
}
