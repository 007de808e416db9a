/*
 * lib/hashcache.h: the digest cache (internal): per model, the stat and
 * SHA-256 of every file whose digest matched a signed manifest, so that an
 * unchanged file is not read again. The file format (hashcache_format.c) is
 * parsed from disk and treated as untrusted; the directory, trust checks,
 * lookup and writing are in hashcache.c.
 *
 * Format, integers little-endian:
 *   "HMDCACHE"  magic (8 bytes)
 *   u32 version (1), u32 flags (0)
 *   i64 stamp seconds, u32 stamp nanoseconds: when hashing began
 *   u32 root length, root bytes, NUL: the model root's real path
 *   u64 entry count, then each entry:
 *     u32 name length, name bytes, NUL (a manifest resource name)
 *     u64 device, u64 inode, u64 size
 *     i64 mtime seconds, u32 mtime nanoseconds, i64 ctime seconds, u32 ctime ns
 *     32 bytes SHA-256 of the file
 *   32 bytes SHA-256 of everything before it
 * Entries are in manifest order (hm__path_cmp), names unique; nothing follows
 * the checksum. The encoding is canonical: parsing and encoding again gives
 * the same bytes.
 */
#ifndef HM_HASHCACHE_H
#define HM_HASHCACHE_H

#include "internal.h"

#include <stdint.h>

#define HM_HASHCACHE_MAGIC "HMDCACHE"
#define HM_HASHCACHE_VERSION 1
/* A cache file larger than this is not read (about 2.5 million entries). */
#define HM_HASHCACHE_MAX (256u * 1024 * 1024)

typedef struct hm__hcstat {
	uint64_t dev, ino, size;
	int64_t mtime_sec, ctime_sec;
	uint32_t mtime_nsec, ctime_nsec;
} hm__hcstat;

typedef struct hm__hcentry {
	const char *name;
	hm__hcstat st;
	unsigned char digest[32];
} hm__hcentry;

typedef struct hm__hashcache {
	char *buf; /* a copy of the file: root and names point into it */
	const char *root;
	int64_t stamp_sec;
	uint32_t stamp_nsec;
	hm__hcentry *e;
	size_t n;
} hm__hashcache;

/*
 * Parses a cache file's bytes into *out (zeroed first; free with
 * hm__hashcache_clear, also after an error). 0, HM_ENOMEM, or HM_EFORMAT /
 * HM_EUNSUPPORTED with the reason as the message (no file name).
 */
int hm__hashcache_parse(hm__hashcache *out, const unsigned char *data, size_t len);
void hm__hashcache_clear(hm__hashcache *c);

/* Appends the encoding of a cache (stamp, root, entries in manifest order) to *out. */
int hm__hashcache_encode(hm_buf *out, const char *root, int64_t stamp_sec, uint32_t stamp_nsec,
			 const hm__hcentry *e, size_t n);

/*
 * 1 when times (sec, nsec) lie strictly more than HM_DIGEST_CACHE_RACY_SECONDS
 * before (ref_sec, ref_nsec): a change after ref would show in the times.
 */
int hm__hashcache_settled(int64_t sec, uint32_t nsec, int64_t ref_sec, uint32_t ref_nsec);

/* ---- hashcache.c ---- */

struct hm__hashfile;
struct hm__hashcache_run;

/*
 * Opens the cache for the model at realroot as opts ask (*out NULL when the
 * cache is off or its directory cannot be used: warned). Problems with the
 * cache are warnings; only HM_ENOMEM is returned.
 */
int hm__hashcache_open(struct hm__hashcache_run **out, const char *realroot,
		       const hm_digest_options *opts);
/*
 * Marks the files (sorted by name) that the cache holds unchanged as cached,
 * with their digest, and adds them to stats.
 */
void hm__hashcache_apply(struct hm__hashcache_run *r, struct hm__hashfile *files, size_t n,
			 hm_digest_stats *stats);
/* Keeps the stat and digest of every file, in files[] order, for hm__manifest_cache_save. */
int hm__hashcache_record(struct hm__hashcache_run *r, const struct hm__hashfile *files, size_t n);
void hm__hashcache_run_free(struct hm__hashcache_run *r);

#endif
