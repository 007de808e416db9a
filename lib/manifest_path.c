/*
 * The path rules of a manifest: the component order resources sort in, the
 * normal form of ignore paths and resource names, which ignore path a file
 * falls under, and opening a name longer than PATH_MAX below a directory.
 */
#include "manifest_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/*
 * The OMS default rules, plus the download cache that `huggingface-cli
 * download --local-dir` leaves in the model directory (lock files and
 * per-file metadata that differ from one download to the next).
 */
static const char *const default_ignores[] = { ".cache/huggingface", ".git", ".gitattributes",
					       ".github", ".gitignore" };
#define NDEFAULT_IGNORES (sizeof(default_ignores) / sizeof(default_ignores[0]))

int hm__path_cmp(const char *a, const char *b)
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

int hm__path_normalize(char **out, const char *in, const char *what)
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

int hm__path_valid_name(const char *s)
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

long hm__path_ignored_by(char *const *ign, size_t n, const char *rel)
{
	size_t i, l;

	for (i = 0; i < n; i++) {
		l = strlen(ign[i]);
		if (strncmp(rel, ign[i], l) == 0 && (rel[l] == '\0' || rel[l] == '/'))
			return (long)i;
	}
	return -1;
}

int hm__path_is_default_ignore(const char *ign)
{
	size_t i;

	for (i = 0; i < NDEFAULT_IGNORES; i++)
		if (strcmp(ign, default_ignores[i]) == 0)
			return 1;
	return strcmp(ign, "model.sig") == 0;
}

static int cmp_str_components(const void *a, const void *b)
{
	return hm__path_cmp(*(char *const *)a, *(char *const *)b);
}

void hm__strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int hm__path_build_ignores(char ***out, size_t *nout, const hm_digest_options *o)
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
			if (!(v[n++] = strdup(default_ignores[i]))) {
				hm__strv_free(v, n);
				return hm__err_oom();
			}
	for (i = 0; i < o->nignore; i++) {
		if (!o->ignore || !o->ignore[i]) {
			hm__strv_free(v, n);
			return hm__err(HM_EINVAL, "ignore path %zu is NULL", i);
		}
		if ((rc = hm__path_normalize(&v[n], o->ignore[i], "ignore path")) < 0) {
			hm__strv_free(v, n);
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
}

int hm__openat_long(int dirfd, const char *name, int flags)
{
	char piece[PATH_MAX];
	const char *p = name, *cut;
	int fd = dirfd, nfd, e;

	while (strlen(p) >= PATH_MAX) {
		/* The longest run of whole components that fits in a piece. */
		cut = p + PATH_MAX - 1;
		while (cut > p && *cut != '/')
			cut--;
		if (cut == p) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		memcpy(piece, p, (size_t)(cut - p));
		piece[cut - p] = '\0';
		nfd = openat(fd, piece, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		e = errno;
		if (fd != dirfd)
			close(fd);
		if (nfd < 0) {
			errno = e;
			return -1;
		}
		fd = nfd;
		p = cut + 1;
	}
	nfd = openat(fd, p, flags);
	e = errno;
	if (fd != dirfd)
		close(fd);
	errno = e;
	return nfd;
fail:
	if (fd != dirfd)
		close(fd);
	return -1;
}

static const char *const weight_exts[] = { ".safetensors", ".bin",  ".pt",	".pth",
					   ".ckpt",	   ".gguf", ".onnx",	".h5",
					   ".msgpack",	   ".npz",  ".py" };

int hm_path_looks_like_weights_or_code(const char *name, uint64_t size)
{
	size_t i, l, el;

	if (size > 1024 * 1024)
		return 1;
	if (!name)
		return 0;
	l = strlen(name);
	if (l && name[l - 1] == '/')
		return 0;
	for (i = 0; i < sizeof(weight_exts) / sizeof(weight_exts[0]); i++) {
		el = strlen(weight_exts[i]);
		if (l >= el && strcasecmp(name + l - el, weight_exts[i]) == 0)
			return 1;
	}
	return 0;
}
