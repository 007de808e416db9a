/*
 * hallmark/provenance.h: fine-tuning run attestations (SLSA Provenance v1 with
 * hallmark's fine-tuning build type) and model references.
 */
#ifndef HALLMARK_PROVENANCE_H
#define HALLMARK_PROVENANCE_H

#include "common.h"
#include "manifest.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HM_SLSA_PREDICATE_TYPE "https://slsa.dev/provenance/v1"
#define HM_RUN_BUILD_TYPE "https://hallmark.dev/buildtypes/fine-tuning/v1"
#define HM_RUN_DEFAULT_BUILDER "urn:hallmark:builder:local"

/*
 * Resolves a model argument: "sha256:HEX" (64 lowercase hex digits, taken as
 * is) or a PATH (file or directory) digested with hm_manifest_compute. hex
 * receives the 64 digits and a NUL; *name (may be NULL) receives a malloc'd
 * basename of PATH, or NULL for a sha256: reference (free with hm_free()).
 */
HM_EXTERN int hm_model_ref_resolve(char hex[65], char **name, const char *arg,
				   const hm_digest_options *digest);

/*
 * Resolves a model argument as hm_model_ref_resolve does, hashing a PATH the
 * way the model statement at `statement` says (the in-toto statement with an
 * OMS v1.0 "files" manifest that `hallmark attest model` writes): its
 * ignore_paths applied as listed, with no default added, and its
 * allow_symlinks; jobs and progress come from digest (may be NULL). The
 * digest found (or the sha256:HEX given) must equal the statement's subject:
 * HM_EVERIFY otherwise, naming both. *name (may be NULL) receives the
 * statement's subject name (else PATH's basename; NULL when neither), free
 * with hm_free(). HM_EFORMAT / HM_EUNSUPPORTED for a statement that is not
 * such a model statement.
 */
HM_EXTERN int hm_model_ref_resolve_statement(char hex[65], char **name, const char *arg,
					     const char *statement,
					     const hm_digest_options *digest);

/*
 * Reads a training configuration: JSON, or YAML when path ends in .yaml or
 * .yml (ASCII case ignored), read as PyYAML's yaml.safe_load reads it (the
 * loader Axolotl, TRL and LLaMA-Factory use; YAML 1.1: yes/on are true, a
 * leading 0 is octal, 2e-5 without a "." stays a string). Anchors and
 * aliases are expanded within limits; tags, several documents, merge keys
 * ("<<"), keys that are not strings and duplicate keys are refused
 * (HM_EFORMAT, with the line). The configuration must be an object. *json:
 * compact JSON with sorted keys; hex: SHA-256 of the file's bytes; *yaml
 * (may be NULL): 1 when it was read as YAML. Free *json with hm_free().
 */
HM_EXTERN int hm_config_load(char **json, char hex[65], int *yaml, const char *path);

/* 1 when s is an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)). */
HM_EXTERN int hm_rfc3339_valid(const char *s);

typedef struct hm_run_options {
	unsigned int version;
	const char *model;            /* output model PATH (required) */
	const char *model_name;       /* subject name; NULL = basename of model */
	const char *base_model;       /* PATH or "sha256:HEX" (required) */
	const char *base_name;        /* e.g. "meta-llama/Llama-2-7b-chat-hf"; NULL = basename */
	const char *const *datasets;  /* dataset statement files or bundles (at least one) */
	size_t ndatasets;
	const char *config;           /* hyperparameters: a JSON file, or YAML when it is named
					 *.yaml or *.yml (hm_config_load); NULL = none */
	const char *method;           /* "full", "lora", ...; NULL = config's "method" or "unspecified" */
	const char *code;             /* training code path inside a git work tree; NULL = none */
	const char *builder;          /* builder id URI; NULL = HM_RUN_DEFAULT_BUILDER */
	const char *started;          /* RFC 3339; NULL = not recorded */
	const char *finished;         /* RFC 3339; NULL = not recorded */
	const hm_digest_options *digest;
	/* version 2 */
	const char *model_statement;  /* the model's statement (attest model): model is hashed
					 as it says and must give its subject; NULL = none */
} hm_run_options;
#define HM_RUN_OPTIONS_VERSION 2
#define HM_RUN_OPTIONS_INIT                                                                 \
	{ HM_RUN_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, \
	  NULL, NULL, NULL }

/*
 * The fine-tuning run as an in-toto statement with a SLSA Provenance v1
 * predicate: subject = the output model (name, root digest); buildType
 * HM_RUN_BUILD_TYPE; externalParameters {method, hyperparameters, baseModel};
 * resolvedDependencies = the base model (annotations.role "base-model"), each
 * dataset subject taken from the dataset statements (role "dataset") and the
 * training code (role "training-code", uri git+<remote>, digest.gitCommit,
 * annotations.dirty). Dataset statements in a bundle are read without
 * verification: `hallmark verify` checks them against their own signed
 * attestations. With a config, externalParameters.hyperparameters holds it
 * as JSON (its "method" taken out) and externalParameters.config names the
 * file: {"name": basename, "digest": {"sha256": of its bytes},
 * "mediaType": "application/json" or "application/yaml"}. When the model is
 * a PEFT adapter (a directory with adapter_config.json, read strictly:
 * HM_EFORMAT naming the file when malformed), externalParameters.adapter
 * holds its peft_type, r, lora_alpha, target_modules and
 * base_model_name_or_path as the file has them, and config {name, digest};
 * the base name defaults to base_model_name_or_path, a hub id there is
 * recorded on the base model as annotations.hub_id and uri
 * https://huggingface.co/ID, and the method defaults to the peft_type in
 * lowercase. Options of version 1 are accepted. Pretty-printed JSON with sorted keys; free with
 * hm_free().
 */
HM_EXTERN int hm_run_statement(char **out, const hm_run_options *opts);

/*
 * 1 in *dirty when the run statement (JSON text of len bytes) records training
 * code whose work tree had uncommitted changes, else 0. HM_EFORMAT when it is
 * not a fine-tuning run statement.
 */
HM_EXTERN int hm_run_statement_dirty(int *dirty, const char *statement, size_t len);

#ifdef __cplusplus
}
#endif
#endif
