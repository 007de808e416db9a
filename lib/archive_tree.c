/*
 * The log's Merkle tree in SQLite: table tree holds every complete subtree
 * hash by (level, index), level 0 being the leaf hashes; table heads holds
 * the tree head after every write. Appending a leaf stores it and the
 * subtrees it completes (the left siblings come from the right edge kept in
 * memory), so a write costs O(1) rows on average and a proof O(log n) reads.
 */
#include "archive_impl.h"
#include "merkle.h"

#include <string.h>

int hm__tree_get(void *ctx, unsigned level, uint64_t index, unsigned char out[32])
{
	hm_archive *a = ctx;
	sqlite3_stmt *st;
	int rc;

	if ((rc = hm__archive_stmt(a, HM__ST_GET_NODE,
				   "SELECT hash FROM tree WHERE level = ?1 AND idx = ?2", &st)) < 0)
		return rc;
	sqlite3_bind_int(st, 1, (int)level);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
		memcpy(out, sqlite3_column_blob(st, 0), 32);
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return hm__err(HM_EFORMAT, "%s: the log is damaged: the subtree hash at level %u "
			       "index %llu is %s (run `hallmark archive verify`)", a->path, level,
			       (unsigned long long)index, rc == SQLITE_DONE ? "missing" : "malformed");
	return hm__archive_sql_err(a, "cannot read the tree");
}

static int put_node(hm_archive *a, unsigned level, uint64_t index, const unsigned char h[32])
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = hm__archive_stmt(a, HM__ST_PUT_NODE,
				   "INSERT INTO tree(level, idx, hash) VALUES (?1, ?2, ?3)", &st)) < 0)
		return rc;
	sqlite3_bind_int(st, 1, (int)level);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	sqlite3_bind_blob(st, 3, h, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return hm__archive_sql_err(a, "cannot store a tree node");
	return 0;
}

int hm__tree_load(hm_archive *a, struct hm__frontier *f)
{
	sqlite3_stmt *st;
	unsigned l;
	int rc;

	memset(f, 0, sizeof(*f));
	if ((rc = hm__archive_stmt(a, HM__ST_GET_HEAD, "SELECT tree_size FROM heads ORDER BY "
				   "tree_size DESC LIMIT 1", &st)) < 0)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		f->size = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return hm__archive_sql_err(a, "cannot read the tree head");
	for (l = 0; l < HM_TREE_LEVELS && (f->size >> l) > 0; l++)
		if ((rc = hm__tree_get(a, l, (f->size >> l) - 1, f->right[l])) < 0)
			return rc;
	return 0;
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
	sqlite3_stmt *st;
	int rc;

	hm__tree_root(root, f);
	if ((rc = hm__archive_stmt(a, HM__ST_PUT_HEAD, "INSERT OR REPLACE INTO heads(tree_size, "
				   "root_hash, recorded) VALUES (?1, ?2, ?3)", &st)) < 0)
		return rc;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)f->size);
	sqlite3_bind_blob(st, 2, root, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
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
	if ((rc = hm__archive_exec(a, "BEGIN")) < 0)
		return rc;
	rc = hm__tree_head(a, out);
	hm__archive_exec(a, "COMMIT");
	return rc;
}
