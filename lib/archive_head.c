/*
 * Tree heads: the JSON `hallmark archive head` prints, signed tree heads
 * (a DSSE envelope with payloadType HM_TREE_HEAD_PAYLOAD_TYPE over the
 * canonical JSON, for publishing elsewhere) and reading either back.
 */
#include "internal.h"
#include "hallmark/archive.h"

#include <string.h>

int hm_tree_head_json(char **out, const hm_tree_head *h)
{
	char hex[65];

	*out = NULL;
	hm__hex_encode(hex, h->root_hash, 32);
	if (asprintf(out, "{\"tree_size\": %llu, \"root_hash\": \"%s\"}\n",
		     (unsigned long long)h->tree_size, hex) < 0) {
		*out = NULL;
		return hm__err_oom();
	}
	return 0;
}

int hm_tree_head_sign(char **out, size_t *len, const hm_tree_head *h, const hm_key *key)
{
	hm_envelope *env = NULL;
	char hex[65], *payload = NULL;
	int rc;

	*out = NULL;
	hm__hex_encode(hex, h->root_hash, 32);
	if (asprintf(&payload, "{\"root_hash\":\"%s\",\"tree_size\":%llu}", hex,
		     (unsigned long long)h->tree_size) < 0)
		return hm__err_oom();
	if ((rc = hm_envelope_new(&env, HM_TREE_HEAD_PAYLOAD_TYPE, (const unsigned char *)payload,
				  strlen(payload))) == 0 &&
	    (rc = hm_envelope_sign(env, key)) == 0)
		rc = hm_envelope_serialize(out, len, env);
	hm_envelope_free(env);
	free(payload);
	return rc;
}

static int head_from_json(hm_tree_head *out, const json_t *o)
{
	const json_t *size = json_object_get(o, "tree_size");
	const char *root = hm__json_str(o, "root_hash");

	if (!json_is_object(o) || !json_is_integer(size) || json_integer_value(size) < 0 || !root ||
	    strlen(root) != 64 || hm__hex_decode(out->root_hash, 32, root) < 0)
		return hm__err(HM_EFORMAT, "tree head: expected {\"tree_size\": N, \"root_hash\": "
			       "HEX} with 64 hex digits");
	out->tree_size = (uint64_t)json_integer_value(size);
	return 0;
}

int hm_tree_head_parse(hm_tree_head *out, const char *data, size_t len, const hm_keyring *kr)
{
	hm_envelope *env = NULL;
	json_t *o = NULL, *p = NULL;
	const unsigned char *payload;
	size_t plen;
	int rc;

	memset(out, 0, sizeof(*out));
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' '))
		len--;
	if ((rc = hm__json_parse(&o, data, len, "tree head")) < 0)
		return rc;
	if (!json_object_get(o, "payloadType")) {
		if (kr)
			rc = hm__err(HM_EVERIFY, "tree head: not signed (a DSSE envelope of %s was "
				     "expected)", HM_TREE_HEAD_PAYLOAD_TYPE);
		else
			rc = head_from_json(out, o);
		json_decref(o);
		return rc;
	}
	json_decref(o);
	if ((rc = hm_envelope_parse(&env, data, len)) < 0)
		return rc;
	if (strcmp(hm_envelope_payload_type(env), HM_TREE_HEAD_PAYLOAD_TYPE) != 0) {
		rc = hm__err(HM_EFORMAT, "tree head: payloadType is \"%s\", not \"%s\"",
			     hm_envelope_payload_type(env), HM_TREE_HEAD_PAYLOAD_TYPE);
		goto out;
	}
	if (kr && (rc = hm_envelope_verify(env, kr, 1, NULL)) < 0) {
		hm__err_prefix("tree head: ");
		goto out;
	}
	payload = hm_envelope_payload(env, &plen);
	if ((rc = hm__json_parse(&p, (const char *)payload, plen, "tree head payload")) < 0)
		goto out;
	rc = head_from_json(out, p);
out:
	json_decref(p);
	hm_envelope_free(env);
	return rc;
}
