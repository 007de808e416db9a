/*
 * Model manifests as the OMS v1.0 "files" serialization (FORMATS §3): the walk
 * that lists every regular file under a root, the component-wise sort, the
 * root digest, the predicate and statement JSON, and the comparison with a
 * signed predicate. Hashing itself is hashpool.c.
 */
#include "hashpool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

static const char *const default_ignores[] = { ".git", ".gitattributes", ".github",
					       ".gitignore" };
#define NDEFAULT_IGNORES (sizeof(default_ignores) / sizeof(default_ignores[0]))

struct resource {
	char *name;
	char hex[65];
	uint64_t size;
};

struct hm_manifest {
	char *name;
	char root[65];
	struct resource *res;
	size_t n;
	uint64_t total;
	int allow_symlinks;
	char **ignores; /* recorded in the predicate: normalized, sorted, unique */
	size_t nignores;
};

/* ---- paths ---- */

/*
 * Compares two relative POSIX paths component by component, bytes unsigned:
 * the end of a component sorts before any byte, so "a/b" < "a-b/c" and
 * "a/x" < "ab". This is the reference implementation's PurePosixPath order.
 */
static int cmp_components(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	unsigned int cx, cy;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	cx = *x == '\0' ? 0 : *x == '/' ? 1 : (unsigned int)*x + 1;
	cy = *y == '\0' ? 0 : *y == '/' ? 1 : (unsigned int)*y + 1;
	return cx < cy ? -1 : cx > cy;
}

/*
 * Normalizes a path relative to the root: empty and "." components dropped.
 * 0 and a malloc'd string; HM_EINVAL (message set) when absolute, with a ".."
 * component, or naming the root itself.
 */
static int normalize_rel(char **out, const char *in, const char *what)
{
	hm_buf b = HM_BUF_INIT;
	const char *p = in, *q;
	size_t len;

	*out = NULL;
	if (in[0] == '/')
		return hm__err(HM_EINVAL, "%s \"%s\": must be relative to the model root", what, in);
	while (*p) {
		q = strchr(p, '/');
		len = q ? (size_t)(q - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			hm__buf_free(&b);
			return hm__err(HM_EINVAL, "%s \"%s\": \"..\" components are not allowed", what,
				       in);
		}
		if (len && !(len == 1 && p[0] == '.')) {
			if ((b.len && hm__buf_put(&b, "/", 1) < 0) || hm__buf_put(&b, p, len) < 0) {
				hm__buf_free(&b);
				return HM_ENOMEM;
			}
		}
		p += len;
		if (*p == '/')
			p++;
	}
	if (b.len == 0)
		return hm__err(HM_EINVAL, "%s \"%s\": names the model root itself", what, in);
	*out = hm__buf_detach(&b, NULL);
	return 0;
}

/* 1 when s is a canonical resource name: "." or relative components, none empty, "." or "..". */
static int valid_name(const char *s)
{
	const char *p = s, *q;
	size_t len;

	if (strcmp(s, ".") == 0)
		return 1;
	if (!*s)
		return 0;
	for (;;) {
		q = strchr(p, '/');
		len = q ? (size_t)(q - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (!q)
			return 1;
		p = q + 1;
	}
}

/* rel is ign or below it. */
static int under(const char *rel, const char *ign)
{
	size_t l = strlen(ign);

	return strncmp(rel, ign, l) == 0 && (rel[l] == '\0' || rel[l] == '/');
}

static int is_ignored(char *const *ign, size_t n, const char *rel)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (under(rel, ign[i]))
			return 1;
	return 0;
}

static int cmp_str_components(const void *a, const void *b)
{
	return cmp_components(*(char *const *)a, *(char *const *)b);
}

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* The ignore list: defaults (unless include_git) + the caller's, normalized, sorted, unique. */
static int build_ignores(char ***out, size_t *nout, const hm_digest_options *o)
{
	size_t n = 0, i, k, cap = NDEFAULT_IGNORES + o->nignore;
	char **v = calloc(cap ? cap : 1, sizeof(*v));
	int rc;

	*out = NULL;
	*nout = 0;
	if (!v)
		return hm__err_oom();
	if (!o->include_git_paths)
		for (i = 0; i < NDEFAULT_IGNORES; i++)
			if (!(v[n++] = strdup(default_ignores[i])))
				goto oom;
	for (i = 0; i < o->nignore; i++) {
		if (!o->ignore || !o->ignore[i]) {
			free_strv(v, n);
			return hm__err(HM_EINVAL, "ignore path %zu is NULL", i);
		}
		if ((rc = normalize_rel(&v[n], o->ignore[i], "ignore path")) < 0) {
			free_strv(v, n);
			return rc;
		}
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_str_components);
	for (i = k = 0; i < n; i++) {
		if (k && strcmp(v[k - 1], v[i]) == 0)
			free(v[i]);
		else
			v[k++] = v[i];
	}
	*out = v;
	*nout = k;
	return 0;
oom:
	free_strv(v, n);
	return hm__err_oom();
}

/* ---- the walk ---- */

struct walk {
	const char *display_root;
	const char *realroot;
	int allow_symlinks;
	char *const *ignores;
	size_t nignores;
	hm__hashfile *files;
	size_t n, cap;
	hm_buf rel; /* relative path of the current entry */
};

static int add_file(struct walk *w, const char *target, const struct stat *st)
{
	hm__hashfile *f;

	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		hm__hashfile *p = realloc(w->files, cap * sizeof(*p));

		if (!p)
			return hm__err_oom();
		w->files = p;
		w->cap = cap;
	}
	f = &w->files[w->n];
	memset(f, 0, sizeof(*f));
	f->name = strdup(w->rel.data);
	f->target = target ? strdup(target) : NULL;
	if (!f->name || (target && !f->target)) {
		free(f->name);
		free(f->target);
		return hm__err_oom();
	}
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->size = (uint64_t)st->st_size;
	w->n++;
	return 0;
}

static const char *kind_of(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO (named pipe)";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	return "not a regular file or directory";
}

static int special_file(const char *disp, mode_t m)
{
	return hm__err(HM_EUNSUPPORTED, "%s: is %s; only regular files and directories can be hashed",
		       disp, kind_of(m));
}

/* A symlink at w->rel (allowed): hashed when it resolves to a file inside the root. */
static int walk_symlink(struct walk *w, const char *disp)
{
	size_t rl = strlen(w->realroot);
	hm_buf full = HM_BUF_INIT;
	struct stat st;
	char *res;
	int rc = 0, e;

	if (hm__buf_printf(&full, "%s%s%s", w->realroot, rl > 1 ? "/" : "", w->rel.data) < 0)
		return HM_ENOMEM;
	res = realpath(full.data, NULL);
	e = errno;
	hm__buf_free(&full);
	if (!res) {
		if (e == ENOENT || e == ENOTDIR)
			return hm__err(HM_EUNSUPPORTED, "%s: dangling symbolic link", disp);
		if (e == ELOOP)
			return hm__err(HM_EUNSUPPORTED, "%s: symbolic link loop", disp);
		return hm__err(HM_EIO, "%s: cannot resolve symbolic link: %s", disp, strerror(e));
	}
	if (!(rl == 1 || (strncmp(res, w->realroot, rl) == 0 &&
			  (res[rl] == '\0' || res[rl] == '/')))) {
		rc = hm__err(HM_EUNSUPPORTED,
			     "%s: symbolic link points outside the model root (to %s)", disp, res);
	} else if (stat(res, &st) < 0) {
		rc = hm__err(HM_EIO, "%s: cannot stat the symbolic link's target %s: %s", disp, res,
			     strerror(errno));
	} else if (S_ISREG(st.st_mode)) {
		rc = add_file(w, res, &st);
	} else if (!S_ISDIR(st.st_mode)) {
		rc = hm__err(HM_EUNSUPPORTED, "%s: symbolic link to %s, which is %s", disp, res,
			     kind_of(st.st_mode));
	}
	/* A link to a directory inside the root is not descended: its files are
	 * listed under their real names, and no cycle can form. */
	free(res);
	return rc;
}

static int walk_dir(struct walk *w, int dfd);

static int walk_entry(struct walk *w, int dfd, const char *dname)
{
	char disp[PATH_MAX];
	struct stat st, st2;
	int rc, sub;

	if (is_ignored(w->ignores, w->nignores, w->rel.data))
		return 0;
	hm__display_path(disp, sizeof(disp), w->display_root, w->rel.data);
	if (fstatat(dfd, dname, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return hm__err(HM_EIO, "%s: %s", disp, strerror(errno));
	if (S_ISREG(st.st_mode))
		return add_file(w, NULL, &st);
	if (S_ISLNK(st.st_mode)) {
		if (!w->allow_symlinks)
			return hm__err(HM_EUNSUPPORTED,
				       "%s: is a symbolic link; symlinks are refused unless allowed",
				       disp);
		return walk_symlink(w, disp);
	}
	if (!S_ISDIR(st.st_mode))
		return special_file(disp, st.st_mode);
	sub = openat(dfd, dname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return hm__err(HM_EIO, "%s: cannot open directory: %s", disp, strerror(errno));
	if (fstat(sub, &st2) < 0 || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino) {
		close(sub);
		return hm__err(HM_EIO, "%s: directory was replaced while it was listed", disp);
	}
	rc = walk_dir(w, sub); /* takes sub */
	return rc;
}

/* Lists the directory open at dfd (closed on return); w->rel is its relative path. */
static int walk_dir(struct walk *w, int dfd)
{
	char disp[PATH_MAX];
	struct dirent *de;
	size_t base = w->rel.len;
	int rc = 0;
	DIR *d = fdopendir(dfd);

	if (!d) {
		hm__display_path(disp, sizeof(disp), w->display_root, base ? w->rel.data : ".");
		rc = hm__err(HM_EIO, "%s: cannot read directory: %s", disp, strerror(errno));
		close(dfd);
		return rc;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				hm__display_path(disp, sizeof(disp), w->display_root,
						 base ? w->rel.data : ".");
				rc = hm__err(HM_EIO, "%s: cannot read directory: %s", disp,
					     strerror(errno));
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((base && hm__buf_put(&w->rel, "/", 1) < 0) || hm__buf_puts(&w->rel, de->d_name) < 0) {
			rc = HM_ENOMEM;
			break;
		}
		rc = walk_entry(w, dirfd(d), de->d_name);
		w->rel.len = base;
		w->rel.data[base] = '\0';
		if (rc < 0)
			break;
	}
	closedir(d);
	return rc;
}

/* ---- compute ---- */

static int cmp_files(const void *a, const void *b)
{
	return cmp_components(((const hm__hashfile *)a)->name, ((const hm__hashfile *)b)->name);
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

void hm_manifest_free(hm_manifest *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++)
		free(m->res[i].name);
	free(m->res);
	free(m->name);
	free_strv(m->ignores, m->nignores);
	free(m);
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

static int finish(hm_manifest *m, hm__hashfile *files, size_t n)
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

int hm_manifest_compute(hm_manifest **out, const char *path, const hm_digest_options *opts)
{
	hm_digest_options defaults = HM_DIGEST_OPTIONS_INIT;
	const hm_digest_options *o = opts ? opts : &defaults;
	struct walk w;
	hm__hashpool_opts po;
	hm_manifest *m = NULL;
	char *display = NULL, *realroot = NULL;
	size_t dl;
	struct stat st;
	int rc = 0, rootfd = -1;

	if (!out)
		return hm__err(HM_EINVAL, "hm_manifest_compute: out is NULL");
	*out = NULL;
	if (!path || !*path)
		return hm__err(HM_EINVAL, "hm_manifest_compute: no path given");
	HM__CHECK_VERSION(o, HM_DIGEST_OPTIONS_VERSION, "hm_digest_options");
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
	if ((rc = build_ignores(&m->ignores, &m->nignores, o)) < 0)
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
	w.display_root = display;
	w.realroot = realroot;
	w.allow_symlinks = m->allow_symlinks;
	w.ignores = m->ignores;
	w.nignores = m->nignores;
	if (S_ISREG(st.st_mode)) {
		/* A single-file model: one resource named ".", ignores do not apply. */
		if (hm__buf_puts(&w.rel, ".") < 0 || add_file(&w, realroot, &st) < 0) {
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
		rc = walk_dir(&w, dup(rootfd));
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
		rc = special_file(display, st.st_mode);
		goto done;
	}

	qsort(w.files, w.n, sizeof(*w.files), cmp_files);
	po.rootfd = rootfd;
	po.display_root = display;
	po.jobs = o->jobs;
	po.progress = o->progress;
	po.payload = o->progress_payload;
	if ((rc = hm__hashpool_run(w.files, w.n, &po)) < 0)
		goto done;
	rc = finish(m, w.files, w.n);
done:
	if (rootfd >= 0)
		close(rootfd);
	free_files(w.files, w.n);
	free(w.files);
	hm__buf_free(&w.rel);
	free(realroot);
	free(display);
	if (rc < 0) {
		hm_manifest_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

/* ---- accessors ---- */

const char *hm_manifest_name(const hm_manifest *m)
{
	return m ? m->name : NULL;
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

/* ---- JSON ---- */

/* A name with its non-ASCII and control bytes shown as \xNN, for messages. */
static void printable(char *buf, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s && n + 5 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f)
			n += (size_t)snprintf(buf + n, cap - n, "\\x%02x", c);
		else
			buf[n++] = (char)c;
	}
	buf[n] = '\0';
}

static int set_str(json_t *obj, const char *key, const char *val)
{
	char shown[512];

	if (!hm__utf8_valid(val)) {
		printable(shown, sizeof(shown), val);
		return hm__err(HM_EUNSUPPORTED, "\"%s\" is not valid UTF-8 and cannot go into JSON",
			       shown);
	}
	if (json_object_set_new(obj, key, json_string(val)) < 0)
		return hm__err_oom();
	return 0;
}

static json_t *predicate_object(const hm_manifest *m)
{
	json_t *pred = json_object(), *ser = json_object(), *ign = json_array(),
	       *res = json_array(), *r;
	size_t i;

	if (!pred || !ser || !ign || !res)
		goto oom;
	if (set_str(ser, "method", "files") < 0 || set_str(ser, "hash_type", "sha256") < 0 ||
	    json_object_set_new(ser, "allow_symlinks", json_boolean(m->allow_symlinks)) < 0)
		goto fail;
	for (i = 0; i < m->nignores; i++) {
		if (!hm__utf8_valid(m->ignores[i])) {
			char shown[512];

			printable(shown, sizeof(shown), m->ignores[i]);
			hm__err(HM_EUNSUPPORTED, "ignore path \"%s\" is not valid UTF-8", shown);
			goto fail;
		}
		if (json_array_append_new(ign, json_string(m->ignores[i])) < 0)
			goto oom;
	}
	if (json_object_set(ser, "ignore_paths", ign) < 0)
		goto oom;
	for (i = 0; i < m->n; i++) {
		if (!(r = json_object()) || json_array_append_new(res, r) < 0)
			goto oom;
		if (set_str(r, "name", m->res[i].name) < 0 || set_str(r, "algorithm", "sha256") < 0 ||
		    set_str(r, "digest", m->res[i].hex) < 0)
			goto fail;
	}
	if (json_object_set(pred, "serialization", ser) < 0 ||
	    json_object_set(pred, "resources", res) < 0)
		goto oom;
	json_decref(ser);
	json_decref(ign);
	json_decref(res);
	return pred;
oom:
	hm__err_oom();
fail:
	json_decref(pred);
	json_decref(ser);
	json_decref(ign);
	json_decref(res);
	return NULL;
}

static int dump(char **out, const json_t *v, size_t flags)
{
	*out = json_dumps(v, flags | JSON_PRESERVE_ORDER);
	return *out ? 0 : hm__err_oom();
}

int hm_manifest_predicate_json(char **out, const hm_manifest *m)
{
	json_t *pred;
	int rc;

	if (!out || !m)
		return hm__err(HM_EINVAL, "hm_manifest_predicate_json: NULL argument");
	*out = NULL;
	if (!(pred = predicate_object(m)))
		return hm_error_last_code();
	rc = dump(out, pred, JSON_COMPACT);
	json_decref(pred);
	return rc;
}

int hm_manifest_statement(char **out, const hm_manifest *m, const char *name)
{
	json_t *st = NULL, *subjects = NULL, *subj = NULL, *dig = NULL, *pred = NULL;
	int rc = 0;

	if (!out || !m)
		return hm__err(HM_EINVAL, "hm_manifest_statement: NULL argument");
	*out = NULL;
	if (!name)
		name = m->name;
	if (!*name)
		return hm__err(HM_EINVAL, "hm_manifest_statement: empty subject name");
	if (!(pred = predicate_object(m)))
		return hm_error_last_code();
	st = json_object();
	subjects = json_array();
	subj = json_object();
	dig = json_object();
	if (!st || !subjects || !subj || !dig) {
		rc = hm__err_oom();
		goto done;
	}
	if ((rc = set_str(st, "_type", HM_STATEMENT_TYPE)) < 0 ||
	    (rc = set_str(subj, "name", name)) < 0 || (rc = set_str(dig, "sha256", m->root)) < 0)
		goto done;
	if (json_object_set(subj, "digest", dig) < 0 || json_array_append(subjects, subj) < 0 ||
	    json_object_set(st, "subject", subjects) < 0) {
		rc = hm__err_oom();
		goto done;
	}
	if ((rc = set_str(st, "predicateType", HM_OMS_PREDICATE_TYPE)) < 0)
		goto done;
	if (json_object_set(st, "predicate", pred) < 0) {
		rc = hm__err_oom();
		goto done;
	}
	rc = dump(out, st, JSON_INDENT(2));
done:
	json_decref(st);
	json_decref(subjects);
	json_decref(subj);
	json_decref(dig);
	json_decref(pred);
	return rc;
}

/* ---- comparison with a signed predicate ---- */

struct pres {
	const char *name;
	const char *hex;
};

static int cmp_pres(const void *a, const void *b)
{
	return cmp_components(((const struct pres *)a)->name, ((const struct pres *)b)->name);
}

/*
 * Validates an OMS v1.0 "files" predicate. *res (malloc'd) points into *root,
 * in listed order; *ign (malloc'd strings) holds its usable ignore_paths.
 */
static int parse_predicate(json_t **root, struct pres **res, size_t *nres, char ***ign,
			   size_t *nign, const char *json, size_t len)
{
	const json_t *ser, *arr, *ip;
	const char *s;
	size_t i, n;
	int rc;

	*res = NULL;
	*nres = 0;
	if (ign) {
		*ign = NULL;
		*nign = 0;
	}
	if (!json)
		return hm__err(HM_EINVAL, "OMS predicate: NULL");
	if ((rc = hm__json_parse(root, json, len, "OMS predicate")) < 0)
		return rc;
	if (!json_is_object(*root)) {
		rc = hm__err(HM_EFORMAT, "OMS predicate: not a JSON object");
		goto fail;
	}
	ser = json_object_get(*root, "serialization");
	if (!json_is_object(ser)) {
		rc = hm__err(HM_EFORMAT, "OMS predicate: no \"serialization\" object");
		goto fail;
	}
	if (!(s = hm__json_str(ser, "method"))) {
		rc = hm__err(HM_EFORMAT, "OMS predicate: serialization has no \"method\"");
		goto fail;
	}
	if (strcmp(s, "files") != 0) {
		rc = hm__err(HM_EUNSUPPORTED,
			     "OMS predicate: serialization method \"%s\" is not supported (only "
			     "\"files\")",
			     s);
		goto fail;
	}
	if (!(s = hm__json_str(ser, "hash_type")) || strcmp(s, "sha256") != 0) {
		rc = hm__err(s ? HM_EUNSUPPORTED : HM_EFORMAT,
			     "OMS predicate: hash_type %s%s%s is not supported (only \"sha256\")",
			     s ? "\"" : "", s ? s : "missing", s ? "\"" : "");
		goto fail;
	}
	arr = json_object_get(*root, "resources");
	if (!json_is_array(arr)) {
		rc = hm__err(HM_EFORMAT, "OMS predicate: no \"resources\" array");
		goto fail;
	}
	n = json_array_size(arr);
	*res = calloc(n ? n : 1, sizeof(**res));
	if (!*res) {
		rc = hm__err_oom();
		goto fail;
	}
	for (i = 0; i < n; i++) {
		const json_t *r = json_array_get(arr, i);
		const char *name = hm__json_str(r, "name"), *alg = hm__json_str(r, "algorithm"),
			   *hex = hm__json_str(r, "digest");

		if (!json_is_object(r) || !name || !hex) {
			rc = hm__err(HM_EFORMAT,
				     "OMS predicate: resource %zu needs string \"name\" and \"digest\"",
				     i);
			goto fail;
		}
		if (!valid_name(name)) {
			rc = hm__err(HM_EFORMAT,
				     "OMS predicate: resource name \"%s\" is not a relative path inside "
				     "the model (absolute, \"..\" or empty components)",
				     name);
			goto fail;
		}
		if (alg && strcmp(alg, "sha256") != 0) {
			rc = hm__err(HM_EUNSUPPORTED,
				     "OMS predicate: resource \"%s\": algorithm \"%s\" is not supported",
				     name, alg);
			goto fail;
		}
		if (!alg) {
			rc = hm__err(HM_EFORMAT, "OMS predicate: resource \"%s\" has no \"algorithm\"",
				     name);
			goto fail;
		}
		if (!hm__is_lower_hex(hex, 64)) {
			rc = hm__err(HM_EFORMAT,
				     "OMS predicate: resource \"%s\": digest is not 64 lowercase hex "
				     "digits",
				     name);
			goto fail;
		}
		(*res)[i].name = name;
		(*res)[i].hex = hex;
	}
	*nres = n;
	ip = json_object_get(ser, "ignore_paths");
	if (ip && !json_is_array(ip)) {
		rc = hm__err(HM_EFORMAT, "OMS predicate: \"ignore_paths\" is not an array");
		goto fail;
	}
	for (i = 0; ip && i < json_array_size(ip); i++)
		if (!json_is_string(json_array_get(ip, i))) {
			rc = hm__err(HM_EFORMAT, "OMS predicate: \"ignore_paths\" holds a non-string");
			goto fail;
		}
	if (ign && ip && json_array_size(ip)) {
		*ign = calloc(json_array_size(ip), sizeof(**ign));
		if (!*ign) {
			rc = hm__err_oom();
			goto fail;
		}
		for (i = 0; i < json_array_size(ip); i++) {
			char *norm;

			/* An entry that cannot name anything inside the model matches nothing. */
			if (normalize_rel(&norm, json_string_value(json_array_get(ip, i)), "ignore") < 0) {
				if (hm_error_last_code() == HM_ENOMEM) {
					rc = HM_ENOMEM;
					goto fail;
				}
				continue;
			}
			(*ign)[(*nign)++] = norm;
		}
		hm_error_clear();
	}
	return 0;
fail:
	if (ign) {
		free_strv(*ign, *nign);
		*ign = NULL;
		*nign = 0;
	}
	free(*res);
	*res = NULL;
	*nres = 0;
	json_decref(*root);
	*root = NULL;
	return rc;
}

int hm_manifest_predicate_root(char out[65], const char *predicate_json, size_t len)
{
	json_t *root;
	struct pres *res;
	size_t n, i;
	EVP_MD_CTX *ctx;
	unsigned char d[32], h[32];
	unsigned int dl = 0;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_manifest_predicate_root: out is NULL");
	out[0] = '\0';
	if ((rc = parse_predicate(&root, &res, &n, NULL, NULL, predicate_json, len)) < 0)
		return rc;
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		rc = hm__err(HM_ECRYPTO, "SHA-256 initialisation failed");
		goto done;
	}
	for (i = 0; i < n; i++) {
		hm__hex_decode(d, 32, res[i].hex);
		EVP_DigestUpdate(ctx, d, 32);
	}
	if (EVP_DigestFinal_ex(ctx, h, &dl) != 1 || dl != 32) {
		rc = hm__err(HM_ECRYPTO, "SHA-256 finalisation failed");
		goto done;
	}
	hm__hex_encode(out, h, 32);
done:
	EVP_MD_CTX_free(ctx);
	free(res);
	json_decref(root);
	return rc;
}

int hm_manifest_compare(hm_manifest_diff **out, size_t *ndiff, const hm_manifest *m,
			const char *predicate_json, size_t len)
{
	json_t *root = NULL;
	struct pres *res = NULL;
	char **ign = NULL;
	size_t nres = 0, nign = 0, i = 0, j = 0, k = 0, bytes = 0;
	hm_manifest_diff *d = NULL, *tmp = NULL;
	char *pool;
	int rc;

	if (!out || !ndiff || !m)
		return hm__err(HM_EINVAL, "hm_manifest_compare: NULL argument");
	*out = NULL;
	*ndiff = 0;
	if ((rc = parse_predicate(&root, &res, &nres, &ign, &nign, predicate_json, len)) < 0)
		return rc;
	qsort(res, nres, sizeof(*res), cmp_pres);
	for (i = 1; i < nres; i++)
		if (strcmp(res[i - 1].name, res[i].name) == 0) {
			rc = hm__err(HM_EFORMAT, "OMS predicate: resource \"%s\" is listed twice",
				     res[i].name);
			goto done;
		}
	tmp = calloc(nres + m->n + 1, sizeof(*tmp));
	if (!tmp) {
		rc = hm__err_oom();
		goto done;
	}
	/* Merge two lists sorted in the same order. */
	i = j = 0;
	while (i < m->n || j < nres) {
		int c = i == m->n ? 1 : j == nres ? -1 : cmp_components(m->res[i].name, res[j].name);
		hm_manifest_diff *t = &tmp[k];

		if (c < 0) {
			if (!is_ignored(ign, nign, m->res[i].name)) {
				t->kind = HM_MANIFEST_EXTRA;
				t->name = m->res[i].name;
				t->actual = m->res[i].hex;
				k++;
			}
			i++;
		} else if (c > 0) {
			t->kind = HM_MANIFEST_MISSING;
			t->name = res[j].name;
			t->expected = res[j].hex;
			k++;
			j++;
		} else {
			if (strcmp(m->res[i].hex, res[j].hex) != 0) {
				t->kind = HM_MANIFEST_CHANGED;
				t->name = m->res[i].name;
				t->expected = res[j].hex;
				t->actual = m->res[i].hex;
				k++;
			}
			i++;
			j++;
		}
	}
	if (k == 0)
		goto done;
	/* One block: the array, then the strings it points to. */
	for (i = 0; i < k; i++)
		bytes += strlen(tmp[i].name) + 1 + (tmp[i].expected ? 65 : 0) +
			 (tmp[i].actual ? 65 : 0);
	d = malloc(k * sizeof(*d) + bytes);
	if (!d) {
		rc = hm__err_oom();
		goto done;
	}
	pool = (char *)(d + k);
	for (i = 0; i < k; i++) {
		size_t l = strlen(tmp[i].name) + 1;

		d[i].kind = tmp[i].kind;
		d[i].name = memcpy(pool, tmp[i].name, l);
		pool += l;
		d[i].expected = tmp[i].expected ? memcpy(pool, tmp[i].expected, 65) : NULL;
		pool += tmp[i].expected ? 65 : 0;
		d[i].actual = tmp[i].actual ? memcpy(pool, tmp[i].actual, 65) : NULL;
		pool += tmp[i].actual ? 65 : 0;
	}
	*out = d;
	*ndiff = k;
done:
	free(tmp);
	free(res);
	free_strv(ign, nign);
	json_decref(root);
	return rc;
}

int hm_manifest_diff_report(char **out, const hm_manifest_diff *diffs, size_t n)
{
	hm_buf b = HM_BUF_INIT;
	size_t i;
	int rc = 0;

	if (!out || (n && !diffs))
		return hm__err(HM_EINVAL, "hm_manifest_diff_report: NULL argument");
	*out = NULL;
	if (hm__buf_puts(&b, "") < 0)
		return HM_ENOMEM;
	for (i = 0; i < n && rc == 0; i++) {
		const hm_manifest_diff *d = &diffs[i];

		switch (d->kind) {
		case HM_MANIFEST_MISSING:
			rc = hm__buf_printf(&b, "missing: %s\n", d->name);
			break;
		case HM_MANIFEST_EXTRA:
			rc = hm__buf_printf(&b, "extra: %s\n", d->name);
			break;
		case HM_MANIFEST_CHANGED:
			rc = hm__buf_printf(&b, "changed: %s (signed sha256:%s, found sha256:%s)\n",
					    d->name, d->expected, d->actual);
			break;
		default:
			rc = hm__err(HM_EINVAL, "hm_manifest_diff_report: unknown kind %d", d->kind);
		}
	}
	if (rc < 0) {
		hm__buf_free(&b);
		return rc;
	}
	*out = hm__buf_detach(&b, NULL);
	return 0;
}
