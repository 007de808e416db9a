/* Entries read back from the archive: loading them by id, accessors, JSON. */
#include "archive_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static char *col_dup(hm__q *st, int i)
{
	const char *s = hm__col_text(st, i);

	return s ? strdup(s) : NULL;
}

static char *blob_dup(hm__q *st, int i, size_t *len)
{
	const void *b = hm__col_blob(st, i);
	size_t n = (size_t)hm__col_bytes(st, i);
	char *s;

	*len = 0;
	if (hm__col_null(st, i))
		return NULL;
	s = malloc(n + 1);
	if (!s)
		return NULL;
	if (n)
		memcpy(s, b, n);
	s[n] = '\0';
	*len = n;
	return s;
}

static void item_free(struct hm__item *it)
{
	size_t i;

	free(it->kind);
	free(it->reason);
	free(it->ptype);
	free(it->benchmark);
	free(it->entry);
	free(it->body);
	free(it->statement);
	for (i = 0; i < it->e.nrefs; i++) {
		free((char *)it->refs[i].role);
		free((char *)it->refs[i].name);
		free((char *)it->refs[i].alg);
		free((char *)it->refs[i].digest);
	}
	free(it->refs);
	for (i = 0; i < it->e.nsigners; i++)
		free(it->signers[i]);
	free(it->signers);
}

void hm_archive_list_free(hm_archive_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		item_free(&l->items[i]);
	free(l->items);
	free(l);
}

size_t hm_archive_list_count(const hm_archive_list *l)
{
	return l ? l->n : 0;
}

const hm_archive_entry *hm_archive_list_entry(const hm_archive_list *l, size_t i)
{
	return l && i < l->n ? &l->items[i].e : NULL;
}

static int load_refs(hm_archive *a, struct hm__item *it)
{
	hm__q *st = NULL;
	size_t cap = 0;
	int rc = 0, step;

	if ((rc = hm__archive_prepare(a, &st, "SELECT role, name, alg, digest FROM refs WHERE "
				      "entry_id = ?1 ORDER BY rowid")) < 0)
		return rc;
	hm__bind_int64(st, 1, (long long)it->e.id);
	while ((step = hm__step(st)) == HM__ROW) {
		hm_archive_ref *r;
		if (it->e.nrefs == cap) {
			hm_archive_ref *n = realloc(it->refs, (cap = cap ? cap * 2 : 4) * sizeof(*n));
			if (!n) {
				rc = hm__err_oom();
				break;
			}
			it->refs = n;
		}
		r = &it->refs[it->e.nrefs];
		r->role = col_dup(st, 0);
		r->name = col_dup(st, 1);
		r->alg = col_dup(st, 2);
		r->digest = col_dup(st, 3);
		it->e.nrefs++;
		if (!r->role || !r->alg || !r->digest) {
			rc = hm__err_oom();
			break;
		}
	}
	if (rc == 0 && step != HM__DONE)
		rc = hm__archive_sql_err(a, "cannot read references");
	hm__finalize(st);
	it->e.refs = it->refs;
	return rc;
}

static int load_signers(hm_archive *a, struct hm__item *it)
{
	hm__q *st = NULL;
	size_t cap = 0;
	int rc = 0, step;

	if ((rc = hm__archive_prepare(a, &st, "SELECT keyid FROM signers WHERE entry_id = ?1 "
				      "ORDER BY rowid")) < 0)
		return rc;
	hm__bind_int64(st, 1, (long long)it->e.id);
	while ((step = hm__step(st)) == HM__ROW) {
		if (it->e.nsigners == cap) {
			char **n = realloc(it->signers, (cap = cap ? cap * 2 : 2) * sizeof(*n));
			if (!n) {
				rc = hm__err_oom();
				break;
			}
			it->signers = n;
		}
		if (!(it->signers[it->e.nsigners] = col_dup(st, 0))) {
			rc = hm__err_oom();
			break;
		}
		it->e.nsigners++;
	}
	if (rc == 0 && step != HM__DONE)
		rc = hm__archive_sql_err(a, "cannot read signers");
	hm__finalize(st);
	it->e.signers = (const char *const *)it->signers;
	return rc;
}

static int load_one(hm_archive *a, hm__q *row, struct hm__item *it, int full)
{
	size_t len;
	int rc;

	it->e.id = (uint64_t)hm__col_int64(row, 0);
	it->e.kind = it->kind = col_dup(row, 1);
	it->e.recorded = hm__col_int64(row, 2);
	it->e.retain_until = hm__col_int64(row, 3);
	it->e.verified = hm__col_int(row, 4);
	it->e.reason = it->reason = col_dup(row, 5);
	it->e.predicate_type = it->ptype = col_dup(row, 6);
	it->e.benchmark = it->benchmark = col_dup(row, 7);
	if (hm__col_bytes(row, 8) == 32)
		memcpy(it->e.leaf_hash, hm__col_blob(row, 8), 32);
	if (!it->kind)
		return hm__err_oom();
	if (full) {
		it->e.entry = it->entry = blob_dup(row, 9, &it->e.entry_len);
		it->e.body = it->body = blob_dup(row, 10, &it->e.body_len);
		it->e.statement = it->statement = blob_dup(row, 11, &len);
		if (!it->entry || !it->body)
			return hm__err_oom();
	}
	if ((rc = load_refs(a, it)) < 0 || (rc = load_signers(a, it)) < 0)
		return rc;
	return 0;
}

int hm__archive_load(hm_archive *a, hm_archive_list *l, hm__q *ids, int full)
{
	hm__q *row = NULL;
	int rc = 0, step;

	if ((rc = hm__archive_prepare(a, &row, "SELECT e.id, e.kind, e.recorded, e.retain_until, "
				      "e.verified, e.reason, e.predicate_type, e.benchmark, t.hash, "
				      "e.entry, e.body, e.statement FROM entries e LEFT JOIN tree t "
				      "ON t.level = 0 AND t.idx = e.id WHERE e.id = ?1")) < 0) {
		hm__reset(ids);
		return rc;
	}
	while ((step = hm__step(ids)) == HM__ROW) {
		struct hm__item *it;
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			struct hm__item *n = realloc(l->items, cap * sizeof(*n));
			if (!n) {
				rc = hm__err_oom();
				break;
			}
			l->items = n;
			l->cap = cap;
		}
		hm__reset(row);
		hm__bind_int64(row, 1, hm__col_int64(ids, 0));
		if (hm__step(row) != HM__ROW)
			continue; /* a dangling reference; `archive verify` reports it */
		it = &l->items[l->n];
		memset(it, 0, sizeof(*it));
		l->n++;
		if ((rc = load_one(a, row, it, full)) < 0)
			break;
	}
	if (rc == 0 && step != HM__DONE)
		rc = hm__archive_sql_err(a, "cannot read the entries");
	hm__reset(ids);
	hm__finalize(row);
	return rc;
}

int hm__digest_query(char **alg, char **value, const char *digest)
{
	const char *colon = strchr(digest, ':');
	char *p;

	*alg = *value = NULL;
	if (colon && colon != digest) {
		if (!(*alg = strndup(digest, (size_t)(colon - digest))))
			return hm__err_oom();
		digest = colon + 1;
	}
	if (!*digest) {
		free(*alg);
		*alg = NULL;
		return hm__err(HM_EINVAL, "empty digest");
	}
	if (!(*value = strdup(digest))) {
		free(*alg);
		*alg = NULL;
		return hm__err_oom();
	}
	/* Hex digests are stored lowercase; other values (names of things) are left alone. */
	for (p = *value; *p && isxdigit((unsigned char)*p); p++)
		;
	if (!*p)
		for (p = *value; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return 0;
}

static json_t *parsed_or_string(const char *text, size_t len)
{
	json_error_t e;
	json_t *j;

	if (!text)
		return json_null();
	j = json_loadb(text, len, 0, &e);
	return j ? j : json_stringn(text, len);
}

json_t *hm__entry_json(const hm_archive_entry *e)
{
	char when[32], keep[32], leaf[65];
	json_t *o, *refs = json_array(), *signers = json_array();
	size_t i;

	hm_rfc3339_format(when, e->recorded);
	hm_rfc3339_format(keep, e->retain_until);
	hm__hex_encode(leaf, e->leaf_hash, 32);
	for (i = 0; refs && i < e->nrefs; i++)
		json_array_append_new(refs, json_pack("{s:s,s:s?,s:s,s:s}", "role", e->refs[i].role,
						      "name", e->refs[i].name, "alg", e->refs[i].alg,
						      "digest", e->refs[i].digest));
	for (i = 0; signers && i < e->nsigners; i++)
		json_array_append_new(signers, json_string(e->signers[i]));
	o = json_pack("{s:I,s:s,s:s,s:s,s:b,s:s?,s:s?,s:s?,s:o,s:o,s:s}", "id", (json_int_t)e->id,
		      "kind", e->kind, "recorded_at", when, "retain_until", keep, "verified",
		      e->verified, "reason", e->reason, "predicate_type", e->predicate_type,
		      "benchmark", e->benchmark, "refs", refs, "signers", signers, "leaf_hash", leaf);
	if (o && e->entry) {
		json_object_set_new(o, "entry", parsed_or_string(e->entry, e->entry_len));
		json_object_set_new(o, "body", parsed_or_string(e->body, e->body_len));
		json_object_set_new(o, "statement", parsed_or_string(e->statement,
								     e->statement ? strlen(e->statement)
										  : 0));
	}
	return o;
}

int hm_archive_list_json(char **out, const hm_archive_list *l)
{
	json_t *arr = json_array();
	size_t i;

	*out = NULL;
	for (i = 0; arr && i < l->n; i++)
		if (json_array_append_new(arr, hm__entry_json(&l->items[i].e)) < 0) {
			json_decref(arr);
			return hm__err_oom();
		}
	if (!arr)
		return hm__err_oom();
	*out = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(arr);
	return *out ? 0 : hm__err_oom();
}
