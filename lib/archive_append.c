/*
 * Appending one entry: its leaf bytes (the canonical JSON of its fields and
 * its index), the row with its body and derived columns, its refs and
 * signers, and the leaf in the tree. Runs inside the caller's transaction.
 */
#include "archive_impl.h"

#include <string.h>

int hm__archive_find_envelope(hm_archive *a, const char *content_key, long long *id)
{
	hm__q *st;
	int rc;

	/* only attestations have a content key */
	*id = -1;
	if ((rc = hm__archive_stmt(a, HM__ST_FIND_BODY, "SELECT id FROM entries WHERE "
				   HM__KEY_MATCH("content_key", "?1") " ORDER BY id LIMIT 1", &st)) < 0)
		return rc;
	hm__bind_text(st, 1, content_key, -1);
	rc = hm__step(st);
	if (rc == HM__ROW)
		*id = hm__col_int64(st, 0);
	hm__reset(st);
	if (rc != HM__ROW && rc != HM__DONE)
		return hm__archive_sql_err(a, "cannot look up an envelope");
	return 0;
}

static int put_signers(hm_archive *a, uint64_t id, const char *const *signers, size_t n)
{
	hm__q *st;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((rc = hm__archive_stmt(a, HM__ST_PUT_SIGNER, "INSERT INTO signers(entry_id, "
					   "keyid) VALUES (?1, ?2)", &st)) < 0)
			return rc;
		hm__bind_int64(st, 1, (long long)id);
		hm__bind_text(st, 2, signers[i], -1);
		rc = hm__step(st);
		hm__reset(st);
		if (rc != HM__DONE)
			return hm__archive_sql_err(a, "cannot store a signer");
	}
	return 0;
}

int hm__archive_append(hm_archive *a, struct hm__frontier *f, const struct hm__entry_in *e,
		       uint64_t *id)
{
	unsigned char leaf[32];
	hm__q *st;
	char *bytes;
	size_t len;
	int rc;

	*id = f->size;
	if (json_object_set_new(e->entry, "index", json_integer((json_int_t)f->size)) < 0 ||
	    !(bytes = hm__json_canonical(e->entry, &len)))
		return hm__err_oom();
	hm_merkle_leaf_hash(leaf, bytes, len);
	if ((rc = hm__archive_stmt(a, HM__ST_PUT_ENTRY, "INSERT INTO entries(id, kind, entry, body, "
				   "body_sha256, recorded, retain_until, verified, reason, "
				   "predicate_type, statement, benchmark, content_key) VALUES (?1, ?2, "
				   "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", &st)) < 0) {
		free(bytes);
		return rc;
	}
	hm__bind_int64(st, 1, (long long)f->size);
	hm__bind_text(st, 2, e->kind, -1);
	hm__bind_blob(st, 3, bytes, (int)len);
	hm__bind_blob(st, 4, e->body, (int)e->body_len);
	hm__bind_text(st, 5, e->body_sha256, -1);
	hm__bind_int64(st, 6, e->recorded);
	hm__bind_int64(st, 7, e->retain_until);
	hm__bind_int64(st, 8, e->verified ? 1 : 0);
	hm__bind_text(st, 9, e->reason, -1);
	hm__bind_text(st, 10, e->predicate_type, -1);
	if (e->statement)
		hm__bind_text(st, 11, e->statement, (int)e->statement_len);
	if (e->derived && e->derived->benchmark)
		hm__bind_text(st, 12, e->derived->benchmark, -1);
	if (e->content_key)
		hm__bind_text(st, 13, e->content_key, -1);
	rc = hm__step(st);
	hm__reset(st);
	free(bytes);
	if (rc != HM__DONE)
		return hm__archive_sql_err(a, "cannot store an entry");
	if ((e->derived && (rc = hm__derived_store(a, f->size, e->derived)) < 0) ||
	    (rc = put_signers(a, f->size, e->signers, e->nsigners)) < 0 ||
	    (rc = hm__tree_append(a, f, leaf)) < 0)
		return rc;
	return 0;
}
