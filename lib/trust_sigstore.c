/*
 * The trust decision for a line that is a Sigstore bundle: its verification
 * material says how it was signed, and it is checked that way and no other.
 *
 *   key          publicKey: the trusted keys verify the envelope, as for a DSSE
 *                line (the embedded rawBytes of older bundles are never trusted).
 *   certificate  an X.509 chain with no transparency log: the chain verifies up
 *                to the trusted certificates at the signing time recorded (or
 *                now), and the signing certificate's key verifies the envelope.
 *   keyless      a Fulcio certificate with transparency log entries: keyless
 *                verification against the identity, issuer and trusted root
 *                gives the certificate's key, which verifies the envelope.
 */
#include "sigstore_impl.h"
#include "trust_impl.h"
#include "sigstore_keyless.h"
#include "keyimpl.h"

#include <stdlib.h>
#include <string.h>

/*
 * Keyless verification (sigstore_keyless.c): the Fulcio chain to the trusted
 * root's CAs at the Rekor entry's signed time, the SCTs, the Rekor entry
 * against this envelope, and the certificate's SAN and issuer against identity
 * and issuer. It gives the certificate's key, which must then verify the
 * envelope.
 */
int hm_sigstore_keyless_available(void)
{
	return 1;
}

static int keyless_leaf(hm_key **leaf, char **subject, const struct hm__sigstore *sb,
			const struct hm__trust *t)
{
	EVP_PKEY *pk = NULL;
	int rc;

	*leaf = NULL;
	*subject = NULL;
	if (!t->issuer)
		return hm__err(HM_EINVAL, "keyless verification needs the OIDC issuer as well as "
			       "the identity");
	rc = hm__sigstore_keyless_verify(&pk, subject, sb->root, t->trusted_root, t->identity,
					 t->issuer);
	if (rc == 0)
		rc = hm__key_from_evp(leaf, pk, 0, "the keyless signing certificate");
	EVP_PKEY_free(pk);
	if (rc < 0) {
		free(*subject);
		*subject = NULL;
	}
	return rc;
}

static int refuse_method(struct hm__tline *l, const char *why)
{
	return hm__tline_refuse(l, HM_LINE_UNTRUSTED, HM_EVERIFY, why);
}

int hm__trust_sigstore(struct hm__tline *l, const char *line, size_t len,
		       const struct hm__trust *t)
{
	struct hm__sigstore *sb = NULL;
	const hm_keyring *kr;
	hm_keyring *one = NULL;
	hm_key *leaf = NULL;
	size_t nsigs;
	int rc, is_envelope, have_keys;
	char why[256];

	if ((rc = hm__sigstore_parse(&sb, line, len, "Sigstore bundle")) < 0)
		return rc == HM_ENOMEM ? rc
				       : hm__tline_refuse(l, HM_LINE_MALFORMED, rc, hm_error_last());
	l->pub.method = hm__sig_method_name(sb->method);
	if ((rc = hm__tline_peek(l, sb->envelope, sb->envelope_len, &is_envelope, &nsigs)) < 0)
		goto out;
	kr = l->pub.is_audit ? t->auditors : t->keys;
	have_keys = hm_keyring_count(kr) > 0;
	switch (sb->method) {
	case HM__SIG_KEY:
		if (!have_keys) {
			rc = refuse_method(l, hm_cert_roots_count(t->roots) || t->identity
				? "signed with a public key (verificationMaterial.publicKey): it "
				  "verifies with a trusted key only, not with certificates or an identity"
				: l->pub.is_audit ? "no trusted auditor keys were given"
						  : "no trusted keys were given");
			goto out;
		}
		rc = hm__tline_open(l, sb->envelope, sb->envelope_len, kr, t->threshold, is_envelope,
				    nsigs, t);
		goto out;
	case HM__SIG_CERTIFICATE:
		if (hm_cert_roots_count(t->roots) == 0) {
			snprintf(why, sizeof(why), "signed with an X.509 certificate chain "
				 "(verificationMaterial.x509CertificateChain): it verifies with trusted "
				 "certificates (--cert-chain) only%s",
				 have_keys ? ", not with a key" : t->identity ? ", not with an identity" : "");
			rc = refuse_method(l, why);
			goto out;
		}
		rc = hm__cert_verify(&leaf, &l->subject, (const unsigned char *const *)sb->certs,
				     sb->cert_lens, sb->ncerts, t->roots,
				     sb->signed_at ? sb->signed_at : t->now,
				     sb->signed_at ? "the signing time recorded"
						   : "the verification time given");
		break;
	case HM__SIG_KEYLESS:
		if (!t->identity) {
			snprintf(why, sizeof(why), "a Sigstore keyless bundle (a certificate and a "
				 "transparency log entry): it verifies with --identity and --issuer "
				 "only%s", have_keys ? ", not with a key"
				 : hm_cert_roots_count(t->roots) ? ", not with certificates" : "");
			rc = refuse_method(l, why);
			goto out;
		}
		rc = keyless_leaf(&leaf, &l->subject, sb, t);
		break;
	}
	if (rc == HM_ENOMEM)
		goto out;
	if (rc < 0) {
		rc = refuse_method(l, hm_error_last());
		goto out;
	}
	if (t->threshold > 1) {
		snprintf(why, sizeof(why), "a certificate-signed bundle has one signer: the threshold "
			 "of %zu distinct keys cannot be met", t->threshold);
		rc = refuse_method(l, why);
		goto out;
	}
	if ((rc = hm_keyring_new(&one)) < 0 || (rc = hm_keyring_add(one, leaf)) < 0)
		goto out;
	rc = hm__tline_open(l, sb->envelope, sb->envelope_len, one, 1, is_envelope, nsigs, t);
	if (rc == 0 && l->pub.attestation) {
		/* the certificate's key is trusted through its chain: the publisher's */
		l->pub.publisher_signed = 1;
		l->pub.cert_subject = l->subject;
	}
out:
	hm_keyring_free(one);
	hm_key_free(leaf);
	hm__sigstore_free(sb);
	return rc;
}
