/*
 * The fast JSON record parser: simdjson's DOM parser, walked into the flat
 * node array of dataset_value.h. The DOM parser validates the whole record
 * (the On-Demand API only checks what it visits), and every value is needed
 * anyway: duplicates are found by the whole record's content. Whatever the
 * reference parser (jansson, with duplicate keys rejected) might read
 * differently is declined and left to it, so both accept the same records
 * with the same values.
 */
#include "dataset_value.h"

#include <simdjson.h>

#include <cstdlib>
#include <cstring>
#include <new>

using namespace simdjson;

struct hm__fastjson {
	dom::parser parser;
	char *buf = nullptr; /* the record with SIMDJSON_PADDING bytes after it */
	size_t cap = 0;
};

extern "C" hm__fastjson *hm__fastjson_new(void)
{
	return new (std::nothrow) hm__fastjson();
}

extern "C" void hm__fastjson_free(hm__fastjson *f)
{
	if (!f)
		return;
	std::free(f->buf);
	delete f;
}

namespace {

enum { DECLINE = 0, OK = 1, NOMEM = -1 };

int add_string(hm__value *val, int type, std::string_view s)
{
	long i;

	if (std::memchr(s.data(), 0, s.size()))
		return DECLINE; /* jansson refuses "\u0000" */
	if ((i = hm__value_add(val, type)) < 0)
		return NOMEM;
	val->v[i].s = s.data();
	val->v[i].u.len = s.size();
	return OK;
}

/* Depth is bounded by the parser's maximum depth (1024 levels). */
int walk(hm__value *val, dom::element e)
{
	dom::array arr;
	dom::object obj;
	long i;
	int rc;
	uint32_t n = 0;

	switch (e.type()) {
	case dom::element_type::ARRAY:
		if ((i = hm__value_add(val, HM__V_ARRAY)) < 0)
			return NOMEM;
		if (e.get_array().get(arr))
			return DECLINE;
		for (dom::element c : arr) {
			if ((rc = walk(val, c)) != OK)
				return rc;
			n++;
		}
		break;
	case dom::element_type::OBJECT:
		if ((i = hm__value_add(val, HM__V_OBJECT)) < 0)
			return NOMEM;
		if (e.get_object().get(obj))
			return DECLINE;
		for (dom::key_value_pair kv : obj) {
			if ((rc = add_string(val, HM__V_KEY, kv.key)) != OK ||
			    (rc = walk(val, kv.value)) != OK)
				return rc;
			n++;
		}
		break;
	case dom::element_type::INT64:
		if ((i = hm__value_add(val, HM__V_INT)) < 0)
			return NOMEM;
		val->v[i].u.i = e.get_int64().value_unsafe();
		return OK;
	case dom::element_type::DOUBLE:
		if ((i = hm__value_add(val, HM__V_REAL)) < 0)
			return NOMEM;
		val->v[i].u.d = e.get_double().value_unsafe();
		return OK;
	case dom::element_type::STRING:
		return add_string(val, HM__V_STRING, e.get_string().value_unsafe());
	case dom::element_type::BOOL:
		return hm__value_add(val, e.get_bool().value_unsafe() ? HM__V_TRUE : HM__V_FALSE) < 0
			       ? NOMEM
			       : OK;
	case dom::element_type::NULL_VALUE:
		return hm__value_add(val, HM__V_NULL) < 0 ? NOMEM : OK;
	default: /* UINT64: beyond int64, which jansson refuses */
		return DECLINE;
	}
	val->v[i].n = n;
	val->v[i].end = uint32_t(val->n);
	return OK;
}

} // namespace

extern "C" int hm__fastjson_parse(hm__fastjson *f, const char *data, size_t len, size_t pad,
				  hm__value *val)
{
	dom::element root;
	simdjson::error_code err;

	val->n = 0;
	if (len > 0xffffffffu / 2)
		return DECLINE; /* node indexes are 32-bit */
	/* simdjson reads up to SIMDJSON_PADDING bytes past the end (whatever they hold) */
	if (pad >= SIMDJSON_PADDING) {
		err = f->parser.parse(reinterpret_cast<const uint8_t *>(data), len, false).get(root);
		goto parsed;
	}
	if (len + SIMDJSON_PADDING > f->cap) {
		size_t cap = len + SIMDJSON_PADDING + (len >> 2);
		char *b = static_cast<char *>(std::realloc(f->buf, cap));
		if (!b)
			return NOMEM;
		f->buf = b;
		f->cap = cap;
	}
	std::memcpy(f->buf, data, len);
	std::memset(f->buf + len, 0, SIMDJSON_PADDING);
	err = f->parser.parse(f->buf, len, false).get(root);
parsed:
	if (err == MEMALLOC)
		return NOMEM;
	if (err)
		return DECLINE;
	if (!root.is_array() && !root.is_object())
		return DECLINE; /* rare: let jansson read scalars */
	return walk(val, root);
}
