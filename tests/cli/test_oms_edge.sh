#!/bin/sh
# The OMS spec's edge cases for Sigstore bundles (spec sections 4.1 and 11), each with a
# golden case and a forgery: older bundle shapes (publicKey as rawBytes or hint, keyid absent,
# empty or null, media types v0.1 and v0.2, keyless chains as x509CertificateChain, a signed
# entry timestamp without an inclusion proof, model_signing 0.2's Digests/v0.1 statement read
# as the manifest it amounts to); a bundle given another method than it was signed with;
# expired certificates (openssl-made test CAs, the time a chain is checked at); and every
# bundle hallmark writes validating against the OMS JSON Schemas.
. tests/cli/lib.sh
. tests/cli/fixture_pki.sh
ROOT=$PWD
EDIT=$ROOT/tests/interop/oms_bundle_edit.py
SCHEMA=$ROOT/tests/interop/oms_schema.py
V=$SHARED/vectors/model-signing
SPEC=$SHARED/design/oms-spec
TR=$V/sigstore-public-good-trusted_root.json
ID=stefanb@us.ibm.com ISS=https://sigstore.verify.ibm.com/oauth2
cd "$T" || exit 1
unset HALLMARK_PASSPHRASE

if ! command -v openssl >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import cryptography' 2>/dev/null; then
	skip "OMS edge cases" "openssl and /usr/bin/python3 with python3-cryptography are needed"
	done_testing
	exit
fi
edit() { /usr/bin/python3 "$EDIT" "$@"; }
v() { "$HM" verify "$@" --policy integrity --no-progress; }
json() { /usr/bin/python3 -c "import json,sys; b=json.load(open(sys.argv[1])); print($2)" "$1"; }

openssl ecparam -genkey -name secp384r1 -noout -out pub.pem 2>/dev/null
openssl ec -in pub.pem -pubout -out pub.pub 2>/dev/null
openssl ecparam -genkey -name secp384r1 -noout -out evil.pem 2>/dev/null
openssl ec -in evil.pem -pubout -out evil.pub 2>/dev/null
chmod 600 pub.pem evil.pem
mkdir -p model/sub
printf 'weights\n' >model/w.bin
printf 'config\n' >model/sub/c.json
"$HM" attest model model -o model.json --no-progress 2>/dev/null
cp -r model changed && printf 'weightz\n' >changed/w.bin
"$HM" sign --key pub.pem --sigstore-bundle key.sig model.json 2>/dev/null
ok "the key bundle verifies as written" v model --bundle key.sig --key pub.pub

# --- older shapes, key method ------------------------------------------------------------------
for k in absent empty null; do
	edit key.sig "keyid-$k.sig" "keyid=$k"
	ok "keyid $k in the DSSE signature is accepted" v model --bundle "keyid-$k.sig" --key pub.pub
	fails 1 "keyid $k: with another key it fails" v model --bundle "keyid-$k.sig" --key evil.pub
done
edit key.sig keyid-bogus.sig keyid=0123abcd
ok "a keyid naming no key is only a hint: the trusted key decides" \
	v model --bundle keyid-bogus.sig --key pub.pub
edit key.sig keyid-flip.sig keyid=absent sign=evil.pem
fails 1 "keyid absent and the signature another key's: it fails" v model --bundle keyid-flip.sig --key pub.pub
edit key.sig raw.sig rawbytes=pub.pub keyid=null
is "the pre-1.1 shape: publicKey.rawBytes (the PEM text) and keyDetails, no hint" \
	"$(json raw.sig 'sorted(b["verificationMaterial"]["publicKey"]), b["verificationMaterial"]["publicKey"]["keyDetails"]')" \
	"['keyDetails', 'rawBytes'] PKIX_ECDSA_P384_SHA_384"
ok "publicKey.rawBytes instead of hint is accepted" v model --bundle raw.sig --key pub.pub
edit key.sig raw-evil.sig rawbytes=evil.pub sign=evil.pem
fails 1 "an embedded rawBytes key is never trusted: signed by it, the bundle fails with the trusted key" \
	v model --bundle raw-evil.sig --key pub.pub
like "as untrusted" 'not signed by a trusted key' "$T/.out"
ok "(it verifies with that key when the verifier trusts it)" v model --bundle raw-evil.sig --key evil.pub
edit key.sig hint-other.sig hint=00ff
ok "a hint naming another key is only a hint" v model --bundle hint-other.sig --key pub.pub
edit key.sig nokey.sig nopublickey
fails 1 "a publicKey with neither hint nor rawBytes is refused" v model --bundle nokey.sig --key pub.pub
like "saying so" 'publicKey holds neither a hint nor rawBytes' "$T/.out"
/usr/bin/python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); b["verificationMaterial"]["publicKey"]={"rawBytes":"%%%"}; json.dump(b,open(sys.argv[2],"w"))' key.sig badraw.sig
fails 1 "a rawBytes that is not base64 is refused" v model --bundle badraw.sig --key pub.pub
like "saying so" 'publicKey.rawBytes is not base64' "$T/.out"
for n in 1 2; do
	edit key.sig "media0$n.sig" "media=application/vnd.dev.sigstore.bundle+json;version=0.$n"
	ok "media type v0.$n is read" v model --bundle "media0$n.sig" --key pub.pub
	edit "media0$n.sig" "media0$n-evil.sig" sign=evil.pem
	fails 1 "media type v0.$n re-signed by another key fails" v model --bundle "media0$n-evil.sig" --key pub.pub
done
edit key.sig media04.sig "media=application/vnd.dev.sigstore.bundle.v0.4+json"
fails 1 "an unknown media type is refused" v model --bundle media04.sig --key pub.pub
like "naming the versions read" 'is not a Sigstore bundle version hallmark reads \(v0.1, v0.2, v0.3\)' "$T/.out"
# model_signing 0.2's layout (predicateType Digests/v0.1, the files as subjects, no predicate;
# OMS spec 5.1, a verifier MAY read it): read as the manifest it amounts to.
edit key.sig v01.sig digests-v01 sign=pub.pem
is "the 0.2 layout: Digests/v0.1, one subject per file, no predicate" \
	"$(json v01.sig '(lambda st: (st["predicateType"], [x["name"] for x in st["subject"]], "predicate" in st))(__import__("json").loads(__import__("base64").b64decode(b["dsseEnvelope"]["payload"])))')" \
	"('https://model_signing/Digests/v0.1', ['w.bin', 'sub/c.json'], False)"
ok "a Digests/v0.1 statement verifies the model (subjects in any order)" v model --bundle v01.sig --key pub.pub
like "the model check passes on it" 'PASS  model       the 2 files on disk match the signed manifest' "$T/.out"
ok "bundle show shows it as signed" "$HM" bundle show v01.sig
like "(Digests/v0.1)" 'Digests/v0.1' "$T/.out"
fails 1 "Digests/v0.1: one changed byte fails" v changed --bundle v01.sig --key pub.pub
like "naming the file" 'changed: w.bin' "$T/.out"
cp -r model extra && printf 'x\n' >extra/new.bin
fails 1 "Digests/v0.1: a file it does not list fails" v extra --bundle v01.sig --key pub.pub
edit key.sig v01-evil.sig digests-v01 sign=evil.pem
fails 1 "Digests/v0.1 signed by another key fails" v model --bundle v01-evil.sig --key pub.pub
/usr/bin/python3 - v01.sig v01-bad.sig <<'PY'
import base64, json, sys
b = json.load(open(sys.argv[1]))
st = json.loads(base64.b64decode(b["dsseEnvelope"]["payload"]))
st["subject"][0]["digest"]["sha512"] = "00" * 64
b["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(st).encode()).decode()
json.dump(b, open(sys.argv[2], "w"))
PY
edit v01-bad.sig v01-bad.sig sign=pub.pem
fails 1 "a Digests/v0.1 subject with two digests is refused" v model --bundle v01-bad.sig --key pub.pub
like "saying so" 'subject\[0\] is not a file name with exactly one sha256 digest' "$T/.out"
/usr/bin/python3 - v01.sig v01-other.sig <<'PY'
import base64, json, sys
b = json.load(open(sys.argv[1]))
st = json.loads(base64.b64decode(b["dsseEnvelope"]["payload"]))
st["predicateType"] = "https://model_signing/ShardDigests/v0.1"
b["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(st).encode()).decode()
json.dump(b, open(sys.argv[2], "w"))
PY
edit v01-other.sig v01-other.sig sign=pub.pem
fails 1 "another 0.2 layout (ShardDigests/v0.1) does not verify the model" v model --bundle v01-other.sig --key pub.pub
like "named as a layout not read" 'ShardDigests/v0.1 is a model_signing 0.2 layout hallmark does not read' "$T/.out"

if [ -d "$V" ]; then
	mkdir m031
	cp "$V/v0.3.1-elliptic-key/signme-1" m031/
	is "model_signing v0.3.1's key bundle: rawBytes, keyDetails, keyid null, no ignore_paths" \
		"$(json "$V/v0.3.1-elliptic-key/model.sig" '"hint" in b["verificationMaterial"]["publicKey"], b["dsseEnvelope"]["signatures"][0]["keyid"], "ignore_paths" in __import__("json").loads(__import__("base64").b64decode(b["dsseEnvelope"]["payload"]))["predicate"]["serialization"]')" \
		"False None False"
	ok "it verifies with its documented key" \
		v m031/signme-1 --bundle "$V/v0.3.1-elliptic-key/model.sig" --key "$V/keys/signing-key-pub.pem"
	edit "$V/v0.3.1-elliptic-key/model.sig" v031-evil.sig rawbytes=evil.pub sign=evil.pem
	fails 1 "re-signed by another key with that key embedded, it fails with the documented key" \
		v m031/signme-1 --bundle v031-evil.sig --key "$V/keys/signing-key-pub.pem"
else
	skip "model_signing v0.3.1 key bundle" "$V is absent"
fi

# --- older shapes, keyless ---------------------------------------------------------------------
if [ -f "$TR" ]; then
	mkdir ks
	cp "$V/v1.0.0-sigstore/signme-1" "$V/v1.0.0-sigstore/signme-2" ks/
	KS=$V/v1.0.0-sigstore/model.sig
	kv() { v ks --identity "$ID" --issuer "$ISS" --trusted-root "$TR" "$@"; }
	edit "$KS" ks-v02.sig chainform "media=application/vnd.dev.sigstore.bundle+json;version=0.2"
	ok "keyless, v0.2 shape (the Fulcio certificate in x509CertificateChain)" kv --bundle ks-v02.sig
	edit "$KS" ks-v01.sig noproof chainform "media=application/vnd.dev.sigstore.bundle+json;version=0.1"
	ok "keyless, v0.1 shape (a signed entry timestamp, no inclusion proof)" kv --bundle ks-v01.sig
	for k in empty absent null; do
		edit "$KS" "ks-keyid-$k.sig" "keyid=$k"
		ok "keyless, keyid $k" kv --bundle "ks-keyid-$k.sig"
	done
	/usr/bin/python3 - ks-v01.sig ks-v01-set.sig ks-v01-time.sig <<'PY'
import base64, json, sys
b = json.load(open(sys.argv[1]))
e = b["verificationMaterial"]["tlogEntries"][0]
s = bytearray(base64.b64decode(e["inclusionPromise"]["signedEntryTimestamp"]))
s[-5] ^= 1
e["inclusionPromise"]["signedEntryTimestamp"] = base64.b64encode(bytes(s)).decode()
json.dump(b, open(sys.argv[2], "w"))
b = json.load(open(sys.argv[1]))
e = b["verificationMaterial"]["tlogEntries"][0]
e["integratedTime"] = str(int(e["integratedTime"]) + 60)
json.dump(b, open(sys.argv[3], "w"))
PY
	fails 1 "v0.1 shape with one flipped byte in the signed entry timestamp fails" kv --bundle ks-v01-set.sig
	fails 1 "v0.1 shape with the integrated time moved a minute fails" kv --bundle ks-v01-time.sig
	fails 1 "v0.2 shape with another identity fails" \
		v ks --bundle ks-v02.sig --identity someone@example.com --issuer "$ISS" --trusted-root "$TR"
else
	skip "older keyless shapes" "$TR is absent"
fi

# --- another method than the bundle's --------------------------------------------------------------
pki_init pki
pki_leaf pki publisher int pub.pem "$(pki_time '-1 hour')" "$(pki_time '+30 days')"
"$HM" sign --key pub.pem --sigstore-bundle cert.sig --signing-cert pki/publisher.pem \
	--cert-chain pki/int.pem --cert-chain pki/root.pem model.json 2>/dev/null
ok "the certificate bundle verifies with its root" v model --bundle cert.sig --cert-chain pki/root.pem
fails 1 "a key bundle given a certificate chain is refused" v model --bundle key.sig --cert-chain pki/root.pem
like "saying it verifies with a key only" 'signed with a public key \(verificationMaterial.publicKey\): it verifies with a trusted key only' "$T/.out"
fails 1 "a certificate bundle given its leaf's key is refused" v model --bundle cert.sig --key pub.pub
like "saying it needs --cert-chain" 'x509CertificateChain\): it verifies with trusted certificates \(--cert-chain\) only, not with a key' "$T/.out"
if [ -f "$TR" ]; then
	fails 1 "a certificate bundle given an identity is refused" \
		v model --bundle cert.sig --identity "$ID" --issuer "$ISS" --trusted-root "$TR"
	like "saying so" '\(--cert-chain\) only, not with an identity' "$T/.out"
	fails 1 "a keyless bundle given a key is refused" v ks --bundle "$KS" --key pub.pub
	like "saying it needs an identity" 'keyless bundle .*: it verifies with --identity and --issuer only, not with a key' "$T/.out"
	fails 1 "a keyless bundle given a certificate chain is refused" \
		v ks --bundle "$KS" --cert-chain "$V/keys/ca-cert.pem"
	like "saying so" '--identity and --issuer only, not with certificates' "$T/.out"
	fails 1 "a key bundle given an identity is refused" \
		v model --bundle key.sig --identity "$ID" --issuer "$ISS" --trusted-root "$TR"
	like "saying so" 'not with certificates or an identity' "$T/.out"
else
	skip "keyless method mismatches" "$TR is absent"
fi

# --- expired certificates -----------------------------------------------------------------------
# A leaf valid for one day: verified now it holds; checked a day after it ends (--at, as a
# certificate bundle records no signing time) it is refused, and before it starts too.
pki_leaf pki day int pub.pem "$(pki_time '-1 hour')" "$(pki_time '+1 day')"
"$HM" sign --key pub.pem --sigstore-bundle day.sig --signing-cert pki/day.pem \
	--cert-chain pki/int.pem model.json 2>/dev/null
ok "a one-day leaf verifies now" v model --bundle day.sig --cert-chain pki/root.pem
like "printing its subject" 'CN=day' "$T/.out"
ok "and an hour from now" v model --bundle day.sig --cert-chain pki/root.pem --at "$(pki_rfc3339 '+1 hour')"
fails 1 "checked two days from now it has expired" \
	v model --bundle day.sig --cert-chain pki/root.pem --at "$(pki_rfc3339 '+2 days')"
like "saying so, and at which time" 'does not verify at [0-9TZ:-]+ \(the verification time given\): certificate has expired' "$T/.out"
fails 1 "checked a day ago it is not yet valid" \
	v model --bundle day.sig --cert-chain pki/root.pem --at "$(pki_rfc3339 '-1 day')"
like "saying so" 'certificate is not yet valid' "$T/.out"
# A leaf that ended in 2020: with no recorded signing time, the time is now.
pki_leaf pki old int pub.pem 20200101000000Z 20200102000000Z
"$HM" sign --key pub.pem --sigstore-bundle old.sig --signing-cert pki/old.pem \
	--cert-chain pki/int.pem model.json 2>/dev/null
fails 1 "a leaf that expired in 2020 is refused (checked now)" v model --bundle old.sig --cert-chain pki/root.pem
like "as expired, now" '\(now\): certificate has expired' "$T/.out"
# A short-lived intermediate CA under a long-lived leaf: the CA's expiry fails the chain.
pki_ca pki shortca root "$(pki_time '-1 hour')" "$(pki_time '+1 day')"
pki_leaf pki undershort shortca pub.pem "$(pki_time '-1 hour')" "$(pki_time '+30 days')"
"$HM" sign --key pub.pem --sigstore-bundle shortca.sig --signing-cert pki/undershort.pem \
	--cert-chain pki/shortca.pem model.json 2>/dev/null
ok "a leaf under a one-day CA verifies now" v model --bundle shortca.sig --cert-chain pki/root.pem
fails 1 "two days from now its CA has expired" \
	v model --bundle shortca.sig --cert-chain pki/root.pem --at "$(pki_rfc3339 '+2 days')"
like "saying so" 'certificate has expired' "$T/.out"
# Keyless: the time is the Rekor entry's, so a Fulcio certificate long expired verifies; the
# same certificate without its log entry is a certificate bundle, checked now, and expired.
if [ -f "$TR" ]; then
	openssl x509 -inform DER -noout -enddate -in "$(json "$KS" 'open("leaf.der","wb").write(__import__("base64").b64decode(b["verificationMaterial"]["certificate"]["rawBytes"])) and "leaf.der"')" >enddate
	like "(the sample's Fulcio certificate expired in 2025)" 'notAfter=.* 2025 GMT' enddate
	ok "a keyless bundle verifies at its entry's integrated time" kv --bundle "$KS"
	/usr/bin/python3 - "$TR" "$KS" <<'PY'
import base64, json, sys, textwrap
r = json.load(open(sys.argv[1]))
with open("fulcio.pem", "w") as f:
    for ca in r["certificateAuthorities"]:
        for c in ca["certChain"]["certificates"]:
            f.write("-----BEGIN CERTIFICATE-----\n" + "\n".join(textwrap.wrap(c["rawBytes"], 64))
                    + "\n-----END CERTIFICATE-----\n")
b = json.load(open(sys.argv[2]))
b["verificationMaterial"]["tlogEntries"] = []
json.dump(b, open("notlog.sig", "w"))
PY
	fails 1 "without its log entry it is a certificate bundle, and refused as keyless" \
		v ks --bundle notlog.sig --identity "$ID" --issuer "$ISS" --trusted-root "$TR"
	fails 1 "given Fulcio's CAs as roots it is checked now, and has expired" \
		v ks --bundle notlog.sig --cert-chain fulcio.pem
	like "saying so" '\(now\): certificate has expired' "$T/.out"
else
	skip "keyless verification time" "$TR is absent"
fi

# --- the OMS JSON Schemas -------------------------------------------------------------------------
/usr/bin/python3 "$SCHEMA" "$SPEC/schemas/v1.0" "$SPEC/test-vectors/v1.0/valid/key.bundle.json" >/dev/null 2>&1
case $? in
3) skip "bundles validate against the OMS schemas" "python3-jsonschema (Debian) is not installed: make deps" ;;
*)
	if [ ! -d "$SPEC/schemas/v1.0" ]; then
		skip "bundles validate against the OMS schemas" "$SPEC is absent"
	else
		ok "the validator accepts the spec's valid vectors" \
			/usr/bin/python3 "$SCHEMA" "$SPEC/schemas/v1.0" "$SPEC"/test-vectors/v1.0/valid/*.json
		for f in "$SPEC"/test-vectors/v1.0/invalid*/*.json; do
			fails 1 "the validator refuses the spec's ${f#"$SPEC"/test-vectors/v1.0/}" \
				/usr/bin/python3 "$SCHEMA" "$SPEC/schemas/v1.0" "$f"
		done
		for t in ecdsa-p256 ecdsa-p521 ed25519; do
			"$HM" key generate --type "$t" -o "$t" --no-passphrase >/dev/null 2>&1
			"$HM" sign --key "$t.key" --sigstore-bundle "w-$t.sig" model.json 2>/dev/null
		done
		"$HM" sign --key ed25519.key --bundle model.intoto.jsonl model.json 2>/dev/null
		"$HM" bundle export-sigstore model.intoto.jsonl --line 1 -o export.sig 2>/dev/null
		for f in key.sig w-ecdsa-p256.sig w-ecdsa-p521.sig w-ed25519.sig cert.sig day.sig export.sig; do
			ok "$f (written by hallmark) validates against the OMS schemas" \
				/usr/bin/python3 "$SCHEMA" "$SPEC/schemas/v1.0" "$f"
		done
		ok "(export.sig verifies too)" v model --bundle export.sig --key ed25519.pub
	fi
	;;
esac
# Sigstore's own bundle schema (protobuf-specs' JSON Schema, self-contained), when one is there.
SB=
for f in "$SHARED"/schemas/sigstore*/*[Bb]undle*.json; do [ -f "$f" ] && SB=$f && break; done
if [ -n "$SB" ] && [ -f export.sig ]; then
	for f in key.sig w-ed25519.sig cert.sig export.sig; do
		ok "$f validates against Sigstore's bundle schema" /usr/bin/python3 -c '
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
jsonschema.validators.validator_for(s)(s).validate(json.load(open(sys.argv[2])))' "$SB" "$f"
	done
else
	skip "the Sigstore bundle schema" "none under $SHARED/schemas (or no jsonschema): the OMS schemas above cover the bundle"
fi

done_testing
