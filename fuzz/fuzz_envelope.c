/*
 * libFuzzer harness: DSSE envelope lines. Parsing must never crash; whatever
 * parses must serialize and parse back to the same envelope; opening it as an
 * attestation against a fixed keyring must not crash or leak.
 */
#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Seed 0x11 * 32: the corpus' signed lines were made with this key. */
static hm_keyring *keyring(void)
{
	static hm_keyring *kr;
	unsigned char seed[32];
	hm_key *k;

	if (kr)
		return kr;
	memset(seed, 0x11, sizeof(seed));
	if (hm_key_from_seed(&k, seed) < 0 || hm_keyring_new(&kr) < 0 || hm_keyring_add(kr, k) < 0)
		abort();
	hm_key_free(k);
	return kr;
}

static void same_envelope(const hm_envelope *a, const hm_envelope *b)
{
	size_t la, lb, i;
	const unsigned char *pa = hm_envelope_payload(a, &la), *pb = hm_envelope_payload(b, &lb);

	if (strcmp(hm_envelope_payload_type(a), hm_envelope_payload_type(b)) != 0 || la != lb ||
	    memcmp(pa, pb, la) != 0 ||
	    hm_envelope_signature_count(a) != hm_envelope_signature_count(b))
		abort();
	for (i = 0; i < hm_envelope_signature_count(a); i++) {
		const unsigned char *sa = hm_envelope_signature(a, i, &la);
		const unsigned char *sb = hm_envelope_signature(b, i, &lb);
		if (la != lb || memcmp(sa, sb, la) != 0 ||
		    strcmp(hm_envelope_signature_keyid(a, i), hm_envelope_signature_keyid(b, i)) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	hm_keyring *kr = keyring();
	hm_envelope *env = NULL, *back = NULL, *ienv = NULL;
	hm_statement *ist = NULL;
	hm_attestation *att = NULL;
	hm_envelope_verification info;
	char *s1 = NULL, *s2 = NULL, *sb = NULL;
	size_t l1, l2;
	int rc;

	if (hm_envelope_parse(&env, text, size) == 0) {
		if (hm_envelope_serialize(&s1, &l1, env) != 0 || l1 != strlen(s1))
			abort();
		if (hm_envelope_parse(&back, s1, l1) != 0)
			abort();
		same_envelope(env, back);
		if (hm_envelope_serialize(&s2, &l2, back) != 0 || l1 != l2 || memcmp(s1, s2, l1) != 0)
			abort();
		rc = hm_envelope_verify(env, kr, 1, &info);
		if ((rc == 0) != (info.verified >= 1) || info.signatures != hm_envelope_signature_count(env))
			abort();
		if (hm_sigstore_bundle(&sb, env, NULL) == 0 && !sb)
			abort();
	} else if (env) {
		abort();
	}
	rc = hm_attestation_open(&att, text, size, kr, 1);
	if (rc == 0) {
		char *canon;
		if (!att || hm_attestation_signer_count(att) < 1 ||
		    hm_statement_canonical(&canon, NULL, hm_attestation_statement(att)) != 0)
			abort();
		hm_free(canon);
	} else if (att || rc > 0) {
		abort();
	}
	if (hm_attestation_inspect(&ienv, &ist, text, size) == 0 && !ienv)
		abort();
	hm_attestation_free(att);
	hm_envelope_free(ienv);
	hm_statement_free(ist);
	hm_free(s1);
	hm_free(s2);
	hm_free(sb);
	hm_envelope_free(env);
	hm_envelope_free(back);
	return 0;
}
