/*
 * A Parquet file's footer: "PAR1" at both ends, the FileMetaData (Thrift
 * compact) before the last eight bytes. Read into the schema tree, its leaf
 * columns with their level bounds, the top-level columns and how each maps
 * to a record member (or why it is not read), and the row groups' column
 * chunks, whose offsets are checked against the file.
 */
#include "parquet.h"

#include <stdlib.h>
#include <string.h>

static int bad(const char *name, const char *why)
{
	return hm__err(HM_EINVAL, "%s: not a readable Parquet file: %s", name, why);
}

/* LogicalType is a union; only LIST (3) and STRING (1) matter here. */
static int logical(hm__thrift *t)
{
	int16_t last = 0, id;
	int ft, which = 0;

	while (hm__thrift_field(t, &last, &id, &ft)) {
		if (ft == HM_TT_STRUCT && (id == 1 || id == 3 || id == 4 || id == 11))
			which = id;
		hm__thrift_skip(t, ft);
	}
	return which;
}

static void schema_element(hm__thrift *t, hm__pq_schema *s)
{
	int16_t last = 0, id;
	int ft, lt;
	uint32_t len;
	const unsigned char *p;

	s->type = -1;
	s->converted = -1;
	while (hm__thrift_field(t, &last, &id, &ft)) {
		switch (id) {
		case 1: s->type = (int)hm__thrift_int(t, ft); break;
		case 2: s->type_length = (int)hm__thrift_int(t, ft); break;
		case 3: s->repetition = (int)hm__thrift_int(t, ft); break;
		case 5: s->num_children = (int)hm__thrift_int(t, ft); break;
		case 6: s->converted = (int)hm__thrift_int(t, ft); break;
		case 4:
			if (ft != HM_TT_BINARY) {
				hm__thrift_skip(t, ft);
				break;
			}
			p = hm__thrift_binary(t, &len);
			if (p && !s->name && (s->name = malloc((size_t)len + 1))) {
				memcpy(s->name, p, len);
				s->name[len] = 0;
			}
			break;
		case 10:
			if (ft != HM_TT_STRUCT) {
				hm__thrift_skip(t, ft);
				break;
			}
			lt = logical(t);
			if (lt == 3)
				s->is_list = 1;
			else if (lt == 1 || lt == 4 || lt == 11) /* STRING, ENUM, JSON */
				s->converted = 0;
			break;
		default: hm__thrift_skip(t, ft);
		}
	}
	if (s->converted == 3)
		s->is_list = 1;
}

/* NULL for a codec this reader decodes, else why not. */
static const char *codec_unread(int c)
{
	switch (c) {
	case HM_PQ_UNCOMPRESSED:
	case HM_PQ_SNAPPY:
	case HM_PQ_GZIP:
	case HM_PQ_ZSTD: return NULL;
	case 3: return "LZO compression is not read";
	case 4: return "Brotli compression is not read";
	case 5:
	case 7: return "LZ4 compression is not read";
	default: return "an unknown compression codec";
	}
}

/* NULL for PLAIN, PLAIN_DICTIONARY, RLE, RLE_DICTIONARY, else why not. */
static const char *encoding_unread(int64_t e)
{
	switch (e) {
	case 0:
	case 2:
	case 3:
	case 8: return NULL;
	case 4: return "BIT_PACKED levels are not read";
	case 5: return "the DELTA_BINARY_PACKED encoding is not read";
	case 6: return "the DELTA_LENGTH_BYTE_ARRAY encoding is not read";
	case 7: return "the DELTA_BYTE_ARRAY encoding is not read";
	case 9: return "the BYTE_STREAM_SPLIT encoding is not read";
	default: return "an unknown encoding";
	}
}

static void column_meta(hm__thrift *t, hm__pq_chunk *c, int *type)
{
	int16_t last = 0, id;
	int ft, et;
	uint32_t n, i;

	while (hm__thrift_field(t, &last, &id, &ft)) {
		switch (id) {
		case 1: *type = (int)hm__thrift_int(t, ft); break;
		case 2:
			if (ft != HM_TT_LIST) {
				hm__thrift_skip(t, ft);
				break;
			}
			if (hm__thrift_list(t, &et, &n) < 0)
				break;
			for (i = 0; i < n && !t->err; i++) {
				const char *why = encoding_unread(hm__thrift_int(t, et));
				if (why && !c->unsupported)
					c->unsupported = why;
			}
			break;
		case 4:
			c->codec = (int)hm__thrift_int(t, ft);
			if (codec_unread(c->codec))
				c->unsupported = codec_unread(c->codec);
			break;
		case 5: c->num_values = hm__thrift_int(t, ft); break;
		case 7: c->size = hm__thrift_int(t, ft); break;
		case 9: c->data_off = hm__thrift_int(t, ft); break;
		case 11: c->dict_off = hm__thrift_int(t, ft); break;
		default: hm__thrift_skip(t, ft);
		}
	}
}

static void column_chunk(hm__thrift *t, hm__pq_chunk *c, int *type, int *external)
{
	int16_t last = 0, id;
	int ft;

	*type = -1;
	while (hm__thrift_field(t, &last, &id, &ft)) {
		if (id == 1 && ft == HM_TT_BINARY)
			*external = 1;
		if (id == 3 && ft == HM_TT_STRUCT)
			column_meta(t, c, type);
		else
			hm__thrift_skip(t, ft);
	}
}

static int row_group(hm__thrift *t, hm__pq_meta *m, hm__pq_group *g, uint64_t limit,
		     const char *name)
{
	int16_t last = 0, id;
	int ft, et, type, external;
	uint32_t n, i;
	int have_cols = 0;

	while (hm__thrift_field(t, &last, &id, &ft)) {
		if (id == 3) {
			g->num_rows = hm__thrift_int(t, ft);
			continue;
		}
		if (id != 1 || ft != HM_TT_LIST || have_cols) {
			hm__thrift_skip(t, ft);
			continue;
		}
		have_cols = 1;
		if (hm__thrift_list(t, &et, &n) < 0 || et != HM_TT_STRUCT)
			return bad(name, t->err ? t->err : "row group columns are no structs");
		if (n != m->nleaves)
			return bad(name, "a row group's column count differs from the schema's");
		if (!(g->chunks = calloc(n ? n : 1, sizeof(*g->chunks))))
			return hm__err_oom();
		for (i = 0; i < n && !t->err; i++) {
			hm__pq_chunk *c = &g->chunks[i];
			int64_t start;
			external = 0;
			column_chunk(t, c, &type, &external);
			if (t->err)
				break;
			if (type != m->leaves[i].type)
				return bad(name, "a column chunk's type differs from the schema's");
			if (external)
				c->unsupported = "its values are stored in another file";
			start = c->dict_off > 0 && c->dict_off < c->data_off ? c->dict_off : c->data_off;
			if (c->num_values < 0 || c->size < 0 || start < 4 ||
			    (uint64_t)start > limit || (uint64_t)c->size > limit - (uint64_t)start)
				return bad(name, "a column chunk lies outside the file's data");
			c->data_off = start; /* pages are read in order from the first */
		}
	}
	if (t->err)
		return bad(name, t->err);
	if (!have_cols)
		return bad(name, "a row group has no columns");
	if (g->num_rows < 0)
		return bad(name, "a row group has a negative row count");
	return 0;
}

/* Parent links, level bounds, leaves and top-level columns from the flat schema. */
static int build_tree(hm__pq_meta *m, const char *name)
{
	int stack[HM_PQ_MAX_DEPTH + 1], left[HM_PQ_MAX_DEPTH + 1], sp = 0;
	int *def, *rep;
	size_t i;

	if (m->nschema == 0 || m->schema[0].num_children <= 0)
		return bad(name, "the schema has no columns");
	if (!(def = calloc(m->nschema, sizeof(int))) || !(rep = calloc(m->nschema, sizeof(int)))) {
		free(def);
		return hm__err_oom();
	}
	m->schema[0].parent = -1;
	stack[0] = 0;
	left[0] = m->schema[0].num_children;
	for (i = 1; i < m->nschema; i++) {
		hm__pq_schema *s = &m->schema[i];
		while (sp > 0 && left[sp] == 0)
			sp--;
		if (left[sp] == 0)
			break; /* more elements than the root holds */
		left[sp]--;
		s->parent = stack[sp];
		if (!s->name || s->repetition < 0 || s->repetition > 2 || s->num_children < 0 ||
		    (s->num_children == 0 && (s->type < 0 || s->type > HM_PQ_FIXED)) ||
		    (s->type == HM_PQ_FIXED && s->type_length <= 0)) {
			free(def);
			free(rep);
			return bad(name, "a schema element is malformed");
		}
		def[i] = def[s->parent] + (s->repetition != HM_PQ_REQUIRED);
		rep[i] = rep[s->parent] + (s->repetition == HM_PQ_REPEATED);
		if (s->num_children > 0) {
			s->type = -1;
			if (sp + 1 > HM_PQ_MAX_DEPTH) {
				free(def);
				free(rep);
				return bad(name, "the schema is nested too deeply");
			}
			stack[++sp] = (int)i;
			left[sp] = s->num_children;
		} else {
			m->nleaves++;
		}
	}
	while (sp > 0 && left[sp] == 0)
		sp--;
	if (i != m->nschema || left[0] != 0 || sp != 0 || m->nleaves == 0) {
		free(def);
		free(rep);
		return bad(name, "the schema's child counts do not add up");
	}
	m->ntops = (size_t)m->schema[0].num_children;
	m->leaves = calloc(m->nleaves, sizeof(*m->leaves));
	m->tops = calloc(m->ntops, sizeof(*m->tops));
	if (!m->leaves || !m->tops) {
		free(def);
		free(rep);
		return hm__err_oom();
	}
	{
		size_t nl = 0, nt = 0;
		for (i = 1; i < m->nschema; i++) {
			const hm__pq_schema *s = &m->schema[i];
			int top = (int)i;
			hm__pq_leaf *l;
			if (s->parent == 0) {
				m->tops[nt].schema = (int)i;
				m->tops[nt].first_leaf = (int)nl;
				nt++;
			}
			if (s->num_children > 0)
				continue;
			while (m->schema[top].parent != 0)
				top = m->schema[top].parent;
			l = &m->leaves[nl++];
			l->schema = (int)i;
			l->top = (int)nt - 1;
			l->max_def = def[i];
			l->max_rep = rep[i];
			l->type = s->type;
			l->type_length = s->type_length;
			l->is_string = s->type == HM_PQ_BYTE_ARRAY && s->converted == 0;
			m->tops[nt - 1].nleaves++;
			/* levels of the ancestors, for the LIST shapes */
			{
				int a = (int)i, path[HM_PQ_MAX_DEPTH + 2], np = 0;
				while (a > 0 && np < HM_PQ_MAX_DEPTH + 1) {
					path[np++] = a;
					a = m->schema[a].parent;
				}
				/* path[np-1] is the top, path[np-2] the repeated slot, path[np-3] the element */
				l->def_list = def[path[np - 1]];
				l->def_slot = np >= 2 ? def[path[np - 2]] : l->max_def;
				l->def_elem = np >= 3 ? def[path[np - 3]] : l->def_slot;
			}
		}
	}
	free(def);
	free(rep);
	return 0;
}

static int is_leaf(const hm__pq_meta *m, int i)
{
	return m->schema[i].num_children == 0;
}

/* Children of a group that are all non-repeated leaves: 1. */
static int flat_group(const hm__pq_meta *m, int g)
{
	size_t i;

	for (i = (size_t)g + 1; i < m->nschema && m->schema[i].parent >= g; i++) {
		if (m->schema[i].parent != g)
			return 0;
		if (!is_leaf(m, (int)i) || m->schema[i].repetition == HM_PQ_REPEATED)
			return 0;
	}
	return 1;
}

static void shape_of(hm__pq_meta *m, hm__pq_top *t)
{
	const hm__pq_schema *s = &m->schema[t->schema];
	int c, e;
	int k;

	t->shape = HM_PQ_SHAPE_UNREAD;
	t->why = "nested deeper than this reader reads";
	if (s->repetition == HM_PQ_REPEATED) {
		t->why = "a repeated top-level field";
		return;
	}
	if (is_leaf(m, t->schema)) {
		t->shape = HM_PQ_SHAPE_VALUE;
	} else if (!s->is_list) {
		if (flat_group(m, t->schema))
			t->shape = HM_PQ_SHAPE_STRUCT;
	} else if (s->num_children == 1 && m->schema[c = t->schema + 1].repetition == HM_PQ_REPEATED) {
		if (is_leaf(m, c)) {
			t->shape = HM_PQ_SHAPE_LIST; /* two-level list of primitives */
		} else if (m->schema[c].num_children == 1) {
			e = c + 1;
			if (m->schema[e].repetition != HM_PQ_REPEATED) {
				if (is_leaf(m, e))
					t->shape = HM_PQ_SHAPE_LIST;
				else if (flat_group(m, e))
					t->shape = HM_PQ_SHAPE_LIST_STRUCT;
			}
		} else if (flat_group(m, c)) {
			t->shape = HM_PQ_SHAPE_LIST_STRUCT; /* two-level list of structs */
			for (k = 0; k < t->nleaves; k++)
				m->leaves[t->first_leaf + k].def_elem = m->leaves[t->first_leaf + k].def_slot;
		}
	}
	for (k = 0; k < t->nleaves && t->shape != HM_PQ_SHAPE_UNREAD; k++) {
		const hm__pq_leaf *l = &m->leaves[t->first_leaf + k];
		size_t g;
		if (l->type == HM_PQ_INT96) {
			t->shape = HM_PQ_SHAPE_UNREAD;
			t->why = "INT96 values are not read";
		}
		for (g = 0; g < m->ngroups; g++)
			if (m->groups[g].chunks[t->first_leaf + k].unsupported) {
				t->shape = HM_PQ_SHAPE_UNREAD;
				t->why = m->groups[g].chunks[t->first_leaf + k].unsupported;
			}
	}
	if (t->shape == HM_PQ_SHAPE_LIST) {
		/* the element is the leaf: its slot and element levels */
		hm__pq_leaf *l = &m->leaves[t->first_leaf];
		l->def_elem = l->max_def;
	}
}

int hm__pq_meta_parse(hm__pq_meta *m, const unsigned char *p, size_t n, uint64_t limit,
		      const char *name)
{
	hm__thrift t = { p, p + n, 0, NULL };
	int16_t last = 0, id;
	int ft, et, rc, have_schema = 0;
	uint32_t cnt, i;
	int64_t sum = 0;

	memset(m, 0, sizeof(*m));
	while (hm__thrift_field(&t, &last, &id, &ft)) {
		if (id == 3) {
			m->num_rows = hm__thrift_int(&t, ft);
		} else if (id == 2 && ft == HM_TT_LIST && !have_schema) {
			have_schema = 1;
			if (hm__thrift_list(&t, &et, &cnt) < 0 || et != HM_TT_STRUCT)
				return bad(name, t.err ? t.err : "the schema is no list of structs");
			if (cnt > HM_PQ_MAX_SCHEMA)
				return bad(name, "the schema has too many elements");
			if (!(m->schema = calloc(cnt ? cnt : 1, sizeof(*m->schema))))
				return hm__err_oom();
			m->nschema = cnt;
			for (i = 0; i < cnt && !t.err; i++)
				schema_element(&t, &m->schema[i]);
			if (t.err)
				return bad(name, t.err);
			if ((rc = build_tree(m, name)) < 0)
				return rc;
		} else if (id == 4 && ft == HM_TT_LIST && have_schema && !m->groups) {
			if (hm__thrift_list(&t, &et, &cnt) < 0 || et != HM_TT_STRUCT)
				return bad(name, t.err ? t.err : "the row groups are no list of structs");
			if (!(m->groups = calloc(cnt ? cnt : 1, sizeof(*m->groups))))
				return hm__err_oom();
			for (i = 0; i < cnt; i++) {
				m->ngroups = i + 1;
				if ((rc = row_group(&t, m, &m->groups[i], limit, name)) < 0)
					return rc;
				if (m->groups[i].num_rows > INT64_MAX - sum)
					return bad(name, "the row counts overflow");
				sum += m->groups[i].num_rows;
			}
		} else {
			hm__thrift_skip(&t, ft);
		}
	}
	if (t.err)
		return bad(name, t.err);
	if (!have_schema)
		return bad(name, "the footer has no schema");
	if (m->num_rows < 0 || sum != m->num_rows)
		return bad(name, "the row groups' row counts do not add up to the file's");
	for (i = 0; i < m->ntops; i++)
		shape_of(m, &m->tops[i]);
	return 0;
}

int hm__pq_meta_read(hm__pq_meta *m, const hm__pq_source *src)
{
	unsigned char tail[8], *buf;
	uint32_t len;
	int rc;

	memset(m, 0, sizeof(*m));
	if (src->size < 12)
		return bad(src->name, "shorter than a Parquet header and footer");
	if ((rc = src->read(src->ctx, 0, tail, 4)) < 0)
		return rc;
	if (memcmp(tail, "PAR1", 4) != 0)
		return bad(src->name, "it does not start with PAR1");
	if ((rc = src->read(src->ctx, src->size - 8, tail, 8)) < 0)
		return rc;
	if (memcmp(tail + 4, "PAR1", 4) != 0)
		return bad(src->name, memcmp(tail + 4, "PARE", 4) == 0
					      ? "the footer is encrypted"
					      : "it does not end with PAR1 (truncated?)");
	len = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 |
	      (uint32_t)tail[3] << 24;
	if (len > HM_PQ_MAX_FOOTER)
		return bad(src->name, "the footer is larger than 64 MiB");
	if ((uint64_t)len > src->size - 12)
		return bad(src->name, "the footer length runs past the start of the file");
	if (!(buf = malloc(len ? len : 1)))
		return hm__err_oom();
	if ((rc = src->read(src->ctx, src->size - 8 - len, buf, len)) == 0)
		rc = hm__pq_meta_parse(m, buf, len, src->size - 8 - len, src->name);
	free(buf);
	return rc;
}

void hm__pq_meta_free(hm__pq_meta *m)
{
	size_t i;

	for (i = 0; i < m->nschema; i++)
		free(m->schema[i].name);
	for (i = 0; i < m->ngroups; i++)
		free(m->groups[i].chunks);
	free(m->schema);
	free(m->leaves);
	free(m->tops);
	free(m->groups);
	memset(m, 0, sizeof(*m));
}
