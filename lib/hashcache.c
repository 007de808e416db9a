/*
 * The digest cache (hashcache.h): where it lives, whether it can be trusted,
 * which files it spares from hashing, and writing it back after a
 * verification. The cache is as trusted as the user's account: it is used
 * only from a directory and a file that the effective user owns and nobody
 * else can write; ctime, which a user cannot set, catches content changed
 * with the mtime put back. Every problem with the cache is a warning through
 * the caller's callback: the worst a bad cache does is cost a full hash.
 */
#include "hashcache.h"
#include "hashpool.h"
#include "manifest_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct hm__hashcache_run {
	char *path;     /* the cache file */
	char *realroot; /* the model root it is for */
	struct timespec t0; /* when hashing began */
	hm__hcentry *rec;   /* every file's stat and digest, manifest order (no names) */
	size_t nrec;
	size_t loaded, hits; /* entries read from the cache; files it spared */
	hm_warning_cb warn;
	void *payload;
};

static void warn(hm_warning_cb cb, void *payload, const char *fmt, ...) HM_PRINTF(3, 4);
static void warn(hm_warning_cb cb, void *payload, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!cb)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cb(msg, payload);
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 2);

	if (!s)
		return NULL;
	memcpy(s, a, la);
	s[la] = '/';
	memcpy(s + la + 1, b, lb + 1);
	return s;
}

/*
 * The cache directory: opts->cache_dir, else $XDG_CACHE_HOME/hallmark (an
 * absolute XDG_CACHE_HOME; the XDG spec says to ignore a relative one), else
 * ~/.cache/hallmark. The base directory is created (0700) when missing.
 */
static char *cache_dir(const hm_digest_options *o)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *base, *dir;

	if (o->cache_dir && *o->cache_dir)
		return strdup(o->cache_dir);
	if (x && x[0] == '/') {
		base = strdup(x);
	} else {
		if (!home || home[0] != '/') {
			struct passwd *pw = getpwuid(geteuid());
			home = pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
		}
		if (!home)
			return NULL;
		base = join(home, ".cache");
	}
	if (!base)
		return NULL;
	(void)mkdir(base, 0700); /* the error, if any, shows when the subdirectory is made */
	dir = join(base, "hallmark");
	free(base);
	return dir;
}

/* 1 when the directory is the user's own and nobody else can write to it (created if missing). */
static int private_dir(const char *dir, hm_warning_cb cb, void *payload)
{
	struct stat st;
	int fd, made = mkdir(dir, 0700) == 0, ok;

	if (!made && errno != EEXIST) {
		warn(cb, payload, "digest cache: cannot create %s: %s; the cache is not used", dir,
		     strerror(errno));
		return 0;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		warn(cb, payload, "digest cache: cannot open %s: %s; the cache is not used", dir,
		     strerror(errno));
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (made)
		(void)fchmod(fd, 0700); /* whatever the umask */
	ok = st.st_uid == geteuid() && !(st.st_mode & (S_IWGRP | S_IWOTH));
	close(fd);
	if (!ok)
		warn(cb, payload,
		     "digest cache: %s is not private (owner uid %lu, mode %04o; it must be owned by "
		     "uid %lu and not writable by group or others); the cache is not used",
		     dir, (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777),
		     (unsigned long)geteuid());
	return ok;
}

/* Reads and checks the cache file into *c; 0 when there is a usable one. */
static int load(hm__hashcache *c, struct hm__hashcache_run *r)
{
	const int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
	char *data = NULL;
	struct stat st;
	size_t len = 0;
	int fd, rc;

	memset(c, 0, sizeof(*c));
	fd = open(r->path, flags);
	if (fd < 0) {
		if (errno != ENOENT)
			warn(r->warn, r->payload, "digest cache %s: %s; ignored, every file is hashed",
			     r->path, errno == ELOOP ? "is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) || (uint64_t)st.st_size > HM_HASHCACHE_MAX) {
		warn(r->warn, r->payload,
		     "digest cache %s: not a regular file of at most %u bytes owned by uid %lu and "
		     "writable by nobody else; ignored, every file is hashed and the cache rewritten",
		     r->path, HM_HASHCACHE_MAX, (unsigned long)geteuid());
		close(fd);
		return -1;
	}
	rc = hm__read_fd(&data, &len, fd, r->path, HM_HASHCACHE_MAX);
	close(fd);
	if (rc == 0)
		rc = hm__hashcache_parse(c, (const unsigned char *)data, len);
	free(data);
	if (rc == HM_ENOMEM)
		return rc;
	if (rc == 0 && strcmp(c->root, r->realroot) != 0)
		rc = hm__err(HM_EFORMAT, "it is for another model (%s)", c->root);
	if (rc < 0) {
		warn(r->warn, r->payload,
		     "digest cache %s: %s; ignored, every file is hashed and the cache rewritten",
		     r->path, hm_error_last());
		hm__hashcache_clear(c);
		return -1;
	}
	return 0;
}

int hm__hashcache_open(struct hm__hashcache_run **out, const char *realroot,
		       const hm_digest_options *o)
{
	struct hm__hashcache_run *r;
	unsigned char key[32];
	char hex[65], *dir;

	*out = NULL;
	if (!o->cache)
		return 0;
	if (!(dir = cache_dir(o))) {
		warn(o->warning, o->warning_payload,
		     "digest cache: no cache directory (set XDG_CACHE_HOME or HOME); every file is "
		     "hashed");
		return 0;
	}
	if (!private_dir(dir, o->warning, o->warning_payload)) {
		free(dir);
		return 0;
	}
	hm__sha256(key, realroot, strlen(realroot));
	hm__hex_encode(hex, key, 32);
	r = calloc(1, sizeof(*r));
	if (r) {
		r->path = join(dir, hex);
		r->realroot = strdup(realroot);
	}
	free(dir);
	if (!r || !r->path || !r->realroot) {
		hm__hashcache_run_free(r);
		return hm__err_oom();
	}
	r->warn = o->warning;
	r->payload = o->warning_payload;
	clock_gettime(CLOCK_REALTIME, &r->t0);
	*out = r;
	return 0;
}

static int same_stat(const hm__hcstat *c, const hm__hashfile *f)
{
	return c->dev == (uint64_t)f->dev && c->ino == (uint64_t)f->ino && c->size == f->size &&
	       c->mtime_sec == (int64_t)f->mtime.tv_sec &&
	       c->mtime_nsec == (uint32_t)f->mtime.tv_nsec &&
	       c->ctime_sec == (int64_t)f->ctime.tv_sec && c->ctime_nsec == (uint32_t)f->ctime.tv_nsec;
}

void hm__hashcache_apply(struct hm__hashcache_run *r, hm__hashfile *files, size_t n,
			 hm_digest_stats *stats)
{
	hm__hashcache c;
	size_t i = 0, j = 0;

	if (!r || load(&c, r) < 0)
		return;
	r->loaded = c.n;
	/* Both lists are in manifest order: one merge pass. */
	while (i < n && j < c.n) {
		const hm__hcentry *e = &c.e[j];
		int cmp = hm__path_cmp(files[i].name, e->name);

		if (cmp < 0) {
			i++;
		} else if (cmp > 0) {
			j++;
		} else {
			if (same_stat(&e->st, &files[i]) &&
			    hm__hashcache_settled(e->st.mtime_sec, e->st.mtime_nsec, c.stamp_sec,
						  c.stamp_nsec) &&
			    hm__hashcache_settled(e->st.ctime_sec, e->st.ctime_nsec, c.stamp_sec,
						  c.stamp_nsec)) {
				memcpy(files[i].digest, e->digest, 32);
				files[i].cached = 1;
				r->hits++;
				if (stats) {
					stats->files_cached++;
					stats->bytes_cached += files[i].size;
				}
			}
			i++;
			j++;
		}
	}
	hm__hashcache_clear(&c);
}

int hm__hashcache_record(struct hm__hashcache_run *r, const hm__hashfile *files, size_t n)
{
	size_t i;

	if (!r)
		return 0;
	if (n && !(r->rec = calloc(n, sizeof(*r->rec))))
		return hm__err_oom();
	for (i = 0; i < n; i++) {
		hm__hcstat *s = &r->rec[i].st;

		s->dev = (uint64_t)files[i].dev;
		s->ino = (uint64_t)files[i].ino;
		s->size = files[i].size;
		s->mtime_sec = (int64_t)files[i].mtime.tv_sec;
		s->mtime_nsec = (uint32_t)files[i].mtime.tv_nsec;
		s->ctime_sec = (int64_t)files[i].ctime.tv_sec;
		s->ctime_nsec = (uint32_t)files[i].ctime.tv_nsec;
		memcpy(r->rec[i].digest, files[i].digest, 32);
	}
	r->nrec = n;
	return 0;
}

void hm__hashcache_run_free(struct hm__hashcache_run *r)
{
	if (!r)
		return;
	free(r->path);
	free(r->realroot);
	free(r->rec);
	free(r);
}

static int cmp_res(const void *key, const void *elem)
{
	return hm__path_cmp(key, ((const struct hm__resource *)elem)->name);
}

/*
 * Compacts r->rec to the entries worth keeping (named): files that matched
 * (not among ex) and settled before hashing began. The count, or SIZE_MAX.
 */
static size_t keep(struct hm__hashcache_run *r, const hm_manifest *m, const hm_manifest_diff *ex,
		   size_t nex)
{
	unsigned char *drop = calloc(r->nrec + 1, 1);
	size_t i, k = 0;

	if (!drop)
		return SIZE_MAX;
	for (i = 0; i < nex; i++) {
		const struct hm__resource *res;

		if (ex[i].kind == HM_MANIFEST_MISSING || !ex[i].name)
			continue;
		res = bsearch(ex[i].name, m->res, m->n, sizeof(*m->res), cmp_res);
		if (res)
			drop[res - m->res] = 1; /* did not match the signed manifest */
	}
	for (i = 0; i < r->nrec; i++) {
		hm__hcentry e = r->rec[i];
		const int64_t s0 = (int64_t)r->t0.tv_sec;
		const uint32_t n0 = (uint32_t)r->t0.tv_nsec;

		/* Racily clean entries (git's term) could change unseen within their time stamp. */
		if (drop[i] || !hm__hashcache_settled(e.st.mtime_sec, e.st.mtime_nsec, s0, n0) ||
		    !hm__hashcache_settled(e.st.ctime_sec, e.st.ctime_nsec, s0, n0))
			continue;
		e.name = m->res[i].name;
		r->rec[k++] = e;
	}
	free(drop);
	return k;
}

int hm__manifest_cache_save(hm_manifest *m, const hm_manifest_diff *exclude, size_t nexclude)
{
	struct hm__hashcache_run *r = m ? m->cache : NULL;
	hm_buf b = HM_BUF_INIT;
	struct stat st;
	size_t k;
	int rc;

	if (!r || !r->rec || r->nrec != m->n)
		return 0;
	k = keep(r, m, exclude, nexclude);
	r->nrec = 0; /* entries were compacted: one save per manifest */
	if (k == SIZE_MAX)
		return hm__err_oom();
	if (k == r->loaded && k == r->hits && k == m->n)
		return 0; /* every file came from the cache, which holds exactly them: nothing new */
	if (hm__hashcache_encode(&b, r->realroot, (int64_t)r->t0.tv_sec, (uint32_t)r->t0.tv_nsec,
				 r->rec, k) < 0) {
		hm__buf_free(&b);
		return hm__err_oom();
	}
	/* Not through a link or anything but a file: the directory is ours alone. */
	if (lstat(r->path, &st) == 0 && !S_ISREG(st.st_mode))
		(void)unlink(r->path);
	rc = hm__write_file_atomic(r->path, b.data, b.len, 0600, 1);
	hm__buf_free(&b);
	if (rc < 0)
		warn(r->warn, r->payload, "digest cache: not written: %s", hm_error_last());
	return 0;
}
