/*
 * libFuzzer harness: signed notes and checkpoints as `hallmark archive verify
 * --checkpoint` reads them, and note verifier keys as --key takes them. Any
 * bytes must give 0, HM_EFORMAT, HM_EVERIFY or HM_EUNSUPPORTED, and what
 * opens must be what the format says: signed text ending in a newline, a
 * checkpoint with an origin, a verifier key that prints back to itself.
 *
 * The trusted keys: the example key of golang.org/x/mod/sumdb/note
 * ("PeterNeumann") and the key from the seed of 32 bytes 0x2a under the name
 * "example.com/log", which signed the corpus's checkpoints.
 */
#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define GO_VKEY "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"

static hm_note_verifier *trusted[2];

static void setup(void)
{
	unsigned char seed[32];
	hm_key *k = NULL;

	if (trusted[0])
		return;
	memset(seed, 0x2a, sizeof(seed));
	if (hm_note_verifier_parse(&trusted[0], GO_VKEY, strlen(GO_VKEY)) < 0 ||
	    hm_key_from_seed(&k, seed) < 0 ||
	    hm_note_verifier_new(&trusted[1], "example.com/log", k) < 0)
		abort();
	hm_key_free(k);
}

static void check_vkey(const char *s, size_t n)
{
	hm_note_verifier *v = NULL, *again = NULL;
	char *text = NULL;
	int rc = hm_note_verifier_parse(&v, s, n);

	if (rc != 0 && rc != HM_EFORMAT && rc != HM_EUNSUPPORTED)
		abort();
	if (rc != 0)
		return;
	if (hm_note_verifier_text(&text, v) < 0 ||
	    hm_note_verifier_parse(&again, text, strlen(text)) < 0 ||
	    hm_note_verifier_id(again) != hm_note_verifier_id(v) ||
	    strcmp(hm_note_verifier_name(again), hm_note_verifier_name(v)) != 0)
		abort();
	hm_free(text);
	hm_note_verifier_free(v);
	hm_note_verifier_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const hm_note_verifier *signer = NULL;
	hm_tree_head head;
	char *origin = NULL;
	size_t tlen = 0;
	int rc;

	setup();
	rc = hm_note_open(&tlen, &signer, s, size, (const hm_note_verifier *const *)trusted, 2);
	if (rc != 0 && rc != HM_EFORMAT && rc != HM_EVERIFY)
		abort();
	if (rc == 0 && (tlen == 0 || tlen >= size || s[tlen - 1] != '\n' || !signer))
		abort();
	rc = hm_checkpoint_open(&origin, &head, s, size, (const hm_note_verifier *const *)trusted, 2,
				NULL);
	if (rc != 0 && rc != HM_EFORMAT && rc != HM_EVERIFY)
		abort();
	if (rc == 0 && (!origin || !*origin))
		abort();
	hm_free(origin);
	rc = hm_checkpoint_parse(NULL, &head, s, size);
	if (rc != 0 && rc != HM_EFORMAT)
		abort();
	check_vkey(s, size);
	return 0;
}
