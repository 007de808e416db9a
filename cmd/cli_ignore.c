/*
 * The paths a model's hashing leaves out, from the command line: --ignore
 * (relative to the model root, or absolute inside it), and the signature or
 * statement files that lie inside the model directory (what the command
 * writes with -o, the bundles verify reads), which never belong to the model.
 * Also the --shard and --shard-size options.
 */
#include "cli.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The real path of file, which need not exist (its directory must): malloc'd, or NULL. */
static char *real_file_path(const char *file)
{
	char *copy1 = strdup(file), *copy2 = strdup(file), *dir, *res = NULL, *out = NULL;
	const char *base;
	size_t n;

	if (!copy1 || !copy2)
		goto done;
	if ((res = realpath(file, NULL))) {
		out = res;
		res = NULL;
		goto done;
	}
	dir = dirname(copy1);
	base = basename(copy2);
	if (!(res = realpath(dir, NULL)))
		goto done;
	n = strlen(res) + strlen(base) + 2;
	if ((out = malloc(n)))
		snprintf(out, n, "%s%s%s", res, strcmp(res, "/") == 0 ? "" : "/", base);
done:
	free(copy1);
	free(copy2);
	free(res);
	return out;
}

/* The path of file relative to the directory root (a real path): malloc'd, NULL when outside. */
static char *relative_inside(const char *root, const char *file)
{
	char *real = real_file_path(file), *rel = NULL;
	size_t l = strlen(root);

	if (real && strncmp(real, root, l) == 0 && real[l] == '/' && real[l + 1])
		rel = strdup(real + l + 1);
	free(real);
	return rel;
}

static int keep(struct cli_ignores *ig, char *own)
{
	const char **v = realloc(ig->v, (ig->n + 1) * sizeof(*v));
	char **o = realloc(ig->own, (ig->nown + 1) * sizeof(*o));

	if (v)
		ig->v = v;
	if (o)
		ig->own = o;
	if (!v || !o || !own) {
		free(own);
		cli_error("out of memory");
		return -1;
	}
	ig->own[ig->nown++] = own;
	ig->v[ig->n++] = own;
	return 0;
}

int cli_ignores_build(struct cli_ignores *ig, const struct cmd_spec *spec, const char *model,
		      const struct strlist *given, const char *const *inside, size_t ninside)
{
	struct stat st;
	char *root = NULL;
	size_t i;
	int status = EXIT_USAGE;

	memset(ig, 0, sizeof(*ig));
	if (stat(model, &st) == 0 && S_ISDIR(st.st_mode))
		root = realpath(model, NULL);
	for (i = 0; given && i < given->n; i++) {
		const char *p = given->v[i];
		char *rel;

		if (p[0] != '/') {
			if (keep(ig, strdup(p)) < 0)
				goto fail;
			continue;
		}
		if (!root || !(rel = relative_inside(root, p))) {
			status = cli_usage_error(spec, "--ignore %s: an absolute path must lie inside "
						 "the model directory %s", cli_esc(p), cli_esc(model));
			goto fail;
		}
		if (keep(ig, rel) < 0)
			goto fail;
	}
	for (i = 0; root && i < ninside; i++) {
		char *rel;

		if (!inside[i] || strcmp(inside[i], "-") == 0 ||
		    !(rel = relative_inside(root, inside[i])))
			continue;
		if (keep(ig, rel) < 0)
			goto fail;
	}
	free(root);
	return 0;
fail:
	free(root);
	cli_ignores_free(ig);
	return status;
}

void cli_ignores_free(struct cli_ignores *ig)
{
	size_t i;

	for (i = 0; i < ig->nown; i++)
		free(ig->own[i]);
	free(ig->own);
	free(ig->v);
	memset(ig, 0, sizeof(*ig));
}

int cli_shard_options(const struct cmd_spec *spec, hm_digest_options *d, int shard,
		      const char *size)
{
	unsigned long long v;
	char *end;

	if (!shard && !size)
		return 0;
	d->shard_size = HM_SHARD_SIZE_DEFAULT;
	if (!size)
		return 0;
	errno = 0;
	v = strtoull(size, &end, 10);
	if (errno || *end || !*size || size[0] < '1' || size[0] > '9' || v > LLONG_MAX)
		return cli_usage_error(spec, "--shard-size takes a positive whole number of bytes, "
				       "not \"%s\"", cli_esc(size));
	d->shard_size = v;
	return 0;
}
