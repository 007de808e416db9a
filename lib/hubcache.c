/*
 * The local Hugging Face hub cache: hub ids (hubid.c) resolved to snapshot
 * directories (hm_hub_resolve), and telling whether a model root is such a
 * snapshot, whose files are symbolic links into the repository's blobs/
 * (hm__hub_snapshot_repo, used by the manifest walk). Reads only.
 */
#include "manifest_impl.h"
#include "hallmark/hubcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int hm_hub_cache_dir(char **out, const char **from, const char *cache_dir)
{
	const char *e, *src;
	hm_buf b = HM_BUF_INIT;

	*out = NULL;
	if (cache_dir && *cache_dir) {
		src = "--hub-cache";
		if (hm__buf_puts(&b, cache_dir) < 0)
			return HM_ENOMEM;
	} else if ((e = getenv("HF_HUB_CACHE")) && *e) {
		src = "HF_HUB_CACHE";
		if (hm__buf_puts(&b, e) < 0)
			return HM_ENOMEM;
	} else if ((e = getenv("HF_HOME")) && *e) {
		src = "HF_HOME";
		if (hm__buf_printf(&b, "%s/hub", e) < 0)
			return HM_ENOMEM;
	} else if ((e = getenv("HOME")) && *e) {
		src = "HOME";
		if (hm__buf_printf(&b, "%s/.cache/huggingface/hub", e) < 0)
			return HM_ENOMEM;
	} else {
		return hm__err(HM_ENOTFOUND, "no hub cache: none of HF_HUB_CACHE, HF_HOME and HOME "
			       "is set");
	}
	if (from)
		*from = src;
	*out = hm__buf_detach(&b, NULL);
	return 0;
}

/* The 40-digit commit hash a ref file holds (a trailing newline allowed). */
static int read_ref(char hash[41], const char *path, const char *id)
{
	char *text = NULL;
	size_t len;
	int rc;

	if ((rc = hm__read_file(&text, &len, path, 4096)) < 0) {
		if (rc == HM_ENOTFOUND)
			return hm__err(HM_ENOTFOUND, "%s: not in the local hub cache: no ref %s "
				       "(nothing is downloaded)", id, path);
		return rc;
	}
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	text[len] = '\0';
	if (len != 40 || !hm__is_lower_hex(text, 40)) {
		free(text);
		return hm__err(HM_EFORMAT, "%s: does not hold a commit hash", path);
	}
	memcpy(hash, text, 40);
	hash[40] = '\0';
	free(text);
	return 0;
}

int hm_hub_resolve(char **out, const char *id, const char *cache_dir)
{
	const char *at, *rev, *from = NULL;
	char *cache = NULL, hash[41];
	hm_buf repo = HM_BUF_INIT, snap = HM_BUF_INIT, ref = HM_BUF_INIT;
	struct stat st;
	size_t n, i;
	int rc;

	*out = NULL;
	if (!hm_hub_id_valid(id))
		return hm__err(HM_EINVAL, "\"%s\" is not a hub id (ORG/NAME or ORG/NAME@REVISION)",
			       id ? id : "(null)");
	if ((rc = hm_hub_cache_dir(&cache, &from, cache_dir)) < 0)
		return rc;
	at = strchr(id, '@');
	rev = at ? at + 1 : "main";
	n = at ? (size_t)(at - id) : strlen(id);
	/* models--ORG--NAME: the id's "/" becomes "--" */
	rc = hm__buf_printf(&repo, "%s/models--", cache);
	for (i = 0; rc >= 0 && i < n; i++)
		rc = id[i] == '/' ? hm__buf_put(&repo, "--", 2) : hm__buf_put(&repo, id + i, 1);
	if (rc < 0) {
		rc = HM_ENOMEM;
		goto out;
	}
	if (stat(repo.data, &st) < 0 || !S_ISDIR(st.st_mode)) {
		rc = hm__err(HM_ENOTFOUND, "%s: not in the local hub cache: no %s (the cache from "
			     "%s; nothing is downloaded)", id, repo.data, from);
		goto out;
	}
	if (strlen(rev) == 40 && hm__is_lower_hex(rev, 40)) {
		memcpy(hash, rev, 41);
	} else {
		if (hm__buf_printf(&ref, "%s/refs/%s", repo.data, rev) < 0) {
			rc = HM_ENOMEM;
			goto out;
		}
		if ((rc = read_ref(hash, ref.data, id)) < 0)
			goto out;
	}
	if (hm__buf_printf(&snap, "%s/snapshots/%s", repo.data, hash) < 0) {
		rc = HM_ENOMEM;
		goto out;
	}
	if (stat(snap.data, &st) < 0 || !S_ISDIR(st.st_mode)) {
		rc = hm__err(HM_ENOTFOUND, "%s: not in the local hub cache: no snapshot %s (the "
			     "cache from %s; nothing is downloaded)", id, snap.data, from);
		goto out;
	}
	*out = hm__buf_detach(&snap, NULL);
	rc = 0;
out:
	free(cache);
	hm__buf_free(&repo);
	hm__buf_free(&snap);
	hm__buf_free(&ref);
	return rc;
}

int hm__hub_snapshot_repo(char **repo, const char *realroot)
{
	char *r = strdup(realroot), *s, *base;
	hm_buf b = HM_BUF_INIT;
	struct stat st;
	int ok;

	*repo = NULL;
	if (!r)
		return hm__err_oom();
	/* realroot = REPO/snapshots/REV, REPO's name starting "models--" */
	s = strrchr(r, '/');
	if (!s || s == r)
		goto no;
	*s = '\0';
	s = strrchr(r, '/');
	if (!s || strcmp(s + 1, "snapshots") != 0 || s == r)
		goto no;
	*s = '\0';
	base = strrchr(r, '/');
	if (!base || strncmp(base + 1, "models--", 8) != 0 || !base[9])
		goto no;
	ok = hm__buf_printf(&b, "%s/blobs", r) >= 0 && stat(b.data, &st) == 0 && S_ISDIR(st.st_mode);
	b.len = 0;
	ok = ok && hm__buf_printf(&b, "%s/refs", r) >= 0 && stat(b.data, &st) == 0 &&
	     S_ISDIR(st.st_mode);
	hm__buf_free(&b);
	if (!ok)
		goto no;
	*repo = r;
	return 1;
no:
	free(r);
	return 0;
}
