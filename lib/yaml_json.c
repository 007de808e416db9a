/*
 * YAML to JSON: one YAML document (a training configuration, a policy) read
 * into a JSON value the way PyYAML's yaml.safe_load reads it (YAML 1.1), the
 * loader that Axolotl, TRL and LLaMA-Factory use: so the JSON recorded is
 * what the trainer saw. Built from libyaml's event stream, not its document
 * loader: nesting is checked before it grows, and an alias can only name a
 * node that is complete, so no cycle can form.
 *
 * Plain scalars resolve as PyYAML's implicit resolvers do:
 * - null: "", "~", null, Null, NULL;
 * - booleans: true/false, yes/no, on/off (each lower, Capitalised or UPPER);
 * - integers: decimal, 0x hex, 0b binary, a leading 0 octal (0755 is 493),
 *   base 60 (1:30 is 90), "_" separators dropped;
 * - floats: digits with a "." and an optional exponent whose sign is
 *   written (1.0e-4, .5, 3.); "2e-5" has no "." and stays a string, as
 *   PyYAML leaves it;
 * - everything else, and every quoted or block scalar, a string (dates too).
 * Refused with the line: tags (!!str, !custom), more than one document,
 * merge keys ("<<"), keys that are not strings (a number, boolean, null,
 * sequence or mapping as key), aliases as keys, duplicate keys, .inf and
 * .nan (JSON cannot hold them), integers beyond 64 bits, base-60 floats,
 * an alias to an unknown anchor, nesting deeper than HM_YAML_MAX_DEPTH, and
 * aliases that would expand to more than HM_YAML_MAX_COPY_NODES nodes or
 * HM_YAML_MAX_EXPANDED_BYTES of strings (a "billion laughs").
 */
#include "yaml_impl.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct frame {
	json_t *node;   /* the array or object being filled */
	char *key;      /* an object's key waiting for its value */
	char *anchor;   /* the container's anchor, registered when it ends */
	size_t weight;  /* nodes in the expanded subtree so far */
	size_t bytes;   /* bytes of its expanded strings and keys so far */
	size_t line;    /* where it starts */
};

struct anchor {
	char *name;
	json_t *value;
	size_t weight, bytes;
};

struct conv {
	const char *name;
	struct frame stack[HM_YAML_MAX_DEPTH];
	size_t depth;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	size_t total; /* nodes in the expanded output so far */
	size_t bytes; /* bytes of strings and keys in it */
	json_t *root;
};

static int at(const struct conv *c, size_t line, const char *what)
{
	return hm__err(HM_EFORMAT, "%s line %zu: %s", c->name, line + 1, what);
}

/* ---- plain scalar resolution ---- */

static int one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (strcmp(s, *words) == 0)
			return 1;
	return 0;
}

static int is_digits(const char *s, const char *set)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!strchr(set, *s))
			return 0;
	return 1;
}

/* [-+]? then the rest; returns the rest. */
static const char *unsigned_part(const char *s)
{
	return *s == '-' || *s == '+' ? s + 1 : s;
}

/* [1-9][0-9_]*(:[0-5]?[0-9])+ */
static int is_base60(const char *u, int want_fraction)
{
	const char *p = u;

	if (!(*p >= '1' && *p <= '9'))
		return 0;
	while ((*p >= '0' && *p <= '9') || *p == '_')
		p++;
	if (*p != ':')
		return 0;
	while (*p == ':') {
		p++;
		if (p[0] >= '0' && p[0] <= '5' && p[1] >= '0' && p[1] <= '9')
			p += 2;
		else if (*p >= '0' && *p <= '9')
			p++;
		else
			return 0;
	}
	if (want_fraction)
		return *p == '.' && (p[1] == '\0' || is_digits(p + 1, "0123456789_"));
	return *p == '\0';
}

static int is_int(const char *s)
{
	const char *u = unsigned_part(s);

	if (u[0] == '0' && u[1] == 'b')
		return is_digits(u + 2, "01_");
	if (u[0] == '0' && u[1] == 'x')
		return is_digits(u + 2, "0123456789abcdefABCDEF_");
	if (u[0] == '0')
		return u[1] == '\0' || is_digits(u + 1, "01234567_");
	if (u[0] >= '1' && u[0] <= '9')
		return u[1] == '\0' || is_digits(u + 1, "0123456789_") || is_base60(u, 0);
	return 0;
}

/* [eE][-+][0-9]+ at p, to the end. */
static int exponent_ok(const char *p)
{
	if (*p == '\0')
		return 1;
	return (*p == 'e' || *p == 'E') && (p[1] == '-' || p[1] == '+') &&
	       is_digits(p + 2, "0123456789");
}

static int is_float(const char *s)
{
	const char *u = unsigned_part(s), *p;

	if (one_of(u, (const char *const[]){ ".inf", ".Inf", ".INF", NULL }))
		return 1;
	if (one_of(s, (const char *const[]){ ".nan", ".NaN", ".NAN", NULL }))
		return 1;
	if (u[0] == '.' && u != s)
		return 0; /* a signed ".5" is a string in PyYAML */
	if (u[0] == '.') {
		if (!(u[1] >= '0' && u[1] <= '9'))
			return 0;
		for (p = u + 1; (*p >= '0' && *p <= '9') || *p == '_'; p++)
			;
		return exponent_ok(p);
	}
	if (!(u[0] >= '0' && u[0] <= '9'))
		return 0;
	if (is_base60(u, 1))
		return 1;
	for (p = u; (*p >= '0' && *p <= '9') || *p == '_'; p++)
		;
	if (*p != '.')
		return 0;
	for (p++; (*p >= '0' && *p <= '9') || *p == '_'; p++)
		;
	return exponent_ok(p);
}

/* s without '_' (malloc'd). */
static char *strip_underscores(const char *s)
{
	char *o = malloc(strlen(s) + 1), *q = o;

	if (!o)
		return NULL;
	for (; *s; s++)
		if (*s != '_')
			*q++ = *s;
	*q = '\0';
	return o;
}

/* digits in base, at most INT64_MAX + 1 (the magnitude of INT64_MIN); -1 when over or empty. */
static int magnitude(unsigned long long *out, const char *u, int base)
{
	char *end;

	if (!*u || *u == '-' || *u == '+')
		return -1;
	errno = 0;
	*out = strtoull(u, &end, base);
	return errno || *end || *out > (unsigned long long)INT64_MAX + 1u ? -1 : 0;
}

static int make_int(struct conv *c, json_t **out, const char *s, size_t line)
{
	char *t = strip_underscores(s), *u, *part, *save = NULL;
	unsigned long long mag = 0, d;
	int neg, base = 10, bad = 0;

	if (!t)
		return hm__err_oom();
	neg = t[0] == '-';
	u = t[0] == '-' || t[0] == '+' ? t + 1 : t;
	if (strchr(u, ':')) {
		/* base 60: 1:30 is 90 */
		for (part = strtok_r(u, ":", &save); part && !bad; part = strtok_r(NULL, ":", &save)) {
			bad = magnitude(&d, part, 10) < 0 || mag > ((unsigned long long)INT64_MAX - d) / 60;
			mag = mag * 60 + d;
		}
	} else {
		if (u[0] == '0' && u[1] == 'b') {
			base = 2;
			u += 2;
		} else if (u[0] == '0' && u[1] == 'x') {
			base = 16;
			u += 2;
		} else if (u[0] == '0' && u[1]) {
			base = 8;
			u++;
		}
		bad = magnitude(&mag, u, base) < 0 || (!neg && mag > (unsigned long long)INT64_MAX);
	}
	free(t);
	if (bad)
		return hm__err(HM_EFORMAT, "%s line %zu: %s is not an integer of 64 bits", c->name,
			       line + 1, s);
	*out = json_integer(!neg ? (json_int_t)mag
			    : mag == (unsigned long long)INT64_MAX + 1u ? INT64_MIN
								   : -(json_int_t)mag);
	return *out ? 0 : hm__err_oom();
}

static int make_float(struct conv *c, json_t **out, const char *s, size_t line)
{
	char *t, *end;
	double d;

	if (strstr(s, "inf") || strstr(s, "Inf") || strstr(s, "INF") || strchr(s, 'n') ||
	    strchr(s, 'N'))
		return hm__err(HM_EFORMAT, "%s line %zu: %s is not a number JSON can hold", c->name,
			       line + 1, s);
	if (strchr(s, ':'))
		return hm__err(HM_EFORMAT, "%s line %zu: \"%s\" is a base-60 number in YAML 1.1 and "
			       "a string elsewhere: quote it", c->name, line + 1, s);
	if (!(t = strip_underscores(s)))
		return hm__err_oom();
	errno = 0;
	d = strtod(t, &end);
	if (*end || !isfinite(d)) {
		free(t);
		return hm__err(HM_EFORMAT, "%s line %zu: %s is not a number JSON can hold", c->name,
			       line + 1, s);
	}
	free(t);
	*out = json_real(d);
	return *out ? 0 : hm__err_oom();
}

static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const trues[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
				     "on",   "On",	 "ON",	 NULL };
static const char *const falses[] = { "false", "False", "FALSE", "no", "No", "NO",
				      "off",   "Off",	"OFF",	 NULL };

/* The JSON value of a scalar event (a string unless plain and resolved otherwise). */
static int scalar_value(struct conv *c, json_t **out, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length, line = ev->start_mark.line;

	*out = NULL;
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strlen(s) == len) {
		if (one_of(s, nulls))
			*out = json_null();
		else if (one_of(s, trues))
			*out = json_true();
		else if (one_of(s, falses))
			*out = json_false();
		else if (is_int(s))
			return make_int(c, out, s, line);
		else if (is_float(s))
			return make_float(c, out, s, line);
		else if (strcmp(s, "=") == 0)
			return at(c, line, "a plain \"=\" is a YAML 1.1 value key: quote it");
		if (*out)
			return 0;
	}
	/* libyaml has checked the UTF-8; a "\0" escape is the one thing left to refuse */
	if (strlen(s) != len)
		return at(c, line, "a string holding a NUL character");
	*out = json_stringn(s, len);
	return *out ? 0 : hm__err_oom();
}

/* ---- building ---- */

static int count_node(struct conv *c, size_t weight, size_t bytes, size_t line)
{
	if (weight > HM_YAML_MAX_COPY_NODES || c->total + weight > HM_YAML_MAX_COPY_NODES)
		return hm__err(HM_EFORMAT, "%s line %zu: the document expands to more than %d nodes "
			       "(aliases repeating aliases?)", c->name, line + 1,
			       HM_YAML_MAX_COPY_NODES);
	if (bytes > HM_YAML_MAX_EXPANDED_BYTES || c->bytes + bytes > HM_YAML_MAX_EXPANDED_BYTES)
		return hm__err(HM_EFORMAT, "%s line %zu: the document expands to more than %d MiB "
			       "of text (aliases repeating a long string?)", c->name, line + 1,
			       HM_YAML_MAX_EXPANDED_BYTES >> 20);
	c->total += weight;
	c->bytes += bytes;
	return 0;
}

static int add_anchor(struct conv *c, const char *name, json_t *v, size_t weight, size_t bytes)
{
	struct anchor *a;
	size_t i;

	for (i = 0; i < c->nanchors; i++)
		if (strcmp(c->anchors[i].name, name) == 0) { /* a later anchor of the same name wins */
			json_decref(c->anchors[i].value);
			c->anchors[i].value = json_incref(v);
			c->anchors[i].weight = weight;
			c->anchors[i].bytes = bytes;
			return 0;
		}
	if (c->nanchors == c->capanchors) {
		size_t cap = c->capanchors ? 2 * c->capanchors : 8;
		a = realloc(c->anchors, cap * sizeof(*a));
		if (!a)
			return hm__err_oom();
		c->anchors = a;
		c->capanchors = cap;
	}
	a = &c->anchors[c->nanchors];
	if (!(a->name = strdup(name)))
		return hm__err_oom();
	a->value = json_incref(v);
	a->weight = weight;
	a->bytes = bytes;
	c->nanchors++;
	return 0;
}

/* Places a complete value (reference stolen) in its parent, or makes it the root. */
static int place(struct conv *c, json_t *v, size_t weight, size_t bytes, size_t line)
{
	struct frame *f;
	int rc;

	if (c->depth == 0) {
		c->root = v;
		return 0;
	}
	f = &c->stack[c->depth - 1];
	f->weight += weight;
	f->bytes += bytes;
	if (json_is_array(f->node))
		return json_array_append_new(f->node, v) < 0 ? hm__err_oom() : 0;
	if (json_object_get(f->node, f->key)) {
		json_decref(v);
		rc = hm__err(HM_EFORMAT, "%s line %zu: the key \"%s\" appears twice in one mapping",
			     c->name, line + 1, f->key);
		return rc;
	}
	rc = json_object_set_new(f->node, f->key, v) < 0 ? hm__err_oom() : 0;
	free(f->key);
	f->key = NULL;
	return rc;
}

/* In a mapping with no key pending, the next node is a key. */
static int expecting_key(const struct conv *c)
{
	return c->depth && json_is_object(c->stack[c->depth - 1].node) &&
	       !c->stack[c->depth - 1].key;
}

static int on_scalar(struct conv *c, const yaml_event_t *ev)
{
	size_t line = ev->start_mark.line, len = ev->data.scalar.length;
	json_t *v;
	int rc;

	if (ev->data.scalar.tag)
		return hm__err(HM_EFORMAT, "%s line %zu: YAML tags (%s) are not supported", c->name,
			       line + 1, (const char *)ev->data.scalar.tag);
	if ((rc = scalar_value(c, &v, ev)) < 0)
		return rc;
	if (expecting_key(c)) {
		struct frame *f = &c->stack[c->depth - 1];
		if (!json_is_string(v)) {
			json_decref(v);
			return hm__err(HM_EFORMAT, "%s line %zu: the key %.*s is not a string in YAML "
				       "1.1: quote it", c->name, line + 1,
				       (int)(ev->data.scalar.length > 60 ? 60 : ev->data.scalar.length),
				       (const char *)ev->data.scalar.value);
		}
		if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    strcmp(json_string_value(v), "<<") == 0) {
			json_decref(v);
			return at(c, line, "merge keys (\"<<\") are not supported: write the keys out");
		}
		if (ev->data.scalar.anchor &&
		    (rc = add_anchor(c, (const char *)ev->data.scalar.anchor, v, 1, len)) < 0) {
			json_decref(v);
			return rc;
		}
		f->key = strdup(json_string_value(v));
		json_decref(v);
		if (!f->key)
			return hm__err_oom();
		f->bytes += len;
		return count_node(c, 0, len, line);
	}
	if ((rc = count_node(c, 1, len, line)) < 0 ||
	    (ev->data.scalar.anchor &&
	     (rc = add_anchor(c, (const char *)ev->data.scalar.anchor, v, 1, len)) < 0)) {
		json_decref(v);
		return rc;
	}
	return place(c, v, 1, len, line);
}

static int on_alias(struct conv *c, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	size_t i, line = ev->start_mark.line;
	int rc;

	if (expecting_key(c))
		return at(c, line, "an alias as a key is not supported");
	for (i = c->nanchors; i-- > 0;)
		if (strcmp(c->anchors[i].name, name) == 0)
			break;
	if (i == (size_t)-1)
		return hm__err(HM_EFORMAT, "%s line %zu: the alias *%s names no anchor defined "
			       "before it", c->name, line + 1, name);
	if ((rc = count_node(c, c->anchors[i].weight, c->anchors[i].bytes, line)) < 0)
		return rc;
	return place(c, json_incref(c->anchors[i].value), c->anchors[i].weight,
		     c->anchors[i].bytes, line);
}

static int on_start(struct conv *c, const yaml_event_t *ev, int mapping)
{
	const yaml_char_t *tag = mapping ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
	const yaml_char_t *anchor =
		mapping ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
	size_t line = ev->start_mark.line;
	struct frame *f;
	int rc;

	if (tag)
		return hm__err(HM_EFORMAT, "%s line %zu: YAML tags (%s) are not supported", c->name,
			       line + 1, (const char *)tag);
	if (expecting_key(c))
		return at(c, line, "a key that is a sequence or a mapping is not supported");
	if (c->depth == HM_YAML_MAX_DEPTH)
		return hm__err(HM_EFORMAT, "%s line %zu: nested more than %d levels deep", c->name,
			       line + 1, HM_YAML_MAX_DEPTH);
	if ((rc = count_node(c, 1, 0, line)) < 0)
		return rc;
	f = &c->stack[c->depth];
	memset(f, 0, sizeof(*f));
	f->node = mapping ? json_object() : json_array();
	f->anchor = anchor ? strdup((const char *)anchor) : NULL;
	f->weight = 1;
	f->line = line;
	if (!f->node || (anchor && !f->anchor)) {
		json_decref(f->node);
		free(f->anchor);
		return hm__err_oom();
	}
	c->depth++;
	return 0;
}

static int on_end(struct conv *c)
{
	struct frame f = c->stack[--c->depth];
	int rc = 0;

	free(f.key); /* libyaml pairs every key with a value; nothing is pending here */
	if (f.anchor)
		rc = add_anchor(c, f.anchor, f.node, f.weight, f.bytes);
	free(f.anchor);
	if (rc < 0) {
		json_decref(f.node);
		return rc;
	}
	return place(c, f.node, f.weight, f.bytes, f.line);
}

static void conv_free(struct conv *c)
{
	size_t i;

	while (c->depth) {
		struct frame *f = &c->stack[--c->depth];
		json_decref(f->node);
		free(f->key);
		free(f->anchor);
	}
	for (i = 0; i < c->nanchors; i++) {
		free(c->anchors[i].name);
		json_decref(c->anchors[i].value);
	}
	free(c->anchors);
	json_decref(c->root);
}

int hm__yaml_to_json(json_t **out, const char *text, size_t len, const char *name)
{
	struct conv c;
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0, done = 0, docs = 0;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.name = name ? name : "YAML";
	if (!yaml_parser_initialize(&p))
		return hm__err_oom();
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && rc == 0) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = hm__err(HM_EFORMAT, "%s line %zu column %zu: %s%s%s", c.name,
				     p.problem_mark.line + 1, p.problem_mark.column + 1,
				     p.problem ? p.problem : "invalid YAML", p.context ? " " : "",
				     p.context ? p.context : "");
			break;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				rc = at(&c, ev.start_mark.line,
					"a second YAML document: one document per file");
			break;
		case YAML_SCALAR_EVENT:
			rc = on_scalar(&c, &ev);
			break;
		case YAML_ALIAS_EVENT:
			rc = on_alias(&c, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			rc = on_start(&c, &ev, 0);
			break;
		case YAML_MAPPING_START_EVENT:
			rc = on_start(&c, &ev, 1);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			rc = c.depth ? on_end(&c) : at(&c, ev.start_mark.line, "unbalanced YAML");
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (rc == 0 && !c.root)
		rc = hm__err(HM_EFORMAT, "%s: the YAML document is empty", c.name);
	if (rc < 0) {
		conv_free(&c);
		return rc;
	}
	*out = c.root;
	c.root = NULL;
	conv_free(&c);
	return 0;
}
