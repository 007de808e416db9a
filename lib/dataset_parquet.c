/*
 * A Parquet dataset file in a scan: the footer gives the record count (the
 * row groups' num_rows), the column names and, from them, the format; the
 * rows of the columns this reader can decode are rebuilt as records and go
 * through the same checks, duplicate keys and screening as JSON records.
 * Columns it cannot decode are listed with the reason ("unread_columns").
 */
#include "dataset_scan_impl.h"
#include "parquet.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int read_fd(void *ctx, uint64_t off, void *buf, size_t n)
{
	int fd = *(int *)ctx;
	char *p = buf;

	while (n) {
		ssize_t r = pread(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return hm__err(HM_EIO, "read failed: %s", strerror(errno));
		if (r == 0)
			return hm__err(HM_EIO, "the file got shorter while it was read");
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

typedef struct membuf {
	const unsigned char *p;
	size_t n;
} membuf;

static int read_mem(void *ctx, uint64_t off, void *buf, size_t n)
{
	const membuf *m = ctx;

	if (off > m->n || n > m->n - off)
		return hm__err(HM_EIO, "read past the end");
	memcpy(buf, m->p + off, n);
	return 0;
}

/* The record class the top-level column names tell, as hm__record_class does for keys. */
static int class_of_columns(const hm__pq_meta *m)
{
	int chat = 0, sharegpt = 0, alpaca = 0;
	size_t i;

	for (i = 0; i < m->ntops; i++) {
		const char *n = m->schema[m->tops[i].schema].name;
		chat |= strcmp(n, "messages") == 0;
		sharegpt |= strcmp(n, "conversations") == 0;
		alpaca |= strcmp(n, "instruction") == 0 || strcmp(n, "output") == 0;
	}
	return chat ? HM__CLS_CHAT : sharegpt ? HM__CLS_SHAREGPT : alpaca ? HM__CLS_ALPACA
								  : HM__CLS_GENERIC;
}

static int on_row(void *ctx, const hm__value *row)
{
	hm_dataset_scan *s = ctx;

	return hm__scan_value_record(s, s->records++, row, s->col_class);
}

static int describe(hm_dataset_scan *s, const hm__pq_meta *m)
{
	size_t i;

	s->columns = json_array();
	s->unread = json_array();
	if (!s->columns || !s->unread)
		return hm__err_oom();
	s->row_groups = m->ngroups;
	s->col_class = class_of_columns(m);
	for (i = 0; i < m->ntops; i++) {
		const hm__pq_top *t = &m->tops[i];
		json_t *name = json_string(m->schema[t->schema].name);
		if (!name)
			name = json_string("(not UTF-8)");
		if (json_array_append(s->columns, name) < 0 ||
		    (t->shape == HM_PQ_SHAPE_UNREAD &&
		     json_array_append_new(s->unread, json_pack("{s:O, s:s}", "name", name,
								"reason", t->why)) < 0)) {
			json_decref(name);
			return hm__err_oom();
		}
		json_decref(name);
	}
	return 0;
}

static int scan_source(hm_dataset_scan *s, const hm__pq_source *src)
{
	hm__pq_meta m;
	size_t i;
	int rc, any = 0;

	if (s->container != HM_CONTAINER_PARQUET || s->parquet_read)
		return hm__err(HM_EINVAL, "not a Parquet scan, or read already");
	if ((rc = hm__pq_meta_read(&m, src)) < 0)
		goto out;
	if ((rc = describe(s, &m)) < 0)
		goto out;
	for (i = 0; i < m.ntops; i++)
		any |= m.tops[i].shape != HM_PQ_SHAPE_UNREAD;
	if (any) {
		rc = hm__pq_read_rows(&m, src, on_row, s);
	} else {
		/* no value can be read: the footer's count, in the class the columns tell */
		s->records = (uint64_t)m.num_rows;
		s->cls_records[s->col_class] = (uint64_t)m.num_rows;
	}
	s->parquet_read = rc == 0;
out:
	hm__pq_meta_free(&m);
	return rc;
}

int hm__dataset_scan_parquet(hm_dataset_scan *s, int fd, uint64_t size, const char *name)
{
	hm__pq_source src = { read_fd, &fd, size, name };

	return scan_source(s, &src);
}

int hm__dataset_scan_parquet_buffer(hm_dataset_scan *s, const void *p, size_t n, const char *name)
{
	membuf mb = { p, n };
	hm__pq_source src = { read_mem, &mb, n, name };

	return scan_source(s, &src);
}
