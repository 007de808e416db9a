/*
 * lib/hashpool.h: the streaming SHA-256 of whole files by a pool of worker
 * threads (internal; used by manifest.c).
 */
#ifndef HM_HASHPOOL_H
#define HM_HASHPOOL_H

#include "internal.h"

#include <sys/types.h>
#include <time.h>

/* Bytes read at a time, into a fixed buffer: one per worker, HM_FEED_BUFS when fed. */
#define HM_HASH_CHUNK (1024 * 1024)
#define HM_FEED_BUFS 4
/* Bytes mapped at a time when the engine maps files (hm_hash_mmap_enable()). */
#define HM_MAP_WINDOW (4 * 1024 * 1024)

/* One file to hash. The walk fills everything but digest. */
typedef struct hm__hashfile {
	char *name;   /* relative POSIX name in the manifest ("." for a single file) */
	char *target; /* absolute path to open instead of rootfd/name (symlinks, single file) */
	dev_t dev;    /* identity seen by the walk: the opened file must be this one */
	ino_t ino;
	uint64_t size; /* size seen by the walk (progress total, scheduling) */
	struct timespec mtime, ctime; /* seen by the walk; by the hashing once hashed */
	int cached;    /* digest taken from the digest cache: not hashed */
	int opened;    /* the walk opened it (streaming): fd, with the fstat above */
	int fd;
	unsigned char digest[32];
} hm__hashfile;

typedef struct hm__hashpool_opts {
	int rootfd;               /* directory that names are relative to (or -1) */
	const char *display_root; /* the root as the caller named it, for messages */
	unsigned int jobs;        /* 0 = CPUs available */
	hm_progress_cb progress;
	void *payload;
	uint64_t hashed; /* out: the bytes that went through SHA-256 */
} hm__hashpool_opts;

/* Thread count for jobs (0 = the CPUs this process may run on), at most n, at least 1. */
unsigned int hm__hashpool_jobs(unsigned int jobs, size_t n);

/* "display_root/name" (just display_root for "."), truncated to cap, for messages. */
void hm__display_path(char *buf, size_t cap, const char *display_root, const char *name);

/*
 * Hashes files[0..n) into their digest fields, but for those marked cached,
 * and sets their mtime and ctime to those of the hashed bytes. Files are taken largest first
 * (ties in files[] order; with one worker that is the exact order, which tests
 * rely on). Each file is opened (openat(rootfd, name) or target) with
 * O_RDONLY|O_NONBLOCK|O_NOFOLLOW, checked with fstat to be a regular file with
 * the walk's device and inode (or, marked opened, was opened so by the walk,
 * whose fstat then stands for this one), read in HM_HASH_CHUNK pieces up to the size
 * fstat gave (no read is spent on EOF; posix_fadvise SEQUENTIAL when larger
 * than a chunk) and checked again with fstat: size, mtime and ctime unchanged
 * and the bytes read equal to the size. A file's size becomes what was hashed.
 * When the CPUs allowed (jobs) are at least twice the files, each file larger
 * than a chunk gets a reader thread that fills HM_FEED_BUFS buffers while its
 * worker hashes: the copy from the page cache then costs no hashing time.
 * Otherwise, when mapping is enabled and guarded (mapguard.h), a file larger
 * than a chunk is mapped HM_MAP_WINDOW bytes at a time instead of read.
 * On the first error the other workers stop; the error reported is the one of
 * the first file in manifest order (hm__path_cmp of names) that failed. The
 * progress callback gets (done, total) at most every 100 ms from one thread
 * at a time, and a last call with done == total on success. Returns 0 or an hm error code.
 */
int hm__hashpool_run(hm__hashfile *files, size_t n, hm__hashpool_opts *opts);

/* Appends *f to files[0..*n) (capacity *cap, grown by doubling). 0 or HM_ENOMEM. */
int hm__hashfiles_push(hm__hashfile **files, size_t *n, size_t *cap, const hm__hashfile *f);

/*
 * Hashing that starts while the walk still lists: the pool's threads hash
 * (*files)[0..n) and then each file hm__hashstream_push appends, in listed
 * order, while the calling thread goes on listing; hm__hashstream_finish
 * ends the list, hashes what is left (largest first) with the calling
 * thread too, and waits for the pool. Files are hashed as by
 * hm__hashpool_run (none may be cached); the walk owns the array, which
 * pushes may move, and the pool closes every descriptor pushed with a file.
 * Progress is reported once the list is whole.
 */
struct hm__hashstream;

int hm__hashstream_start(struct hm__hashstream **out, hm__hashfile **files, size_t n,
			 hm__hashpool_opts *opts);

/* hm__hashfiles_push under the stream's lock, and the file handed to the pool. */
int hm__hashstream_push(struct hm__hashstream *s, hm__hashfile **files, size_t *n, size_t *cap,
			const hm__hashfile *f);

/*
 * 1 when the walk may open the next file itself and push it opened (then
 * the pool reads from that descriptor and closes it, and the fstat that the
 * walk made of it is the one the hashing compares with). Fewer than
 * HM_STREAM_OPENED pushed files wait opened: the walk hashes files itself
 * (hm__hashstream_help) rather than hold more.
 */
int hm__hashstream_may_open(struct hm__hashstream *s);

/*
 * Called by the walk after each push: while more than HM_STREAM_AHEAD files
 * wait, the calling thread hashes one of them, so that the walk never runs
 * far ahead of the hashing. 0, or HM_ENOMEM (the error is also the pool's).
 */
int hm__hashstream_help(struct hm__hashstream *s);

#define HM_STREAM_AHEAD 64
#define HM_STREAM_OPENED 128

/*
 * Ends the list and frees s (NULL: returns walk_rc). With walk_rc < 0 (the
 * walk failed) the pool stops and walk_rc is returned, the walk's message
 * left as it is. Otherwise as hm__hashpool_run: 0, or the error of the first
 * file in manifest order that failed.
 */
int hm__hashstream_finish(struct hm__hashstream *s, int walk_rc);

#endif
