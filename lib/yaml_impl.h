/*
 * lib/yaml_impl.h: YAML through libyaml (internal). An emitter that writes
 * to memory and quotes every string whose plain form would read back as
 * something else (a number, a boolean, null, a date, ...), and the front
 * matter of a Markdown file (model cards).
 */
#ifndef HM_YAML_IMPL_H
#define HM_YAML_IMPL_H

#include "internal.h"

#include <yaml.h>

/* Most nodes copied from a document, so aliases cannot blow up the output. */
#define HM_YAML_MAX_COPY_NODES 100000
#define HM_YAML_MAX_DEPTH 64
/* Most bytes of strings and keys a document may expand to through its aliases. */
#define HM_YAML_MAX_EXPANDED_BYTES (32 << 20)

struct hm__yaml_out {
	yaml_emitter_t e;
	hm_buf buf;
	int failed; /* an emitter or memory error happened: the text is not usable */
};

/* Starts a stream and one implicit document. */
int hm__yaml_begin(struct hm__yaml_out *y);
/* Ends the document and stream; *out gets the text (free with free()). Always frees y. */
int hm__yaml_end(struct hm__yaml_out *y, char **out);
/* Frees an unfinished emitter. */
void hm__yaml_abort(struct hm__yaml_out *y);

void hm__yaml_map_begin(struct hm__yaml_out *y);
void hm__yaml_map_end(struct hm__yaml_out *y);
void hm__yaml_seq_begin(struct hm__yaml_out *y, int flow);
void hm__yaml_seq_end(struct hm__yaml_out *y);
/* A string, plain when that reads back as the same string, else double-quoted. */
void hm__yaml_str(struct hm__yaml_out *y, const char *s);
/* A number as a plain scalar ("%.6f" trimmed: 0.006061, 1.0). */
void hm__yaml_num(struct hm__yaml_out *y, double v);
void hm__yaml_int(struct hm__yaml_out *y, long long v);
/* key: "string" in the current mapping. */
void hm__yaml_kv(struct hm__yaml_out *y, const char *key, const char *value);
/*
 * Copies a node of a loaded document (scalars keep their style and tag),
 * refusing more than HM_YAML_MAX_COPY_NODES nodes or HM_YAML_MAX_DEPTH levels.
 * *budget counts the nodes left.
 */
int hm__yaml_copy(struct hm__yaml_out *y, yaml_document_t *doc, yaml_node_t *node,
		  size_t *budget, int depth);

/* 1 when s can be written as a plain scalar and reads back as this string. */
int hm__yaml_plain_ok(const char *s);

/* ---- YAML to JSON (yaml_json.c) ---- */

/*
 * Reads one YAML document of len bytes into a JSON value, resolving plain
 * scalars as PyYAML's yaml.safe_load does (YAML 1.1; see yaml_json.c for the
 * rules and what is refused). Anchors and aliases are expanded, up to
 * HM_YAML_MAX_COPY_NODES nodes in all and HM_YAML_MAX_DEPTH levels. name
 * names the input in errors. HM_EFORMAT with the line and the reason.
 * *out: a new reference (json_decref).
 */
int hm__yaml_to_json(json_t **out, const char *text, size_t len, const char *name);

/* ---- Markdown front matter ---- */

/*
 * Splits text into front matter and body. A front matter starts at byte 0
 * with a line "---" and ends with a line "---" or "...". *fm and *fmlen: the YAML
 * between the lines; *body: the offset of the first byte after the closing
 * line. Returns 1 when there is a front matter, 0 when there is none
 * (*body = 0), HM_EFORMAT when it is not closed.
 */
int hm__front_matter_split(const char *text, size_t len, size_t *fm, size_t *fmlen,
			   size_t *body);

/* One top-level key of a block mapping and the byte range of its lines. */
struct hm__yaml_key {
	char *name;     /* the key as a string (NULL when it is not a scalar) */
	size_t start;   /* offset of the key's line */
	size_t end;     /* offset after its value's last line (trailing blank and
			   column-0 comment lines excluded) */
	yaml_node_t *value;
};

struct hm__front_matter {
	yaml_document_t doc;
	int loaded;
	struct hm__yaml_key *keys;
	size_t nkeys;
};

/*
 * Parses front matter text (len bytes) as one YAML document whose root is a
 * block mapping (or empty). HM_EFORMAT with the line and the parser's reason
 * otherwise. Free with hm__front_matter_free.
 */
int hm__front_matter_parse(struct hm__front_matter *fm, const char *text, size_t len);
void hm__front_matter_free(struct hm__front_matter *fm);
/* The value of a top-level key, or NULL. */
yaml_node_t *hm__front_matter_get(struct hm__front_matter *fm, const char *key);

#endif
