/* lib/keyimpl.h: the key handle's layout (internal). */
#ifndef HM_KEYIMPL_H
#define HM_KEYIMPL_H

#include "hallmark.h"

struct hm_key {
	unsigned char pk[32];
	unsigned char *sk; /* 64 bytes (seed || pk) in sodium_malloc memory, or NULL */
	char id[HM_KEY_ID_HEXLEN + 1];
};

int hm__key_parse_pem(hm_key **out, const char *data, size_t len, const char *name);
/*
 * Reads a key file (at most 64 KiB; "-" is stdin). A file that holds a secret
 * key (a hallmark key file or a PEM private key) and that group or others can
 * access is refused (HM_EINVAL, naming the fix), before anything is parsed.
 */
int hm__key_read_file(char **out, size_t *outlen, const char *path);

/* keyfile.c: the most KDF work a key file may demand; lowered only by the fuzz harness. */
extern unsigned long long hm__keyfile_max_opslimit;
extern size_t hm__keyfile_max_memlimit;

#endif
