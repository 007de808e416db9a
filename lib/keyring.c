/* Keyrings: the set of public keys a verification trusts. */
#include "internal.h"
#include "keyimpl.h"

#include <stdlib.h>
#include <string.h>

struct hm_keyring {
	hm_key **keys;
	size_t n;
};

int hm_keyring_new(hm_keyring **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : hm__err_oom();
}

void hm_keyring_free(hm_keyring *kr)
{
	size_t i;

	if (!kr)
		return;
	for (i = 0; i < kr->n; i++)
		hm_key_free(kr->keys[i]);
	free(kr->keys);
	free(kr);
}

const hm_key *hm_keyring_find(const hm_keyring *kr, const char *keyid)
{
	size_t i;

	for (i = 0; i < kr->n; i++)
		if (strcmp(hm_key_id(kr->keys[i]), keyid) == 0)
			return kr->keys[i];
	return NULL;
}

int hm_keyring_add(hm_keyring *kr, const hm_key *key)
{
	hm_key **n, *pub;
	int rc;

	if (hm_keyring_find(kr, hm_key_id(key)))
		return 0;
	if ((rc = hm__key_public_copy(&pub, key)) < 0)
		return rc;
	n = realloc(kr->keys, (kr->n + 1) * sizeof(*n));
	if (!n) {
		hm_key_free(pub);
		return hm__err_oom();
	}
	kr->keys = n;
	kr->keys[kr->n++] = pub;
	return 0;
}

int hm_keyring_add_file(hm_keyring *kr, const char *path)
{
	hm_key *k;
	int rc = hm_key_load(&k, path, NULL, NULL);

	if (rc == HM_EPASSPHRASE) {
		return hm__err(HM_EINVAL, "%s: is an encrypted secret key; give the public key "
			       "(.pub) to trust", path);
	}
	if (rc < 0)
		return rc;
	rc = hm_keyring_add(kr, k);
	hm_key_free(k);
	return rc;
}

size_t hm_keyring_count(const hm_keyring *kr)
{
	return kr ? kr->n : 0;
}

const hm_key *hm_keyring_get(const hm_keyring *kr, size_t i)
{
	return i < kr->n ? kr->keys[i] : NULL;
}
