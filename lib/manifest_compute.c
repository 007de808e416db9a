/*
 * Computing a model manifest (FORMATS §3): the walk (manifest_walk.c), the
 * component-wise sort, the hashing (hashpool.c, or the shards of
 * manifest_shard.c) and the root digest.
 */
#include "hashcache.h"
#include "manifest_walk.h"

#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp_files(const void *a, const void *b)
{
	return hm__path_cmp(((const hm__hashfile *)a)->name, ((const hm__hashfile *)b)->name);
}

static int cmp_uncovered(const void *a, const void *b)
{
	return hm__path_cmp(((const struct hm__uncovered *)a)->name,
			    ((const struct hm__uncovered *)b)->name);
}

/* The subject name: last component of the path as given; "." and ".." resolved. */
static char *model_name(const char *display_root, const char *realroot)
{
	const char *s = strrchr(display_root, '/');
	const char *base = s ? s + 1 : display_root;

	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		s = strrchr(realroot, '/');
		base = s && s[1] ? s + 1 : realroot;
	}
	return strdup(base);
}

static void free_files(hm__hashfile *f, size_t n)
{
	size_t i;

	for (i = 0; f && i < n; i++) {
		free(f->name);
		free(f->target);
		f++;
	}
}

int hm__digest_options_get(hm_digest_options *out, const hm_digest_options *in)
{
	hm_digest_options defaults = HM_DIGEST_OPTIONS_INIT;

	*out = defaults;
	if (!in)
		return 0;
	if (in->version == 1 || in->version == 2) {
		/* version 1 ends before cache, version 2 before shard_size */
		memcpy(out, in, in->version == 1 ? offsetof(hm_digest_options, cache)
						 : offsetof(hm_digest_options, shard_size));
		out->version = HM_DIGEST_OPTIONS_VERSION;
		return 0;
	}
	HM__CHECK_VERSION(in, HM_DIGEST_OPTIONS_VERSION, "hm_digest_options");
	*out = *in;
	return 0;
}

int hm_manifest_compute(hm_manifest **out, const char *path, const hm_digest_options *opts)
{
	return hm__manifest_compute_with(out, path, opts, NULL, NULL);
}

int hm__manifest_compute_with(hm_manifest **out, const char *path, const hm_digest_options *opts,
			      hm__manifest_hook hook, void *hook_ctx)
{
	hm_digest_options od;
	const hm_digest_options *o = &od;
	struct hm__hashcache_run *cache = NULL;
	struct walk w;
	hm__hashpool_opts po;
	hm_manifest *m = NULL;
	char *display = NULL, *realroot = NULL, *hubrepo = NULL;
	size_t dl;
	struct stat st;
	int rc = 0, rootfd = -1, streamed = 0, hrc = 0;

	if (!out)
		return hm__err(HM_EINVAL, "hm_manifest_compute: out is NULL");
	*out = NULL;
	if (!path || !*path)
		return hm__err(HM_EINVAL, "hm_manifest_compute: no path given");
	if ((rc = hm__digest_options_get(&od, opts)) < 0)
		return rc;
	memset(&w, 0, sizeof(w));

	m = calloc(1, sizeof(*m));
	display = strdup(path);
	if (!m || !display) {
		rc = hm__err_oom();
		goto done;
	}
	dl = strlen(display);
	while (dl > 1 && display[dl - 1] == '/')
		display[--dl] = '\0';
	m->allow_symlinks = o->allow_symlinks != 0;
	if ((rc = hm__path_build_ignores(&m->ignores, &m->nignores, o)) < 0)
		goto done;

	realroot = realpath(path, NULL);
	if (!realroot) {
		int e = errno;
		rc = hm__err(e == ENOENT || e == ENOTDIR ? HM_ENOTFOUND : HM_EIO, "%s: %s", display,
			     strerror(e));
		goto done;
	}
	if (!(m->name = model_name(display, realroot))) {
		rc = hm__err_oom();
		goto done;
	}
	if (stat(realroot, &st) < 0) {
		rc = hm__err(HM_EIO, "%s: %s", display, strerror(errno));
		goto done;
	}
	if (S_ISDIR(st.st_mode) && (rc = hm__hub_snapshot_repo(&hubrepo, realroot)) < 0)
		goto done;
	rc = 0;
	w.display_root = display;
	w.realroot = realroot;
	w.hubrepo = hubrepo;
	w.allow_symlinks = m->allow_symlinks;
	w.ignores = m->ignores;
	w.nignores = m->nignores;
	memset(&po, 0, sizeof(po));
	po.rootfd = -1;
	po.display_root = display;
	po.jobs = o->jobs;
	po.progress = o->progress;
	po.payload = o->progress_payload;
	if (S_ISREG(st.st_mode)) {
		/* A single-file model: one resource named ".", ignores do not apply. */
		if (hm__buf_puts(&w.rel, ".") < 0 || hm__walk_add_file(&w, realroot, &st) < 0) {
			rc = hm_error_last_code();
			goto done;
		}
	} else if (S_ISDIR(st.st_mode)) {
		struct stat st2;

		rootfd = open(realroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0) {
			rc = hm__err(HM_EIO, "%s: cannot open directory: %s", display, strerror(errno));
			goto done;
		}
		if (fstat(rootfd, &st2) < 0 || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino) {
			rc = hm__err(HM_EIO, "%s: was replaced while it was opened", display);
			goto done;
		}
		if (hm__buf_puts(&w.rel, "") < 0) {
			rc = HM_ENOMEM;
			goto done;
		}
		/*
		 * With a spare CPU, and nothing that needs every file listed
		 * before the first is hashed (shards, the digest cache, a file
		 * scan), hashing starts while the walk goes on.
		 */
		po.rootfd = rootfd;
		if (!o->shard_size && !o->cache && !hook && hm__hashpool_jobs(o->jobs, SIZE_MAX) > 1)
			w.stream_opts = &po;
		rc = hm__walk_tree(&w, rootfd, &st2);
		if (w.stream) { /* a walk error comes first, as when hashing starts after it */
			streamed = 1;
			hrc = hm__hashstream_finish(w.stream, rc);
			w.stream = NULL;
		}
		if (rc < 0)
			goto done;
		if (w.n == 0) {
			rc = hm__err(HM_ENOTFOUND,
				     "%s: no files to hash: the directory is empty or everything in "
				     "it is ignored",
				     display);
			goto done;
		}
	} else {
		rc = hm__walk_special_file(display, st.st_mode);
		goto done;
	}

	qsort(w.files, w.n, sizeof(*w.files), cmp_files);
	if (streamed) {
		rc = hrc;
		goto hashed;
	}
	if (o->shard_size) {
		/* byte ranges, not whole files: neither the digest cache nor a hook applies */
		if (hook) {
			rc = hm__err(HM_EINVAL, "%s: shards cannot be combined with a file scan", display);
			goto done;
		}
		m->shard_size = o->shard_size;
		if ((rc = hm__manifest_shards(m, w.files, w.n, &po, o->stats)) < 0)
			goto done;
		goto listed;
	}
	if ((rc = hm__hashcache_open(&cache, realroot, o)) < 0)
		goto done;
	hm__hashcache_apply(cache, w.files, w.n, o->stats);
	if (hook && (rc = hook(hook_ctx, m, rootfd, display, w.files, w.n, o->stats)) < 0)
		goto done;
	rc = hm__hashpool_run(w.files, w.n, &po);
hashed:
	if (o->stats) {
		size_t i;

		for (i = 0; i < w.n; i++)
			o->stats->files_hashed += !w.files[i].cached;
		o->stats->bytes_hashed += po.hashed;
	}
	if (rc < 0 || (rc = hm__hashcache_record(cache, w.files, w.n)) < 0 ||
	    (rc = hm__manifest_finish(m, w.files, w.n)) < 0)
		goto done;
	m->cache = cache; /* for hm__manifest_cache_save */
	cache = NULL;
listed:
	if (w.nunc)
		qsort(w.unc, w.nunc, sizeof(*w.unc), cmp_uncovered);
	m->unc = w.unc;
	m->nunc = w.nunc;
	w.unc = NULL;
	w.nunc = 0;
done:
	hm__hashcache_run_free(cache);
	if (rootfd >= 0)
		close(rootfd);
	free_files(w.files, w.n);
	free(w.files);
	hm__uncovered_free(w.unc, w.nunc);
	free(w.stack);
	hm__buf_free(&w.rel);
	free(realroot);
	free(hubrepo);
	free(display);
	if (rc < 0) {
		hm_manifest_free(m);
		return rc;
	}
	*out = m;
	return 0;
}
