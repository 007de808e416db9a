/* lib/pem.h: PEM armour and Ed25519 DER prefixes (internal). */
#ifndef HM_PEM_H
#define HM_PEM_H

#include <stddef.h>

/* DER SubjectPublicKeyInfo = prefix + 32-byte key (44 bytes). */
extern const unsigned char hm__spki_prefix[12];
/* DER PKCS#8 v1 PrivateKeyInfo = prefix + 32-byte seed (48 bytes). */
extern const unsigned char hm__pkcs8_prefix[16];

/* Finds the label of the first BEGIN line; 1 when found. */
int hm__pem_find_label(const char *text, size_t len, char *label, size_t labelsize);
/* Decodes the body of the block with this label (malloc'd DER). HM_ENOTFOUND when absent. */
int hm__pem_decode(unsigned char **der, size_t *derlen, const char *text, size_t len,
		   const char *label, const char *name);
/* PEM text with 64-column lines (malloc'd). */
char *hm__pem_encode(const unsigned char *der, size_t len, const char *label);

#endif
