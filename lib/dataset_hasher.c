/*
 * The file digest of a dataset scan, computed on a second thread while the
 * scan splits and checks the same chunk: the scan hands a chunk over, works
 * on it, and waits for the digest to have taken it before the caller may
 * reuse the buffer. Where no thread can be started the scan hashes inline.
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
	int busy, quit, failed;
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
		pthread_mutex_lock(&h->mu);
		if (!ok)
			h->failed = 1;
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

void hm__hasher_start(hm__hasher *h, const void *p, size_t n)
{
	pthread_mutex_lock(&h->mu);
	h->p = p;
	h->n = n;
	h->busy = 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

int hm__hasher_wait(hm__hasher *h)
{
	int failed;

	pthread_mutex_lock(&h->mu);
	while (h->busy)
		pthread_cond_wait(&h->cv, &h->mu);
	failed = h->failed;
	pthread_mutex_unlock(&h->mu);
	return failed ? hm__err(HM_ECRYPTO, "SHA-256 failed") : 0;
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
