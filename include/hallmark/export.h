/*
 * hallmark/export.h: documents generated from verified facts
 * (hallmark/facts.h): a self-contained HTML report for compliance reviewers,
 * a CycloneDX 1.6 ML-BOM (XML or JSON) and an SPDX 3.0 AI/dataset SBOM
 * (JSON-LD). Each states only what the verified attestations say.
 */
#ifndef HALLMARK_EXPORT_H
#define HALLMARK_EXPORT_H

#include "common.h"
#include "facts.h"
#include "verify.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hm_export_options {
	unsigned int version;
	const char *bundle;    /* the bundle's file name, shown and recorded; may be NULL */
	const char *timestamp; /* RFC 3339 UTC creation time; NULL = now */
} hm_export_options;
#define HM_EXPORT_OPTIONS_VERSION 1
#define HM_EXPORT_OPTIONS_INIT { HM_EXPORT_OPTIONS_VERSION, NULL, NULL }

/*
 * One self-contained HTML page (XHTML serialization, no external assets):
 * the result of each verification check (or, when verification is NULL, a
 * statement that the model files were not checked), the provenance chain,
 * the datasets, the audit metric tables, an inline SVG chart of the
 * harmfulness rate per category before and after fine-tuning, the omitted
 * lines and the signing keys. Built as a libxml2 document tree, so it is
 * always well formed and every value is escaped. opts may be NULL.
 * Free *out with hm_free().
 */
HM_EXTERN int hm_report_html(char **out, size_t *len, const hm_facts *f,
			     const hm_verify_report *verification, const hm_export_options *opts);

typedef enum hm_bom_format {
	HM_BOM_XML = 0,
	HM_BOM_JSON = 1
} hm_bom_format;

/*
 * A CycloneDX 1.6 ML-BOM: metadata.component = the model
 * (type machine-learning-model, SHA-256 hash of its manifest root, a
 * modelCard with the datasets by bom-ref, performanceMetrics of every audit
 * and considerations), each dataset as a "data" component with its hashes,
 * the base model as a component, and the dependencies between them. The
 * serial number is derived from the model digest and the timestamp, so the
 * same facts and time give the same bytes. Free *out with hm_free().
 */
HM_EXTERN int hm_export_cyclonedx(char **out, size_t *len, const hm_facts *f,
				  hm_bom_format format, const hm_export_options *opts);

/*
 * SPDX 3.0.1 JSON-LD: an SpdxDocument with the model as ai_AIPackage, each
 * dataset as dataset_DatasetPackage, the base model, and Relationships
 * trainedOn (model -> training datasets), testedOn (model -> evaluation
 * datasets) and ancestorOf (base model -> model). Free *out with hm_free().
 */
HM_EXTERN int hm_export_spdx(char **out, size_t *len, const hm_facts *f,
			     const hm_export_options *opts);

#ifdef __cplusplus
}
#endif
#endif
