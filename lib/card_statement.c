/* The model-card attestation: a card file's digest bound to the model it describes. */
#include "internal.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

int hm_card_statement(char **out, const char *card_path, const char *model,
		      const hm_digest_options *digest)
{
	unsigned char md[32];
	char card_hex[65], model_hex[65], *text = NULL, *path = NULL, *s;
	const char *name;
	size_t len;
	json_t *st = NULL;
	int rc;

	*out = NULL;
	if (!card_path || !model)
		return hm__err(HM_EINVAL, "a card file and a model are required");
	if ((rc = hm_model_ref_resolve(model_hex, NULL, model, digest)) < 0)
		return rc;
	if ((rc = hm__read_file(&text, &len, card_path, HM_CARD_MAX_BYTES)) < 0)
		return rc;
	hm__sha256(md, text, len);
	free(text);
	hm__hex_encode(card_hex, md, 32);
	path = strdup(card_path);
	if (!path)
		return hm__err_oom();
	name = strcmp(card_path, "-") == 0 ? "README.md" : basename(path);
	st = json_pack("{s:s, s:[{s:s, s:{s:s}}], s:s, s:{s:{s:s}, s:{s:s, s:s}}}", "_type",
		       HM_STATEMENT_TYPE, "subject", "name", name, "digest", "sha256", card_hex,
		       "predicateType", HM_CARD_PREDICATE_TYPE, "predicate", "model", "sha256",
		       model_hex, "card", "name", name, "sha256", card_hex);
	free(path);
	if (!st)
		return hm__err(HM_EINVAL, "the card's name is not valid UTF-8");
	s = json_dumps(st, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(st);
	if (!s)
		return hm__err_oom();
	len = strlen(s);
	*out = malloc(len + 2);
	if (!*out) {
		free(s);
		return hm__err_oom();
	}
	memcpy(*out, s, len);
	memcpy(*out + len, "\n", 2);
	free(s);
	return 0;
}

const char *hm__card_predicate_model(const json_t *statement)
{
	return hm__json_str(json_object_get(json_object_get(statement, "predicate"), "model"),
			    "sha256");
}
