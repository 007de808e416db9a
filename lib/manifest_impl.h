/*
 * lib/manifest_impl.h: what the manifest's files share (internal): the
 * object and its root digest (manifest.c), the walk and hashing that fill
 * it (manifest_walk.c), the path rules (manifest_path.c), the predicate and
 * statement JSON (manifest_predicate.c) and the comparison with a signed
 * predicate (manifest_diff.c).
 */
#ifndef HM_MANIFEST_IMPL_H
#define HM_MANIFEST_IMPL_H

#include "internal.h"

#include <jansson.h>

struct hm__resource {
	char *name;
	char hex[65];
	uint64_t size;
};

/* A file on disk that the manifest does not hold (hm_manifest_uncovered). */
struct hm__uncovered {
	char *name; /* relative path; a directory recorded as one row ends in "/" */
	uint64_t size;
	hm_uncovered_kind kind;
};

struct hm_manifest {
	char *name;
	char root[65];
	struct hm__resource *res;
	size_t n;
	uint64_t total;
	int allow_symlinks;
	uint64_t shard_size; /* 0: "files"; else "shards": resources are "path:start:end" */
	char **ignores; /* recorded in the predicate: normalized, sorted, unique */
	size_t nignores;
	struct hm__uncovered *unc; /* sorted by path components */
	size_t nunc;
	struct hm__hashcache_run *cache; /* with the digest cache on: what to write back */
};

/* ---- manifest.c ---- */

struct hm__hashfile;

/* ---- manifest_walk.c ---- */

/*
 * Called by hm__manifest_compute_with after the walk (and the digest cache),
 * before hashing, with files[0..n) in manifest order; m holds its name. A
 * file is opened as the hashing does (hashpool.h: target, else name below
 * rootfd). The hook may read any file itself and fill its digest, mark it
 * cached and add it to stats (may be NULL): it is then not read again, so a
 * caller that analyses a file's bytes hashes them in the same pass. A
 * negative return fails the computation with that code.
 */
typedef int (*hm__manifest_hook)(void *ctx, const hm_manifest *m, int rootfd,
				 const char *display_root, struct hm__hashfile *files, size_t n,
				 hm_digest_stats *stats);
/* hm_manifest_compute with a hook (may be NULL). */
int hm__manifest_compute_with(hm_manifest **out, const char *path, const hm_digest_options *opts,
			      hm__manifest_hook hook, void *hook_ctx);
/* Fills m's resources and root from hashed files (their names are moved). */
int hm__manifest_finish(hm_manifest *m, struct hm__hashfile *files, size_t n);
void hm__uncovered_free(struct hm__uncovered *u, size_t n);

/* ---- manifest_shard.c ---- */

struct hm__hashpool_opts;
struct hm_digest_stats;
/*
 * The "shards" serialization: every non-empty file of files[0..n) (sorted,
 * as listed) cut into m->shard_size byte ranges, each hashed on its own by
 * a pool of po->jobs threads; fills m's resources ("path:start:end"), total
 * and root. Empty files have no shard and so no resource.
 */
int hm__manifest_shards(hm_manifest *m, struct hm__hashfile *files, size_t n,
			struct hm__hashpool_opts *po, struct hm_digest_stats *stats);

/*
 * Splits a shard resource name "path:start:end" at its last two colons:
 * *pathlen the length of path, *start and *end the decimal offsets
 * (canonical: no sign, no leading zero, start < end). 1 when it is one, else 0.
 */
int hm__shard_name_split(const char *name, size_t *pathlen, uint64_t *start, uint64_t *end);

/* hm__path_cmp on the first la bytes of a and the first lb bytes of b. */
int hm__path_ncmp(const char *a, size_t la, const char *b, size_t lb);

/* Orders shard names as model_signing does: by path (hm__path_cmp), then start, then end. */
int hm__shard_cmp(const char *a, const char *b);

/* ---- manifest_path.c ---- */

/*
 * Compares two relative POSIX paths component by component, bytes unsigned:
 * the end of a component sorts before any byte, so "a/b" < "a-b/c" and
 * "a/x" < "ab" (the reference implementation's PurePosixPath order).
 */
int hm__path_cmp(const char *a, const char *b);

/*
 * Normalizes a path relative to the root: empty and "." components dropped.
 * 0 and a malloc'd string; HM_EINVAL (message set, what names the argument)
 * when absolute, with a ".." component, or naming the root itself.
 */
int hm__path_normalize(char **out, const char *in, const char *what);

/* 1 when s is a canonical resource name: "." or relative components, none empty, "." or "..". */
int hm__path_valid_name(const char *s);

/* The index of the first of ign[0..n) that rel is or lies below; -1 when none. */
long hm__path_ignored_by(char *const *ign, size_t n, const char *rel);

/* 1 when a normalized ignore path is one of the OMS default rules (see manifest.h). */
int hm__path_is_default_ignore(const char *ign);

/* The ignore list: defaults (unless include_git_paths) + the caller's, normalized, sorted, unique. */
int hm__path_build_ignores(char ***out, size_t *nout, const hm_digest_options *o);

void hm__strv_free(char **v, size_t n);

/*
 * openat(dirfd, name, flags) for a relative name of any length: a name of
 * PATH_MAX bytes or more is opened by descending through its leading
 * directories a piece at a time (each piece shorter than PATH_MAX). Returns
 * the descriptor, or -1 with errno set.
 */
int hm__openat_long(int dirfd, const char *name, int flags);

/* ---- hubcache.c ---- */

/*
 * 1 when realroot (a resolved path) is a hub cache snapshot: REPO/snapshots/REV
 * where REPO is named "models--..." and holds blobs/ and refs/ directories;
 * *repo then gets REPO (malloc'd). 0 when it is not (*repo NULL); HM_ENOMEM.
 */
int hm__hub_snapshot_repo(char **repo, const char *realroot);

/* ---- manifest_predicate.c ---- */

/*
 * 1 and *out the shard size when serialization ser is "shards" with a
 * positive whole shard_size (an integer, or a real such as 9.0, which is how
 * model_signing's statements carry it); 0 and *out = 0 otherwise.
 */
int hm__oms_shard_size(const json_t *ser, uint64_t *out);

/*
 * A resource of a signed predicate; both strings point into the parsed JSON,
 * or hex is NULL and name is a lean resource's (hm__lres_digest gives its digest).
 */
struct hm__pres {
	const char *name;
	const char *hex;
};

/*
 * Validates an OMS v1.0 "files" or "shards" predicate (*shard_size, when
 * not NULL, gets 0 or the shard size). *res (malloc'd) points into *root,
 * in listed order; *ign (malloc'd strings, may be NULL) holds its usable
 * ignore_paths, normalized. On error everything is freed and NULL.
 * With json NULL, *root is the predicate parsed already: it gains a reference
 * (dropped on error), so the caller drops one either way.
 */
struct hm__lres_list;
/* lean (may be NULL): the resources, when the predicate holds null for them (statement_lean.c). */
int hm__oms_parse_predicate(json_t **root, struct hm__pres **res, size_t *nres, char ***ign,
			    size_t *nign, uint64_t *shard_size, const char *json, size_t len,
			    const struct hm__lres_list *lean);

/* The OMS root digest (hex) of resources in their listed order. */
int hm__oms_root(char out[65], const struct hm__pres *res, size_t n);

/* ---- manifest_diff.c ---- */

/*
 * hm_manifest_compare on a predicate parsed already (a signed statement's
 * "predicate" member), which also gives the predicate's root digest: one
 * pass over the signed list, nothing serialized or parsed again.
 */
int hm__manifest_compare_parsed(hm_manifest_diff **out, size_t *ndiff, char root_hex[65],
				const hm_manifest *m, json_t *predicate,
				const struct hm__lres_list *lean);

#endif
