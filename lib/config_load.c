/*
 * Configuration files that may be JSON or YAML (training configurations,
 * policies): the file's bytes, their SHA-256, and the value as JSON. YAML is
 * told by the name (.yaml, .yml) and read by yaml_json.c.
 */
#include "yaml_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int hm__path_is_yaml(const char *path)
{
	size_t n = strlen(path);

	return (n >= 5 && strcasecmp(path + n - 5, ".yaml") == 0) ||
	       (n >= 4 && strcasecmp(path + n - 4, ".yml") == 0);
}

int hm__config_read(json_t **out, char hex[65], int *yaml, const char *path, size_t max)
{
	unsigned char md[32];
	char *text = NULL;
	size_t len;
	int rc, is_yaml = hm__path_is_yaml(path);

	*out = NULL;
	if (yaml)
		*yaml = is_yaml;
	if ((rc = hm__read_file(&text, &len, path, max)) < 0)
		return rc;
	if (hex) {
		hm__sha256(md, text, len);
		hm__hex_encode(hex, md, 32);
	}
	rc = is_yaml ? hm__yaml_to_json(out, text, len, path) : hm__json_parse(out, text, len, path);
	free(text);
	return rc;
}

int hm_config_load(char **json, char hex[65], int *yaml, const char *path)
{
	json_t *v = NULL;
	int rc;

	*json = NULL;
	if (!path)
		return hm__err(HM_EINVAL, "hm_config_load: no path");
	if ((rc = hm__config_read(&v, hex, yaml, path, (size_t)16 << 20)) < 0)
		return rc;
	if (!json_is_object(v)) {
		json_decref(v);
		return hm__err(HM_EFORMAT, "%s: the config must be a %s object (key: value pairs)",
			       path, hm__path_is_yaml(path) ? "YAML mapping, a JSON" : "JSON");
	}
	*json = hm__json_canonical(v, NULL);
	json_decref(v);
	return *json ? 0 : hm__err_oom();
}
