/*
 * PEFT adapters: a directory whose adapter_config.json names the base model
 * the adapter's weights are applied to (base_model_name_or_path), and the
 * adapter's shape (peft_type, r, lora_alpha, target_modules). Read strictly:
 * a malformed file is refused, never taken as "no adapter".
 */
#include "adapter_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *config_path(const char *dir)
{
	size_t n = strlen(dir) + sizeof(HM__ADAPTER_CONFIG) + 1;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, HM__ADAPTER_CONFIG);
	return p;
}

int hm__adapter_present(const char *path)
{
	struct stat st;
	char *p;
	int found;

	if (!path || stat(path, &st) < 0 || !S_ISDIR(st.st_mode) || !(p = config_path(path)))
		return 0;
	found = lstat(p, &st) == 0;
	free(p);
	return found;
}

/* The fields kept, with their checks. */
static int check_fields(const json_t *cfg, const char *file)
{
	const json_t *pt = json_object_get(cfg, "peft_type");
	const json_t *base = json_object_get(cfg, "base_model_name_or_path");
	const json_t *r = json_object_get(cfg, "r"), *alpha = json_object_get(cfg, "lora_alpha");
	const json_t *tm = json_object_get(cfg, "target_modules"), *v;
	size_t i;

	if (!json_is_string(pt) || !json_string_length(pt))
		return hm__err(HM_EFORMAT, "%s: \"peft_type\" must be a non-empty string (e.g. "
			       "\"LORA\")", file);
	if (base && !json_is_null(base) && !json_is_string(base))
		return hm__err(HM_EFORMAT, "%s: \"base_model_name_or_path\" must be a string or null",
			       file);
	if (r && !(json_is_integer(r) && json_integer_value(r) > 0))
		return hm__err(HM_EFORMAT, "%s: \"r\" must be a positive integer", file);
	if (alpha && !(json_is_number(alpha) && json_number_value(alpha) >= 0 &&
		       isfinite(json_number_value(alpha))))
		return hm__err(HM_EFORMAT, "%s: \"lora_alpha\" must be a number, 0 or more", file);
	if (tm && !json_is_null(tm) && !json_is_string(tm)) {
		if (!json_is_array(tm))
			return hm__err(HM_EFORMAT, "%s: \"target_modules\" must be a list of module "
				       "names, a string or null", file);
		json_array_foreach(tm, i, v)
			if (!json_is_string(v))
				return hm__err(HM_EFORMAT, "%s: \"target_modules\"[%zu] must be a "
					       "string", file, i);
	}
	if (strcmp(json_string_value(pt), "LORA") == 0 && (!r || !alpha))
		return hm__err(HM_EFORMAT, "%s: a LORA adapter needs \"r\" and \"lora_alpha\"", file);
	return 0;
}

int hm__adapter_parse(json_t **out, const char *text, size_t len, const char *file)
{
	static const char *const kept[] = { "peft_type", "r", "lora_alpha", "target_modules",
					    "base_model_name_or_path" };
	unsigned char h[32];
	char hex[65];
	json_t *cfg = NULL, *a = NULL;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = hm__json_parse(&cfg, text, len, file)) < 0)
		return rc;
	if (!json_is_object(cfg)) {
		rc = hm__err(HM_EFORMAT, "%s: a PEFT adapter config must be a JSON object", file);
		goto out;
	}
	if ((rc = check_fields(cfg, file)) < 0)
		goto out;
	hm__sha256(h, text, len);
	hm__hex_encode(hex, h, 32);
	a = json_pack("{s:{s:s,s:{s:s}}}", "config", "name", HM__ADAPTER_CONFIG, "digest", "sha256",
		      hex);
	for (i = 0; a && i < sizeof(kept) / sizeof(kept[0]); i++) {
		json_t *v = json_object_get(cfg, kept[i]);
		if (v && json_object_set(a, kept[i], v) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	if (!a) {
		rc = hm__err_oom();
		goto out;
	}
	*out = a;
	rc = 0;
out:
	json_decref(cfg);
	return rc;
}

int hm__adapter_read(json_t **out, const char *path)
{
	char *file = NULL, *text = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if (!hm__adapter_present(path))
		return 0;
	if (!(file = config_path(path)))
		return hm__err_oom();
	if ((rc = hm__read_file(&text, &len, file, HM__ADAPTER_CONFIG_MAX)) == 0 &&
	    (rc = hm__adapter_parse(out, text, len, file)) == 0)
		rc = 1;
	free(text);
	free(file);
	return rc;
}

const char *hm__adapter_base_name(const json_t *adapter)
{
	const char *s = hm__json_str(adapter, "base_model_name_or_path");

	return s && *s ? s : NULL;
}
