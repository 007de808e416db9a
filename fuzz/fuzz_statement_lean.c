/*
 * libFuzzer harness: the lean statement reader (lib/statement_lean.c), held
 * against jansson. Whatever it takes, jansson (JSON_REJECT_DUPLICATES) takes
 * too, and with the lean resources put back the two read the same JSON, key
 * order included. What it refuses is jansson's to judge, so it may refuse
 * more, never less.
 */
#include "statement_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *root = NULL, *ref, *res;
	struct hm__lres_list *lean = NULL;
	char *a, *b;

	if (hm__statement_lean_parse(&root, &lean, (const char *)data, size) != 0) {
		if (root || lean)
			abort();
		return 0;
	}
	ref = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!ref || !root)
		abort(); /* taken here, refused by jansson */
	if (lean) {
		json_t *pred = json_object_get(root, "predicate");

		/* lean only for the statement's predicate, whose resources it then holds alone */
		if (!json_is_object(pred) || !json_is_null(json_object_get(pred, "resources")))
			abort();
		if (!(res = hm__lres_json(lean)) || json_object_set_new(pred, "resources", res) != 0)
			abort();
	}
	a = json_dumps(root, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_ENCODE_ANY);
	b = json_dumps(ref, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_ENCODE_ANY);
	if (!a || !b || strcmp(a, b) != 0 || !json_equal(root, ref))
		abort();
	free(a);
	free(b);
	json_decref(root);
	json_decref(ref);
	hm__lres_free(lean);
	return 0;
}
