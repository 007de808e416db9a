/* Searching the archive: by digest, name, predicate type, signer, benchmark, time. */
#include "archive_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BINDS 16

struct query {
	hm_buf sql;
	const char *text[MAX_BINDS];
	long long num[MAX_BINDS];
	int is_text[MAX_BINDS];
	int n;
};

static int bind_text(struct query *q, const char *s)
{
	q->text[q->n] = s;
	q->is_text[q->n] = 1;
	return ++q->n;
}

static int bind_num(struct query *q, long long v)
{
	q->num[q->n] = v;
	q->is_text[q->n] = 0;
	return ++q->n;
}

static int check_signer(const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			break;
	if (i < n || n < 8 || n > HM_KEY_ID_HEXLEN)
		return hm__err(HM_EINVAL, "signer \"%s\": give a key id (64 hex digits) or at least "
			       "its first 8 digits", s);
	return 0;
}

int hm_archive_search(hm_archive_list **out, hm_archive *a, const hm_archive_query *q)
{
	hm_archive_query defaults = HM_ARCHIVE_QUERY_INIT;
	struct query b;
	hm__q *st = NULL;
	char *alg = NULL, *value = NULL, *signer = NULL, *signer_end = NULL, *pattern = NULL;
	hm_archive_list *l = NULL;
	int rc = 0, i;

	*out = NULL;
	if (!q)
		q = &defaults;
	HM__CHECK_VERSION(q, HM_ARCHIVE_QUERY_VERSION, "hm_archive_query");
	memset(&b, 0, sizeof(b));
	if (q->kind && strcmp(q->kind, "attestation") != 0 && strcmp(q->kind, "verification") != 0)
		return hm__err(HM_EINVAL, "kind \"%s\": use attestation or verification", q->kind);
	if (q->signer && (rc = check_signer(q->signer)) < 0)
		return rc;
	rc = hm__buf_puts(&b.sql, "SELECT id FROM entries WHERE 1 = 1");
	if (rc >= 0 && q->digest) {
		if ((rc = hm__digest_query(&alg, &value, q->digest)) < 0)
			goto out;
		char v[16];
		snprintf(v, sizeof(v), "?%d", bind_text(&b, value));
		rc = hm__buf_printf(&b.sql, " AND id IN (SELECT entry_id FROM refs WHERE "
				    HM__KEY_MATCH("digest", "%s"), v, v);
		if (rc >= 0 && alg)
			rc = hm__buf_printf(&b.sql, " AND lower(alg) = lower(?%d)", bind_text(&b, alg));
		if (rc >= 0 && q->role)
			rc = hm__buf_printf(&b.sql, " AND role = ?%d", bind_text(&b, q->role));
		if (rc >= 0)
			rc = hm__buf_puts(&b.sql, ")");
	}
	if (rc >= 0 && q->name) {
		if (a->ops->glob && (rc = a->ops->glob(&pattern, q->name)) < 0)
			goto out;
		rc = hm__buf_printf(&b.sql, " AND id IN (SELECT entry_id FROM refs WHERE name %s ?%d",
				    a->ops->glob_op, bind_text(&b, pattern ? pattern : q->name));
		if (rc >= 0 && q->role)
			rc = hm__buf_printf(&b.sql, " AND role = ?%d", bind_text(&b, q->role));
		if (rc >= 0)
			rc = hm__buf_puts(&b.sql, ")");
	}
	if (rc >= 0 && q->predicate_type)
		rc = hm__buf_printf(&b.sql, " AND predicate_type = ?%d",
				    bind_text(&b, q->predicate_type));
	if (rc >= 0 && q->signer) {
		/* Key ids are lowercase hex: a prefix is the range [prefix, prefix + "g"). */
		signer = strdup(q->signer);
		signer_end = malloc(strlen(q->signer) + 2);
		if (!signer || !signer_end) {
			rc = hm__err_oom();
			goto out;
		}
		for (i = 0; signer[i]; i++)
			signer[i] = (char)tolower((unsigned char)signer[i]);
		strcpy(signer_end, signer);
		strcat(signer_end, "g");
		rc = hm__buf_printf(&b.sql, " AND id IN (SELECT entry_id FROM signers WHERE keyid >= "
				    "?%d AND keyid < ?%d)", bind_text(&b, signer),
				    bind_text(&b, signer_end));
	}
	if (rc >= 0 && q->benchmark)
		rc = hm__buf_printf(&b.sql, " AND benchmark = ?%d", bind_text(&b, q->benchmark));
	if (rc >= 0 && q->kind)
		rc = hm__buf_printf(&b.sql, " AND kind = ?%d", bind_text(&b, q->kind));
	if (rc >= 0 && q->since)
		rc = hm__buf_printf(&b.sql, " AND recorded >= ?%d", bind_num(&b, q->since));
	if (rc >= 0 && q->until)
		rc = hm__buf_printf(&b.sql, " AND recorded <= ?%d", bind_num(&b, q->until));
	if (rc >= 0 && q->verified >= 0)
		rc = hm__buf_printf(&b.sql, " AND verified = ?%d", bind_num(&b, q->verified ? 1 : 0));
	if (rc >= 0)
		rc = hm__buf_puts(&b.sql, " ORDER BY id");
	if (rc >= 0 && q->limit)
		rc = hm__buf_printf(&b.sql, " LIMIT ?%d", bind_num(&b, (long long)q->limit));
	if (rc < 0 || (rc = hm__archive_prepare(a, &st, b.sql.data)) < 0)
		goto out;
	for (i = 0; i < b.n; i++) {
		if (b.is_text[i])
			hm__bind_text(st, i + 1, b.text[i], -1);
		else
			hm__bind_int64(st, i + 1, b.num[i]);
	}
	if (!(l = calloc(1, sizeof(*l)))) {
		rc = hm__err_oom();
		goto out;
	}
	/* One read transaction: the ids and the rows come from the same snapshot. */
	if ((rc = hm__archive_read_begin(a)) < 0)
		goto out;
	rc = hm__archive_load(a, l, st, 0);
	hm__archive_read_end(a);
	if (rc >= 0) {
		*out = l;
		l = NULL;
	}
out:
	hm__finalize(st);
	hm_archive_list_free(l);
	hm__buf_free(&b.sql);
	free(alg);
	free(value);
	free(signer);
	free(signer_end);
	free(pattern);
	return rc < 0 ? rc : 0;
}

int hm_archive_get(hm_archive_list **out, hm_archive *a, uint64_t id)
{
	hm__q *st = NULL;
	hm_archive_list *l;
	int rc;

	*out = NULL;
	if (!(l = calloc(1, sizeof(*l))))
		return hm__err_oom();
	if ((rc = hm__archive_prepare(a, &st, "SELECT ?1")) < 0)
		goto fail;
	hm__bind_int64(st, 1, (long long)id);
	if ((rc = hm__archive_read_begin(a)) < 0)
		goto fail;
	rc = hm__archive_load(a, l, st, 1);
	hm__archive_read_end(a);
	if (rc < 0)
		goto fail;
	if (l->n == 0) {
		rc = hm__err(HM_ENOTFOUND, "%s: no entry %llu", a->path, (unsigned long long)id);
		goto fail;
	}
	hm__finalize(st);
	*out = l;
	return 0;
fail:
	hm__finalize(st);
	hm_archive_list_free(l);
	return rc;
}
