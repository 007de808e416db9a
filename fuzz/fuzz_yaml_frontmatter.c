/*
 * libFuzzer harness: `hallmark card --update` on an untrusted README: the
 * front matter is parsed with libyaml and merged key by key, the section
 * between the markers replaced. Whatever it accepts, the card it writes must
 * begin with a front matter, hold one generated section, and be accepted by
 * a second update (a card hallmark wrote is one it can update).
 */
#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static hm_facts *facts(void)
{
	static hm_facts *f;
	unsigned char seed[32];
	hm_keyring *kr = NULL;
	hm_key *k = NULL;
	hm_bundle *b = NULL;
	hm_facts_options fo = HM_FACTS_OPTIONS_INIT;

	if (f)
		return f;
	memset(seed, 7, sizeof(seed));
	if (hm_key_from_seed(&k, seed) != 0 || hm_keyring_new(&kr) != 0 ||
	    hm_keyring_add(kr, k) != 0 || hm_bundle_parse(&b, "", 0) != 0)
		abort();
	fo.keys = kr;
	if (hm_facts_open(&f, b, &fo) != 0)
		abort();
	hm_bundle_free(b);
	hm_keyring_free(kr);
	hm_key_free(k);
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hm_card_options o = HM_CARD_OPTIONS_INIT;
	char *out = NULL, *again = NULL;
	const char *b;

	o.license = size % 2 ? "apache-2.0" : NULL;
	if (hm_card_update(&out, (const char *)data, size, facts(), &o) != 0) {
		if (out)
			abort();
		return 0;
	}
	if (strncmp(out, "---", 3) != 0)
		abort();
	b = strstr(out, HM_CARD_BEGIN_MARKER);
	if (!b || !strstr(b, HM_CARD_END_MARKER))
		abort();
	if (hm_card_update(&again, out, strlen(out), facts(), &o) != 0)
		abort();
	hm_free(again);
	hm_free(out);
	return 0;
}
