/*
 * One column chunk of a Parquet row group, page by page: the page header,
 * decompression (snappy, gzip, zstd), the repetition and definition levels
 * (RLE/bit-packed hybrid) and the values (PLAIN, or indices into the
 * dictionary page). Values become dataset_value.h nodes whose strings point
 * into the decoded pages, which the column keeps until it is freed.
 */
#include "parquet.h"

#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

typedef struct ctx {
	hm__pq_column *c;
	const hm__pq_leaf *leaf;
	int codec;
	uint64_t budget;
	const char *name;
	hm__vnode *dict;
	size_t ndict;
	int have_dict;
} ctx;

static int bad(const ctx *x, const char *why)
{
	return hm__err(HM_EINVAL, "%s: not a readable Parquet file: %s", x->name, why);
}

static int charge(ctx *x, uint64_t n)
{
	if (n > x->budget - x->c->bytes)
		return hm__err(HM_EINVAL, "%s: a row group decodes to more than %llu bytes", x->name,
			       (unsigned long long)HM_PQ_MAX_GROUP);
	x->c->bytes += n;
	return 0;
}

/* Keeps a decoded buffer alive as long as the column. */
static int keep(hm__pq_column *c, unsigned char *b)
{
	if (c->nbufs == c->capbufs) {
		size_t cap = c->capbufs ? c->capbufs * 2 : 8;
		unsigned char **v = reallocarray(c->bufs, cap, sizeof(*v));
		if (!v) {
			free(b);
			return hm__err_oom();
		}
		c->bufs = v;
		c->capbufs = cap;
	}
	c->bufs[c->nbufs++] = b;
	return 0;
}

/* The page body p[0..n) decompressed into a new buffer of exactly size bytes, kept. */
static int decompress(ctx *x, const unsigned char *p, size_t n, size_t size, int codec,
		      const unsigned char **out)
{
	unsigned char *b;
	int rc;

	/* what the compressed bytes can hold, checked before the buffer is allocated */
	if (codec == HM_PQ_UNCOMPRESSED && n != size)
		return bad(x, "an uncompressed page's sizes differ");
	if (codec == HM_PQ_SNAPPY) {
		size_t len;
		if (snappy_uncompressed_length((const char *)p, n, &len) != SNAPPY_OK || len != size)
			return bad(x, "a snappy page does not decompress to its stated size");
	}
	if (codec == HM_PQ_GZIP && size / 1032 > n) /* deflate's largest ratio */
		return bad(x, "a gzip page states a larger size than it can hold");
	if (codec == HM_PQ_ZSTD) {
		unsigned long long fcs = ZSTD_getFrameContentSize(p, n);
		if (fcs == ZSTD_CONTENTSIZE_ERROR || (fcs != ZSTD_CONTENTSIZE_UNKNOWN && fcs > size))
			return bad(x, "a zstd page does not decompress to its stated size");
	}
	if ((rc = charge(x, size)) < 0)
		return rc;
	if (!(b = malloc(size ? size : 1)))
		return hm__err_oom();
	if (codec == HM_PQ_UNCOMPRESSED) {
		if (n != size) {
			free(b);
			return bad(x, "an uncompressed page's sizes differ");
		}
		memcpy(b, p, n);
	} else if (codec == HM_PQ_SNAPPY) {
		size_t len;
		if (snappy_uncompressed_length((const char *)p, n, &len) != SNAPPY_OK || len != size ||
		    snappy_uncompress((const char *)p, n, (char *)b, &len) != SNAPPY_OK ||
		    len != size) {
			free(b);
			return bad(x, "a snappy page does not decompress to its stated size");
		}
	} else if (codec == HM_PQ_GZIP) {
		z_stream z;
		int zr;
		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, 15 + 32) != Z_OK) {
			free(b);
			return hm__err_oom();
		}
		z.next_in = (Bytef *)p;
		z.avail_in = (uInt)n;
		z.next_out = b;
		z.avail_out = (uInt)size;
		zr = inflate(&z, Z_FINISH);
		inflateEnd(&z);
		if (zr != Z_STREAM_END || z.total_out != size) {
			free(b);
			return bad(x, "a gzip page does not decompress to its stated size");
		}
	} else if (codec == HM_PQ_ZSTD) {
		size_t r = ZSTD_decompress(b, size, p, n);
		if (ZSTD_isError(r) || r != size) {
			free(b);
			return bad(x, "a zstd page does not decompress to its stated size");
		}
	} else {
		free(b);
		return bad(x, "a page uses a compression codec this reader does not read");
	}
	if ((rc = keep(x->c, b)) < 0)
		return rc;
	*out = b;
	return 0;
}

/* Stores one decoded value: into out8 when set (levels, each at most max8), else out32. */
#define PUT(v)                                                                  \
	do {                                                                    \
		if (out8 && (v) > max8)                                         \
			return bad(x, "a level is above the column's maximum"); \
		if (out8)                                                       \
			out8[got++] = (uint8_t)(v);                             \
		else                                                            \
			out32[got++] = (v);                                     \
	} while (0)

/* RLE/bit-packed hybrid: count values of width bits from p[0..n). */
static int hybrid(const ctx *x, const unsigned char *p, size_t n, int width, size_t count,
		  uint32_t *out32, uint8_t *out8, uint32_t max8)
{
	size_t got = 0, bytes = ((size_t)width + 7) / 8, i;
	hm__thrift t = { p, p + n, 0, NULL };

	if (width < 0 || width > 32)
		return bad(x, "a bit width is over 32");
	while (got < count) {
		uint64_t h = hm__thrift_varint(&t);
		if (t.err)
			return bad(x, "levels or indices run past their page");
		if (h & 1) { /* bit-packed groups of 8 */
			uint64_t groups = h >> 1, nvals, nbytes, bit = 0;
			if (width && groups > (uint64_t)(t.end - t.p) / (uint64_t)width)
				return bad(x, "a bit-packed run is longer than its page");
			nvals = groups > UINT64_MAX / 8 ? UINT64_MAX : groups * 8;
			nbytes = groups * (uint64_t)width;
			if (nbytes > (uint64_t)(t.end - t.p))
				return bad(x, "a bit-packed run is longer than its page");
			for (i = 0; i < nvals && got < count; i++) {
				uint32_t v = 0;
				int k;
				for (k = 0; k < width; k++, bit++)
					v |= (uint32_t)((t.p[bit >> 3] >> (bit & 7)) & 1) << k;
				PUT(v);
			}
			t.p += nbytes;
		} else { /* a run of one value */
			uint64_t run = h >> 1;
			uint32_t v = 0;
			if ((size_t)(t.end - t.p) < bytes)
				return bad(x, "an RLE run is longer than its page");
			for (i = 0; i < bytes; i++)
				v |= (uint32_t)t.p[i] << (8 * i);
			t.p += bytes;
			if (width < 32 && v >> width)
				return bad(x, "an RLE value is wider than its bit width");
			if (run == 0)
				return bad(x, "an RLE run of no values");
			for (i = 0; i < run && got < count; i++)
				PUT(v);
		}
	}
	return 0;
}

static int width_of(int max)
{
	int w = 0;

	while (max >> w)
		w++;
	return w;
}

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *p;

	if (need <= *cap && *v)
		return 0;
	while (c < need)
		c *= 2;
	if (!(p = reallocarray(*v, c, size)))
		return hm__err_oom();
	*v = p;
	*cap = c;
	return 0;
}

/* count levels of at most max from p[0..n) into dst. */
static int levels(ctx *x, const unsigned char *p, size_t n, int max, size_t count, uint8_t *dst)
{
	if (max == 0) {
		memset(dst, 0, count);
		return 0;
	}
	return hybrid(x, p, n, width_of(max), count, NULL, dst, (uint32_t)max);
}

/* PLAIN values: n of them from p[0..len) into out. */
static int plain(ctx *x, const unsigned char *p, size_t len, size_t n, hm__vnode *out)
{
	const hm__pq_leaf *l = x->leaf;
	size_t i, off = 0, w;

	for (i = 0; i < n; i++) {
		hm__vnode *v = &out[i];
		memset(v, 0, sizeof(*v));
		v->end = 1;
		switch (l->type) {
		case HM_PQ_BOOLEAN:
			if (i / 8 >= len)
				return bad(x, "boolean values run past their page");
			v->type = (p[i / 8] >> (i % 8)) & 1 ? HM__V_TRUE : HM__V_FALSE;
			continue;
		case HM_PQ_INT32:
		case HM_PQ_FLOAT:
			w = 4;
			break;
		case HM_PQ_INT64:
		case HM_PQ_DOUBLE:
			w = 8;
			break;
		case HM_PQ_FIXED:
			w = (size_t)l->type_length;
			break;
		case HM_PQ_BYTE_ARRAY:
			if (len - off < 4)
				return bad(x, "a string's length runs past its page");
			w = (size_t)p[off] | (size_t)p[off + 1] << 8 | (size_t)p[off + 2] << 16 |
			    (size_t)p[off + 3] << 24;
			off += 4;
			break;
		default:
			return bad(x, "a value type this reader does not read");
		}
		if (w > len - off)
			return bad(x, "values run past their page");
		if (l->type == HM_PQ_BYTE_ARRAY || l->type == HM_PQ_FIXED) {
			v->type = HM__V_STRING;
			v->s = (const char *)p + off;
			v->u.len = w;
		} else {
			uint64_t u = 0;
			size_t k;
			for (k = 0; k < w; k++)
				u |= (uint64_t)p[off + k] << (8 * k);
			if (l->type == HM_PQ_INT32) {
				v->type = HM__V_INT;
				v->u.i = (int32_t)(uint32_t)u;
			} else if (l->type == HM_PQ_INT64) {
				v->type = HM__V_INT;
				v->u.i = (int64_t)u;
			} else if (l->type == HM_PQ_FLOAT) {
				float f;
				uint32_t u32 = (uint32_t)u;
				memcpy(&f, &u32, 4);
				v->type = HM__V_REAL;
				v->u.d = f;
			} else {
				v->type = HM__V_REAL;
				memcpy(&v->u.d, &u, 8);
			}
		}
		off += w;
	}
	return 0;
}

static int dictionary_page(ctx *x, const unsigned char *p, size_t n, int64_t nvals, int enc)
{
	int rc;

	if (x->have_dict)
		return bad(x, "a column chunk has two dictionary pages");
	if (enc != 0 && enc != 2)
		return bad(x, "a dictionary page is not PLAIN");
	if (nvals < 0 || (uint64_t)nvals > n * 8 + 8)
		return bad(x, "a dictionary page holds more values than bytes");
	if ((rc = charge(x, (uint64_t)nvals * sizeof(hm__vnode))) < 0)
		return rc;
	if (!(x->dict = calloc(nvals ? (size_t)nvals : 1, sizeof(hm__vnode))))
		return hm__err_oom();
	x->ndict = (size_t)nvals;
	x->have_dict = 1;
	return plain(x, p, n, (size_t)nvals, x->dict);
}

/* The values part of a data page: nvals defined values with encoding enc. */
static int values(ctx *x, const unsigned char *p, size_t n, size_t nvals, int enc)
{
	hm__pq_column *c = x->c;
	uint32_t *idx;
	size_t i;
	int rc;

	if ((rc = charge(x, (uint64_t)nvals * sizeof(hm__vnode))) < 0 ||
	    (rc = grow((void **)&c->vals, &c->capvals, c->nvals + nvals, sizeof(hm__vnode))) < 0)
		return rc;
	if (enc == 0) {
		if ((rc = plain(x, p, n, nvals, c->vals + c->nvals)) < 0)
			return rc;
	} else if (enc == 2 || enc == 8) {
		if (!x->have_dict)
			return bad(x, "dictionary indices without a dictionary page");
		if (nvals && n < 1)
			return bad(x, "a dictionary-encoded page is empty");
		if ((rc = charge(x, (uint64_t)nvals * sizeof(uint32_t))) < 0)
			return rc;
		if (!(idx = malloc((nvals ? nvals : 1) * sizeof(uint32_t))))
			return hm__err_oom();
		rc = nvals ? hybrid(x, p + 1, n - 1, p[0], nvals, idx, NULL, 0) : 0;
		c->bytes -= (uint64_t)nvals * sizeof(uint32_t); /* freed below */
		for (i = 0; rc == 0 && i < nvals; i++) {
			if (idx[i] >= x->ndict)
				rc = bad(x, "a dictionary index is out of range");
			else
				c->vals[c->nvals + i] = x->dict[idx[i]];
		}
		free(idx);
		if (rc < 0)
			return rc;
	} else {
		return bad(x, "a page uses an encoding this reader does not read");
	}
	c->nvals += nvals;
	return 0;
}

typedef struct page {
	int type, enc, def_enc, rep_enc, is_compressed;
	int64_t usize, csize, nvals, def_len, rep_len;
} page;

static void data_header(hm__thrift *t, page *pg, int v2)
{
	int16_t last = 0, id;
	int ft;

	while (hm__thrift_field(t, &last, &id, &ft)) {
		if (id == 1)
			pg->nvals = hm__thrift_int(t, ft);
		else if (!v2 && id == 2)
			pg->enc = (int)hm__thrift_int(t, ft);
		else if (!v2 && id == 3)
			pg->def_enc = (int)hm__thrift_int(t, ft);
		else if (!v2 && id == 4)
			pg->rep_enc = (int)hm__thrift_int(t, ft);
		else if (v2 && id == 4)
			pg->enc = (int)hm__thrift_int(t, ft);
		else if (v2 && id == 5)
			pg->def_len = hm__thrift_int(t, ft);
		else if (v2 && id == 6)
			pg->rep_len = hm__thrift_int(t, ft);
		else if (v2 && id == 7)
			pg->is_compressed = hm__thrift_bool(t, ft);
		else
			hm__thrift_skip(t, ft);
	}
}

static void page_header(hm__thrift *t, page *pg)
{
	int16_t last = 0, id;
	int ft;

	memset(pg, 0, sizeof(*pg));
	pg->type = -1;
	pg->enc = pg->def_enc = pg->rep_enc = 3;
	pg->is_compressed = 1;
	pg->usize = pg->csize = -1;
	while (hm__thrift_field(t, &last, &id, &ft)) {
		switch (id) {
		case 1: pg->type = (int)hm__thrift_int(t, ft); break;
		case 2: pg->usize = hm__thrift_int(t, ft); break;
		case 3: pg->csize = hm__thrift_int(t, ft); break;
		case 5:
		case 7:
		case 8:
			if (ft == HM_TT_STRUCT) {
				data_header(t, pg, id == 8);
				break;
			}
			/* fall through */
		default: hm__thrift_skip(t, ft);
		}
	}
}

/* Levels of a v1 page: 4-byte length, then the hybrid runs. */
static int v1_levels(ctx *x, const unsigned char **p, size_t *n, int max, size_t count,
		     uint8_t *dst)
{
	uint32_t len;

	if (max == 0)
		return levels(x, NULL, 0, 0, count, dst);
	if (*n < 4)
		return bad(x, "a page's levels are truncated");
	len = (uint32_t)(*p)[0] | (uint32_t)(*p)[1] << 8 | (uint32_t)(*p)[2] << 16 |
	      (uint32_t)(*p)[3] << 24;
	if (len > *n - 4)
		return bad(x, "a page's levels run past the page");
	*p += 4;
	*n -= 4;
	if (levels(x, *p, len, max, count, dst) < 0)
		return HM_EINVAL;
	*p += len;
	*n -= len;
	return 0;
}

static int data_page(ctx *x, const page *pg, const unsigned char *body, size_t blen)
{
	hm__pq_column *c = x->c;
	const hm__pq_leaf *l = x->leaf;
	const unsigned char *p;
	size_t n, count = (size_t)pg->nvals, present = 0, i;
	int rc;

	if (pg->nvals < 0)
		return bad(x, "a page has a negative value count");
	if ((rc = charge(x, 2 * (uint64_t)count)) < 0 ||
	    (rc = grow((void **)&c->rep, &c->caplevels, c->nlevels + count, 1)) < 0)
		return rc;
	{
		void *d = reallocarray(c->def, c->caplevels, 1);
		if (!d)
			return hm__err_oom();
		c->def = d;
	}
	if (pg->type == 0) {
		if ((l->max_rep && pg->rep_enc != 3) || (l->max_def && pg->def_enc != 3))
			return bad(x, "levels not in the RLE encoding");
		rc = decompress(x, body, blen, (size_t)pg->usize, x->codec, &p);
		n = (size_t)pg->usize;
		if (rc == 0)
			rc = v1_levels(x, &p, &n, l->max_rep, count, c->rep + c->nlevels);
		if (rc == 0)
			rc = v1_levels(x, &p, &n, l->max_def, count, c->def + c->nlevels);
	} else {
		uint64_t lv = (uint64_t)pg->rep_len + (uint64_t)pg->def_len;
		if (pg->rep_len < 0 || pg->def_len < 0 || lv > blen || lv > (uint64_t)pg->usize)
			return bad(x, "a v2 page's level lengths run past the page");
		rc = levels(x, body, (size_t)pg->rep_len, l->max_rep, count, c->rep + c->nlevels);
		if (rc == 0)
			rc = levels(x, body + pg->rep_len, (size_t)pg->def_len, l->max_def, count,
				    c->def + c->nlevels);
		if (rc == 0)
			rc = decompress(x, body + lv, blen - lv, (size_t)((uint64_t)pg->usize - lv),
					pg->is_compressed ? x->codec : HM_PQ_UNCOMPRESSED, &p);
		n = (size_t)((uint64_t)pg->usize - lv);
	}
	if (rc < 0)
		return rc;
	for (i = 0; i < count; i++)
		present += c->def[c->nlevels + i] == l->max_def;
	if (l->max_rep && count && c->rep[c->nlevels] != 0 && c->nlevels == 0)
		return bad(x, "a column chunk starts inside a row");
	if ((rc = values(x, p, n, present, pg->enc)) < 0)
		return rc;
	c->nlevels += count;
	return 0;
}

int hm__pq_column_decode(hm__pq_column *c, const unsigned char *p, size_t n,
			 const hm__pq_leaf *leaf, int codec, int64_t num_values, uint64_t budget,
			 const char *name)
{
	ctx x = { c, leaf, codec, budget, name, NULL, 0, 0 };
	const unsigned char *end = p + n;
	int rc = 0;

	while (rc == 0 && (int64_t)c->nlevels < num_values) {
		hm__thrift t = { p, end, 0, NULL };
		page pg;
		page_header(&t, &pg);
		if (t.err) {
			rc = bad(&x, "a page header is malformed or truncated");
			break;
		}
		if (pg.csize < 0 || pg.usize < 0 || pg.csize > (int64_t)HM_PQ_MAX_PAGE ||
		    pg.usize > (int64_t)HM_PQ_MAX_PAGE) {
			rc = hm__err(HM_EINVAL, "%s: a page is larger than %u MiB or has no size", name,
				     (unsigned)(HM_PQ_MAX_PAGE >> 20));
			break;
		}
		if ((uint64_t)pg.csize > (uint64_t)(end - t.p)) {
			rc = bad(&x, "a page runs past its column chunk");
			break;
		}
		if (pg.type == 2) {
			const unsigned char *d;
			rc = decompress(&x, t.p, (size_t)pg.csize, (size_t)pg.usize, codec, &d);
			if (rc == 0)
				rc = dictionary_page(&x, d, (size_t)pg.usize, pg.nvals, pg.enc);
		} else if (pg.type == 0 || pg.type == 3) {
			rc = data_page(&x, &pg, t.p, (size_t)pg.csize);
		} else if (pg.type != 1) {
			rc = bad(&x, "a page of unknown type");
		}
		p = t.p + pg.csize;
	}
	if (rc == 0 && (int64_t)c->nlevels != num_values)
		rc = bad(&x, "a column chunk holds another number of values than its metadata says");
	free(x.dict);
	return rc;
}

int hm__pq_column_read(hm__pq_column *c, const hm__pq_source *src, const hm__pq_leaf *leaf,
		       const hm__pq_chunk *ch, uint64_t budget)
{
	unsigned char *buf;
	int rc;

	if ((uint64_t)ch->size > budget)
		return hm__err(HM_EINVAL, "%s: a column chunk is larger than %llu bytes", src->name,
			       (unsigned long long)HM_PQ_MAX_GROUP);
	if (!(buf = malloc(ch->size ? (size_t)ch->size : 1)))
		return hm__err_oom();
	rc = src->read(src->ctx, (uint64_t)ch->data_off, buf, (size_t)ch->size);
	if (rc == 0)
		rc = hm__pq_column_decode(c, buf, (size_t)ch->size, leaf, ch->codec, ch->num_values,
					  budget, src->name);
	free(buf);
	return rc;
}

void hm__pq_column_free(hm__pq_column *c)
{
	size_t i;

	for (i = 0; i < c->nbufs; i++)
		free(c->bufs[i]);
	free(c->bufs);
	free(c->rep);
	free(c->def);
	free(c->vals);
	memset(c, 0, sizeof(*c));
}
