/*
 * The log's Merkle tree in the store: table tree holds every complete subtree
 * hash by (level, index), level 0 being the leaf hashes; table heads holds
 * the tree head after every write. Appending a leaf stores it and the
 * subtrees it completes (the left siblings come from the right edge kept in
 * memory), so a write costs O(1) rows on average and a proof O(log n) reads.
 */
#include "archive_impl.h"
#include "merkle.h"

#include <stdlib.h>
#include <string.h>

int hm__tree_get(void *ctx, unsigned level, uint64_t index, unsigned char out[32])
{
	hm_archive *a = ctx;
	hm__q *st;
	int rc;

	if ((rc = hm__archive_stmt(a, HM__ST_GET_NODE,
				   "SELECT hash FROM tree WHERE level = ?1 AND idx = ?2", &st)) < 0)
		return rc;
	hm__bind_int64(st, 1, (int)level);
	hm__bind_int64(st, 2, (long long)index);
	rc = hm__step(st);
	if (rc == HM__ROW && hm__col_bytes(st, 0) == 32) {
		memcpy(out, hm__col_blob(st, 0), 32);
		hm__reset(st);
		return 0;
	}
	hm__reset(st);
	if (rc == HM__ROW || rc == HM__DONE)
		return hm__err(HM_EFORMAT, "%s: the log is damaged: the subtree hash at level %u "
			       "index %llu is %s (run `hallmark archive verify`)", a->path, level,
			       (unsigned long long)index, rc == HM__DONE ? "missing" : "malformed");
	return hm__archive_sql_err(a, "cannot read the tree");
}

static int put_node(hm_archive *a, unsigned level, uint64_t index, const unsigned char h[32])
{
	hm__q *st;
	int rc;

	if ((rc = hm__archive_stmt(a, HM__ST_PUT_NODE,
				   "INSERT INTO tree(level, idx, hash) VALUES (?1, ?2, ?3)", &st)) < 0)
		return rc;
	hm__bind_int64(st, 1, (int)level);
	hm__bind_int64(st, 2, (long long)index);
	hm__bind_blob(st, 3, h, 32);
	rc = hm__step(st);
	hm__reset(st);
	if (rc != HM__DONE)
		return hm__archive_sql_err(a, "cannot store a tree node");
	return 0;
}

int hm__nodes_record(void *ctx, unsigned level, uint64_t index, unsigned char out[32])
{
	struct hm__nodes *s = ctx;
	size_t i;

	memset(out, 0, 32);
	for (i = 0; i < s->n; i++)
		if (s->level[i] == level && s->idx[i] == index)
			return 0;
	if (s->n == HM__NODES_MAX) {
		s->overflow = 1;
		return 0;
	}
	s->level[s->n] = level;
	s->idx[s->n++] = index;
	return 0;
}

/*
 * The recorded nodes in one query (one round trip to a database server, not
 * one a node); the indexes are numbers of our own, written into the SQL.
 */
int hm__nodes_fetch(struct hm__nodes *s)
{
	hm_buf sql = HM_BUF_INIT;
	hm__q *st = NULL;
	size_t i;
	int rc = 0, step;

	memset(s->have, 0, sizeof(s->have));
	if (s->n == 0 || s->overflow)
		return 0; /* hm__nodes_get reads each node on its own */
	hm__buf_puts(&sql, "SELECT level, idx, hash FROM tree WHERE ");
	for (i = 0; i < s->n; i++)
		hm__buf_printf(&sql, "%s(level = %u AND idx = %llu)", i ? " OR " : "", s->level[i],
			       (unsigned long long)s->idx[i]);
	if ((rc = hm__buf_puts(&sql, "")) < 0 || (rc = hm__archive_prepare(s->a, &st, sql.data)) < 0) {
		hm__buf_free(&sql);
		return rc;
	}
	hm__buf_free(&sql);
	while ((step = hm__step(st)) == HM__ROW) {
		long long lv = hm__col_int64(st, 0), ix = hm__col_int64(st, 1);
		if (hm__col_bytes(st, 2) != 32)
			continue; /* hm__nodes_get reads it on its own and says what is wrong */
		for (i = 0; i < s->n; i++)
			if ((long long)s->level[i] == lv && (long long)s->idx[i] == ix) {
				memcpy(s->hash[i], hm__col_blob(st, 2), 32);
				s->have[i] = 1;
			}
	}
	hm__finalize(st);
	if (step != HM__DONE)
		return hm__archive_sql_err(s->a, "cannot read the tree");
	return 0;
}

int hm__nodes_get(void *ctx, unsigned level, uint64_t index, unsigned char out[32])
{
	struct hm__nodes *s = ctx;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->have[i] && s->level[i] == level && s->idx[i] == index) {
			memcpy(out, s->hash[i], 32);
			return 0;
		}
	return hm__tree_get(s->a, level, index, out); /* not fetched: missing, or its own error */
}

/* The rightmost node of every level. */
static int load_right_edge(hm_archive *a, struct hm__frontier *f)
{
	struct hm__nodes *s = calloc(1, sizeof(*s));
	unsigned char dummy[32];
	unsigned l;
	int rc = 0;

	if (!s)
		return hm__err_oom();
	s->a = a;
	for (l = 0; l < HM_TREE_LEVELS && (f->size >> l) > 0; l++)
		hm__nodes_record(s, l, (f->size >> l) - 1, dummy);
	rc = hm__nodes_fetch(s);
	for (l = 0; rc == 0 && l < HM_TREE_LEVELS && (f->size >> l) > 0; l++)
		rc = hm__nodes_get(s, l, (f->size >> l) - 1, f->right[l]);
	free(s);
	return rc;
}

int hm__tree_load(hm_archive *a, struct hm__frontier *f)
{
	hm__q *st;
	int rc;

	memset(f, 0, sizeof(*f));
	if ((rc = hm__archive_stmt(a, HM__ST_GET_HEAD, "SELECT tree_size FROM heads ORDER BY "
				   "tree_size DESC LIMIT 1", &st)) < 0)
		return rc;
	rc = hm__step(st);
	if (rc == HM__ROW)
		f->size = (uint64_t)hm__col_int64(st, 0);
	hm__reset(st);
	if (rc != HM__ROW && rc != HM__DONE)
		return hm__archive_sql_err(a, "cannot read the tree head");
	return load_right_edge(a, f);
}

int hm__tree_append(hm_archive *a, struct hm__frontier *f, const unsigned char leaf[32])
{
	unsigned char cur[32];
	uint64_t n = f->size;
	unsigned l;
	int rc;

	memcpy(cur, leaf, 32);
	if ((rc = put_node(a, 0, n, cur)) < 0)
		return rc;
	/* Leaf n closes a subtree at every level where its index is odd. */
	for (l = 0; l + 1 < HM_TREE_LEVELS && ((n >> l) & 1); l++) {
		unsigned char up[32];
		hm_merkle_node_hash(up, f->right[l], cur);
		memcpy(f->right[l], cur, 32);
		memcpy(cur, up, 32);
		if ((rc = put_node(a, l + 1, n >> (l + 1), cur)) < 0)
			return rc;
	}
	memcpy(f->right[l], cur, 32);
	f->size = n + 1;
	return 0;
}

void hm__tree_root(unsigned char out[32], const struct hm__frontier *f)
{
	unsigned char acc[32];
	unsigned l;
	int have = 0;

	if (f->size == 0) {
		hm_merkle_empty_root(out);
		return;
	}
	/* The complete subtrees of the binary decomposition of size, smallest first. */
	for (l = 0; l < HM_TREE_LEVELS; l++) {
		if (!((f->size >> l) & 1))
			continue;
		if (!have)
			memcpy(acc, f->right[l], 32);
		else
			hm_merkle_node_hash(acc, f->right[l], acc);
		have = 1;
	}
	memcpy(out, acc, 32);
}

int hm__tree_store_head(hm_archive *a, const struct hm__frontier *f, long long now)
{
	unsigned char root[32];
	hm__q *st;
	int rc;

	hm__tree_root(root, f);
	if ((rc = hm__archive_stmt(a, HM__ST_PUT_HEAD, "INSERT INTO heads(tree_size, root_hash, "
				   "recorded) VALUES (?1, ?2, ?3) ON CONFLICT(tree_size) DO UPDATE "
				   "SET root_hash = excluded.root_hash, recorded = excluded.recorded", &st)) < 0)
		return rc;
	hm__bind_int64(st, 1, (long long)f->size);
	hm__bind_blob(st, 2, root, 32);
	hm__bind_int64(st, 3, now);
	rc = hm__step(st);
	hm__reset(st);
	if (rc != HM__DONE)
		return hm__archive_sql_err(a, "cannot store the tree head");
	return 0;
}

int hm__tree_head(hm_archive *a, hm_tree_head *out)
{
	struct hm__frontier f;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = hm__tree_load(a, &f)) < 0)
		return rc;
	out->tree_size = f.size;
	hm__tree_root(out->root_hash, &f);
	return 0;
}

int hm_archive_head(hm_tree_head *out, hm_archive *a)
{
	int rc;

	/* One read transaction: the size and the nodes come from the same snapshot. */
	if ((rc = hm__archive_read_begin(a)) < 0)
		return rc;
	rc = hm__tree_head(a, out);
	hm__archive_read_end(a);
	return rc;
}
