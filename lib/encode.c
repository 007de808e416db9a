/* Hex and base64. base64 decoding accepts the standard and URL-safe alphabets. */
#include "internal.h"

#include <pthread.h>
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

/* Each character's value in the standard ([0]) and URL-safe ([1]) alphabets; 0xff: not in it. */
static unsigned char b64_table[2][256];

static void b64_table_fill(void)
{
	static const char std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int i;

	memset(b64_table, 0xff, sizeof(b64_table));
	for (i = 0; i < 64; i++) {
		b64_table[0][(unsigned char)std[i]] = (unsigned char)i;
		b64_table[1][(unsigned char)(i == 62 ? '-' : i == 63 ? '_' : std[i])] = (unsigned char)i;
	}
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
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const unsigned char *t = b64_table[url != 0], *u = (const unsigned char *)in;
	size_t i;

	pthread_once(&once, b64_table_fill);
	for (i = 0; i + 4 <= len; i += 4) {
		unsigned a = t[u[i]], b = t[u[i + 1]], c = t[u[i + 2]], d = t[u[i + 3]];
		unsigned long v;

		if ((a | b | c | d) & 0x80)
			break;
		v = (unsigned long)a << 18 | (unsigned long)b << 12 | (unsigned long)c << 6 |
		    (unsigned long)d;
		*out++ = (unsigned char)(v >> 16);
		*out++ = (unsigned char)(v >> 8);
		*out++ = (unsigned char)v;
	}
	return i;
}

int hm__b64_decode_room(unsigned char **out, size_t *outlen, const char *in, size_t inlen,
			size_t room)
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
	buf = malloc(room + inlen / 4 * 3 + 3 + 1);
	if (!buf)
		return hm__err_oom();
	*out = buf;
	buf += room;
	/* Whole groups but the last here; the rest (padding, a short group) by libsodium. */
	head = b64_groups(buf, in, inlen >= 8 ? (inlen / 4 - 1) * 4 : 0, has_url);
	if (sodium_base642bin(buf + head / 4 * 3, inlen / 4 * 3 + 3 - head / 4 * 3, in + head,
			      inlen - head, NULL, &binlen, &end, variant) != 0 ||
	    end != in + inlen) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*outlen = head / 4 * 3 + binlen;
	return 0;
}

int hm__b64_decode(unsigned char **out, size_t *outlen, const char *in, size_t inlen)
{
	return hm__b64_decode_room(out, outlen, in, inlen, 0);
}
