/*
 * Parsed JSON records as flat node arrays (dataset_value.h): filled by the
 * fast parser or from jansson's tree (the reference parser), then read the
 * same way whichever filled them: the duplicate key, the screened text and
 * the schema checks (dataset_schema.c) all come from the nodes.
 *
 * The duplicate key stands for the record's content: two records are
 * duplicates exactly when their JSON values are equal as jansson reads them,
 * with key order and spacing ignored (as the canonical JSON of the records
 * compared before). It is binary, so nothing is formatted: a type byte, then
 * integers and reals as their 8 bytes, strings with their length, arrays
 * with their count, objects with their members sorted by name.
 */
#include "dataset_impl.h"

#include <stdlib.h>
#include <string.h>

long hm__value_add(hm__value *val, int type)
{
	hm__vnode *n;

	if (val->n == val->cap) {
		size_t cap = val->cap ? val->cap * 2 : 256;
		hm__vnode *v = reallocarray(val->v, cap, sizeof(*v));
		if (!v || cap > 0xffffffffu)
			return -1;
		val->v = v;
		val->cap = cap;
	}
	n = &val->v[val->n];
	n->type = (uint8_t)type;
	n->s = NULL;
	n->u.len = 0;
	n->n = 0;
	n->end = (uint32_t)(val->n + 1);
	return (long)val->n++;
}

void hm__value_free(hm__value *val)
{
	free(val->v);
	memset(val, 0, sizeof(*val));
}

/* Depth is bounded by jansson's parser (2048 levels). */
static int from_json(hm__value *val, const json_t *j)
{
	const char *k;
	json_t *x;
	long i;
	size_t a;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		if ((i = hm__value_add(val, HM__V_OBJECT)) < 0)
			return HM_ENOMEM;
		json_object_foreach((json_t *)j, k, x) {
			long ki = hm__value_add(val, HM__V_KEY);
			if (ki < 0)
				return HM_ENOMEM;
			val->v[ki].s = k;
			val->v[ki].u.len = strlen(k);
			if (from_json(val, x) < 0)
				return HM_ENOMEM;
		}
		val->v[i].n = (uint32_t)json_object_size(j);
		val->v[i].end = (uint32_t)val->n;
		return 0;
	case JSON_ARRAY:
		if ((i = hm__value_add(val, HM__V_ARRAY)) < 0)
			return HM_ENOMEM;
		for (a = 0; a < json_array_size(j); a++)
			if (from_json(val, json_array_get(j, a)) < 0)
				return HM_ENOMEM;
		val->v[i].n = (uint32_t)json_array_size(j);
		val->v[i].end = (uint32_t)val->n;
		return 0;
	case JSON_STRING:
		if ((i = hm__value_add(val, HM__V_STRING)) < 0)
			return HM_ENOMEM;
		val->v[i].s = json_string_value(j);
		val->v[i].u.len = json_string_length(j);
		return 0;
	case JSON_INTEGER:
		if ((i = hm__value_add(val, HM__V_INT)) < 0)
			return HM_ENOMEM;
		val->v[i].u.i = (int64_t)json_integer_value(j);
		return 0;
	case JSON_REAL:
		if ((i = hm__value_add(val, HM__V_REAL)) < 0)
			return HM_ENOMEM;
		val->v[i].u.d = json_real_value(j);
		return 0;
	case JSON_TRUE:
		return hm__value_add(val, HM__V_TRUE) < 0 ? HM_ENOMEM : 0;
	case JSON_FALSE:
		return hm__value_add(val, HM__V_FALSE) < 0 ? HM_ENOMEM : 0;
	default:
		return hm__value_add(val, HM__V_NULL) < 0 ? HM_ENOMEM : 0;
	}
}

int hm__value_from_json(hm__value *val, const json_t *j)
{
	val->n = 0;
	return from_json(val, j);
}

/* ---- the duplicate key ---- */

typedef struct member {
	const char *name;
	size_t nlen, off, len; /* the member's bytes in the key buffer */
} member;

typedef struct keyctx {
	const hm__value *val;
	hm_buf *out;
	member *m; /* a stack: each object's members above its parent's */
	size_t nm, capm;
	hm_buf tmp;
	int dup_name;
} keyctx;

static int put_u64(hm_buf *b, uint64_t x)
{
	unsigned char le[8];
	int k;

	for (k = 0; k < 8; k++)
		le[k] = (unsigned char)(x >> (8 * k));
	return hm__buf_put(b, le, 8);
}

static int name_cmp(const void *a, const void *b)
{
	const member *x = a, *y = b;
	size_t n = x->nlen < y->nlen ? x->nlen : y->nlen;
	int c = memcmp(x->name, y->name, n);

	return c ? c : (x->nlen > y->nlen) - (x->nlen < y->nlen);
}

static int key_of(keyctx *c, uint32_t i);

static int key_object(keyctx *c, uint32_t i)
{
	const hm__vnode *o = &c->val->v[i];
	size_t base = c->nm, k, n = o->n, start;
	uint32_t j = i + 1;
	int sorted = 1, rc;

	if ((rc = put_u64(c->out, n)) < 0)
		return rc;
	start = c->out->len;
	if (c->nm + n > c->capm) {
		size_t cap = (c->nm + n) * 2;
		member *m = reallocarray(c->m, cap, sizeof(*m));
		if (!m)
			return HM_ENOMEM;
		c->m = m;
		c->capm = cap;
	}
	c->nm += n;
	for (k = 0; k < n; k++) {
		const hm__vnode *key = &c->val->v[j];
		member *m = &c->m[base + k];

		m->name = key->s;
		m->nlen = key->u.len;
		m->off = c->out->len;
		if ((rc = put_u64(c->out, key->u.len)) < 0 ||
		    (rc = hm__buf_put(c->out, key->s, key->u.len)) < 0 ||
		    (rc = key_of(c, j + 1)) < 0)
			return rc;
		m = &c->m[base + k]; /* the stack may have moved */
		m->len = c->out->len - m->off;
		if (k && name_cmp(&c->m[base + k - 1], m) >= 0)
			sorted = 0;
		j = c->val->v[j + 1].end;
	}
	if (!sorted) {
		char *w;
		qsort(c->m + base, n, sizeof(member), name_cmp);
		c->tmp.len = 0;
		if ((rc = hm__buf_put(&c->tmp, c->out->data + start, c->out->len - start)) < 0)
			return rc;
		w = c->out->data + start;
		for (k = 0; k < n; k++) {
			const member *m = &c->m[base + k];
			if (k && name_cmp(&c->m[base + k - 1], m) == 0)
				c->dup_name = 1;
			memcpy(w, c->tmp.data + (m->off - start), m->len);
			w += m->len;
		}
	}
	c->nm = base;
	return 0;
}

static int key_of(keyctx *c, uint32_t i)
{
	const hm__vnode *v = &c->val->v[i];
	static const char tags[] = "nftidsaok";
	char tag = tags[v->type];
	uint32_t j, k;
	int rc;

	if ((rc = hm__buf_put(c->out, &tag, 1)) < 0)
		return rc;
	switch (v->type) {
	case HM__V_INT:
		return put_u64(c->out, (uint64_t)v->u.i);
	case HM__V_REAL: {
		uint64_t bits;
		memcpy(&bits, &v->u.d, 8);
		return put_u64(c->out, bits);
	}
	case HM__V_STRING:
		if ((rc = put_u64(c->out, v->u.len)) < 0)
			return rc;
		return hm__buf_put(c->out, v->s, v->u.len);
	case HM__V_ARRAY:
		if ((rc = put_u64(c->out, v->n)) < 0)
			return rc;
		for (k = 0, j = i + 1; k < v->n; k++, j = c->val->v[j].end)
			if ((rc = key_of(c, j)) < 0)
				return rc;
		return 0;
	case HM__V_OBJECT:
		return key_object(c, i);
	default:
		return 0;
	}
}

int hm__value_key(hm_buf *out, const hm__value *val, int *dup_name, hm__keyscratch *ks)
{
	keyctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.val = val;
	c.out = out;
	c.m = ks->m;
	c.capm = ks->capm;
	c.tmp = ks->tmp;
	out->len = 0;
	rc = key_of(&c, 0);
	*dup_name = c.dup_name;
	ks->m = c.m;
	ks->capm = c.capm;
	ks->tmp = c.tmp;
	return rc;
}

void hm__keyscratch_free(hm__keyscratch *ks)
{
	free(ks->m);
	hm__buf_free(&ks->tmp);
	memset(ks, 0, sizeof(*ks));
}

int hm__value_strings(hm_buf *out, const hm__value *val)
{
	size_t i, total = 0;
	char *o;
	int rc;

	/* one growth for all the strings, then plain copies */
	for (i = 0; i < val->n; i++)
		if (val->v[i].type == HM__V_STRING) {
			if (val->v[i].u.len >= SIZE_MAX - total)
				return hm__err_oom();
			total += val->v[i].u.len + 1;
		}
	if ((rc = hm__buf_grow(out, total)) < 0)
		return rc;
	o = out->data + out->len;
	for (i = 0; i < val->n; i++) {
		if (val->v[i].type != HM__V_STRING)
			continue;
		if (val->v[i].u.len)
			memcpy(o, val->v[i].s, val->v[i].u.len);
		o += val->v[i].u.len;
		*o++ = '\x1e';
	}
	out->len += total;
	out->data[out->len] = '\0';
	return 0;
}

uint32_t hm__value_get(const hm__value *val, uint32_t obj, const char *name)
{
	const hm__vnode *o = &val->v[obj];
	size_t len = strlen(name);
	uint32_t j = obj + 1, k;

	if (o->type != HM__V_OBJECT)
		return 0;
	for (k = 0; k < o->n; k++, j = val->v[j + 1].end)
		if (val->v[j].u.len == len && memcmp(val->v[j].s, name, len) == 0)
			return j + 1;
	return 0;
}
