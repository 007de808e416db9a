/*
 * A statement's JSON read with its manifest's resources held lean: the
 * predicate's "resources" array of {"name", "algorithm", "digest"} string
 * objects becomes one array of pointers into a few large blocks, instead of
 * four JSON values and a hash table for each of (say) 100,000 files; each
 * digest is kept as its 32 bytes (a digest that is not 64 lowercase hex
 * digits leaves the array to the JSON path, whose check names it), the
 * algorithm once while it repeats. The JSON keeps a null in the array's
 * place until the array is put back.
 *
 * This reader only ever takes text jansson takes too (JSON_REJECT_DUPLICATES),
 * and gives the same values: anything it does not take plainly (an escape or
 * a byte outside printable ASCII in a string, a number) is handed to jansson
 * token by token, and anything it refuses (bad syntax, a duplicate key, NUL,
 * deep nesting) makes the caller parse the whole text with jansson, whose
 * error message is then the one given. fuzz/fuzz_statement_lean.c holds it
 * to that: whatever it takes, jansson takes, as the same JSON.
 */
#include "statement_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64   /* deeper: jansson reads it (up to its own 2048) */
#define BLOCK 65536    /* arena block size */

struct block {
	struct block *next;
	size_t used, cap;
	char data[];
};

struct hm__lres_list {
	struct hm__lres *v;
	size_t n, cap;
	struct block *blocks;
	const char **algs; /* the algorithm strings, each kept once while it repeats */
	size_t nalgs, capalgs;
};

struct p {
	const char *s, *e;
	int depth;
	struct hm__lres_list *lean; /* set once the resources were taken lean */
};

/* Room for len bytes in l's blocks (NULL out of memory). */
static char *arena_take(struct hm__lres_list *l, size_t len)
{
	struct block *b = l->blocks;
	char *out;

	if (!b || b->cap - b->used < len) {
		size_t cap = len > BLOCK ? len : BLOCK;

		if (!(b = malloc(sizeof(*b) + cap)))
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = l->blocks;
		l->blocks = b;
	}
	out = b->data + b->used;
	b->used += len;
	return out;
}

static char *arena_copy(struct hm__lres_list *l, const char *s, size_t len)
{
	char *out = arena_take(l, len + 1);

	if (out) {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	return out;
}

void hm__lres_free(struct hm__lres_list *l)
{
	struct block *b, *next;

	if (!l)
		return;
	for (b = l->blocks; b; b = next) {
		next = b->next;
		free(b);
	}
	free(l->v);
	free(l->algs);
	free(l);
}

size_t hm__lres_count(const struct hm__lres_list *l)
{
	return l ? l->n : 0;
}

const struct hm__lres *hm__lres_items(const struct hm__lres_list *l)
{
	return l ? l->v : NULL;
}

const char *hm__lres_alg(const struct hm__lres_list *l, const struct hm__lres *r)
{
	return l->algs[r->alg];
}

const unsigned char *hm__lres_digest(const char *name)
{
	return (const unsigned char *)name - 32;
}

/* 1 when s[0..len) is a SHA-256 digest as a manifest writes it: 64 lowercase hex digits. */
static int lower_hex64(const char *s, size_t len)
{
	size_t i;

	if (len != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

static void ws(struct p *p)
{
	while (p->s < p->e && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

/* Consumes c when it is the next byte. */
static int eat(struct p *p, char c)
{
	if (p->s >= p->e || *p->s != c)
		return 0;
	p->s++;
	return 1;
}

/*
 * A string at p->s (its opening quote): *plain set to its bytes when they are
 * printable ASCII without escapes (*len long), else *tok to its value as
 * jansson reads it. -1 when it does not end or jansson refuses it.
 */
static int string(struct p *p, const char **plain, size_t *len, json_t **tok)
{
	const char *q = p->s + 1, *start = q;
	int simple = 1;

	*plain = NULL;
	*tok = NULL;
	for (; q < p->e; q++) {
		unsigned char c = (unsigned char)*q;

		if (c == '"')
			break;
		if (c == '\\') {
			simple = 0;
			q++;
		} else if (c < 0x20 || c > 0x7e) {
			simple = 0;
		}
	}
	if (q >= p->e)
		return -1;
	if (simple) {
		*plain = start;
		*len = (size_t)(q - start);
	} else {
		*tok = json_loadb(p->s, (size_t)(q + 1 - p->s), JSON_DECODE_ANY, NULL);
		if (!json_is_string(*tok) || memchr(json_string_value(*tok), '\0',
						    json_string_length(*tok))) {
			json_decref(*tok);
			*tok = NULL;
			return -1;
		}
		*plain = json_string_value(*tok);
		*len = json_string_length(*tok);
	}
	p->s = q + 1;
	return 0;
}

static json_t *value(struct p *p, int ctx);

/* A number, read by jansson from its characters (its integer and real rules are the ones). */
static json_t *number(struct p *p)
{
	const char *q = p->s;
	json_t *v;

	while (q < p->e && ((*q >= '0' && *q <= '9') || *q == '-' || *q == '+' || *q == '.' ||
			    *q == 'e' || *q == 'E'))
		q++;
	v = json_loadb(p->s, (size_t)(q - p->s), JSON_DECODE_ANY, NULL);
	if (v && !json_is_number(v)) {
		json_decref(v);
		return NULL;
	}
	p->s = q;
	return v;
}

static json_t *literal(struct p *p, const char *word, json_t *v)
{
	size_t l = strlen(word);

	if ((size_t)(p->e - p->s) < l || memcmp(p->s, word, l) != 0)
		return NULL;
	p->s += l;
	return v;
}

/* Context of an object: the statement itself, its predicate, or anything else. */
enum { CTX_ANY, CTX_ROOT, CTX_PREDICATE };

static const char *const lean_keys[3] = { "name", "algorithm", "digest" };

/*
 * One {"name","algorithm","digest"} object into l, its digest 64 lowercase
 * hex digits (kept as 32 bytes just before the name); 0, or -1 when it is
 * not one (the JSON path then reads it, and says what is wrong with it).
 */
static int lean_entry(struct p *p, struct hm__lres_list *l)
{
	const char *got[3] = { NULL, NULL, NULL };
	size_t glen[3] = { 0, 0, 0 };
	json_t *tok[3] = { NULL, NULL, NULL };
	unsigned char order = 0;
	struct hm__lres *r;
	char *rec;
	int i, k, rc = -1;

	if (p->s >= p->e || *p->s != '{')
		return -1;
	p->s++;
	for (i = 0; i < 3; i++) {
		const char *key;
		size_t klen;
		json_t *tk;

		ws(p);
		if (p->s >= p->e || *p->s != '"' || string(p, &key, &klen, &tk) < 0)
			goto out;
		for (k = 0; k < 3; k++)
			if (strlen(lean_keys[k]) == klen && memcmp(key, lean_keys[k], klen) == 0)
				break;
		json_decref(tk);
		if (k == 3 || got[k])
			goto out;
		ws(p);
		if (p->s >= p->e || *p->s != ':')
			goto out;
		p->s++;
		ws(p);
		if (p->s >= p->e || *p->s != '"' || string(p, &got[k], &glen[k], &tok[k]) < 0)
			goto out;
		order = (unsigned char)(order * 3 + k);
		ws(p);
		if (p->s >= p->e || *p->s != (i < 2 ? ',' : '}'))
			goto out;
		p->s++;
	}
	if (!lower_hex64(got[2], glen[2]))
		goto out;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct hm__lres *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			goto out;
		l->v = v;
		l->cap = cap;
	}
	if (!l->nalgs || strlen(l->algs[l->nalgs - 1]) != glen[1] ||
	    memcmp(l->algs[l->nalgs - 1], got[1], glen[1]) != 0) {
		if (l->nalgs == l->capalgs) {
			size_t cap = l->capalgs ? l->capalgs * 2 : 4;
			const char **a;

			if (cap > UINT32_MAX || !(a = realloc(l->algs, cap * sizeof(*a))))
				goto out;
			l->algs = a;
			l->capalgs = cap;
		}
		if (!(l->algs[l->nalgs] = arena_copy(l, got[1], glen[1])))
			goto out;
		l->nalgs++;
	}
	/* the digest's 32 bytes, then the name */
	if (!(rec = arena_take(l, 32 + glen[0] + 1)))
		goto out;
	for (k = 0; k < 32; k++)
		rec[k] = (char)(hexval(got[2][2 * k]) << 4 | hexval(got[2][2 * k + 1]));
	memcpy(rec + 32, got[0], glen[0]);
	rec[32 + glen[0]] = '\0';
	r = &l->v[l->n++];
	r->name = rec + 32;
	r->alg = (uint32_t)(l->nalgs - 1);
	r->order = order;
	rc = 0;
out:
	for (k = 0; k < 3; k++)
		json_decref(tok[k]);
	return rc;
}

/* The resources array, lean; NULL (p->s where it was) when it is anything else. */
static struct hm__lres_list *lean_array(struct p *p)
{
	const char *at = p->s;
	struct hm__lres_list *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	p->s++;
	ws(p);
	if (eat(p, ']'))
		return l;
	for (;;) {
		ws(p);
		if (lean_entry(p, l) < 0)
			break;
		ws(p);
		if (eat(p, ','))
			continue;
		if (eat(p, ']')) {
			struct hm__lres *v = realloc(l->v, l->n * sizeof(*v));

			if (v) /* no more room kept than the entries take */
				l->v = v;
			return l;
		}
		break;
	}
	hm__lres_free(l);
	p->s = at;
	return NULL;
}

static json_t *object(struct p *p, int ctx)
{
	json_t *o = json_object(), *v;

	if (!o)
		return NULL;
	p->s++;
	ws(p);
	if (eat(p, '}'))
		return o;
	for (;;) {
		const char *key;
		size_t klen;
		json_t *tk;
		int lean_res = 0;

		ws(p);
		if (p->s >= p->e || *p->s != '"' || string(p, &key, &klen, &tk) < 0)
			goto fail;
		if (json_object_getn(o, key, klen)) {
			json_decref(tk); /* a duplicate: jansson says so */
			goto fail;
		}
		ws(p);
		if (p->s >= p->e || *p->s != ':') {
			json_decref(tk);
			goto fail;
		}
		p->s++;
		ws(p);
		if (ctx == CTX_PREDICATE && klen == 9 && memcmp(key, "resources", 9) == 0 &&
		    p->s < p->e && *p->s == '[' && (p->lean = lean_array(p)))
			lean_res = 1;
		v = lean_res ? NULL
		    : value(p, ctx == CTX_ROOT && klen == 9 && memcmp(key, "predicate", 9) == 0
				       ? CTX_PREDICATE : CTX_ANY);
		/* lean: a null holds the resources' place among the keys, for when they are put back */
		if (lean_res)
			v = json_null();
		if (!v || json_object_setn_new_nocheck(o, key, klen, v) < 0) {
			json_decref(tk);
			goto fail;
		}
		json_decref(tk);
		ws(p);
		if (eat(p, ','))
			continue;
		if (eat(p, '}'))
			return o;
		goto fail;
	}
fail:
	json_decref(o);
	return NULL;
}

static json_t *array(struct p *p)
{
	json_t *a = json_array(), *v;

	if (!a)
		return NULL;
	p->s++;
	ws(p);
	if (eat(p, ']'))
		return a;
	for (;;) {
		ws(p);
		if (!(v = value(p, CTX_ANY)) || json_array_append_new(a, v) < 0)
			goto fail;
		ws(p);
		if (eat(p, ','))
			continue;
		if (eat(p, ']'))
			return a;
		goto fail;
	}
fail:
	json_decref(a);
	return NULL;
}

static json_t *value(struct p *p, int ctx)
{
	const char *s;
	size_t len;
	json_t *t, *v;

	if (p->s >= p->e)
		return NULL;
	switch (*p->s) {
	case '{':
		if (++p->depth > MAX_DEPTH)
			return NULL;
		v = object(p, ctx);
		p->depth--;
		return v;
	case '[':
		if (++p->depth > MAX_DEPTH)
			return NULL;
		v = array(p);
		p->depth--;
		return v;
	case '"':
		if (string(p, &s, &len, &t) < 0)
			return NULL;
		if (t)
			return t;
		return json_stringn_nocheck(s, len);
	case 't':
		return literal(p, "true", json_true());
	case 'f':
		return literal(p, "false", json_false());
	case 'n':
		return literal(p, "null", json_null());
	default:
		return number(p);
	}
}

int hm__statement_lean_parse(json_t **root, struct hm__lres_list **lean, const char *json,
			     size_t len)
{
	struct p p = { json, json + len, 0, NULL };

	*root = NULL;
	*lean = NULL;
	if (len && memchr(json, '\0', len))
		return -1;
	ws(&p);
	/* an object, as a statement is (anything else: jansson says what it is) */
	if (p.s >= p.e || *p.s != '{' || !(*root = value(&p, CTX_ROOT)))
		goto fail;
	ws(&p);
	if (p.s != p.e)
		goto fail;
	*lean = p.lean;
	return 0;
fail:
	json_decref(*root);
	*root = NULL;
	hm__lres_free(p.lean);
	return -1;
}

/* One resource object as jansson would have read it: its three keys in their order. */
static json_t *entry_json(const struct hm__lres_list *l, const struct hm__lres *r)
{
	json_t *o = json_object();
	char hex[65];

	unsigned char ord = r->order;
	int keys[3], i;

	if (!o)
		return NULL;
	hm__hex_encode(hex, hm__lres_digest(r->name), 32);
	for (i = 2; i >= 0; i--) {
		keys[i] = ord % 3;
		ord /= 3;
	}
	for (i = 0; i < 3; i++) {
		const char *v = keys[i] == 0 ? r->name : keys[i] == 1 ? hm__lres_alg(l, r) : hex;

		if (json_object_set_new_nocheck(o, lean_keys[keys[i]], json_string_nocheck(v)) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

json_t *hm__lres_json(const struct hm__lres_list *l)
{
	json_t *a = json_array(), *o;
	size_t i;

	for (i = 0; a && i < l->n; i++)
		if (!(o = entry_json(l, &l->v[i])) || json_array_append_new(a, o) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}
