/*
 * The manifest object: its root digest over the hashed files, its accessors
 * and its release. Filling one is manifest_walk.c.
 */
#include "hashcache.h"
#include "hashpool.h"
#include "manifest_impl.h"

#include <stdlib.h>

#include <openssl/evp.h>

int hm__manifest_finish(hm_manifest *m, hm__hashfile *files, size_t n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char root[32];
	unsigned int len = 0;
	size_t i;

	m->res = calloc(n, sizeof(*m->res));
	if (!ctx || !m->res) {
		EVP_MD_CTX_free(ctx);
		return hm__err_oom();
	}
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return hm__err(HM_ECRYPTO, "SHA-256 initialisation failed");
	}
	for (i = 0; i < n; i++) {
		m->res[i].name = files[i].name; /* moved */
		files[i].name = NULL;
		hm__hex_encode(m->res[i].hex, files[i].digest, 32);
		m->res[i].size = files[i].size;
		m->total += files[i].size;
		EVP_DigestUpdate(ctx, files[i].digest, 32);
	}
	m->n = n;
	if (EVP_DigestFinal_ex(ctx, root, &len) != 1 || len != 32) {
		EVP_MD_CTX_free(ctx);
		return hm__err(HM_ECRYPTO, "SHA-256 finalisation failed");
	}
	EVP_MD_CTX_free(ctx);
	hm__hex_encode(m->root, root, 32);
	return 0;
}

void hm__uncovered_free(struct hm__uncovered *u, size_t n)
{
	size_t i;

	for (i = 0; u && i < n; i++)
		free(u[i].name);
	free(u);
}

void hm_manifest_free(hm_manifest *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++)
		free(m->res[i].name);
	free(m->res);
	free(m->name);
	hm__strv_free(m->ignores, m->nignores);
	hm__uncovered_free(m->unc, m->nunc);
	hm__hashcache_run_free(m->cache);
	free(m);
}

/* ---- accessors ---- */

const char *hm_manifest_name(const hm_manifest *m)
{
	return m ? m->name : NULL;
}

uint64_t hm_manifest_shard_size(const hm_manifest *m)
{
	return m ? m->shard_size : 0;
}

const char *hm_manifest_root(const hm_manifest *m)
{
	return m ? m->root : NULL;
}

size_t hm_manifest_count(const hm_manifest *m)
{
	return m ? m->n : 0;
}

const char *hm_manifest_resource_name(const hm_manifest *m, size_t i)
{
	return m && i < m->n ? m->res[i].name : NULL;
}

const char *hm_manifest_resource_digest(const hm_manifest *m, size_t i)
{
	return m && i < m->n ? m->res[i].hex : NULL;
}

uint64_t hm_manifest_resource_size(const hm_manifest *m, size_t i)
{
	return m && i < m->n ? m->res[i].size : 0;
}

uint64_t hm_manifest_total_bytes(const hm_manifest *m)
{
	return m ? m->total : 0;
}

size_t hm_manifest_uncovered_count(const hm_manifest *m)
{
	return m ? m->nunc : 0;
}

const char *hm_manifest_uncovered(const hm_manifest *m, size_t i, uint64_t *size,
				  hm_uncovered_kind *why)
{
	if (!m || i >= m->nunc)
		return NULL;
	if (size)
		*size = m->unc[i].size;
	if (why)
		*why = m->unc[i].kind;
	return m->unc[i].name;
}
