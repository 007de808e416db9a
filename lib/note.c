/*
 * Signed notes (c2sp.org/signed-note) with Ed25519 keys: the key id, verifier
 * keys in their "NAME+HASH+BASE64" text form, signing, and opening a note of
 * untrusted bytes. The parse follows the reference implementation
 * (golang.org/x/mod/sumdb/note): the text ends at the last blank line, every
 * signature line must be well formed, a signature from a known key that does
 * not verify refuses the whole note, signatures from unknown keys are ignored.
 */
#include "internal.h"
#include "hallmark/note.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define SIG_ED25519 0x01
/* "— " : U+2014 EM DASH and a space, in UTF-8. */
static const char DASH[] = "\xe2\x80\x94 ";
#define DASH_LEN 4

struct hm_note_verifier {
	char *name;
	uint32_t id;
	unsigned char pk[32];
};

/* Decodes one UTF-8 sequence at s (n bytes left); its length, or 0 when invalid. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Unicode White_Space (what Go's unicode.IsSpace reports). */
static int is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000;
}

/* A key name: non-empty UTF-8 with neither spaces nor '+'. */
static int valid_name(const char *s, size_t n)
{
	size_t i = 0, k;
	uint32_t c;

	if (n == 0)
		return 0;
	while (i < n) {
		if (!(k = utf8_next((const unsigned char *)s + i, n - i, &c)) || is_space(c) ||
		    c == '+' || c < 0x20)
			return 0;
		i += k;
	}
	return 1;
}

/* Note text: valid UTF-8 without control characters other than newline. */
static int valid_text(const char *s, size_t n, size_t *bad)
{
	size_t i = 0, k;
	uint32_t c;

	while (i < n) {
		if (!(k = utf8_next((const unsigned char *)s + i, n - i, &c)) ||
		    (c < 0x20 && c != '\n')) {
			*bad = i;
			return 0;
		}
		i += k;
	}
	return 1;
}

/* Standard padded base64 only, in its one canonical spelling. */
static int b64_strict(unsigned char **out, size_t *outlen, const char *s, size_t n)
{
	char *again;
	size_t i;
	int same;

	*out = NULL;
	for (i = 0; i < n; i++)
		if (s[i] == '-' || s[i] == '_')
			return -1;
	if (n % 4 != 0 || hm__b64_decode(out, outlen, s, n) < 0)
		return -1;
	if (!(again = hm__b64_encode(*out, *outlen))) {
		free(*out);
		*out = NULL;
		return -2;
	}
	same = strlen(again) == n && memcmp(again, s, n) == 0;
	free(again);
	if (!same) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int key_id(uint32_t *id, const char *name, size_t n, const unsigned char pk[32])
{
	static const unsigned char sep[2] = { '\n', SIG_ED25519 };
	unsigned char h[32];
	unsigned int hl = 32;
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	int ok = x && EVP_DigestInit_ex(x, EVP_sha256(), NULL) &&
		 EVP_DigestUpdate(x, name, n) && EVP_DigestUpdate(x, sep, 2) &&
		 EVP_DigestUpdate(x, pk, 32) && EVP_DigestFinal_ex(x, h, &hl);

	EVP_MD_CTX_free(x);
	if (!ok)
		return hm__err(HM_ECRYPTO, "SHA-256 failed");
	*id = ((uint32_t)h[0] << 24) | ((uint32_t)h[1] << 16) | ((uint32_t)h[2] << 8) | h[3];
	return 0;
}

static int verifier_make(hm_note_verifier **out, const char *name, size_t n,
			 const unsigned char pk[32])
{
	hm_note_verifier *v = calloc(1, sizeof(*v));
	int rc;

	if (!v || !(v->name = malloc(n + 1))) {
		free(v);
		return hm__err_oom();
	}
	memcpy(v->name, name, n);
	v->name[n] = '\0';
	memcpy(v->pk, pk, 32);
	if ((rc = key_id(&v->id, name, n, pk)) < 0) {
		hm_note_verifier_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

int hm_note_verifier_new(hm_note_verifier **out, const char *name, const hm_key *key)
{
	*out = NULL;
	if (!name || !key)
		return hm__err(HM_EINVAL, "a note key needs a name and a key");
	if (hm_key_get_type(key) != HM_KEY_ED25519)
		return hm__err(HM_EUNSUPPORTED, "signed notes take Ed25519 keys; key %.16s... is %s",
			       hm_key_id(key), hm_key_type_name(hm_key_get_type(key)));
	if (!valid_name(name, strlen(name)))
		return hm__err(HM_EINVAL, "\"%s\" is not a valid note key name (it must be non-empty "
			       "UTF-8 without spaces or '+')", name);
	return verifier_make(out, name, strlen(name), hm_key_public_bytes(key));
}

int hm_note_verifier_parse(hm_note_verifier **out, const char *vkey, size_t len)
{
	const char *p1, *p2;
	unsigned char *key = NULL;
	size_t klen = 0;
	char hex[9];
	uint32_t id = 0, want = 0;
	int i, rc;

	*out = NULL;
	while (len && (vkey[len - 1] == '\n' || vkey[len - 1] == '\r'))
		len--;
	p1 = memchr(vkey, '+', len);
	p2 = p1 ? memchr(p1 + 1, '+', len - (size_t)(p1 + 1 - vkey)) : NULL;
	if (!p1 || !p2)
		return hm__err(HM_EFORMAT, "not a note verifier key (expected NAME+HASH+KEY)");
	if (!valid_name(vkey, (size_t)(p1 - vkey)))
		return hm__err(HM_EFORMAT, "note verifier key: the name is empty or holds spaces or "
			       "control characters");
	if (p2 - p1 - 1 != 8)
		return hm__err(HM_EFORMAT, "note verifier key: the key hash must be 8 hex digits");
	for (i = 0; i < 8; i++) {
		char c = p1[1 + i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return hm__err(HM_EFORMAT, "note verifier key: the key hash must be 8 hex "
				       "digits");
		id = (id << 4) | (uint32_t)d;
		hex[i] = c;
	}
	hex[8] = '\0';
	rc = b64_strict(&key, &klen, p2 + 1, len - (size_t)(p2 + 1 - vkey));
	if (rc == -2)
		return hm__err_oom();
	if (rc < 0 || klen == 0) {
		free(key);
		return hm__err(HM_EFORMAT, "note verifier key: the key is not standard base64");
	}
	if (key[0] != SIG_ED25519) {
		rc = hm__err(HM_EUNSUPPORTED, "note verifier key: signature type 0x%02x is not "
			     "Ed25519 (0x01)", key[0]);
	} else if (klen != 33) {
		rc = hm__err(HM_EFORMAT, "note verifier key: an Ed25519 key is 32 bytes, not %zu",
			     klen - 1);
	} else if ((rc = key_id(&want, vkey, (size_t)(p1 - vkey), key + 1)) < 0) {
		/* the error is set */
	} else if (want != id) {
		rc = hm__err(HM_EFORMAT, "note verifier key: the key hash %s is not the hash of "
			     "the name and key", hex);
	} else {
		rc = verifier_make(out, vkey, (size_t)(p1 - vkey), key + 1);
	}
	free(key);
	return rc;
}

void hm_note_verifier_free(hm_note_verifier *v)
{
	if (!v)
		return;
	free(v->name);
	free(v);
}

const char *hm_note_verifier_name(const hm_note_verifier *v)
{
	return v->name;
}

uint32_t hm_note_verifier_id(const hm_note_verifier *v)
{
	return v->id;
}

int hm_note_verifier_text(char **out, const hm_note_verifier *v)
{
	unsigned char key[33];
	char *b64;

	*out = NULL;
	key[0] = SIG_ED25519;
	memcpy(key + 1, v->pk, 32);
	if (!(b64 = hm__b64_encode(key, 33)))
		return hm__err_oom();
	if (asprintf(out, "%s+%08x+%s", v->name, (unsigned)v->id, b64) < 0) {
		*out = NULL;
		free(b64);
		return hm__err_oom();
	}
	free(b64);
	return 0;
}

int hm_note_sign(char **out, size_t *len, const char *text, size_t n, const char *name,
		 const hm_key *key)
{
	hm_note_verifier *v = NULL;
	unsigned char sig[4 + 64];
	char *b64 = NULL;
	size_t bad, nl, total;
	int rc;

	*out = NULL;
	*len = 0;
	if (n == 0 || text[n - 1] != '\n')
		return hm__err(HM_EINVAL, "note text must be non-empty and end in a newline");
	if (memmem(text, n, "\n\n", 2) || text[0] == '\n')
		return hm__err(HM_EINVAL, "note text must not hold a blank line");
	if (!valid_text(text, n, &bad))
		return hm__err(HM_EINVAL, "note text must be UTF-8 without control characters "
			       "(byte %zu)", bad);
	if (!hm_key_has_secret(key))
		return hm__err(HM_EINVAL, "signing a note needs a secret key");
	if ((rc = hm_note_verifier_new(&v, name, key)) < 0)
		return rc;
	sig[0] = (unsigned char)(v->id >> 24);
	sig[1] = (unsigned char)(v->id >> 16);
	sig[2] = (unsigned char)(v->id >> 8);
	sig[3] = (unsigned char)v->id;
	if ((rc = hm_key_sign(key, sig + 4, (const unsigned char *)text, n)) < 0)
		goto out;
	if (!(b64 = hm__b64_encode(sig, sizeof(sig)))) {
		rc = hm__err_oom();
		goto out;
	}
	nl = strlen(name);
	total = n + 1 + DASH_LEN + nl + 1 + strlen(b64) + 1;
	if (!(*out = malloc(total + 1))) {
		rc = hm__err_oom();
		goto out;
	}
	memcpy(*out, text, n);
	snprintf(*out + n, total + 1 - n, "\n%s%s %s\n", DASH, name, b64);
	*len = total;
out:
	free(b64);
	hm_note_verifier_free(v);
	return rc;
}

/* One signature line (without its newline): "— NAME BASE64". */
static int parse_sig(const char *line, size_t n, size_t lineno, const char **name, size_t *nlen,
		     unsigned char **sig, size_t *slen)
{
	const char *sp;
	int rc;

	if (n < DASH_LEN || memcmp(line, DASH, DASH_LEN) != 0)
		return hm__err(HM_EFORMAT, "note: signature line %zu does not start with an em dash "
			       "(U+2014) and a space", lineno);
	line += DASH_LEN;
	n -= DASH_LEN;
	sp = memchr(line, ' ', n);
	if (!sp || !valid_name(line, (size_t)(sp - line)))
		return hm__err(HM_EFORMAT, "note: signature line %zu: expected a key name, a space "
			       "and the signature", lineno);
	*name = line;
	*nlen = (size_t)(sp - line);
	rc = b64_strict(sig, slen, sp + 1, n - *nlen - 1);
	if (rc == -2)
		return hm__err_oom();
	if (rc < 0 || *slen < 5) {
		free(*sig);
		*sig = NULL;
		return hm__err(HM_EFORMAT, "note: signature line %zu: the signature is not standard "
			       "base64 of a key id and a signature", lineno);
	}
	return 0;
}

int hm_note_open(size_t *text_len, const hm_note_verifier **signer, const char *note, size_t len,
		 const hm_note_verifier *const *verifiers, size_t nv)
{
	const hm_note_verifier *good = NULL;
	const char *p, *end, *split = NULL;
	size_t bad, tlen, nsig = 0, i;
	int rc = 0;

	*text_len = 0;
	if (signer)
		*signer = NULL;
	if (len > HM_NOTE_MAX_SIZE)
		return hm__err(HM_EFORMAT, "note: larger than %u bytes", HM_NOTE_MAX_SIZE);
	if (!valid_text(note, len, &bad))
		return hm__err(HM_EFORMAT, "note: byte %zu is a control character or not UTF-8",
			       bad);
	/* the text ends at the last blank line */
	for (p = note; (p = memmem(p, len - (size_t)(p - note), "\n\n", 2)) != NULL; p++)
		split = p;
	if (!split)
		return hm__err(HM_EFORMAT, "note: no blank line before the signatures");
	tlen = (size_t)(split - note) + 1;
	p = split + 2;
	end = note + len;
	if (p == end || end[-1] != '\n')
		return hm__err(HM_EFORMAT, "note: %s", p == end ? "no signature lines"
			       : "the last signature line does not end in a newline");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *name = NULL;
		unsigned char *sig = NULL;
		size_t nlen = 0, slen = 0;
		uint32_t id;

		if (++nsig > HM_NOTE_MAX_SIGNATURES)
			return hm__err(HM_EFORMAT, "note: more than %d signatures",
				       HM_NOTE_MAX_SIGNATURES);
		if ((rc = parse_sig(p, (size_t)(nl - p), nsig, &name, &nlen, &sig, &slen)) < 0)
			return rc;
		id = ((uint32_t)sig[0] << 24) | ((uint32_t)sig[1] << 16) | ((uint32_t)sig[2] << 8) |
		     sig[3];
		for (i = 0; i < nv; i++) {
			const hm_note_verifier *v = verifiers[i];
			if (v->id != id || strlen(v->name) != nlen || memcmp(v->name, name, nlen) != 0)
				continue;
			if (hm_ed25519_verify(v->pk, sig + 4, slen - 4, (const unsigned char *)note,
					      tlen) < 0) {
				free(sig);
				return hm__err(HM_EVERIFY, "note: the signature of %s+%08x does not "
					       "verify: the note was altered or forged", v->name,
					       (unsigned)v->id);
			}
			if (!good)
				good = v;
		}
		free(sig);
		p = nl + 1;
	}
	if (!good) {
		if (nv == 1)
			return hm__err(HM_EVERIFY, "note: not signed by the trusted key %s+%08x",
				       verifiers[0]->name, (unsigned)verifiers[0]->id);
		return hm__err(HM_EVERIFY, "note: not signed by any of the %zu trusted keys", nv);
	}
	*text_len = tlen;
	if (signer)
		*signer = good;
	return 0;
}
