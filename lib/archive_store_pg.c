/*
 * The archive in a PostgreSQL database (libpq), for logs that writers on many
 * machines share. One writer at a time: a write transaction first takes a
 * transaction-scoped advisory lock, so appends from every connection form
 * one linear log; a writer that dies mid-append leaves an aborted
 * transaction, and every committed one stays. Reads run in a REPEATABLE READ
 * snapshot. The schema is the SQLite one in PostgreSQL types (bytea, bigint);
 * refs and signers get a serial "rowid" column so that "ORDER BY rowid"
 * keeps their insertion order as in SQLite. The schema version is the meta
 * row schema_version, next to the row application = 'hallmark archive'.
 *
 * Parameters and results travel in binary form: no escaping of bytes.
 */
#include "archive_impl.h"

#include "pqload.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PARAMS 32
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define APPLICATION "hallmark archive"

struct pg {
	PGconn *conn;
	char *msg;        /* the last error */
	int code;         /* its hallmark code */
	int create;       /* HM_ARCHIVE_CREATE: an empty database may become an archive */
	unsigned names;   /* server-side prepared statements made */
};

struct pg_q {
	hm__q base;
	hm_archive *a;
	char *sql;
	int nparams, keep, prepared, started, row, nrows;
	char name[24];
	const char *vals[MAX_PARAMS];
	int lens[MAX_PARAMS], fmts[MAX_PARAMS];
	Oid types[MAX_PARAMS];
	unsigned char nums[MAX_PARAMS][8];
	char scratch[24];
	PGresult *res;
};

#define PG(a) ((struct pg *)(a)->store)
#define Q(q) ((struct pg_q *)(q))

static void set_error(hm_archive *a, const PGresult *res, const char *fallback)
{
	struct pg *p = PG(a);
	const char *m = res ? PQresultErrorMessage(res) : NULL;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	size_t n;

	if (!m || !*m)
		m = p->conn ? PQerrorMessage(p->conn) : fallback;
	if (!m || !*m)
		m = fallback;
	free(p->msg);
	p->msg = strdup(m);
	/* libpq's messages end in a newline, sometimes with a DETAIL line */
	for (n = p->msg ? strlen(p->msg) : 0; n > 0 && (p->msg[n - 1] == '\n' || p->msg[n - 1] == ' ');)
		p->msg[--n] = '\0';
	for (n = 0; p->msg && p->msg[n]; n++)
		if (p->msg[n] == '\n')
			p->msg[n] = ' ';
	p->code = !state ? HM_EIO
		  : strncmp(state, "23", 2) == 0 ? HM_EVERIFY
		  : strcmp(state, "53200") == 0 ? HM_ENOMEM : HM_EIO;
}

static int pg_error(hm_archive *a, const char **msg)
{
	*msg = PG(a) && PG(a)->msg ? PG(a)->msg : "unknown error";
	return PG(a) ? PG(a)->code : HM_EIO;
}

/* Runs sql (one or more statements) without parameters. */
static int run(hm_archive *a, const char *sql, const char *what)
{
	PGresult *res = PQexec(PG(a)->conn, sql);
	ExecStatusType s = PQresultStatus(res);

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		set_error(a, res, "out of memory");
		PQclear(res);
		return hm__archive_sql_err(a, what);
	}
	PQclear(res);
	return 0;
}

static int pg_exec(hm_archive *a, const char *sql) { return run(a, sql, "SQL failed"); }

/* ?N becomes $N (outside quoted text); nparams is the largest N. */
static char *translate(const char *sql, int *nparams)
{
	char *out = malloc(strlen(sql) + 1), *o = out;
	int quoted = 0, next = 0;

	*nparams = 0;
	if (!out)
		return NULL;
	for (; *sql; sql++) {
		if (*sql == '\'')
			quoted = !quoted;
		if (quoted || *sql != '?') {
			*o++ = *sql;
			continue;
		}
		*o++ = '$';
		if (sql[1] >= '0' && sql[1] <= '9') {
			int n = atoi(sql + 1);
			if (n > *nparams)
				*nparams = n;
			next = n;
		} else {
			o += sprintf(o, "%d", ++next); /* "?" is one char, "$n" more: bare ? unused */
			if (next > *nparams)
				*nparams = next;
		}
	}
	*o = '\0';
	return out;
}

static void pg_unbind(hm__q *q)
{
	struct pg_q *p = Q(q);
	int i;

	for (i = 0; i < MAX_PARAMS; i++) {
		p->vals[i] = NULL;
		p->lens[i] = 0;
		p->fmts[i] = 1;
		if (!p->prepared)
			p->types[i] = 0;
	}
}

static int pg_prepare(hm_archive *a, hm__q **out, const char *sql, int keep)
{
	struct pg_q *q = calloc(1, sizeof(*q));

	*out = NULL;
	if (!q || !(q->sql = translate(sql, &q->nparams))) {
		free(q);
		return hm__err_oom();
	}
	if (q->nparams > MAX_PARAMS) {
		free(q->sql);
		free(q);
		return hm__err(HM_EINVAL, "a query with more than %d parameters", MAX_PARAMS);
	}
	q->base.ops = &hm__store_pg;
	q->a = a;
	q->keep = keep;
	if (keep)
		snprintf(q->name, sizeof(q->name), "hm_%u", ++PG(a)->names);
	pg_unbind(&q->base);
	*out = &q->base;
	return 0;
}

static void pg_reset(hm__q *q)
{
	PQclear(Q(q)->res);
	Q(q)->res = NULL;
	Q(q)->started = 0;
}

static void pg_finalize(hm__q *q)
{
	pg_reset(q);
	free(Q(q)->sql);
	free(q);
}

static void param(struct pg_q *q, int i, const void *v, int len, Oid type)
{
	if (i < 1 || i > MAX_PARAMS)
		return;
	q->vals[i - 1] = v;
	q->lens[i - 1] = len;
	q->fmts[i - 1] = 1;
	if (!q->prepared)
		q->types[i - 1] = type;
}

static void pg_bind_int64(hm__q *q, int i, long long v)
{
	unsigned long long u = (unsigned long long)v;
	int k;

	if (i < 1 || i > MAX_PARAMS)
		return;
	for (k = 7; k >= 0; k--, u >>= 8)
		Q(q)->nums[i - 1][k] = (unsigned char)(u & 0xff);
	param(Q(q), i, Q(q)->nums[i - 1], 8, OID_INT8);
}

static void pg_bind_text(hm__q *q, int i, const char *s, int len)
{
	param(Q(q), i, s, s ? (len < 0 ? (int)strlen(s) : len) : 0, OID_TEXT);
}

static void pg_bind_blob(hm__q *q, int i, const void *p, size_t n)
{
	/* an empty blob is not NULL */
	param(Q(q), i, p ? p : "", (int)n, OID_BYTEA);
}

static int pg_step(hm__q *q)
{
	struct pg_q *p = Q(q);
	PGconn *c = PG(p->a)->conn;
	ExecStatusType s;

	if (!p->started) {
		p->started = 1;
		if (p->keep && !p->prepared) {
			PGresult *r = PQprepare(c, p->name, p->sql, p->nparams, p->types);
			if (PQresultStatus(r) != PGRES_COMMAND_OK) {
				set_error(p->a, r, "out of memory");
				PQclear(r);
				return 1;
			}
			PQclear(r);
			p->prepared = 1;
		}
		p->res = p->keep ? PQexecPrepared(c, p->name, p->nparams, p->vals, p->lens, p->fmts, 1)
				 : PQexecParams(c, p->sql, p->nparams, p->types, p->vals, p->lens,
						p->fmts, 1);
		s = PQresultStatus(p->res);
		if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
			set_error(p->a, p->res, "out of memory");
			PQclear(p->res);
			p->res = NULL;
			return 1;
		}
		p->row = -1;
		p->nrows = PQntuples(p->res);
	}
	if (!p->res)
		return 1;
	if (p->row + 1 < p->nrows) {
		p->row++;
		return HM__ROW;
	}
	p->row = p->nrows;
	return HM__DONE;
}

static int valid(struct pg_q *p, int i)
{
	return p->res && p->row >= 0 && p->row < p->nrows && i >= 0 && i < PQnfields(p->res);
}

static int pg_col_null(hm__q *q, int i)
{
	return !valid(Q(q), i) || PQgetisnull(Q(q)->res, Q(q)->row, i);
}

static long long pg_col_int64(hm__q *q, int i)
{
	struct pg_q *p = Q(q);
	const unsigned char *v;
	unsigned long long u = 0;
	int n, k;

	if (pg_col_null(q, i))
		return 0;
	v = (const unsigned char *)PQgetvalue(p->res, p->row, i);
	n = PQgetlength(p->res, p->row, i);
	switch (PQftype(p->res, i)) {
	case OID_INT8:
	case OID_INT4:
	case OID_INT2:
	case OID_BOOL:
		for (k = 0; k < n; k++)
			u = u << 8 | v[k];
		/* sign-extend the narrower types */
		if (n < 8 && n > 0 && (v[0] & 0x80))
			u |= ~0ULL << (8 * n);
		return (long long)u;
	default:
		return strtoll((const char *)v, NULL, 10);
	}
}

static const char *pg_col_text(hm__q *q, int i)
{
	struct pg_q *p = Q(q);
	Oid t;

	if (pg_col_null(q, i))
		return NULL;
	t = PQftype(p->res, i);
	if (t == OID_INT8 || t == OID_INT4 || t == OID_INT2) {
		snprintf(p->scratch, sizeof(p->scratch), "%lld", pg_col_int64(q, i));
		return p->scratch;
	}
	return PQgetvalue(p->res, p->row, i); /* libpq ends every value with a NUL */
}

static const void *pg_col_blob(hm__q *q, int i)
{
	if (pg_col_null(q, i) || PQgetlength(Q(q)->res, Q(q)->row, i) == 0)
		return NULL;
	return PQgetvalue(Q(q)->res, Q(q)->row, i);
}

static size_t pg_col_bytes(hm__q *q, int i)
{
	return pg_col_null(q, i) ? 0 : (size_t)PQgetlength(Q(q)->res, Q(q)->row, i);
}

static void pg_rollback(hm_archive *a)
{
	if (PG(a)->conn && PQtransactionStatus(PG(a)->conn) != PQTRANS_IDLE)
		PQclear(PQexec(PG(a)->conn, "ROLLBACK"));
}

static int pg_begin_write(hm_archive *a)
{
	char sql[96];
	int rc;

	snprintf(sql, sizeof(sql), "BEGIN; SELECT pg_advisory_xact_lock(%d)", HM_ARCHIVE_APP_ID);
	if ((rc = run(a, sql, "cannot start a write transaction (another writer held the "
		      "archive past the lock timeout?)")) < 0)
		pg_rollback(a);
	return rc;
}

static int pg_begin_read(hm_archive *a)
{
	int rc = run(a, "BEGIN ISOLATION LEVEL REPEATABLE READ", "cannot start a read transaction");

	if (rc < 0)
		pg_rollback(a);
	return rc;
}

static int pg_commit(hm_archive *a)
{
	PGresult *res = PQexec(PG(a)->conn, "COMMIT");
	int rc = 0;

	/* COMMIT of a failed transaction answers ROLLBACK */
	if (PQresultStatus(res) != PGRES_COMMAND_OK || strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		set_error(a, res, "the transaction was rolled back");
		rc = hm__archive_sql_err(a, "commit failed");
	}
	PQclear(res);
	pg_rollback(a);
	return rc;
}

/* One value of a query without parameters: *out NULL for no row or NULL. */
static int query_value(hm_archive *a, const char *sql, char **out)
{
	PGresult *res = PQexec(PG(a)->conn, sql);

	*out = NULL;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		set_error(a, res, "out of memory");
		PQclear(res);
		return hm__archive_sql_err(a, "cannot read the archive's identity");
	}
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) &&
	    !(*out = strdup(PQgetvalue(res, 0, 0)))) {
		PQclear(res);
		return hm__err_oom();
	}
	PQclear(res);
	return 0;
}

static int pg_read_version(hm_archive *a, long long *version)
{
	char *v = NULL;
	int rc;

	*version = 0;
	if ((rc = query_value(a, "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = "
			      "current_schema() AND tablename = 'meta'", &v)) < 0 || !v)
		return rc;
	free(v);
	if ((rc = query_value(a, "SELECT value FROM meta WHERE key = 'schema_version'", &v)) < 0)
		return rc;
	*version = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return 0;
}

static int pg_identity(hm_archive *a, long long *version)
{
	char *tables = NULL, *app = NULL;
	int rc;

	*version = 0;
	if ((rc = query_value(a, "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = "
			      "current_schema()", &tables)) < 0)
		return rc;
	if (!tables || strcmp(tables, "0") == 0) {
		free(tables);
		if (!PG(a)->create || a->readonly)
			return hm__err(HM_ENOTFOUND, "no archive at %s (the database holds no tables)",
				       a->path);
		return 0;
	}
	free(tables);
	if ((rc = pg_read_version(a, version)) < 0)
		return rc;
	if (*version > 0 && (rc = query_value(a, "SELECT value FROM meta WHERE key = "
					      "'application'", &app)) < 0)
		return rc;
	if (*version <= 0 || !app || strcmp(app, APPLICATION) != 0) {
		free(app);
		return hm__err(HM_EFORMAT, "%s: not a hallmark archive (a PostgreSQL database whose "
			       "schema holds tables of another application)", a->path);
	}
	free(app);
	return 0;
}

static int pg_set_version(hm_archive *a, int version)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "INSERT INTO meta(key, value) VALUES ('application', '%s'), "
		 "('schema_version', '%d') ON CONFLICT(key) DO UPDATE SET value = excluded.value",
		 APPLICATION, version);
	return pg_exec(a, sql);
}

/* The target for messages: a URL without its password, a conninfo without password=. */
static char *display_name(const char *target)
{
	const char *scheme = strstr(target, "://"), *at, *colon;
	PQconninfoOption *opts, *o;
	hm_buf b = HM_BUF_INIT;

	if (scheme && (at = strchr(scheme + 3, '@')) && (colon = memchr(scheme + 3, ':',
									(size_t)(at - scheme - 3)))) {
		hm__buf_put(&b, target, (size_t)(colon - target));
		hm__buf_puts(&b, at);
	} else if (!scheme && (opts = PQconninfoParse(target, NULL))) {
		for (o = opts; o->keyword; o++)
			if (o->val && *o->val && strcmp(o->keyword, "password") != 0)
				hm__buf_printf(&b, "%s%s=%s", b.len ? " " : "", o->keyword, o->val);
		PQconninfoFree(opts);
	} else {
		hm__buf_puts(&b, target);
	}
	if (hm__buf_puts(&b, "") < 0) {
		hm__buf_free(&b);
		return NULL;
	}
	return hm__buf_detach(&b, NULL);
}

/* The library never prints: the server's notices are dropped. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int pg_open(hm_archive *a, const char *target, const hm_archive_options *opts)
{
	struct pg *p;
	char sql[128];
	int rc;

	if ((rc = hm__pq_load()) < 0)
		return rc;
	p = calloc(1, sizeof(*p));
	if (!p || !(a->path = display_name(target))) {
		free(p);
		return hm__err_oom();
	}
	a->store = p;
	p->create = (opts->flags & HM_ARCHIVE_CREATE) != 0;
	p->conn = PQconnectdb(target);
	if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
		set_error(a, NULL, "out of memory");
		return hm__archive_sql_err(a, "cannot connect to PostgreSQL");
	}
	PQsetNoticeProcessor(p->conn, quiet, NULL);
	snprintf(sql, sizeof(sql), "SET lock_timeout = %u; SET client_min_messages = warning%s",
		 opts->busy_timeout_ms ? opts->busy_timeout_ms : 60000,
		 a->readonly ? "; SET default_transaction_read_only = on" : "");
	if ((rc = pg_exec(a, sql)) < 0)
		return rc;
	return 0;
}

static void pg_close(hm_archive *a)
{
	struct pg *p = PG(a);

	if (!p)
		return;
	if (p->conn)
		PQfinish(p->conn);
	free(p->msg);
	free(p);
	a->store = NULL;
}

/*
 * A GLOB pattern (*, ?, [...], [^...], case-sensitive, the whole name) as a
 * POSIX regular expression; an unclosed [ matches nothing, as in SQLite.
 */
static int pg_glob(char **out, const char *g)
{
	hm_buf b = HM_BUF_INIT;
	const char *c, *end;

	hm__buf_puts(&b, "^");
	for (c = g; *c; c++) {
		if (*c == '*') {
			hm__buf_puts(&b, ".*");
		} else if (*c == '?') {
			hm__buf_puts(&b, ".");
		} else if (*c == '[') {
			end = c + 1;
			if (*end == '^')
				end++;
			if (*end == ']')
				end++;
			while (*end && *end != ']')
				end++;
			if (!*end) {
				hm__buf_free(&b);
				*out = strdup("$^ never");
				return *out ? 0 : hm__err_oom();
			}
			for (; c <= end; c++) {
				if (*c == '\\')
					hm__buf_puts(&b, "\\\\");
				else
					hm__buf_put(&b, c, 1);
			}
			c--;
		} else {
			if (strchr(".^$|()+{}\\", *c))
				hm__buf_puts(&b, "\\");
			hm__buf_put(&b, c, 1);
		}
	}
	if (hm__buf_puts(&b, "$") < 0) {
		hm__buf_free(&b);
		return hm__err_oom();
	}
	*out = hm__buf_detach(&b, NULL);
	return 0;
}

int hm__store_is_pg(const char *target)
{
	PQconninfoOption *opts;
	const char *c;

	if (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0)
		return 1;
	/* "host=... dbname=...": a conninfo string, unless a file has that name */
	for (c = target; (*c >= 'a' && *c <= 'z') || *c == '_'; c++)
		;
	if (c == target || *c != '=' || access(target, F_OK) == 0)
		return 0;
	if (hm__pq_load() < 0)
		return 1; /* opening it says that libpq is missing */
	if (!(opts = PQconninfoParse(target, NULL)))
		return 0;
	PQconninfoFree(opts);
	return 1;
}

static const char schema_v1[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE entries("
	" id BIGINT PRIMARY KEY,"
	" kind TEXT NOT NULL CHECK(kind IN ('attestation', 'verification')),"
	" entry BYTEA NOT NULL,"
	" body BYTEA NOT NULL,"
	" body_sha256 TEXT NOT NULL,"
	" recorded BIGINT NOT NULL,"
	" retain_until BIGINT NOT NULL,"
	" verified INTEGER NOT NULL,"
	" reason TEXT,"
	" predicate_type TEXT,"
	" statement TEXT);"
	"CREATE UNIQUE INDEX entries_envelope ON entries(body_sha256) WHERE kind = 'attestation';"
	"CREATE INDEX entries_recorded ON entries(recorded);"
	"CREATE TABLE subjects(rowid BIGSERIAL PRIMARY KEY, entry_id BIGINT NOT NULL, name TEXT,"
	" alg TEXT NOT NULL, digest TEXT NOT NULL);"
	"CREATE INDEX subjects_digest ON subjects(digest);"
	"CREATE INDEX subjects_entry ON subjects(entry_id);"
	"CREATE TABLE signers(rowid BIGSERIAL PRIMARY KEY, entry_id BIGINT NOT NULL,"
	" keyid TEXT COLLATE \"C\" NOT NULL);" /* searched by prefix as a byte range */
	"CREATE INDEX signers_keyid ON signers(keyid);"
	"CREATE INDEX signers_entry ON signers(entry_id);"
	"CREATE TABLE tree(level INTEGER NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL,"
	" PRIMARY KEY(level, idx));"
	"CREATE TABLE heads(tree_size BIGINT PRIMARY KEY, root_hash BYTEA NOT NULL,"
	" recorded BIGINT NOT NULL);";

static const char schema_v2[] =
	"CREATE TABLE refs(rowid BIGSERIAL PRIMARY KEY, entry_id BIGINT NOT NULL,"
	" role TEXT NOT NULL, name TEXT, alg TEXT NOT NULL, digest TEXT NOT NULL);"
	"CREATE INDEX refs_digest ON refs(digest);"
	"CREATE INDEX refs_entry ON refs(entry_id);"
	"CREATE INDEX refs_name ON refs(name) WHERE name IS NOT NULL;"
	"ALTER TABLE entries ADD COLUMN benchmark TEXT;"
	"CREATE INDEX entries_benchmark ON entries(benchmark) WHERE benchmark IS NOT NULL;"
	"CREATE INDEX entries_type ON entries(predicate_type);";

static const char *const schema[] = { schema_v1, schema_v2, HM__SCHEMA_V3, HM__SCHEMA_V4 };

const struct hm__store_ops hm__store_pg = {
	"postgresql", pg_open, pg_close, pg_identity, pg_read_version, pg_set_version, schema,
	pg_exec, pg_begin_write, pg_begin_read, pg_commit, pg_rollback, pg_error,
	pg_prepare, pg_finalize, pg_reset, pg_unbind, pg_bind_int64, pg_bind_text,
	pg_bind_blob, pg_step, pg_col_int64, pg_col_text, pg_col_blob, pg_col_bytes,
	pg_col_null, "~", pg_glob,
};
