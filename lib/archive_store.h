/*
 * lib/archive_store.h: where the archive's rows live (internal). The log's
 * logic (tree, proofs, verify, search, lineage, exports, checkpoints, tiles)
 * is written once over this interface; lib/archive_store_sqlite.c keeps the
 * rows in an SQLite file, lib/archive_store_pg.c in a PostgreSQL database.
 *
 * SQL is written once, in the subset both speak: parameters as ?1, ?2, ...
 * (the PostgreSQL store sends them as $1, $2, ...), bytes as blobs (bytea),
 * integers as 64-bit. Only the schema text and the identity of a database
 * (SQLite's PRAGMAs, a meta row in PostgreSQL) differ per store.
 */
#ifndef HM_ARCHIVE_STORE_H
#define HM_ARCHIVE_STORE_H

#include <stddef.h>

#define HM__ROW 100  /* hm__step: a row is ready */
#define HM__DONE 101 /* hm__step: no more rows; anything else is an error */

typedef struct hm_archive hm_archive;
typedef struct hm_archive_options hm_archive_options;
typedef struct hm__q hm__q;

struct hm__store_ops {
	const char *name;
	/* Connects to (or opens) target; a->path is set, a->readonly too. */
	int (*open)(hm_archive *a, const char *target, const hm_archive_options *o);
	void (*close)(hm_archive *a);
	/*
	 * The schema version of a hallmark archive, 0 for a new, empty database;
	 * fails for a database of another application.
	 */
	int (*identity)(hm_archive *a, long long *version);
	/* Inside the migration's write transaction: the version re-read, then set. */
	int (*read_version)(hm_archive *a, long long *version);
	int (*set_version)(hm_archive *a, int version);
	const char *const *schema; /* the DDL of each migration step (1 ... current) */
	int (*exec)(hm_archive *a, const char *sql);
	/* One writer at a time: the others wait (up to the busy timeout in SQLite). */
	int (*begin_write)(hm_archive *a);
	/* A read snapshot: every query until hm__archive_read_end sees the same data. */
	int (*begin_read)(hm_archive *a);
	int (*commit)(hm_archive *a);
	void (*rollback)(hm_archive *a);
	/* The last error: its hallmark code and the store's message. */
	int (*error)(hm_archive *a, const char **msg);
	/* keep: prepared once and reused for the handle's life. */
	int (*prepare)(hm_archive *a, hm__q **q, const char *sql, int keep);
	void (*finalize)(hm__q *q);
	void (*reset)(hm__q *q);    /* back to before the first step; bindings stay */
	void (*unbind)(hm__q *q);   /* every parameter NULL */
	/* Bound values are borrowed: they must live until the last step. */
	void (*bind_int64)(hm__q *q, int i, long long v);
	void (*bind_text)(hm__q *q, int i, const char *s, int len); /* len -1: strlen; NULL */
	void (*bind_blob)(hm__q *q, int i, const void *p, size_t n);
	int (*step)(hm__q *q);
	long long (*col_int64)(hm__q *q, int i);
	const char *(*col_text)(hm__q *q, int i);   /* NULL for NULL */
	const void *(*col_blob)(hm__q *q, int i);   /* NULL for NULL or empty */
	size_t (*col_bytes)(hm__q *q, int i);
	int (*col_null)(hm__q *q, int i);
	/* name search: "GLOB" with the pattern as given, or an operator and its translation */
	const char *glob_op;
	int (*glob)(char **out, const char *pattern); /* NULL: the pattern as it is */
};

struct hm__q {
	const struct hm__store_ops *ops;
};

extern const struct hm__store_ops hm__store_sqlite;
extern const struct hm__store_ops hm__store_pg;

/* Whether target names a PostgreSQL database (a postgresql:// URL or a conninfo string). */
int hm__store_is_pg(const char *target);

static inline void hm__finalize(hm__q *q)
{
	if (q)
		q->ops->finalize(q);
}
static inline void hm__reset(hm__q *q) { q->ops->reset(q); }
static inline void hm__bind_int64(hm__q *q, int i, long long v) { q->ops->bind_int64(q, i, v); }
static inline void hm__bind_text(hm__q *q, int i, const char *s, int len)
{
	q->ops->bind_text(q, i, s, len);
}
static inline void hm__bind_blob(hm__q *q, int i, const void *p, size_t n)
{
	q->ops->bind_blob(q, i, p, n);
}
static inline int hm__step(hm__q *q) { return q->ops->step(q); }
static inline long long hm__col_int64(hm__q *q, int i) { return q->ops->col_int64(q, i); }
static inline int hm__col_int(hm__q *q, int i) { return (int)q->ops->col_int64(q, i); }
static inline const char *hm__col_text(hm__q *q, int i) { return q->ops->col_text(q, i); }
static inline const void *hm__col_blob(hm__q *q, int i) { return q->ops->col_blob(q, i); }
static inline size_t hm__col_bytes(hm__q *q, int i) { return q->ops->col_bytes(q, i); }
static inline int hm__col_null(hm__q *q, int i) { return q->ops->col_null(q, i); }

#endif
