/* lib/archive_impl.h: the archive handle and what its files share (internal). */
#ifndef HM_ARCHIVE_IMPL_H
#define HM_ARCHIVE_IMPL_H

#include "internal.h"
#include "hallmark/archive.h"

#include "archive_store.h"

/* PRAGMA application_id of a hallmark archive: "HMAR". */
#define HM_ARCHIVE_APP_ID 0x484d4152
/*
 * The hashes the archive looks up (content keys, digests) are indexed by their
 * first 16 characters (64 bits), not whole: random keys land on random pages of
 * their index, and an index a quarter the size stays in the page cache and
 * dirties a quarter the pages a write. The schema (version 4) indexes
 * HM__KEY_PREFIX(column); a lookup is HM__KEY_MATCH(column, parameter): the
 * prefix (which the index answers) and the rest, so the whole value. Not
 * "column = ?1": SQLite would put ?1 into the indexed expression for the
 * column (constant propagation), which then no longer matches the index.
 */
#define HM__KEY_PREFIX(x) "substr(" x ", 1, 16)"
#define HM__KEY_MATCH(col, param)                                                           \
	col " IS NOT NULL AND " HM__KEY_PREFIX(col) " = " HM__KEY_PREFIX(param) " AND substr(" \
	col ", 17) = substr(" param ", 17)"

/* The schema steps whose SQL both stores share (versions 3 and 4). */
#define HM__SCHEMA_V3                                                   \
	"ALTER TABLE entries ADD COLUMN content_key TEXT;"              \
	"CREATE INDEX entries_content ON entries(content_key) WHERE content_key IS NOT NULL;"
#define HM__SCHEMA_V4                                                                      \
	"DROP INDEX entries_envelope;"                                                     \
	"DROP INDEX entries_content;"                                                      \
	"CREATE INDEX entries_content ON entries(" HM__KEY_PREFIX("content_key") ")"       \
	" WHERE content_key IS NOT NULL;"                                                  \
	"DROP INDEX refs_digest;"                                                          \
	"CREATE INDEX refs_digest ON refs(" HM__KEY_PREFIX("digest") ");"

/* Levels of the tree: enough for 2^63 leaves. */
#define HM_TREE_LEVELS 64

struct hm_archive {
	const struct hm__store_ops *ops;
	void *store;       /* the store's connection and state */
	char *path;        /* for messages (a PostgreSQL URL without its password) */
	int version;       /* schema version after opening */
	int readonly;
	long long last_id; /* -1 when none */
	hm__q *stmts[16];        /* prepared on first use, see hm__archive_stmt */
};

/* The statements the handle keeps prepared. */
enum hm__stmt_id {
	HM__ST_GET_NODE,
	HM__ST_PUT_NODE,
	HM__ST_PUT_HEAD,
	HM__ST_GET_HEAD,
	HM__ST_PUT_ENTRY,
	HM__ST_PUT_REF,
	HM__ST_PUT_SIGNER,
	HM__ST_FIND_BODY,
	HM__ST_COUNT
};

/* archive.c */
/* Sets the error from the store's message; returns the hallmark code (HM_EIO mostly). */
int hm__archive_sql_err(hm_archive *a, const char *what);
int hm__archive_exec(hm_archive *a, const char *sql);
int hm__archive_prepare(hm_archive *a, hm__q **st, const char *sql);
/* The kept statement id (prepared from sql on first use), reset and unbound. */
int hm__archive_stmt(hm_archive *a, enum hm__stmt_id id, const char *sql, hm__q **st);
/* The write transaction (one writer at a time; the others wait), COMMIT, ROLLBACK. */
int hm__archive_begin(hm_archive *a);
int hm__archive_commit(hm_archive *a);
void hm__archive_rollback(hm_archive *a);
/* A read snapshot over several queries, and its end. */
int hm__archive_read_begin(hm_archive *a);
void hm__archive_read_end(hm_archive *a);

/* archive_schema.c: creates or migrates the schema up to HM_ARCHIVE_SCHEMA_VERSION. */
int hm__archive_migrate(hm_archive *a);

/* archive_time.c */
/* "YYYY-MM-DDTHH:MM:SSZ" (buf of at least 32 bytes). */
/* t plus a number of calendar months (UTC; a day past the month's end rolls over). */
long long hm__archive_add_months(long long t, int months);

/* archive_index.c: what an entry refers to, for search and lineage. */
struct hm__ref {
	char *role, *name, *alg, *digest;
};
struct hm__derived {
	struct hm__ref *refs;
	size_t n, cap;
	char *benchmark;
};
/* From an in-toto statement (validated JSON). */
int hm__derive_statement(struct hm__derived *d, const json_t *st);
/* From a verification report's JSON (hm_verify_report_json). */
int hm__derive_report(struct hm__derived *d, const json_t *report);
void hm__derived_free(struct hm__derived *d);
/* Inserts the refs rows of entry id. */
int hm__derived_store(hm_archive *a, uint64_t id, const struct hm__derived *d);
/* Re-derives refs and benchmark of every entry (migration to v2). */
int hm__derived_rebuild(hm_archive *a);

/* archive_tree.c: the Merkle tree's complete subtrees in table "tree". */
struct hm__frontier {
	uint64_t size;
	unsigned char right[HM_TREE_LEVELS][32]; /* the rightmost node of each level */
};
/* Reads the current size and right edge (inside the write transaction). */
int hm__tree_load(hm_archive *a, struct hm__frontier *f);
/* Appends a leaf hash: stores it and every subtree it completes. */
int hm__tree_append(hm_archive *a, struct hm__frontier *f, const unsigned char leaf[32]);
/* The root of the frontier's tree. */
void hm__tree_root(unsigned char out[32], const struct hm__frontier *f);
/* The current head (inside the caller's transaction). */
int hm__tree_head(hm_archive *a, hm_tree_head *out);
/* Records the tree head of the frontier at time now. */
int hm__tree_store_head(hm_archive *a, const struct hm__frontier *f, long long now);
/* hm__merkle_get_fn over the stored subtrees (ctx = the archive). */
int hm__tree_get(void *ctx, unsigned level, uint64_t index, unsigned char out[32]);

/*
 * A set of tree nodes read in one query: record the nodes a computation asks
 * for (hm__nodes_record answers zeros: which nodes a proof needs depends on
 * the sizes only), fetch them, then run it again over hm__nodes_get. A set
 * that overflows is read node by node.
 */
#define HM__NODES_MAX 320
struct hm__nodes {
	hm_archive *a;
	size_t n;
	int overflow;
	unsigned level[HM__NODES_MAX];
	uint64_t idx[HM__NODES_MAX];
	unsigned char hash[HM__NODES_MAX][32];
	unsigned char have[HM__NODES_MAX];
};
int hm__nodes_record(void *ctx, unsigned level, uint64_t index, unsigned char out[32]);
int hm__nodes_fetch(struct hm__nodes *s);
int hm__nodes_get(void *ctx, unsigned level, uint64_t index, unsigned char out[32]);

/*
 * archive_tiles.c: the tlog-tiles path PREFIX/<N>[.p/<W>] of index N, in
 * 3-digit groups all but the last prefixed "x" (width 0 or 256: a full tile).
 */
int hm__tile_path(char *buf, size_t size, const char *prefix, uint64_t index, unsigned width);

/* archive_append.c: one new entry (inside the write transaction). */
struct hm__entry_in {
	const char *kind;        /* "attestation" or "verification" */
	json_t *entry;           /* the leaf's fields but "index" (added here) */
	const char *body;
	size_t body_len;
	const char *body_sha256; /* hex */
	const char *content_key; /* hex, attestations only (else NULL) */
	long long recorded, retain_until;
	int verified;
	const char *reason;
	const char *predicate_type;
	const char *statement;
	size_t statement_len;
	const struct hm__derived *derived;
	const char *const *signers;
	size_t nsigners;
};
int hm__archive_append(hm_archive *a, struct hm__frontier *f, const struct hm__entry_in *e,
		       uint64_t *id);
/*
 * The first attestation entry holding an envelope of this content (content key
 * hex: the same bytes, or the same content in another base64 spelling), or -1.
 */
int hm__archive_find_envelope(hm_archive *a, const char *content_key, long long *id);

/* archive_content.c: one entry per envelope content, whatever its base64 spelling. */
/* The content key (hex) of an envelope: payloadType, payload and the set of signatures. */
int hm__envelope_content_key(char hex[65], const hm_envelope *env);
/* Computes the content key of every stored attestation (migration to v3). */
int hm__content_key_rebuild(hm_archive *a);

#endif

/* archive_list.c: lists of entries read back. */
struct hm__item {
	hm_archive_entry e;
	char *kind, *reason, *ptype, *benchmark, *entry, *body, *statement;
	hm_archive_ref *refs;
	char **signers;
};
struct hm_archive_list {
	struct hm__item *items;
	size_t n, cap;
};
/*
 * Appends the entries whose ids the prepared query yields (column 0), in
 * that order; full also reads their bytes, body and statement. The query is
 * stepped to its end and reset.
 */
int hm__archive_load(hm_archive *a, hm_archive_list *l, hm__q *ids, int full);
/* The entry as a JSON object (with "entry", "body" and "statement" when read in full). */
json_t *hm__entry_json(const hm_archive_entry *e);
/* Splits "alg:value" / "value" into alg (NULL = any) and a lowercase copy of the value. */
int hm__digest_query(char **alg, char **value, const char *digest);

/* archive_export.c: the entries recorded in [since, until] (0 = open), read in full. */
int hm__archive_range(hm_archive *a, hm_archive_list **out, long long since, long long until);
/* archive_cyclonedx.c */
int hm__archive_cyclonedx(char **out, size_t *len, hm_archive *a, const hm_archive_list *l,
			  const hm_tree_head *head);
