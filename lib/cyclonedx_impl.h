/*
 * lib/cyclonedx_impl.h: the content of a CycloneDX ML-BOM, built once from
 * the facts (cyclonedx.c) and written as XML (cyclonedx_xml.c) or JSON
 * (cyclonedx_json.c), so both encodings always say the same (internal).
 */
#ifndef HM_CYCLONEDX_IMPL_H
#define HM_CYCLONEDX_IMPL_H

#include "internal.h"

#define HM_CDX_NS "http://cyclonedx.org/schema/bom/1.6"

struct hm__cdx_prop {
	const char *name;
	const char *value;
};

struct hm__cdx_comp {
	const char *type;        /* "machine-learning-model" or "data" */
	const char *ref;         /* bom-ref */
	const char *name;
	const char *version;     /* may be NULL */
	const char *description; /* may be NULL */
	const char *sha256;      /* may be NULL */
	const char *license;     /* SPDX expression; may be NULL */
	const char *url;         /* data contents / distribution URL; may be NULL */
	struct hm__cdx_prop *props;
	size_t nprops;
	const char **depends;    /* bom-refs this component depends on */
	size_t ndepends;
};

struct hm__cdx_metric {
	const char *type;
	const char *value;
	const char *slice;
	const char *lower, *upper; /* the 95% confidenceInterval; NULL when none */
};

struct hm__cdx_ethical {
	const char *name;
	const char *mitigation;
};

struct hm__cdx {
	const char *serial;
	const char *timestamp;
	struct hm__cdx_comp *comps; /* comps[0] is the model (metadata.component) */
	size_t ncomps;
	const char **model_datasets; /* bom-refs of the training datasets */
	size_t nmodel_datasets;
	struct hm__cdx_metric *metrics;
	size_t nmetrics;
	const char **limitations;
	size_t nlimitations;
	struct hm__cdx_ethical *ethical;
	size_t nethical;
	void **pool;
	size_t npool;
};

int hm__cdx_build(struct hm__cdx *b, const hm_facts *f, const char *timestamp);
void hm__cdx_free(struct hm__cdx *b);
int hm__cdx_xml(char **out, size_t *len, const struct hm__cdx *b);
int hm__cdx_json(char **out, size_t *len, const struct hm__cdx *b);
/* "now" as RFC 3339 UTC, or ts checked; buf receives it. */
int hm__export_time(char buf[40], const char *ts);

#endif
