/*
 * hallmark/benchmark.h: the benchmark registry. Each known safety benchmark is
 * described by one JSON file (hallmark-benchmark(5),
 * schemas/benchmark-v1.schema.json): its name and aliases, version, items
 * and categories, how answers are scored, where it was taken from, and, where
 * the prompts are public, the SHA-256 of every prompt (never the texts).
 *
 * A registry is the shipped directory (DATADIR/benchmarks, or data/benchmarks
 * beside a program run from its build tree) plus at most one directory of the
 * user's. Names and aliases are matched case-insensitively and must be unique
 * across the whole registry.
 */
#ifndef HALLMARK_BENCHMARK_H
#define HALLMARK_BENCHMARK_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The value of every registry file's "format" member. */
#define HM_BENCHMARK_FORMAT "https://hallmark.dev/benchmark/v1"
/* The environment variable naming the user's registry directory. */
#define HM_BENCHMARKS_ENV "HALLMARK_BENCHMARKS"
/* Largest registry file read. */
#define HM_BENCHMARK_MAX_FILE_BYTES ((size_t)16 << 20)

typedef enum hm_benchmark_scoring {
	HM_BENCHMARK_SCORING_JUDGE = 1, /* a judge scores each answer on a scale (harmful = max) */
	HM_BENCHMARK_SCORING_KEYWORD,   /* an answer with no refusal phrase is a successful attack */
	HM_BENCHMARK_SCORING_BINARY     /* a classifier labels each answer harmful (1) or not (0) */
} hm_benchmark_scoring;

/* One benchmark of the registry. */
typedef struct hm_benchmark hm_benchmark;
/* A set of benchmarks. */
typedef struct hm_benchmark_registry hm_benchmark_registry;

/*
 * Reads one registry file from memory and checks it against every rule of
 * hallmark-benchmark(5): unknown members, wrong types, counts that do not add
 * up, duplicate ids, names, aliases or prompt digests are HM_EFORMAT naming
 * name (used in messages) and the member. Free with hm_benchmark_free().
 */
HM_EXTERN int hm_benchmark_parse(hm_benchmark **out, const char *data, size_t len,
				 const char *name);
/* The same from a file. */
HM_EXTERN int hm_benchmark_load(hm_benchmark **out, const char *path);
HM_EXTERN void hm_benchmark_free(hm_benchmark *b);

HM_EXTERN const char *hm_benchmark_name(const hm_benchmark *b);
HM_EXTERN const char *hm_benchmark_version(const hm_benchmark *b);
HM_EXTERN size_t hm_benchmark_alias_count(const hm_benchmark *b);
HM_EXTERN const char *hm_benchmark_alias(const hm_benchmark *b, size_t i);
/* 1 when name is the benchmark's name or one of its aliases, ignoring ASCII case. */
HM_EXTERN int hm_benchmark_matches(const hm_benchmark *b, const char *name);
/* Lowercase hex SHA-256 of the registry file's bytes. */
HM_EXTERN const char *hm_benchmark_digest(const hm_benchmark *b);
/* The file it was read from (the name given to hm_benchmark_parse). */
HM_EXTERN const char *hm_benchmark_path(const hm_benchmark *b);

HM_EXTERN hm_benchmark_scoring hm_benchmark_scoring_method(const hm_benchmark *b);
/* "judge", "keyword" or "binary". */
HM_EXTERN const char *hm_benchmark_scoring_name(hm_benchmark_scoring s);
/* JUDGE: the scale's lowest and highest score and the score counted as harmful. */
HM_EXTERN void hm_benchmark_judge_scale(const hm_benchmark *b, int *min, int *max, int *harmful);
/* KEYWORD: the refusal phrases (case-sensitive substrings). */
HM_EXTERN size_t hm_benchmark_refusal_count(const hm_benchmark *b);
HM_EXTERN const char *hm_benchmark_refusal(const hm_benchmark *b, size_t i);

/* Categories in the file's order. */
HM_EXTERN size_t hm_benchmark_category_count(const hm_benchmark *b);
HM_EXTERN const char *hm_benchmark_category_id(const hm_benchmark *b, size_t i);
HM_EXTERN const char *hm_benchmark_category_label(const hm_benchmark *b, size_t i);
/* Its item count; 0 when not known (a benchmark without its item list may omit it). */
HM_EXTERN size_t hm_benchmark_category_items(const hm_benchmark *b, size_t i);
/* The index of the category with this id, or -1. */
HM_EXTERN long hm_benchmark_category_find(const hm_benchmark *b, const char *id);

/* The number of items (item_count). */
HM_EXTERN size_t hm_benchmark_item_count(const hm_benchmark *b);
/*
 * 1 when the file lists the items (ids, categories); 0 for a benchmark known
 * only by its counts, whose item list could not be read: records are then
 * checked by category and count only, and hm_benchmark_item_* find nothing.
 */
HM_EXTERN int hm_benchmark_has_items(const hm_benchmark *b);
/* Items in the file's order (none when !hm_benchmark_has_items). */
HM_EXTERN const char *hm_benchmark_item_id(const hm_benchmark *b, size_t i);
/* The item's category id. */
HM_EXTERN const char *hm_benchmark_item_category(const hm_benchmark *b, size_t i);
/* The SHA-256 of the item's prompt, or NULL when the prompts are not public. */
HM_EXTERN const char *hm_benchmark_item_prompt_sha256(const hm_benchmark *b, size_t i);
/* 1 when every item carries its prompt's SHA-256. */
HM_EXTERN int hm_benchmark_has_prompt_digests(const hm_benchmark *b);
/* The index of the item with this id, or -1. */
HM_EXTERN long hm_benchmark_item_find(const hm_benchmark *b, const char *id);
/* The index of the item whose prompt has this SHA-256 (lowercase hex), or -1. */
HM_EXTERN long hm_benchmark_item_find_prompt(const hm_benchmark *b, const char *sha256);

/*
 * The shipped registry directory: <exe>/../share/hallmark/benchmarks,
 * <exe>/../data/benchmarks or <exe>/../../data/benchmarks (a build tree),
 * else DATADIR/benchmarks as compiled in. HM_ENOTFOUND when none exists.
 * Free *out with hm_free().
 */
HM_EXTERN int hm_benchmark_default_dir(char **out);

/*
 * Opens the registry: every *.json file of the shipped directory, then of
 * user_dir (NULL: $HALLMARK_BENCHMARKS when set and non-empty). A file that
 * breaks a rule, or a name or alias that two files claim, is an error naming
 * both. Free with hm_benchmark_registry_free().
 */
HM_EXTERN int hm_benchmark_registry_open(hm_benchmark_registry **out, const char *user_dir);
/* An empty registry, to add files to by hand (tests, other tools). */
HM_EXTERN int hm_benchmark_registry_new(hm_benchmark_registry **out);
/* Adds every *.json file of dir. */
HM_EXTERN int hm_benchmark_registry_add_dir(hm_benchmark_registry *reg, const char *dir);
/* Adds one benchmark; the registry takes it over (also on failure). */
HM_EXTERN int hm_benchmark_registry_add(hm_benchmark_registry *reg, hm_benchmark *b);
HM_EXTERN void hm_benchmark_registry_free(hm_benchmark_registry *reg);

HM_EXTERN size_t hm_benchmark_registry_count(const hm_benchmark_registry *reg);
HM_EXTERN const hm_benchmark *hm_benchmark_registry_at(const hm_benchmark_registry *reg,
							size_t i);
/* The benchmark named name (or with that alias, any case), or NULL. */
HM_EXTERN const hm_benchmark *hm_benchmark_registry_find(const hm_benchmark_registry *reg,
							  const char *name);

#ifdef __cplusplus
}
#endif
#endif
