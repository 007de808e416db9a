/*
 * Sigstore trusted roots (trusted_root.json, media type
 * application/vnd.dev.sigstore.trustedroot+json): the certificate
 * authorities, transparency logs and CT logs a keyless signature is checked
 * against. The file is untrusted input until parsed: every member we use is
 * checked for type and shape; a key whose keyDetails we do not know is kept
 * without a key, so that a signature naming it fails with that reason while
 * the rest of the root stays usable (new key types appear in new roots).
 */
#include "sigstore_keyless.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/objects.h>

#ifndef HM_DATADIR
#define HM_DATADIR "/usr/local/share/hallmark"
#endif

/* More than any real root holds; bounds the work a hostile file can ask for. */
#define MAX_ENTRIES 64
#define MAX_CHAIN 8

static const struct {
	const char *details;
	int type;        /* EVP_PKEY_EC or EVP_PKEY_ED25519 */
	const char *group;
	const EVP_MD *(*md)(void);
} key_types[] = {
	{ "PKIX_ECDSA_P256_SHA_256", EVP_PKEY_EC, "prime256v1", EVP_sha256 },
	{ "PKIX_ECDSA_P384_SHA_384", EVP_PKEY_EC, "secp384r1", EVP_sha384 },
	{ "PKIX_ECDSA_P521_SHA_512", EVP_PKEY_EC, "secp521r1", EVP_sha512 },
	{ "PKIX_ED25519", EVP_PKEY_ED25519, NULL, NULL },
};

static int get_b64(unsigned char **out, size_t *outlen, const json_t *v, const char *name,
		   const char *what)
{
	const char *s = json_string_value(v);

	*out = NULL;
	if (!s || !*s)
		return hm__err(HM_EFORMAT, "%s: %s must be a non-empty base64 string", name, what);
	if (hm__b64_decode(out, outlen, s, strlen(s)) < 0)
		return hm__err(HM_EFORMAT, "%s: %s is not base64", name, what);
	return 0;
}

static int get_time(long long *out, const json_t *v, const char *name, const char *what)
{
	const char *s = json_string_value(v);

	if (!s || !hm_rfc3339_valid(s))
		return hm__err(HM_EFORMAT, "%s: %s must be an RFC 3339 time", name, what);
	return hm_rfc3339_parse(out, s);
}

/* validFor {start, end?}: start required, end open when absent. */
static int get_valid_for(long long *start, long long *end, const json_t *o, const char *name,
			 const char *what)
{
	const json_t *vf = json_object_get(o, "validFor"), *e;
	char w[96];
	int rc;

	if (!json_is_object(vf))
		return hm__err(HM_EFORMAT, "%s: %s has no validFor object", name, what);
	snprintf(w, sizeof(w), "%s validFor.start", what);
	if ((rc = get_time(start, json_object_get(vf, "start"), name, w)) < 0)
		return rc;
	*end = LLONG_MAX;
	if ((e = json_object_get(vf, "end")) != NULL) {
		snprintf(w, sizeof(w), "%s validFor.end", what);
		if ((rc = get_time(end, e, name, w)) < 0)
			return rc;
		if (*end < *start)
			return hm__err(HM_EFORMAT, "%s: %s ends before it starts", name, what);
	}
	return 0;
}

static char *dup_str(const json_t *v)
{
	const char *s = json_string_value(v);

	return strdup(s ? s : "");
}

/* The key of a tlogs[] or ctlogs[] entry; key stays NULL for an unknown keyDetails. */
static int parse_log(hm__sigstore_log *lg, const json_t *o, const char *name, const char *what)
{
	const json_t *pk = json_object_get(o, "publicKey"), *lid = json_object_get(o, "logId");
	unsigned char *der = NULL, *id = NULL;
	const unsigned char *p;
	const char *details;
	size_t derlen, idlen, i;
	char w[96];
	int rc;

	if (!json_is_object(o) || !json_is_object(pk) || !json_is_object(lid))
		return hm__err(HM_EFORMAT, "%s: %s needs publicKey and logId objects", name, what);
	if (!(lg->url = dup_str(json_object_get(o, "baseUrl"))))
		return hm__err_oom();
	details = json_string_value(json_object_get(pk, "keyDetails"));
	if (!details)
		return hm__err(HM_EFORMAT, "%s: %s has no publicKey.keyDetails", name, what);
	if (!(lg->details = strdup(details)))
		return hm__err_oom();
	snprintf(w, sizeof(w), "%s publicKey", what);
	if ((rc = get_valid_for(&lg->start, &lg->end, pk, name, w)) < 0)
		return rc;
	snprintf(w, sizeof(w), "%s logId.keyId", what);
	if ((rc = get_b64(&id, &idlen, json_object_get(lid, "keyId"), name, w)) < 0)
		return rc;
	if (idlen != 32) {
		free(id);
		return hm__err(HM_EFORMAT, "%s: %s is %zu bytes, not 32", name, w, idlen);
	}
	memcpy(lg->id, id, 32);
	lg->idlen = 32;
	free(id);
	for (i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (strcmp(details, key_types[i].details) == 0)
			break;
	if (i == sizeof(key_types) / sizeof(key_types[0]))
		return 0; /* not a type we verify: kept, unusable */
	snprintf(w, sizeof(w), "%s publicKey.rawBytes", what);
	if ((rc = get_b64(&der, &derlen, json_object_get(pk, "rawBytes"), name, w)) < 0)
		return rc;
	p = der;
	lg->key = d2i_PUBKEY(NULL, &p, (long)derlen);
	if (!lg->key || p != der + derlen) {
		free(der);
		return hm__err(HM_EFORMAT, "%s: %s is not a DER SubjectPublicKeyInfo", name, w);
	}
	free(der);
	if (EVP_PKEY_get_base_id(lg->key) != key_types[i].type)
		return hm__err(HM_EFORMAT, "%s: %s is not the %s key its keyDetails says", name, w,
			       details);
	if (key_types[i].group) {
		char group[64];
		size_t glen = 0;

		if (!EVP_PKEY_get_utf8_string_param(lg->key, "group", group, sizeof(group), &glen) ||
		    strcmp(group, key_types[i].group) != 0)
			return hm__err(HM_EFORMAT, "%s: %s is not on the curve of %s", name, w,
				       details);
		lg->md = key_types[i].md();
	}
	return 0;
}

static int parse_logs(hm__sigstore_log **out, size_t *n, const json_t *root, const char *key,
		      const char *name)
{
	const json_t *arr = json_object_get(root, key), *v;
	char what[48];
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > MAX_ENTRIES)
		return hm__err(HM_EFORMAT, "%s: %s must be an array of at most %d logs", name, key,
			       MAX_ENTRIES);
	if (json_array_size(arr) && !(*out = calloc(json_array_size(arr), sizeof(**out))))
		return hm__err_oom();
	json_array_foreach(arr, i, v) {
		snprintf(what, sizeof(what), "%s[%zu]", key, i);
		*n = i + 1;
		if ((rc = parse_log(&(*out)[i], v, name, what)) < 0)
			return rc;
	}
	return 0;
}

static int parse_ca(hm__sigstore_ca *ca, const json_t *o, const char *name, const char *what)
{
	const json_t *cc = json_object_get(o, "certChain"), *certs, *c;
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t derlen, i;
	char w[96];
	int rc;

	if (!json_is_object(o) || !json_is_object(cc))
		return hm__err(HM_EFORMAT, "%s: %s has no certChain object", name, what);
	if (!(ca->uri = dup_str(json_object_get(o, "uri"))))
		return hm__err_oom();
	if ((rc = get_valid_for(&ca->start, &ca->end, o, name, what)) < 0)
		return rc;
	certs = json_object_get(cc, "certificates");
	if (!json_is_array(certs) || json_array_size(certs) == 0 ||
	    json_array_size(certs) > MAX_CHAIN)
		return hm__err(HM_EFORMAT, "%s: %s certChain.certificates must hold 1 to %d "
			       "certificates", name, what, MAX_CHAIN);
	if (!(ca->chain = sk_X509_new_null()))
		return hm__err_oom();
	json_array_foreach(certs, i, c) {
		X509 *x;

		snprintf(w, sizeof(w), "%s certificate %zu rawBytes", what, i + 1);
		if ((rc = get_b64(&der, &derlen, json_is_object(c) ? json_object_get(c, "rawBytes")
						      : NULL, name, w)) < 0)
			return rc;
		p = der;
		x = d2i_X509(NULL, &p, (long)derlen);
		if (!x || p != der + derlen) {
			X509_free(x);
			free(der);
			return hm__err(HM_EFORMAT, "%s: %s is not a DER certificate", name, w);
		}
		free(der);
		if (!sk_X509_push(ca->chain, x)) {
			X509_free(x);
			return hm__err_oom();
		}
	}
	return 0;
}

void hm__sigstore_root_free(hm__sigstore_root *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->ncas; i++) {
		free(r->cas[i].uri);
		sk_X509_pop_free(r->cas[i].chain, X509_free);
	}
	for (i = 0; i < r->ntlogs; i++) {
		free(r->tlogs[i].url);
		free(r->tlogs[i].details);
		EVP_PKEY_free(r->tlogs[i].key);
	}
	for (i = 0; i < r->nctlogs; i++) {
		free(r->ctlogs[i].url);
		free(r->ctlogs[i].details);
		EVP_PKEY_free(r->ctlogs[i].key);
	}
	free(r->cas);
	free(r->tlogs);
	free(r->ctlogs);
	free(r->name);
	free(r);
}

int hm__sigstore_root_parse(hm__sigstore_root **out, const char *text, size_t len,
			    const char *name)
{
	static const char media[] = "application/vnd.dev.sigstore.trustedroot";
	hm__sigstore_root *r = NULL;
	const json_t *arr, *v;
	json_t *o = NULL;
	const char *mt;
	char what[48];
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = hm__json_parse(&o, text, len, name)) < 0)
		return rc;
	if (!json_is_object(o)) {
		rc = hm__err(HM_EFORMAT, "%s: a trusted root is a JSON object", name);
		goto out;
	}
	mt = json_string_value(json_object_get(o, "mediaType"));
	if (!mt || strncmp(mt, media, sizeof(media) - 1) != 0) {
		rc = hm__err(HM_EFORMAT, "%s: mediaType is not %s...: not a Sigstore trusted root",
			     name, media);
		goto out;
	}
	if (!(r = calloc(1, sizeof(*r))) || !(r->name = strdup(name))) {
		rc = hm__err_oom();
		goto out;
	}
	arr = json_object_get(o, "certificateAuthorities");
	if (arr && (!json_is_array(arr) || json_array_size(arr) > MAX_ENTRIES)) {
		rc = hm__err(HM_EFORMAT, "%s: certificateAuthorities must be an array of at most %d",
			     name, MAX_ENTRIES);
		goto out;
	}
	if (json_array_size(arr) && !(r->cas = calloc(json_array_size(arr), sizeof(*r->cas)))) {
		rc = hm__err_oom();
		goto out;
	}
	json_array_foreach(arr, i, v) {
		snprintf(what, sizeof(what), "certificateAuthorities[%zu]", i);
		r->ncas = i + 1;
		if ((rc = parse_ca(&r->cas[i], v, name, what)) < 0)
			goto out;
	}
	if ((rc = parse_logs(&r->tlogs, &r->ntlogs, o, "tlogs", name)) < 0 ||
	    (rc = parse_logs(&r->ctlogs, &r->nctlogs, o, "ctlogs", name)) < 0)
		goto out;
	*out = r;
	r = NULL;
out:
	hm__sigstore_root_free(r);
	json_decref(o);
	return rc;
}

static char *file_in(const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + sizeof(HM_SIGSTORE_ROOT_FILE) + 2;
	char *p = malloc(n);

	if (!p)
		return NULL;
	snprintf(p, n, "%s%s/%s", dir, rel, HM_SIGSTORE_ROOT_FILE);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

int hm__sigstore_root_default_path(char **out)
{
	char exe[PATH_MAX], *slash;
	ssize_t n;

	*out = NULL;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			*out = file_in(exe, "/../share/hallmark");
		}
	}
	if (!*out)
		*out = file_in(HM_DATADIR, "");
	if (*out)
		return 0;
	return hm__err(HM_ENOTFOUND, "no Sigstore trusted root is installed (%s/%s is absent; "
		       "`make trusted-root install` installs the public-good one): give one with "
		       "--trusted-root FILE", HM_DATADIR, HM_SIGSTORE_ROOT_FILE);
}

int hm__sigstore_root_load(hm__sigstore_root **out, const char *path)
{
	char *def = NULL, *text = NULL;
	size_t len;
	int rc;

	*out = NULL;
	if (!path) {
		if ((rc = hm__sigstore_root_default_path(&def)) < 0)
			return rc;
		path = def;
	}
	if ((rc = hm__read_file(&text, &len, path, HM_SIGSTORE_ROOT_MAX)) >= 0)
		rc = hm__sigstore_root_parse(out, text, len, path);
	free(text);
	free(def);
	return rc;
}

const hm__sigstore_log *hm__sigstore_log_find(const hm__sigstore_log *logs, size_t n,
					      const unsigned char *id, size_t idlen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (logs[i].idlen == idlen && memcmp(logs[i].id, id, idlen) == 0)
			return &logs[i];
	return NULL;
}

int hm__sigstore_log_verify(const hm__sigstore_log *log, const unsigned char *sig,
			    size_t siglen, const void *data, size_t len)
{
	EVP_MD_CTX *ctx;
	int ok;

	if (!log->key)
		return hm__err(HM_EUNSUPPORTED, "the key of %s is of type %s, which hallmark does "
			       "not verify", log->url, log->details);
	if (!(ctx = EVP_MD_CTX_new()))
		return hm__err_oom();
	ok = EVP_DigestVerifyInit(ctx, NULL, log->md, NULL, log->key) == 1 &&
	     EVP_DigestVerify(ctx, sig, siglen, data, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}
