/* lib/benchmark_impl.h: the benchmark handle behind hallmark/benchmark.h. */
#ifndef HM_BENCHMARK_IMPL_H
#define HM_BENCHMARK_IMPL_H

#include "internal.h"
#include "hallmark/benchmark.h"

struct benchmark_category {
	const char *id, *label; /* borrowed from doc */
	size_t items;           /* 0 when not known (a benchmark without its item list) */
};

struct benchmark_item {
	const char *id, *category, *prompt_sha256; /* borrowed from doc; sha256 may be NULL */
};

struct hm_benchmark {
	json_t *doc; /* owns every string above */
	char *path;
	char digest[65];
	const char *name, *version;
	const char **aliases;
	size_t naliases;
	hm_benchmark_scoring scoring;
	int scale_min, scale_max, harmful;
	const char **refusals;
	size_t nrefusals;
	struct benchmark_category *cats;
	size_t ncats;
	struct benchmark_item *items;
	size_t nitems;
	int prompts_public;   /* the items carry prompt digests */
	int has_items;        /* the item list is there (else counts only) */
	size_t total;         /* item_count */
	json_t *by_id;     /* item id -> index */
	json_t *by_prompt; /* prompt sha256 -> index */
	json_t *by_cat;    /* category id -> index */
};

/* benchmark_check.c: member checks that name the file and the JSON path. */
struct bcheck {
	const char *file;
};
int hm__bcheck_keys(const struct bcheck *c, const json_t *obj, const char *path,
		    const char *const *allowed, const char *const *required);
int hm__bcheck_value(const char **out, const struct bcheck *c, const json_t *v,
		     const char *path, size_t max);
int hm__bcheck_text(const char **out, const struct bcheck *c, const json_t *obj,
		    const char *key, const char *path, size_t max, int optional);
int hm__bcheck_int(long long *out, const struct bcheck *c, const json_t *obj, const char *key,
		   const char *path, long long min, long long max);

#endif
