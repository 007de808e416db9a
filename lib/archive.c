/* The archive: where it lives, opening it on its store (schema version, migrations), SQL helpers. */
#include "archive_impl.h"

#include <stdlib.h>
#include <string.h>

int hm_archive_default_path(char **out)
{
	const char *env = getenv("HALLMARK_ARCHIVE"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	hm_buf b = HM_BUF_INIT;
	int rc;

	*out = NULL;
	if (env && *env)
		rc = hm__buf_puts(&b, env);
	else if (xdg && *xdg == '/') /* the XDG spec ignores relative values */
		rc = hm__buf_printf(&b, "%s/hallmark/archive.db", xdg);
	else if (home && *home)
		rc = hm__buf_printf(&b, "%s/.local/share/hallmark/archive.db", home);
	else
		return hm__err(HM_ENOTFOUND, "no archive path: set HALLMARK_ARCHIVE, XDG_DATA_HOME or "
			       "HOME");
	if (rc < 0) {
		hm__buf_free(&b);
		return rc;
	}
	*out = hm__buf_detach(&b, NULL);
	return 0;
}

int hm__archive_sql_err(hm_archive *a, const char *what)
{
	const char *msg = "unknown error";
	int rc = a->ops->error(a, &msg);

	return hm__err(rc, "%s: %s: %s", a->path, what, msg);
}

int hm__archive_exec(hm_archive *a, const char *sql)
{
	return a->ops->exec(a, sql);
}

int hm__archive_prepare(hm_archive *a, hm__q **st, const char *sql)
{
	return a->ops->prepare(a, st, sql, 0);
}

int hm__archive_stmt(hm_archive *a, enum hm__stmt_id id, const char *sql, hm__q **st)
{
	int rc;

	if (!a->stmts[id] && (rc = a->ops->prepare(a, &a->stmts[id], sql, 1)) < 0)
		return rc;
	a->ops->reset(a->stmts[id]);
	a->ops->unbind(a->stmts[id]);
	*st = a->stmts[id];
	return 0;
}

int hm__archive_begin(hm_archive *a)
{
	if (a->readonly)
		return hm__err(HM_EINVAL, "%s: the archive was opened read-only", a->path);
	return a->ops->begin_write(a);
}

int hm__archive_commit(hm_archive *a)
{
	return a->ops->commit(a);
}

void hm__archive_rollback(hm_archive *a)
{
	a->ops->rollback(a);
}

int hm__archive_read_begin(hm_archive *a)
{
	return a->ops->begin_read(a);
}

void hm__archive_read_end(hm_archive *a)
{
	/* nothing was written: ending the snapshot cannot lose anything */
	a->ops->rollback(a);
}

int hm_archive_open(hm_archive **out, const char *path, const hm_archive_options *opts)
{
	hm_archive_options defaults = HM_ARCHIVE_OPTIONS_INIT;
	hm_archive *a;
	long long version;
	int rc;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	HM__CHECK_VERSION(opts, HM_ARCHIVE_OPTIONS_VERSION, "hm_archive_options");
	if (!path || !*path)
		return hm__err(HM_EINVAL, "no archive path given");
	if (hm_init() < 0)
		return HM_ECRYPTO;
	a = calloc(1, sizeof(*a));
	if (!a)
		return hm__err_oom();
	a->ops = hm__store_is_pg(path) ? &hm__store_pg : &hm__store_sqlite;
	a->last_id = -1;
	a->readonly = (opts->flags & HM_ARCHIVE_READONLY) != 0;
	if ((rc = a->ops->open(a, path, opts)) < 0 || (rc = a->ops->identity(a, &version)) < 0)
		goto fail;
	if (version > HM_ARCHIVE_SCHEMA_VERSION) {
		rc = hm__err(HM_EUNSUPPORTED, "%s: the archive has schema version %lld, written by "
			     "a newer hallmark; this one (%s) reads versions up to %d: upgrade "
			     "hallmark to use it", a->path, version, hm_version(),
			     HM_ARCHIVE_SCHEMA_VERSION);
		goto fail;
	}
	a->version = (int)version;
	if (version < HM_ARCHIVE_SCHEMA_VERSION) {
		if (a->readonly) {
			rc = hm__err(HM_EUNSUPPORTED, "%s: the archive has schema version %lld and "
				     "must be migrated to %d: open it for writing once", a->path,
				     version, HM_ARCHIVE_SCHEMA_VERSION);
			goto fail;
		}
		if ((rc = hm__archive_migrate(a)) < 0)
			goto fail;
	}
	*out = a;
	return 0;
fail:
	hm_archive_free(a);
	return rc;
}

void hm_archive_free(hm_archive *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < HM__ST_COUNT; i++)
		hm__finalize(a->stmts[i]);
	if (a->ops)
		a->ops->close(a);
	free(a->path);
	free(a);
}

int hm_archive_schema_version(const hm_archive *a)
{
	return a->version;
}

long long hm_archive_last_id(const hm_archive *a)
{
	return a->last_id;
}
