/* DSSE v1: PAE, envelope parsing/serialization, signing, threshold verification. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct sig {
	char *keyid;
	unsigned char *sig;
	size_t len;
};

struct hm_envelope {
	char *payload_type;
	unsigned char *payload;
	size_t payload_len;
	unsigned char *alloc; /* when set, what payload points into, pae_head bytes after */
	size_t pae_head;      /* when set, the PAE's header lies just before the payload */
	int released;         /* the payload was freed (hm_trusted_bundle_release_payloads) */
	struct sig *sigs;
	size_t nsigs;
};

int hm_dsse_pae(unsigned char **out, size_t *outlen, const char *payload_type,
		const unsigned char *payload, size_t payload_len)
{
	hm_buf b = HM_BUF_INIT;
	size_t tlen = strlen(payload_type);

	*out = NULL;
	if (hm__buf_printf(&b, "DSSEv1 %zu ", tlen) < 0 || hm__buf_put(&b, payload_type, tlen) < 0 ||
	    hm__buf_printf(&b, " %zu ", payload_len) < 0 ||
	    hm__buf_put(&b, payload, payload_len) < 0) {
		hm__buf_free(&b);
		return HM_ENOMEM;
	}
	*out = (unsigned char *)hm__buf_detach(&b, outlen);
	return *out ? 0 : HM_ENOMEM;
}

int hm_envelope_new(hm_envelope **out, const char *payload_type, const unsigned char *payload,
		    size_t payload_len)
{
	hm_envelope *e = calloc(1, sizeof(*e));

	*out = NULL;
	if (!e)
		return hm__err_oom();
	e->payload_type = strdup(payload_type);
	e->payload = malloc(payload_len ? payload_len : 1);
	if (!e->payload_type || !e->payload) {
		hm_envelope_free(e);
		return hm__err_oom();
	}
	if (payload_len)
		memcpy(e->payload, payload, payload_len);
	e->payload_len = payload_len;
	*out = e;
	return 0;
}

void hm_envelope_free(hm_envelope *env)
{
	size_t i;

	if (!env)
		return;
	for (i = 0; i < env->nsigs; i++) {
		free(env->sigs[i].keyid);
		free(env->sigs[i].sig);
	}
	free(env->sigs);
	free(env->payload_type);
	free(env->alloc ? env->alloc : env->payload);
	free(env);
}

void hm__envelope_release_payload(hm_envelope *env)
{
	if (!env || env->released)
		return;
	free(env->alloc ? env->alloc : env->payload);
	env->alloc = env->payload = NULL;
	env->payload_len = env->pae_head = 0;
	env->released = 1;
}

int hm__envelope_payload_kept(const hm_envelope *env, const char *what)
{
	if (env && env->released)
		return hm__err(HM_EINVAL, "%s: the envelope's payload was released after its "
			       "statement was read (hm_trusted_bundle_release_payloads)", what);
	return 0;
}

/* Room decoded payloads get before them, for the PAE's header: "DSSEv1 28 TYPE 12345 ". */
#define PAE_ROOM 128

/*
 * An envelope around a payload decoded PAE_ROOM bytes into alloc (which it
 * takes, whatever the outcome): the PAE's header goes in front of it, so
 * that verifying does not copy the payload to sign its PAE.
 */
static int envelope_adopt(hm_envelope **out, const char *payload_type, unsigned char *alloc,
			  size_t payload_len)
{
	hm_envelope *e = calloc(1, sizeof(*e));
	char head[PAE_ROOM + 1];
	int n;

	*out = NULL;
	if (!e || !(e->payload_type = strdup(payload_type))) {
		free(e);
		free(alloc);
		return hm__err_oom();
	}
	e->alloc = alloc;
	e->payload = alloc + PAE_ROOM;
	e->payload_len = payload_len;
	n = snprintf(head, sizeof(head), "DSSEv1 %zu %s %zu ", strlen(payload_type), payload_type,
		     payload_len);
	if (n > 0 && (size_t)n <= PAE_ROOM) {
		memcpy(e->payload - n, head, (size_t)n);
		e->pae_head = (size_t)n;
	}
	*out = e;
	return 0;
}

static int add_sig(hm_envelope *e, const char *keyid, unsigned char *sig, size_t len)
{
	struct sig *n;

	if (e->nsigs >= HM_DSSE_MAX_SIGNATURES) {
		free(sig);
		return hm__err(HM_EFORMAT, "envelope has more than %d signatures",
			       HM_DSSE_MAX_SIGNATURES);
	}
	n = realloc(e->sigs, (e->nsigs + 1) * sizeof(*n));
	if (!n) {
		free(sig);
		return hm__err_oom();
	}
	e->sigs = n;
	n[e->nsigs].keyid = strdup(keyid);
	if (!n[e->nsigs].keyid) {
		free(sig);
		return hm__err_oom();
	}
	n[e->nsigs].sig = sig;
	n[e->nsigs].len = len;
	e->nsigs++;
	return 0;
}

/* ---- the payload, found without handing its bytes to the JSON parser ---- */

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at a string's opening quote: just past its closing quote, or NULL. */
static const char *skip_string(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* p at a value: the "," or "}" or "]" that ends it at its own level, or NULL. */
static const char *skip_value(const char *p, const char *e)
{
	int depth = 0;

	while (p < e) {
		if (*p == '"') {
			if (!(p = skip_string(p, e)))
				return NULL;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && depth-- == 0)
			return p;
		else if (*p == ',' && depth == 0)
			return p;
		p++;
	}
	return NULL;
}

/*
 * Where the string value of the top-level member "payload" lies in json
 * ([*start, *end), between its quotes), when its name and value are written
 * without escapes. 0 when not found so: the caller then parses it all.
 */
static int payload_span(const char *json, size_t len, size_t *start, size_t *end)
{
	const char *p = json, *e = json + len, *k, *v;

	p = skip_ws(p, e);
	if (p == e || *p != '{')
		return 0;
	for (p = skip_ws(p + 1, e); p < e && *p == '"'; p = skip_ws(p + 1, e)) {
		k = p + 1;
		if (!(p = skip_string(p, e)))
			return 0;
		if (p - k == 8 && memcmp(k, "payload\"", 8) == 0) {
			p = skip_ws(p, e);
			if (p == e || *p != ':')
				return 0;
			p = skip_ws(p + 1, e);
			if (p == e || *p != '"' || !(v = skip_string(p, e)) ||
			    memchr(p + 1, '\\', (size_t)(v - 1 - (p + 1))))
				return 0;
			*start = (size_t)(p + 1 - json);
			*end = (size_t)(v - 1 - json);
			return 1;
		}
		p = skip_ws(p, e);
		if (p == e || *p != ':' || !(p = skip_value(skip_ws(p + 1, e), e)) || *p != ',')
			return 0;
	}
	return 0;
}

/*
 * The envelope's JSON with the payload's text left out ("payload":""), so
 * that the parser does not copy megabytes of base64 a character at a time,
 * and the payload decoded from the original text. 0 and both, or -1 when
 * this does not apply or anything is off: the caller then parses the whole
 * text, and every error (and its message) is that parse's.
 */
static int parse_around_payload(json_t **root, unsigned char **bin, size_t *binlen,
				const char *json, size_t len)
{
	size_t ps, pe;
	const char *s;
	json_error_t je;
	char *rest;

	*root = NULL;
	*bin = NULL;
	if (!payload_span(json, len, &ps, &pe) || !(rest = malloc(len - (pe - ps) + 1)))
		return -1;
	memcpy(rest, json, ps);
	memcpy(rest + ps, json + pe, len - pe);
	*root = json_loadb(rest, len - (pe - ps), JSON_REJECT_DUPLICATES, &je);
	free(rest);
	/* the member left empty must be the payload the parser sees */
	if (!json_is_object(*root) || !(s = hm__json_str(*root, "payload")) || *s ||
	    hm__b64_decode_room(bin, binlen, json + ps, pe - ps, PAE_ROOM) < 0) {
		json_decref(*root);
		*root = NULL;
		return -1;
	}
	return 0;
}

/* allow_unsigned: an absent or empty "signatures" is accepted (for display only). */
int hm__envelope_parse(hm_envelope **out, const char *json, size_t len, int allow_unsigned)
{
	json_t *root = NULL, *sigs;
	hm_envelope *e = NULL;
	const char *payload = NULL, *ptype;
	unsigned char *bin = NULL;
	size_t binlen, i;
	int rc;

	*out = NULL;
	if (parse_around_payload(&root, &bin, &binlen, json, len) < 0 &&
	    (rc = hm__json_parse(&root, json, len, "envelope")) < 0)
		return rc;
	if (!json_is_object(root)) {
		rc = hm__err(HM_EFORMAT, "envelope: not a JSON object");
		goto out;
	}
	payload = hm__json_str(root, "payload");
	ptype = hm__json_str(root, "payloadType");
	sigs = json_object_get(root, "signatures");
	if (!payload) {
		rc = hm__err(HM_EFORMAT, "envelope: \"payload\" is missing or not a string");
		goto out;
	}
	if (!ptype) {
		rc = hm__err(HM_EFORMAT, "envelope: \"payloadType\" is missing or not a string");
		goto out;
	}
	if (allow_unsigned && (!sigs || (json_is_array(sigs) && json_array_size(sigs) == 0)))
		sigs = NULL;
	else if (!json_is_array(sigs) || json_array_size(sigs) == 0) {
		rc = hm__err(HM_EVERIFY, "envelope: no signatures (unsigned)");
		goto out;
	}
	if (!bin && hm__b64_decode_room(&bin, &binlen, payload, strlen(payload), PAE_ROOM) < 0) {
		rc = hm__err(HM_EFORMAT, "envelope: \"payload\" is not valid base64");
		goto out;
	}
	rc = envelope_adopt(&e, ptype, bin, binlen);
	bin = NULL;
	if (rc < 0)
		goto out;
	for (i = 0; i < json_array_size(sigs); i++) {
		const json_t *s = json_array_get(sigs, i), *kid;
		const char *sig;

		if (!json_is_object(s)) {
			rc = hm__err(HM_EFORMAT, "envelope: signatures[%zu] is not an object", i);
			goto out;
		}
		sig = hm__json_str(s, "sig");
		kid = json_object_get(s, "keyid");
		if (!sig) {
			rc = hm__err(HM_EFORMAT, "envelope: signatures[%zu].sig is missing or not a "
				     "string", i);
			goto out;
		}
		if (kid && !json_is_string(kid) && !json_is_null(kid)) {
			rc = hm__err(HM_EFORMAT, "envelope: signatures[%zu].keyid is not a string", i);
			goto out;
		}
		if (hm__b64_decode(&bin, &binlen, sig, strlen(sig)) < 0) {
			rc = hm__err(HM_EFORMAT, "envelope: signatures[%zu].sig is not valid base64", i);
			goto out;
		}
		rc = add_sig(e, json_is_string(kid) ? json_string_value(kid) : "", bin, binlen);
		bin = NULL;
		if (rc < 0)
			goto out;
	}
	*out = e;
	e = NULL;
	rc = 0;
out:
	free(bin);
	hm_envelope_free(e);
	json_decref(root);
	return rc;
}

int hm_envelope_parse(hm_envelope **out, const char *json, size_t len)
{
	return hm__envelope_parse(out, json, len, 0);
}

int hm_envelope_sign(hm_envelope *env, const hm_key *key)
{
	unsigned char *pae, *sig;
	size_t paelen, siglen;
	int rc;

	if ((rc = hm_dsse_pae(&pae, &paelen, env->payload_type, env->payload, env->payload_len)) < 0)
		return rc;
	rc = hm_key_sign_alloc(&sig, &siglen, key, pae, paelen);
	free(pae);
	if (rc < 0)
		return rc;
	return add_sig(env, hm_key_id(key), sig, siglen);
}

int hm_envelope_serialize(char **out, size_t *len, const hm_envelope *env)
{
	json_t *root = json_object(), *sigs = json_array();
	char *b64 = NULL;
	size_t i;
	int rc = 0;

	*out = NULL;
	if (!root || !sigs) {
		json_decref(root);
		json_decref(sigs);
		return hm__err_oom();
	}
	/* json_string() refuses text that is not UTF-8: say so instead of dropping the field */
	if (json_object_set_new(root, "payloadType", json_string(env->payload_type))) {
		rc = hm__err(HM_EINVAL, "envelope: payloadType is not valid UTF-8");
		goto out;
	}
	b64 = hm__b64_encode(env->payload, env->payload_len);
	if (!b64 || json_object_set_new(root, "payload", json_string(b64))) {
		rc = hm__err_oom();
		goto out;
	}
	free(b64);
	b64 = NULL;
	json_object_set(root, "signatures", sigs);
	for (i = 0; i < env->nsigs; i++) {
		json_t *s = json_object();
		b64 = hm__b64_encode(env->sigs[i].sig, env->sigs[i].len);
		if (!s || !b64) {
			json_decref(s);
			rc = hm__err_oom();
			goto out;
		}
		if (json_object_set_new(s, "keyid", json_string(env->sigs[i].keyid))) {
			json_decref(s);
			rc = hm__err(HM_EINVAL, "envelope: signatures[%zu].keyid is not valid UTF-8", i);
			goto out;
		}
		if (json_object_set_new(s, "sig", json_string(b64))) {
			json_decref(s);
			rc = hm__err_oom();
			goto out;
		}
		if (json_array_append_new(sigs, s)) { /* takes s even when it fails */
			rc = hm__err_oom();
			goto out;
		}
		free(b64);
		b64 = NULL;
	}
	/* Field order as in the DSSE spec: payload, payloadType, signatures. */
	*out = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	if (!*out)
		rc = hm__err_oom();
	else if (len)
		*len = strlen(*out);
out:
	free(b64);
	json_decref(sigs);
	json_decref(root);
	return rc;
}

const char *hm_envelope_payload_type(const hm_envelope *env)
{
	return env->payload_type;
}

const unsigned char *hm_envelope_payload(const hm_envelope *env, size_t *len)
{
	if (len)
		*len = env->payload_len;
	return env->payload;
}

size_t hm_envelope_signature_count(const hm_envelope *env)
{
	return env->nsigs;
}

const char *hm_envelope_signature_keyid(const hm_envelope *env, size_t i)
{
	return i < env->nsigs ? env->sigs[i].keyid : NULL;
}

const unsigned char *hm_envelope_signature(const hm_envelope *env, size_t i, size_t *len)
{
	if (i >= env->nsigs)
		return NULL;
	if (len)
		*len = env->sigs[i].len;
	return env->sigs[i].sig;
}

int hm_envelope_verify(const hm_envelope *env, const hm_keyring *kr, size_t threshold,
		       hm_envelope_verification *info)
{
	hm_envelope_verification local;
	unsigned char *pae;
	size_t paelen, k, i, bad_len = 0;
	int rc;

	if (!info)
		info = &local;
	memset(info, 0, sizeof(*info));
	info->signatures = env->nsigs;
	if ((rc = hm__envelope_payload_kept(env, "hm_envelope_verify")) < 0)
		return rc;
	if (threshold < 1)
		threshold = 1;
	if (hm_keyring_count(kr) == 0)
		return hm__err(HM_EINVAL, "no trusted keys given");
	if (env->nsigs == 0)
		return hm__err(HM_EVERIFY, "envelope has no signatures");
	if (env->pae_head) {
		/* the header was written before the payload when it was decoded */
		pae = env->payload - env->pae_head;
		paelen = env->pae_head + env->payload_len;
	} else if ((rc = hm_dsse_pae(&pae, &paelen, env->payload_type, env->payload,
				     env->payload_len)) < 0) {
		return rc;
	}
	for (i = 0; i < env->nsigs; i++)
		if (env->sigs[i].len != 64)
			bad_len++;
	for (k = 0; k < hm_keyring_count(kr); k++)
		if (hm_key_get_type(hm_keyring_get(kr, k)) != HM_KEY_ED25519)
			bad_len = 0; /* only Ed25519 signatures have a fixed length */
	/* keyid is a hint only: every trusted key is tried against every signature. */
	for (k = 0; k < hm_keyring_count(kr); k++) {
		const hm_key *key = hm_keyring_get(kr, k);
		for (i = 0; i < env->nsigs; i++) {
			if (hm_key_verify(key, env->sigs[i].sig, env->sigs[i].len, pae, paelen) == 0) {
				memcpy(info->verified_ids[info->verified], hm_key_id(key),
				       HM_KEY_ID_HEXLEN + 1);
				info->verified++;
				break;
			}
		}
		if (info->verified == HM_DSSE_MAX_SIGNATURES)
			break;
	}
	if (!env->pae_head)
		free(pae);
	hm_error_clear();
	if (info->verified >= threshold)
		return 0;
	if (info->verified == 0)
		return hm__err(HM_EVERIFY, "no trusted key verifies any of the %zu signature%s%s",
			       env->nsigs, env->nsigs == 1 ? "" : "s",
			       bad_len ? " (a signature is not 64 bytes)" : "");
	return hm__err(HM_EVERIFY, "only %zu of the %zu required trusted keys verify", info->verified,
		       threshold);
}
