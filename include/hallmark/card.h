/*
 * hallmark/card.h: Hugging Face model cards generated from verified facts
 * (hallmark/facts.h), updating an existing README in place, and the
 * model-card attestation that binds a published card to its model.
 */
#ifndef HALLMARK_CARD_H
#define HALLMARK_CARD_H

#include "common.h"
#include "manifest.h"
#include "facts.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The generated section of a card lies between these lines. */
#define HM_CARD_BEGIN_MARKER "<!-- hallmark:begin -->"
#define HM_CARD_END_MARKER "<!-- hallmark:end -->"
/* The tag every generated card carries. */
#define HM_CARD_TAG "hallmark-attested"
/* Largest card file read for --update and attestation. */
#define HM_CARD_MAX_BYTES ((size_t)16 << 20)

typedef struct hm_card_options {
	unsigned int version;
	/* Shown in "How to verify" (names only, nothing is read): */
	const char *bundle;                  /* the bundle file; NULL = "bundle.intoto.jsonl" */
	const char *model_path;              /* NULL = the model's name */
	const char *const *key_files;        /* the --key files */
	size_t nkey_files;
	const char *const *auditor_key_files; /* the --auditor-key files */
	size_t nauditor_key_files;
	/*
	 * The model's license (SPDX id or Hub license name), declared by the
	 * publisher: no attestation states it. NULL = keep the card's, else
	 * "unknown".
	 */
	const char *license;
	/*
	 * Version 2: where the publisher says its public keys can be found (a
	 * URL), shown in "How to verify" as the publisher's word, escaped for
	 * Markdown. NULL = not said. A version 1 struct has no such field.
	 */
	const char *keys_url;
	/*
	 * Version 3: the hub dataset id of a benchmark, "NAME=ORG/NAME[@REV]"
	 * each (NAME as the audit names it, any case), used as the dataset of
	 * model-index results and .eval_results entries. A benchmark not named
	 * here takes the hub dataset its registry entry's source.repository
	 * points to (https://huggingface.co/datasets/ORG/NAME), if any.
	 */
	const char *const *benchmark_hub_ids;
	size_t nbenchmark_hub_ids;
} hm_card_options;
#define HM_CARD_OPTIONS_VERSION 3
#define HM_CARD_OPTIONS_INIT \
	{ HM_CARD_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL, 0 }

/*
 * A whole model card (README.md): YAML front matter with base_model,
 * datasets, license, tags (including HM_CARD_TAG) and a model-index of the
 * audit metrics before and after fine-tuning, then a heading and the
 * generated section between the markers: model details, training data,
 * fine-tuning run, safety evaluation, omitted lines and how to verify. Only
 * facts are stated, each with the key that signed it. opts may be NULL.
 * Free *out with hm_free().
 */
HM_EXTERN int hm_card_render(char **out, const hm_facts *f, const hm_card_options *opts);

/*
 * Updates an existing card (len bytes of text): the section between the
 * markers is replaced (appended at the end when there are no markers), and
 * the front matter is merged: base_model is replaced, datasets and tags gain
 * what is missing, license is set only when opts->license is given or the
 * card has none, model-index gets this model's audit results (the author's
 * other entries and results are kept). Every byte outside the markers and
 * outside the keys that change is kept as it was, comments included.
 * HM_EFORMAT when the text holds a NUL byte, the front matter is not a YAML
 * block mapping or a marker is unpaired. Free *out with hm_free().
 */
HM_EXTERN int hm_card_update(char **out, const char *text, size_t len, const hm_facts *f,
			     const hm_card_options *opts);

/*
 * The model-card statement (predicateType HM_CARD_PREDICATE_TYPE of
 * hallmark/verify.h): subject = the card file (basename, SHA-256 of its
 * bytes), predicate {"model":{"sha256":HEX},"card":{"name":NAME,
 * "sha256":HEX}}. model is a PATH (digested with hm_manifest_compute, with
 * digest options that may be NULL) or "sha256:HEX". Pretty-printed JSON with
 * sorted keys and a final newline; free with hm_free().
 */
HM_EXTERN int hm_card_statement(char **out, const char *card_path, const char *model,
				const hm_digest_options *digest);

/* One file of the hub's .eval_results/ layout. */
typedef struct hm_card_eval_file {
	char *name; /* file name, e.g. "hex-phi.yaml" ([a-z0-9-] and ".yaml") */
	char *text; /* its YAML */
} hm_card_eval_file;

/*
 * The audits of the facts in the hub's .eval_results/ layout (NAME.yaml files)
 * (https://huggingface.co/docs/hub/eval-results): one file per benchmark,
 * a YAML list with one entry per metric of the fine-tuned model (never the
 * base model's): dataset {id: the benchmark's hub dataset id (see
 * benchmark_hub_ids), task_id: the metric (harmfulness_score,
 * harmfulness_rate or attack_success_rate), revision: the id's REV when
 * given}, value, date (the audit's time) and notes (what the number is and
 * which key signed it). Audits of reported numbers (another tool's) are left
 * out, as in model-index. HM_EINVAL naming every benchmark without a hub
 * dataset id, or when no audit has metrics to write; nothing is returned
 * then. *out: *n files; free with hm_card_eval_files_free().
 */
HM_EXTERN int hm_card_eval_results(hm_card_eval_file **out, size_t *n, const hm_facts *f,
				   const hm_card_options *opts);

/*
 * Writes the files into dir (created, mode 0755, when it does not exist):
 * every file is written to a temporary file first, and only when all are
 * written are they renamed into place, replacing files of the same name.
 */
HM_EXTERN int hm_card_eval_results_write(const char *dir, const hm_card_eval_file *files,
					 size_t n);

HM_EXTERN void hm_card_eval_files_free(hm_card_eval_file *files, size_t n);

#ifdef __cplusplus
}
#endif
#endif
