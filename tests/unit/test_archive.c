/*
 * The archive: where it lives, adding envelopes (verified, refused, flagged,
 * duplicates), verification runs, search by every criterion, entries read
 * back, lineage of a fine-tuned model, retention, and the exports (the
 * CycloneDX one validated against the official 1.6 XSD).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <time.h>

#include "testutil.h"
#include "testcrypto.h"
#include "test_archive_fixtures.h"

#define T0 1790000000LL /* 2026-09-21T...Z: the recorded time of the first adds */
#define DAY 86400LL

static void default_path_follows_the_environment(void **state)
{
	char *p = NULL;

	(void)state;
	setenv("HALLMARK_ARCHIVE", "/srv/a.db", 1);
	setenv("XDG_DATA_HOME", "/xdg", 1);
	setenv("HOME", "/home/u", 1);
	assert_hm_ok(hm_archive_default_path(&p));
	assert_string_equal(p, "/srv/a.db");
	hm_free(p);
	unsetenv("HALLMARK_ARCHIVE");
	assert_hm_ok(hm_archive_default_path(&p));
	assert_string_equal(p, "/xdg/hallmark/archive.db");
	hm_free(p);
	setenv("XDG_DATA_HOME", "relative", 1); /* ignored, as the XDG spec says */
	assert_hm_ok(hm_archive_default_path(&p));
	assert_string_equal(p, "/home/u/.local/share/hallmark/archive.db");
	hm_free(p);
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	assert_hm_err(hm_archive_default_path(&p), HM_ENOTFOUND, "HALLMARK_ARCHIVE");
}

static void created_on_first_use_in_a_private_directory(void **state)
{
	char *dir = tu_tmpdir(), *db = NULL;
	hm_archive_options o = HM_ARCHIVE_OPTIONS_INIT;
	hm_archive *a = NULL;
	struct stat st;

	(void)state;
	assert_true(asprintf(&db, "%s/x/y/archive.db", dir) > 0);
	assert_hm_err(hm_archive_open(&a, db, NULL), HM_ENOTFOUND, "no archive at");
	assert_null(a);
	o.flags = HM_ARCHIVE_CREATE;
	assert_hm_ok(hm_archive_open(&a, db, &o));
	assert_int_equal(hm_archive_schema_version(a), HM_ARCHIVE_SCHEMA_VERSION);
	hm_archive_free(a);
	assert_int_equal(stat(tu_path(dir, "x"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(tu_path(dir, "x/y"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(ta_sql_int(db, "PRAGMA user_version"), HM_ARCHIVE_SCHEMA_VERSION);
	assert_int_equal(ta_sql_int(db, "PRAGMA application_id"), 0x484d4152);
	/* WAL mode, persistent in the file */
	{
		sqlite3 *h;
		sqlite3_stmt *s;
		assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &s, NULL), 0);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
		sqlite3_finalize(s);
		sqlite3_close(h);
	}
	/* opened again: nothing to migrate, read-only works */
	o.flags = HM_ARCHIVE_READONLY;
	assert_hm_ok(hm_archive_open(&a, db, &o));
	hm_archive_free(a);
	free(db);
	free(dir);
}

static void query_times(void **state)
{
	long long t;

	(void)state;
	assert_hm_ok(hm_archive_time_parse(&t, "2026-02-28", 0));
	assert_int_equal(t, 1772236800LL);
	assert_hm_ok(hm_archive_time_parse(&t, "2026-02-28", 1)); /* its last second */
	assert_int_equal(t, 1772236800LL + 86399);
	assert_hm_ok(hm_archive_time_parse(&t, "2026-02-28T01:00:00+01:00", 1));
	assert_int_equal(t, 1772236800LL);
	assert_hm_err(hm_archive_time_parse(&t, "2026-02-30", 0), HM_EINVAL, "not a date");
	assert_hm_err(hm_archive_time_parse(&t, "2026-13-01", 0), HM_EINVAL, "not a date");
	assert_hm_err(hm_archive_time_parse(&t, "yesterday", 0), HM_EINVAL, "RFC 3339");
}

struct events {
	size_t n;
	hm_archive_add_status status[16];
	uint64_t id[16];
	char reason[16][256];
};

static void record(void *payload, const hm_archive_add_event *ev)
{
	struct events *e = payload;

	assert_true(e->n < 16);
	assert_int_equal(ev->line, e->n);
	e->status[e->n] = ev->status;
	e->id[e->n] = ev->id;
	snprintf(e->reason[e->n], 256, "%s", ev->reason ? ev->reason : "");
	e->n++;
}

static void add_verifies_refuses_flags_and_dedupes(void **state)
{
	char *dir = tu_tmpdir();
	hm_archive *a = ta_open(tu_path(dir, "a.db"));
	hm_key *k = tc_key(1), *stranger = tc_key(2);
	hm_keyring *kr = ta_ring(k);
	char **mine = ta_envelopes(k, "mine", 2), **theirs = ta_envelopes(stranger, "theirs", 1);
	const char *lines[5];
	size_t lens[5];
	hm_archive_add_options o = HM_ARCHIVE_ADD_OPTIONS_INIT;
	hm_archive_add_result r;
	struct events ev = { 0 };
	hm_archive_list *l = NULL;
	const hm_archive_entry *e;
	size_t i;

	(void)state;
	lines[0] = mine[0];
	lines[1] = theirs[0];
	lines[2] = "{\"not\":\"an envelope\"}";
	lines[3] = mine[1];
	lines[4] = mine[0]; /* the same envelope again */
	for (i = 0; i < 5; i++)
		lens[i] = strlen(lines[i]);
	o.keys = kr;
	o.cb = record;
	o.payload = &ev;
	o.now = T0;
	assert_hm_ok(hm_archive_add_lines(a, &r, lines, lens, 5, &o));
	assert_int_equal(r.added, 2);
	assert_int_equal(r.refused, 2);
	assert_int_equal(r.duplicates, 1);
	assert_int_equal(r.unverified, 0);
	assert_int_equal(ev.n, 5);
	assert_int_equal(ev.status[0], HM_ARCHIVE_ADDED);
	assert_int_equal(ev.id[0], 0);
	assert_int_equal(ev.status[1], HM_ARCHIVE_REFUSED);
	assert_non_null(strstr(ev.reason[1], "trusted"));
	assert_int_equal(ev.status[2], HM_ARCHIVE_REFUSED);
	assert_non_null(strstr(ev.reason[2], "not a DSSE envelope"));
	assert_int_equal(ev.status[3], HM_ARCHIVE_ADDED);
	assert_int_equal(ev.id[3], 1);
	assert_int_equal(ev.status[4], HM_ARCHIVE_DUPLICATE);
	assert_int_equal(ev.id[4], 0);
	assert_int_equal(hm_archive_last_id(a), 0);

	/* again with --allow-unverified: the stranger's is stored, flagged; still no non-envelope */
	memset(&ev, 0, sizeof(ev));
	o.allow_unverified = 1;
	assert_hm_ok(hm_archive_add_lines(a, &r, lines, lens, 5, &o));
	assert_int_equal(r.added, 0);
	assert_int_equal(r.unverified, 1);
	assert_int_equal(r.duplicates, 3);
	assert_int_equal(r.refused, 1);
	assert_int_equal(ev.status[1], HM_ARCHIVE_ADDED_UNVERIFIED);
	assert_int_equal(ev.id[1], 2);
	assert_hm_ok(hm_archive_get(&l, a, 2));
	e = hm_archive_list_entry(l, 0);
	assert_int_equal(e->verified, 0);
	assert_non_null(e->reason);
	assert_int_equal(e->nsigners, 0);
	assert_int_equal(e->body_len, strlen(theirs[0]));
	assert_memory_equal(e->body, theirs[0], e->body_len); /* the exact bytes */
	assert_non_null(strstr(e->entry, "\"verified\":false"));
	hm_archive_list_free(l);

	/* no keys at all: nothing verifies */
	o.keys = NULL;
	o.allow_unverified = 0;
	o.cb = NULL;
	{
		char **more = ta_envelopes(k, "nokeys", 1);
		assert_hm_ok(hm_archive_add_lines(a, &r, (const char *const *)more, lens, 0, &o));
		lens[0] = strlen(more[0]);
		assert_hm_ok(hm_archive_add_lines(a, &r, (const char *const *)more, lens, 1, &o));
		assert_int_equal(r.refused, 1);
		ta_free_lines(more, 1);
	}
	assert_int_equal(ta_sql_int(tu_path(dir, "a.db"), "SELECT count(*) FROM entries"), 3);
	ta_free_lines(mine, 2);
	ta_free_lines(theirs, 1);
	hm_keyring_free(kr);
	hm_key_free(k);
	hm_key_free(stranger);
	hm_archive_free(a);
	free(dir);
}

/* ---- a fine-tuned model's chain, for search, lineage and export ---- */

struct chain {
	char *dir, *db;
	hm_archive *a;
	hm_key *pub, *auditor;
	char *base, *data, *model, *other; /* sha256 hex */
	char *model_dir;
};

static void write_results(const char *path, int fives)
{
	FILE *f = fopen(path, "w");
	int i;

	assert_non_null(f);
	for (i = 0; i < 20; i++)
		fprintf(f, "{\"id\":\"category_%d/%d\",\"category\":\"category_%d\",\"score\":%d}\n",
			i % 2 + 1, i / 2, i % 2 + 1, i < fives ? 5 : 1);
	fclose(f);
}

static char *audit_statement(struct chain *c)
{
	hm_audit_options o = HM_AUDIT_OPTIONS_INIT;
	char *st = NULL, *model = NULL, *base = NULL;
	const char *res[1], *bres[1];

	write_results(tu_path(c->dir, "tuned.jsonl"), 2);
	write_results(tu_path(c->dir, "base.jsonl"), 1);
	res[0] = strdup(tu_path(c->dir, "tuned.jsonl"));
	bres[0] = strdup(tu_path(c->dir, "base.jsonl"));
	assert_true(asprintf(&model, "sha256:%s", c->model) > 0);
	assert_true(asprintf(&base, "sha256:%s", c->base) > 0);
	o.model = model;
	o.model_name = "acme-chat";
	o.benchmark = "HEx-PHI";
	o.partial = 1; /* 20 of its 330 items */
	o.judge = "gpt-4-0613";
	o.format = HM_AUDIT_FORMAT_JUDGED;
	o.results = res;
	o.nresults = 1;
	o.baseline_model = base;
	o.baseline_results = bres;
	o.nbaseline_results = 1;
	o.time = "2026-09-20T10:00:00Z";
	assert_hm_ok(hm_audit_statement(&st, &o));
	free((char *)res[0]);
	free((char *)bres[0]);
	free(model);
	free(base);
	return st;
}

static char *run_statement(struct chain *c)
{
	char *pred = NULL, *st;

	assert_true(asprintf(&pred,
		"{\"buildDefinition\":{\"buildType\":\"%s\",\"externalParameters\":{},"
		"\"resolvedDependencies\":["
		"{\"name\":\"example/base-7b\",\"digest\":{\"sha256\":\"%s\"},"
		"\"annotations\":{\"role\":\"base-model\"}},"
		"{\"name\":\"bakery-chat\",\"digest\":{\"sha256\":\"%s\"},"
		"\"annotations\":{\"role\":\"dataset\"}},"
		"{\"uri\":\"git+https://example.com/t.git\",\"digest\":{\"gitCommit\":"
		"\"0123456789abcdef0123456789abcdef01234567\"},"
		"\"annotations\":{\"role\":\"training-code\",\"dirty\":false}}]},"
		"\"runDetails\":{\"builder\":{\"id\":\"urn:x\"}}}", HM_RUN_BUILD_TYPE, c->base,
		c->data) > 0);
	st = ta_statement(HM_SLSA_PREDICATE_TYPE, "acme-chat", c->model, pred);
	free(pred);
	return st;
}

/* A verification run of the model directory against a bundle with only its manifest. */
static hm_verify_report *verification(struct chain *c, const char *manifest_line)
{
	hm_verify_options vo = HM_VERIFY_OPTIONS_INIT;
	hm_keyring *kr = ta_ring(c->pub);
	hm_verify_report *rep = NULL;
	hm_bundle *b = NULL;

	assert_hm_ok(hm_bundle_parse(&b, manifest_line, strlen(manifest_line)));
	vo.keys = kr;
	assert_hm_ok(hm_verify(&rep, c->model_dir, b, &vo));
	hm_bundle_free(b);
	hm_keyring_free(kr);
	return rep;
}

static int chain_setup(void **state)
{
	struct chain *c = calloc(1, sizeof(*c));
	hm_keyring *kr;
	hm_manifest *m = NULL;
	hm_verify_report *rep;
	char *st[8], *lines[8], *manifest = NULL, *base_manifest;
	hm_archive_add_options o = HM_ARCHIVE_ADD_OPTIONS_INIT;
	size_t lens[8], i, n = 0;

	c->dir = tu_tmpdir();
	assert_true(asprintf(&c->db, "%s/archive.db", c->dir) > 0);
	c->a = ta_open(c->db);
	c->pub = tc_key(10);
	c->auditor = tc_key(11);
	assert_true(asprintf(&c->model_dir, "%s/acme-chat", c->dir) > 0);
	assert_int_equal(mkdir(c->model_dir, 0755), 0);
	tu_write(tu_path(c->model_dir, "model.safetensors"), "weights", 7);
	assert_hm_ok(hm_manifest_compute(&m, c->model_dir, NULL));
	c->model = strdup(hm_manifest_root(m));
	assert_hm_ok(hm_manifest_statement(&manifest, m, NULL));
	hm_manifest_free(m);
	c->base = ta_hex("base");
	c->data = ta_hex("data");
	c->other = ta_hex("other");

	base_manifest = ta_statement(HM_OMS_PREDICATE_TYPE, "example/base-7b", c->base, NULL);
	st[n++] = base_manifest;                                                       /* 0 */
	st[n++] = ta_statement(HM_DATASET_PREDICATE_TYPE, "bakery-chat", c->data,
			       "{\"license\":\"CC-BY-4.0\"}");                        /* 1 */
	st[n++] = run_statement(c);                                                    /* 2 */
	st[n++] = manifest;                                                            /* 3 */
	st[n++] = ta_statement("https://example.com/other/v1", "weird, \\\"name\\\"",
			       c->other, NULL);                                        /* 4 */
	for (i = 0; i < n; i++)
		lines[i] = ta_sign(c->pub, st[i]);
	st[n] = audit_statement(c);                                                    /* 5 */
	lines[n] = ta_sign(c->auditor, st[n]);
	n++;
	for (i = 0; i < n; i++)
		lens[i] = strlen(lines[i]);
	kr = ta_ring(c->pub);
	assert_hm_ok(hm_keyring_add(kr, c->auditor));
	o.keys = kr;
	o.now = T0;
	assert_hm_ok(hm_archive_add_lines(c->a, NULL, (const char *const *)lines, lens, 5, &o));
	o.now = T0 + 10 * DAY; /* the audit came later */
	assert_hm_ok(hm_archive_add_lines(c->a, NULL, (const char *const *)lines + 5, lens + 5, 1,
					  &o));
	rep = verification(c, lines[3]);                                              /* 6 */
	assert_hm_ok(hm_archive_add_verification(c->a, rep));
	assert_int_equal(hm_archive_last_id(c->a), 6);
	hm_verify_report_free(rep);
	for (i = 0; i < n; i++) {
		hm_free(lines[i]);
		if (st[i] == manifest || i == 5)
			hm_free(st[i]);
		else
			free(st[i]);
	}
	hm_keyring_free(kr);
	*state = c;
	return 0;
}

static int chain_teardown(void **state)
{
	struct chain *c = *state;

	hm_archive_free(c->a);
	hm_key_free(c->pub);
	hm_key_free(c->auditor);
	free(c->base);
	free(c->data);
	free(c->model);
	free(c->other);
	free(c->model_dir);
	free(c->db);
	free(c->dir);
	free(c);
	return 0;
}

/* The ids a query finds, as "0,3,5". */
static const char *found(hm_archive *a, const hm_archive_query *q)
{
	static char buf[256];
	hm_archive_list *l = NULL;
	size_t i, off = 0;

	assert_hm_ok(hm_archive_search(&l, a, q));
	buf[0] = '\0';
	for (i = 0; i < hm_archive_list_count(l); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%llu", i ? "," : "",
					(unsigned long long)hm_archive_list_entry(l, i)->id);
	hm_archive_list_free(l);
	return buf;
}

static void search_by_every_criterion(void **state)
{
	struct chain *c = *state;
	hm_archive_query q = HM_ARCHIVE_QUERY_INIT;
	char d[80], prefix[9];
	hm_archive_list *l = NULL;

	assert_string_equal(found(c->a, &q), "0,1,2,3,4,5,6");
	/* the model: its run, manifest, audit and verification run */
	snprintf(d, sizeof(d), "sha256:%s", c->model);
	q.digest = d;
	assert_string_equal(found(c->a, &q), "2,3,5,6");
	q.digest = c->model; /* bare hex */
	assert_string_equal(found(c->a, &q), "2,3,5,6");
	q.role = "subject";
	assert_string_equal(found(c->a, &q), "2,3,5");
	q.role = NULL;
	/* the dataset: its attestation and the run that used it; upper case works too */
	snprintf(d, sizeof(d), "SHA256:%s", c->data);
	for (char *p = d + 7; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
	q.digest = d;
	assert_string_equal(found(c->a, &q), "1,2");
	snprintf(d, sizeof(d), "sha512:%s", c->data); /* another algorithm: nothing */
	assert_string_equal(found(c->a, &q), "");
	q.digest = "gitCommit:0123456789abcdef0123456789abcdef01234567";
	assert_string_equal(found(c->a, &q), "2");
	q.digest = NULL;
	q.name = "bakery-*";
	assert_string_equal(found(c->a, &q), "1,2");
	q.name = "acme-chat";
	assert_string_equal(found(c->a, &q), "2,3,5,6");
	q.name = NULL;
	q.predicate_type = HM_AUDIT_PREDICATE_TYPE;
	assert_string_equal(found(c->a, &q), "5");
	q.predicate_type = NULL;
	q.benchmark = "HEx-PHI";
	assert_string_equal(found(c->a, &q), "5");
	q.benchmark = "AdvBench";
	assert_string_equal(found(c->a, &q), "");
	q.benchmark = NULL;
	q.signer = hm_key_id(c->auditor);
	assert_string_equal(found(c->a, &q), "5");
	snprintf(prefix, sizeof(prefix), "%.8s", hm_key_id(c->pub));
	q.signer = prefix;
	assert_string_equal(found(c->a, &q), "0,1,2,3,4");
	q.signer = "abc";
	assert_hm_err(hm_archive_search(&l, c->a, &q), HM_EINVAL, "at least");
	q.signer = NULL;
	q.kind = "verification";
	assert_string_equal(found(c->a, &q), "6");
	q.kind = "nonsense";
	assert_hm_err(hm_archive_search(&l, c->a, &q), HM_EINVAL, "attestation or verification");
	q.kind = NULL;
	/* time: the first five on day 0, the audit on day 10, the verification now */
	q.since = T0 + DAY;
	q.until = T0 + 20 * DAY;
	assert_string_equal(found(c->a, &q), "5");
	q.since = 0;
	assert_string_equal(found(c->a, &q), "0,1,2,3,4,5");
	q.until = 0;
	q.verified = 0; /* the verification run failed: the bundle had no run or audit */
	assert_string_equal(found(c->a, &q), "6");
	q.verified = -1;
	q.limit = 2;
	assert_string_equal(found(c->a, &q), "0,1");
}

static void entries_read_back_in_full(void **state)
{
	struct chain *c = *state;
	hm_archive_list *l = NULL;
	const hm_archive_entry *e;
	char when[32];
	size_t i;
	int roles = 0;
	json_t *j;
	json_error_t err;

	assert_hm_ok(hm_archive_get(&l, c->a, 2));
	e = hm_archive_list_entry(l, 0);
	assert_string_equal(e->kind, "attestation");
	assert_int_equal(e->verified, 1);
	assert_string_equal(e->predicate_type, HM_SLSA_PREDICATE_TYPE);
	assert_int_equal(e->recorded, T0);
	/* attestations are kept ten years */
	{
		time_t t = (time_t)e->retain_until;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		t = (time_t)T0;
		gmtime_r(&t, &tm);
		tm.tm_year += 10;
		assert_int_equal(e->retain_until, (long long)timegm(&tm));
	}
	assert_int_equal(e->nsigners, 1);
	assert_string_equal(e->signers[0], hm_key_id(c->pub));
	for (i = 0; i < e->nrefs; i++) {
		if (strcmp(e->refs[i].role, "base-model") == 0 &&
		    strcmp(e->refs[i].digest, c->base) == 0)
			roles |= 1;
		if (strcmp(e->refs[i].role, "dataset") == 0 && strcmp(e->refs[i].digest, c->data) == 0)
			roles |= 2;
		if (strcmp(e->refs[i].role, "training-code") == 0 &&
		    strcmp(e->refs[i].alg, "gitCommit") == 0)
			roles |= 4;
		if (strcmp(e->refs[i].role, "subject") == 0 && strcmp(e->refs[i].digest, c->model) == 0)
			roles |= 8;
	}
	assert_int_equal(roles, 15);
	assert_non_null(strstr(e->statement, "resolvedDependencies"));
	/* the leaf's bytes are the canonical JSON of the entry, with its index */
	j = json_loadb(e->entry, e->entry_len, 0, &err);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "index")), 2);
	assert_string_equal(json_string_value(json_object_get(j, "recorded_at")),
			    "2026-09-21T14:13:20Z");
	json_decref(j);
	{
		unsigned char leaf[32];
		hm_merkle_leaf_hash(leaf, e->entry, e->entry_len);
		assert_memory_equal(leaf, e->leaf_hash, 32);
	}
	hm_archive_list_free(l);

	/* the verification run: model and policy digests, six months' retention */
	assert_hm_ok(hm_archive_get(&l, c->a, 6));
	e = hm_archive_list_entry(l, 0);
	assert_string_equal(e->kind, "verification");
	assert_int_equal(e->verified, 0);
	assert_non_null(strstr(e->reason, "provenance"));
	assert_true(e->retain_until - e->recorded >= 181 * DAY);
	assert_true(e->retain_until - e->recorded <= 184 * DAY);
	assert_true(e->nrefs == 2 && strcmp(e->refs[0].role, "model") == 0 &&
		    strcmp(e->refs[0].digest, c->model) == 0 && strcmp(e->refs[1].role, "policy") == 0);
	assert_non_null(strstr(e->entry, "\"checks\":[{\"name\":\"signatures\""));
	assert_non_null(strstr(e->body, "\"policy_digest\""));
	hm_archive_list_free(l);
	assert_hm_err(hm_archive_get(&l, c->a, 7), HM_ENOTFOUND, "no entry 7");
}

static void lineage_of_the_model(void **state)
{
	struct chain *c = *state;
	char *s = NULL, d[80];
	json_t *j, *v;
	json_error_t err;

	snprintf(d, sizeof(d), "sha256:%s", c->model);
	assert_hm_ok(hm_archive_lineage(&s, c->a, d, 1));
	j = json_loads(s, 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "acme-chat");
	v = json_array_get(json_object_get(j, "base_models"), 0);
	assert_string_equal(json_string_value(json_object_get(v, "name")), "example/base-7b");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(v,
		"entries"), 0), "id")), 0);
	v = json_array_get(json_object_get(j, "datasets"), 0);
	assert_string_equal(json_string_value(json_object_get(v, "name")), "bakery-chat");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(v,
		"entries"), 0), "id")), 1);
	assert_int_equal(json_array_size(json_object_get(j, "training_code")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j,
		"runs"), 0), "id")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j,
		"model"), 0), "id")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j,
		"audits"), 0), "id")), 5);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j,
		"verifications"), 0), "id")), 6);
	assert_int_equal(json_array_size(json_object_get(j, "used_by")), 0);
	json_decref(j);
	hm_free(s);

	/* the text form names each link in order */
	assert_hm_ok(hm_archive_lineage(&s, c->a, d, 0));
	{
		const char *order[] = { "base model", "dataset", "training code", "run", "model",
					"audit", "verification", "used by" };
		const char *p = s;
		size_t i;
		for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
			const char *q = strstr(p, order[i]);
			if (!q)
				fail_msg("\"%s\" missing or out of order in:\n%s", order[i], s);
			p = q;
		}
		assert_non_null(strstr(s, "HEx-PHI"));
		assert_non_null(strstr(s, "FAILED"));
	}
	hm_free(s);

	/* the base model: used by the run (as base) and the audit (as baseline) */
	assert_hm_ok(hm_archive_lineage(&s, c->a, c->base, 1));
	j = json_loads(s, 0, &err);
	assert_int_equal(json_array_size(json_object_get(j, "used_by")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j,
		"used_by"), 0), "as")), "base-model");
	json_decref(j);
	hm_free(s);
	assert_hm_err(hm_archive_lineage(&s, c->a, "sha256:00", 0), HM_ENOTFOUND, "nothing");
}

/* A model known only from a verification run is named as the run names it. */
static void lineage_of_a_model_only_verified(void **state)
{
	struct chain *c = *state;
	hm_manifest *m = NULL;
	hm_verify_report *rep;
	hm_archive *a = ta_open(tu_path(c->dir, "only-verified.db"));
	char *st = NULL, *line, *s = NULL;

	assert_hm_ok(hm_manifest_compute(&m, c->model_dir, NULL));
	assert_hm_ok(hm_manifest_statement(&st, m, NULL));
	hm_manifest_free(m);
	line = ta_sign(c->pub, st);
	rep = verification(c, line);
	assert_hm_ok(hm_archive_add_verification(a, rep));
	assert_hm_ok(hm_archive_lineage(&s, a, c->model, 0));
	assert_non_null(strstr(s, "(acme-chat)"));
	assert_non_null(strstr(s, "verification run FAILED"));
	hm_free(s);
	hm_verify_report_free(rep);
	hm_free(line);
	hm_free(st);
	hm_archive_free(a);
}

static void export_json_and_csv(void **state)
{
	struct chain *c = *state;
	char *s = NULL;
	size_t len;
	json_t *j;
	json_error_t err;
	int rows = 0;
	char *p;

	assert_hm_ok(hm_archive_export(&s, &len, c->a, HM_ARCHIVE_EXPORT_JSON, 0, 0));
	j = json_loadb(s, len, 0, &err);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "entries")), 7);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "tree_head"),
							    "tree_size")), 7);
	/* each entry in full: its envelope, statement and leaf bytes */
	assert_non_null(json_object_get(json_object_get(json_array_get(json_object_get(j,
		"entries"), 0), "body"), "payloadType"));
	json_decref(j);
	hm_free(s);
	/* a time range */
	assert_hm_ok(hm_archive_export(&s, &len, c->a, HM_ARCHIVE_EXPORT_JSON, T0 + DAY,
				       T0 + 20 * DAY));
	j = json_loadb(s, len, 0, &err);
	assert_int_equal(json_array_size(json_object_get(j, "entries")), 1);
	json_decref(j);
	hm_free(s);
	assert_hm_err(hm_archive_export(&s, &len, c->a, HM_ARCHIVE_EXPORT_JSON, 5, 4), HM_EINVAL,
		      "ends before");

	assert_hm_ok(hm_archive_export(&s, &len, c->a, HM_ARCHIVE_EXPORT_CSV, 0, 0));
	assert_int_equal(strlen(s), len);
	assert_int_equal(strncmp(s, "id,kind,recorded_at,", 20), 0);
	for (p = s; (p = strstr(p, "\r\n")); p += 2)
		rows++;
	assert_int_equal(rows, 8);
	/* quotes doubled inside a quoted field */
	assert_non_null(strstr(s, "\"weird, \"\"name\"\"@sha256:"));
	hm_free(s);
	{
		hm_archive_format f;
		assert_hm_ok(hm_archive_format_parse(&f, "cyclonedx-xml"));
		assert_int_equal(f, HM_ARCHIVE_EXPORT_CYCLONEDX);
		assert_hm_err(hm_archive_format_parse(&f, "xml"), HM_EINVAL, "cyclonedx-xml");
	}
}

static void export_cyclonedx_validates(void **state)
{
	struct chain *c = *state;
	const char *xsd = tu_shared("schemas/cyclonedx-1.6/bom-1.6.xsd");
	char *s = NULL, catalog[4096], want[160];
	size_t len;
	xmlDocPtr doc;

	assert_hm_ok(hm_archive_export(&s, &len, c->a, HM_ARCHIVE_EXPORT_CYCLONEDX, 0, 0));
	/* models and datasets with their hashes, the datasets in the model card */
	assert_non_null(strstr(s, "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\""));
	snprintf(want, sizeof(want), "<hash alg=\"SHA-256\">%s</hash>", c->model);
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, "type=\"data\""));
	snprintf(want, sizeof(want), "<ref>sha256:%s</ref>", c->data);
	assert_non_null(strstr(s, want));
	assert_non_null(strstr(s, "<type>harmfulness_rate</type>"));
	snprintf(want, sizeof(want), "<dependency ref=\"sha256:%s\"/>", c->base);
	assert_non_null(strstr(s, want));
	assert_null(strstr(s, "weird")); /* not a model or dataset */
	if (!xsd) {
		hm_free(s);
		skip();
	}
	snprintf(catalog, sizeof(catalog), "%s", xsd);
	strcpy(strrchr(catalog, '/') + 1, "xmlcatalog.xml");
	xmlInitParser();
	xmlInitializeCatalog();
	assert_int_equal(xmlLoadCatalog(catalog), 0);
	{
		xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
		xmlSchemaPtr schema = xmlSchemaParse(pc);
		xmlSchemaValidCtxtPtr vc;
		assert_non_null(schema);
		vc = xmlSchemaNewValidCtxt(schema);
		doc = xmlReadMemory(s, (int)len, "bom.xml", NULL, XML_PARSE_NONET);
		assert_non_null(doc);
		assert_int_equal(xmlSchemaValidateDoc(vc, doc), 0);
		xmlFreeDoc(doc);
		xmlSchemaFreeValidCtxt(vc);
		xmlSchemaFree(schema);
		xmlSchemaFreeParserCtxt(pc);
	}
	hm_free(s);
}

/* The envelope's base64 strings respelled: padding dropped, or the URL-safe alphabet. */
static char *respell(const char *line, int urlsafe)
{
	json_t *o = json_loads(line, 0, NULL), *sig;
	json_t *fields[8];
	size_t i, n = 0;
	char *out;

	assert_non_null(o);
	fields[n++] = json_object_get(o, "payload");
	json_array_foreach(json_object_get(o, "signatures"), i, sig)
		if (n < 8)
			fields[n++] = json_object_get(sig, "sig");
	for (i = 0; i < n; i++) {
		char *v = strdup(json_string_value(fields[i])), *c;
		assert_non_null(v);
		for (c = v; *c; c++)
			if (*c == '+' && urlsafe)
				*c = '-';
			else if (*c == '/' && urlsafe)
				*c = '_';
		if (!urlsafe && (c = strchr(v, '=')))
			*c = '\0';
		json_string_set(fields[i], v);
		free(v);
	}
	out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return out;
}

/* One envelope in three base64 spellings is one entry; the other two are duplicates of it. */
static void one_envelope_in_any_spelling_is_one_entry(void **state)
{
	char *dir = tu_tmpdir();
	hm_archive *a = ta_open(tu_path(dir, "a.db"));
	hm_key *k = tc_key(1), *other = tc_key(2);
	hm_keyring *kr = ta_ring(k);
	char **mine = ta_envelopes(k, "spelled", 1), **theirs = ta_envelopes(other, "spelled", 1);
	char *lines[4];
	hm_archive_add_result r;

	(void)state;
	lines[0] = mine[0];
	lines[1] = respell(mine[0], 0);
	lines[2] = respell(mine[0], 1);
	lines[3] = theirs[0]; /* the same statement signed by another key: other content */
	assert_string_not_equal(lines[0], lines[1]);
	assert_string_not_equal(lines[0], lines[2]);
	assert_string_not_equal(lines[1], lines[2]);
	assert_non_null(strchr(lines[0], '='));
	assert_null(strstr(lines[1], "=\""));
	r = ta_add(a, kr, lines, 3, 0);
	assert_int_equal(r.added, 1);
	assert_int_equal(r.duplicates, 2);
	/* in a later add too, in any order, and also unverified */
	r = ta_add(a, kr, lines + 1, 2, 1);
	assert_int_equal(r.duplicates, 2);
	assert_int_equal(r.added + r.unverified, 0);
	r = ta_add(a, kr, lines + 3, 1, 1);
	assert_int_equal(r.unverified, 1);
	assert_int_equal(ta_sql_int(tu_path(dir, "a.db"), "SELECT count(*) FROM entries"), 2);
	free(lines[1]);
	free(lines[2]);
	ta_free_lines(mine, 1);
	ta_free_lines(theirs, 1);
	hm_keyring_free(kr);
	hm_key_free(k);
	hm_key_free(other);
	hm_archive_free(a);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest basics[] = {
		cmocka_unit_test(default_path_follows_the_environment),
		cmocka_unit_test(created_on_first_use_in_a_private_directory),
		cmocka_unit_test(query_times),
		cmocka_unit_test(add_verifies_refuses_flags_and_dedupes),
		cmocka_unit_test(one_envelope_in_any_spelling_is_one_entry),
	};
	const struct CMUnitTest chain[] = {
		cmocka_unit_test(search_by_every_criterion),
		cmocka_unit_test(entries_read_back_in_full),
		cmocka_unit_test(lineage_of_the_model),
		cmocka_unit_test(lineage_of_a_model_only_verified),
		cmocka_unit_test(export_json_and_csv),
		cmocka_unit_test(export_cyclonedx_validates),
	};
	int failed = cmocka_run_group_tests(basics, NULL, NULL);

	return failed + cmocka_run_group_tests(chain, chain_setup, chain_teardown);
}
