/*
 * The benchmark registry: the shipped directory of benchmark files plus the
 * user's, with names and aliases unique (any case) across all of them.
 */
#include "benchmark_impl.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct hm_benchmark_registry {
	hm_benchmark **v;
	size_t n;
};

int hm_benchmark_registry_new(hm_benchmark_registry **out)
{
	if (!out)
		return hm__err(HM_EINVAL, "hm_benchmark_registry_new: NULL argument");
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : hm__err_oom();
}

void hm_benchmark_registry_free(hm_benchmark_registry *reg)
{
	size_t i;

	if (!reg)
		return;
	for (i = 0; i < reg->n; i++)
		hm_benchmark_free(reg->v[i]);
	free(reg->v);
	free(reg);
}

/* The registered benchmark that claims name or one of b's aliases, and which. */
static const hm_benchmark *clash(const hm_benchmark_registry *reg, const hm_benchmark *b,
				 const char **which)
{
	size_t i, j;

	for (i = 0; i < reg->n; i++) {
		*which = b->name;
		if (hm_benchmark_matches(reg->v[i], b->name))
			return reg->v[i];
		for (j = 0; j < b->naliases; j++) {
			*which = b->aliases[j];
			if (hm_benchmark_matches(reg->v[i], b->aliases[j]))
				return reg->v[i];
		}
	}
	return NULL;
}

int hm_benchmark_registry_add(hm_benchmark_registry *reg, hm_benchmark *b)
{
	const hm_benchmark *other;
	const char *which;
	hm_benchmark **v;

	if (!reg || !b) {
		hm_benchmark_free(b);
		return hm__err(HM_EINVAL, "hm_benchmark_registry_add: NULL argument");
	}
	if ((other = clash(reg, b, &which)) != NULL) {
		int rc = 0;
		/* The same file in two directories (a copy of the shipped one) is one benchmark. */
		if (strcmp(other->digest, b->digest) != 0)
			rc = hm__err(HM_EFORMAT, "%s: the name \"%s\" is already registered by %s",
				     b->path, which, other->path);
		hm_benchmark_free(b);
		return rc;
	}
	if (!(v = realloc(reg->v, (reg->n + 1) * sizeof(*v)))) {
		hm_benchmark_free(b);
		return hm__err_oom();
	}
	reg->v = v;
	reg->v[reg->n++] = b;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_json_file(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

int hm_benchmark_registry_add_dir(hm_benchmark_registry *reg, const char *dir)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL, **p;
	size_t n = 0, i;
	int rc = 0;

	if (!reg || !dir)
		return hm__err(HM_EINVAL, "hm_benchmark_registry_add_dir: NULL argument");
	if (!(d = opendir(dir)))
		return hm__err(errno == ENOENT ? HM_ENOTFOUND : HM_EIO,
			       "benchmark registry %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL && rc == 0) {
		if (!is_json_file(e->d_name))
			continue;
		if (n >= 10000) {
			rc = hm__err(HM_EFORMAT, "benchmark registry %s: more than 10000 files", dir);
		} else if (!(p = realloc(names, (n + 1) * sizeof(*p)))) {
			rc = hm__err_oom();
		} else {
			names = p;
			if (!(names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2)))
				rc = hm__err_oom();
			else
				sprintf(names[n++], "%s/%s", dir, e->d_name);
		}
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		hm_benchmark *b;
		if (rc == 0 && (rc = hm_benchmark_load(&b, names[i])) == 0)
			rc = hm_benchmark_registry_add(reg, b);
		free(names[i]);
	}
	free(names);
	return rc;
}

int hm_benchmark_default_dir(char **out)
{
	if (!out)
		return hm__err(HM_EINVAL, "hm_benchmark_default_dir: NULL argument");
	if ((*out = hm__datadir_find("benchmarks")) != NULL)
		return 0;
	return hm__err(HM_ENOTFOUND, "no benchmark registry: %s/benchmarks is not installed and "
		       "no data/benchmarks was found next to the program", hm__datadir());
}

int hm_benchmark_registry_open(hm_benchmark_registry **out, const char *user_dir)
{
	hm_benchmark_registry *reg;
	char *shipped;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_benchmark_registry_open: NULL argument");
	*out = NULL;
	if (!user_dir) {
		user_dir = getenv(HM_BENCHMARKS_ENV);
		if (user_dir && !*user_dir)
			user_dir = NULL;
	}
	if ((rc = hm_benchmark_default_dir(&shipped)) < 0)
		return rc;
	if ((rc = hm_benchmark_registry_new(&reg)) == 0 &&
	    (rc = hm_benchmark_registry_add_dir(reg, shipped)) == 0 && user_dir)
		rc = hm_benchmark_registry_add_dir(reg, user_dir);
	free(shipped);
	if (rc < 0) {
		hm_benchmark_registry_free(reg);
		return rc;
	}
	*out = reg;
	return 0;
}

size_t hm_benchmark_registry_count(const hm_benchmark_registry *reg)
{
	return reg ? reg->n : 0;
}

const hm_benchmark *hm_benchmark_registry_at(const hm_benchmark_registry *reg, size_t i)
{
	return reg && i < reg->n ? reg->v[i] : NULL;
}

const hm_benchmark *hm_benchmark_registry_find(const hm_benchmark_registry *reg,
					       const char *name)
{
	size_t i;

	for (i = 0; reg && name && i < reg->n; i++)
		if (hm_benchmark_matches(reg->v[i], name))
			return reg->v[i];
	return NULL;
}
