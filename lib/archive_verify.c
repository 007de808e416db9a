/*
 * `hallmark archive verify`: recompute the log from the stored bytes and say
 * what was changed behind hallmark's back. Every leaf is hashed again from
 * its entry bytes, every stored subtree and tree head recomputed; each
 * entry's body must hash to what its leaf says, its columns must say what
 * its bytes say, and the search index (refs, signers) must be what the
 * stored statements give.
 */
#include "archive_impl.h"
#include "statement_impl.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LISTED 1000

struct ctx {
	hm_archive *a;
	hm_buf out;
	size_t n;          /* problems */
	uint64_t size;     /* entries in the last tree head */
	unsigned char **level; /* recomputed hashes, level[l] has size >> l */
	unsigned nlevels;
	unsigned char *state;  /* per leaf: ENTRY_SEEN, ENTRY_REPORTED */
	unsigned char (*want_refs)[16], (*want_signers)[16];
};
#define ENTRY_SEEN 1
#define ENTRY_REPORTED 2

static void problem(struct ctx *x, const char *fmt, ...) HM_PRINTF(2, 3);
static void problem(struct ctx *x, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	x->n++;
	if (x->n > MAX_LISTED)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	hm__buf_printf(&x->out, "%s\n", buf);
}

/* A 16-byte fingerprint of a list of strings (NULL counts as absent, not as ""). */
struct fp {
	EVP_MD_CTX *md;
};

static int fp_begin(struct fp *f)
{
	f->md = EVP_MD_CTX_new();
	if (!f->md || EVP_DigestInit_ex(f->md, EVP_sha256(), NULL) != 1)
		return hm__err(HM_ECRYPTO, "SHA-256 is not available");
	return 0;
}

static void fp_add(struct fp *f, const char *s)
{
	if (s)
		EVP_DigestUpdate(f->md, s, strlen(s) + 1);
	else
		EVP_DigestUpdate(f->md, "\xff", 1);
}

static void fp_end(struct fp *f, unsigned char out[16])
{
	unsigned char h[32];
	unsigned int n = 32;

	EVP_DigestFinal_ex(f->md, h, &n);
	EVP_MD_CTX_free(f->md);
	f->md = NULL;
	memcpy(out, h, 16);
}

static int fp_refs(unsigned char out[16], const struct hm__derived *d)
{
	struct fp f;
	size_t i;
	int rc;

	if ((rc = fp_begin(&f)) < 0)
		return rc;
	for (i = 0; i < d->n; i++) {
		fp_add(&f, d->refs[i].role);
		fp_add(&f, d->refs[i].name);
		fp_add(&f, d->refs[i].alg);
		fp_add(&f, d->refs[i].digest);
	}
	fp_end(&f, out);
	return 0;
}

static int same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The derived columns and index rows of an attestation, from its stored statement. */
static int check_statement(struct ctx *x, uint64_t id, const char *body, size_t body_len,
			   const char *statement, const char *ptype, const char *benchmark,
			   struct hm__derived *d)
{
	hm_envelope *env = NULL;
	json_t *st = NULL;
	const unsigned char *payload;
	size_t plen;

	if (hm_envelope_parse(&env, body, body_len) < 0) {
		problem(x, "entry %llu: its body is not a DSSE envelope", (unsigned long long)id);
		return 1;
	}
	payload = hm_envelope_payload(env, &plen);
	if (statement && (strlen(statement) != plen || memcmp(statement, payload, plen) != 0)) {
		problem(x, "entry %llu: the stored statement is not its envelope's payload",
			(unsigned long long)id);
		hm_envelope_free(env);
		return 1;
	}
	hm_envelope_free(env);
	if (!statement)
		return ptype ? (problem(x, "entry %llu: a predicate type without a statement",
					(unsigned long long)id), 1) : 0;
	if (hm__json_parse(&st, statement, strlen(statement), "statement") < 0 ||
	    hm__derive_statement(d, st) < 0) {
		json_decref(st);
		problem(x, "entry %llu: the stored statement cannot be read", (unsigned long long)id);
		return 1;
	}
	if (!same_text(hm__json_str(st, "predicateType"), ptype)) {
		problem(x, "entry %llu: the predicate_type column (%s) is not the statement's",
			(unsigned long long)id, ptype ? ptype : "NULL");
		json_decref(st);
		return 1;
	}
	json_decref(st);
	if (!same_text(d->benchmark, benchmark)) {
		problem(x, "entry %llu: the benchmark column is not the statement's",
			(unsigned long long)id);
		return 1;
	}
	return 0;
}

/* One row of entries: its leaf, and that its columns agree with its bytes. */
static int check_entry(struct ctx *x, hm__q *row)
{
	uint64_t id = (uint64_t)hm__col_int64(row, 0);
	const char *kind = hm__col_text(row, 1);
	const char *bytes = hm__col_blob(row, 2);
	size_t blen = (size_t)hm__col_bytes(row, 2);
	const char *body = hm__col_blob(row, 3);
	size_t body_len = (size_t)hm__col_bytes(row, 3);
	const char *body_sha = hm__col_text(row, 4);
	struct hm__derived d = { NULL, 0, 0, NULL };
	unsigned char h[32], logged[32], *leaf;
	char hex[65], when[32], keep[32];
	const json_t *v;
	json_t *e = NULL;
	struct fp f;
	size_t i;
	int bad = 0, verification = kind && strcmp(kind, "verification") == 0, rc;

	if (id >= x->size) {
		problem(x, "entry %llu: not in the log (the last tree head covers %llu entries): "
			"added behind hallmark's back, or the head was deleted",
			(unsigned long long)id, (unsigned long long)x->size);
		return 0;
	}
	x->state[id] |= ENTRY_SEEN;
	leaf = x->level[0] + 32 * id;
	hm_merkle_leaf_hash(leaf, bytes ? bytes : "", bytes ? blen : 0);
	/*
	 * An entry whose bytes no longer give its logged leaf is reported once, and
	 * the logged leaf stands in for it so the tree above is still checked.
	 */
	if (hm__tree_get(x->a, 0, id, logged) < 0)
		memcpy(logged, leaf, 32); /* missing from the tree: check_tree says so */
	if (bytes && hm__json_parse(&e, bytes, blen, "entry") == 0 && !json_is_object(e)) {
		json_decref(e);
		e = NULL;
	}
	v = json_object_get(e, "index");
	if (e && (!json_is_integer(v) || (uint64_t)json_integer_value(v) != id)) {
		problem(x, "entry %llu: holds the bytes of entry %lld: entries were reordered",
			(unsigned long long)id, json_is_integer(v) ? (long long)json_integer_value(v)
								   : -1LL);
		bad = 1;
	} else if (memcmp(leaf, logged, 32) != 0 || !e) {
		problem(x, "entry %llu: modified: its bytes no longer hash to its logged leaf",
			(unsigned long long)id);
		bad = 1;
	}
	if (bad) {
		memcpy(leaf, logged, 32);
		x->state[id] |= ENTRY_REPORTED;
		json_decref(e);
		return 0;
	}
	hm__sha256(h, body ? body : "", body ? body_len : 0);
	hm__hex_encode(hex, h, 32);
	if (!same_text(hm__json_str(e, "body_sha256"), hex)) {
		problem(x, "entry %llu: modified: its body (the %s) is not the one logged",
			(unsigned long long)id, verification ? "report" : "envelope");
		bad = 1;
	} else if (!same_text(body_sha, hex)) {
		problem(x, "entry %llu: the body_sha256 column was changed", (unsigned long long)id);
		bad = 1;
	}
	hm_rfc3339_format(when, hm__col_int64(row, 5));
	hm_rfc3339_format(keep, hm__col_int64(row, 6));
	if (!same_text(hm__json_str(e, "kind"), kind) ||
	    !same_text(hm__json_str(e, "recorded_at"), when) ||
	    !same_text(hm__json_str(e, "retain_until"), keep) ||
	    json_is_true(json_object_get(e, verification ? "ok" : "verified")) !=
		    (hm__col_int(row, 7) != 0)) {
		problem(x, "entry %llu: its kind, time, retention or verification columns were "
			"changed (they no longer say what its logged bytes say)",
			(unsigned long long)id);
		bad = 1;
	}
	/* The index: what its statement (or report) names, and who signed it. */
	if (!bad && verification) {
		json_t *rep = NULL;
		if (hm__json_parse(&rep, body, body_len, "report") < 0 ||
		    hm__derive_report(&d, rep) < 0) {
			problem(x, "entry %llu: its report cannot be read", (unsigned long long)id);
			bad = 1;
		}
		json_decref(rep);
	} else if (!bad) {
		bad = check_statement(x, id, body, body_len, hm__col_text(row, 8),
				      hm__col_text(row, 9), hm__col_text(row, 10), &d);
	}
	if (!bad) {
		if ((rc = fp_refs(x->want_refs[id], &d)) < 0 || (rc = fp_begin(&f)) < 0) {
			json_decref(e);
			hm__derived_free(&d);
			return rc;
		}
		json_array_foreach(json_object_get(e, "signers"), i, v) {
			fp_add(&f, json_string_value(v));
		}
		fp_end(&f, x->want_signers[id]);
	} else {
		x->state[id] |= ENTRY_REPORTED;
	}
	hm__derived_free(&d);
	json_decref(e);
	return 0;
}

static int read_entries(struct ctx *x)
{
	hm__q *st = NULL;
	int rc = 0, step;

	if ((rc = hm__archive_prepare(x->a, &st, "SELECT id, kind, entry, body, body_sha256, "
				      "recorded, retain_until, verified, statement, predicate_type, "
				      "benchmark FROM entries ORDER BY id")) < 0)
		return rc;
	while ((step = hm__step(st)) == HM__ROW) {
		long long id = hm__col_int64(st, 0);
		if (id < 0) {
			problem(x, "a row with the negative id %lld was added", (long long)id);
			continue;
		}
		if ((rc = check_entry(x, st)) < 0)
			break;
	}
	if (rc == 0 && step != HM__DONE)
		rc = hm__archive_sql_err(x->a, "cannot read the entries");
	hm__finalize(st);
	return rc;
}

/* Deleted entries: their leaf comes from the stored tree so the rest can still be checked. */
static int fill_missing(struct ctx *x)
{
	uint64_t i;

	for (i = 0; i < x->size; i++) {
		if (x->state[i] & ENTRY_SEEN)
			continue;
		problem(x, "entry %llu: deleted", (unsigned long long)i);
		x->state[i] |= ENTRY_REPORTED;
		if (hm__tree_get(x->a, 0, i, x->level[0] + 32 * i) < 0)
			memset(x->level[0] + 32 * i, 0, 32);
	}
	return 0;
}

static int build_levels(struct ctx *x)
{
	unsigned l;
	uint64_t i;

	for (l = 1; l < x->nlevels; l++) {
		uint64_t n = x->size >> l;
		x->level[l] = malloc(n ? n * 32 : 1);
		if (!x->level[l])
			return hm__err_oom();
		for (i = 0; i < n; i++)
			hm_merkle_node_hash(x->level[l] + 32 * i, x->level[l - 1] + 64 * i,
					    x->level[l - 1] + 64 * i + 32);
	}
	return 0;
}

static void prefix_root(const struct ctx *x, uint64_t m, unsigned char out[32])
{
	unsigned char acc[32];
	unsigned l;
	int have = 0;

	if (m == 0) {
		hm_merkle_empty_root(out);
		return;
	}
	for (l = 0; l < x->nlevels; l++) {
		const unsigned char *node;
		if (!((m >> l) & 1))
			continue;
		node = x->level[l] + 32 * ((m >> l) - 1);
		if (!have)
			memcpy(acc, node, 32);
		else
			hm_merkle_node_hash(acc, node, acc);
		have = 1;
	}
	memcpy(out, acc, 32);
}

static int check_tree(struct ctx *x)
{
	hm__q *st = NULL;
	uint64_t *seen = calloc(x->nlevels ? x->nlevels : 1, sizeof(*seen));
	unsigned l;
	uint64_t i;
	int rc, step;

	if (!seen)
		return hm__err_oom();
	/* Rows come in (level, idx) order, so a level is complete when idx counts up from 0. */
	if ((rc = hm__archive_prepare(x->a, &st, "SELECT level, idx, hash FROM tree ORDER BY "
				      "level, idx")) < 0) {
		free(seen);
		return rc;
	}
	while ((step = hm__step(st)) == HM__ROW) {
		long long lv = hm__col_int64(st, 0), ix = hm__col_int64(st, 1);
		const unsigned char *h = hm__col_blob(st, 2);
		if (lv < 0 || (uint64_t)lv >= x->nlevels || ix < 0 ||
		    (uint64_t)ix >= (x->size >> lv)) {
			problem(x, "tree node at level %lld index %lld: not part of the log (added "
				"behind hallmark's back)", (long long)lv, (long long)ix);
			continue;
		}
		l = (unsigned)lv;
		i = (uint64_t)ix;
		while (seen[l] < i) {
			problem(x, "tree node at level %u index %llu: deleted", l,
				(unsigned long long)seen[l]);
			seen[l]++;
		}
		seen[l] = i + 1;
		if (hm__col_bytes(st, 2) == 32 && memcmp(h, x->level[l] + 32 * i, 32) == 0)
			continue;
		if (l == 0)
			problem(x, "tree node at level 0 index %llu: changed (it is not the hash of "
				"entry %llu)", (unsigned long long)i, (unsigned long long)i);
		else
			problem(x, "tree node at level %u index %llu: changed (it is not the hash of "
				"the entries below it)", l, (unsigned long long)i);
	}
	if (step != HM__DONE)
		rc = hm__archive_sql_err(x->a, "cannot read the tree");
	for (l = 0; rc == 0 && l < x->nlevels; l++)
		for (; seen[l] < (x->size >> l); seen[l]++)
			problem(x, "tree node at level %u index %llu: deleted", l,
				(unsigned long long)seen[l]);
	hm__finalize(st);
	free(seen);
	return rc;
}

static int check_heads(struct ctx *x, const hm_tree_head *trusted)
{
	hm__q *st = NULL;
	unsigned char root[32];
	char when[32];
	int rc, step;

	if ((rc = hm__archive_prepare(x->a, &st, "SELECT tree_size, root_hash, recorded FROM "
				      "heads ORDER BY tree_size")) < 0)
		return rc;
	while ((step = hm__step(st)) == HM__ROW) {
		long long m = hm__col_int64(st, 0);
		if (m < 0 || (uint64_t)m > x->size)
			continue; /* cannot happen: size is the largest */
		prefix_root(x, (uint64_t)m, root);
		if (hm__col_bytes(st, 1) != 32 ||
		    memcmp(hm__col_blob(st, 1), root, 32) != 0) {
			hm_rfc3339_format(when, hm__col_int64(st, 2));
			problem(x, "tree head of size %lld (recorded %s): the entries no longer give "
				"its root hash", (long long)m, when);
		}
	}
	if (step != HM__DONE)
		rc = hm__archive_sql_err(x->a, "cannot read the tree heads");
	hm__finalize(st);
	if (rc == 0 && trusted) {
		if (trusted->tree_size > x->size) {
			problem(x, "the trusted tree head has %llu entries but the log only %llu: "
				"entries were removed", (unsigned long long)trusted->tree_size,
				(unsigned long long)x->size);
		} else {
			prefix_root(x, trusted->tree_size, root);
			if (memcmp(root, trusted->root_hash, 32) != 0)
				problem(x, "the log does not extend the trusted tree head of size %llu: "
					"its first %llu entries were rewritten",
					(unsigned long long)trusted->tree_size,
					(unsigned long long)trusted->tree_size);
		}
	}
	return rc;
}

/* The refs or signers rows of each entry against what its bytes give. */
static int check_index(struct ctx *x, const char *sql, unsigned char (*want)[16],
		       const char *what, int ncols)
{
	unsigned char got[16], none[16];
	hm__q *st = NULL;
	long long cur = -1;
	uint64_t next = 0, i;
	struct fp f = { NULL };
	int rc, step, c;

	if ((rc = fp_begin(&f)) < 0)
		return rc;
	fp_end(&f, none); /* the fingerprint of no rows */
	if ((rc = hm__archive_prepare(x->a, &st, sql)) < 0)
		return rc;
	for (;;) {
		step = hm__step(st);
		long long id = step == HM__ROW ? hm__col_int64(st, 0) : -2;
		if (id != cur && cur >= 0) {
			fp_end(&f, got);
			if ((uint64_t)cur >= x->size)
				problem(x, "%s rows of entry %lld, which is not in the log", what,
					(long long)cur);
			else if (!(x->state[cur] & ENTRY_REPORTED) && memcmp(got, want[cur], 16))
				problem(x, "entry %lld: its %s were changed in the search index",
					(long long)cur, what);
			cur = -1;
		}
		if (step != HM__ROW)
			break;
		if (id != cur) {
			/* entries in between have no rows: they must want none */
			for (i = next; i < (uint64_t)id && i < x->size; i++)
				if (!(x->state[i] & ENTRY_REPORTED) && memcmp(want[i], none, 16))
					problem(x, "entry %llu: its %s were deleted from the search "
						"index", (unsigned long long)i, what);
			next = (uint64_t)id + 1;
			cur = id;
			if ((rc = fp_begin(&f)) < 0)
				break;
		}
		for (c = 1; c <= ncols; c++)
			fp_add(&f, hm__col_text(st, c));
	}
	if (f.md)
		EVP_MD_CTX_free(f.md);
	if (rc == 0 && step != HM__DONE)
		rc = hm__archive_sql_err(x->a, "cannot read the search index");
	for (i = next; rc == 0 && i < x->size; i++)
		if (!(x->state[i] & ENTRY_REPORTED) && memcmp(want[i], none, 16))
			problem(x, "entry %llu: its %s were deleted from the search index",
				(unsigned long long)i, what);
	hm__finalize(st);
	return rc;
}

/* The size of the last tree head hallmark recorded. */
static int head_size(struct ctx *x)
{
	hm__q *st = NULL;
	int rc, step;

	if ((rc = hm__archive_prepare(x->a, &st, "SELECT max(tree_size) FROM heads")) < 0)
		return rc;
	step = hm__step(st);
	if (step == HM__ROW)
		x->size = (uint64_t)hm__col_int64(st, 0);
	else
		rc = hm__archive_sql_err(x->a, "cannot read the tree heads");
	hm__finalize(st);
	return rc;
}

static int run(struct ctx *x, const hm_tree_head *trusted)
{
	int rc;

	if ((rc = head_size(x)) < 0)
		return rc;
	for (x->nlevels = 1; x->nlevels < HM_TREE_LEVELS && (x->size >> x->nlevels) > 0;
	     x->nlevels++)
		;
	x->level = calloc(x->nlevels, sizeof(*x->level));
	x->state = calloc(x->size ? x->size : 1, 1);
	x->want_refs = calloc(x->size ? x->size : 1, 16);
	x->want_signers = calloc(x->size ? x->size : 1, 16);
	if (!x->level || !x->state || !x->want_refs || !x->want_signers ||
	    !(x->level[0] = malloc(x->size ? x->size * 32 : 1)))
		return hm__err_oom();
	if ((rc = read_entries(x)) < 0 || (rc = fill_missing(x)) < 0 ||
	    (rc = build_levels(x)) < 0 || (rc = check_tree(x)) < 0 ||
	    (rc = check_heads(x, trusted)) < 0 ||
	    (rc = check_index(x, "SELECT entry_id, role, name, alg, digest FROM refs ORDER BY "
			      "entry_id, rowid", x->want_refs, "references", 4)) < 0 ||
	    (rc = check_index(x, "SELECT entry_id, keyid FROM signers ORDER BY entry_id, rowid",
			      x->want_signers, "signers", 1)) < 0)
		return rc;
	return 0;
}

int hm_archive_verify(char **problems, size_t *nproblems, hm_tree_head *head, hm_archive *a,
		      const hm_tree_head *trusted)
{
	struct ctx x;
	unsigned l;
	int rc;

	*problems = NULL;
	*nproblems = 0;
	if (head)
		memset(head, 0, sizeof(*head));
	memset(&x, 0, sizeof(x));
	x.a = a;
	if ((rc = hm__archive_read_begin(a)) < 0)
		return rc;
	rc = run(&x, trusted);
	hm__archive_read_end(a);
	if (rc == 0 && head && x.level) {
		head->tree_size = x.size;
		prefix_root(&x, x.size, head->root_hash);
	}
	for (l = 0; x.level && l < x.nlevels; l++)
		free(x.level[l]);
	free(x.level);
	free(x.state);
	free(x.want_refs);
	free(x.want_signers);
	if (rc < 0) {
		hm__buf_free(&x.out);
		return rc;
	}
	if (x.n > MAX_LISTED)
		hm__buf_printf(&x.out, "... and %zu more problems\n", x.n - MAX_LISTED);
	if (hm__buf_puts(&x.out, "") < 0) {
		hm__buf_free(&x.out);
		return hm__err_oom();
	}
	*problems = hm__buf_detach(&x.out, NULL);
	*nproblems = x.n;
	if (x.n)
		return hm__err(HM_EVERIFY, "%s: %zu problem%s: the archive was changed behind "
			       "hallmark's back", a->path, x.n, x.n == 1 ? "" : "s");
	return 0;
}
