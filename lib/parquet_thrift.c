/*
 * The Thrift compact protocol, as Parquet's footer and page headers use it:
 * only reading, bounded by the input and by a nesting depth. Errors are
 * sticky: the first sets t->err, and every later read returns zero.
 */
#include "parquet.h"

#define MAX_THRIFT_DEPTH 32

static void fail(hm__thrift *t, const char *why)
{
	if (!t->err)
		t->err = why;
	t->p = t->end;
}

uint64_t hm__thrift_varint(hm__thrift *t)
{
	uint64_t v = 0;
	int shift = 0;

	while (!t->err) {
		unsigned char b;
		if (t->p >= t->end) {
			fail(t, "truncated Thrift data");
			break;
		}
		b = *t->p++;
		if (shift == 63 && (b & 0x7e)) {
			fail(t, "Thrift varint too long");
			break;
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
		if (shift > 63) {
			fail(t, "Thrift varint too long");
			break;
		}
	}
	return 0;
}

static int64_t zigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

int hm__thrift_field(hm__thrift *t, int16_t *last, int16_t *id, int *type)
{
	unsigned char b;
	int delta;

	if (t->err)
		return 0;
	if (t->p >= t->end) {
		fail(t, "truncated Thrift struct");
		return 0;
	}
	b = *t->p++;
	if (b == 0)
		return 0;
	*type = b & 0x0f;
	delta = b >> 4;
	if (delta) {
		*id = (int16_t)(*last + delta);
	} else {
		int64_t v = zigzag(hm__thrift_varint(t));
		if (v < -32768 || v > 32767) {
			fail(t, "Thrift field id out of range");
			return 0;
		}
		*id = (int16_t)v;
	}
	if (*type > HM_TT_STRUCT) {
		fail(t, "unknown Thrift field type");
		return 0;
	}
	*last = *id;
	return !t->err;
}

int64_t hm__thrift_int(hm__thrift *t, int type)
{
	if (type == HM_TT_BYTE) {
		if (t->p >= t->end) {
			fail(t, "truncated Thrift data");
			return 0;
		}
		return (int8_t)*t->p++;
	}
	if (type != HM_TT_I16 && type != HM_TT_I32 && type != HM_TT_I64) {
		hm__thrift_skip(t, type);
		fail(t, "a Thrift field has the wrong type");
		return 0;
	}
	return zigzag(hm__thrift_varint(t));
}

int hm__thrift_bool(hm__thrift *t, int type)
{
	if (type == HM_TT_TRUE || type == HM_TT_FALSE)
		return type == HM_TT_TRUE;
	hm__thrift_skip(t, type);
	fail(t, "a Thrift field has the wrong type");
	return 0;
}

const unsigned char *hm__thrift_binary(hm__thrift *t, uint32_t *len)
{
	uint64_t n = hm__thrift_varint(t);
	const unsigned char *p = t->p;

	*len = 0;
	if (t->err)
		return NULL;
	if (n > (uint64_t)(t->end - t->p)) {
		fail(t, "a Thrift string runs past the data");
		return NULL;
	}
	t->p += n;
	*len = (uint32_t)n;
	return p;
}

int hm__thrift_list(hm__thrift *t, int *etype, uint32_t *n)
{
	unsigned char b;
	uint64_t size;

	*n = 0;
	if (t->err || t->p >= t->end) {
		fail(t, "truncated Thrift list");
		return -1;
	}
	b = *t->p++;
	*etype = b & 0x0f;
	size = b >> 4;
	if (size == 15)
		size = hm__thrift_varint(t);
	/* every element takes at least one byte, except booleans in no list we read */
	if (t->err || size > (uint64_t)(t->end - t->p)) {
		fail(t, "a Thrift list is longer than the data");
		return -1;
	}
	*n = (uint32_t)size;
	return 0;
}

void hm__thrift_skip(hm__thrift *t, int type)
{
	int16_t last = 0, id;
	int ft, et, kt, vt;
	uint32_t n, i, len;

	if (t->err)
		return;
	if (++t->depth > MAX_THRIFT_DEPTH) {
		fail(t, "Thrift data nested too deeply");
		return;
	}
	switch (type) {
	case HM_TT_TRUE:
	case HM_TT_FALSE:
		break;
	case HM_TT_BYTE:
		hm__thrift_int(t, type);
		break;
	case HM_TT_I16:
	case HM_TT_I32:
	case HM_TT_I64:
		hm__thrift_varint(t);
		break;
	case HM_TT_DOUBLE:
		if (t->end - t->p < 8)
			fail(t, "truncated Thrift data");
		else
			t->p += 8;
		break;
	case HM_TT_BINARY:
		hm__thrift_binary(t, &len);
		break;
	case HM_TT_LIST:
	case HM_TT_SET:
		if (hm__thrift_list(t, &et, &n) < 0)
			break;
		for (i = 0; i < n && !t->err; i++) {
			if (et == HM_TT_TRUE || et == HM_TT_FALSE)
				hm__thrift_int(t, HM_TT_BYTE); /* one byte each in a list */
			else
				hm__thrift_skip(t, et);
		}
		break;
	case HM_TT_MAP:
		n = (uint32_t)hm__thrift_varint(t);
		if (n == 0 || t->err)
			break;
		if (t->p >= t->end || n > (uint64_t)(t->end - t->p)) {
			fail(t, "a Thrift map is longer than the data");
			break;
		}
		kt = *t->p >> 4;
		vt = *t->p++ & 0x0f;
		for (i = 0; i < n && !t->err; i++) {
			hm__thrift_skip(t, kt);
			hm__thrift_skip(t, vt);
		}
		break;
	case HM_TT_STRUCT:
		while (hm__thrift_field(t, &last, &id, &ft))
			hm__thrift_skip(t, ft);
		break;
	default:
		fail(t, "unknown Thrift type");
	}
	t->depth--;
}
