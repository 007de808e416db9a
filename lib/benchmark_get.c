/* Reading a benchmark's members and finding its items (hallmark/benchmark.h). */
#include "benchmark_impl.h"

#include <strings.h>

const char *hm_benchmark_name(const hm_benchmark *b)
{
	return b->name;
}

const char *hm_benchmark_version(const hm_benchmark *b)
{
	return b->version;
}

size_t hm_benchmark_alias_count(const hm_benchmark *b)
{
	return b->naliases;
}

const char *hm_benchmark_alias(const hm_benchmark *b, size_t i)
{
	return i < b->naliases ? b->aliases[i] : NULL;
}

int hm_benchmark_matches(const hm_benchmark *b, const char *name)
{
	size_t i;

	if (!name)
		return 0;
	if (strcasecmp(b->name, name) == 0)
		return 1;
	for (i = 0; i < b->naliases; i++)
		if (strcasecmp(b->aliases[i], name) == 0)
			return 1;
	return 0;
}

const char *hm_benchmark_digest(const hm_benchmark *b)
{
	return b->digest;
}

const char *hm_benchmark_path(const hm_benchmark *b)
{
	return b->path;
}

hm_benchmark_scoring hm_benchmark_scoring_method(const hm_benchmark *b)
{
	return b->scoring;
}

const char *hm_benchmark_scoring_name(hm_benchmark_scoring s)
{
	switch (s) {
	case HM_BENCHMARK_SCORING_JUDGE: return "judge";
	case HM_BENCHMARK_SCORING_KEYWORD: return "keyword";
	case HM_BENCHMARK_SCORING_BINARY: return "binary";
	default: return "unknown";
	}
}

void hm_benchmark_judge_scale(const hm_benchmark *b, int *min, int *max, int *harmful)
{
	if (min)
		*min = b->scale_min;
	if (max)
		*max = b->scale_max;
	if (harmful)
		*harmful = b->harmful;
}

size_t hm_benchmark_refusal_count(const hm_benchmark *b)
{
	return b->nrefusals;
}

const char *hm_benchmark_refusal(const hm_benchmark *b, size_t i)
{
	return i < b->nrefusals ? b->refusals[i] : NULL;
}

size_t hm_benchmark_category_count(const hm_benchmark *b)
{
	return b->ncats;
}

const char *hm_benchmark_category_id(const hm_benchmark *b, size_t i)
{
	return i < b->ncats ? b->cats[i].id : NULL;
}

const char *hm_benchmark_category_label(const hm_benchmark *b, size_t i)
{
	return i < b->ncats ? b->cats[i].label : NULL;
}

size_t hm_benchmark_category_items(const hm_benchmark *b, size_t i)
{
	return i < b->ncats ? b->cats[i].items : 0;
}

static long lookup(const json_t *idx, const char *key)
{
	const json_t *v = key ? json_object_get(idx, key) : NULL;

	return v ? (long)json_integer_value(v) : -1;
}

long hm_benchmark_category_find(const hm_benchmark *b, const char *id)
{
	return lookup(b->by_cat, id);
}

size_t hm_benchmark_item_count(const hm_benchmark *b)
{
	return b->total;
}

int hm_benchmark_has_items(const hm_benchmark *b)
{
	return b->has_items;
}

const char *hm_benchmark_item_id(const hm_benchmark *b, size_t i)
{
	return i < b->nitems ? b->items[i].id : NULL;
}

const char *hm_benchmark_item_category(const hm_benchmark *b, size_t i)
{
	return i < b->nitems ? b->items[i].category : NULL;
}

const char *hm_benchmark_item_prompt_sha256(const hm_benchmark *b, size_t i)
{
	return i < b->nitems ? b->items[i].prompt_sha256 : NULL;
}

int hm_benchmark_has_prompt_digests(const hm_benchmark *b)
{
	return b->prompts_public;
}

long hm_benchmark_item_find(const hm_benchmark *b, const char *id)
{
	return lookup(b->by_id, id);
}

long hm_benchmark_item_find_prompt(const hm_benchmark *b, const char *sha256)
{
	return lookup(b->by_prompt, sha256);
}
