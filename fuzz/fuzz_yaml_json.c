/*
 * libFuzzer harness: YAML to JSON (training configurations given to
 * `attest run --config`, YAML policies). Whatever it accepts must dump as
 * JSON that reads back to an equal value, and stay within the expansion
 * limit however the aliases nest.
 */
#include "yaml_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = NULL, *back;
	char *text;

	if (hm__yaml_to_json(&v, (const char *)data, size, "fuzz.yaml") != 0) {
		if (v)
			abort();
		return 0;
	}
	text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (!text || strlen(text) > (size_t)64 << 20)
		abort();
	back = json_loads(text, JSON_DECODE_ANY, NULL);
	if (!back || !json_equal(back, v))
		abort();
	json_decref(back);
	free(text);
	json_decref(v);
	return 0;
}
