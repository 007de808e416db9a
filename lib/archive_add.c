/*
 * Adding to the archive: envelopes (verified against trusted keys, or stored
 * flagged as unverified when asked) and verification runs. Envelopes go in
 * chunks of PREP_CHUNK: the CPU work of a chunk (parsing, signature checks,
 * hashing) is done on every core outside the write lock, while the chunk
 * before it is written. A batch (opts->batch envelopes, DEFAULT_BATCH when 0)
 * is one BEGIN IMMEDIATE transaction that stores its chunks' entries and the
 * new tree head; outcomes are reported once it is committed. Large batches
 * keep ingest fast in a large archive: the lookup indexes take their keys at
 * random places, and a transaction writes each index page it changed once,
 * however many of its entries landed there.
 */
#include "archive_impl.h"
#include "statement_impl.h"
#include "trust_impl.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_BATCH 50000
/* Lines prepared at a time (the first chunk smaller, so that writing starts soon). */
#define PREP_CHUNK 1024
#define FIRST_CHUNK 256
#define MAX_THREADS 8
#define MIN_PER_THREAD 32

/* One envelope, ready to store. */
struct prep {
	const char *line;
	size_t len;
	int refused;
	int verified;
	char *reason;
	char sha[65];
	char ckey[65]; /* the content key; "" when the line is not an envelope */
	char *statement;
	size_t statement_len;
	char *ptype;
	char **signers;
	size_t nsigners;
	struct hm__derived d;
	/* the outcome */
	hm_archive_add_status status;
	uint64_t id;
	int rc; /* <0 when preparing failed for lack of memory */
};

static int keep_statement(struct prep *p, const hm_envelope *env, const hm_statement *st)
{
	const unsigned char *payload;
	size_t plen;

	if (!st)
		return 0;
	payload = hm_envelope_payload(env, &plen);
	p->statement = malloc(plen + 1);
	p->ptype = strdup(hm_statement_predicate_type(st));
	if (!p->statement || !p->ptype)
		return hm__err_oom();
	memcpy(p->statement, payload, plen);
	p->statement[plen] = '\0';
	p->statement_len = plen;
	return hm__derive_statement(&p->d, hm__statement_json(st));
}

static int prepare_verified(struct prep *p, const hm_attestation *att)
{
	size_t i, n = hm_attestation_signer_count(att);
	int rc;

	p->verified = 1;
	if ((rc = hm__envelope_content_key(p->ckey, hm_attestation_envelope(att))) < 0)
		return rc;
	p->signers = calloc(n ? n : 1, sizeof(*p->signers));
	if (!p->signers)
		return hm__err_oom();
	for (i = 0; i < n; i++) {
		if (!(p->signers[i] = strdup(hm_attestation_signer(att, i))))
			return hm__err_oom();
		p->nsigners++;
	}
	return keep_statement(p, hm_attestation_envelope(att), hm_attestation_statement(att));
}

static void prepare(struct prep *p, const hm_archive_add_options *o)
{
	hm_trust_options to = HM_TRUST_OPTIONS_INIT;
	struct hm__trust trust;
	struct hm__tline tl;
	unsigned char sha[32];
	hm_envelope *env = NULL;
	hm_statement *st = NULL;
	int rc;

	hm__sha256(sha, p->line, p->len);
	hm__hex_encode(p->sha, sha, 32);
	to.keys = o->keys;
	to.auditor_keys = o->auditor_keys;
	hm__trust_init(&trust, &to);
	if ((o->keys && hm_keyring_count(o->keys) > 0) ||
	    (o->auditor_keys && hm_keyring_count(o->auditor_keys) > 0)) {
		/* the same decision as verify's: audits against the auditor keys */
		if ((rc = hm__trust_line(&tl, p->line, p->len, 0, &trust)) < 0) {
			p->rc = rc;
			return;
		}
		if (tl.pub.attestation) {
			p->rc = prepare_verified(p, tl.pub.attestation);
			hm__tline_clear(&tl);
			return;
		}
		p->reason = strdup(tl.pub.reason);
		hm__tline_clear(&tl);
	} else {
		p->reason = strdup("no trusted keys were given");
	}
	if (!p->reason) {
		p->rc = hm__err_oom();
		return;
	}
	if (hm_attestation_inspect(&env, &st, p->line, p->len) < 0 || !env) {
		char *r = NULL;
		p->refused = 1;
		if (asprintf(&r, "not a DSSE envelope: %s", hm_error_last()) >= 0) {
			free(p->reason);
			p->reason = r;
		}
	} else if (!o->allow_unverified) {
		p->refused = 1;
	} else if ((p->rc = hm__envelope_content_key(p->ckey, env)) == 0) {
		p->rc = keep_statement(p, env, st);
	}
	hm_envelope_free(env);
	hm_statement_free(st);
}

struct work {
	struct prep *items;
	size_t n, start, step;
	const hm_archive_add_options *o;
};

static void *worker(void *arg)
{
	struct work *w = arg;
	size_t i;

	for (i = w->start; i < w->n; i += w->step)
		prepare(&w->items[i], w->o);
	return NULL;
}

static void prepare_all(struct prep *items, size_t n, const hm_archive_add_options *o)
{
	pthread_t tids[MAX_THREADS];
	struct work w[MAX_THREADS];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t t, nt = cpus > 1 ? (size_t)cpus : 1, started = 0;

	if (nt > MAX_THREADS)
		nt = MAX_THREADS;
	if (nt > n / MIN_PER_THREAD)
		nt = n / MIN_PER_THREAD ? n / MIN_PER_THREAD : 1;
	for (t = 0; t < nt; t++) {
		w[t].items = items;
		w[t].n = n;
		w[t].start = t;
		w[t].step = nt;
		w[t].o = o;
	}
	/* Thread 0 is this one; a thread that cannot start leaves its share to a fallback pass. */
	for (t = 1; t < nt; t++) {
		if (pthread_create(&tids[t], NULL, worker, &w[t]) != 0)
			break;
		started = t;
	}
	worker(&w[0]);
	for (t = 1; t <= started; t++)
		pthread_join(tids[t], NULL);
	for (t = started + 1; t < nt; t++)
		worker(&w[t]);
}

static json_t *attestation_entry(const struct prep *p, long long now, long long until)
{
	char when[32], keep[32];
	json_t *e, *signers = json_array();
	size_t i;

	hm_rfc3339_format(when, now);
	hm_rfc3339_format(keep, until);
	for (i = 0; signers && i < p->nsigners; i++)
		json_array_append_new(signers, json_string(p->signers[i]));
	e = json_pack("{s:s,s:s,s:s,s:s,s:o,s:b}", "body_sha256", p->sha, "kind", "attestation",
		      "recorded_at", when, "retain_until", keep, "signers", signers, "verified",
		      p->verified);
	if (e && p->reason && !p->verified &&
	    json_object_set_new(e, "reason", json_string(p->reason)) < 0) {
		json_decref(e);
		return NULL;
	}
	return e;
}

/* Frees what storing needed and reporting does not (status, id and reason stay). */
static void prep_stored(struct prep *p)
{
	size_t i;

	free(p->statement);
	free(p->ptype);
	for (i = 0; i < p->nsigners; i++)
		free(p->signers[i]);
	free(p->signers);
	hm__derived_free(&p->d);
	p->statement = p->ptype = NULL;
	p->signers = NULL;
	p->nsigners = 0;
}

static void prep_free(struct prep *p)
{
	prep_stored(p);
	free(p->reason);
}

/* A chunk of lines being prepared in the background while the one before it is stored. */
struct batch {
	struct prep *items;
	size_t start, n;
	const hm_archive_add_options *o;
	pthread_t tid;
	int threaded;
};

/* Stores prepared items inside the open transaction; sets each item's status and id. */
static int store_items(hm_archive *a, struct hm__frontier *f, const struct batch *b,
		       long long now, size_t *stored)
{
	long long until = hm__archive_add_months(now, 12 * HM_ARCHIVE_RETAIN_ATTESTATION_YEARS);
	size_t i;
	int rc;

	for (i = 0; i < b->n; i++) {
		struct prep *p = &b->items[i];
		struct hm__entry_in in;
		long long dup;
		if (p->rc < 0)
			return hm__err(p->rc, "out of memory preparing envelope %zu", b->start + i + 1);
		if (p->refused) {
			p->status = HM_ARCHIVE_REFUSED;
			continue;
		}
		/* the same bytes, or the same content in another base64 spelling */
		if ((rc = hm__archive_find_envelope(a, p->ckey, &dup)) < 0)
			return rc;
		if (dup >= 0) {
			p->status = HM_ARCHIVE_DUPLICATE;
			p->id = (uint64_t)dup;
			prep_stored(p);
			continue;
		}
		memset(&in, 0, sizeof(in));
		in.kind = "attestation";
		if (!(in.entry = attestation_entry(p, now, until)))
			return hm__err_oom();
		in.body = p->line;
		in.body_len = p->len;
		in.body_sha256 = p->sha;
		in.content_key = p->ckey;
		in.recorded = now;
		in.retain_until = until;
		in.verified = p->verified;
		in.reason = p->verified ? NULL : p->reason;
		in.predicate_type = p->ptype;
		in.statement = p->statement;
		in.statement_len = p->statement_len;
		in.derived = &p->d;
		in.signers = (const char *const *)p->signers;
		in.nsigners = p->nsigners;
		rc = hm__archive_append(a, f, &in, &p->id);
		json_decref(in.entry);
		if (rc < 0)
			return rc;
		p->status = p->verified ? HM_ARCHIVE_ADDED : HM_ARCHIVE_ADDED_UNVERIFIED;
		prep_stored(p);
		(*stored)++;
	}
	return 0;
}

static void *prepare_batch(void *arg)
{
	struct batch *b = arg;

	prepare_all(b->items, b->n, b->o);
	return NULL;
}

/* Allocates the chunk of lines [start, start + n) and starts preparing it. */
static int batch_begin(struct batch *b, const char *const *lines, const size_t *lens, size_t start,
		       size_t n, const hm_archive_add_options *o, int background)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	if (!(b->items = calloc(n ? n : 1, sizeof(*b->items))))
		return hm__err_oom();
	for (i = 0; i < n; i++) {
		b->items[i].line = lines[start + i];
		b->items[i].len = lens[start + i];
	}
	b->start = start;
	b->n = n;
	b->o = o;
	b->threaded = background && pthread_create(&b->tid, NULL, prepare_batch, b) == 0;
	if (!b->threaded)
		prepare_all(b->items, n, o);
	return 0;
}

static void batch_wait(struct batch *b)
{
	if (b->threaded)
		pthread_join(b->tid, NULL);
	b->threaded = 0;
}

static void batch_end(struct batch *b)
{
	size_t i;

	batch_wait(b);
	for (i = 0; i < b->n; i++)
		prep_free(&b->items[i]);
	free(b->items);
	b->items = NULL;
}

/* Counts the outcomes of a committed chunk and reports them. */
static void batch_report(hm_archive *a, const struct batch *b, hm_archive_add_result *res)
{
	const hm_archive_add_options *o = b->o;
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct prep *p = &b->items[i];
		hm_archive_add_event ev;
		res->added += p->status == HM_ARCHIVE_ADDED;
		res->unverified += p->status == HM_ARCHIVE_ADDED_UNVERIFIED;
		res->duplicates += p->status == HM_ARCHIVE_DUPLICATE;
		res->refused += p->status == HM_ARCHIVE_REFUSED;
		if (p->status != HM_ARCHIVE_REFUSED)
			a->last_id = (long long)p->id;
		if (o->cb) {
			ev.line = b->start + i;
			ev.status = p->status;
			ev.id = p->status == HM_ARCHIVE_REFUSED ? 0 : p->id;
			ev.reason = p->status == HM_ARCHIVE_ADDED ? NULL : p->reason;
			o->cb(o->payload, &ev);
		}
	}
}

/*
 * One transaction: its chunks, stored as they come and reported once it is
 * committed (an outcome is reported only when it is durable).
 */
struct tx {
	struct batch *chunks;
	size_t n, cap, stored;
	struct hm__frontier f;
	int open;
};

static int tx_store(hm_archive *a, struct tx *t, struct batch *b, long long now)
{
	int rc;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct batch *c = realloc(t->chunks, cap * sizeof(*c));
		if (!c)
			return hm__err_oom();
		t->chunks = c;
		t->cap = cap;
	}
	t->chunks[t->n++] = *b;
	b->items = NULL;
	b->n = 0;
	if (!t->open) {
		if ((rc = hm__archive_begin(a)) < 0)
			return rc;
		t->open = 1;
		t->stored = 0;
		if ((rc = hm__tree_load(a, &t->f)) < 0)
			return rc;
	}
	return store_items(a, &t->f, &t->chunks[t->n - 1], now, &t->stored);
}

/* Commits (rc == 0) and reports, or rolls back; frees the chunks either way. */
static int tx_end(hm_archive *a, struct tx *t, int rc, long long now, hm_archive_add_result *res)
{
	size_t i;

	if (t->open && rc == 0 && t->stored)
		rc = hm__tree_store_head(a, &t->f, now);
	if (t->open && rc == 0)
		rc = hm__archive_commit(a);
	else if (t->open)
		hm__archive_rollback(a);
	t->open = 0;
	for (i = 0; i < t->n; i++) {
		if (rc == 0)
			batch_report(a, &t->chunks[i], res);
		batch_end(&t->chunks[i]);
	}
	t->n = 0;
	return rc;
}

/* The size of the chunk at start: at most PREP_CHUNK lines, within its transaction. */
static size_t chunk_len(size_t start, size_t n, size_t txsize, size_t max)
{
	size_t end = (start / txsize + 1) * txsize;

	if (end > n)
		end = n;
	return end - start < max ? end - start : max;
}

int hm_archive_add_lines(hm_archive *a, hm_archive_add_result *result, const char *const *lines,
			 const size_t *lens, size_t n, const hm_archive_add_options *opts)
{
	hm_archive_add_options defaults = HM_ARCHIVE_ADD_OPTIONS_INIT, v1;
	hm_archive_add_result res = { 0, 0, 0, 0 };
	struct batch cur, next;
	struct tx t;
	size_t size, pos;
	long long now;
	int rc = 0;

	if (result)
		memset(result, 0, sizeof(*result));
	if (!opts)
		opts = &defaults;
	if (opts->version == 1) {
		/* version 1 ends before auditor_keys */
		memcpy(&v1, opts, offsetof(hm_archive_add_options, auditor_keys));
		v1.auditor_keys = NULL;
		opts = &v1;
	} else {
		HM__CHECK_VERSION(opts, HM_ARCHIVE_ADD_OPTIONS_VERSION, "hm_archive_add_options");
	}
	if (n == 0)
		return 0;
	now = opts->now ? opts->now : (long long)time(NULL);
	size = opts->batch ? opts->batch : DEFAULT_BATCH;
	memset(&t, 0, sizeof(t));
	/* a small first chunk, so that storing starts soon */
	if ((rc = batch_begin(&cur, lines, lens, 0, chunk_len(0, n, size, FIRST_CHUNK), opts, 0)) < 0)
		return rc;
	pos = cur.n;
	for (;;) {
		int more = pos < n, last_of_tx = pos == n || pos % size == 0;
		/* the next chunk is prepared on the other cores while this one is written */
		if (more && (rc = batch_begin(&next, lines, lens, pos,
					      chunk_len(pos, n, size, PREP_CHUNK), opts, 1)) < 0) {
			more = 0;
		} else {
			if (more)
				pos += next.n;
			rc = tx_store(a, &t, &cur, now);
		}
		batch_end(&cur); /* only when tx_store failed before taking it */
		if (rc < 0 || last_of_tx)
			rc = tx_end(a, &t, rc, now, &res);
		if (!more)
			break;
		if (rc < 0) {
			batch_end(&next);
			break;
		}
		batch_wait(&next);
		cur = next;
	}
	free(t.chunks);
	if (result)
		*result = res;
	return rc;
}

int hm_archive_add_bundle(hm_archive *a, hm_archive_add_result *result, const hm_bundle *bundle,
			  const hm_archive_add_options *opts)
{
	size_t n = hm_bundle_line_count(bundle), i;
	const char **lines = calloc(n ? n : 1, sizeof(*lines));
	size_t *lens = calloc(n ? n : 1, sizeof(*lens));
	int rc;

	if (!lines || !lens) {
		free(lines);
		free(lens);
		return hm__err_oom();
	}
	for (i = 0; i < n; i++)
		lines[i] = hm_bundle_line(bundle, i, &lens[i]);
	rc = hm_archive_add_lines(a, result, lines, lens, n, opts);
	free(lines);
	free(lens);
	return rc;
}

/* The entry's fields for a verification run, from the report's JSON. */
static json_t *verification_entry(const json_t *rep, const char *sha, long long now,
				  long long until, char **reason)
{
	const json_t *c;
	json_t *checks = json_array(), *e;
	char when[32], keep[32];
	hm_buf failed = HM_BUF_INIT;
	size_t i;

	*reason = NULL;
	hm_rfc3339_format(when, now);
	hm_rfc3339_format(keep, until);
	json_array_foreach(json_object_get(rep, "checks"), i, c) {
		const char *status = hm__json_str(c, "status");
		json_array_append_new(checks, json_pack("{s:s?,s:s?,s:s?}", "name",
							hm__json_str(c, "name"), "status", status,
							"reason", hm__json_str(c, "reason")));
		if (status && strcmp(status, "fail") == 0)
			hm__buf_printf(&failed, "%s%s", failed.len ? ", " : "failed: ",
				       hm__json_str(c, "name") ? hm__json_str(c, "name") : "?");
	}
	e = json_pack("{s:s,s:o,s:s,s:O,s:b,s:O,s:s,s:s}", "body_sha256", sha, "checks", checks,
		      "kind", "verification", "model_digest",
		      json_object_get(rep, "digest") ? json_object_get(rep, "digest") : json_null(),
		      "ok", json_is_true(json_object_get(rep, "ok")), "policy_digest",
		      json_object_get(rep, "policy_digest") ? json_object_get(rep, "policy_digest")
							    : json_null(),
		      "recorded_at", when, "retain_until", keep);
	*reason = hm__buf_detach(&failed, NULL);
	return e;
}

int hm_archive_add_verification(hm_archive *a, const hm_verify_report *r)
{
	struct hm__derived d = { NULL, 0, 0, NULL };
	struct hm__entry_in in;
	struct hm__frontier f;
	unsigned char sha[32];
	char hex[65], *text = NULL, *reason = NULL;
	json_t *rep = NULL;
	long long now = (long long)time(NULL);
	uint64_t id;
	int rc;

	memset(&in, 0, sizeof(in));
	if ((rc = hm_verify_report_json(&text, r)) < 0)
		return rc;
	if ((rc = hm__json_parse(&rep, text, strlen(text), "verification report")) < 0 ||
	    (rc = hm__derive_report(&d, rep)) < 0)
		goto out;
	hm__sha256(sha, text, strlen(text));
	hm__hex_encode(hex, sha, 32);
	in.kind = "verification";
	in.recorded = now;
	in.retain_until = hm__archive_add_months(now, HM_ARCHIVE_RETAIN_VERIFICATION_MONTHS);
	if (!(in.entry = verification_entry(rep, hex, now, in.retain_until, &reason))) {
		rc = hm__err_oom();
		goto out;
	}
	in.body = text;
	in.body_len = strlen(text);
	in.body_sha256 = hex;
	in.verified = hm_verify_report_ok(r);
	in.reason = reason && *reason ? reason : NULL;
	in.derived = &d;
	if ((rc = hm__archive_begin(a)) < 0)
		goto out;
	if ((rc = hm__tree_load(a, &f)) < 0 || (rc = hm__archive_append(a, &f, &in, &id)) < 0 ||
	    (rc = hm__tree_store_head(a, &f, now)) < 0 || (rc = hm__archive_commit(a)) < 0) {
		hm__archive_rollback(a);
		goto out;
	}
	a->last_id = (long long)id;
out:
	json_decref(in.entry);
	json_decref(rep);
	hm__derived_free(&d);
	free(reason);
	free(text);
	return rc;
}
