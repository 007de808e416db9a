/*
 * The hashing engine: whole files streamed through SHA-256 (OpenSSL EVP) by a
 * pool of worker threads, each with one fixed buffer (or one mapped window at
 * a time, when the application enabled mapping), so memory stays flat
 * whatever the model's size. A file that changes while it is read is an error.
 */
#include "hashpool_impl.h"
#include "manifest_impl.h"
#include "mapguard.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#define PROGRESS_INTERVAL_MS 100
#define MAX_JOBS 1024

unsigned int hm__hashpool_jobs(unsigned int jobs, size_t n)
{
	unsigned int j = jobs;

	if (j == 0) {
#ifdef CPU_COUNT
		cpu_set_t set;

		if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
			j = (unsigned int)CPU_COUNT(&set);
#endif
		if (j == 0) {
			long c = sysconf(_SC_NPROCESSORS_ONLN);
			j = c > 0 ? (unsigned int)c : 1;
		}
	}
	if (j > MAX_JOBS)
		j = MAX_JOBS;
	if (n < j)
		j = n ? (unsigned int)n : 1;
	return j;
}

void hm__display_path(char *buf, size_t cap, const char *display_root, const char *name)
{
	size_t rl = strlen(display_root);

	if (strcmp(name, ".") == 0)
		snprintf(buf, cap, "%s", display_root);
	else if (rl && display_root[rl - 1] == '/')
		snprintf(buf, cap, "%s%s", display_root, name);
	else
		snprintf(buf, cap, "%s/%s", display_root, name);
}

static int64_t now_ms(void)
{
	struct timespec ts;

#ifdef CLOCK_MONOTONIC_COARSE
	if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) == 0)
		return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#endif
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void progress_add(struct pool *p, uint64_t n)
{
	int64_t now;

	atomic_fetch_add(&p->done, n);
	if (!p->opts->progress || atomic_load(&p->listing))
		return; /* while the walk lists, the total is not known yet */
	now = now_ms();
	/* Throttled, and never two callbacks at once: a busy mutex means skip. */
	if (pthread_mutex_trylock(&p->progress_mu) != 0)
		return;
	if (now - p->last_report_ms >= PROGRESS_INTERVAL_MS) {
		p->last_report_ms = now;
		p->opts->progress(atomic_load(&p->done), p->total, p->opts->payload);
	}
	pthread_mutex_unlock(&p->progress_mu);
}

/*
 * Records the thread's current error for the file named name if it is the
 * first in manifest order so far (name NULL: before any file). Stops the pool.
 */
void hm__pool_record_error(struct pool *p, const char *name, int code)
{
	pthread_mutex_lock(&p->err_mu);
	if (!p->err_name || !name || (*p->err_name && hm__path_cmp(name, p->err_name) < 0)) {
		p->err_name = name ? name : "";
		p->err_code = code;
		snprintf(p->err_msg, sizeof(p->err_msg), "%s", hm_error_last());
	}
	pthread_mutex_unlock(&p->err_mu);
	pthread_mutex_lock(&p->mu);
	atomic_store(&p->stop, 1);
	pthread_cond_broadcast(&p->cv); /* streaming workers waiting for files */
	pthread_mutex_unlock(&p->mu);
}

static int same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/*
 * Plain streaming: read a chunk, hash it, repeat until limit bytes (the size
 * at open) or EOF. *got receives the bytes read (more than limit means the
 * file grew). No read is spent on EOF once limit bytes are in: growth after
 * the last read shows in the caller's second fstat. 0, 1 cancelled, or -errno.
 */
static int stream_plain(struct pool *p, int fd, uint64_t limit, unsigned char *buf,
			EVP_MD_CTX *ctx, uint64_t *got)
{
	for (;;) {
		ssize_t r;

		if (atomic_load_explicit(&p->stop, memory_order_relaxed))
			return 1;
		if (*got == limit)
			return 0;
		r = read(fd, buf, HM_HASH_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		*got += (uint64_t)r;
		if (*got > limit)
			return 0; /* grew: reported by the caller, without reading the rest */
		EVP_DigestUpdate(ctx, buf, (size_t)r);
		progress_add(p, (uint64_t)r);
	}
}

/*
 * Mapped hashing (after hm_hash_mmap_enable()): the file is mapped
 * HM_MAP_WINDOW bytes at a time and hashed straight from the page cache,
 * without read()'s copy, each window unmapped once hashed so that resident
 * memory stays flat. A window that faults (the file was truncated under it,
 * or an I/O error) ends the file through the SIGBUS guard. Returns as
 * stream_plain, or 2 when mapping failed before the end (fd is then
 * positioned at *got, for plain streaming to go on from there), or 3 when a
 * window faulted (*got = the bytes hashed before it).
 */
static int stream_mapped(struct pool *p, int fd, uint64_t size, EVP_MD_CTX *ctx, uint64_t *got)
{
	sigjmp_buf jb;
	volatile uint64_t off = 0;
	unsigned char *volatile map = NULL;
	volatile size_t len = 0;

	hm__mapguard_count_mapped_file();
	if (sigsetjmp(jb, 1) != 0) {
		munmap(map, len);
		*got = off;
		return 3;
	}
	while (off < size) {
		if (atomic_load_explicit(&p->stop, memory_order_relaxed))
			return 1;
		len = size - off < HM_MAP_WINDOW ? (size_t)(size - off) : HM_MAP_WINDOW;
		map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)off);
		if (map == MAP_FAILED) {
			*got = off;
			return lseek(fd, (off_t)off, SEEK_SET) == (off_t)off ? 2 : -errno;
		}
		(void)madvise(map, len, MADV_SEQUENTIAL);
		hm__mapguard_arm(&jb, map, len);
		EVP_DigestUpdate(ctx, map, len);
		hm__mapguard_disarm();
		munmap(map, len);
		off += len;
		progress_add(p, len);
	}
	*got = off;
	return 0;
}

/*
 * Fed streaming, when the pool has a spare CPU for each file: a reader thread
 * copies chunks from the page cache into HM_FEED_BUFS buffers while this
 * thread hashes, so one file goes at the speed of SHA-256 alone.
 */
struct feed {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned char *buf[HM_FEED_BUFS];
	size_t len[HM_FEED_BUFS];
	uint64_t filled, used; /* chunks read, chunks hashed */
	uint64_t got, limit;   /* bytes read, the size when opened */
	int fd, done, quit, err;
};

static void *feeder(void *arg)
{
	struct feed *f = arg;
	unsigned char *b;
	ssize_t r;
	int done;

	for (;;) {
		pthread_mutex_lock(&f->mu);
		while (!f->quit && f->filled - f->used == HM_FEED_BUFS)
			pthread_cond_wait(&f->cv, &f->mu);
		if (f->quit) {
			f->done = 1;
			pthread_mutex_unlock(&f->mu);
			return NULL;
		}
		b = f->buf[f->filled % HM_FEED_BUFS]; /* the hasher is past this slot */
		pthread_mutex_unlock(&f->mu);
		do
			r = read(f->fd, b, HM_HASH_CHUNK);
		while (r < 0 && errno == EINTR);
		pthread_mutex_lock(&f->mu);
		if (r < 0) {
			f->err = errno;
		} else if (r > 0) {
			f->got += (uint64_t)r;
			if (f->got <= f->limit) {
				f->len[f->filled % HM_FEED_BUFS] = (size_t)r;
				f->filled++;
			}
		}
		if (r <= 0 || f->got >= f->limit)
			f->done = 1; /* at limit: growth shows in the caller's second fstat */
		done = f->done;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		if (done)
			return NULL;
	}
}

/* As stream_plain, or 2 when the reader thread cannot be started (then stream plainly). */
static int stream_fed(struct pool *p, int fd, uint64_t limit, unsigned char *const *bufs,
		      EVP_MD_CTX *ctx, uint64_t *got)
{
	struct feed f;
	pthread_t reader;
	int i, rc = 0;

	memset(&f, 0, sizeof(f));
	for (i = 0; i < HM_FEED_BUFS; i++)
		f.buf[i] = bufs[i];
	f.fd = fd;
	f.limit = limit;
	pthread_mutex_init(&f.mu, NULL);
	pthread_cond_init(&f.cv, NULL);
	if (pthread_create(&reader, NULL, feeder, &f) != 0) {
		pthread_cond_destroy(&f.cv);
		pthread_mutex_destroy(&f.mu);
		return 2;
	}
	for (;;) {
		size_t slot, len;

		if (atomic_load_explicit(&p->stop, memory_order_relaxed)) {
			rc = 1;
			break;
		}
		pthread_mutex_lock(&f.mu);
		while (f.filled == f.used && !f.done)
			pthread_cond_wait(&f.cv, &f.mu);
		if (f.filled == f.used) { /* the reader is done and everything is hashed */
			pthread_mutex_unlock(&f.mu);
			break;
		}
		slot = (size_t)(f.used % HM_FEED_BUFS);
		len = f.len[slot];
		pthread_mutex_unlock(&f.mu);
		EVP_DigestUpdate(ctx, f.buf[slot], len);
		progress_add(p, len);
		pthread_mutex_lock(&f.mu);
		f.used++;
		pthread_cond_broadcast(&f.cv);
		pthread_mutex_unlock(&f.mu);
	}
	pthread_mutex_lock(&f.mu);
	f.quit = 1;
	pthread_cond_broadcast(&f.cv);
	pthread_mutex_unlock(&f.mu);
	pthread_join(reader, NULL);
	if (rc == 0 && f.err)
		rc = -f.err;
	*got = f.got;
	pthread_cond_destroy(&f.cv);
	pthread_mutex_destroy(&f.mu);
	return rc;
}

int hm__pool_hash_one(struct pool *p, hm__hashfile *f, unsigned char *const *bufs, int nbufs,
		    EVP_MD_CTX *ctx)
{
	const int flags = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
	char disp[PATH_MAX];
	struct stat a, b;
	uint64_t got = 0;
	unsigned int mdlen = 0;
	int fd, e, rc = 2;

	if (f->opened) { /* by the walk, which made the first fstat */
		fd = f->fd;
		memset(&a, 0, sizeof(a));
		a.st_size = (off_t)f->size;
		a.st_mtim = f->mtime;
		a.st_ctim = f->ctime;
		goto opened;
	}
	fd = f->target ? open(f->target, flags) : hm__openat_long(p->opts->rootfd, f->name, flags);
	if (fd < 0) {
		e = errno;
		hm__display_path(disp, sizeof(disp), p->opts->display_root, f->name);
		if (e == ELOOP)
			return hm__err(HM_EIO, "%s: became a symbolic link after it was listed", disp);
		return hm__err(HM_EIO, "%s: cannot open: %s", disp, strerror(e));
	}
	if (fstat(fd, &a) < 0 || !S_ISREG(a.st_mode) || a.st_dev != f->dev ||
	    a.st_ino != f->ino) {
		close(fd);
		hm__display_path(disp, sizeof(disp), p->opts->display_root, f->name);
		return hm__err(HM_EIO, "%s: was replaced between listing and hashing", disp);
	}
opened:
	/* Larger read-ahead from disk; a file of one chunk is one read (and one syscall less). */
	if ((uint64_t)a.st_size > HM_HASH_CHUNK)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if (EVP_DigestInit_ex(ctx, p->md, NULL) != 1) {
		close(fd);
		return hm__err(HM_ECRYPTO, "SHA-256 initialisation failed");
	}
	/*
	 * A file of one chunk gains nothing from a reader thread or a mapping.
	 * With a spare CPU per file, a reader thread beats mapping (the copy is
	 * then free, the page-table work of a mapping is not).
	 */
	if (nbufs == HM_FEED_BUFS && (uint64_t)a.st_size > HM_HASH_CHUNK)
		rc = stream_fed(p, fd, (uint64_t)a.st_size, bufs, ctx, &got);
	else if ((uint64_t)a.st_size > HM_HASH_CHUNK && hm__mapguard_ready())
		rc = stream_mapped(p, fd, (uint64_t)a.st_size, ctx, &got);
	if (rc == 2)
		rc = stream_plain(p, fd, (uint64_t)a.st_size, bufs[0], ctx, &got);
	if (rc == 1) {
		close(fd);
		return 1;
	}
	/* The second look comes after every read and every hash update. */
	e = rc < 0 ? -rc : fstat(fd, &b) < 0 ? errno : 0;
	close(fd);
	hm__display_path(disp, sizeof(disp), p->opts->display_root, f->name);
	if (rc < 0)
		return hm__err(HM_EIO, "%s: read failed: %s", disp, strerror(e));
	if (e)
		return hm__err(HM_EIO, "%s: fstat failed: %s", disp, strerror(e));
	if (rc == 3 && b.st_size >= a.st_size)
		return hm__err(HM_EIO,
			       "%s: read failed: bytes after offset %llu could not be read from "
			       "the mapped file (an I/O error, or the file was cut short and "
			       "restored while it was hashed)",
			       disp, (unsigned long long)got);
	if (b.st_size != a.st_size || got != (uint64_t)a.st_size)
		return hm__err(HM_EIO,
			       "%s: changed while it was hashed (size %lld bytes when opened, "
			       "%lld after reading, %llu bytes read)",
			       disp, (long long)a.st_size, (long long)b.st_size,
			       (unsigned long long)got);
	if (!same_time(&a.st_mtim, &b.st_mtim))
		return hm__err(HM_EIO, "%s: changed while it was hashed (modification time moved)",
			       disp);
	if (!same_time(&a.st_ctim, &b.st_ctim))
		return hm__err(HM_EIO, "%s: changed while it was hashed (status change time moved)",
			       disp);
	if (EVP_DigestFinal_ex(ctx, f->digest, &mdlen) != 1 || mdlen != 32)
		return hm__err(HM_ECRYPTO, "SHA-256 finalisation failed");
	f->size = got; /* what was hashed, should the file have changed since it was listed */
	f->mtime = a.st_mtim; /* the times of the bytes hashed, for the digest cache */
	f->ctime = a.st_ctim;
	return 0;
}

/*
 * Streaming: the next file to hash, copied into *f (the walk may move the
 * array; a descriptor the walk opened passes to the caller), its index in
 * *idx. With wait, waits for the walk while it lists; without, only takes a
 * file while more than ahead wait. 0 when there is none to take or the pool
 * stopped.
 */
int hm__pool_take(struct pool *p, hm__hashfile *f, size_t *idx, int wait, size_t ahead)
{
	hm__hashfile *from;
	int got = 0;

	pthread_mutex_lock(&p->mu);
	while (wait && !atomic_load(&p->stop) && p->taken == p->listed &&
	       atomic_load(&p->listing))
		pthread_cond_wait(&p->cv, &p->mu);
	if (!atomic_load(&p->stop) && p->taken + ahead < p->listed) {
		*idx = p->order ? p->order[p->taken - p->obase] : p->taken;
		p->taken++;
		from = &(*p->sfiles)[*idx];
		*f = *from;
		if (from->opened) {
			from->opened = 0;
			p->opened--;
		}
		got = 1;
	}
	pthread_mutex_unlock(&p->mu);
	return got;
}

/* Streaming: what hashing learnt about file idx, back into the walk's array. */
void hm__pool_put(struct pool *p, size_t idx, const hm__hashfile *f)
{
	hm__hashfile *to;

	pthread_mutex_lock(&p->mu);
	to = &(*p->sfiles)[idx];
	memcpy(to->digest, f->digest, sizeof(to->digest));
	to->size = f->size;
	to->mtime = f->mtime;
	to->ctime = f->ctime;
	pthread_mutex_unlock(&p->mu);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	unsigned char *bufs[HM_FEED_BUFS] = { NULL };
	int nbufs = p->fed ? HM_FEED_BUFS : 1, i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	hm__hashfile copy, *f;
	size_t k;
	int rc;

	for (i = 0; i < nbufs; i++)
		if (posix_memalign((void **)&bufs[i], 4096, HM_HASH_CHUNK) != 0)
			bufs[i] = NULL;
	if (!ctx || !bufs[0]) {
		hm__err_oom();
		hm__pool_record_error(p, NULL, HM_ENOMEM);
		goto out;
	}
	if (!bufs[nbufs - 1])
		nbufs = 1; /* no memory for the reader's buffers: stream plainly */
	while (!atomic_load(&p->stop)) {
		if (p->streaming) {
			if (!hm__pool_take(p, &copy, &k, 1, 0))
				break;
			f = &copy;
		} else {
			k = atomic_fetch_add(&p->next, 1);
			if (k >= p->n)
				break;
			f = &p->files[p->order[k]];
		}
		rc = hm__pool_hash_one(p, f, bufs, nbufs, ctx);
		if (rc < 0)
			hm__pool_record_error(p, f->name, rc);
		else if (rc > 0)
			break;
		else if (p->streaming)
			hm__pool_put(p, k, f);
	}
out:
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < HM_FEED_BUFS; i++)
		free(bufs[i]);
	return NULL;
}

/* ---- the pool's life (hashpool_impl.h) ---- */

void hm__pool_init(struct pool *p, hm__hashpool_opts *opts)
{
	memset(p, 0, sizeof(*p));
	p->opts = opts;
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	/* An explicit fetch avoids a provider lookup at every file's DigestInit. */
	p->fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
	p->md = p->fetched ? p->fetched : EVP_sha256();
#else
	p->md = EVP_sha256();
#endif
	atomic_init(&p->next, 0);
	atomic_init(&p->stop, 0);
	atomic_init(&p->done, 0);
	atomic_init(&p->listing, 0);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	pthread_mutex_init(&p->progress_mu, NULL);
	pthread_mutex_init(&p->err_mu, NULL);
	p->last_report_ms = now_ms() - PROGRESS_INTERVAL_MS;
}

void hm__pool_spawn(struct pool *p, unsigned int jobs)
{
	unsigned int t;

	if (jobs < 2)
		return;
	p->threads = calloc(jobs - 1, sizeof(*p->threads));
	for (t = 0; p->threads && t < jobs - 1; t++) {
		if (pthread_create(&p->threads[t], NULL, worker, p) != 0)
			break; /* fewer workers is slower, not wrong */
		p->started++;
	}
}

int hm__pool_end(struct pool *p)
{
	unsigned int t;
	int rc = 0;

	worker(p);
	for (t = 0; t < p->started; t++)
		pthread_join(p->threads[t], NULL);
	p->opts->hashed = atomic_load(&p->done);
	if (p->err_name) {
		rc = hm__err(p->err_code, "%s", p->err_msg);
	} else if (p->opts->progress) {
		uint64_t done = atomic_load(&p->done);
		p->opts->progress(done, done, p->opts->payload); /* done == total unless a file
								    changed size after listing */
	}
	return rc;
}

void hm__pool_free(struct pool *p)
{
	free(p->threads);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	pthread_mutex_destroy(&p->progress_mu);
	pthread_mutex_destroy(&p->err_mu);
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	EVP_MD_free(p->fetched);
#endif
	free(p->order);
}

int hm__hashpool_run(hm__hashfile *files, size_t n, hm__hashpool_opts *opts)
{
	struct pool p;
	unsigned int cpus, jobs;
	size_t i, todo = 0;
	int rc;

	opts->hashed = 0;
	for (i = 0; i < n; i++)
		todo += !files[i].cached;
	if (todo == 0)
		return 0;
	hm__pool_init(&p, opts);
	p.files = files;
	/* Largest first: the pool finishes sooner when a big file is not left for last. */
	if ((rc = hm__pool_order(&p.order, &p.n, files, 0, n)) < 0) {
		hm__pool_free(&p);
		return rc;
	}
	for (i = 0; i < p.n; i++)
		p.total += files[p.order[i]].size;
	cpus = hm__hashpool_jobs(opts->jobs, SIZE_MAX);
	jobs = cpus < todo ? cpus : (unsigned int)todo;
	p.fed = cpus / 2 >= todo;
	hm__pool_spawn(&p, jobs);
	rc = hm__pool_end(&p);
	hm__pool_free(&p);
	return rc;
}
