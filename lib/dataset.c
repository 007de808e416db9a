/*
 * The dataset statement: the manifest of the dataset's files (subject = the
 * root digest) with each record file streamed through a scan (stats and
 * screening, one duplicate set for the whole dataset), then git provenance.
 * A record file is read once: the scan hashes the bytes it analyses (on a
 * second thread) and that digest is the manifest's, so the statistics
 * describe exactly the bytes the subject names. The other files are hashed
 * by the manifest as usual.
 */
#include "dataset_impl.h"
#include "hashpool.h"
#include "manifest_impl.h"
#include "hallmark/hubcache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stddef.h> /* offsetof */

#define READ_CHUNK (1u << 20)

typedef struct totals {
	uint64_t records, invalid, dups, bytes, schema, flagged, scanned;
	hm_record_format format;
	int any_format;
	uint64_t *cats;
	json_t *splits; /* split name: {"files", "records"} */
} totals;

static json_t *count(uint64_t n)
{
	return json_integer((json_int_t)n);
}

/* Sets a string member; invalid UTF-8 is an error (json_string refuses it). */
static int set_str(json_t *o, const char *key, const char *val, const char *what)
{
	json_t *s = json_string(val);

	if (!s)
		return hm__err(HM_EINVAL, "%s \"%s\" is not valid UTF-8", what, val);
	if (json_object_set_new(o, key, s) < 0)
		return hm__err_oom();
	return 0;
}

static int check_options(const hm_dataset_options *o)
{
	int rc;

	if (!o)
		return hm__err(HM_EINVAL, "dataset options are required (at least a name)");
	HM__CHECK_VERSION(o, HM_DATASET_OPTIONS_VERSION, "hm_dataset_options");
	if (o->hub_id && (rc = hm_hub_id_check(o->hub_id)) < 0)
		return rc;
	if (!o->name || !*o->name)
		return hm__err(HM_EINVAL, "a dataset needs a name");
	if (o->dataset_version && !*o->dataset_version)
		return hm__err(HM_EINVAL, "the dataset version is empty");
	if (!hm__utf8_valid(o->name) || (o->dataset_version && !hm__utf8_valid(o->dataset_version)) ||
	    (o->source && !hm__utf8_valid(o->source)))
		return hm__err(HM_EINVAL, "the dataset name, version and source must be UTF-8");
	if (o->purpose && (rc = hm_dataset_check_purpose(o->purpose)) < 0)
		return rc;
	if (o->license && (rc = hm_dataset_check_license(o->license)) < 0)
		return rc;
	if (o->source && (rc = hm_dataset_check_source(o->source)) < 0)
		return rc;
	return 0;
}

/* Streams one file of the manifest through a scan, opened and checked as the manifest's hashing
 * does (the file the walk listed, unchanged while it was read), and gives the file the scan's
 * digest. A Parquet file is then read from its footer through the same descriptor, which must
 * not have changed. disp names the file in messages. */
static int scan_file(hm_dataset_scan *scan, int rootfd, hm__hashfile *f, const char *disp,
		     char *buf, uint64_t *done, uint64_t total, const hm_dataset_options *o)
{
	const int flags = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
	int fd = f->target ? open(f->target, flags) : hm__openat_long(rootfd, f->name, flags), rc = 0;
	struct stat before, after;
	uint64_t got = 0;
	ssize_t n;

	if (fd < 0)
		return hm__err(HM_EIO, "%s: %s", disp, strerror(errno));
	if (fstat(fd, &before) < 0 || !S_ISREG(before.st_mode) || before.st_dev != f->dev ||
	    before.st_ino != f->ino) {
		close(fd);
		return hm__err(HM_EIO, "%s: was replaced between listing and reading", disp);
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((rc = hm_dataset_scan_decompress(scan, hm_dataset_compression_for(disp))) < 0) {
		close(fd);
		return rc;
	}
	for (;;) {
		n = read(fd, buf, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = hm__err(HM_EIO, "%s: read failed: %s", disp, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		got += (uint64_t)n;
		if ((rc = hm_dataset_scan_feed(scan, buf, (size_t)n)) < 0) {
			hm__err_prefix("%s: ", disp);
			break;
		}
		*done += (uint64_t)n;
		if (o->progress)
			o->progress(*done, total, o->progress_payload);
	}
	if (rc == 0 && hm_dataset_container_for(disp) == HM_CONTAINER_PARQUET)
		rc = hm__dataset_scan_parquet(scan, fd, (uint64_t)before.st_size, disp);
	/* The second look comes after every read, as the manifest's hashing does. */
	if (rc == 0 && fstat(fd, &after) < 0)
		rc = hm__err(HM_EIO, "%s: fstat failed: %s", disp, strerror(errno));
	if (rc == 0 && (after.st_size != before.st_size || got != (uint64_t)before.st_size ||
			after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
			after.st_mtim.tv_nsec != before.st_mtim.tv_nsec ||
			after.st_ctim.tv_sec != before.st_ctim.tv_sec ||
			after.st_ctim.tv_nsec != before.st_ctim.tv_nsec))
		rc = hm__err(HM_EIO, "%s: changed while it was read; run again", disp);
	close(fd);
	if (rc == 0 && (rc = hm_dataset_scan_finish(scan)) < 0)
		hm__err_prefix("%s: ", disp);
	if (rc == 0 && hm__hex_decode(f->digest, 32, hm__dataset_scan_sha256(scan)) < 0)
		rc = hm__err(HM_ECRYPTO, "%s: no digest", disp);
	if (rc == 0) {
		f->cached = 1; /* hashed here: the manifest does not read it again */
		f->mtime = before.st_mtim;
		f->ctime = before.st_ctim;
	}
	return rc;
}

/* Adds one scanned file to the stats and screening arrays and the totals. */
/* Counts the file in its split (by its name), and names the split in its entry e. */
static int add_split(totals *t, json_t *e, const char *name, uint64_t records)
{
	const char *split = hm__dataset_split_of(name);
	json_t *o;

	if (!split)
		return 0;
	if (!(o = json_object_get(t->splits, split))) {
		o = json_pack("{s:I, s:I}", "files", (json_int_t)0, "records", (json_int_t)0);
		if (!o || json_object_set_new(t->splits, split, o) < 0)
			return hm__err_oom();
	}
	json_object_set_new(o, "files",
			    count((uint64_t)json_integer_value(json_object_get(o, "files")) + 1));
	json_object_set_new(o, "records", count((uint64_t)json_integer_value(
							json_object_get(o, "records")) + records));
	return json_object_set_new(e, "split", json_string(split)) < 0 ? hm__err_oom() : 0;
}

static int add_results(json_t *sfiles, json_t *scrfiles, totals *t, const hm_dataset_scan *scan,
		       const char *name, const char *path, size_t ncats)
{
	hm_record_format f = hm_dataset_scan_format(scan);
	json_t *e, *st;
	size_t k;
	int rc;

	if (f == HM_RECORDS_DOCUMENT) /* e.g. dataset_info.json: not a record collection */
		return 0;
	t->records += hm_dataset_scan_count(scan, HM_SCAN_RECORDS);
	t->invalid += hm_dataset_scan_count(scan, HM_SCAN_INVALID);
	t->dups += hm_dataset_scan_count(scan, HM_SCAN_DUPLICATES) +
		   hm__dataset_scan_cross_duplicates(scan);
	t->bytes += hm_dataset_scan_count(scan, HM_SCAN_BYTES);
	t->schema += hm_dataset_scan_count(scan, HM_SCAN_SCHEMA_ERRORS);
	t->flagged += hm_dataset_scan_count(scan, HM_SCAN_FLAGGED);
	if (f != HM_RECORDS_NONE) {
		t->format = t->any_format && t->format != f ? HM_RECORDS_MIXED : f;
		t->any_format = 1;
	}
	for (k = 0; k < ncats; k++)
		t->cats[k] += hm__dataset_scan_categories(scan)[k];

	if (!(e = json_object()) || json_array_append_new(sfiles, e) < 0)
		return hm__err_oom();
	if (set_str(e, "name", name, "file name") < 0)
		return HM_EINVAL;
	if (!(st = hm__dataset_scan_stats_json(scan)) || json_object_update(e, st) < 0) {
		json_decref(st);
		return hm__err_oom();
	}
	json_decref(st);
	if ((rc = add_split(t, e, path, hm_dataset_scan_count(scan, HM_SCAN_RECORDS))) < 0)
		return rc;
	if (ncats && hm_dataset_scan_count(scan, HM_SCAN_FLAGGED)) {
		if (!(e = json_object()) || json_array_append_new(scrfiles, e) < 0)
			return hm__err_oom();
		json_object_set_new(e, "name", json_string(name));
		if (!(st = hm__dataset_scan_screen_json(scan)) || json_object_update(e, st) < 0) {
			json_decref(st);
			return hm__err_oom();
		}
		json_decref(st);
	}
	return 0;
}

/* The record files' analysis, made while the manifest is computed (the hook below). */
typedef struct analysis {
	const hm_screen *scr;
	const hm_dataset_options *o;
	size_t ncats;
	json_t *sfiles, *scrfiles, *unread;
	totals t;
	hm__dedup *dedup;
	char *buf;
} analysis;

static int analysis_init(analysis *a, const hm_screen *scr, const hm_dataset_options *o)
{
	memset(a, 0, sizeof(*a));
	a->scr = scr;
	a->o = o;
	a->ncats = scr ? hm_screen_category_count(scr) : 0;
	a->sfiles = json_array();
	a->scrfiles = json_array();
	a->unread = json_array();
	a->buf = malloc(READ_CHUNK);
	a->t.cats = calloc(a->ncats ? a->ncats : 1, sizeof(uint64_t));
	a->t.splits = json_object();
	if (!a->sfiles || !a->scrfiles || !a->unread || !a->buf || !a->t.cats || !a->t.splits)
		return hm__err_oom();
	return hm__dedup_new(&a->dedup);
}

static void analysis_free(analysis *a)
{
	json_decref(a->sfiles);
	json_decref(a->scrfiles);
	json_decref(a->unread);
	json_decref(a->t.splits);
	hm__dedup_free(a->dedup);
	free(a->buf);
	free(a->t.cats);
}

/* The manifest hook: scans every record file (in manifest order, numbered by index for the
 * duplicate set), which hashes it too; names the data files that are not read. */
static int analyse_files(void *ctx, const hm_manifest *m, int rootfd, const char *display_root,
			 hm__hashfile *files, size_t n, hm_digest_stats *dstats)
{
	analysis *a = ctx;
	uint64_t total = 0, done = 0;
	char disp[PATH_MAX];
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		const char *name = files[i].name;
		if (hm_dataset_container_for(strcmp(name, ".") ? name : hm_manifest_name(m)))
			total += files[i].size;
	}
	for (i = 0; i < n && rc == 0; i++) {
		const char *name = files[i].name;
		int single = strcmp(name, ".") == 0;
		hm_dataset_container c = hm_dataset_container_for(single ? hm_manifest_name(m) : name);
		hm_dataset_scan *scan = NULL;
		const char *why;

		if (c == HM_CONTAINER_NONE) {
			/* a data file this reader cannot read is named, never counted as empty */
			why = hm__dataset_unread_reason(single ? hm_manifest_name(m) : name);
			if (why && json_array_append_new(a->unread, json_pack("{s:s, s:s}", "name", name,
									      "reason", why)) < 0)
				rc = hm__err_oom();
			continue;
		}
		hm__display_path(disp, sizeof(disp), display_root, name);
		rc = hm__dataset_scan_new(&scan, c, a->scr, a->o, a->dedup, (uint32_t)i);
		if (rc == 0)
			rc = scan_file(scan, rootfd, &files[i], disp, a->buf, &done, total, a->o);
		if (rc == 0)
			rc = add_results(a->sfiles, a->scrfiles, &a->t, scan, name,
					 single ? hm_manifest_name(m) : name, a->ncats);
		if (rc == 0 && dstats) {
			dstats->files_hashed++;
			dstats->bytes_hashed += files[i].size;
		}
		a->t.scanned += rc == 0 ? hm_dataset_scan_count(scan, HM_SCAN_RECORDS) : 0;
		hm_dataset_scan_free(scan);
	}
	return rc;
}

/* The "stats" and "screening" members from the analysis. */
static int analysis_json(json_t **stats, json_t **screening, analysis *a)
{
	const hm_screen *scr = a->scr;
	totals *t = &a->t;
	json_t *cats, *pat;
	size_t i;
	int rc = 0;

	*stats = json_pack("{s:o, s:o, s:o, s:o, s:o, s:s, s:O}", "records", count(t->records),
			   "invalid_records", count(t->invalid), "duplicate_records", count(t->dups),
			   "bytes", count(t->bytes), "schema_errors", count(t->schema), "record_format",
			   hm_record_format_name(t->any_format ? t->format : HM_RECORDS_NONE), "files",
			   a->sfiles);
	if (!*stats || (json_object_size(t->splits) &&
			json_object_set(*stats, "splits", t->splits) < 0) ||
	    (json_array_size(a->unread) && json_object_set(*stats, "unread_files", a->unread) < 0)) {
		rc = hm__err_oom();
		goto out;
	}
	if (!scr)
		goto out;
	cats = json_object();
	pat = json_pack("{s:s, s:o, s:[]}", "sha256", hm_screen_digest(scr), "count",
			count(hm_screen_pattern_count(scr)), "categories");
	if (!cats || !pat) {
		json_decref(cats);
		json_decref(pat);
		rc = hm__err_oom();
		goto out;
	}
	for (i = 0; i < a->ncats; i++) {
		json_array_append_new(json_object_get(pat, "categories"),
				      json_string(hm_screen_category_name(scr, i)));
		json_object_set_new(cats, hm_screen_category_name(scr, i), count(t->cats[i]));
	}
	*screening = json_pack("{s:s, s:o, s:o, s:o, s:o, s:O}", "method", "heuristic-patterns",
			       "patterns", pat, "records_scanned", count(t->scanned),
			       "flagged_records", count(t->flagged), "categories", cats, "files",
			       a->scrfiles);
	if (!*screening)
		rc = hm__err_oom();
out:
	if (rc < 0) {
		json_decref(*stats);
		*stats = NULL;
	}
	return rc;
}

/* {"name", "digest": {"sha256"}, "size"} for every file. */
static json_t *resources(const hm_manifest *m)
{
	json_t *a = json_array(), *r;
	size_t i;

	for (i = 0; a && i < hm_manifest_count(m); i++) {
		r = json_pack("{s:s, s:{s:s}, s:o}", "name", hm_manifest_resource_name(m, i), "digest",
			      "sha256", hm_manifest_resource_digest(m, i), "size",
			      count(hm_manifest_resource_size(m, i)));
		if (!r || json_array_append_new(a, r) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* The manifest's serialization parameters, so a verifier can recompute the root. */
static json_t *serialization(const hm_manifest *m)
{
	json_t *pred, *ser;
	char *text;

	if (hm_manifest_predicate_json(&text, m) < 0)
		return NULL;
	pred = json_loads(text, 0, NULL);
	free(text);
	ser = json_incref(json_object_get(pred, "serialization"));
	json_decref(pred);
	return ser;
}

static int predicate(json_t **out, const char *path, const hm_manifest *m, analysis *a,
		     const hm_dataset_options *o)
{
	json_t *p = json_object(), *v, *stats = NULL, *screening = NULL, *git = NULL;
	int rc;

	*out = NULL;
	if (!p)
		return hm__err_oom();
	if ((rc = set_str(p, "name", o->name, "dataset name")) < 0 ||
	    (o->dataset_version && (rc = set_str(p, "version", o->dataset_version, "version")) < 0) ||
	    (o->license && (rc = set_str(p, "license", o->license, "license")) < 0) ||
	    (o->source && (rc = set_str(p, "source", o->source, "source")) < 0) ||
	    (o->purpose && (rc = set_str(p, "purpose", o->purpose, "purpose")) < 0) ||
	    (o->hub_id && (rc = hm__hub_json(p, "hub", o->hub_id)) < 0))
		goto fail;
	if (!(v = serialization(m)) || json_object_set_new(p, "serialization", v) < 0 ||
	    !(v = resources(m)) || json_object_set_new(p, "resources", v) < 0) {
		rc = hm_error_last_code() ? hm_error_last_code() : hm__err_oom();
		goto fail;
	}
	if ((rc = analysis_json(&stats, &screening, a)) < 0)
		goto fail;
	json_object_set_new(p, "stats", stats);
	if (!(o->flags & HM_DATASET_NO_GIT)) {
		if ((rc = hm__dataset_git_json(&git, path, m)) < 0) {
			json_decref(screening);
			goto fail;
		}
		if (git)
			json_object_set_new(p, "git", git);
	}
	if (screening)
		json_object_set_new(p, "screening", screening);
	*out = p;
	return 0;
fail:
	json_decref(p);
	return rc;
}

int hm_dataset_statement(char **out, const char *path, const hm_dataset_options *opts)
{
	hm_dataset_options v1;
	hm_manifest *m = NULL;
	hm_screen *scr = NULL;
	json_t *pred = NULL, *st = NULL;
	analysis a;
	int rc;

	if (!out)
		return hm__err(HM_EINVAL, "hm_dataset_statement: out is NULL");
	*out = NULL;
	if (opts && opts->version == 1) {
		/* version 1: the fields before hub_id */
		v1 = (hm_dataset_options)HM_DATASET_OPTIONS_INIT;
		memcpy(&v1, opts, offsetof(hm_dataset_options, hub_id));
		v1.version = HM_DATASET_OPTIONS_VERSION;
		opts = &v1;
	}
	if ((rc = check_options(opts)) < 0)
		return rc;
	if (!(opts->flags & HM_DATASET_NO_SCREENING) &&
	    (rc = hm_screen_load(&scr, opts->screen_patterns)) < 0)
		return rc;
	if ((rc = analysis_init(&a, scr, opts)) < 0 ||
	    (rc = hm__manifest_compute_with(&m, path, opts->digest, analyse_files, &a)) < 0 ||
	    (rc = predicate(&pred, path, m, &a, opts)) < 0)
		goto out;
	st = json_pack("{s:s, s:[{s:s, s:{s:s}}], s:s, s:O}", "_type", HM_STATEMENT_TYPE, "subject",
		       "name", opts->name, "digest", "sha256", hm_manifest_root(m), "predicateType",
		       HM_DATASET_PREDICATE_TYPE, "predicate", pred);
	if (!st) {
		rc = hm__err_oom();
		goto out;
	}
	*out = json_dumps(st, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	rc = *out ? 0 : hm__err_oom();
out:
	json_decref(st);
	json_decref(pred);
	analysis_free(&a);
	hm_manifest_free(m);
	hm_screen_free(scr);
	return rc;
}

int hm_dataset_statement_unread(char **out, const char *statement)
{
	json_t *st = json_loads(statement ? statement : "", 0, NULL), *stats, *e, *c;
	hm_buf b = HM_BUF_INIT;
	size_t i, k;
	int rc = 0;

	*out = NULL;
	if (!(stats = json_object_get(json_object_get(st, "predicate"), "stats"))) {
		json_decref(st);
		return hm__err(HM_EINVAL, "not a dataset statement");
	}
	json_array_foreach(json_object_get(stats, "unread_files"), i, e)
		if (rc == 0)
			rc = hm__buf_printf(&b, "%s: %s\n", json_string_value(json_object_get(e, "name")),
					    json_string_value(json_object_get(e, "reason")));
	json_array_foreach(json_object_get(stats, "files"), i, e)
		json_array_foreach(json_object_get(e, "unread_columns"), k, c)
			if (rc == 0)
				rc = hm__buf_printf(&b, "%s: column %s: %s\n",
						    json_string_value(json_object_get(e, "name")),
						    json_string_value(json_object_get(c, "name")),
						    json_string_value(json_object_get(c, "reason")));
	json_decref(st);
	if (rc < 0 || !b.len) {
		hm__buf_free(&b);
		return rc;
	}
	if ((rc = hm__buf_put(&b, "", 1)) < 0) {
		hm__buf_free(&b);
		return rc;
	}
	*out = b.data;
	return 0;
}

const char *hm__dataset_predicate_license(const json_t *statement)
{
	return hm__json_str(json_object_get(statement, "predicate"), "license");
}
