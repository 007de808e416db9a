/*
 * The log in the c2sp.org/tlog-tiles layout, for a static web server: hash
 * tiles (tile L, index N holds the hashes of the complete subtrees of
 * height 8L at indices N*256 .. N*256+255, which the archive already keeps
 * in table tree), the entry bundles (each leaf's bytes, length-prefixed),
 * each entry's envelope under body/, and the signed checkpoint. Read in one
 * transaction, so every file describes the same tree.
 */
#include "archive_impl.h"
#include "outdir.h"
#include "hallmark/note.h"

#include <stdio.h>
#include <string.h>

#define TILE_WIDTH 256
/* an entry in a bundle carries a 16-bit length */
#define MAX_BUNDLE_ENTRY 65535

int hm__tile_path(char *buf, size_t size, const char *prefix, uint64_t index, unsigned width)
{
	unsigned groups[7];
	size_t n = 0, i;
	int w;

	do {
		groups[n++] = (unsigned)(index % 1000);
		index /= 1000;
	} while (index > 0);
	w = snprintf(buf, size, "%s/", prefix);
	for (i = n; w >= 0 && (size_t)w < size && i-- > 0;)
		w += snprintf(buf + w, size - (size_t)w, "%s%03u%s", i ? "x" : "", groups[i],
			      i ? "/" : "");
	if (w >= 0 && (size_t)w < size && width > 0 && width < TILE_WIDTH)
		w += snprintf(buf + w, size - (size_t)w, ".p/%u", width);
	if (w < 0 || (size_t)w >= size)
		return hm__err(HM_EINVAL, "tile path too long");
	return 0;
}

struct tiles {
	hm_archive *a;
	struct hm__outdir out;
	hm__q *nodes, *entries;
	uint64_t size;
	hm_tiles_result res;
};

static int damaged(struct tiles *t, const char *what, uint64_t index)
{
	return hm__err(HM_EFORMAT, "%s: the log is damaged: %s %llu (run `hallmark archive "
		       "verify`)", t->a->path, what, (unsigned long long)index);
}

/* The hashes at tree level `level`, indices [first, first + n). */
static int read_hashes(struct tiles *t, unsigned char *out, unsigned level, uint64_t first,
		       unsigned n)
{
	uint64_t want = first;
	int step;

	hm__bind_int64(t->nodes, 1, (int)level);
	hm__bind_int64(t->nodes, 2, (long long)first);
	hm__bind_int64(t->nodes, 3, (long long)(first + n));
	while ((step = hm__step(t->nodes)) == HM__ROW) {
		if ((uint64_t)hm__col_int64(t->nodes, 0) != want ||
		    hm__col_bytes(t->nodes, 1) != 32)
			break;
		memcpy(out + (want - first) * 32, hm__col_blob(t->nodes, 1), 32);
		want++;
	}
	hm__reset(t->nodes);
	if (step != HM__ROW && step != HM__DONE)
		return hm__archive_sql_err(t->a, "cannot read the tree");
	if (want != first + n)
		return damaged(t, level ? "a subtree hash is missing or malformed at index"
					: "a leaf hash is missing or malformed at index", want);
	return 0;
}

/* The entry bundle and the bodies of entries [first, first + n); leaves are their hashes. */
static int write_entries(struct tiles *t, uint64_t first, unsigned n, const unsigned char *leaves,
			 unsigned width)
{
	hm_buf bundle = HM_BUF_INIT;
	uint64_t want = first;
	char path[128];
	int step, rc = 0;

	hm__bind_int64(t->entries, 1, (long long)first);
	hm__bind_int64(t->entries, 2, (long long)(first + n));
	while ((step = hm__step(t->entries)) == HM__ROW) {
		const void *entry = hm__col_blob(t->entries, 1);
		const void *body = hm__col_blob(t->entries, 2);
		size_t elen = (size_t)hm__col_bytes(t->entries, 1);
		size_t blen = (size_t)hm__col_bytes(t->entries, 2);
		unsigned char leaf[32], len16[2];

		if ((uint64_t)hm__col_int64(t->entries, 0) != want) {
			rc = damaged(t, "the entries skip or repeat index", want);
			break;
		}
		hm_merkle_leaf_hash(leaf, entry, elen);
		if (memcmp(leaf, leaves + (want - first) * 32, 32) != 0) {
			rc = damaged(t, "the bytes do not hash to the leaf of entry", want);
			break;
		}
		if (elen > MAX_BUNDLE_ENTRY) {
			rc = hm__err(HM_EUNSUPPORTED, "%s: entry %llu is %zu bytes; an entry bundle "
				     "holds entries of at most %d bytes", t->a->path,
				     (unsigned long long)want, elen, MAX_BUNDLE_ENTRY);
			break;
		}
		len16[0] = (unsigned char)(elen >> 8);
		len16[1] = (unsigned char)elen;
		if ((rc = hm__buf_put(&bundle, len16, 2)) < 0 ||
		    (rc = hm__buf_put(&bundle, entry, elen)) < 0 ||
		    (rc = hm__tile_path(path, sizeof(path), "body", want, 0)) < 0 ||
		    (rc = hm__outdir_put(&t->out, path, body ? body : "", blen)) < 0)
			break;
		want++;
	}
	hm__reset(t->entries);
	if (rc == 0 && step != HM__ROW && step != HM__DONE)
		rc = hm__archive_sql_err(t->a, "cannot read the entries");
	if (rc == 0 && want != first + n)
		rc = damaged(t, "an entry is missing at index", want);
	if (rc == 0 &&
	    (rc = hm__tile_path(path, sizeof(path), "tile/entries", first / TILE_WIDTH, width)) == 0 &&
	    (rc = hm__outdir_put(&t->out, path, bundle.data ? bundle.data : "", bundle.len)) == 0)
		t->res.bundles++;
	hm__buf_free(&bundle);
	return rc;
}

static int write_tiles(struct tiles *t)
{
	unsigned char hashes[TILE_WIDTH * 32];
	unsigned level;
	int rc;

	/* tile level L holds tree level 8L; levels up to 56 cover any size */
	for (level = 0; level < HM_TREE_LEVELS && (t->size >> level) > 0; level += 8) {
		uint64_t count = t->size >> level, n;
		for (n = 0; n * TILE_WIDTH < count; n++) {
			uint64_t left = count - n * TILE_WIDTH;
			unsigned width = left < TILE_WIDTH ? (unsigned)left : TILE_WIDTH;
			char prefix[16], path[128];
			snprintf(prefix, sizeof(prefix), "tile/%u", level / 8);
			if ((rc = read_hashes(t, hashes, level, n * TILE_WIDTH, width)) < 0 ||
			    (rc = hm__tile_path(path, sizeof(path), prefix, n, width)) < 0 ||
			    (rc = hm__outdir_put(&t->out, path, hashes, (size_t)width * 32)) < 0)
				return rc;
			t->res.tiles++;
			if (level == 0 &&
			    (rc = write_entries(t, n * TILE_WIDTH, width, hashes, width)) < 0)
				return rc;
		}
	}
	return 0;
}

static int export(struct tiles *t, const hm_tiles_options *o)
{
	hm_tree_head head;
	char *note = NULL;
	size_t len = 0;
	int rc;

	if ((rc = hm__tree_head(t->a, &head)) < 0)
		return rc;
	t->size = head.tree_size;
	t->res.tree_size = head.tree_size;
	if ((rc = hm__archive_prepare(t->a, &t->nodes, "SELECT idx, hash FROM tree WHERE level = ?1 "
				      "AND idx >= ?2 AND idx < ?3 ORDER BY idx")) < 0 ||
	    (rc = hm__archive_prepare(t->a, &t->entries, "SELECT id, entry, body FROM entries "
				      "WHERE id >= ?1 AND id < ?2 ORDER BY id")) < 0 ||
	    (rc = write_tiles(t)) < 0)
		return rc;
	if ((rc = hm_checkpoint_sign(&note, &len, o->origin, &head, o->key)) < 0)
		return rc;
	rc = hm__outdir_put(&t->out, "checkpoint", note, len);
	free(note);
	return rc;
}

int hm_archive_export_tiles(hm_tiles_result *result, hm_archive *a, const char *dir,
			    const hm_tiles_options *opts)
{
	struct tiles t;
	hm_note_verifier *v = NULL;
	int rc;

	if (result)
		memset(result, 0, sizeof(*result));
	if (!opts)
		return hm__err(HM_EINVAL, "hm_tiles_options: none given");
	HM__CHECK_VERSION(opts, HM_TILES_OPTIONS_VERSION, "hm_tiles_options");
	if (!opts->origin || !opts->key || !hm_key_has_secret(opts->key))
		return hm__err(HM_EINVAL, "a tile export needs an origin and a secret key to sign "
			       "its checkpoint");
	/* refuse a bad origin before writing anything */
	if ((rc = hm_note_verifier_new(&v, opts->origin, opts->key)) < 0)
		return rc;
	hm_note_verifier_free(v);
	memset(&t, 0, sizeof(t));
	t.a = a;
	if ((rc = hm__outdir_open(&t.out, dir, opts->replace, "checkpoint")) < 0)
		return rc;
	if ((rc = hm__archive_read_begin(a)) == 0) {
		rc = export(&t, opts);
		hm__finalize(t.nodes);
		hm__finalize(t.entries);
		hm__archive_read_end(a);
	}
	if (rc == 0)
		rc = hm__outdir_commit(&t.out);
	hm__outdir_close(&t.out);
	if (rc == 0 && result)
		*result = t.res;
	return rc;
}
