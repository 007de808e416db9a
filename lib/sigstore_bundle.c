/*
 * Reading Sigstore bundles (JSON, media types v0.1 to v0.3) that carry a DSSE
 * envelope, as model_signing writes them (model.sig) and as hallmark exports
 * them: the envelope, and the verification material that says how it was
 * signed (a public key, an X.509 chain, or a keyless Fulcio certificate with
 * transparency log entries). Nothing is verified here: lib/trust.c decides.
 */
#include "sigstore_impl.h"

#include <stdlib.h>
#include <string.h>

static const char *const media_types[] = {
	"application/vnd.dev.sigstore.bundle+json;version=0.1",
	"application/vnd.dev.sigstore.bundle+json;version=0.2",
	"application/vnd.dev.sigstore.bundle+json;version=0.3",
	"application/vnd.dev.sigstore.bundle.v0.3+json",
	NULL
};

const char *hm__sig_method_name(hm__sig_method m)
{
	return m == HM__SIG_KEY ? "key" : m == HM__SIG_CERTIFICATE ? "certificate" : "keyless";
}

int hm__sigstore_looks(const char *text, size_t len)
{
	json_error_t e;
	json_t *root;
	int yes;
	size_t i;

	for (i = 0; i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
				text[i] == '\n'); i++)
		;
	if (i == len || text[i] != '{')
		return 0;
	/*
	 * A member named mediaType is spelt out, or uses a \u escape: without
	 * either (no backslash at all), no parse is needed. A DSSE envelope,
	 * base64 throughout, has neither, and parsing a large one just to look
	 * costs as much as reading it.
	 */
	if (!memchr(text + i, '\\', len - i) && !memmem(text + i, len - i, "\"mediaType\"", 11))
		return 0;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
	yes = json_is_object(root) && json_is_string(json_object_get(root, "mediaType"));
	json_decref(root);
	return yes;
}

void hm__sigstore_free(struct hm__sigstore *sb)
{
	size_t i;

	if (!sb)
		return;
	for (i = 0; i < sb->ncerts; i++)
		free(sb->certs[i]);
	free(sb->envelope);
	json_decref(sb->root);
	free(sb);
}

/* Every member of o is one of allowed. */
static int only(const json_t *o, const char *const *allowed, const char *name, const char *where)
{
	const char *k = hm__json_unknown_key(o, allowed);

	return k ? hm__err(HM_EFORMAT, "%s: unknown field \"%s\" in %s", name, k, where) : 0;
}

/* {"rawBytes": base64 DER} */
static int add_cert(struct hm__sigstore *sb, const json_t *c, const char *name, const char *where)
{
	static const char *const keys[] = { "rawBytes", NULL };
	const char *b64;

	if (!json_is_object(c) || only(c, keys, name, where) < 0 ||
	    !(b64 = hm__json_str(c, "rawBytes")))
		return hm__err(HM_EFORMAT, "%s: %s is not an object with a string \"rawBytes\"", name,
			       where);
	if (sb->ncerts == HM__SIGSTORE_MAX_CERTS)
		return hm__err(HM_EFORMAT, "%s: more than %d certificates", name,
			       HM__SIGSTORE_MAX_CERTS);
	if (hm__b64_decode(&sb->certs[sb->ncerts], &sb->cert_lens[sb->ncerts], b64,
			   strlen(b64)) < 0 || sb->cert_lens[sb->ncerts] == 0) {
		free(sb->certs[sb->ncerts]);
		sb->certs[sb->ncerts] = NULL;
		return hm__err(HM_EFORMAT, "%s: %s.rawBytes is not base64 DER", name, where);
	}
	sb->ncerts++;
	return 0;
}

/* integratedTime: proto3 JSON writes int64 as a string; accept a number too. */
static int integrated_time(long long *out, const json_t *entry, const char *name)
{
	const json_t *v = json_is_object(entry) ? json_object_get(entry, "integratedTime") : NULL;
	char *end;

	*out = 0;
	if (!v)
		return 0;
	if (json_is_integer(v))
		*out = (long long)json_integer_value(v);
	else if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) < 19) {
		*out = strtoll(json_string_value(v), &end, 10);
		if (*end)
			*out = -1;
	} else
		*out = -1;
	if (*out < 0)
		return hm__err(HM_EFORMAT, "%s: tlogEntries[0].integratedTime is not a time", name);
	return 0;
}

/*
 * The public key older bundles embed (publicKey.rawBytes: base64 of the key, PEM
 * text as model_signing wrote it, or DER) and its keyDetails: never trusted, as
 * the verifier's own keys decide, but a malformed one is refused.
 */
static int raw_key(const json_t *pk, const char *name)
{
	const json_t *raw = json_object_get(pk, "rawBytes"), *det = json_object_get(pk, "keyDetails");
	unsigned char *der = NULL;
	size_t len = 0;
	int rc = 0;

	if (det && !json_is_string(det))
		return hm__err(HM_EFORMAT, "%s: publicKey.keyDetails is not a string", name);
	if (!raw)
		return 0;
	if (!json_is_string(raw) ||
	    hm__b64_decode(&der, &len, json_string_value(raw), json_string_length(raw)) < 0 ||
	    len == 0)
		rc = hm__err(HM_EFORMAT, "%s: publicKey.rawBytes is not base64 key bytes", name);
	free(der);
	return rc;
}

static int read_material(struct hm__sigstore *sb, const json_t *vm, const char *name)
{
	static const char *const keys[] = { "publicKey", "x509CertificateChain", "certificate",
					    "tlogEntries", "timestampVerificationData", NULL };
	static const char *const pk_keys[] = { "hint", "rawBytes", "keyDetails", NULL };
	const json_t *pk, *chain, *cert, *tlog, *certs;
	size_t i, kinds;
	int rc;

	if (!json_is_object(vm))
		return hm__err(HM_EFORMAT, "%s: verificationMaterial is missing or not an object",
			       name);
	if ((rc = only(vm, keys, name, "verificationMaterial")) < 0)
		return rc;
	pk = json_object_get(vm, "publicKey");
	chain = json_object_get(vm, "x509CertificateChain");
	cert = json_object_get(vm, "certificate");
	tlog = json_object_get(vm, "tlogEntries");
	kinds = (pk != NULL) + (chain != NULL) + (cert != NULL);
	if (kinds != 1)
		return hm__err(HM_EFORMAT, "%s: verificationMaterial must hold exactly one of "
			       "publicKey, x509CertificateChain and certificate (it holds %zu)", name,
			       kinds);
	if (tlog && !json_is_array(tlog) && !json_is_null(tlog))
		return hm__err(HM_EFORMAT, "%s: verificationMaterial.tlogEntries is not an array",
			       name);
	if (pk) {
		const json_t *h;
		if (!json_is_object(pk) || (rc = only(pk, pk_keys, name,
						      "verificationMaterial.publicKey")) < 0)
			return rc < 0 ? rc : hm__err(HM_EFORMAT, "%s: publicKey is not an object", name);
		h = json_object_get(pk, "hint");
		if (h && !json_is_string(h) && !json_is_null(h))
			return hm__err(HM_EFORMAT, "%s: publicKey.hint is not a string", name);
		if ((rc = raw_key(pk, name)) < 0)
			return rc;
		if (!json_is_string(h) && !json_object_get(pk, "rawBytes"))
			return hm__err(HM_EFORMAT, "%s: publicKey holds neither a hint nor rawBytes",
				       name);
		sb->hint = json_is_string(h) && json_string_length(h) ? json_string_value(h) : NULL;
		sb->method = HM__SIG_KEY;
		return 0;
	}
	if (chain) {
		certs = json_is_object(chain) ? json_object_get(chain, "certificates") : NULL;
		if (!json_is_array(certs) || json_array_size(certs) == 0)
			return hm__err(HM_EFORMAT, "%s: x509CertificateChain.certificates is not a "
				       "non-empty array", name);
		for (i = 0; i < json_array_size(certs); i++)
			if ((rc = add_cert(sb, json_array_get(certs, i), name,
					   "x509CertificateChain.certificates[]")) < 0)
				return rc;
	} else if ((rc = add_cert(sb, cert, name, "verificationMaterial.certificate")) < 0)
		return rc;
	if (json_is_array(tlog) && json_array_size(tlog) > 0) {
		sb->method = HM__SIG_KEYLESS;
		return integrated_time(&sb->signed_at, json_array_get(tlog, 0), name);
	}
	sb->method = HM__SIG_CERTIFICATE;
	return 0;
}

int hm__sigstore_parse(struct hm__sigstore **out, const char *text, size_t len, const char *name)
{
	static const char *const top[] = { "mediaType", "verificationMaterial", "dsseEnvelope",
					   "messageSignature", NULL };
	struct hm__sigstore *sb;
	const json_t *env;
	size_t i;
	int rc;

	*out = NULL;
	if (!(sb = calloc(1, sizeof(*sb))))
		return hm__err_oom();
	if ((rc = hm__json_parse(&sb->root, text, len, name)) < 0)
		goto fail;
	if (!json_is_object(sb->root)) {
		rc = hm__err(HM_EFORMAT, "%s: a Sigstore bundle is a JSON object", name);
		goto fail;
	}
	if ((rc = only(sb->root, top, name, "the bundle")) < 0)
		goto fail;
	sb->media_type = hm__json_str(sb->root, "mediaType");
	for (i = 0; sb->media_type && media_types[i]; i++)
		if (strcmp(sb->media_type, media_types[i]) == 0)
			break;
	if (!sb->media_type || !media_types[i]) {
		rc = hm__err(HM_EUNSUPPORTED, "%s: mediaType \"%s\" is not a Sigstore bundle version "
			     "hallmark reads (v0.1, v0.2, v0.3)", name,
			     sb->media_type ? sb->media_type : "(missing)");
		goto fail;
	}
	if (json_object_get(sb->root, "messageSignature")) {
		rc = hm__err(HM_EUNSUPPORTED, "%s: the bundle holds a message signature, not a DSSE "
			     "envelope of an in-toto statement", name);
		goto fail;
	}
	env = json_object_get(sb->root, "dsseEnvelope");
	if (!json_is_object(env)) {
		rc = hm__err(HM_EFORMAT, "%s: dsseEnvelope is missing or not an object", name);
		goto fail;
	}
	if ((rc = read_material(sb, json_object_get(sb->root, "verificationMaterial"), name)) < 0)
		goto fail;
	sb->envelope = json_dumps(env, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!sb->envelope) {
		rc = hm__err_oom();
		goto fail;
	}
	sb->envelope_len = strlen(sb->envelope);
	*out = sb;
	return 0;
fail:
	hm__sigstore_free(sb);
	return rc;
}
