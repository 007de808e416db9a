/*
 * libFuzzer harness: Sigstore bundle JSON (model_signing's model.sig and
 * hallmark's own) through the whole trust decision: hm_bundle_parse, the
 * Sigstore reader, the X.509 chain check against a fixed root and the ECDSA
 * verification with a fixed key, and hm_attestation_inspect for display.
 * Whatever the input, a line is trusted only through the key or the root.
 */
#include "hallmark.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A P-256 key and a self-signed certificate for it (CN=fuzz root), made for this harness. */
static const char key_pem[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEE9zmSXPIjVAoH5GwL7snry/uuZgV\n"
	"CQ2BIzHC2C37c3qQMaJQfrlrfV70vci0WK7ZiNNNR4/Bhoaf1tpJM9Wgjw==\n"
	"-----END PUBLIC KEY-----\n";
static const char root_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBjzCCATWgAwIBAgIUDvbyutKCbvwj29QoCQH6xFPNjsUwCgYIKoZIzj0EAwIw\n"
	"FDESMBAGA1UEAwwJZnV6eiByb290MCAXDTI2MTIwNzE4NDkxOFoYDzIxMjYxMTEz\n"
	"MTg0OTE4WjAUMRIwEAYDVQQDDAlmdXp6IHJvb3QwWTATBgcqhkjOPQIBBggqhkjO\n"
	"PQMBBwNCAAQT3OZJc8iNUCgfkbAvuyevL+65mBUJDYEjMcLYLftzepAxolB+uWt9\n"
	"XvS9yLRYrtmI001Hj8GGhp/W2kkz1aCPo2MwYTAdBgNVHQ4EFgQUA8ElLGrCedjq\n"
	"LBC1BAGDuDvVgmAwHwYDVR0jBBgwFoAUA8ElLGrCedjqLBC1BAGDuDvVgmAwDwYD\n"
	"VR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAoQwCgYIKoZIzj0EAwIDSAAwRQIh\n"
	"ALKoEZvynQez0xdI0Hc1rKeuenVlLPjmiOGF0tO6SasVAiBQlyMZegOX0cPr4jVh\n"
	"FZF18IGslLoq91xwX7eGSLGtSw==\n"
	"-----END CERTIFICATE-----\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hm_trust_options to = HM_TRUST_OPTIONS_INIT;
	hm_trusted_bundle *tb = NULL;
	hm_cert_roots *roots = NULL;
	hm_keyring *kr = NULL;
	hm_bundle *b = NULL;
	hm_key *k = NULL;
	size_t i;

	if (hm_key_parse(&k, key_pem, sizeof(key_pem) - 1, "key", NULL, NULL) != 0 ||
	    hm_keyring_new(&kr) != 0 || hm_keyring_add(kr, k) != 0 ||
	    hm_cert_roots_new(&roots) != 0 ||
	    hm_cert_roots_add_pem(roots, root_pem, sizeof(root_pem) - 1, "root") != 0)
		abort();
	if (hm_bundle_parse(&b, (const char *)data, size) == 0) {
		to.keys = kr;
		to.cert_roots = roots;
		to.now = 1900000000; /* within the root's validity, whenever this runs */
		if (hm_trusted_bundle_open(&tb, b, &to) != 0)
			abort();
		for (i = 0; i < hm_trusted_bundle_line_count(tb); i++) {
			const hm_trusted_line *l = hm_trusted_bundle_line(tb, i);
			hm_envelope *env = NULL;
			hm_statement *st = NULL;
			size_t len;
			const char *line = hm_bundle_line(b, i, &len);
			if (l->attestation && (l->nsigners != 1 ||
					       (strcmp(l->signers[0], hm_key_id(k)) != 0)))
				abort(); /* only the fixed key (directly or through the root) signs */
			if (!l->attestation && !l->reason)
				abort();
			hm_attestation_inspect(&env, &st, line, len);
			hm_envelope_free(env);
			hm_statement_free(st);
		}
		hm_trusted_bundle_free(tb);
	}
	hm_bundle_free(b);
	hm_cert_roots_free(roots);
	hm_keyring_free(kr);
	hm_key_free(k);
	return 0;
}
