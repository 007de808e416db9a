/*
 * hallmark/hubcache.h: models in the local Hugging Face hub cache
 * (HUB/models--ORG--NAME/{blobs,refs,snapshots/REV}). Only what is on disk
 * is read: nothing is ever downloaded.
 */
#ifndef HALLMARK_HUBCACHE_H
#define HALLMARK_HUBCACHE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * 1 when id reads as a hub id: "NAME" or "ORG/NAME", optionally followed by
 * "@REV"; ORG and NAME are 1 to 96 letters, digits, "-", "_" and ".", not
 * starting or ending with "-" or ".", without "--" or "..", and NAME does
 * not end with ".git"; REV is a ref name (letters, digits, "-", "_", ".",
 * "/" between components, no "..", no component starting with "." or ending
 * with ".lock", at most 255 characters) or a 40-digit commit hash. 0
 * otherwise.
 */
HM_EXTERN int hm_hub_id_valid(const char *id);

/*
 * 0 when id names a hub repository as attestations record it: ORG/NAME or
 * ORG/NAME@REV by the rules of hm_hub_id_valid, with the ORG required.
 * HM_EINVAL naming what is wrong otherwise.
 */
HM_EXTERN int hm_hub_id_check(const char *id);

/*
 * The hub cache directory: cache_dir when not NULL, else $HF_HUB_CACHE, else
 * $HF_HOME/hub, else $HOME/.cache/huggingface/hub. *out: malloc'd path;
 * *from (may be NULL): where it came from ("--hub-cache", "HF_HUB_CACHE",
 * "HF_HOME", "HOME"), a static string. HM_ENOTFOUND when none can be told
 * (no HOME either). Free *out with hm_free().
 */
HM_EXTERN int hm_hub_cache_dir(char **out, const char **from, const char *cache_dir);

/*
 * Resolves a hub id to its snapshot directory in the cache:
 * CACHE/models--ORG--NAME/snapshots/HASH, where HASH is REV when REV is a
 * 40-digit commit hash, else the hash in CACHE/models--ORG--NAME/refs/REV
 * (REV "main" when absent). The snapshot must exist as a directory.
 * HM_EINVAL when id is not a hub id; HM_ENOTFOUND naming the directory or
 * ref that was looked for (and where the cache directory came from) when it
 * is not there; HM_EFORMAT when a ref does not hold a commit hash.
 * *out: malloc'd path; free with hm_free(). Reads only; never downloads.
 */
HM_EXTERN int hm_hub_resolve(char **out, const char *id, const char *cache_dir);

#ifdef __cplusplus
}
#endif
#endif
