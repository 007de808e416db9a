/* Writing YAML with libyaml's emitter: safe scalars, numbers, copies of loaded nodes. */
#include "yaml_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_cb(void *data, unsigned char *buffer, size_t size)
{
	struct hm__yaml_out *y = data;

	return hm__buf_put(&y->buf, buffer, size) == 0;
}

static void emit(struct hm__yaml_out *y, yaml_event_t *ev, int made)
{
	if (!made) {
		y->failed = 1;
		return;
	}
	if (y->failed) {
		yaml_event_delete(ev);
		return;
	}
	if (!yaml_emitter_emit(&y->e, ev)) /* the emitter frees the event either way */
		y->failed = 1;
}

int hm__yaml_begin(struct hm__yaml_out *y)
{
	yaml_event_t ev;

	memset(y, 0, sizeof(*y));
	if (!yaml_emitter_initialize(&y->e))
		return hm__err_oom();
	yaml_emitter_set_output(&y->e, write_cb, y);
	yaml_emitter_set_unicode(&y->e, 1);
	yaml_emitter_set_width(&y->e, -1);
	yaml_emitter_set_indent(&y->e, 2);
	emit(y, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	emit(y, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	return 0;
}

void hm__yaml_abort(struct hm__yaml_out *y)
{
	yaml_emitter_delete(&y->e);
	hm__buf_free(&y->buf);
}

int hm__yaml_end(struct hm__yaml_out *y, char **out)
{
	yaml_event_t ev;

	*out = NULL;
	emit(y, &ev, yaml_document_end_event_initialize(&ev, 1));
	emit(y, &ev, yaml_stream_end_event_initialize(&ev));
	if (!y->failed && !yaml_emitter_flush(&y->e))
		y->failed = 1;
	if (y->failed) {
		int rc = hm__err(HM_ERROR, "YAML emitter: %s",
				 y->e.problem ? y->e.problem : "out of memory");
		hm__yaml_abort(y);
		return rc;
	}
	yaml_emitter_delete(&y->e);
	if (!y->buf.data && hm__buf_puts(&y->buf, "") < 0)
		return HM_ENOMEM;
	*out = hm__buf_detach(&y->buf, NULL);
	return 0;
}

void hm__yaml_map_begin(struct hm__yaml_out *y)
{
	yaml_event_t ev;

	emit(y, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
							 YAML_BLOCK_MAPPING_STYLE));
}

void hm__yaml_map_end(struct hm__yaml_out *y)
{
	yaml_event_t ev;

	emit(y, &ev, yaml_mapping_end_event_initialize(&ev));
}

void hm__yaml_seq_begin(struct hm__yaml_out *y, int flow)
{
	yaml_event_t ev;

	emit(y, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							  flow ? YAML_FLOW_SEQUENCE_STYLE
							       : YAML_BLOCK_SEQUENCE_STYLE));
}

void hm__yaml_seq_end(struct hm__yaml_out *y)
{
	yaml_event_t ev;

	emit(y, &ev, yaml_sequence_end_event_initialize(&ev));
}

int hm__yaml_plain_ok(const char *s)
{
	static const char *const words[] = { "y", "n", "yes", "no", "on", "off", "true",
					     "false", "null" };
	char low[8];
	size_t i, n = strlen(s);

	if (n == 0 || !isalpha((unsigned char)s[0]) || s[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && !strchr(" ._/+-", c))
			return 0;
	}
	if (n < sizeof(low)) {
		for (i = 0; i <= n; i++)
			low[i] = (char)tolower((unsigned char)s[i]);
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strcmp(low, words[i]) == 0)
				return 0;
	}
	return 1;
}

static void scalar(struct hm__yaml_out *y, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	emit(y, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s),
						  1, 1, style));
}

void hm__yaml_str(struct hm__yaml_out *y, const char *s)
{
	scalar(y, s ? s : "", s && hm__yaml_plain_ok(s) ? YAML_PLAIN_SCALAR_STYLE
						     : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

void hm__yaml_num(struct hm__yaml_out *y, double v)
{
	char b[64];
	size_t n;

	snprintf(b, sizeof(b), "%.6f", v);
	n = strlen(b);
	while (n > 2 && b[n - 1] == '0' && b[n - 2] != '.')
		b[--n] = '\0';
	scalar(y, b, YAML_PLAIN_SCALAR_STYLE);
}

void hm__yaml_int(struct hm__yaml_out *y, long long v)
{
	char b[32];

	snprintf(b, sizeof(b), "%lld", v);
	scalar(y, b, YAML_PLAIN_SCALAR_STYLE);
}

void hm__yaml_kv(struct hm__yaml_out *y, const char *key, const char *value)
{
	hm__yaml_str(y, key);
	hm__yaml_str(y, value);
}

int hm__yaml_copy(struct hm__yaml_out *y, yaml_document_t *doc, yaml_node_t *node,
		  size_t *budget, int depth)
{
	yaml_event_t ev;
	int rc;

	if (!node)
		return hm__err(HM_EFORMAT, "front matter: a node is missing");
	if (*budget == 0)
		return hm__err(HM_EFORMAT, "front matter: more than %d nodes to copy (aliases?)",
			       HM_YAML_MAX_COPY_NODES);
	if (depth > HM_YAML_MAX_DEPTH)
		return hm__err(HM_EFORMAT, "front matter: nested deeper than %d levels",
			       HM_YAML_MAX_DEPTH);
	(*budget)--;
	switch (node->type) {
	case YAML_SCALAR_NODE: {
		int plain = node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
			    node->data.scalar.style == YAML_ANY_SCALAR_STYLE;
		int deftag = !node->tag || strcmp((const char *)node->tag,
						  YAML_DEFAULT_SCALAR_TAG) == 0;
		emit(y, &ev, yaml_scalar_event_initialize(&ev, NULL, deftag ? NULL : node->tag,
							  node->data.scalar.value,
							  (int)node->data.scalar.length,
							  deftag && plain, deftag && !plain,
							  node->data.scalar.style));
		return 0;
	}
	case YAML_SEQUENCE_NODE: {
		yaml_node_item_t *it;
		int deftag = !node->tag || strcmp((const char *)node->tag,
						  YAML_DEFAULT_SEQUENCE_TAG) == 0;
		emit(y, &ev, yaml_sequence_start_event_initialize(&ev, NULL,
								  deftag ? NULL : node->tag, deftag,
								  node->data.sequence.style));
		for (it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++)
			if ((rc = hm__yaml_copy(y, doc, yaml_document_get_node(doc, *it), budget,
						depth + 1)) < 0)
				return rc;
		hm__yaml_seq_end(y);
		return 0;
	}
	case YAML_MAPPING_NODE: {
		yaml_node_pair_t *p;
		int deftag = !node->tag || strcmp((const char *)node->tag,
						  YAML_DEFAULT_MAPPING_TAG) == 0;
		emit(y, &ev, yaml_mapping_start_event_initialize(&ev, NULL,
								 deftag ? NULL : node->tag, deftag,
								 node->data.mapping.style));
		for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
			if ((rc = hm__yaml_copy(y, doc, yaml_document_get_node(doc, p->key), budget,
						depth + 1)) < 0 ||
			    (rc = hm__yaml_copy(y, doc, yaml_document_get_node(doc, p->value), budget,
						depth + 1)) < 0)
				return rc;
		}
		hm__yaml_map_end(y);
		return 0;
	}
	default:
		return hm__err(HM_EFORMAT, "front matter: an empty node");
	}
}
