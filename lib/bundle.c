/*
 * Bundles: JSON Lines of DSSE envelopes (.intoto.jsonl), or a Sigstore bundle
 * JSON file (model.sig), read as entries; several files may make one bundle.
 * Signing statements into lines. Appends are in bundle_append.c.
 */
#include "sigstore_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

struct line {
	size_t chunk;  /* which of the bundle's texts holds it */
	size_t off, len;
	size_t number; /* 1-based, within its file */
};

/* One file (or text) read into the bundle. */
struct chunk {
	char *data;
	char *source; /* the file's name, or NULL */
};

struct hm_bundle {
	struct chunk *chunks;
	size_t nchunks;
	struct line *lines;
	size_t n, cap;
};

static int add_line(hm_bundle *b, size_t off, size_t len, size_t number)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct line *n = realloc(b->lines, cap * sizeof(*n));
		if (!n)
			return hm__err_oom();
		b->lines = n;
		b->cap = cap;
	}
	b->lines[b->n].chunk = b->nchunks - 1;
	b->lines[b->n].off = off;
	b->lines[b->n].len = len;
	b->lines[b->n].number = number;
	b->n++;
	return 0;
}

/*
 * Adds a text: a whole Sigstore bundle (one JSON object with a "mediaType",
 * kept as one compact line, whatever its layout) or JSON Lines. *data (len
 * bytes, NUL after them, malloc'd) becomes the bundle's, whatever the outcome.
 */
static int add_owned(hm_bundle *b, char **data, size_t len, const char *source)
{
	struct chunk *c = realloc(b->chunks, (b->nchunks + 1) * sizeof(*c));
	size_t start = 0, number = 0;
	char *text = *data;
	const char *nl;

	*data = NULL;
	if (!c) {
		free(text);
		return hm__err_oom();
	}
	b->chunks = c;
	c = &b->chunks[b->nchunks];
	memset(c, 0, sizeof(*c));
	if (source && !(c->source = strdup(source))) {
		free(text);
		return hm__err_oom();
	}
	if (len && hm__sigstore_looks(text, len)) {
		json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
		c->data = root ? json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(root);
		free(text);
		if (!c->data) {
			free(c->source);
			return hm__err_oom();
		}
		b->nchunks++;
		return add_line(b, 0, strlen(c->data), 1);
	}
	c->data = text;
	b->nchunks++;
	while (start < len) {
		size_t end = (nl = memchr(text + start, '\n', len - start)) ? (size_t)(nl - text) : len;
		size_t l = end - start;

		/* tolerate CRLF */
		if (l && text[end - 1] == '\r')
			l--;
		if (add_line(b, start, l, ++number) < 0)
			return HM_ENOMEM;
		start = end + 1;
	}
	return 0;
}

/* As add_owned, for a text the caller keeps. */
static int add_text(hm_bundle *b, const char *data, size_t len, const char *source)
{
	char *text = malloc(len + 1);

	if (!text)
		return hm__err_oom();
	if (len) /* data may be NULL when len is 0 */
		memcpy(text, data, len);
	text[len] = '\0';
	return add_owned(b, &text, len, source);
}

int hm_bundle_new(hm_bundle **out)
{
	if (!out)
		return hm__err(HM_EINVAL, "hm_bundle_new: NULL out");
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : hm__err_oom();
}

int hm_bundle_parse(hm_bundle **out, const char *data, size_t len)
{
	int rc;

	*out = NULL;
	if ((rc = hm_bundle_new(out)) < 0)
		return rc;
	if ((rc = add_text(*out, data, len, NULL)) < 0) {
		hm_bundle_free(*out);
		*out = NULL;
	}
	return rc;
}

int hm_bundle_add_file(hm_bundle *b, const char *path)
{
	char *data;
	size_t len;
	int rc;

	if (!b || !path)
		return hm__err(HM_EINVAL, "hm_bundle_add_file: NULL argument");
	if ((rc = hm__read_file(&data, &len, path, HM_BUNDLE_MAX_BYTES)) < 0)
		return rc;
	return add_owned(b, &data, len, strcmp(path, "-") == 0 ? "(stdin)" : path);
}

int hm_bundle_load(hm_bundle **out, const char *path)
{
	int rc;

	*out = NULL;
	if ((rc = hm_bundle_new(out)) < 0)
		return rc;
	if ((rc = hm_bundle_add_file(*out, path)) < 0) {
		hm_bundle_free(*out);
		*out = NULL;
	}
	return rc;
}

void hm_bundle_free(hm_bundle *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->nchunks; i++) {
		free(b->chunks[i].data);
		free(b->chunks[i].source);
	}
	free(b->chunks);
	free(b->lines);
	free(b);
}

const char *hm_bundle_line_source(const hm_bundle *b, size_t i)
{
	return i < b->n ? b->chunks[b->lines[i].chunk].source : NULL;
}

size_t hm_bundle_line_number(const hm_bundle *b, size_t i)
{
	return i < b->n ? b->lines[i].number : 0;
}

size_t hm_bundle_source_count(const hm_bundle *b)
{
	return b->nchunks;
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
	return b->chunks[b->lines[i].chunk].data + b->lines[i].off;
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
