/*
 * The OMS "shards" serialization: each file cut into byte ranges of the
 * recorded shard size, each range hashed with SHA-256 on its own and named
 * "path:start:end" (the end exclusive), in model_signing's order (path by
 * components, then offsets as numbers). A byte range is hashed by opening
 * the file the walk listed (same device and inode), reading the range with
 * pread and checking afterwards that the file did not change.
 */
#include "hashpool.h"
#include "manifest_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#define PROGRESS_INTERVAL_MS 100

/* ---- names ---- */

/* A canonical decimal number of len bytes at s: no sign, no leading zero. */
static int parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || (len > 1 && s[0] == '0'))
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 1;
}

int hm__shard_name_split(const char *name, size_t *pathlen, uint64_t *start, uint64_t *end)
{
	const char *c2 = strrchr(name, ':'), *c1;
	uint64_t s, e;

	if (!c2 || c2 == name)
		return 0;
	for (c1 = c2 - 1; c1 > name && *c1 != ':'; c1--)
		;
	if (*c1 != ':' || c1 == name)
		return 0;
	if (!parse_u64(c1 + 1, (size_t)(c2 - c1 - 1), &s) || !parse_u64(c2 + 1, strlen(c2 + 1), &e) ||
	    s >= e)
		return 0;
	*pathlen = (size_t)(c1 - name);
	*start = s;
	*end = e;
	return 1;
}

int hm__path_ncmp(const char *a, size_t la, const char *b, size_t lb)
{
	size_t i = 0;
	unsigned int cx, cy;

	while (i < la && i < lb && a[i] == b[i])
		i++;
	cx = i == la ? 0 : a[i] == '/' ? 1 : (unsigned int)(unsigned char)a[i] + 1;
	cy = i == lb ? 0 : b[i] == '/' ? 1 : (unsigned int)(unsigned char)b[i] + 1;
	return cx < cy ? -1 : cx > cy;
}

int hm__shard_cmp(const char *a, const char *b)
{
	size_t la, lb;
	uint64_t sa, ea, sb, eb;
	int c;

	if (!hm__shard_name_split(a, &la, &sa, &ea) || !hm__shard_name_split(b, &lb, &sb, &eb))
		return hm__path_cmp(a, b); /* not shard names: callers refuse them */
	if ((c = hm__path_ncmp(a, la, b, lb)) != 0)
		return c;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return ea < eb ? -1 : ea > eb;
}

/* ---- hashing ---- */

struct shard {
	size_t file; /* index into files[] */
	uint64_t start, end;
};

struct spool {
	hm__hashfile *files;
	struct shard *shards;
	struct hm__resource *res; /* res[i] receives shard i's digest */
	size_t n;
	const hm__hashpool_opts *opts;
	uint64_t total;
	atomic_size_t next;
	atomic_int stop;
	atomic_uint_fast64_t done;
	pthread_mutex_t mu;      /* the progress callback and the error */
	struct timespec last;    /* under mu: the last progress call */
	size_t err_index;        /* shard index of the recorded error, n when none */
	int err_code;
	char err_msg[1024];
};

static void progress(struct spool *p)
{
	struct timespec now;

	if (!p->opts->progress || pthread_mutex_trylock(&p->mu) != 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000 >=
	    PROGRESS_INTERVAL_MS) {
		p->last = now;
		p->opts->progress(atomic_load(&p->done), p->total, p->opts->payload);
	}
	pthread_mutex_unlock(&p->mu);
}

static int same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* SHA-256 of bytes [start, end) of the listed file f into out. 0 or an hm error code. */
static int hash_range(struct spool *p, const hm__hashfile *f, uint64_t start, uint64_t end,
		      unsigned char *buf, EVP_MD_CTX *ctx, unsigned char out[32])
{
	const int flags = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
	char disp[PATH_MAX];
	struct stat a, b;
	uint64_t off = start;
	unsigned int mdlen = 0;
	int fd, e = 0;

	hm__display_path(disp, sizeof(disp), p->opts->display_root, f->name);
	fd = f->target ? open(f->target, flags) : hm__openat_long(p->opts->rootfd, f->name, flags);
	if (fd < 0) {
		e = errno;
		if (e == ELOOP)
			return hm__err(HM_EIO, "%s: became a symbolic link after it was listed", disp);
		return hm__err(HM_EIO, "%s: cannot open: %s", disp, strerror(e));
	}
	if (fstat(fd, &a) < 0 || !S_ISREG(a.st_mode) || a.st_dev != f->dev || a.st_ino != f->ino) {
		close(fd);
		return hm__err(HM_EIO, "%s: was replaced between listing and hashing", disp);
	}
	if ((uint64_t)a.st_size != f->size) {
		close(fd);
		return hm__err(HM_EIO, "%s: changed while it was hashed (size %llu bytes when "
			       "listed, %lld when opened)", disp, (unsigned long long)f->size,
			       (long long)a.st_size);
	}
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		close(fd);
		return hm__err(HM_ECRYPTO, "SHA-256 initialisation failed");
	}
	while (off < end && !atomic_load_explicit(&p->stop, memory_order_relaxed)) {
		size_t want = end - off < HM_HASH_CHUNK ? (size_t)(end - off) : HM_HASH_CHUNK;
		ssize_t r = pread(fd, buf, want, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			e = r < 0 ? errno : 0;
			close(fd);
			if (e)
				return hm__err(HM_EIO, "%s: read failed: %s", disp, strerror(e));
			return hm__err(HM_EIO, "%s: changed while it was hashed (ends at %llu bytes, "
				       "not %llu)", disp, (unsigned long long)off,
				       (unsigned long long)f->size);
		}
		EVP_DigestUpdate(ctx, buf, (size_t)r);
		off += (uint64_t)r;
		atomic_fetch_add(&p->done, (uint64_t)r);
		progress(p);
	}
	if (off < end) {
		close(fd);
		return 1; /* stopped: another shard failed */
	}
	if (fstat(fd, &b) < 0)
		e = errno;
	close(fd);
	if (e)
		return hm__err(HM_EIO, "%s: fstat failed: %s", disp, strerror(e));
	if (b.st_size != a.st_size || !same_time(&a.st_mtim, &b.st_mtim) ||
	    !same_time(&a.st_ctim, &b.st_ctim))
		return hm__err(HM_EIO, "%s: changed while it was hashed (size or times moved)", disp);
	if (EVP_DigestFinal_ex(ctx, out, &mdlen) != 1 || mdlen != 32)
		return hm__err(HM_ECRYPTO, "SHA-256 finalisation failed");
	return 0;
}

static void record_error(struct spool *p, size_t i, int code)
{
	pthread_mutex_lock(&p->mu);
	if (i < p->err_index) {
		p->err_index = i;
		p->err_code = code;
		snprintf(p->err_msg, sizeof(p->err_msg), "%s", hm_error_last());
	}
	pthread_mutex_unlock(&p->mu);
	atomic_store(&p->stop, 1);
}

static void *worker(void *arg)
{
	struct spool *p = arg;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *buf = malloc(HM_HASH_CHUNK), d[32];
	size_t k;
	int rc;

	if (!ctx || !buf) {
		hm__err_oom();
		record_error(p, 0, HM_ENOMEM);
		goto out;
	}
	while (!atomic_load(&p->stop)) {
		const struct shard *s;

		k = atomic_fetch_add(&p->next, 1);
		if (k >= p->n)
			break;
		s = &p->shards[k];
		rc = hash_range(p, &p->files[s->file], s->start, s->end, buf, ctx, d);
		if (rc < 0)
			record_error(p, k, rc);
		else if (rc == 0)
			hm__hex_encode(p->res[k].hex, d, 32);
	}
out:
	EVP_MD_CTX_free(ctx);
	free(buf);
	return NULL;
}

/* Lists the shards of files[0..n) in manifest order and names their resources. */
static int list_shards(struct spool *p, hm_manifest *m, uint64_t size)
{
	size_t i, k = 0, cap = 0;
	uint64_t off;

	for (i = 0; i < p->n; i++) {
		uint64_t fs = p->files[i].size, ns = fs / size + (fs % size != 0);

		if (ns > SIZE_MAX / sizeof(struct shard) - cap)
			return hm__err(HM_ENOMEM, "too many shards: use a larger shard size");
		cap += (size_t)ns;
	}
	p->shards = calloc(cap ? cap : 1, sizeof(*p->shards));
	m->res = calloc(cap ? cap : 1, sizeof(*m->res));
	if (!p->shards || !m->res)
		return hm__err_oom();
	for (i = 0; i < p->n; i++) {
		const hm__hashfile *f = &p->files[i];

		for (off = 0; off < f->size; off += size) {
			struct shard *s = &p->shards[k];
			hm_buf b = HM_BUF_INIT;

			s->file = i;
			s->start = off;
			s->end = f->size - off > size ? off + size : f->size;
			if (hm__buf_printf(&b, "%s:%llu:%llu", f->name, (unsigned long long)s->start,
					   (unsigned long long)s->end) < 0)
				return HM_ENOMEM;
			m->res[k].name = hm__buf_detach(&b, NULL);
			m->res[k].size = s->end - s->start;
			m->total += m->res[k].size;
			m->n = ++k;
		}
	}
	p->n = k;
	return 0;
}

int hm__manifest_shards(hm_manifest *m, hm__hashfile *files, size_t n, hm__hashpool_opts *po,
			hm_digest_stats *stats)
{
	struct spool p;
	pthread_t *threads = NULL;
	unsigned int jobs, started = 0, t;
	unsigned char root[32], d[32];
	EVP_MD_CTX *ctx = NULL;
	unsigned int len = 0;
	size_t i;
	int rc;

	memset(&p, 0, sizeof(p));
	p.files = files;
	p.n = n;
	p.opts = po;
	if ((rc = list_shards(&p, m, m->shard_size)) < 0)
		goto done;
	if (m->n == 0) {
		rc = hm__err(HM_ENOTFOUND, "%s: no bytes to hash: every file is empty, and the "
			     "shards serialization lists none", po->display_root);
		goto done;
	}
	p.res = m->res;
	p.total = m->total;
	p.err_index = p.n;
	atomic_init(&p.next, 0);
	atomic_init(&p.stop, 0);
	atomic_init(&p.done, 0);
	pthread_mutex_init(&p.mu, NULL);
	clock_gettime(CLOCK_MONOTONIC, &p.last);
	jobs = hm__hashpool_jobs(po->jobs, p.n);
	if (jobs > 1 && (threads = calloc(jobs - 1, sizeof(*threads))))
		for (t = 0; t < jobs - 1; t++) {
			if (pthread_create(&threads[t], NULL, worker, &p) != 0)
				break; /* fewer workers is slower, not wrong */
			started++;
		}
	worker(&p);
	for (t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	free(threads);
	pthread_mutex_destroy(&p.mu);
	po->hashed = atomic_load(&p.done);
	if (stats) {
		for (i = 0; i < n; i++)
			stats->files_hashed += files[i].size > 0;
		stats->bytes_hashed += po->hashed;
	}
	if (p.err_index < p.n) {
		rc = hm__err(p.err_code, "%s", p.err_msg);
		goto done;
	}
	if (po->progress)
		po->progress(p.total, p.total, po->payload);
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		rc = hm__err(HM_ECRYPTO, "SHA-256 initialisation failed");
		goto done;
	}
	for (i = 0; i < m->n; i++) {
		hm__hex_decode(d, 32, m->res[i].hex);
		EVP_DigestUpdate(ctx, d, 32);
	}
	if (EVP_DigestFinal_ex(ctx, root, &len) != 1 || len != 32) {
		rc = hm__err(HM_ECRYPTO, "SHA-256 finalisation failed");
		goto done;
	}
	hm__hex_encode(m->root, root, 32);
done:
	EVP_MD_CTX_free(ctx);
	free(p.shards);
	return rc;
}
