/* in-toto bundles: JSON Lines of DSSE envelopes; reading them, signing statements into lines. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

struct line {
	const char *p;
	size_t len;
};

struct hm_bundle {
	char *data;
	struct line *lines;
	size_t n;
};

int hm_bundle_parse(hm_bundle **out, const char *data, size_t len)
{
	hm_bundle *b = calloc(1, sizeof(*b));
	size_t i, start = 0, cap = 0;

	*out = NULL;
	if (!b)
		return hm__err_oom();
	b->data = malloc(len + 1);
	if (!b->data) {
		free(b);
		return hm__err_oom();
	}
	if (len) /* data may be NULL when len is 0 */
		memcpy(b->data, data, len);
	b->data[len] = '\0';
	for (i = 0; i <= len; i++) {
		if (i < len && b->data[i] != '\n')
			continue;
		if (i == len && start == len)
			break; /* final newline, or empty input */
		if (b->n == cap) {
			struct line *n;
			cap = cap ? cap * 2 : 16;
			n = realloc(b->lines, cap * sizeof(*n));
			if (!n) {
				hm_bundle_free(b);
				return hm__err_oom();
			}
			b->lines = n;
		}
		b->lines[b->n].p = b->data + start;
		b->lines[b->n].len = i - start;
		/* tolerate CRLF */
		if (b->lines[b->n].len && b->data[i - 1] == '\r')
			b->lines[b->n].len--;
		b->n++;
		start = i + 1;
	}
	*out = b;
	return 0;
}

int hm_bundle_load(hm_bundle **out, const char *path)
{
	char *data;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = hm__read_file(&data, &len, path, HM_BUNDLE_MAX_BYTES)) < 0)
		return rc;
	rc = hm_bundle_parse(out, data, len);
	free(data);
	return rc;
}

void hm_bundle_free(hm_bundle *b)
{
	if (!b)
		return;
	free(b->data);
	free(b->lines);
	free(b);
}

size_t hm_bundle_line_count(const hm_bundle *b)
{
	return b->n;
}

const char *hm_bundle_line(const hm_bundle *b, size_t i, size_t *len)
{
	if (i >= b->n)
		return NULL;
	if (len)
		*len = b->lines[i].len;
	return b->lines[i].p;
}

int hm_sign_statement(char **out, size_t *outlen, const char *statement_json, size_t len,
		      const char *name, const hm_key *key)
{
	hm_statement *st = NULL;
	hm_envelope *env = NULL;
	char *canon = NULL;
	size_t clen;
	int rc;

	*out = NULL;
	if ((rc = hm_statement_parse(&st, statement_json, len, name)) < 0)
		return rc;
	if ((rc = hm_statement_canonical(&canon, &clen, st)) < 0 ||
	    (rc = hm_envelope_new(&env, HM_INTOTO_PAYLOAD_TYPE, (unsigned char *)canon, clen)) < 0 ||
	    (rc = hm_envelope_sign(env, key)) < 0 ||
	    (rc = hm_envelope_serialize(out, outlen, env)) < 0)
		goto out;
out:
	free(canon);
	hm_envelope_free(env);
	hm_statement_free(st);
	return rc;
}
