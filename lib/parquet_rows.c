/*
 * A Parquet file's rows rebuilt as records, row group by row group: each
 * read top-level column's leaf columns are decoded whole (bounded by
 * HM_PQ_MAX_GROUP), then walked together by their repetition and definition
 * levels into one OBJECT value per row (dataset_value.h), the form the JSON
 * records take, so the same checks, duplicate keys and screening apply.
 */
#include "dataset_impl.h"
#include "parquet.h"

#include <stdlib.h>
#include <string.h>

typedef struct cursor {
	hm__pq_column col;
	size_t li, vi;
} cursor;

typedef struct rows {
	const hm__pq_meta *m;
	cursor *cur; /* per leaf */
	hm__value row;
	const char *name;
} rows;

static int bad(const rows *r, const char *why)
{
	return hm__err(HM_EINVAL, "%s: not a readable Parquet file: %s", r->name, why);
}

static int add(hm__value *v, int type, const char *s, size_t len)
{
	long i = hm__value_add(v, type);

	if (i < 0)
		return hm__err_oom();
	v->v[i].s = s;
	v->v[i].u.len = len;
	return 0;
}

static int add_key(hm__value *v, const char *name)
{
	return add(v, HM__V_KEY, name, strlen(name));
}

/* The leaf's value at its cursor (defined) or null; advances one level. */
static int leaf_value(rows *r, int leaf)
{
	cursor *c = &r->cur[leaf];
	const hm__pq_leaf *l = &r->m->leaves[leaf];
	long i;

	if (c->li >= c->col.nlevels)
		return bad(r, "a column holds fewer values than its rows");
	if (c->col.def[c->li++] < l->max_def)
		return add(&r->row, HM__V_NULL, NULL, 0);
	if (c->vi >= c->col.nvals)
		return bad(r, "a column holds fewer values than its levels say");
	if ((i = hm__value_add(&r->row, HM__V_NULL)) < 0)
		return hm__err_oom();
	r->row.v[i] = c->col.vals[c->vi++];
	r->row.v[i].end = (uint32_t)i + 1;
	r->row.v[i].n = 0;
	return 0;
}

static void close_node(hm__value *v, long i, uint32_t n)
{
	v->v[i].end = (uint32_t)v->n;
	v->v[i].n = n;
}

/* 1 when the leaf's next level is below def (a null at that depth). */
static int null_at(const rows *r, int leaf, int def)
{
	const cursor *c = &r->cur[leaf];

	return c->li < c->col.nlevels && c->col.def[c->li] < def;
}

/* The members of a group of leaves [first, first + n), one level each; a null member is left
 * out, as a record converted to Parquet gets nulls for the keys it lacked. */
static int members(rows *r, int first, int n, long *obj)
{
	int k, rc;
	uint32_t count = 0;

	if ((*obj = hm__value_add(&r->row, HM__V_OBJECT)) < 0)
		return hm__err_oom();
	for (k = 0; k < n; k++) {
		const hm__pq_leaf *l = &r->m->leaves[first + k];
		if (null_at(r, first + k, l->max_def)) {
			r->cur[first + k].li++;
			continue;
		}
		if ((rc = add_key(&r->row, r->m->schema[l->schema].name)) < 0 ||
		    (rc = leaf_value(r, first + k)) < 0)
			return rc;
		count++;
	}
	close_node(&r->row, *obj, count);
	return 0;
}

/* Skips one level in each leaf of the group (a null parent). */
static int skip(rows *r, int first, int n)
{
	int k;

	for (k = 0; k < n; k++)
		if (r->cur[first + k].li++ >= r->cur[first + k].col.nlevels)
			return bad(r, "a column holds fewer values than its rows");
	return 0;
}

static int list(rows *r, const hm__pq_top *t)
{
	int f = t->first_leaf, n = t->nleaves, k, rc;
	const hm__pq_leaf *l = &r->m->leaves[f];
	cursor *c = &r->cur[f];
	uint32_t count = 0;
	long arr, obj;
	uint8_t d;

	if (c->li >= c->col.nlevels)
		return bad(r, "a column holds fewer values than its rows");
	if (c->col.rep[c->li] != 0)
		return bad(r, "a row does not start at repetition level 0");
	d = c->col.def[c->li];
	if (d < l->def_slot) {
		if ((rc = skip(r, f, n)) < 0)
			return rc;
		if (d < l->def_list)
			return add(&r->row, HM__V_NULL, NULL, 0);
		if ((arr = hm__value_add(&r->row, HM__V_ARRAY)) < 0)
			return hm__err_oom();
		close_node(&r->row, arr, 0);
		return 0;
	}
	if ((arr = hm__value_add(&r->row, HM__V_ARRAY)) < 0)
		return hm__err_oom();
	do {
		/* every leaf of the element agrees with the first on where elements are */
		for (k = 1; k < n; k++) {
			const cursor *o = &r->cur[f + k];
			if (o->li >= o->col.nlevels || o->col.rep[o->li] != c->col.rep[c->li] ||
			    (o->col.def[o->li] >= r->m->leaves[f + k].def_elem) !=
				    (c->col.def[c->li] >= l->def_elem))
				return bad(r, "the nested columns of a list disagree");
		}
		if (t->shape == HM_PQ_SHAPE_LIST)
			rc = leaf_value(r, f);
		else if (c->col.def[c->li] < l->def_elem)
			rc = skip(r, f, n) < 0 ? HM_EINVAL : add(&r->row, HM__V_NULL, NULL, 0);
		else
			rc = members(r, f, n, &obj);
		if (rc < 0)
			return rc;
		count++;
	} while (c->li < c->col.nlevels && c->col.rep[c->li] > 0);
	close_node(&r->row, arr, count);
	return 0;
}

static int top_value(rows *r, const hm__pq_top *t)
{
	int f = t->first_leaf;
	const cursor *c = &r->cur[f];
	long obj;

	switch (t->shape) {
	case HM_PQ_SHAPE_VALUE:
		return leaf_value(r, f);
	case HM_PQ_SHAPE_STRUCT:
		if (c->li < c->col.nlevels && c->col.def[c->li] < r->m->leaves[f].def_list) {
			int rc = skip(r, f, t->nleaves);
			return rc < 0 ? rc : add(&r->row, HM__V_NULL, NULL, 0);
		}
		return members(r, f, t->nleaves, &obj);
	default:
		return list(r, t);
	}
}

static int group_rows(rows *r, const hm__pq_group *g, hm__pq_row_fn fn, void *ctx)
{
	const hm__pq_meta *m = r->m;
	int64_t row;
	size_t t, k;
	uint32_t nmembers;
	int rc;

	for (row = 0; row < g->num_rows; row++) {
		long obj;
		r->row.n = 0;
		if ((obj = hm__value_add(&r->row, HM__V_OBJECT)) < 0)
			return hm__err_oom();
		nmembers = 0;
		for (t = 0; t < m->ntops; t++) {
			const hm__pq_top *top = &m->tops[t];
			const hm__pq_leaf *l = &m->leaves[top->first_leaf];
			if (top->shape == HM_PQ_SHAPE_UNREAD)
				continue;
			/* a null column is left out of the record (see members) */
			if (null_at(r, top->first_leaf,
				    top->shape == HM_PQ_SHAPE_VALUE ? l->max_def : l->def_list)) {
				if ((rc = skip(r, top->first_leaf, top->nleaves)) < 0)
					return rc;
				continue;
			}
			if ((rc = add_key(&r->row, m->schema[top->schema].name)) < 0 ||
			    (rc = top_value(r, top)) < 0)
				return rc;
			nmembers++;
		}
		close_node(&r->row, obj, nmembers);
		if ((rc = fn(ctx, &r->row)) < 0)
			return rc;
	}
	for (k = 0; k < m->nleaves; k++)
		if (m->tops[m->leaves[k].top].shape != HM_PQ_SHAPE_UNREAD &&
		    (r->cur[k].li != r->cur[k].col.nlevels || r->cur[k].vi != r->cur[k].col.nvals))
			return bad(r, "a column holds more values than its row group's rows");
	return 0;
}

int hm__pq_read_rows(const hm__pq_meta *m, const hm__pq_source *src, hm__pq_row_fn fn, void *ctx)
{
	rows r;
	size_t g, k;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.m = m;
	r.name = src->name;
	if (!(r.cur = calloc(m->nleaves ? m->nleaves : 1, sizeof(cursor))))
		return hm__err_oom();
	for (g = 0; g < m->ngroups && rc == 0; g++) {
		const hm__pq_group *grp = &m->groups[g];
		uint64_t used = 0;
		for (k = 0; k < m->nleaves && rc == 0; k++) {
			if (m->tops[m->leaves[k].top].shape == HM_PQ_SHAPE_UNREAD)
				continue;
			rc = hm__pq_column_read(&r.cur[k].col, src, &m->leaves[k], &grp->chunks[k],
						HM_PQ_MAX_GROUP - used);
			used += r.cur[k].col.bytes + (uint64_t)grp->chunks[k].size;
			if (rc == 0 && used > HM_PQ_MAX_GROUP)
				rc = hm__err(HM_EINVAL, "%s: a row group decodes to more than %llu bytes",
					     src->name, (unsigned long long)HM_PQ_MAX_GROUP);
		}
		if (rc == 0)
			rc = group_rows(&r, grp, fn, ctx);
		for (k = 0; k < m->nleaves; k++) {
			hm__pq_column_free(&r.cur[k].col);
			r.cur[k].li = r.cur[k].vi = 0;
		}
	}
	free(r.cur);
	hm__value_free(&r.row);
	return rc;
}
