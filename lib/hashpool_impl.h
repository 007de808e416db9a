/*
 * lib/hashpool_impl.h: the hashing pool's state, shared by hashpool.c (the
 * workers) and hashstream.c (hashing while the walk lists) (internal).
 */
#ifndef HM_HASHPOOL_IMPL_H
#define HM_HASHPOOL_IMPL_H

#include "hashpool.h"

#include <pthread.h>
#include <stdatomic.h>

#include <openssl/evp.h>

struct pool {
	hm__hashfile *files;
	size_t n;
	size_t *order; /* indexes into files, largest first */
	hm__hashpool_opts *opts;
	const EVP_MD *md;
	EVP_MD *fetched;
	uint64_t total;
	int fed; /* a reader thread per file: at least two CPUs per file */

	atomic_size_t next;
	atomic_int stop;
	atomic_uint_fast64_t done;

	/*
	 * Streaming (hm__hashstream_*): the walk still appends to *sfiles, so
	 * files are taken, copied and written back under mu. While listing,
	 * they are taken in listed order (taken counts them); once the list is
	 * whole, the rest in order[] (largest first), from index obase.
	 */
	int streaming;
	hm__hashfile **sfiles;
	size_t listed, taken, obase;
	size_t opened; /* listed files that wait with the descriptor the walk opened */
	atomic_int listing;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t *threads;
	unsigned int started;

	pthread_mutex_t progress_mu; /* held while the callback runs */
	int64_t last_report_ms;      /* under progress_mu */

	pthread_mutex_t err_mu;
	const char *err_name; /* the file of the reported error (the first by name), NULL when none */
	int err_code;
	char err_msg[1024];
};

/* Fetches SHA-256 and sets up the locks; nothing to hash yet. */
void hm__pool_init(struct pool *p, hm__hashpool_opts *opts);

/* Starts jobs - 1 workers (the calling thread is the last one). */
void hm__pool_spawn(struct pool *p, unsigned int jobs);

/*
 * The calling thread works too, then waits for the others; sets
 * opts->hashed. 0, or the recorded error (set as this thread's).
 */
int hm__pool_end(struct pool *p);

void hm__pool_free(struct pool *p);

/*
 * Records the calling thread's error for the file named name (NULL: none in
 * particular) when it is the first in manifest order so far; stops the pool.
 */
void hm__pool_record_error(struct pool *p, const char *name, int code);

/* Hashes *f (bufs: 1, or HM_FEED_BUFS when fed): 0, 1 cancelled, or a negative hm error. */
int hm__pool_hash_one(struct pool *p, hm__hashfile *f, unsigned char *const *bufs, int nbufs,
		      EVP_MD_CTX *ctx);

/* Streaming: takes the next file (see hashpool.c), and puts back what hashing learnt. */
int hm__pool_take(struct pool *p, hm__hashfile *f, size_t *idx, int wait, size_t ahead);
void hm__pool_put(struct pool *p, size_t idx, const hm__hashfile *f);

/* *order = the indexes of files[from..to) not cached, largest first; their count in *count. */
int hm__pool_order(size_t **order, size_t *count, const hm__hashfile *files, size_t from,
		   size_t to);

#endif
