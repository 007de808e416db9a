/*
 * Exports for auditors: JSON (the tree head and every entry in full), CSV (one
 * row an entry) and CycloneDX (archive_cyclonedx.c), over a time range.
 */
#include "archive_impl.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int hm_archive_format_parse(hm_archive_format *out, const char *name)
{
	if (name && strcmp(name, "json") == 0)
		*out = HM_ARCHIVE_EXPORT_JSON;
	else if (name && strcmp(name, "csv") == 0)
		*out = HM_ARCHIVE_EXPORT_CSV;
	else if (name && strcmp(name, "cyclonedx-xml") == 0)
		*out = HM_ARCHIVE_EXPORT_CYCLONEDX;
	else
		return hm__err(HM_EINVAL, "unknown export format \"%s\": use json, csv or "
			       "cyclonedx-xml", name ? name : "");
	return 0;
}

int hm__archive_range(hm_archive *a, hm_archive_list **out, long long since, long long until)
{
	hm__q *st = NULL;
	int rc;

	if (!(*out = calloc(1, sizeof(**out))))
		return hm__err_oom();
	if ((rc = hm__archive_prepare(a, &st, "SELECT id FROM entries WHERE (?1 = 0 OR recorded >= "
				      "?1) AND (?2 = 0 OR recorded <= ?2) ORDER BY id")) < 0)
		return rc;
	hm__bind_int64(st, 1, since);
	hm__bind_int64(st, 2, until);
	rc = hm__archive_load(a, *out, st, 1);
	hm__finalize(st);
	return rc;
}

static int export_json(char **out, size_t *len, const hm_archive_list *l, const hm_tree_head *h,
		       long long since, long long until)
{
	char root[65], now[32], from[32], to[32];
	json_t *o, *entries = json_array();
	size_t i;

	hm__hex_encode(root, h->root_hash, 32);
	hm_rfc3339_format(now, (long long)time(NULL));
	hm_rfc3339_format(from, since);
	hm_rfc3339_format(to, until);
	for (i = 0; entries && i < l->n; i++)
		json_array_append_new(entries, hm__entry_json(&l->items[i].e));
	o = json_pack("{s:s,s:{s:I,s:s},s:s?,s:s?,s:o}", "exported_at", now, "tree_head",
		      "tree_size", (json_int_t)h->tree_size, "root_hash", root, "since",
		      since ? from : NULL, "until", until ? to : NULL, "entries", entries);
	if (!o)
		return hm__err_oom();
	*out = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!*out)
		return hm__err_oom();
	*len = strlen(*out);
	return 0;
}

/*
 * One CSV field (RFC 4180): always quoted, quotes doubled. Control and bidi
 * characters and bytes that are not UTF-8 are written as visible escapes
 * (hm_text_escape: \n, \x1b, \u202e, and a backslash as \\), so a cell is
 * one line of plain text. A value starting with = + - @ gets a leading ' so
 * that spreadsheets show it instead of evaluating it as a formula.
 */
static void csv_field(hm_buf *b, const char *s, int last)
{
	char *e = NULL;
	const char *c;

	hm__buf_puts(b, "\"");
	if (s && hm_text_escape(&e, s, strlen(s), 0) < 0)
		s = "(out of memory)";
	else if (s)
		s = e;
	if (s && (*s == '=' || *s == '+' || *s == '-' || *s == '@'))
		hm__buf_puts(b, "'");
	for (c = s; c && *c; c++) {
		if (*c == '"')
			hm__buf_puts(b, "\"\"");
		else
			hm__buf_put(b, c, 1);
	}
	free(e);
	hm__buf_puts(b, last ? "\"\r\n" : "\",");
}

static void refs_field(hm_buf *b, const hm_archive_entry *e, int subjects)
{
	hm_buf v = HM_BUF_INIT;
	size_t i;

	for (i = 0; i < e->nrefs; i++) {
		const hm_archive_ref *r = &e->refs[i];
		if ((strcmp(r->role, "subject") == 0) != subjects)
			continue;
		hm__buf_printf(&v, "%s%s%s%s%s%s:", v.len ? "; " : "", subjects ? "" : r->role,
			       subjects ? "" : "=", r->name ? r->name : "", r->name ? "@" : "",
			       r->alg);
		hm__buf_puts(&v, r->digest);
	}
	csv_field(b, v.data ? v.data : "", 0);
	hm__buf_free(&v);
}

static int export_csv(char **out, size_t *len, const hm_archive_list *l)
{
	hm_buf b = HM_BUF_INIT;
	char when[32], keep[32], leaf[65], id[24];
	size_t i, j;

	hm__buf_puts(&b, "id,kind,recorded_at,retain_until,verified,reason,predicate_type,"
		     "benchmark,subjects,references,signers,leaf_hash\r\n");
	for (i = 0; i < l->n; i++) {
		const hm_archive_entry *e = &l->items[i].e;
		hm_buf s = HM_BUF_INIT;
		hm_rfc3339_format(when, e->recorded);
		hm_rfc3339_format(keep, e->retain_until);
		hm__hex_encode(leaf, e->leaf_hash, 32);
		snprintf(id, sizeof(id), "%llu", (unsigned long long)e->id);
		csv_field(&b, id, 0);
		csv_field(&b, e->kind, 0);
		csv_field(&b, when, 0);
		csv_field(&b, keep, 0);
		csv_field(&b, e->verified ? "true" : "false", 0);
		csv_field(&b, e->reason, 0);
		csv_field(&b, e->predicate_type, 0);
		csv_field(&b, e->benchmark, 0);
		refs_field(&b, e, 1);
		refs_field(&b, e, 0);
		for (j = 0; j < e->nsigners; j++)
			hm__buf_printf(&s, "%s%s", j ? " " : "", e->signers[j]);
		csv_field(&b, s.data ? s.data : "", 0);
		hm__buf_free(&s);
		csv_field(&b, leaf, 1);
	}
	if (hm__buf_puts(&b, "") < 0) {
		hm__buf_free(&b);
		return hm__err_oom();
	}
	*out = hm__buf_detach(&b, len);
	return 0;
}

int hm_archive_export(char **out, size_t *len, hm_archive *a, hm_archive_format fmt,
		      long long since, long long until)
{
	hm_archive_list *l = NULL;
	hm_tree_head head;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (len)
		*len = 0;
	if (since && until && since > until)
		return hm__err(HM_EINVAL, "the time range ends before it starts");
	if ((rc = hm__archive_read_begin(a)) < 0)
		return rc;
	if ((rc = hm__tree_head(a, &head)) == 0)
		rc = hm__archive_range(a, &l, since, until);
	hm__archive_read_end(a);
	if (rc == 0) {
		switch (fmt) {
		case HM_ARCHIVE_EXPORT_JSON:
			rc = export_json(out, &n, l, &head, since, until);
			break;
		case HM_ARCHIVE_EXPORT_CSV:
			rc = export_csv(out, &n, l);
			break;
		case HM_ARCHIVE_EXPORT_CYCLONEDX:
			rc = hm__archive_cyclonedx(out, &n, a, l, &head);
			break;
		default:
			rc = hm__err(HM_EINVAL, "unknown export format %d", (int)fmt);
		}
	}
	hm_archive_list_free(l);
	if (rc == 0 && len)
		*len = n;
	return rc;
}
