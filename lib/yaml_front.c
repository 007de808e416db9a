/*
 * Front matter of a Markdown file: where it is, and its top-level keys with
 * the byte ranges of their lines, so a merge can replace some keys and keep
 * every other byte (comments included).
 */
#include "yaml_impl.h"

#include <stdlib.h>
#include <string.h>

/* Length of the line at p (without its end), and the offset after its end. */
static size_t line_at(const char *text, size_t len, size_t p, size_t *next)
{
	size_t e = p;

	while (e < len && text[e] != '\n')
		e++;
	*next = e < len ? e + 1 : e;
	if (e > p && text[e - 1] == '\r')
		e--;
	return e - p;
}

static int is_fence(const char *s, size_t n, const char *word)
{
	while (n > 3 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == 3 && memcmp(s, word, 3) == 0;
}

int hm__front_matter_split(const char *text, size_t len, size_t *fm, size_t *fmlen,
			   size_t *body)
{
	size_t p = 0, next, n;

	*fm = *fmlen = *body = 0;
	n = line_at(text, len, 0, &next);
	if (!is_fence(text, n, "---") || next == n)
		return 0; /* no front matter (a lone "---" without a newline is text) */
	p = next;
	while (p < len) {
		n = line_at(text, len, p, &next);
		if (is_fence(text + p, n, "---") || is_fence(text + p, n, "...")) {
			line_at(text, len, 0, fm);
			*fmlen = p - *fm;
			*body = next;
			return 1;
		}
		p = next;
	}
	return hm__err(HM_EFORMAT, "the front matter that starts on line 1 is not closed by a "
		       "\"---\" line");
}

static size_t line_start(const char *text, size_t off)
{
	while (off > 0 && text[off - 1] != '\n')
		off--;
	return off;
}

/* Moves end back over trailing blank lines and lines starting with '#'. */
static size_t trim_tail(const char *text, size_t start, size_t end, size_t floor)
{
	for (;;) {
		size_t ls, i;
		int blank = 1;
		if (end <= start || end <= floor)
			return end;
		ls = line_start(text, end - 1);
		if (ls < floor || ls == start)
			return end;
		for (i = ls; i < end; i++)
			if (!strchr(" \t\r\n", text[i]))
				blank = 0;
		if (!blank && text[ls] != '#')
			return end;
		end = ls;
	}
}

/*
 * Byte offsets of the starts of lines as libyaml counts them (marks count
 * characters, not bytes): breaks are CR LF, CR, LF, NEL, LS and PS.
 */
static size_t *line_table(const char *text, size_t len, size_t *nlines)
{
	size_t cap = 64, n = 1, i = 0, *t = malloc(cap * sizeof(*t)), *nt;

	if (!t)
		return NULL;
	t[0] = 0;
	while (i < len) {
		const unsigned char *u = (const unsigned char *)text + i;
		size_t w = 0;
		if (u[0] == '\r')
			w = i + 1 < len && u[1] == '\n' ? 2 : 1;
		else if (u[0] == '\n')
			w = 1;
		else if (u[0] == 0xC2 && i + 1 < len && u[1] == 0x85)
			w = 2;
		else if (u[0] == 0xE2 && i + 2 < len && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9))
			w = 3;
		if (!w) {
			i++;
			continue;
		}
		i += w;
		if (n == cap) {
			nt = realloc(t, 2 * cap * sizeof(*t));
			if (!nt) {
				free(t);
				return NULL;
			}
			t = nt;
			cap *= 2;
		}
		t[n++] = i;
	}
	*nlines = n;
	return t;
}

static int parse_error(yaml_parser_t *p)
{
	return hm__err(HM_EFORMAT, "front matter line %zu column %zu: %s%s%s",
		       p->problem_mark.line + 1, p->problem_mark.column + 1,
		       p->problem ? p->problem : "invalid YAML", p->context ? " " : "",
		       p->context ? p->context : "");
}

/*
 * Refuses anchors and aliases: a merge rewrites some keys, which could drop
 * an anchor that another key's alias needs (and aliases can multiply a small
 * text into a huge one). Model cards do not use them.
 */
static int no_anchors(const char *text, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0, done = 0;
	size_t i;

	/* Lines are LF or CR LF: libyaml also breaks lines at a lone CR, NEL, LS and PS,
	   which would make its lines and ours disagree. */
	for (i = 0; i < len; i++) {
		const unsigned char *u = (const unsigned char *)text + i;
		if ((u[0] == '\r' && (i + 1 == len || u[1] != '\n')) ||
		    (u[0] == 0xC2 && i + 1 < len && u[1] == 0x85) ||
		    (u[0] == 0xE2 && i + 2 < len && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9)))
			return hm__err(HM_EFORMAT, "the front matter breaks a line with a lone CR, NEL, "
				       "LS or PS character: use LF or CR LF");
	}
	if (!yaml_parser_initialize(&p))
		return hm__err_oom();
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = parse_error(&p);
			break;
		}
		if (ev.type == YAML_ALIAS_EVENT ||
		    (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.anchor) ||
		    (ev.type == YAML_SEQUENCE_START_EVENT && ev.data.sequence_start.anchor) ||
		    (ev.type == YAML_MAPPING_START_EVENT && ev.data.mapping_start.anchor))
			rc = hm__err(HM_EFORMAT, "front matter line %zu: YAML anchors and aliases are "
				     "not supported in a card's front matter",
				     ev.start_mark.line + 1);
		if (rc == 0 && ((ev.type == YAML_DOCUMENT_START_EVENT &&
				 !ev.data.document_start.implicit) ||
				(ev.type == YAML_DOCUMENT_END_EVENT && !ev.data.document_end.implicit)))
			rc = hm__err(HM_EFORMAT, "front matter line %zu: a \"---\" or \"...\" "
				     "document marker inside the front matter", ev.start_mark.line + 1);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

int hm__front_matter_parse(struct hm__front_matter *fm, const char *text, size_t len)
{
	yaml_parser_t p;
	yaml_document_t extra;
	yaml_node_t *root;
	yaml_node_pair_t *pair;
	size_t i, n, nlines = 0, *lines = NULL;
	int rc = 0;

	memset(fm, 0, sizeof(*fm));
	if ((rc = no_anchors(text, len)) < 0)
		return rc;
	if (!yaml_parser_initialize(&p))
		return hm__err_oom();
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &fm->doc)) {
		rc = parse_error(&p);
		yaml_parser_delete(&p);
		return rc;
	}
	fm->loaded = 1;
	root = yaml_document_get_root_node(&fm->doc);
	if (root) {
		/* One document only: a second one would be lost by a merge. */
		if (!yaml_parser_load(&p, &extra)) {
			rc = parse_error(&p);
		} else {
			if (yaml_document_get_root_node(&extra))
				rc = hm__err(HM_EFORMAT, "the front matter holds more than one YAML "
					     "document");
			yaml_document_delete(&extra);
		}
	}
	yaml_parser_delete(&p);
	if (rc < 0)
		goto fail;
	if (!root)
		return 0;
	if (root->type != YAML_MAPPING_NODE || root->data.mapping.style == YAML_FLOW_MAPPING_STYLE ||
	    root->start_mark.column != 0) {
		rc = hm__err(HM_EFORMAT, "the front matter is not a YAML block mapping (key: value "
			     "lines starting at column 1)");
		goto fail;
	}
	lines = line_table(text, len, &nlines);
	if (!lines) {
		rc = hm__err_oom();
		goto fail;
	}
	n = (size_t)(root->data.mapping.pairs.top - root->data.mapping.pairs.start);
	fm->keys = calloc(n ? n : 1, sizeof(*fm->keys));
	if (!fm->keys) {
		rc = hm__err_oom();
		goto fail;
	}
	for (pair = root->data.mapping.pairs.start, i = 0; i < n; pair++, i++) {
		yaml_node_t *k = yaml_document_get_node(&fm->doc, pair->key);
		struct hm__yaml_key *key = &fm->keys[i];
		if (!k || k->type != YAML_SCALAR_NODE || k->start_mark.column != 0 ||
		    k->start_mark.line >= nlines) {
			rc = hm__err(HM_EFORMAT, "front matter: a top-level key is not a string at "
				     "the start of its line");
			goto fail;
		}
		key->start = lines[k->start_mark.line];
		key->value = yaml_document_get_node(&fm->doc, pair->value);
		if (k->type == YAML_SCALAR_NODE) {
			key->name = strndup((const char *)k->data.scalar.value,
					    k->data.scalar.length);
			if (!key->name) {
				rc = hm__err_oom();
				goto fail;
			}
		}
		fm->nkeys++;
	}
	for (i = 0; i < fm->nkeys; i++) {
		size_t end = i + 1 < fm->nkeys ? fm->keys[i + 1].start : len, floor = 0, l;
		yaml_node_t *v = fm->keys[i].value;
		if (end <= fm->keys[i].start) {
			rc = hm__err(HM_EFORMAT, "front matter: two top-level keys on one line");
			goto fail;
		}
		if (v && v->type == YAML_SCALAR_NODE) {
			/* a scalar's lines all belong to it, even blank ones */
			l = v->end_mark.column == 0 ? v->end_mark.line : v->end_mark.line + 1;
			floor = l < nlines ? lines[l] : len;
			if (floor > end)
				floor = end;
		}
		fm->keys[i].end = trim_tail(text, fm->keys[i].start, end, floor);
	}
	free(lines);
	return 0;
fail:
	free(lines);
	hm__front_matter_free(fm);
	return rc;
}

void hm__front_matter_free(struct hm__front_matter *fm)
{
	size_t i;

	for (i = 0; i < fm->nkeys; i++)
		free(fm->keys[i].name);
	free(fm->keys);
	if (fm->loaded)
		yaml_document_delete(&fm->doc);
	memset(fm, 0, sizeof(*fm));
}

yaml_node_t *hm__front_matter_get(struct hm__front_matter *fm, const char *key)
{
	size_t i;

	for (i = 0; i < fm->nkeys; i++)
		if (fm->keys[i].name && strcmp(fm->keys[i].name, key) == 0)
			return fm->keys[i].value;
	return NULL;
}
