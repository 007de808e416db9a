/*
 * libFuzzer harness: a PEFT adapter's adapter_config.json, as attest run
 * reads it from an adapter directory. Anything accepted must be the run
 * predicate's adapter object: a peft_type string and the config's digest.
 */
#include "adapter_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *a = NULL;
	const char *hex;

	if (hm__adapter_parse(&a, (const char *)data, size, "adapter_config.json") < 0) {
		if (a)
			abort();
		return 0;
	}
	hex = hm__json_str(json_object_get(json_object_get(a, "config"), "digest"), "sha256");
	if (!json_is_object(a) || !hm__json_str(a, "peft_type") || !hex || strlen(hex) != 64)
		abort();
	(void)hm__adapter_base_name(a);
	json_decref(a);
	return 0;
}
