/*
 * lib/dataset_value.h: a parsed JSON record as a flat array of nodes in
 * document order, the form every record check reads (dataset_value.c), and
 * the fast parser that fills it (dataset_simdjson.cc, C++). Plain C that a
 * C++ file can include too.
 */
#ifndef HM_DATASET_VALUE_H
#define HM_DATASET_VALUE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum hm__vtype {
	HM__V_NULL, HM__V_FALSE, HM__V_TRUE, HM__V_INT, HM__V_REAL, HM__V_STRING, HM__V_ARRAY,
	HM__V_OBJECT,
	HM__V_KEY /* an object member's name; its value's nodes follow */
};

/*
 * One node. An ARRAY is followed by its elements' nodes, an OBJECT by a KEY
 * node and the value's nodes per member; end is the index just past the
 * node's value (past its last descendant), so a value is skipped in one step.
 */
typedef struct hm__vnode {
	const char *s; /* STRING, KEY: the unescaped bytes (no NUL inside) */
	union {
		size_t len; /* STRING, KEY */
		int64_t i;  /* INT */
		double d;   /* REAL */
	} u;
	uint32_t end;
	uint32_t n; /* ARRAY: elements, OBJECT: members */
	uint8_t type;
} hm__vnode;

typedef struct hm__value {
	hm__vnode *v;
	size_t n, cap;
} hm__value;

/* Appends a node of that type (end = its index + 1); its index, or -1 when out of memory. */
long hm__value_add(hm__value *val, int type);

/* dataset_simdjson.cc: simdjson's parser, kept between records. */
typedef struct hm__fastjson hm__fastjson;
hm__fastjson *hm__fastjson_new(void);
void hm__fastjson_free(hm__fastjson *f);
/*
 * Parses data[0..len) into val (emptied first; strings point into the parser,
 * valid until its next parse); pad: how many bytes after data + len may be
 * read (with enough, the record is parsed where it lies, else copied first).
 * 1: parsed, and the reference parser (jansson,
 * as the scan calls it) would have read the same value; 0: declined, let the
 * reference parser judge (invalid JSON, and the rare valid records whose
 * reading could differ: duplicate keys, "\u0000", integers beyond int64,
 * nesting deeper than simdjson's limit, a scalar at the top); -1: out of memory.
 */
int hm__fastjson_parse(hm__fastjson *f, const char *data, size_t len, size_t pad, hm__value *val);

#ifdef __cplusplus
}
#endif

#endif
