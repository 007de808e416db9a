/*
 * Offline checking of proofs in the JSON that `hallmark archive prove` and
 * `consistency` print. The input is untrusted: duplicate keys, missing
 * members, wrong types and hashes that are not 32 bytes of hex are format
 * errors; then the RFC 9162 algorithms decide.
 */
#include "merkle.h"

#include <string.h>

static int get_u64(uint64_t *out, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return hm__err(HM_EFORMAT, "proof: \"%s\" must be a non-negative integer", key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_hash(unsigned char out[32], const json_t *v, const char *what)
{
	const char *s = json_string_value(v);

	if (!s || strlen(s) != 64 || hm__hex_decode(out, 32, s) < 0)
		return hm__err(HM_EFORMAT, "proof: %s must be 64 hex digits (a SHA-256 hash)", what);
	return 0;
}

static int get_path(unsigned char (*path)[32], size_t *n, const json_t *o, const char *key)
{
	const json_t *arr = json_object_get(o, key), *v;
	size_t i;
	int rc;

	*n = 0;
	if (!json_is_array(arr))
		return hm__err(HM_EFORMAT, "proof: \"%s\" must be an array of hashes", key);
	if (json_array_size(arr) > HM_MERKLE_MAX_PATH)
		return hm__err(HM_EFORMAT, "proof: \"%s\" has %zu hashes; no tree needs more than %d",
			       key, json_array_size(arr), HM_MERKLE_MAX_PATH);
	json_array_foreach(arr, i, v) {
		if ((rc = get_hash(path[i], v, key)) < 0)
			return rc;
	}
	*n = json_array_size(arr);
	return 0;
}

int hm_proof_check(hm_proof_info *info, const char *text, size_t len)
{
	unsigned char path[HM_MERKLE_MAX_PATH][32];
	hm_proof_info pi;
	json_t *o = NULL;
	size_t n;
	int rc;

	memset(&pi, 0, sizeof(pi));
	if (info)
		memset(info, 0, sizeof(*info));
	if ((rc = hm__json_parse(&o, text, len, "proof")) < 0)
		return rc;
	if (!json_is_object(o)) {
		rc = hm__err(HM_EFORMAT, "proof: not a JSON object");
		goto out;
	}
	if (json_object_get(o, "leaf_index")) {
		pi.kind = HM_PROOF_INCLUSION;
		if ((rc = get_u64(&pi.leaf_index, o, "leaf_index")) < 0 ||
		    (rc = get_u64(&pi.tree_size, o, "tree_size")) < 0 ||
		    (rc = get_hash(pi.leaf_hash, json_object_get(o, "leaf_hash"), "leaf_hash")) < 0 ||
		    (rc = get_hash(pi.root_hash, json_object_get(o, "root_hash"), "root_hash")) < 0 ||
		    (rc = get_path(path, &n, o, "audit_path")) < 0)
			goto out;
		if (info)
			*info = pi;
		rc = hm_merkle_verify_inclusion(pi.leaf_index, pi.tree_size, pi.leaf_hash,
						(const unsigned char(*)[32])path, n, pi.root_hash);
	} else if (json_object_get(o, "first")) {
		pi.kind = HM_PROOF_CONSISTENCY;
		if ((rc = get_u64(&pi.first, o, "first")) < 0 ||
		    (rc = get_u64(&pi.tree_size, o, "second")) < 0 ||
		    (rc = get_hash(pi.first_root, json_object_get(o, "first_root"), "first_root")) < 0 ||
		    (rc = get_hash(pi.root_hash, json_object_get(o, "second_root"), "second_root")) < 0 ||
		    (rc = get_path(path, &n, o, "proof")) < 0)
			goto out;
		if (info)
			*info = pi;
		rc = hm_merkle_verify_consistency(pi.first, pi.tree_size, pi.first_root, pi.root_hash,
						  (const unsigned char(*)[32])path, n);
	} else {
		rc = hm__err(HM_EFORMAT, "proof: neither an inclusion proof (\"leaf_index\") nor a "
			     "consistency proof (\"first\")");
	}
out:
	json_decref(o);
	return rc;
}
