/*
 * The archive's tree head as a checkpoint, and holding the log to a
 * checkpoint published earlier: a consistency proof from that tree to the
 * current one is computed from the stored subtrees and then checked with the
 * RFC 9162 algorithm, as any outside verifier would check it.
 */
#include "archive_impl.h"
#include "merkle.h"
#include "hallmark/note.h"

#include <string.h>

int hm_archive_checkpoint(char **out, size_t *len, hm_archive *a, const char *origin,
			  const hm_key *key)
{
	hm_tree_head h;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = hm_archive_head(&h, a)) < 0)
		return rc;
	return hm_checkpoint_sign(out, len, origin, &h, key);
}

static int extends(hm_tree_head *now, hm_archive *a, const hm_tree_head *old)
{
	unsigned char proof[HM_MERKLE_MAX_PATH][32], empty[32];
	size_t n = 0;
	int rc;

	if ((rc = hm__tree_head(a, now)) < 0)
		return rc;
	if (old->tree_size > now->tree_size)
		return hm__err(HM_EVERIFY, "the checkpoint is of a tree of %llu entries but the log "
			       "has only %llu: entries were removed, or the checkpoint is of "
			       "another log", (unsigned long long)old->tree_size,
			       (unsigned long long)now->tree_size);
	if (old->tree_size == 0) {
		hm_merkle_empty_root(empty);
		if (memcmp(old->root_hash, empty, 32) != 0)
			return hm__err(HM_EVERIFY, "the checkpoint is of an empty tree but its root "
				       "hash is not the empty tree's");
		return 0;
	}
	if ((rc = hm__merkle_consistency(proof, &n, old->tree_size, now->tree_size, hm__tree_get,
					 a)) < 0)
		return rc;
	if ((rc = hm_merkle_verify_consistency(old->tree_size, now->tree_size, old->root_hash,
					       now->root_hash, (const unsigned char (*)[32])proof,
					       n)) < 0)
		return hm__err(HM_EVERIFY, "the log does not extend the checkpoint: no consistency "
			       "proof leads from its tree of %llu entries to the log's %llu (%s); "
			       "the log was rewritten, or the checkpoint is of another log",
			       (unsigned long long)old->tree_size,
			       (unsigned long long)now->tree_size, hm_error_last());
	return 0;
}

int hm_archive_extends(hm_tree_head *current, hm_archive *a, const hm_tree_head *older)
{
	hm_tree_head now;
	int rc;

	memset(&now, 0, sizeof(now));
	/* One read transaction: the size and the nodes come from the same snapshot. */
	if ((rc = hm__archive_read_begin(a)) < 0)
		return rc;
	rc = extends(&now, a, older);
	hm__archive_read_end(a);
	if (current)
		*current = now;
	return rc;
}
