/*
 * Transparency log checkpoints (c2sp.org/tlog-checkpoint): a signed note
 * whose text is the log's origin, its tree size in decimal and its root hash
 * in base64, each on its own line, then optional extension lines.
 */
#include "internal.h"
#include "hallmark/note.h"

#include <string.h>

int hm_checkpoint_text(char **out, const char *origin, const hm_tree_head *head)
{
	char *b64;

	*out = NULL;
	if (!origin || !*origin || strchr(origin, '\n'))
		return hm__err(HM_EINVAL, "a checkpoint's origin must be one non-empty line");
	if (!(b64 = hm__b64_encode(head->root_hash, 32)))
		return hm__err_oom();
	if (asprintf(out, "%s\n%llu\n%s\n", origin, (unsigned long long)head->tree_size, b64) < 0) {
		*out = NULL;
		free(b64);
		return hm__err_oom();
	}
	free(b64);
	return 0;
}

int hm_checkpoint_sign(char **out, size_t *len, const char *origin, const hm_tree_head *head,
		       const hm_key *key)
{
	char *text = NULL;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = hm_checkpoint_text(&text, origin, head)) < 0)
		return rc;
	rc = hm_note_sign(out, len, text, strlen(text), origin, key);
	free(text);
	if (rc < 0)
		hm__err_prefix("checkpoint: ");
	return rc;
}

/* The next line of [*p, end) without its newline; 0 when there is none left. */
static int next_line(const char **p, const char *end, const char **line, size_t *n)
{
	const char *nl;

	if (*p >= end)
		return 0;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	*p = nl ? nl + 1 : end;
	return 1;
}

static int parse_size(uint64_t *out, const char *s, size_t n)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int hm_checkpoint_parse(char **origin, hm_tree_head *head, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *line;
	unsigned char *root = NULL;
	char *again = NULL;
	size_t n, rlen = 0, o_len;
	const char *o;

	if (origin)
		*origin = NULL;
	memset(head, 0, sizeof(*head));
	if (len == 0 || text[len - 1] != '\n')
		return hm__err(HM_EFORMAT, "checkpoint: the text must end in a newline");
	if (!next_line(&p, end, &o, &o_len) || o_len == 0)
		return hm__err(HM_EFORMAT, "checkpoint: the first line (the origin) is empty");
	if (!next_line(&p, end, &line, &n) || parse_size(&head->tree_size, line, n) < 0)
		return hm__err(HM_EFORMAT, "checkpoint: the second line must be the tree size in "
			       "decimal without leading zeros");
	if (!next_line(&p, end, &line, &n) || n != 44 ||
	    hm__b64_decode(&root, &rlen, line, n) < 0 || rlen != 32 ||
	    !(again = hm__b64_encode(root, 32)) || memcmp(again, line, 44) != 0) {
		free(root);
		free(again);
		return hm__err(HM_EFORMAT, "checkpoint: the third line must be the root hash in "
			       "standard base64 (32 bytes)");
	}
	memcpy(head->root_hash, root, 32);
	free(root);
	free(again);
	while (next_line(&p, end, &line, &n))
		if (n == 0)
			return hm__err(HM_EFORMAT, "checkpoint: an extension line is empty");
	if (origin) {
		if (!(*origin = malloc(o_len + 1)))
			return hm__err_oom();
		memcpy(*origin, o, o_len);
		(*origin)[o_len] = '\0';
	}
	return 0;
}

int hm_checkpoint_open(char **origin, hm_tree_head *head, const char *note, size_t len,
		       const hm_note_verifier *const *verifiers, size_t nv,
		       const char *want_origin)
{
	char *o = NULL;
	size_t tlen;
	int rc;

	if (origin)
		*origin = NULL;
	memset(head, 0, sizeof(*head));
	if ((rc = hm_note_open(&tlen, NULL, note, len, verifiers, nv)) < 0 ||
	    (rc = hm_checkpoint_parse(&o, head, note, tlen)) < 0)
		return rc;
	if (want_origin && strcmp(o, want_origin) != 0) {
		rc = hm__err(HM_EVERIFY, "checkpoint: the origin is \"%s\", not \"%s\"", o,
			     want_origin);
		free(o);
		memset(head, 0, sizeof(*head));
		return rc;
	}
	if (origin)
		*origin = o;
	else
		free(o);
	return 0;
}
