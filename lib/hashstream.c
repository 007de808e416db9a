/*
 * Hashing while the walk lists (hashpool.h, hm__hashstream_*): the pool of
 * hashpool.c fed file by file, and the order in which it takes files.
 */
#include "hashpool_impl.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sized {
	uint64_t size;
	size_t index;
};

static int by_size_desc(const void *x, const void *y)
{
	const struct sized *a = x, *b = y;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

int hm__pool_order(size_t **order, size_t *count, const hm__hashfile *files, size_t from,
		   size_t to)
{
	struct sized *sized = malloc((to - from ? to - from : 1) * sizeof(*sized));
	size_t i, k = 0;

	*order = malloc((to - from ? to - from : 1) * sizeof(**order));
	if (!*order || !sized) {
		free(*order);
		*order = NULL;
		free(sized);
		return hm__err_oom();
	}
	for (i = from; i < to; i++) {
		if (files[i].cached)
			continue;
		sized[k].size = files[i].size;
		sized[k++].index = i;
	}
	qsort(sized, k, sizeof(*sized), by_size_desc);
	for (i = 0; i < k; i++)
		(*order)[i] = sized[i].index;
	free(sized);
	*count = k;
	return 0;
}

struct hm__hashstream {
	struct pool p;
	unsigned char *buf; /* the walking thread's, when it hashes (hm__hashstream_help) */
	EVP_MD_CTX *ctx;
};

int hm__hashstream_start(struct hm__hashstream **out, hm__hashfile **files, size_t n,
			 hm__hashpool_opts *opts)
{
	struct hm__hashstream *s = calloc(1, sizeof(*s));
	size_t i;

	*out = NULL;
	if (!s)
		return hm__err_oom();
	opts->hashed = 0;
	hm__pool_init(&s->p, opts);
	s->p.streaming = 1;
	s->p.sfiles = files;
	s->p.listed = n;
	for (i = 0; i < n; i++)
		s->p.total += (*files)[i].size;
	atomic_store(&s->p.listing, 1);
	hm__pool_spawn(&s->p, hm__hashpool_jobs(opts->jobs, SIZE_MAX));
	*out = s;
	return 0;
}

int hm__hashstream_push(struct hm__hashstream *s, hm__hashfile **files, size_t *n, size_t *cap,
			const hm__hashfile *f)
{
	struct pool *p = &s->p;
	int rc;

	pthread_mutex_lock(&p->mu);
	if ((rc = hm__hashfiles_push(files, n, cap, f)) == 0) {
		p->listed = *n;
		p->total += f->size;
		p->opened += f->opened != 0;
		pthread_cond_signal(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int hm__hashstream_may_open(struct hm__hashstream *s)
{
	size_t opened;

	pthread_mutex_lock(&s->p.mu);
	opened = s->p.opened;
	pthread_mutex_unlock(&s->p.mu);
	return opened < HM_STREAM_OPENED;
}

int hm__hashstream_help(struct hm__hashstream *s)
{
	struct pool *p = &s->p;
	hm__hashfile f;
	size_t k;
	int rc;

	while (!atomic_load(&p->stop) && hm__pool_take(p, &f, &k, 0, HM_STREAM_AHEAD)) {
		if (!s->ctx && !(s->ctx = EVP_MD_CTX_new()))
			goto oom;
		if (!s->buf && posix_memalign((void **)&s->buf, 4096, HM_HASH_CHUNK) != 0) {
			s->buf = NULL;
			goto oom;
		}
		rc = hm__pool_hash_one(p, &f, &s->buf, 1, s->ctx);
		if (rc < 0)
			hm__pool_record_error(p, f.name, rc);
		else if (rc == 0)
			hm__pool_put(p, k, &f);
		continue;
oom:
		if (f.opened)
			close(f.fd);
		rc = hm__err_oom();
		hm__pool_record_error(p, NULL, rc);
		return rc;
	}
	return 0;
}

/* Closes what the walk opened and no one took (the pool stopped). */
static void close_untaken(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->listed && p->opened; i++) {
		hm__hashfile *f = &(*p->sfiles)[i];

		if (f->opened) {
			close(f->fd);
			f->opened = 0;
			p->opened--;
		}
	}
}

int hm__hashstream_finish(struct hm__hashstream *s, int walk_rc)
{
	struct pool *p;
	size_t count = 0;
	int rc;

	if (!s)
		return walk_rc;
	p = &s->p;
	pthread_mutex_lock(&p->mu);
	if (walk_rc < 0) {
		atomic_store(&p->stop, 1);
	} else if ((rc = hm__pool_order(&p->order, &count, *p->sfiles, p->taken, p->listed)) < 0) {
		pthread_mutex_lock(&p->err_mu); /* as record_error, which takes mu */
		p->err_name = "";
		p->err_code = rc;
		snprintf(p->err_msg, sizeof(p->err_msg), "%s", hm_error_last());
		pthread_mutex_unlock(&p->err_mu);
		atomic_store(&p->stop, 1);
	} else {
		p->obase = p->taken; /* the rest, largest first */
		p->listed = p->taken + count;
	}
	atomic_store(&p->listing, 0);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (walk_rc < 0) {
		unsigned int t;

		for (t = 0; t < p->started; t++)
			pthread_join(p->threads[t], NULL);
		rc = walk_rc; /* the walk's message stays this thread's error */
	} else {
		rc = hm__pool_end(p);
	}
	close_untaken(p);
	hm__pool_free(p);
	EVP_MD_CTX_free(s->ctx);
	free(s->buf);
	free(s);
	return rc;
}

int hm__hashfiles_push(hm__hashfile **files, size_t *n, size_t *cap, const hm__hashfile *f)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		hm__hashfile *grown = realloc(*files, c * sizeof(*grown));

		if (!grown)
			return hm__err_oom();
		*files = grown;
		*cap = c;
	}
	(*files)[(*n)++] = *f;
	return 0;
}
