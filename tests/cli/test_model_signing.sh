#!/bin/sh
# OpenSSF model signing both ways: the real model_signing signatures in
# ../shared/vectors/model-signing (ECDSA key and X.509 certificate methods, versions v0.3.1,
# v1.0.0, v1.0.1) verify with their documented key or chain and fail after one changed byte,
# with the wrong key and with the wrong chain; ECDSA keys (generate, import, sign, verify);
# `sign --sigstore-bundle` writes bundles the reference verifier (oms-ref), sigstore-js and the
# OMS JSON Schemas accept; a Sigstore bundle and an .intoto.jsonl make one verification; a
# bundle is never verified with another method than it was signed with.
. tests/cli/lib.sh
ROOT=$PWD
V=$SHARED/vectors/model-signing
REF=$SHARED/reference/model-signing/oms-ref
SCHEMAS=$SHARED/design/oms-spec/schemas/v1.0
cd "$T" || exit 1
unset HALLMARK_PASSPHRASE

# --- ECDSA keys ----------------------------------------------------------------------------
for t in ecdsa-p256 ecdsa-p384 ecdsa-p521; do
	ok "key generate --type $t" "$HM" key generate --type "$t" -o "$t" --no-passphrase
	like "$t: the key file names its algorithm" "\"algorithm\": \"$t\"" "$t.key"
	if command -v openssl >/dev/null 2>&1; then
		is "$t: the key id is the SHA-256 of the DER SPKI (as openssl encodes it)" \
			"$("$HM" key id "$t.pub")" \
			"$(openssl pkey -pubin -in "$t.pub" -outform DER | sha256sum | cut -d' ' -f1)"
	fi
	is "$t: the secret key file has the same id" "$("$HM" key id "$t.key")" "$("$HM" key id "$t.pub")"
done
fails 2 "key generate --type rsa is refused" "$HM" key generate --type rsa -o rsa --no-passphrase
like "naming the types" 'ecdsa-p256, ecdsa-p384' "$T/.err"
printf 'correct horse\n' >pass.txt
ok "an encrypted ECDSA key file" "$HM" key generate --type ecdsa-p384 -o enc --passphrase-file pass.txt
like "is encrypted" '"kdf": "argon2id13"' enc.key
if command -v openssl >/dev/null 2>&1; then
	openssl ecparam -genkey -name secp384r1 -out sec1.pem 2>/dev/null
	ok "key import of an OpenSSL EC PRIVATE KEY (with EC PARAMETERS)" \
		"$HM" key import sec1.pem -o sec1 --no-passphrase
	is "keeps the key id" "$("$HM" key id sec1.pub)" \
		"$(openssl ec -in sec1.pem -pubout 2>/dev/null | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1)"
	openssl pkcs8 -topk8 -nocrypt -in sec1.pem -out p8.pem
	ok "key import of a PKCS#8 EC key" "$HM" key import p8.pem -o p8 --no-passphrase
	is "the same key" "$("$HM" key id p8.pub)" "$("$HM" key id sec1.pub)"
	openssl ecparam -genkey -name secp256k1 -out k1.pem 2>/dev/null
	fails 1 "an EC key on another curve is refused" "$HM" key import k1.pem -o k1 --no-passphrase
	like "naming the curve" 'secp256k1 is not supported' "$T/.err"
fi

# --- a model and its statement ----------------------------------------------------------------
mkdir -p model/sub
printf 'weights\n' >model/w.bin
printf 'config\n' >model/sub/c.json
"$HM" attest model model -o model.json --no-progress 2>/dev/null
"$HM" key generate -o ed --no-passphrase >/dev/null 2>&1

# --- sign --sigstore-bundle, key method -------------------------------------------------------
for t in ecdsa-p256 ecdsa-p384 ecdsa-p521 ed; do
	ok "$t: sign --sigstore-bundle" "$HM" sign --key "$t.key" --sigstore-bundle "$t.sig" model.json
	ok "$t: hallmark verify --policy integrity accepts it" \
		"$HM" verify model --bundle "$t.sig" --key "$t.pub" --policy integrity --no-progress
	ok "$t: bundle check accepts it" "$HM" bundle check "$t.sig" --key "$t.pub"
done
fails 1 "a P-256 bundle fails with a P-384 key" \
	"$HM" verify model --bundle ecdsa-p256.sig --key ecdsa-p384.pub --policy integrity --no-progress
python3 - ecdsa-p384.sig ecdsa-p384.pub <<'PY' >hint.out
import base64, hashlib, json, sys
b = json.load(open(sys.argv[1]))
print(b["verificationMaterial"]["publicKey"]["hint"] == hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest())
print(b["mediaType"], b["verificationMaterial"]["tlogEntries"])
PY
is "publicKey.hint is the SHA-256 of the PEM public key, as model_signing computes it" \
	"$(cat hint.out)" "True
application/vnd.dev.sigstore.bundle.v0.3+json []"
cp ecdsa-p384.sig keep.sig
fails 2 "--sigstore-bundle does not overwrite without --force" \
	"$HM" sign --key ecdsa-p384.key --sigstore-bundle ecdsa-p384.sig model.json
fails 2 "--sigstore-bundle signs exactly one statement" \
	"$HM" sign --key ecdsa-p384.key --sigstore-bundle two.sig model.json model.json
fails 2 "--bundle and --sigstore-bundle do not go together" \
	"$HM" sign --key ecdsa-p384.key --bundle x.jsonl --sigstore-bundle two.sig model.json
"$HM" sign --key enc.key --passphrase-file pass.txt --sigstore-bundle enc.sig model.json 2>/dev/null
ok "an encrypted ECDSA key signs" "$HM" bundle check enc.sig --key enc.pub

# One changed byte in a model file; a forged signature.
cp -r model changed
printf 'weightz\n' >changed/w.bin
fails 1 "one changed byte in a model file fails the model check" \
	"$HM" verify changed --bundle ecdsa-p384.sig --key ecdsa-p384.pub --policy integrity --no-progress
like "naming the file" 'changed: w.bin' "$T/.out"
python3 - ecdsa-p384.sig forged.sig <<'PY'
import base64, json, sys
b = json.load(open(sys.argv[1]))
s = bytearray(base64.b64decode(b["dsseEnvelope"]["signatures"][0]["sig"]))
s[-3] ^= 1
b["dsseEnvelope"]["signatures"][0]["sig"] = base64.b64encode(bytes(s)).decode()
json.dump(b, open(sys.argv[2], "w"))
PY
fails 1 "a signature with one flipped byte fails" "$HM" bundle check forged.sig --key ecdsa-p384.pub

# The reference verifier (model_signing itself).
if [ -x "$REF" ] && /usr/bin/python3 -c 'import cryptography, google.protobuf, typing_extensions' 2>/dev/null; then
	for t in ecdsa-p256 ecdsa-p384 ecdsa-p521; do
		(cd model && "$REF" verify-key . "../$t.sig" "../$t.pub") >"$T/.out" 2>"$T/.err"
		is "$t: model_signing (oms-ref verify-key) accepts hallmark's model.sig" "$?" 0
	done
	(cd changed && "$REF" verify-key . ../ecdsa-p384.sig ../ecdsa-p384.pub) >/dev/null 2>&1
	is "and refuses it for the changed model" "$?" 1
	(cd model && "$REF" verify-key . ../ecdsa-p384.sig ../ecdsa-p256.pub) >/dev/null 2>&1
	is "and with another key" "$?" 1
	if command -v openssl >/dev/null 2>&1; then
		"$REF" sign-key model p8.pem ref.sig >/dev/null 2>&1
		ok "a model.sig oms-ref signed verifies in hallmark" \
			"$HM" verify model --bundle ref.sig --key p8.pub --policy integrity --no-progress
	fi
else
	for n in 1 2 3 4 5 6; do
		skip "oms-ref interop $n" "$REF or python3-cryptography, python3-protobuf, python3-typing-extensions missing"
	done
fi

# sigstore-js: verifies DSSE ECDSA signatures with SHA-256 whatever the curve (Node's default
# digest for EC keys), so of the curves model_signing signs, it takes P-256 (SHA-256).
if command -v node >/dev/null 2>&1 && [ -d "$ROOT/tests/interop/node_modules/@sigstore/verify" ]; then
	"$HM" key public ecdsa-p256.pub >p256.pem
	ok "sigstore-js verifies hallmark's P-256 model.sig with the public key" \
		node "$ROOT/tests/interop/verify-sigstore.mjs" ecdsa-p256.sig p256.pem --oms
	"$HM" key public ecdsa-p384.pub >p384.pem
	fails 1 "and refuses it with another key" \
		node "$ROOT/tests/interop/verify-sigstore.mjs" ecdsa-p256.sig p384.pem --oms
else
	skip "sigstore-js interop 1" "node or tests/interop/node_modules missing: run npm ci --prefix tests/interop"
	skip "sigstore-js interop 2" "node or tests/interop/node_modules missing"
fi

# --- the certificate method -----------------------------------------------------------------
if command -v openssl >/dev/null 2>&1 && python3 -c 'import cryptography' 2>/dev/null; then
	mkdir pki
	python3 "$ROOT/tests/interop/make_certs.py" pki p8.pem
	ok "sign --signing-cert --cert-chain writes the certificate method's bundle" \
		"$HM" sign --key p8.key --sigstore-bundle cert.sig --signing-cert pki/leaf.pem \
		--cert-chain pki/int.pem --cert-chain pki/root.pem model.json
	python3 - cert.sig pki/leaf.pem pki/int.pem pki/root.pem <<'PY' >chain.out
import base64, json, ssl, sys
b = json.load(open(sys.argv[1]))
got = [c["rawBytes"] for c in b["verificationMaterial"]["x509CertificateChain"]["certificates"]]
want = [base64.b64encode(ssl.PEM_cert_to_DER_cert(open(f).read())).decode() for f in sys.argv[2:]]
print(got == want, "publicKey" in b["verificationMaterial"])
PY
	is "x509CertificateChain holds the leaf first, then the chain as given" "$(cat chain.out)" "True False"
	ok "verify --cert-chain ROOT accepts it" \
		"$HM" verify model --bundle cert.sig --cert-chain pki/root.pem --policy integrity --no-progress
	like "printing the certificate's subject" 'signed by a trusted certificate: "CN=model publisher"' "$T/.out"
	ok "bundle check --cert-chain accepts it" "$HM" bundle check cert.sig --cert-chain pki/root.pem
	like "printing the subject" 'certificate subject: CN=model publisher' "$T/.out"
	fails 1 "a wrong chain (another root) fails" \
		"$HM" verify model --bundle cert.sig --cert-chain pki/other-root.pem --policy integrity --no-progress
	like "saying why" 'certificate chain does not verify at [0-9TZ:-]* \(now\): self-signed certificate in certificate chain' "$T/.out"
	fails 1 "a changed model fails" \
		"$HM" verify changed --bundle cert.sig --cert-chain pki/root.pem --policy integrity --no-progress
	fails 1 "a certificate bundle given only a key is refused (another method)" \
		"$HM" bundle check cert.sig --key p8.pub
	like "saying which method it needs" 'X.509 certificate chain.*--cert-chain.*not with a key' "$T/.out"
	fails 1 "a key bundle given only a certificate chain is refused" \
		"$HM" bundle check ecdsa-p256.sig --cert-chain pki/root.pem
	like "saying so" 'signed with a public key.*not with certificates' "$T/.out"
	"$HM" sign --key p8.key --sigstore-bundle expired.sig --signing-cert pki/expired.pem \
		--cert-chain pki/chain.pem model.json 2>/dev/null
	fails 1 "an expired signing certificate is refused" \
		"$HM" bundle check expired.sig --cert-chain pki/root.pem
	like "as expired" 'certificate has expired' "$T/.out"
	"$HM" sign --key p8.key --sigstore-bundle nosign.sig --signing-cert pki/nosign.pem \
		--cert-chain pki/chain.pem model.json 2>/dev/null
	fails 1 "a certificate that may not sign is refused" \
		"$HM" bundle check nosign.sig --cert-chain pki/root.pem
	like "naming the usages" 'digitalSignature.*codeSigning' "$T/.out"
	fails 2 "a signing certificate for another key is refused when signing" \
		"$HM" sign --key ecdsa-p256.key --sigstore-bundle bad.sig --signing-cert pki/leaf.pem model.json
	like "saying so" 'is not for this key' "$T/.err"
	fails 2 "--cert-chain of a file without certificates is a usage error" \
		"$HM" bundle check cert.sig --cert-chain model.json
else
	for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21; do
		skip "certificate method $n" "openssl or python3-cryptography missing"
	done
fi

# --- the OMS JSON Schemas --------------------------------------------------------------------
# (tests/cli/test_oms_edge.sh validates every kind of bundle hallmark writes; these are the ones
# made here.)
rc=3 # the validator's "cannot validate" status
if [ -d "$SCHEMAS" ]; then
	/usr/bin/python3 "$ROOT/tests/interop/oms_schema.py" "$SCHEMAS" ed.sig >schema.out 2>&1
	rc=$?
fi
if [ "$rc" -ne 3 ]; then
	for f in ecdsa-p256.sig ecdsa-p521.sig ed.sig cert.sig; do
		[ -f "$f" ] || continue
		/usr/bin/python3 "$ROOT/tests/interop/oms_schema.py" "$SCHEMAS" "$f" >schema.out 2>&1
		is "$f validates against the OMS bundle schema$(grep -v '^ok' schema.out | head -n 1 | sed 's/^/: /')" "$?" 0
	done
else
	skip "bundles validate against the OMS schemas" "python3-jsonschema (make deps) or $SCHEMAS missing"
fi

# --- several bundles make one verification ----------------------------------------------------
"$HM" attest model model --name second -o second.json --no-progress 2>/dev/null
"$HM" sign --key ed.key --bundle aud.intoto.jsonl second.json 2>/dev/null
ok "a model.sig and an .intoto.jsonl verify together" \
	"$HM" verify model --bundle ecdsa-p384.sig --bundle aud.intoto.jsonl \
	--key ecdsa-p384.pub --key ed.pub --policy integrity --no-progress -v
like "both lines are trusted" 'all 2 attestations are signed by trusted keys' "$T/.out"
like "the second named with its file" 'line 2 \(aud.intoto.jsonl line 1\)' "$T/.out"
fails 1 "without the second file's key, the verification fails" \
	"$HM" verify model --bundle ecdsa-p384.sig --bundle aud.intoto.jsonl \
	--key ecdsa-p384.pub --policy integrity --no-progress
ok "bundle check takes several files" "$HM" bundle check ecdsa-p384.sig aud.intoto.jsonl \
	--key ecdsa-p384.pub --key ed.pub
"$HM" bundle check ecdsa-p384.sig aud.intoto.jsonl --key ecdsa-p384.pub --key ed.pub --json >both.json
like "its JSON names the method and the file" '"source":"aud.intoto.jsonl","sourceLine":1,"method":"key"' both.json

# --- the integrity policy ------------------------------------------------------------------------
fails 1 "the default policy asks for more than a model.sig holds" \
	"$HM" verify model --bundle ecdsa-p384.sig --key ecdsa-p384.pub --no-progress
like "(provenance, audit)" 'FAIL  provenance' "$T/.out"
ok "--policy integrity asks only for signatures and the model" \
	"$HM" verify model --bundle ecdsa-p384.sig --key ecdsa-p384.pub --policy integrity --no-progress
like "saying which policy" 'policy: integrity' "$T/.out"
fails 1 "--policy integrity still fails an untrusted signature" \
	"$HM" verify model --bundle ecdsa-p384.sig --key ed.pub --policy integrity --no-progress

# --- the model_signing vectors ---------------------------------------------------------------------
if [ -d "$V" ]; then
	for s in v0.3.1-elliptic-key v1.0.0-elliptic-key v1.0.1-elliptic-key \
		 v0.3.1-certificate v1.0.0-certificate v1.0.1-certificate; do
		case $s in
		*elliptic-key) good="--key $V/keys/signing-key-pub.pem" bad="--key ecdsa-p384.pub" ;;
		*) good="--cert-chain $V/keys/ca-cert.pem" bad="--cert-chain $V/keys/signing-key-cert.pem" ;;
		esac
		# The model: the signed files only (the signature file and the signed ignore paths
		# stay out, as model_signing leaves them out).
		rm -rf "m-$s"
		mkdir "m-$s"
		cp "$V/$s/signme-"* "m-$s/"
		case $s in
		v0.3.1-elliptic-key | v1.0.0-elliptic-key) m="m-$s/signme-1" ;;
		*) m="m-$s" ;;
		esac
		# shellcheck disable=SC2086
		ok "$s: verify --policy integrity with its documented key or chain" \
			"$HM" verify "$m" --bundle "$V/$s/model.sig" $good --policy integrity --no-progress
		# shellcheck disable=SC2086
		ok "$s: bundle check" "$HM" bundle check "$V/$s/model.sig" $good
		case $s in
		*certificate) like "$s: names the signing certificate" 'certificate subject: CN=intermediate-ca' "$T/.out" ;;
		esac
		printf 'x' | dd of="m-$s/signme-1" bs=1 seek=3 conv=notrunc 2>/dev/null
		# shellcheck disable=SC2086
		fails 1 "$s: one changed byte in a model file fails" \
			"$HM" verify "$m" --bundle "$V/$s/model.sig" $good --policy integrity --no-progress
		# shellcheck disable=SC2086
		fails 1 "$s: the wrong key or chain fails" "$HM" bundle check "$V/$s/model.sig" $bad
	done
	fails 1 "a keyless sample given a key is refused (another method)" \
		"$HM" bundle check "$V/v1.0.1-sigstore/model.sig" --key "$V/keys/signing-key-pub.pem"
	like "saying it is keyless" 'keyless bundle.*--identity and --issuer' "$T/.out"
	fails 1 "an elliptic-key sample given only a chain is refused" \
		"$HM" bundle check "$V/v1.0.1-elliptic-key/model.sig" --cert-chain "$V/keys/ca-cert.pem"
	fails 1 "a certificate sample given only the leaf's key is refused" \
		"$HM" bundle check "$V/v1.0.1-certificate/model.sig" --key "$V/keys/signing-key-pub.pem"
	ok "bundle show reads a model_signing bundle" "$HM" bundle show "$V/v1.0.1-certificate/model.sig"
	like "and shows its statement" 'https://model_signing/signature/v1.0' "$T/.out"
else
	skip "model_signing vectors" "$V is absent"
fi

done_testing
