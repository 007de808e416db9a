#!/bin/sh
# scripts/oms-conformance-adapter, the OMS conformance suite's client protocol on the hallmark
# CLI: models of our own signed and verified with the key and certificate methods (openssl-made
# EC keys and test CA), the ignore paths in the signed statement, one changed byte, the wrong
# key, the wrong root and the other method failing, keyless signing refused for want of a
# network, keyless verification of model_signing's samples, usage errors; and oms-ref (the
# reference implementation) verifying what the adapter signs and the adapter what it signs.
. tests/cli/lib.sh
. tests/cli/fixture_pki.sh
ROOT=$PWD
A=$ROOT/scripts/oms-conformance-adapter
V=$SHARED/vectors/model-signing
REF=$SHARED/reference/model-signing/oms-ref
cd "$T" || exit 1
T=$(pwd -P) # the protocol's paths are absolute
export HALLMARK="$HM"
unset HALLMARK_TRUSTED_ROOT HALLMARK_STAGING_TRUSTED_ROOT HALLMARK_PASSPHRASE

if ! command -v openssl >/dev/null 2>&1; then
	skip "oms-conformance-adapter" "openssl is needed to make the test keys"
	done_testing
	exit
fi
# The payload of a Sigstore bundle, decoded.
payload() { python3 -c 'import base64,json,sys; sys.stdout.write(base64.b64decode(json.load(open(sys.argv[1]))["dsseEnvelope"]["payload"]).decode())' "$1"; }
has_verify_ignore() { "$HM" verify --help 2>/dev/null | grep -q -- "--ignore-unsigned-files"; }

# --- usage ---------------------------------------------------------------------------------------
fails 2 "no command is a usage error" "$A"
fails 2 "an unknown command" "$A" sign-everything --method key
fails 2 "an unknown method" "$A" sign-model --method pgp --model-path "$T" --output-bundle "$T/x.sig"
like "naming the methods" 'key, certificate or sigstore' "$T/.err"
fails 2 "an unknown option" "$A" verify-model --method key --model-path "$T" --bundle "$T/x" --frobnicate 1
fails 2 "a sign-model option given to verify-model" \
	"$A" verify-model --method key --model-path "$T" --bundle "$T/x" --output-bundle "$T/y"
fails 2 "--private-key is required for the key method" \
	"$A" sign-model --method key --model-path "$T" --output-bundle "$T/x.sig"
fails 2 "--cert-chain is required to verify the certificate method" \
	"$A" verify-model --method certificate --model-path "$T" --bundle "$T/x.sig"
fails 2 "a missing hallmark is named" env HALLMARK="$T/no-such-hallmark" \
	"$A" sign-model --method key --model-path "$T" --output-bundle "$T/x.sig" --private-key "$T/k"
like "saying how to give it" 'set HALLMARK' "$T/.err"
ok "--help prints the protocol" "$A" --help
like "both commands" 'verify-model --method key\|certificate\|sigstore' "$T/.out"

# --- keys, a test CA, a model ----------------------------------------------------------------------
openssl ecparam -genkey -name prime256v1 -noout -out "$T/p256.pem" 2>/dev/null
openssl ec -in "$T/p256.pem" -pubout -out "$T/p256.pub" 2>/dev/null
openssl ecparam -genkey -name secp384r1 -noout -out "$T/p384.pem" 2>/dev/null
openssl ec -in "$T/p384.pem" -pubout -out "$T/p384.pub" 2>/dev/null
chmod 644 "$T/p256.pem" "$T/p384.pem" # as a test suite leaves them: the adapter copies them
pki_init "$T/pki"
pki_leaf "$T/pki" publisher int "$T/p256.pem" "$(pki_time '-1 hour')" "$(pki_time '+30 days')"
pki_init "$T/other"
mkdir -p "$T/model/sub" "$T/model/logs"
printf 'weights\n' >"$T/model/w.bin"
printf '{"a":1}\n' >"$T/model/sub/config.json"
printf 'run 1\n' >"$T/model/logs/run.log"
printf 'scratch\n' >"$T/model/notes.txt"
cp -r "$T/model" "$T/changed"
printf 'weightz\n' >"$T/changed/w.bin"

# --- key method ------------------------------------------------------------------------------------
ok "sign-model --method key (P-256)" "$A" sign-model --method key --model-path "$T/model" \
	--output-bundle "$T/key.sig" --private-key "$T/p256.pem" \
	--ignore-paths "$T/model/logs" --ignore-paths "$T/model/notes.txt" --ignore-paths "$T/elsewhere"
payload "$T/key.sig" >"$T/key.payload"
like "the ignore paths inside the model are in the signed statement" \
	'"ignore_paths":\[[^]]*"logs","notes.txt"\]' "$T/key.payload"
unlike "the one outside the model is not" 'elsewhere' "$T/key.payload"
unlike "nor are the ignored files signed" '"name":"(logs/run.log|notes.txt)"' "$T/key.payload"
ok "verify-model --method key" "$A" verify-model --method key --model-path "$T/model" \
	--bundle "$T/key.sig" --public-key "$T/p256.pub"
like "through hallmark verify --policy integrity" 'policy: integrity' "$T/.out"
fails 1 "one changed byte in a model file fails" "$A" verify-model --method key \
	--model-path "$T/changed" --bundle "$T/key.sig" --public-key "$T/p256.pub"
like "naming the file" 'w.bin' "$T/.out"
fails 1 "the wrong key fails" "$A" verify-model --method key --model-path "$T/model" \
	--bundle "$T/key.sig" --public-key "$T/p384.pub"
fails 1 "a key bundle verified as the certificate method fails" "$A" verify-model \
	--method certificate --model-path "$T/model" --bundle "$T/key.sig" --cert-chain "$T/pki/root.pem"
like "saying it was signed with a key" 'signed with a public key' "$T/.out"
ok "P-384 signs too" "$A" sign-model --method key --model-path "$T/model" \
	--output-bundle "$T/key384.sig" --private-key "$T/p384.pem"
ok "and verifies" "$A" verify-model --method key --model-path "$T/model" \
	--bundle "$T/key384.sig" --public-key "$T/p384.pub"
ok "the private key file is left as it was" test "$(stat -c %a "$T/p256.pem")" = 644
ok "a one-file model signs" "$A" sign-model --method key --model-path "$T/model/w.bin" \
	--output-bundle "$T/one.sig" --private-key "$T/p256.pem"
ok "and verifies" "$A" verify-model --method key --model-path "$T/model/w.bin" \
	--bundle "$T/one.sig" --public-key "$T/p256.pub"
fails 1 "not with another file's bytes" "$A" verify-model --method key \
	--model-path "$T/changed/w.bin" --bundle "$T/one.sig" --public-key "$T/p256.pub"

# --- certificate method ----------------------------------------------------------------------------
ok "sign-model --method certificate (leaf, then intermediate and root)" \
	"$A" sign-model --method certificate --model-path "$T/model" --output-bundle "$T/cert.sig" \
	--private-key "$T/p256.pem" --signing-cert "$T/pki/publisher.pem" \
	--cert-chain "$T/pki/int.pem" --cert-chain "$T/pki/root.pem"
python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["verificationMaterial"]["x509CertificateChain"]["certificates"]))' \
	"$T/cert.sig" >"$T/n"
is "the bundle holds the three certificates" "$(cat "$T/n")" 3
ok "verify-model --method certificate with the root" "$A" verify-model --method certificate \
	--model-path "$T/model" --bundle "$T/cert.sig" --cert-chain "$T/pki/root.pem"
like "naming the publisher" 'CN=publisher' "$T/.out"
ok "several --cert-chain anchors: one of them is enough" "$A" verify-model --method certificate \
	--model-path "$T/model" --bundle "$T/cert.sig" --cert-chain "$T/other/root.pem" \
	--cert-chain "$T/pki/root.pem"
fails 1 "another root fails" "$A" verify-model --method certificate --model-path "$T/model" \
	--bundle "$T/cert.sig" --cert-chain "$T/other/root.pem"
fails 1 "one changed byte fails" "$A" verify-model --method certificate --model-path "$T/changed" \
	--bundle "$T/cert.sig" --cert-chain "$T/pki/root.pem"
fails 1 "a certificate bundle verified as the key method fails, even with the leaf's key" \
	"$A" verify-model --method key --model-path "$T/model" --bundle "$T/cert.sig" \
	--public-key "$T/p256.pub"
like "saying it needs its chain" 'X.509 certificate chain' "$T/.out"
fails 1 "a signing certificate for another key is refused" \
	"$A" sign-model --method certificate --model-path "$T/model" --output-bundle "$T/bad.sig" \
	--private-key "$T/p384.pem" --signing-cert "$T/pki/publisher.pem" --cert-chain "$T/pki/int.pem"
fails 2 "--signing-cert is required for the certificate method" \
	"$A" sign-model --method certificate --model-path "$T/model" --output-bundle "$T/bad.sig" \
	--private-key "$T/p256.pem"

# --- sigstore (keyless) ----------------------------------------------------------------------------
fails 1 "keyless signing fails: it needs a network" "$A" sign-model --method sigstore \
	--model-path "$T/model" --output-bundle "$T/ks.sig" --identity-token tok
like "saying so" 'needs Fulcio and Rekor over the network' "$T/.err"
fails 1 "--use-staging is refused without a staging trusted root" "$A" verify-model \
	--method sigstore --model-path "$T/model" --bundle "$T/key.sig" --identity a@b \
	--identity-provider https://issuer --use-staging
like "saying what is missing" 'HALLMARK_STAGING_TRUSTED_ROOT' "$T/.err"
fails 2 "--identity-provider goes with --identity" "$A" verify-model --method sigstore \
	--model-path "$T/model" --bundle "$T/key.sig" --identity a@b
if [ -f "$V/sigstore-public-good-trusted_root.json" ]; then
	ID=stefanb@us.ibm.com ISS=https://sigstore.verify.ibm.com/oauth2
	mkdir "$T/ks"
	cp "$V/v1.0.0-sigstore/signme-1" "$V/v1.0.0-sigstore/signme-2" "$T/ks/"
	export HALLMARK_TRUSTED_ROOT="$V/sigstore-public-good-trusted_root.json"
	ok "verify-model --method sigstore: model_signing's keyless sample" "$A" verify-model \
		--method sigstore --model-path "$T/ks" --bundle "$V/v1.0.0-sigstore/model.sig" \
		--identity "$ID" --identity-provider "$ISS"
	fails 1 "with another identity it fails" "$A" verify-model --method sigstore \
		--model-path "$T/ks" --bundle "$V/v1.0.0-sigstore/model.sig" \
		--identity someone@example.com --identity-provider "$ISS"
	fails 1 "verified as the key method it fails" "$A" verify-model --method key \
		--model-path "$T/ks" --bundle "$V/v1.0.0-sigstore/model.sig" --public-key "$T/p256.pub"
	like "saying it is keyless" 'keyless bundle' "$T/.out"
	unset HALLMARK_TRUSTED_ROOT
	ok "--use-staging verifies against the staging root given (the public-good one stands in)" \
		env HALLMARK_STAGING_TRUSTED_ROOT="$V/sigstore-public-good-trusted_root.json" "$A" \
		verify-model --method sigstore --model-path "$T/ks" \
		--bundle "$V/v1.0.0-sigstore/model.sig" --identity "$ID" --identity-provider "$ISS" --use-staging
	printf '{}' >"$T/empty-root.json"
	fails 1 "and fails with a staging root that does not hold its CAs" \
		env HALLMARK_STAGING_TRUSTED_ROOT="$T/empty-root.json" "$A" \
		verify-model --method sigstore --model-path "$T/ks" \
		--bundle "$V/v1.0.0-sigstore/model.sig" --identity "$ID" --identity-provider "$ISS" --use-staging
else
	skip "keyless verification through the adapter" "$V is absent"
fi

# --- verify --ignore and --ignore-unsigned-files ---------------------------------------------------
if has_verify_ignore; then
	printf 'new\n' >"$T/model/extra.bin"
	fails 1 "a file the signature does not cover fails" "$A" verify-model --method key \
		--model-path "$T/model" --bundle "$T/key.sig" --public-key "$T/p256.pub"
	ok "--ignore-unsigned-files lets it pass" "$A" verify-model --method key \
		--model-path "$T/model" --bundle "$T/key.sig" --public-key "$T/p256.pub" \
		--ignore-unsigned-files
	ok "--ignore-paths of that file lets it pass" "$A" verify-model --method key \
		--model-path "$T/model" --bundle "$T/key.sig" --public-key "$T/p256.pub" \
		--ignore-paths "$T/model/extra.bin"
	rm "$T/model/extra.bin"
	cp "$T/key.sig" "$T/model/model.sig"
	ok "a bundle inside the model is left out when verifying" "$A" verify-model --method key \
		--model-path "$T/model" --bundle "$T/model/model.sig" --public-key "$T/p256.pub"
	rm "$T/model/model.sig"
else
	for n in 1 2 3 4; do
		skip "verify-model --ignore-paths / --ignore-unsigned-files $n" \
			"this hallmark verify has no --ignore / --ignore-unsigned-files yet"
	done
fi
ok "sign-model leaves a bundle written inside the model out of what it signs" \
	"$A" sign-model --method key --model-path "$T/model" --output-bundle "$T/model/model.sig" \
	--private-key "$T/p256.pem"
payload "$T/model/model.sig" >"$T/in.payload"
like "listing it among the signed ignore paths, as model_signing does" \
	'"ignore_paths":\[[^]]*"model.sig"' "$T/in.payload"
rm "$T/model/model.sig"

# --- the reference implementation ------------------------------------------------------------------
if [ -x "$REF" ] && /usr/bin/python3 -c 'import cryptography, google.protobuf, typing_extensions' 2>/dev/null; then
	(cd "$T/model" && "$REF" verify-key . "$T/key.sig" "$T/p256.pub") >"$T/.out" 2>&1
	is "oms-ref verifies the adapter's key-method bundle (with its signed ignore paths)" "$?" 0
	(cd "$T/model" && "$REF" verify-key . "$T/key384.sig" "$T/p384.pub") >"$T/.out" 2>&1
	is "and its P-384 one" "$?" 0
	(cd "$T/changed" && "$REF" verify-key . "$T/key.sig" "$T/p256.pub") >"$T/.out" 2>&1
	is "and refuses it for the changed model" "$?" 1
	(cd "$T/model" && "$REF" verify-key w.bin "$T/one.sig" "$T/p256.pub") >"$T/.out" 2>&1
	is "oms-ref verifies the one-file model's bundle" "$?" 0
	cp "$T/p384.pem" "$T/ref.pem" && chmod 600 "$T/ref.pem"
	"$REF" sign-key "$T/model" "$T/ref.pem" "$T/ref.sig" --ignore "$T/model/notes.txt" >/dev/null 2>&1
	ok "the adapter verifies a bundle oms-ref signed" "$A" verify-model --method key \
		--model-path "$T/model" --bundle "$T/ref.sig" --public-key "$T/p384.pub"
	fails 1 "and refuses it with another key" "$A" verify-model --method key \
		--model-path "$T/model" --bundle "$T/ref.sig" --public-key "$T/p256.pub"
else
	for n in 1 2 3 4 5 6; do
		skip "oms-ref cross-check $n" "$REF or python3-cryptography, python3-protobuf, python3-typing-extensions missing"
	done
fi

done_testing
