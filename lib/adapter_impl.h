/*
 * lib/adapter_impl.h: PEFT adapters (a LoRA adapter and its kin), told by the
 * adapter_config.json that PEFT's save_pretrained writes (internal).
 */
#ifndef HM_ADAPTER_IMPL_H
#define HM_ADAPTER_IMPL_H

#include "internal.h"

#define HM__ADAPTER_CONFIG "adapter_config.json"
/* Largest adapter_config.json read. */
#define HM__ADAPTER_CONFIG_MAX ((size_t)1 << 20)

/* 1 when path is a directory with an adapter_config.json in it, else 0. */
int hm__adapter_present(const char *path);

/*
 * Reads PATH/adapter_config.json. 0 with *out NULL when path is not a
 * directory holding one; 1 with *out the run predicate's "adapter" object:
 * {"peft_type", "r", "lora_alpha", "target_modules", "base_model_name_or_path"
 * (each as the file has it; absent ones left out), "config": {"name":
 * "adapter_config.json", "digest": {"sha256": of the file's bytes}}}.
 * HM_EFORMAT naming the file when it is not a JSON object (duplicate keys
 * refused), has no peft_type, or a field of the wrong type: peft_type and
 * base_model_name_or_path strings (the latter may be null), r a positive
 * integer, lora_alpha a non-negative number, target_modules a string, a list
 * of strings or null; a LORA adapter must have r and lora_alpha.
 */
int hm__adapter_read(json_t **out, const char *path);
/* The same from the file's bytes (file names it in messages): 0 and *out, or <0. */
int hm__adapter_parse(json_t **out, const char *text, size_t len, const char *file);

/* The adapter object's base_model_name_or_path, or NULL. */
const char *hm__adapter_base_name(const json_t *adapter);

#endif
