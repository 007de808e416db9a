/* Verified attestations: an envelope that verified and the statement it carries. */
#include "sigstore_impl.h"
#include "statement_impl.h"
#include "trust_impl.h"

#include <stdlib.h>
#include <string.h>

struct hm_attestation {
	hm_envelope *env;
	hm_statement *st;
	hm_envelope_verification info;
};

int hm_attestation_open(hm_attestation **out, const char *line, size_t len, const hm_keyring *kr,
			size_t threshold)
{
	int verified;

	return hm__attestation_open(out, line, len, kr, threshold, &verified);
}

int hm__attestation_open(hm_attestation **out, const char *line, size_t len,
			 const hm_keyring *kr, size_t threshold, int *verified)
{
	hm_envelope *env;
	int rc;

	*out = NULL;
	*verified = 0;
	if (hm_init() < 0)
		return HM_ECRYPTO;
	if ((rc = hm_envelope_parse(&env, line, len)) < 0)
		return rc;
	return hm__attestation_adopt(out, env, NULL, kr, threshold, verified);
}

int hm__attestation_adopt(hm_attestation **out, hm_envelope *env, hm_statement *st,
			  const hm_keyring *kr, size_t threshold, int *verified)
{
	hm_attestation *a = NULL;
	const unsigned char *payload;
	size_t plen;
	int rc;

	*out = NULL;
	*verified = 0;
	rc = hm_init() < 0 ? HM_ECRYPTO : !(a = calloc(1, sizeof(*a))) ? hm__err_oom() : 0;
	if (rc < 0) {
		hm_envelope_free(env);
		hm_statement_free(st);
		return rc;
	}
	a->env = env;
	a->st = st;
	if ((rc = hm_envelope_verify(a->env, kr, threshold, &a->info)) < 0)
		goto fail;
	*verified = 1;
	if (strcmp(hm_envelope_payload_type(a->env), HM_INTOTO_PAYLOAD_TYPE) != 0) {
		rc = hm__err(HM_EVERIFY, "payloadType is \"%s\", not \"%s\"",
			     hm_envelope_payload_type(a->env), HM_INTOTO_PAYLOAD_TYPE);
		goto fail;
	}
	/* Parse exactly the bytes that were verified (a->st, when given, came from them). */
	payload = hm_envelope_payload(a->env, &plen);
	if ((!a->st &&
	     (rc = hm_statement_parse(&a->st, (const char *)payload, plen, "payload")) < 0) ||
	    (rc = hm__oms_legacy_upgrade(&a->st)) < 0)
		goto fail;
	*out = a;
	return 0;
fail:
	hm_attestation_free(a);
	return rc;
}

void hm_attestation_free(hm_attestation *a)
{
	if (!a)
		return;
	hm_envelope_free(a->env);
	hm_statement_free(a->st);
	free(a);
}

const hm_statement *hm_attestation_statement(const hm_attestation *a)
{
	return a->st;
}

const hm_envelope *hm_attestation_envelope(const hm_attestation *a)
{
	return a->env;
}

size_t hm_attestation_signer_count(const hm_attestation *a)
{
	return a->info.verified;
}

const char *hm_attestation_signer(const hm_attestation *a, size_t i)
{
	return i < a->info.verified ? a->info.verified_ids[i] : NULL;
}

int hm_attestation_inspect(hm_envelope **env, hm_statement **st, const char *line, size_t len)
{
	const unsigned char *payload;
	size_t plen;
	int rc;

	*env = NULL;
	*st = NULL;
	if (hm__sigstore_looks(line, len)) {
		/* a Sigstore bundle: its envelope */
		struct hm__sigstore *sb;
		if ((rc = hm__sigstore_parse(&sb, line, len, "Sigstore bundle")) < 0)
			return rc;
		rc = hm_attestation_inspect(env, st, sb->envelope, sb->envelope_len);
		hm__sigstore_free(sb);
		return rc;
	}
	/* display only: an unsigned envelope is shown for what it claims */
	if ((rc = hm__envelope_parse(env, line, len, 1)) < 0)
		return rc;
	if (strcmp(hm_envelope_payload_type(*env), HM_INTOTO_PAYLOAD_TYPE) != 0)
		return 0;
	payload = hm_envelope_payload(*env, &plen);
	if (hm_statement_parse(st, (const char *)payload, plen, "payload") < 0)
		*st = NULL;
	return 0;
}

int hm_sigstore_bundle(char **out, const hm_envelope *env, const char *keyid)
{
	json_t *root = NULL, *vm, *pk, *de, *sigs, *sig;
	size_t i, pick = (size_t)-1, plen;
	const unsigned char *payload;
	char *b64 = NULL;
	int rc = 0;

	*out = NULL;
	if ((rc = hm__envelope_payload_kept(env, "Sigstore bundle")) < 0)
		return rc;
	if (keyid) {
		for (i = 0; i < hm_envelope_signature_count(env); i++)
			if (strcmp(hm_envelope_signature_keyid(env, i), keyid) == 0)
				pick = i;
		if (pick == (size_t)-1)
			return hm__err(HM_ENOTFOUND, "no signature with keyid %s", keyid);
	} else {
		if (hm_envelope_signature_count(env) != 1)
			return hm__err(HM_EINVAL, "a Sigstore bundle holds exactly one signature; this "
				       "envelope has %zu (choose one by keyid)",
				       hm_envelope_signature_count(env));
		pick = 0;
	}
	if (hm_envelope_signature_keyid(env, pick)[0] == '\0')
		return hm__err(HM_EINVAL, "the signature has no keyid to use as publicKey.hint");
	root = json_object();
	vm = json_object();
	pk = json_object();
	de = json_object();
	sigs = json_array();
	sig = json_object();
	if (!root || !vm || !pk || !de || !sigs || !sig) {
		json_decref(vm);
		json_decref(pk);
		json_decref(de);
		json_decref(sigs);
		json_decref(sig);
		rc = hm__err_oom();
		goto out;
	}
	json_object_set_new(root, "mediaType",
			    json_string("application/vnd.dev.sigstore.bundle.v0.3+json"));
	json_object_set_new(pk, "hint", json_string(hm_envelope_signature_keyid(env, pick)));
	json_object_set_new(vm, "publicKey", pk);
	json_object_set_new(vm, "tlogEntries", json_array());
	json_object_set_new(root, "verificationMaterial", vm);
	payload = hm_envelope_payload(env, &plen);
	b64 = hm__b64_encode(payload, plen);
	if (!b64) {
		json_decref(de);
		json_decref(sigs);
		json_decref(sig);
		rc = HM_ENOMEM;
		goto out;
	}
	json_object_set_new(de, "payload", json_string(b64));
	free(b64);
	if (json_object_set_new(de, "payloadType", json_string(hm_envelope_payload_type(env)))) {
		json_decref(de);
		json_decref(sigs);
		json_decref(sig);
		rc = hm__err(HM_EINVAL, "payloadType is not valid UTF-8");
		goto out;
	}
	json_object_set_new(sig, "keyid", json_string(hm_envelope_signature_keyid(env, pick)));
	{
		size_t slen;
		const unsigned char *s = hm_envelope_signature(env, pick, &slen);
		b64 = hm__b64_encode(s, slen);
	}
	if (!b64) {
		json_decref(de);
		json_decref(sigs);
		json_decref(sig);
		rc = HM_ENOMEM;
		goto out;
	}
	json_object_set_new(sig, "sig", json_string(b64));
	free(b64);
	json_array_append_new(sigs, sig);
	json_object_set_new(de, "signatures", sigs);
	json_object_set_new(root, "dsseEnvelope", de);
	*out = json_dumps(root, JSON_PRESERVE_ORDER | JSON_COMPACT);
	if (!*out)
		rc = hm__err_oom();
out:
	json_decref(root);
	return rc;
}
