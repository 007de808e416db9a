/*
 * Per-item records against the benchmark registry: every record is matched to
 * one item of the registered benchmark (by the SHA-256 of its prompt when the
 * registry lists prompt digests and the record carries the prompt, else by its
 * id, which may be the prompt's SHA-256), in that item's category; the
 * coverage says how many items were scored. The items and the coverage go
 * into the predicate and are read back here.
 */
#include "audit_impl.h"

#include <stdlib.h>
#include <string.h>

static void prompt_digest(char hex[65], const struct audit_record *rec)
{
	unsigned char md[32];

	hm__sha256(md, rec->prompt, rec->prompt_len);
	hm__hex_encode(hex, md, sizeof(md));
}

/* A benchmark known by its counts only: the record needs an id and a registered category. */
static int resolve_by_category(struct audit_record *rec, char idbuf[65],
			       const hm_benchmark *bench, const char *name, size_t line)
{
	long ci;

	if (!rec->id && rec->prompt) {
		prompt_digest(idbuf, rec);
		rec->id = idbuf;
	}
	if (!rec->category && hm_benchmark_category_count(bench) == 1)
		rec->category = hm_benchmark_category_id(bench, 0);
	if (!rec->id || !rec->category)
		return hm__err(HM_EFORMAT, "%s:%zu: the record needs %s: %s is registered without "
			       "its item list, so records are counted by id and category", name, line,
			       rec->id ? "a category" : "an id", hm_benchmark_name(bench));
	if ((ci = hm_benchmark_category_find(bench, rec->category)) < 0)
		return hm__err(HM_EFORMAT, "%s:%zu: unknown category \"%s\": %s has no such "
			       "category", name, line, rec->category, hm_benchmark_name(bench));
	rec->label = hm_benchmark_category_label(bench, (size_t)ci);
	return 0;
}

int hm__audit_resolve(struct audit_record *rec, char idbuf[65], const hm_benchmark *bench,
		      const char *name, size_t line)
{
	long i = -1, ci;

	if (!bench) {
		if (!rec->id && rec->prompt) {
			prompt_digest(idbuf, rec);
			rec->id = idbuf;
		}
		return 0;
	}
	if (!hm_benchmark_has_items(bench))
		return resolve_by_category(rec, idbuf, bench, name, line);
	if (rec->prompt && hm_benchmark_has_prompt_digests(bench)) {
		prompt_digest(idbuf, rec);
		if ((i = hm_benchmark_item_find_prompt(bench, idbuf)) < 0)
			return hm__err(HM_EFORMAT, "%s:%zu: the prompt is not one of %s's items (its "
				       "SHA-256 is %s)", name, line, hm_benchmark_name(bench), idbuf);
		if (rec->id && !rec->positional &&
		    strcmp(rec->id, hm_benchmark_item_id(bench, (size_t)i)) != 0)
			return hm__err(HM_EFORMAT, "%s:%zu: id \"%s\" but the prompt is %s's item "
				       "\"%s\"", name, line, rec->id, hm_benchmark_name(bench),
				       hm_benchmark_item_id(bench, (size_t)i));
	} else if (rec->id) {
		/* An id may be the SHA-256 of the prompt, as an audit without the registry records it. */
		if ((i = hm_benchmark_item_find(bench, rec->id)) < 0 &&
		    hm_benchmark_has_prompt_digests(bench) && strlen(rec->id) == 64 &&
		    hm__is_lower_hex(rec->id, 64) &&
		    (i = hm_benchmark_item_find_prompt(bench, rec->id)) < 0)
			return hm__err(HM_EFORMAT, "%s:%zu: unknown item \"%s\": no prompt of %s has "
				       "this SHA-256", name, line, rec->id, hm_benchmark_name(bench));
		if (i < 0)
			return hm__err(HM_EFORMAT, "%s:%zu: unknown item \"%s\": %s has no item with "
				       "this id", name, line, rec->id, hm_benchmark_name(bench));
	} else {
		return hm__err(HM_EFORMAT, "%s:%zu: the record has no id, and %s lists no prompt "
			       "digests to find its item by", name, line, hm_benchmark_name(bench));
	}
	if (rec->category && strcmp(rec->category, hm_benchmark_item_category(bench, (size_t)i))) {
		if (hm_benchmark_category_find(bench, rec->category) < 0)
			return hm__err(HM_EFORMAT, "%s:%zu: unknown category \"%s\": %s has no such "
				       "category", name, line, rec->category,
				       hm_benchmark_name(bench));
		return hm__err(HM_EFORMAT, "%s:%zu: item \"%s\" is in category \"%s\" of %s, not "
			       "\"%s\"", name, line, hm_benchmark_item_id(bench, (size_t)i),
			       hm_benchmark_item_category(bench, (size_t)i), hm_benchmark_name(bench),
			       rec->category);
	}
	rec->id = hm_benchmark_item_id(bench, (size_t)i);
	rec->category = hm_benchmark_item_category(bench, (size_t)i);
	ci = hm_benchmark_category_find(bench, rec->category);
	rec->label = hm_benchmark_category_label(bench, (size_t)ci);
	return 0;
}

int hm__audit_coverage(hm_audit_metrics *m, const hm_benchmark *bench, int partial)
{
	struct audit_coverage *cov = &m->cov;
	size_t i, nc = hm_benchmark_category_count(bench), *per;
	unsigned char *scored;
	long first_missing = -1, k;

	/* Every item was matched to a registered one, once (duplicates are refused before). */
	cov->known = 1;
	cov->c.expected = hm_benchmark_item_count(bench);
	cov->c.scored = m->nitems;
	cov->c.missing = cov->c.scored <= cov->c.expected ? cov->c.expected - cov->c.scored : 0;
	per = calloc(nc, sizeof(*per));
	scored = calloc(cov->c.expected, 1);
	cov->missing_categories = calloc(nc, sizeof(char *));
	if (!per || !scored || !cov->missing_categories) {
		free(per);
		free(scored);
		return hm__err_oom();
	}
	for (i = 0; i < m->nitems; i++) {
		if ((k = hm_benchmark_item_find(bench, m->items[i].id)) >= 0)
			scored[k] = 1;
		if ((k = hm_benchmark_category_find(bench, m->items[i].category)) >= 0)
			per[k]++;
	}
	/* Without the item list, no more records than items, overall and per category. */
	for (i = 0; i < nc && cov->c.scored <= cov->c.expected; i++) {
		size_t want = hm_benchmark_category_items(bench, i);
		if (want && per[i] > want) {
			int rc = hm__err(HM_EFORMAT, "category \"%s\" has %zu records, but %s has "
					 "%zu items in it", hm_benchmark_category_id(bench, i),
					 per[i], hm_benchmark_name(bench), want);
			free(per);
			free(scored);
			return rc;
		}
	}
	if (cov->c.scored > cov->c.expected) {
		free(per);
		free(scored);
		return hm__err(HM_EFORMAT, "%zu records, but %s has %zu items", cov->c.scored,
			       hm_benchmark_name(bench), cov->c.expected);
	}
	for (i = 0; hm_benchmark_has_items(bench) && i < cov->c.expected && first_missing < 0; i++)
		if (!scored[i])
			first_missing = (long)i;
	free(scored);
	for (i = 0; i < nc; i++) {
		if (per[i])
			continue;
		if (!(cov->missing_categories[cov->c.categories_missing] =
			      strdup(hm_benchmark_category_id(bench, i)))) {
			free(per);
			return hm__err_oom();
		}
		cov->c.categories_missing++;
	}
	free(per);
	if (cov->c.missing == 0 || partial)
		return 0;
	return hm__err(HM_EFORMAT, "%zu of %s's %zu items have no record (%s%s%s%zu of %zu "
		       "categories have none): the audit does not cover the benchmark (--partial "
		       "records it as partial)", cov->c.missing, hm_benchmark_name(bench),
		       cov->c.expected, first_missing >= 0 ? "first missing: \"" : "",
		       first_missing >= 0 ? hm_benchmark_item_id(bench, (size_t)first_missing) : "",
		       first_missing >= 0 ? "\"; " : "", cov->c.categories_missing, nc);
}
