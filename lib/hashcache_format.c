/*
 * The digest cache's file format (hashcache.h): parsing bytes read from disk,
 * which are untrusted (the checksum only tells a damaged file from a whole
 * one), and encoding them.
 */
#include "hashcache.h"
#include "manifest_impl.h"

#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN (1u << 20)
/* The fixed part of an entry: length, NUL, stat, digest. */
#define ENTRY_FIXED (4 + 1 + 3 * 8 + 8 + 4 + 8 + 4 + 32)
#define NS_PER_S 1000000000u

struct rd {
	const unsigned char *p;
	size_t left;
};

static int take(struct rd *r, const unsigned char **out, size_t n)
{
	if (r->left < n)
		return -1;
	*out = r->p;
	r->p += n;
	r->left -= n;
	return 0;
}

static int u32(struct rd *r, uint32_t *v)
{
	const unsigned char *b;
	int i;

	if (take(r, &b, 4) < 0)
		return -1;
	for (*v = 0, i = 3; i >= 0; i--)
		*v = (*v << 8) | b[i];
	return 0;
}

static int u64(struct rd *r, uint64_t *v)
{
	const unsigned char *b;
	int i;

	if (take(r, &b, 8) < 0)
		return -1;
	for (*v = 0, i = 7; i >= 0; i--)
		*v = (*v << 8) | b[i];
	return 0;
}

static int i64(struct rd *r, int64_t *v)
{
	uint64_t u;

	if (u64(r, &u) < 0)
		return -1;
	memcpy(v, &u, sizeof(u)); /* two's complement, without an implementation-defined cast */
	return 0;
}

/* A NUL-terminated string of len bytes with no other NUL; *out points into r. */
static int str(struct rd *r, const char **out, uint32_t len)
{
	const unsigned char *b;

	if (take(r, &b, (size_t)len + 1) < 0 || b[len] != '\0' || memchr(b, '\0', len))
		return -1;
	*out = (const char *)b;
	return 0;
}

static int bad(const char *what)
{
	return hm__err(HM_EFORMAT, "%s", what);
}

static int time_pair(struct rd *r, int64_t *sec, uint32_t *nsec)
{
	return i64(r, sec) < 0 || u32(r, nsec) < 0 || *nsec >= NS_PER_S ? -1 : 0;
}

static int entry(struct rd *r, hm__hcentry *e)
{
	const unsigned char *d;
	uint32_t len;

	if (u32(r, &len) < 0 || len == 0 || len > NAME_MAX_LEN || str(r, &e->name, len) < 0)
		return bad("truncated or malformed entry name");
	if (!hm__path_valid_name(e->name))
		return bad("an entry name is not a manifest path");
	if (u64(r, &e->st.dev) < 0 || u64(r, &e->st.ino) < 0 || u64(r, &e->st.size) < 0 ||
	    time_pair(r, &e->st.mtime_sec, &e->st.mtime_nsec) < 0 ||
	    time_pair(r, &e->st.ctime_sec, &e->st.ctime_nsec) < 0 || take(r, &d, 32) < 0)
		return bad("truncated or malformed entry");
	memcpy(e->digest, d, 32);
	return 0;
}

void hm__hashcache_clear(hm__hashcache *c)
{
	if (!c)
		return;
	free(c->buf);
	free(c->e);
	memset(c, 0, sizeof(*c));
}

int hm__hashcache_parse(hm__hashcache *out, const unsigned char *data, size_t len)
{
	unsigned char sum[32];
	struct rd r;
	uint32_t version, flags, rootlen;
	uint64_t count, i;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len < 8 || memcmp(data, HM_HASHCACHE_MAGIC, 8) != 0)
		return bad("not a hallmark digest cache");
	if (len < 8 + 8 + 32)
		return bad("truncated");
	hm__sha256(sum, data, len - 32);
	if (memcmp(sum, data + len - 32, 32) != 0)
		return bad("checksum mismatch (damaged or truncated)");
	if (!(out->buf = malloc(len - 32))) /* the bytes the strings point into */
		return hm__err_oom();
	memcpy(out->buf, data, len - 32);
	r.p = (const unsigned char *)out->buf + 8;
	r.left = len - 32 - 8;
	if (u32(&r, &version) < 0 || u32(&r, &flags) < 0)
		return bad("truncated");
	if (version != HM_HASHCACHE_VERSION || flags != 0)
		return hm__err(HM_EUNSUPPORTED, "format version %u (flags %u) is not %u",
			       (unsigned)version, (unsigned)flags, HM_HASHCACHE_VERSION);
	if (time_pair(&r, &out->stamp_sec, &out->stamp_nsec) < 0)
		return bad("truncated or malformed time stamp");
	if (u32(&r, &rootlen) < 0 || rootlen == 0 || rootlen > NAME_MAX_LEN ||
	    str(&r, &out->root, rootlen) < 0 || out->root[0] != '/')
		return bad("truncated or malformed model root");
	if (u64(&r, &count) < 0)
		return bad("truncated");
	if (count > r.left / ENTRY_FIXED)
		return bad("more entries than the file holds");
	if (count && !(out->e = calloc((size_t)count, sizeof(*out->e))))
		return hm__err_oom();
	for (i = 0; i < count; i++) {
		if ((rc = entry(&r, &out->e[i])) < 0)
			return rc;
		if (i && hm__path_cmp(out->e[i - 1].name, out->e[i].name) >= 0)
			return bad("entries out of order or repeated");
		out->n++;
	}
	if (r.left != 0)
		return bad("bytes after the last entry");
	return 0;
}

static int put_u32(hm_buf *b, uint32_t v)
{
	unsigned char x[4];
	int i;

	for (i = 0; i < 4; i++, v >>= 8)
		x[i] = (unsigned char)(v & 0xff);
	return hm__buf_put(b, x, 4);
}

static int put_u64(hm_buf *b, uint64_t v)
{
	unsigned char x[8];
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		x[i] = (unsigned char)(v & 0xff);
	return hm__buf_put(b, x, 8);
}

static int put_i64(hm_buf *b, int64_t v)
{
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	return put_u64(b, u);
}

static int put_str(hm_buf *b, const char *s)
{
	size_t l = strlen(s);

	return put_u32(b, (uint32_t)l) < 0 || hm__buf_put(b, s, l + 1) < 0 ? -1 : 0;
}

int hm__hashcache_encode(hm_buf *out, const char *root, int64_t stamp_sec, uint32_t stamp_nsec,
			 const hm__hcentry *e, size_t n)
{
	unsigned char sum[32];
	size_t start = out->len, i;

	if (hm__buf_put(out, HM_HASHCACHE_MAGIC, 8) < 0 || put_u32(out, HM_HASHCACHE_VERSION) < 0 ||
	    put_u32(out, 0) < 0 || put_i64(out, stamp_sec) < 0 || put_u32(out, stamp_nsec) < 0 ||
	    put_str(out, root) < 0 || put_u64(out, (uint64_t)n) < 0)
		return HM_ENOMEM;
	for (i = 0; i < n; i++) {
		const hm__hcstat *s = &e[i].st;

		if (put_str(out, e[i].name) < 0 || put_u64(out, s->dev) < 0 ||
		    put_u64(out, s->ino) < 0 || put_u64(out, s->size) < 0 ||
		    put_i64(out, s->mtime_sec) < 0 || put_u32(out, s->mtime_nsec) < 0 ||
		    put_i64(out, s->ctime_sec) < 0 || put_u32(out, s->ctime_nsec) < 0 ||
		    hm__buf_put(out, e[i].digest, 32) < 0)
			return HM_ENOMEM;
	}
	hm__sha256(sum, out->data + start, out->len - start);
	return hm__buf_put(out, sum, 32) < 0 ? HM_ENOMEM : 0;
}

int hm__hashcache_settled(int64_t sec, uint32_t nsec, int64_t ref_sec, uint32_t ref_nsec)
{
	/* (sec, nsec) + RACY < (ref_sec, ref_nsec), without overflow */
	if (ref_sec < INT64_MIN + HM_DIGEST_CACHE_RACY_SECONDS + 1)
		return 0;
	ref_sec -= HM_DIGEST_CACHE_RACY_SECONDS;
	return sec < ref_sec || (sec == ref_sec && nsec < ref_nsec);
}
