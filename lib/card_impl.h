/* lib/card_impl.h: model-card pieces shared by card*.c (internal). */
#ifndef HM_CARD_IMPL_H
#define HM_CARD_IMPL_H

#include "internal.h"
#include "yaml_impl.h"
#include "hallmark/card.h"
#include "hallmark/benchmark.h"

/* Front-matter keys the card writes (bits of the *written mask). */
#define HM__CARD_BASE_MODEL 0x1u
#define HM__CARD_DATASETS 0x2u
#define HM__CARD_LICENSE 0x4u
#define HM__CARD_TAGS 0x8u
#define HM__CARD_MODEL_INDEX 0x10u

#define HM__CARD_ALL 0x1fu
#define HM__CARD_NKEYS 5

/*
 * The front-matter keys in only (HM__CARD_* bits) as YAML text (a block
 * mapping, no "---" lines), merged with the author's values when user is not
 * NULL (see hm_card_update). *written gets the keys written. Free with free().
 */
int hm__card_yaml(char **out, unsigned *written, const hm_facts *f, const hm_card_options *o,
		  struct hm__front_matter *user, unsigned only);

/* The generated section, from the begin marker to the end marker (no final newline). */
int hm__card_section(hm_buf *b, const hm_facts *f, const hm_card_options *o);

/*
 * Writes the front matter text fm (fmlen bytes) with each key of user that we
 * write (ours[k] not NULL, k = bit index of HM__CARD_*) replaced in place by
 * ours[k]; our keys that user lacks go where the first replaced key was, or
 * at the end.
 */
int hm__card_merge_text(hm_buf *out, const char *fm, size_t fmlen,
			const struct hm__front_matter *user, const char *const ours[HM__CARD_NKEYS]);

/* Checks the options; an older version is copied into *local and *o points at it. */
int hm__card_check_options(const hm_card_options **o, hm_card_options *local);

/*
 * The hub dataset id (ORG/NAME[@REV]) of the benchmark an audit names: from
 * o->benchmark_hub_ids, else from the registry entry's source.repository
 * (reg may be NULL). A pointer into o or reg, or NULL when none.
 */
const char *hm__card_benchmark_hub_id(const hm_card_options *o,
				      const hm_benchmark_registry *reg, const hm_audit_report *r,
				      char *buf, size_t size);

/* Markdown text with every character that means something escaped. */
int hm__md_text(hm_buf *b, const char *s);
/* A number of "%.*f" with trailing zeros trimmed. */
void hm__fmt_num(char *buf, size_t size, double v, int decimals);

/* The benchmark's display name of a metric type, e.g. "Harmfulness rate". */
const char *hm__card_metric_label(const char *type);

#endif
