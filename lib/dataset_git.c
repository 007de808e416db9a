/*
 * The "git" member of a dataset predicate: when the dataset lies in a git
 * work tree, its remote, HEAD, its path in the repository, and for each file
 * the blob HEAD records and whether the file is committed unmodified.
 * One status walk over the dataset's directory serves all files. A file
 * stored with Git LFS counts as committed when the pointer in HEAD names the
 * SHA-256 and size the manifest measured.
 */
#include "dataset_impl.h"
#include "gitinfo_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct change {
	char *path;
	unsigned int flags;
} change;

typedef struct walk {
	const char *prefix; /* the dataset's path in the repository, "" for the top */
	size_t plen;
	change *v;
	size_t n, cap;
	int oom;
} walk;

static int collect(const char *path, unsigned int flags, void *payload)
{
	walk *w = payload;

	if (w->plen && (strncmp(path, w->prefix, w->plen) != 0 ||
			(path[w->plen] != '/' && path[w->plen] != '\0')))
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		change *v = realloc(w->v, cap * sizeof(*v));
		if (!v) {
			w->oom = 1;
			return -1;
		}
		w->v = v;
		w->cap = cap;
	}
	if (!(w->v[w->n].path = strdup(path))) {
		w->oom = 1;
		return -1;
	}
	w->v[w->n++].flags = flags;
	return 0;
}

static int cmp_change(const void *a, const void *b)
{
	return strcmp(((const change *)a)->path, ((const change *)b)->path);
}

/*
 * Every non-current status under the dataset's path, sorted by path. A status
 * libgit2 cannot take (e.g. directories nested deeper than it walks) is
 * unreadable input: HM_EIO naming the dataset.
 */
static int changes(walk *w, git_repository *repo, const char *path)
{
	git_status_options so;
	char *spec = (char *)w->prefix;
	int rc;

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	/* A pathspec only narrows the walk; collect() filters exactly. Glob characters in the
	 * path could make it narrow too much, so then the whole tree is walked. */
	if (w->plen && !strpbrk(w->prefix, "*?[\\")) {
		so.pathspec.strings = &spec;
		so.pathspec.count = 1;
	}
	rc = git_status_foreach_ext(repo, &so, collect, w);
	if (w->oom)
		return hm__err_oom();
	if (rc < 0) {
		char what[1024];

		snprintf(what, sizeof(what), "%s: git status of the dataset's files", path);
		return hm__git_err(HM_EIO, what);
	}
	if (w->n)
		qsort(w->v, w->n, sizeof(*w->v), cmp_change);
	return 0;
}

/* The SHA-256 and size of a Git LFS pointer blob; 0 when the blob is not one. */
static int lfs_pointer(git_repository *repo, const git_oid *id, char sha[65], uint64_t *size)
{
	static const char magic[] = "version https://git-lfs.github.com/spec/v1\n";
	git_blob *b;
	const char *p, *o, *s;
	size_t n;
	int ok = 0;

	if (git_blob_lookup(&b, repo, id) < 0) {
		git_error_clear();
		return 0;
	}
	p = git_blob_rawcontent(b);
	n = (size_t)git_blob_rawsize(b);
	if (n < 1024 && n > sizeof(magic) - 1 && memcmp(p, magic, sizeof(magic) - 1) == 0) {
		char text[1024];
		memcpy(text, p, n);
		text[n] = '\0';
		o = strstr(text, "\noid sha256:");
		s = strstr(text, "\nsize ");
		if (o && s && strnlen(o + 12, 65) >= 64 && (o[76] == '\n' || o[76] == '\0')) {
			memcpy(sha, o + 12, 64);
			sha[64] = '\0';
			*size = strtoull(s + 6, NULL, 10);
			ok = hm__is_lower_hex(sha, 64);
		}
	}
	git_blob_free(b);
	return ok;
}

/* The entry of one file: {"name", "blob", "status"[, "lfs"]}; *committed cleared unless so. */
static json_t *file_entry(git_repository *repo, git_tree *tree, const walk *w,
			  const hm_manifest *m, size_t i, const char *rpath, int *committed)
{
	const char *status;
	git_tree_entry *e = NULL;
	json_t *o = json_object();
	change key, *c;
	char hex[GIT_OID_HEXSZ + 1], lfs_sha[65];
	uint64_t lfs_size;
	int lfs = 0;

	if (!o)
		return NULL;
	if (tree && git_tree_entry_bypath(&e, tree, rpath) == 0 &&
	    git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		git_tree_entry_free(e);
		e = NULL;
	}
	git_error_clear();
	key.path = (char *)rpath;
	c = w->n ? bsearch(&key, w->v, w->n, sizeof(*w->v), cmp_change) : NULL;
	if (e && lfs_pointer(repo, git_tree_entry_id(e), lfs_sha, &lfs_size)) {
		lfs = 1;
		status = strcmp(lfs_sha, hm_manifest_resource_digest(m, i)) == 0 &&
				 lfs_size == hm_manifest_resource_size(m, i)
			 ? "committed"
			 : "modified";
	} else if (!c) {
		/* not reported: unchanged when HEAD has it, otherwise ignored */
		status = e ? "committed" : "ignored";
	} else if (c->flags & GIT_STATUS_WT_NEW) {
		status = "untracked";
	} else if ((c->flags & GIT_STATUS_INDEX_NEW) && !e) {
		status = "added";
	} else {
		status = "modified";
	}
	if (strcmp(status, "committed") != 0)
		*committed = 0;
	json_object_set_new(o, "name", json_string(hm_manifest_resource_name(m, i)));
	if (e) {
		git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(e));
		json_object_set_new(o, "blob", json_string(hex));
	} else {
		json_object_set_new(o, "blob", json_null());
	}
	json_object_set_new(o, "status", json_string(status));
	if (lfs)
		json_object_set_new(o, "lfs", json_true());
	git_tree_entry_free(e);
	return o;
}

int hm__dataset_git_json(json_t **out, const char *path, const hm_manifest *m)
{
	git_repository *repo = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	char *workdir = NULL, *rel = NULL, *rname = NULL, *url = NULL, *head = NULL, *branch = NULL;
	json_t *o = NULL, *files = NULL;
	walk w = { NULL, 0, NULL, 0, 0, 0 };
	hm_buf rpath = HM_BUF_INIT;
	int rc, committed;
	size_t i;

	*out = NULL;
	rc = hm__git_open(&repo, &workdir, &rel, path);
	if (rc == HM_ENOTFOUND) {
		hm_error_clear();
		return 0;
	}
	if (rc < 0)
		return rc;
	if ((rc = hm__git_remote(&rname, &url, repo)) < 0 ||
	    (rc = hm__git_head(&head, &branch, repo)) < 0)
		goto out;
	if (head) {
		git_oid id;
		if (git_oid_fromstr(&id, head) < 0 || git_commit_lookup(&commit, repo, &id) < 0 ||
		    git_commit_tree(&tree, commit) < 0) {
			rc = hm__git_err(HM_ERROR, "reading the HEAD commit");
			goto out;
		}
	}
	w.prefix = rel;
	w.plen = strlen(rel);
	if ((rc = changes(&w, repo, path)) < 0)
		goto out;
	o = json_object();
	files = json_array();
	if (!o || !files) {
		rc = hm__err_oom();
		goto out;
	}
	committed = head != NULL;
	for (i = 0; i < hm_manifest_count(m); i++) {
		const char *name = hm_manifest_resource_name(m, i);
		json_t *f;

		rpath.len = 0;
		if (strcmp(name, ".") == 0) /* a single-file dataset */
			rc = hm__buf_puts(&rpath, rel);
		else
			rc = hm__buf_printf(&rpath, "%s%s%s", rel, *rel ? "/" : "", name);
		if (rc < 0)
			goto out;
		if (!(f = file_entry(repo, tree, &w, m, i, rpath.data, &committed))) {
			rc = hm__err_oom();
			goto out;
		}
		json_array_append_new(files, f);
	}
	json_object_set_new(o, "remote", url ? json_string(url) : json_null());
	json_object_set_new(o, "commit", head ? json_string(head) : json_null());
	json_object_set_new(o, "path", json_string(rel));
	json_object_set_new(o, "committed", json_boolean(committed));
	json_object_set_new(o, "files", files);
	files = NULL;
	*out = o;
	o = NULL;
	rc = 0;
out:
	for (i = 0; i < w.n; i++)
		free(w.v[i].path);
	free(w.v);
	hm__buf_free(&rpath);
	json_decref(o);
	json_decref(files);
	git_tree_free(tree);
	git_commit_free(commit);
	git_repository_free(repo);
	free(workdir);
	free(rel);
	free(rname);
	free(url);
	free(head);
	free(branch);
	return rc;
}
