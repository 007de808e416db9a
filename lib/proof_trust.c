/*
 * Whether a proof is about a tree the caller trusts. A sound proof only shows
 * that its own numbers fit together; it proves something only when the tree
 * it leads to (its size and root hash) is one the caller already trusts: a
 * root hash with its size, or a tree head signed by a trusted key. A root
 * hash alone is not enough, since the size a proof claims changes what its
 * path proves.
 */
#include "internal.h"
#include "hallmark/archive.h"

#include <string.h>

int hm_tree_head_from_hex(hm_tree_head *out, uint64_t size, const char *root_hex)
{
	memset(out, 0, sizeof(*out));
	if (!root_hex || strlen(root_hex) != 64 || hm__hex_decode(out->root_hash, 32, root_hex) < 0)
		return hm__err(HM_EINVAL, "a root hash is 64 hex digits (SHA-256), not \"%s\"",
			       root_hex ? root_hex : "");
	out->tree_size = size;
	return 0;
}

int hm_tree_head_parse_trusted(hm_tree_head *out, const char *data, size_t len,
			       const hm_keyring *kr)
{
	memset(out, 0, sizeof(*out));
	if (!kr || hm_keyring_count(kr) == 0)
		return hm__err(HM_EINVAL, "a tree head is trusted only through its signature: give "
			       "the key it must be signed by (or its root hash and tree size)");
	return hm_tree_head_parse(out, data, len, kr);
}

int hm_proof_check_trusted(hm_proof_info *info, const char *json, size_t len,
			   const hm_tree_head *trusted)
{
	hm_proof_info pi;
	char root[65], want[65];
	int rc;

	if (info)
		memset(info, 0, sizeof(*info));
	if (!trusted)
		return hm__err(HM_EINVAL, "nothing to check the proof against: a proof is only as good "
			       "as the tree it leads to; give a trusted root hash with its tree size, "
			       "or a signed tree head and its key");
	if ((rc = hm_proof_check(&pi, json, len)) < 0)
		return rc;
	if (info)
		*info = pi;
	hm__hex_encode(root, pi.root_hash, 32);
	hm__hex_encode(want, trusted->root_hash, 32);
	if (pi.tree_size != trusted->tree_size)
		return hm__err(HM_EVERIFY, "the proof is sound but is about a tree of size %llu, not "
			       "the trusted tree of size %llu", (unsigned long long)pi.tree_size,
			       (unsigned long long)trusted->tree_size);
	if (memcmp(pi.root_hash, trusted->root_hash, 32) != 0)
		return hm__err(HM_EVERIFY, "the proof is sound but leads to root %s, not the trusted "
			       "root %s", root, want);
	return 0;
}
