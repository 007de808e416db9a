/*
 * The file digest of a dataset scan, computed on a second thread while the
 * scan splits and checks the same chunk: the scan hands a chunk over, works
 * on it, and waits for the digest to have taken it before the caller may
 * reuse the buffer. After the chunk the thread runs the job it was given
 * with it (the screening of the records of the chunk before). Where no
 * thread can be started the scan hashes and screens inline.
 */
#include "dataset_impl.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>

struct hm__hasher {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	EVP_MD_CTX *md;
	const void *p;
	size_t n;
	int (*job)(void *ctx);
	void *job_ctx;
	int busy, quit, failed, job_rc;
};

static void *run(void *arg)
{
	hm__hasher *h = arg;

	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (!h->busy && !h->quit)
			pthread_cond_wait(&h->cv, &h->mu);
		if (h->quit)
			break;
		pthread_mutex_unlock(&h->mu);
		int ok = EVP_DigestUpdate(h->md, h->p, h->n) == 1;
		int rc = h->job ? h->job(h->job_ctx) : 0;
		pthread_mutex_lock(&h->mu);
		if (!ok)
			h->failed = 1;
		if (rc < 0 && !h->job_rc)
			h->job_rc = rc;
		h->busy = 0;
		pthread_cond_broadcast(&h->cv);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

int hm__hasher_new(hm__hasher **out, EVP_MD_CTX *md)
{
	hm__hasher *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (!h)
		return hm__err_oom();
	h->md = md;
	if (pthread_mutex_init(&h->mu, NULL) != 0) {
		free(h);
		return 0;
	}
	if (pthread_cond_init(&h->cv, NULL) != 0) {
		pthread_mutex_destroy(&h->mu);
		free(h);
		return 0;
	}
	if (pthread_create(&h->thread, NULL, run, h) != 0) {
		pthread_cond_destroy(&h->cv);
		pthread_mutex_destroy(&h->mu);
		free(h);
		return 0; /* not an error: the scan hashes inline */
	}
	*out = h;
	return 0;
}

void hm__hasher_start(hm__hasher *h, const void *p, size_t n, int (*job)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&h->mu);
	h->p = p;
	h->n = n;
	h->job = job;
	h->job_ctx = ctx;
	h->busy = 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

int hm__hasher_wait(hm__hasher *h)
{
	int failed, rc;

	pthread_mutex_lock(&h->mu);
	while (h->busy)
		pthread_cond_wait(&h->cv, &h->mu);
	failed = h->failed;
	rc = h->job_rc;
	h->job_rc = 0;
	pthread_mutex_unlock(&h->mu);
	if (failed)
		return hm__err(HM_ECRYPTO, "SHA-256 failed");
	/* the job's message stayed on the other thread */
	return rc == HM_ENOMEM ? hm__err_oom() : rc < 0 ? hm__err(rc, "screening failed") : 0;
}

void hm__hasher_free(hm__hasher *h)
{
	if (!h)
		return;
	hm__hasher_wait(h);
	pthread_mutex_lock(&h->mu);
	h->quit = 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thread, NULL);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}
