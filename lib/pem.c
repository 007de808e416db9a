/* PEM armour and the two fixed Ed25519 DER encodings (SPKI, PKCS#8 v1). */
#include "internal.h"
#include "pem.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

const unsigned char hm__spki_prefix[12] = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
					    0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };
const unsigned char hm__pkcs8_prefix[16] = { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
					     0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };

static const char *find_mem(const char *hay, size_t haylen, const char *needle)
{
	size_t n = strlen(needle), i;

	if (n > haylen)
		return NULL;
	for (i = 0; i + n <= haylen; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

int hm__pem_find_label(const char *text, size_t len, char *label, size_t labelsize)
{
	const char *b = find_mem(text, len, "-----BEGIN "), *e;
	size_t n, i;

	if (!b)
		return 0;
	b += 11;
	e = find_mem(b, len - (size_t)(b - text), "-----");
	if (!e)
		return 0;
	n = (size_t)(e - b);
	if (n == 0 || n >= labelsize)
		return 0;
	/* RFC 7468 labels are printable ASCII (no NUL bytes, no line breaks) */
	for (i = 0; i < n; i++)
		if ((unsigned char)b[i] < 0x20 || (unsigned char)b[i] > 0x7e)
			return 0;
	memcpy(label, b, n);
	label[n] = '\0';
	return 1;
}

int hm__pem_decode(unsigned char **der, size_t *derlen, const char *text, size_t len,
		   const char *label, const char *name)
{
	char begin[64], end[64];
	const char *b, *e, *p;
	hm_buf body = HM_BUF_INIT;
	int rc;

	*der = NULL;
	*derlen = 0;
	snprintf(begin, sizeof(begin), "-----BEGIN %s-----", label);
	snprintf(end, sizeof(end), "-----END %s-----", label);
	b = find_mem(text, len, begin);
	if (!b)
		return hm__err(HM_ENOTFOUND, "%s: no PEM block \"%s\"", name, label);
	b += strlen(begin);
	e = find_mem(b, len - (size_t)(b - text), end);
	if (!e)
		return hm__err(HM_EFORMAT, "%s: PEM block \"%s\" has no END line", name, label);
	for (p = b; p < e; p++) {
		if (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
			continue;
		if (*p == ':' || *p == '-') {
			hm__buf_free(&body);
			return hm__err(HM_EFORMAT, "%s: PEM headers are not supported", name);
		}
		if (hm__buf_put(&body, p, 1) < 0) {
			hm__buf_free(&body);
			return HM_ENOMEM;
		}
	}
	rc = body.len ? hm__b64_decode(der, derlen, body.data, body.len) : -1;
	hm__buf_free(&body);
	if (rc < 0)
		return hm__err(HM_EFORMAT, "%s: PEM block \"%s\" is not valid base64", name, label);
	return 0;
}

char *hm__pem_encode(const unsigned char *der, size_t len, const char *label)
{
	hm_buf out = HM_BUF_INIT;
	char *b64 = hm__b64_encode(der, len);
	size_t i, n;

	if (!b64)
		return NULL;
	n = strlen(b64);
	if (hm__buf_printf(&out, "-----BEGIN %s-----\n", label) < 0)
		goto fail;
	for (i = 0; i < n; i += 64) {
		if (hm__buf_put(&out, b64 + i, n - i < 64 ? n - i : 64) < 0 ||
		    hm__buf_puts(&out, "\n") < 0)
			goto fail;
	}
	if (hm__buf_printf(&out, "-----END %s-----\n", label) < 0)
		goto fail;
	sodium_memzero(b64, n);
	free(b64);
	return hm__buf_detach(&out, NULL);
fail:
	free(b64);
	hm__buf_free(&out);
	return NULL;
}
