/*
 * hallmark/manifest.h: model and dataset manifests computed exactly as the
 * OpenSSF model-signing (OMS) v1.0 "files" serialization: every regular file
 * under a root hashed with SHA-256 (in parallel, streaming), sorted by path
 * components; root digest = SHA-256 over the raw file digests in that order.
 * The root equals what `model_signing digest` prints for the same directory
 * and ignore list.
 */
#ifndef HALLMARK_MANIFEST_H
#define HALLMARK_MANIFEST_H

#include <stdint.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HM_OMS_PREDICATE_TYPE "https://model_signing/signature/v1.0"

/*
 * Progress: bytes hashed so far out of the total. Called from one thread at
 * a time (a worker thread or the caller's), at most about ten times a second,
 * first when the first chunk has been hashed and last with done == total
 * once everything is hashed. It must not call back into the manifest.
 */
typedef void (*hm_progress_cb)(uint64_t done, uint64_t total, void *payload);

/*
 * A warning the library does not print: the caller decides. message is
 * valid during the call only.
 */
typedef void (*hm_warning_cb)(const char *message, void *payload);

/*
 * What hm_manifest_compute did, added to by every call that is given it
 * (hm_verify may hash a model more than once). bytes_hashed counts the bytes
 * that went through SHA-256; files taken from the digest cache were not read.
 */
typedef struct hm_digest_stats {
	uint64_t files_hashed;
	uint64_t bytes_hashed;
	uint64_t files_cached;
	uint64_t bytes_cached;
} hm_digest_stats;

typedef struct hm_digest_options {
	unsigned int version;
	const char *const *ignore; /* extra paths to ignore, relative to the root */
	size_t nignore;
	int allow_symlinks;        /* follow symlinks that stay inside the root */
	unsigned int jobs;         /* worker threads; 0 = the CPUs we may run on */
	hm_progress_cb progress;   /* may be NULL */
	void *progress_payload;
	int include_git_paths;     /* no default ignores: hash .git & co. and
				      .cache/huggingface too (--no-ignore-git-paths) */
	/* version 2 */
	int cache;                 /* use the digest cache (see hm_manifest_compute) */
	const char *cache_dir;     /* NULL = $XDG_CACHE_HOME/hallmark, else ~/.cache/hallmark */
	hm_warning_cb warning;     /* a cache that is ignored or cannot be written; may be NULL */
	void *warning_payload;
	hm_digest_stats *stats;    /* when not NULL: files and bytes hashed or cached, added */
	/* version 3 */
	uint64_t shard_size;       /* 0: the "files" serialization; else "shards" of this many
				      bytes (HM_SHARD_SIZE_DEFAULT is model_signing's default) */
} hm_digest_options;
#define HM_DIGEST_OPTIONS_VERSION 3
#define HM_DIGEST_OPTIONS_INIT \
	{ HM_DIGEST_OPTIONS_VERSION, NULL, 0, 0, 0, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, 0 }
/* The shard size model_signing uses when none is given: 1 GB (10^9 bytes). */
#define HM_SHARD_SIZE_DEFAULT 1000000000ULL

typedef struct hm_manifest hm_manifest;

/*
 * Hashes the file or directory at path. A single file gives one resource
 * named "."; a directory every regular file below it (empty files included,
 * directories never listed), minus the default ignores (.git, .gitattributes,
 * .github, .gitignore and the Hugging Face download cache .cache/huggingface,
 * at the top level, unless opts->include_git_paths) and opts->ignore. The
 * defaults are recorded in the predicate's ignore_paths like any other, so a
 * verifier that applies the signed list (model_signing included) skips them. Resources are sorted component by component in byte order,
 * so "a/b" comes before "a-b/c".
 *
 * Ignore paths are relative to the root, in POSIX form ("sub/dir", "./x" and
 * "x/" are accepted); one naming a directory drops everything below it.
 * Absolute paths, ".." components and paths naming the root itself are
 * rejected (HM_EINVAL). Ignores match the path as listed, not a symlink's
 * target.
 *
 * The root path itself is resolved (a symlink given as path is followed);
 * only what lies below it is subject to the symlink rules:
 * - without allow_symlinks every symlink is an error;
 * - with allow_symlinks a symlink whose target (resolved with realpath)
 *   lies outside the root is still an error; one to a regular file inside is
 *   hashed under the link's name; one to a directory inside is skipped, not
 *   descended (its files are hashed under their real names, as the reference
 *   implementation does, and no cycle can form); a dangling one is an error.
 *
 * Errors name the offending path (path as given + "/" + the relative name):
 * HM_ENOTFOUND the path does not exist, or no file is left to hash (empty
 * directory, or everything ignored); HM_EUNSUPPORTED FIFOs, sockets and
 * devices (never opened for reading), symlinks as above; HM_EIO a file or
 * directory that cannot be read, a file that changed while it was hashed
 * (size, mtime or ctime differ between the fstat before and after reading,
 * or the bytes read differ from the size) or that was replaced between
 * listing and hashing (device/inode differ); HM_EINVAL bad options.
 *
 * With opts->shard_size, the manifest is OMS's "shards" serialization:
 * each file cut into byte ranges of that many bytes (the last one shorter),
 * each a resource "path:start:end" (end exclusive; "." as path for a single
 * file), hashed on its own by the same number of threads; an empty file has
 * no range and so no resource, and a model whose files are all empty is
 * refused (HM_ENOTFOUND). The digest cache is not used.
 *
 * Files are hashed by a pool of opts->jobs threads (0 = the CPUs this
 * process may run on), largest first, each streaming its file through a
 * fixed 1 MiB buffer: memory does not grow with the model's size. OMS hashes
 * whole files, so one file is hashed by one thread; when jobs is at least
 * twice the number of files, each file also gets a reader thread (4 more
 * fixed buffers) so that copying from the page cache overlaps the hashing.
 * Otherwise, after hm_hash_mmap_enable(), files larger than 1 MiB are mapped
 * 4 MiB at a time instead of read (each window unmapped once hashed).
 *
 * With opts->cache, the digest cache is read (never written: hm_verify
 * writes it, with the digests of files that matched a signed manifest). The
 * cache is one file per model, named by the SHA-256 of the root's real path,
 * in opts->cache_dir (NULL: $XDG_CACHE_HOME/hallmark when that is absolute,
 * else ~/.cache/hallmark; created mode 0700). A file whose device, inode,
 * size, modification and status change times (to the nanosecond) are those
 * remembered is not read: its remembered digest is used. An entry is used
 * only when both times lie more than HM_DIGEST_CACHE_RACY_SECONDS before
 * the cache was written, and written only when they lie that long before
 * hashing began, so a change within the file system's timestamp granularity
 * of the hashing is never missed (git's "racily clean" entries). A cache
 * that is corrupt, truncated, of another format or version, for another
 * root, not a regular file, not owned by the effective user or writable by
 * group or others (or in a directory that is not private) is ignored, with
 * a message to opts->warning, and every file is hashed. Problems with the
 * cache never fail the call.
 *
 * opts may be NULL (defaults); a version 1 struct (without the cache fields)
 * is accepted. Free with hm_manifest_free().
 */
#define HM_DIGEST_CACHE_RACY_SECONDS 3
HM_EXTERN int hm_manifest_compute(hm_manifest **out, const char *path,
				  const hm_digest_options *opts);
HM_EXTERN void hm_manifest_free(hm_manifest *m);

/*
 * Process-wide: lets the hashing engine map files rather than read() them.
 * Reading is the default and what the CLI does: a mapping saves read()'s copy
 * out of the page cache only when the cache holds the file in large folios
 * (a file read back from disk), and costs about twice the CPU of reading on
 * a file held in 4 KiB pages (one just written, as a downloader leaves it).
 * Another catch is that a file
 * truncated (or failing with an I/O error) while it is mapped raises SIGBUS,
 * which would kill the process. So this call installs a SIGBUS handler (once;
 * again if another handler has replaced it since) that turns a fault inside
 * the window a hashing thread has mapped into that file's usual error
 * (HM_EIO, "changed while it was hashed" or "read failed"), and passes every
 * other SIGBUS on to the handler that was installed before it, or to the
 * default action. An application that later installs its own SIGBUS handler
 * loses nothing but speed: the engine checks before each file that its
 * handler is still in place and that the hashing thread does not block
 * SIGBUS, and reads the file otherwise.
 * Call it from the main thread before other threads change signal
 * dispositions. Returns 0, or HM_EIO when the handler cannot be installed
 * (the engine then keeps reading). hm_hash_mmap_disable() goes back to
 * reading and puts the previous handler back if ours is still installed.
 * Without either call the library never touches signal dispositions.
 */
HM_EXTERN int hm_hash_mmap_enable(void);
HM_EXTERN void hm_hash_mmap_disable(void);

/* Basename of the hashed path (the OMS subject name). */
HM_EXTERN const char *hm_manifest_name(const hm_manifest *m);
/* 0 for the "files" serialization, else the shard size of the "shards" one. */
HM_EXTERN uint64_t hm_manifest_shard_size(const hm_manifest *m);
/* Root digest, 64 lowercase hex digits. */
HM_EXTERN const char *hm_manifest_root(const hm_manifest *m);
HM_EXTERN size_t hm_manifest_count(const hm_manifest *m);
/*
 * Resource i (0 <= i < count, in manifest order): relative POSIX path ("."
 * for a single file), hex SHA-256, size in bytes. Owned by the manifest;
 * NULL (0 for the size) when i is out of range.
 */
HM_EXTERN const char *hm_manifest_resource_name(const hm_manifest *m, size_t i);
HM_EXTERN const char *hm_manifest_resource_digest(const hm_manifest *m, size_t i);
HM_EXTERN uint64_t hm_manifest_resource_size(const hm_manifest *m, size_t i);
/* Total bytes hashed. */
HM_EXTERN uint64_t hm_manifest_total_bytes(const hm_manifest *m);

/*
 * Files on disk that the manifest does not hold because an ignore path left
 * them out: what a verifier must show next to "the files match", since a
 * signed ignore list can hide anything. Kinds:
 * - HM_UNCOVERED_IGNORED: ignored by an explicit ignore path (--ignore, or
 *   a signed ignore_paths entry that is not a default rule). Every file
 *   under an ignored directory is a row of its own, with its size (a
 *   symlink with the size of what it points to, 0 when that is not a
 *   regular file); FIFOs, sockets and devices are not listed.
 * - HM_UNCOVERED_DEFAULT: ignored by an OMS default rule: an ignore path
 *   that is exactly ".git", ".gitattributes", ".github", ".gitignore",
 *   ".cache/huggingface" (a download cache) or "model.sig" (the reference
 *   signer's signature file), from the top level.
 *   Such an entry is one row, whatever it holds: a file with its size, a
 *   directory as its name with a trailing "/" and size 0, so a repository's
 *   .git does not add thousands of rows.
 * The kind is decided by the ignore path that matched, not by where it came
 * from: a signed ignore list that a verifier applies as given (with
 * include_git_paths set) gets the same kinds as the defaults would.
 * A directory under an explicit ignore that cannot be opened is one row,
 * "NAME/", size 0, kind HM_UNCOVERED_IGNORED (its contents are unknown).
 * Rows are sorted in manifest order; a single-file manifest has none.
 */
typedef enum hm_uncovered_kind {
	HM_UNCOVERED_IGNORED = 1, /* an explicit ignore path */
	HM_UNCOVERED_DEFAULT = 2  /* an OMS default rule (.git & co., model.sig) */
} hm_uncovered_kind;

HM_EXTERN size_t hm_manifest_uncovered_count(const hm_manifest *m);
/*
 * Row i: its relative POSIX path (owned by the manifest), its size and kind
 * in *size and *why (either may be NULL). NULL when i is out of range.
 */
HM_EXTERN const char *hm_manifest_uncovered(const hm_manifest *m, size_t i, uint64_t *size,
					    hm_uncovered_kind *why);

/*
 * 1 when a file of this name and size may hold model weights or code: its
 * name ends in .safetensors .bin .pt .pth .ckpt .gguf .onnx .h5 .msgpack
 * .npz or .py (ASCII case ignored), or size is over 1 MiB (1048576 bytes);
 * 0 otherwise (and for NULL or a name ending in "/", a directory row, when
 * the size is not over 1 MiB). Pure: looks at nothing on disk.
 */
HM_EXTERN int hm_path_looks_like_weights_or_code(const char *name, uint64_t size);

/*
 * The OMS v1.0 predicate as compact JSON:
 * {"serialization":{"method":"files","hash_type":"sha256","allow_symlinks":B,
 *  "ignore_paths":[...]},"resources":[{"name","algorithm":"sha256","digest"}...]}
 * With a shard size (hm_digest_options.shard_size) it is model_signing's
 * "shards" serialization: "method":"shards", "shard_size":N after hash_type,
 * and resources {"name":"path:start:end","algorithm":"sha256-sharded-N",...}
 * (the algorithm name model_signing writes and compares when it verifies).
 * ignore_paths lists the default ignores (when used) and the caller's, as
 * normalized relative paths, sorted and without duplicates. Fails with
 * HM_EUNSUPPORTED when a name is not valid UTF-8 (JSON cannot carry it).
 * Free with hm_free().
 */
HM_EXTERN int hm_manifest_predicate_json(char **out, const hm_manifest *m);

/*
 * The in-toto statement for a model: subject {name, digest.sha256 = root},
 * predicateType HM_OMS_PREDICATE_TYPE, the OMS predicate. name NULL = the
 * manifest's name. Pretty-printed JSON; free with hm_free().
 */
HM_EXTERN int hm_manifest_statement(char **out, const hm_manifest *m, const char *name);

/*
 * hm_manifest_statement with the model's hub id (ORG/NAME or ORG/NAME@REV,
 * checked with hm_hub_id_check of hallmark/hubcache.h) on the subject:
 * "annotations": {"hub": {"id": ORG/NAME, "revision": REV (when given)}}.
 * The OMS predicate is unchanged (it admits no other member). hub_id NULL =
 * hm_manifest_statement. HM_EINVAL naming the fault of a malformed id.
 */
HM_EXTERN int hm_manifest_statement_hub(char **out, const hm_manifest *m, const char *name,
					const char *hub_id);

/*
 * Comparing a manifest computed from disk with a signed OMS predicate (what
 * `hallmark verify` does after checking the signature).
 */
typedef enum hm_manifest_diff_kind {
	HM_MANIFEST_MISSING = 1, /* in the predicate, not on disk */
	HM_MANIFEST_EXTRA = 2,   /* on disk, not in the predicate */
	HM_MANIFEST_CHANGED = 3  /* in both, with different digests */
} hm_manifest_diff_kind;

typedef struct hm_manifest_diff {
	hm_manifest_diff_kind kind;
	const char *name;     /* resource name */
	const char *expected; /* hex digest in the predicate; NULL for EXTRA, and for a
				 CHANGED shard the predicate does not list (see below) */
	const char *actual;   /* hex digest on disk; NULL for MISSING */
} hm_manifest_diff;

/*
 * Compares m with predicate_json (the predicate object of an OMS v1.0
 * statement, len bytes). *out receives the differences sorted by name in
 * manifest order, *ndiff their number; 0 differences means the files match.
 * Files on disk under one of the predicate's own ignore_paths are not
 * reported as extra (the signer chose to leave them out).
 * For the "shards" serialization (m computed with a shard size, which must
 * be the predicate's shard_size, else HM_EINVAL), names are "path:start:end"
 * and the order is model_signing's (path by components, then the offsets as
 * numbers); a shard on disk that the predicate does not list is CHANGED
 * (expected NULL) when the predicate signs other shards of that file (its
 * size changed), and otherwise its file is one EXTRA entry named by its path.
 * Returns 0 when the comparison was made (whatever its outcome); HM_EFORMAT
 * when the predicate is malformed (not an object, a resource without name or
 * digest, a name that is absolute, has ".." or empty components, or repeats,
 * a shard name that is not "path:start:end", a digest that is not 64
 * lowercase hex digits, "shards" without a positive shard_size or "files"
 * with one); HM_EUNSUPPORTED for another serialization method or hash than
 * sha256 (a shard's algorithm may be "sha256" or model_signing's
 * "sha256-sharded-SIZE").
 * *out is one allocation (strings included): free it with hm_free(). It is
 * NULL when there is no difference.
 */
HM_EXTERN int hm_manifest_compare(hm_manifest_diff **out, size_t *ndiff, const hm_manifest *m,
				  const char *predicate_json, size_t len);

/*
 * The differences as text, one line each: "missing: NAME", "extra: NAME",
 * "changed: NAME (signed EXPECTED, found ACTUAL)". "" when n is 0.
 * Free with hm_free().
 */
HM_EXTERN int hm_manifest_diff_report(char **out, const hm_manifest_diff *diffs, size_t n);

/*
 * The root digest a predicate's resources hash to, in the order they are
 * listed (what the reference verifier checks against the subject's sha256):
 * SHA-256 over the raw resource digests. out receives 64 lowercase hex
 * digits and a NUL. Same errors as hm_manifest_compare.
 */
HM_EXTERN int hm_manifest_predicate_root(char out[65], const char *predicate_json, size_t len);

#ifdef __cplusplus
}
#endif
#endif
