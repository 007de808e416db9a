/*
 * Git provenance of a path: the work tree around it (found with libgit2,
 * searching upwards, ignoring GIT_DIR and friends so the environment cannot
 * point us at another repository), its remote without credentials, HEAD, and
 * whether anything is uncommitted.
 */
#include "gitinfo_impl.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static pthread_once_t git_once = PTHREAD_ONCE_INIT;
static int git_init_rc;

static void git_init(void)
{
	git_init_rc = git_libgit2_init() < 0 ? -1 : 0;
}

int hm__git_err(int code, const char *what)
{
	const git_error *e = git_error_last();

	return hm__err(code, "%s: %s", what, e && e->message ? e->message : "libgit2 failed");
}

int hm_url_strip_credentials(char **out, const char *url)
{
	const char *sep = strstr(url, "://"), *auth, *end, *at;
	size_t scheme;

	*out = NULL;
	if (!sep)
		goto copy;
	scheme = (size_t)(sep - url);
	auth = sep + 3;
	end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (const char *p = auth; p < end; p++) /* the last '@' ends the userinfo */
		if (*p == '@')
			at = p;
	if (!at)
		goto copy;
	/* ssh users are names, not secrets (git@host); a password is always stripped. */
	if (((scheme == 3 && strncasecmp(url, "ssh", 3) == 0) ||
	     (scheme == 7 && (strncasecmp(url, "git+ssh", 7) == 0 ||
			      strncasecmp(url, "ssh+git", 7) == 0))) &&
	    !memchr(auth, ':', (size_t)(at - auth)))
		goto copy;
	if (!(*out = malloc(strlen(url) + 1)))
		return hm__err_oom();
	memcpy(*out, url, (size_t)(auth - url));
	strcpy(*out + (auth - url), at + 1);
	return 0;
copy:
	*out = strdup(url);
	return *out ? 0 : hm__err_oom();
}

int hm__git_open(git_repository **repo, char **workdir, char **rel, const char *path)
{
	char real[PATH_MAX], wd[PATH_MAX], *start = NULL, *slash;
	const char *w;
	struct stat st;
	size_t n;
	int rc;

	*repo = NULL;
	*workdir = *rel = NULL;
	pthread_once(&git_once, git_init);
	if (git_init_rc < 0)
		return hm__err(HM_ERROR, "libgit2 failed to initialise");
	if (!realpath(path, real))
		return hm__err(errno == ENOENT ? HM_ENOTFOUND : HM_EIO, "%s: %s", path,
			       strerror(errno));
	if (stat(real, &st) < 0)
		return hm__err(HM_EIO, "%s: %s", path, strerror(errno));
	if (!(start = strdup(real)))
		return hm__err_oom();
	if (!S_ISDIR(st.st_mode)) { /* a file: start from its directory */
		slash = strrchr(start, '/');
		if (slash == start)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
	}
	/* flags 0: search upwards, stay on this filesystem, no GIT_DIR & co. */
	rc = git_repository_open_ext(repo, start, 0, NULL);
	free(start);
	if (rc == GIT_ENOTFOUND) {
		git_error_clear();
		return hm__err(HM_ENOTFOUND, "%s is not in a git work tree", path);
	}
	if (rc < 0)
		return hm__git_err(HM_ERROR, path);
	w = git_repository_workdir(*repo);
	if (!w || !realpath(w, wd)) {
		git_repository_free(*repo);
		*repo = NULL;
		return hm__err(HM_ENOTFOUND, "%s is in a git repository without a work tree", path);
	}
	n = strlen(wd);
	if (strcmp(wd, "/") == 0)
		n = 0;
	if (strncmp(real, wd, n) != 0 || (real[n] != '/' && real[n] != '\0')) {
		git_repository_free(*repo);
		*repo = NULL;
		return hm__err(HM_ENOTFOUND, "%s is not inside the work tree %s", path, wd);
	}
	*workdir = strdup(wd);
	*rel = strdup(real[n] == '/' ? real + n + 1 : real + n);
	if (!*workdir || !*rel) {
		free(*workdir);
		free(*rel);
		*workdir = *rel = NULL;
		git_repository_free(*repo);
		*repo = NULL;
		return hm__err_oom();
	}
	return 0;
}

/*
 * The URL is read from the configuration as written (url.*.insteadOf rewrites
 * are the local user's, not the repository's). The config is walked by hand:
 * git_remote_lookup and git_remote_list match keys with libgit2's regex
 * wrapper, which leaks its match data with the PCRE2 build of libgit2 1.5.
 */
int hm__git_remote(char **name, char **url, git_repository *repo)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	char *best = NULL, *best_url = NULL;
	int rc = 0, origin = 0;

	*name = *url = NULL;
	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return hm__git_err(HM_ERROR, "reading the git configuration");
	if (git_config_iterator_new(&it, cfg) < 0) {
		git_config_free(cfg);
		return hm__git_err(HM_ERROR, "reading the git configuration");
	}
	/* "origin" if there is one, else the remote whose name sorts first */
	while (!origin && rc == 0 && git_config_next(&e, it) == 0) {
		size_t n = strlen(e->name);
		char *r;

		if (n <= 11 || strncmp(e->name, "remote.", 7) != 0 ||
		    strcmp(e->name + n - 4, ".url") != 0 || !e->value)
			continue;
		if (!(r = strndup(e->name + 7, n - 11))) {
			rc = hm__err_oom();
			break;
		}
		origin = strcmp(r, "origin") == 0;
		if (origin || !best || strcmp(r, best) < 0) {
			free(best);
			free(best_url);
			best = r;
			if (!(best_url = strdup(e->value)))
				rc = hm__err_oom();
		} else {
			free(r);
		}
	}
	git_config_iterator_free(it);
	git_config_free(cfg);
	if (rc == 0 && best_url)
		rc = hm_url_strip_credentials(url, best_url);
	if (rc == 0) {
		*name = best;
		best = NULL;
	}
	free(best);
	free(best_url);
	return rc;
}

int hm__git_head(char **commit, char **branch, git_repository *repo)
{
	git_reference *head = NULL;
	const git_oid *id;
	char hex[GIT_OID_HEXSZ + 1];
	int rc;

	*commit = *branch = NULL;
	rc = git_repository_head(&head, repo);
	if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (rc < 0)
		return hm__git_err(HM_ERROR, "reading HEAD");
	id = git_reference_target(head);
	if (!id) {
		git_reference_free(head);
		return hm__err(HM_ERROR, "HEAD does not point at a commit");
	}
	git_oid_tostr(hex, sizeof(hex), id);
	*commit = strdup(hex);
	if (*commit && git_reference_is_branch(head)) {
		*branch = strdup(git_reference_shorthand(head));
		if (!*branch) {
			free(*commit);
			*commit = NULL;
		}
	}
	git_reference_free(head);
	return *commit ? 0 : hm__err_oom();
}

/* Stops the status walk at the first change. */
static int any_change(const char *path, unsigned int flags, void *payload)
{
	(void)path;
	if (flags == GIT_STATUS_CURRENT || (flags & GIT_STATUS_IGNORED))
		return 0;
	*(int *)payload = 1;
	return 1;
}

static int is_dirty(int *dirty, git_repository *repo)
{
	git_status_options so;
	int rc;

	*dirty = 0;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	/* any_change returns 1 to stop early, which comes back as rc 1 */
	rc = git_status_foreach_ext(repo, &so, any_change, dirty);
	if (rc < 0)
		return hm__git_err(HM_ERROR, "git status");
	return 0;
}

int hm_git_info_get(hm_git_info **out, const char *path)
{
	git_repository *repo = NULL;
	hm_git_info *gi;
	int rc;

	*out = NULL;
	if (!(gi = calloc(1, sizeof(*gi))))
		return hm__err_oom();
	if ((rc = hm__git_open(&repo, &gi->workdir, &gi->path, path)) < 0 ||
	    (rc = hm__git_remote(&gi->remote_name, &gi->remote_url, repo)) < 0 ||
	    (rc = hm__git_head(&gi->commit, &gi->branch, repo)) < 0 ||
	    (rc = is_dirty(&gi->dirty, repo)) < 0) {
		git_repository_free(repo);
		hm_git_info_free(gi);
		return rc;
	}
	git_repository_free(repo);
	*out = gi;
	return 0;
}

void hm_git_info_free(hm_git_info *gi)
{
	if (!gi)
		return;
	free(gi->workdir);
	free(gi->path);
	free(gi->remote_name);
	free(gi->remote_url);
	free(gi->commit);
	free(gi->branch);
	free(gi);
}
