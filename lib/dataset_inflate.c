/*
 * Compressed dataset files (.jsonl.gz, .jsonl.zst, ...) decompressed as they
 * stream, so the record splitters see the plain bytes with memory bounded by
 * one output buffer. gzip files may hold several members (as `cat a.gz b.gz`
 * makes), zstd files several frames; a stream that stops inside one is an
 * error, never a silent short read.
 */
#include "dataset_impl.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define OUT_CHUNK ((size_t)256 << 10)

struct hm__inflate {
	int kind;
	z_stream z;
	int z_open, in_member; /* gzip: a member started and not yet ended */
	ZSTD_DStream *zs;
	size_t zs_pending; /* zstd: nonzero while a frame is unfinished */
	unsigned char *out;
};

const char *hm_dataset_compression_name(hm_dataset_compression c)
{
	return c == HM_COMPRESSION_GZIP ? "gzip" : c == HM_COMPRESSION_ZSTD ? "zstd" : "none";
}

int hm__inflate_new(hm__inflate **out, int kind)
{
	hm__inflate *z = calloc(1, sizeof(*z));

	*out = NULL;
	if (!z || !(z->out = malloc(OUT_CHUNK)))
		goto oom;
	z->kind = kind;
	if (kind == HM_COMPRESSION_GZIP) {
		if (inflateInit2(&z->z, 15 + 16) != Z_OK)
			goto oom;
		z->z_open = 1;
	} else if (!(z->zs = ZSTD_createDStream()) || ZSTD_isError(ZSTD_initDStream(z->zs))) {
		goto oom;
	}
	*out = z;
	return 0;
oom:
	hm__inflate_free(z);
	return hm__err_oom();
}

void hm__inflate_free(hm__inflate *z)
{
	if (!z)
		return;
	if (z->z_open)
		inflateEnd(&z->z);
	ZSTD_freeDStream(z->zs);
	free(z->out);
	free(z);
}

static int feed_gzip(hm__inflate *z, const unsigned char *p, size_t n, hm__inflate_sink sink,
		     void *ctx)
{
	int rc, zr;

	z->z.next_in = (Bytef *)p;
	z->z.avail_in = 0;
	while (n || z->z.avail_in) {
		if (!z->z.avail_in) {
			size_t take = n > (1u << 30) ? (1u << 30) : n;
			z->z.next_in = (Bytef *)p;
			z->z.avail_in = (uInt)take;
			p += take;
			n -= take;
		}
		z->z.next_out = z->out;
		z->z.avail_out = (uInt)OUT_CHUNK;
		z->in_member = 1;
		zr = inflate(&z->z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			return hm__err(HM_EINVAL, "not a valid gzip stream: %s",
				       z->z.msg ? z->z.msg : "corrupt data");
		if (OUT_CHUNK - z->z.avail_out &&
		    (rc = sink(ctx, (const char *)z->out, OUT_CHUNK - z->z.avail_out)) < 0)
			return rc;
		if (zr == Z_STREAM_END) {
			z->in_member = 0;
			if (inflateReset(&z->z) != Z_OK)
				return hm__err_oom();
		} else if (zr == Z_BUF_ERROR && z->z.avail_out && !n) {
			break; /* all input taken */
		}
	}
	return 0;
}

static int feed_zstd(hm__inflate *z, const unsigned char *p, size_t n, hm__inflate_sink sink,
		     void *ctx)
{
	ZSTD_inBuffer in = { p, n, 0 };
	int rc;

	while (in.pos < in.size || z->zs_pending) {
		ZSTD_outBuffer o = { z->out, OUT_CHUNK, 0 };
		size_t r = ZSTD_decompressStream(z->zs, &o, &in);
		if (ZSTD_isError(r))
			return hm__err(HM_EINVAL, "not a valid zstd stream: %s", ZSTD_getErrorName(r));
		z->zs_pending = r;
		if (o.pos && (rc = sink(ctx, (const char *)z->out, o.pos)) < 0)
			return rc;
		if (o.pos < o.size && in.pos == in.size)
			break;
	}
	return 0;
}

int hm__inflate_feed(hm__inflate *z, const void *p, size_t n, hm__inflate_sink sink, void *ctx)
{
	if (z->kind == HM_COMPRESSION_GZIP)
		return feed_gzip(z, p, n, sink, ctx);
	return feed_zstd(z, p, n, sink, ctx);
}

int hm__inflate_finish(hm__inflate *z, uint64_t total_in)
{
	if (total_in == 0)
		return hm__err(HM_EINVAL, "an empty file is no %s stream",
			       hm_dataset_compression_name(z->kind));
	if (z->kind == HM_COMPRESSION_GZIP && z->in_member)
		return hm__err(HM_EINVAL, "the gzip stream is truncated");
	if (z->kind == HM_COMPRESSION_ZSTD && z->zs_pending)
		return hm__err(HM_EINVAL, "the zstd stream is truncated");
	return 0;
}
