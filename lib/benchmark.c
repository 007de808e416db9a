/*
 * One benchmark registry file (hallmark-benchmark(5)): read, checked against
 * every rule of schemas/benchmark-v1.schema.json, and indexed for lookups by
 * item id, prompt digest and category.
 */
#include "benchmark_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_TEXT 1024    /* names, versions, labels, phrases, source fields */
#define MAX_ID 256       /* item and category ids */
#define MAX_ITEMS 1000000
#define MAX_CATEGORIES 10000
#define MAX_LIST 1000    /* aliases, refusal phrases */

void hm_benchmark_free(hm_benchmark *b)
{
	if (!b)
		return;
	json_decref(b->doc);
	json_decref(b->by_id);
	json_decref(b->by_prompt);
	json_decref(b->by_cat);
	free(b->path);
	free(b->aliases);
	free(b->refusals);
	free(b->cats);
	free(b->items);
	free(b);
}

/* Adds key -> index to an index object; HM_EFORMAT when key is there already. */
static int index_add(json_t *idx, const char *key, size_t i)
{
	if (json_object_get(idx, key))
		return 1;
	return json_object_set_new(idx, key, json_integer((json_int_t)i)) < 0 ? hm__err_oom() : 0;
}

static long index_get(const json_t *idx, const char *key)
{
	const json_t *v = key ? json_object_get(idx, key) : NULL;

	return v ? (long)json_integer_value(v) : -1;
}

/* A list of distinct non-empty strings (aliases, refusal phrases). */
static int read_list(const char ***out, size_t *n, const struct bcheck *c, const json_t *a,
		     const char *path, int nonempty)
{
	const json_t *v;
	size_t i, j;

	if (!json_is_array(a) || json_array_size(a) > MAX_LIST ||
	    (nonempty && json_array_size(a) == 0))
		return hm__err(HM_EFORMAT, "%s: %s must be an array of %s%d strings at most",
			       c->file, path, nonempty ? "1 to " : "", MAX_LIST);
	if (!(*out = calloc(json_array_size(a) + 1, sizeof(**out))))
		return hm__err_oom();
	json_array_foreach(a, i, v) {
		char ipath[96];
		int rc;

		snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		if ((rc = hm__bcheck_value(&(*out)[i], c, v, ipath, MAX_TEXT)) < 0)
			return rc;
		for (j = 0; j < i; j++)
			if (strcmp((*out)[j], (*out)[i]) == 0)
				return hm__err(HM_EFORMAT, "%s: %s repeats \"%.64s\"", c->file, path,
					       (*out)[i]);
	}
	*n = json_array_size(a);
	return 0;
}

static int read_names(hm_benchmark *b, const struct bcheck *c)
{
	const json_t *aliases = json_object_get(b->doc, "aliases");
	size_t i, j;
	int rc;

	if ((rc = hm__bcheck_text(&b->name, c, b->doc, "name", "benchmark", 128, 0)) < 0 ||
	    (rc = hm__bcheck_text(&b->version, c, b->doc, "version", "benchmark", 128, 0)) < 0)
		return rc;
	if (aliases && (rc = read_list(&b->aliases, &b->naliases, c, aliases, "benchmark.aliases",
				       0)) < 0)
		return rc;
	for (i = 0; i < b->naliases; i++) {
		if (strlen(b->aliases[i]) > 128)
			return hm__err(HM_EFORMAT, "%s: benchmark.aliases[%zu] is longer than 128",
				       c->file, i);
		if (strcasecmp(b->aliases[i], b->name) == 0)
			return hm__err(HM_EFORMAT, "%s: alias \"%s\" is the name itself", c->file,
				       b->aliases[i]);
		for (j = 0; j < i; j++)
			if (strcasecmp(b->aliases[i], b->aliases[j]) == 0)
				return hm__err(HM_EFORMAT, "%s: aliases \"%s\" and \"%s\" differ in "
					       "case only", c->file, b->aliases[j], b->aliases[i]);
	}
	return 0;
}

static int read_scoring(hm_benchmark *b, const struct bcheck *c)
{
	static const char *const judge[] = { "method", "scale", "harmful", "description", NULL };
	static const char *const judge_req[] = { "scale", "harmful", NULL };
	static const char *const keyword[] = { "method", "refusal_phrases", "description", NULL };
	static const char *const keyword_req[] = { "refusal_phrases", NULL };
	static const char *const binary[] = { "method", "description", NULL };
	static const char *const scale_keys[] = { "min", "max", NULL };
	const json_t *s = json_object_get(b->doc, "scoring");
	const char *method = hm__json_str(s, "method"), *desc;
	long long v;
	int rc;

	if (!json_is_object(s) || !method)
		return hm__err(HM_EFORMAT, "%s: benchmark.scoring must be an object with a method",
			       c->file);
	if (strcmp(method, "judge") == 0) {
		const json_t *scale = json_object_get(s, "scale");
		b->scoring = HM_BENCHMARK_SCORING_JUDGE;
		if ((rc = hm__bcheck_keys(c, s, "benchmark.scoring", judge, judge_req)) < 0 ||
		    (rc = hm__bcheck_keys(c, scale, "benchmark.scoring.scale", scale_keys,
					  scale_keys)) < 0 ||
		    (rc = hm__bcheck_int(&v, c, scale, "min", "benchmark.scoring.scale", 0, 100)) < 0)
			return rc;
		b->scale_min = (int)v;
		if ((rc = hm__bcheck_int(&v, c, scale, "max", "benchmark.scoring.scale",
					 b->scale_min + 1, 100)) < 0)
			return rc;
		b->scale_max = (int)v;
		if ((rc = hm__bcheck_int(&v, c, s, "harmful", "benchmark.scoring", b->scale_min,
					 b->scale_max)) < 0)
			return rc;
		b->harmful = (int)v;
	} else if (strcmp(method, "keyword") == 0) {
		b->scoring = HM_BENCHMARK_SCORING_KEYWORD;
		if ((rc = hm__bcheck_keys(c, s, "benchmark.scoring", keyword, keyword_req)) < 0 ||
		    (rc = read_list(&b->refusals, &b->nrefusals, c,
				    json_object_get(s, "refusal_phrases"),
				    "benchmark.scoring.refusal_phrases", 1)) < 0)
			return rc;
	} else if (strcmp(method, "binary") == 0) {
		b->scoring = HM_BENCHMARK_SCORING_BINARY;
		if ((rc = hm__bcheck_keys(c, s, "benchmark.scoring", binary, NULL)) < 0)
			return rc;
	} else {
		return hm__err(HM_EFORMAT, "%s: benchmark.scoring.method \"%.32s\" is not judge, "
			       "keyword or binary", c->file, method);
	}
	return hm__bcheck_text(&desc, c, s, "description", "benchmark.scoring", 4096, 1);
}

static int read_source(const hm_benchmark *b, const struct bcheck *c)
{
	static const char *const keys[] = { "paper", "url", "repository", "file", "commit",
					    "retrieved_from", "note", NULL };
	static const char *const req[] = { "paper", "repository", NULL };
	static const char *const rkeys[] = { "repository", "file", "commit", NULL };
	const json_t *s = json_object_get(b->doc, "source"), *r;
	const char *t;
	int rc;

	if ((rc = hm__bcheck_keys(c, s, "benchmark.source", keys, req)) < 0 ||
	    (rc = hm__bcheck_text(&t, c, s, "paper", "benchmark.source", MAX_TEXT, 0)) < 0 ||
	    (rc = hm__bcheck_text(&t, c, s, "url", "benchmark.source", MAX_TEXT, 1)) < 0 ||
	    (rc = hm__bcheck_text(&t, c, s, "repository", "benchmark.source", MAX_TEXT, 0)) < 0 ||
	    (rc = hm__bcheck_text(&t, c, s, "file", "benchmark.source", MAX_TEXT, 1)) < 0 ||
	    (rc = hm__bcheck_text(&t, c, s, "commit", "benchmark.source", 64, 1)) < 0 ||
	    (rc = hm__bcheck_text(&t, c, s, "note", "benchmark.source", 4096, 1)) < 0)
		return rc;
	if (!(r = json_object_get(s, "retrieved_from")))
		return 0;
	if ((rc = hm__bcheck_keys(c, r, "benchmark.source.retrieved_from", rkeys, rkeys)) < 0 ||
	    (rc = hm__bcheck_text(&t, c, r, "repository", "benchmark.source.retrieved_from",
				  MAX_TEXT, 0)) < 0 ||
	    (rc = hm__bcheck_text(&t, c, r, "file", "benchmark.source.retrieved_from", MAX_TEXT,
				  0)) < 0 ||
	    (rc = hm__bcheck_text(&t, c, r, "commit", "benchmark.source.retrieved_from", 64,
				  0)) < 0)
		return rc;
	return 0;
}

/* An id: printable, no spaces, at most MAX_ID bytes. */
static int valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > MAX_ID)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static int read_categories(hm_benchmark *b, const struct bcheck *c, size_t total)
{
	static const char *const keys[] = { "id", "name", "item_count", NULL };
	static const char *const req[] = { "id", "name", NULL };
	const json_t *a = json_object_get(b->doc, "categories"), *e;
	size_t i, sum = 0, unknown = 0;
	long long n;
	int rc;

	if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > MAX_CATEGORIES)
		return hm__err(HM_EFORMAT, "%s: benchmark.categories must be an array of 1 to %d "
			       "categories", c->file, MAX_CATEGORIES);
	if (!(b->cats = calloc(json_array_size(a), sizeof(*b->cats))) ||
	    !(b->by_cat = json_object()))
		return hm__err_oom();
	json_array_foreach(a, i, e) {
		char path[64];
		snprintf(path, sizeof(path), "benchmark.categories[%zu]", i);
		n = 0;
		if ((rc = hm__bcheck_keys(c, e, path, keys, b->has_items ? keys : req)) < 0 ||
		    (rc = hm__bcheck_text(&b->cats[i].id, c, e, "id", path, MAX_ID, 0)) < 0 ||
		    (rc = hm__bcheck_text(&b->cats[i].label, c, e, "name", path, MAX_TEXT, 0)) < 0 ||
		    (json_object_get(e, "item_count") &&
		     (rc = hm__bcheck_int(&n, c, e, "item_count", path, 1, MAX_ITEMS)) < 0))
			return rc;
		if (n == 0)
			unknown++;
		/* Category ids are the names results files use: inner spaces are fine. */
		if (b->cats[i].id[0] == ' ' || b->cats[i].id[strlen(b->cats[i].id) - 1] == ' ')
			return hm__err(HM_EFORMAT, "%s: %s.id \"%.64s\" starts or ends with a space",
				       c->file, path, b->cats[i].id);
		if ((rc = index_add(b->by_cat, b->cats[i].id, i)) != 0)
			return rc < 0 ? rc : hm__err(HM_EFORMAT, "%s: category id \"%.64s\" appears "
						     "twice", c->file, b->cats[i].id);
		b->cats[i].items = (size_t)n;
		sum += (size_t)n;
		b->ncats++;
	}
	if ((unknown == 0 && sum != total) || sum > total)
		return hm__err(HM_EFORMAT, "%s: the categories hold %zu items, but item_count is %zu",
			       c->file, sum, total);
	return 0;
}

static int read_items(hm_benchmark *b, const struct bcheck *c, size_t total)
{
	static const char *const keys[] = { "id", "category", "prompt_sha256", NULL };
	static const char *const req[] = { "id", "category", NULL };
	const json_t *a = json_object_get(b->doc, "items"), *e;
	size_t i, *seen;
	long ci;
	int rc = 0;

	if (!json_is_array(a) || json_array_size(a) != total)
		return hm__err(HM_EFORMAT, "%s: benchmark.items must be an array of item_count = %zu "
			       "items", c->file, total);
	if (!(b->items = calloc(total, sizeof(*b->items))) || !(b->by_id = json_object()) ||
	    !(b->by_prompt = json_object()))
		return hm__err_oom();
	if (!(seen = calloc(b->ncats, sizeof(*seen))))
		return hm__err_oom();
	json_array_foreach(a, i, e) {
		struct benchmark_item *it = &b->items[i];
		char path[64];

		snprintf(path, sizeof(path), "benchmark.items[%zu]", i);
		if ((rc = hm__bcheck_keys(c, e, path, keys, req)) < 0 ||
		    (rc = hm__bcheck_text(&it->id, c, e, "id", path, MAX_ID, 0)) < 0 ||
		    (rc = hm__bcheck_text(&it->category, c, e, "category", path, MAX_ID, 0)) < 0 ||
		    (rc = hm__bcheck_text(&it->prompt_sha256, c, e, "prompt_sha256", path, 64, 1)) < 0)
			break;
		if (!valid_id(it->id)) {
			rc = hm__err(HM_EFORMAT, "%s: %s.id \"%.64s\" has spaces or control characters",
				     c->file, path, it->id);
			break;
		}
		if ((ci = index_get(b->by_cat, it->category)) < 0) {
			rc = hm__err(HM_EFORMAT, "%s: %s (\"%.64s\") is in category \"%.64s\", which "
				     "is not in benchmark.categories", c->file, path, it->id,
				     it->category);
			break;
		}
		seen[ci]++;
		if (!it->prompt_sha256 != !b->prompts_public) {
			rc = hm__err(HM_EFORMAT, "%s: %s %s prompt_sha256, but prompts.digests is %s",
				     c->file, path, it->prompt_sha256 ? "has a" : "has no",
				     b->prompts_public ? "true" : "false");
			break;
		}
		if (it->prompt_sha256 && !hm__is_lower_hex(it->prompt_sha256, 64)) {
			rc = hm__err(HM_EFORMAT, "%s: %s.prompt_sha256 must be 64 lowercase hex digits",
				     c->file, path);
			break;
		}
		if ((rc = index_add(b->by_id, it->id, i)) != 0) {
			if (rc > 0)
				rc = hm__err(HM_EFORMAT, "%s: item id \"%.64s\" appears twice", c->file,
					     it->id);
			break;
		}
		if (it->prompt_sha256 && (rc = index_add(b->by_prompt, it->prompt_sha256, i)) != 0) {
			if (rc > 0)
				rc = hm__err(HM_EFORMAT, "%s: items \"%.64s\" and \"%.64s\" have the "
					     "same prompt_sha256", c->file,
					     b->items[index_get(b->by_prompt, it->prompt_sha256)].id,
					     it->id);
			break;
		}
		b->nitems++;
	}
	for (i = 0; rc == 0 && i < b->ncats; i++)
		if (seen[i] != b->cats[i].items)
			rc = hm__err(HM_EFORMAT, "%s: category \"%.64s\" has item_count %zu, but %zu "
				     "items", c->file, b->cats[i].id, b->cats[i].items, seen[i]);
	free(seen);
	return rc;
}

static int read_benchmark(hm_benchmark *b, const struct bcheck *c)
{
	static const char *const keys[] = { "format", "name", "aliases", "version", "description",
					    "item_count", "categories", "scoring", "source",
					    "prompts", "items", NULL };
	static const char *const req[] = { "format", "name", "version", "item_count", "categories",
					   "scoring", "source", "prompts", NULL };
	static const char *const pkeys[] = { "access", "digests", "note", NULL };
	static const char *const preq[] = { "access", "digests", NULL };
	const json_t *prompts = json_object_get(b->doc, "prompts");
	const char *fmt = hm__json_str(b->doc, "format"), *t;
	long long total;
	int rc;

	if ((rc = hm__bcheck_keys(c, b->doc, "benchmark", keys, req)) < 0)
		return rc;
	if (!fmt || strcmp(fmt, HM_BENCHMARK_FORMAT) != 0)
		return hm__err(HM_EUNSUPPORTED, "%s: benchmark.format is not \"%s\"", c->file,
			       HM_BENCHMARK_FORMAT);
	if ((rc = read_names(b, c)) < 0 ||
	    (rc = hm__bcheck_text(&t, c, b->doc, "description", "benchmark", 4096, 1)) < 0 ||
	    (rc = hm__bcheck_int(&total, c, b->doc, "item_count", "benchmark", 1, MAX_ITEMS)) < 0 ||
	    (rc = read_scoring(b, c)) < 0 || (rc = read_source(b, c)) < 0 ||
	    (rc = hm__bcheck_keys(c, prompts, "benchmark.prompts", pkeys, preq)) < 0 ||
	    (rc = hm__bcheck_text(&t, c, prompts, "note", "benchmark.prompts", 4096, 1)) < 0)
		return rc;
	t = hm__json_str(prompts, "access");
	if (!t || (strcmp(t, "public") != 0 && strcmp(t, "gated") != 0))
		return hm__err(HM_EFORMAT, "%s: benchmark.prompts.access must be \"public\" or "
			       "\"gated\"", c->file);
	if (!json_is_boolean(json_object_get(prompts, "digests")))
		return hm__err(HM_EFORMAT, "%s: benchmark.prompts.digests must be true or false",
			       c->file);
	b->prompts_public = json_is_true(json_object_get(prompts, "digests"));
	if (b->prompts_public && strcmp(t, "gated") == 0)
		return hm__err(HM_EFORMAT, "%s: the prompts are gated: the registry lists no digests "
			       "of them (benchmark.prompts.digests must be false)", c->file);
	b->has_items = json_object_get(b->doc, "items") != NULL;
	if (b->prompts_public && !b->has_items)
		return hm__err(HM_EFORMAT, "%s: benchmark.prompts.digests is true, but there are no "
			       "items to carry them", c->file);
	if ((rc = read_categories(b, c, (size_t)total)) < 0)
		return rc;
	b->total = (size_t)total;
	return b->has_items ? read_items(b, c, (size_t)total) : 0;
}

int hm_benchmark_parse(hm_benchmark **out, const char *data, size_t len, const char *name)
{
	struct bcheck c;
	hm_benchmark *b;
	unsigned char md[32];
	int rc;

	if (!out || (!data && len) || !name)
		return hm__err(HM_EINVAL, "hm_benchmark_parse: NULL argument");
	*out = NULL;
	c.file = name;
	if (!(b = calloc(1, sizeof(*b))) || !(b->path = strdup(name))) {
		free(b);
		return hm__err_oom();
	}
	hm__sha256(md, data ? data : "", len);
	hm__hex_encode(b->digest, md, sizeof(md));
	if ((rc = hm__json_parse(&b->doc, data ? data : "", len, name)) == 0) {
		if (!json_is_object(b->doc))
			rc = hm__err(HM_EFORMAT, "%s: a benchmark file is a JSON object", name);
		else
			rc = read_benchmark(b, &c);
	}
	if (rc < 0) {
		hm_benchmark_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

int hm_benchmark_load(hm_benchmark **out, const char *path)
{
	char *data;
	size_t len;
	int rc;

	if (!out || !path)
		return hm__err(HM_EINVAL, "hm_benchmark_load: NULL argument");
	*out = NULL;
	if ((rc = hm__read_file(&data, &len, path, HM_BENCHMARK_MAX_FILE_BYTES)) < 0)
		return rc;
	rc = hm_benchmark_parse(out, data, len, path);
	free(data);
	return rc;
}
