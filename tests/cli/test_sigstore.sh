#!/bin/sh
# hallmark bundle export-sigstore: a Sigstore bundle v0.3 that sigstore-js's own
# Verifier accepts with the public key and no transparency log; and DSSE interop
# with openssl (our signatures verify there, openssl's verify here).
. tests/cli/lib.sh
ROOT=$PWD
TOOL=$ROOT/tests/interop/dsse_tool.py
VERIFY=$ROOT/tests/interop/verify-sigstore.mjs
cd "$T" || exit 1
unset HALLMARK_PASSPHRASE

if ! command -v python3 >/dev/null 2>&1; then
	skip "export-sigstore tests" "python3 is needed to read the bundles independently"
	done_testing
	exit
fi
dt() { python3 "$TOOL" "$@"; }

D1=$(printf one | sha256sum | cut -d' ' -f1)
printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"model","digest":{"sha256":"%s"}}],"predicateType":"https://example.com/eval/v1","predicate":{"score":1.25,"text":"caf\\u00e9"}}\n' \
	"$D1" >s1.json
printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"other","digest":{"sha256":"%s"}}],"predicateType":"https://example.com/other/v1"}\n' \
	"$D1" >s2.json
for k in a b; do "$HM" key generate -o $k --no-passphrase >/dev/null 2>&1; done
id_a=$("$HM" key id a.pub) id_b=$("$HM" key id b.pub)
"$HM" sign --key a.key --bundle a.jsonl s1.json s2.json 2>/dev/null
"$HM" sign --key b.key --bundle b.jsonl s1.json 2>/dev/null

# --- the export ----------------------------------------------------------------------
ok "export-sigstore --line 1 -o FILE" "$HM" bundle export-sigstore a.jsonl --line 1 -o a1.sigstore.json
is "the mediaType is the v0.3 bundle's" "$(dt get a1.sigstore.json mediaType)" \
	application/vnd.dev.sigstore.bundle.v0.3+json
is "publicKey.hint is the key id" "$(dt get a1.sigstore.json verificationMaterial.publicKey.hint)" "$id_a"
is "the envelope keyid is the key id" "$(dt get a1.sigstore.json dsseEnvelope.signatures.0.keyid)" "$id_a"
is "no transparency log entries" "$(dt get a1.sigstore.json verificationMaterial.tlogEntries)" '[]'
is "exactly one signature" "$(dt get a1.sigstore.json dsseEnvelope.signatures | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 1
head -n 1 a.jsonl >line1.json
is "the payload is the bundle line's payload" "$(dt get a1.sigstore.json dsseEnvelope.payload)" \
	"$(dt get line1.json payload)"
is "the payloadType is in-toto" "$(dt get a1.sigstore.json dsseEnvelope.payloadType)" application/vnd.in-toto+json
is "the signature is the bundle line's" "$(dt get a1.sigstore.json dsseEnvelope.signatures.0.sig)" \
	"$(dt get line1.json signatures.0.sig)"
"$HM" bundle export-sigstore a.jsonl --line 1 >stdout.json 2>/dev/null
ok "without -o it writes the same to standard output" cmp stdout.json a1.sigstore.json
ok "--line 2 exports the second line" "$HM" bundle export-sigstore a.jsonl -n 2 -o a2.sigstore.json
head -n 2 a.jsonl | tail -n 1 >line2.json
is "with the second payload" "$(dt get a2.sigstore.json dsseEnvelope.payload)" "$(dt get line2.json payload)"
cp a1.sigstore.json keep.json
fails 2 "-o refuses to overwrite without --force" "$HM" bundle export-sigstore a.jsonl --line 2 -o a1.sigstore.json
ok "and leaves the file alone" cmp a1.sigstore.json keep.json
ok "--force overwrites" "$HM" bundle export-sigstore a.jsonl --line 1 -o a1.sigstore.json --force
ok "with the same content" cmp a1.sigstore.json keep.json
fails 2 "--line is required" "$HM" bundle export-sigstore a.jsonl
fails 2 "--line 0 is refused" "$HM" bundle export-sigstore a.jsonl --line 0
fails 2 "a line past the end is refused" "$HM" bundle export-sigstore a.jsonl --line 3
like "saying how many lines there are" 'has 2 lines, no line 3' "$T/.err"
fails 2 "a missing bundle" "$HM" bundle export-sigstore missing.jsonl --line 1
printf '{"payload": nope}\n' >bad.jsonl
fails 1 "a line that is no envelope" "$HM" bundle export-sigstore bad.jsonl --line 1
like "says which line" 'bad\.jsonl line 1' "$T/.err"
# A two-signature envelope holds one signature too many for a Sigstore bundle.
dt merge a.jsonl b.jsonl 1 >two.jsonl
fails 2 "a 2-signature envelope needs --keyid" "$HM" bundle export-sigstore two.jsonl --line 1
like "and says so" 'exactly one signature' "$T/.err"
ok "--keyid picks b's signature" "$HM" bundle export-sigstore two.jsonl --line 1 --keyid "$id_b" -o two-b.json
is "hint b" "$(dt get two-b.json verificationMaterial.publicKey.hint)" "$id_b"
is "with b's signature" "$(dt get two-b.json dsseEnvelope.signatures.0.sig)" \
	"$(head -n 1 b.jsonl >lb.json; dt get lb.json signatures.0.sig)"
fails 2 "--keyid of no signature fails" "$HM" bundle export-sigstore two.jsonl --line 1 --keyid "$(printf '%064d' 0)"

# --- sigstore-js ---------------------------------------------------------------------------
if command -v node >/dev/null 2>&1 && [ -d "$ROOT/tests/interop/node_modules/@sigstore/verify" ]; then
	sjs() { node "$VERIFY" "$@"; }
	ok "sigstore-js verifies the export with the public key, no tlog" sjs a1.sigstore.json a.pub
	like "and prints OK with the hint" "^OK $id_a application/vnd.in-toto\+json$" "$T/.out"
	ok "sigstore-js verifies line 2's export" sjs a2.sigstore.json a.pub
	ok "sigstore-js verifies b's signature picked from a 2-signature envelope" sjs two-b.json b.pub
	dt sigstore-forge flip-payload a1.sigstore.json >forged-payload.json
	fails 1 "sigstore-js rejects a payload with one byte flipped" sjs forged-payload.json a.pub
	like "with a signature error" '^FAIL: SIGNATURE_ERROR' "$T/.out"
	dt sigstore-forge flip-sig a1.sigstore.json >forged-sig.json
	fails 1 "sigstore-js rejects a signature with one byte flipped" sjs forged-sig.json a.pub
	fails 1 "sigstore-js rejects a's export when it trusts only b" sjs a1.sigstore.json b.pub
	like "the key is not found by its hint" 'key not found' "$T/.out"
	dt sigstore-forge "hint=$id_b" a1.sigstore.json >hint-b.json
	fails 1 "a's signature relabelled with b's hint fails with b's key" sjs hint-b.json b.pub
	like "on the signature" 'SIGNATURE_ERROR' "$T/.out"
	dt sigstore-forge no-sigs a1.sigstore.json >nosig.json
	fails 1 "sigstore-js rejects a bundle without signatures" sjs nosig.json a.pub
	if command -v openssl >/dev/null 2>&1; then
		# A key imported from OpenSSL: sigstore-js verifies with OpenSSL's own PEM.
		openssl genpkey -algorithm ed25519 -out o.pem 2>/dev/null
		openssl pkey -in o.pem -pubout -out o.pub
		"$HM" sign --key o.pem --bundle o.jsonl s1.json 2>/dev/null
		"$HM" bundle export-sigstore o.jsonl --line 1 -o o.sigstore.json 2>/dev/null
		ok "sigstore-js verifies an export signed with an OpenSSL key" sjs o.sigstore.json o.pub
	else
		skip "sigstore-js verifies an export signed with an OpenSSL key" "openssl not installed"
	fi
else
	for n in 1 2 3 4 5 6 7 8 9 10 11 12 13; do
		skip "sigstore-js interop $n" "node or tests/interop/node_modules missing: run npm ci --prefix tests/interop"
	done
fi

# --- openssl: our DSSE signatures verify there, and theirs here --------------------------------
if command -v openssl >/dev/null 2>&1; then
	dt pae a.jsonl 1 >pae.bin
	dt sig a.jsonl 1 >sig.bin
	dt payload a.jsonl 1 >payload.bin
	{ printf 'DSSEv1 28 application/vnd.in-toto+json %s ' "$(wc -c <payload.bin | tr -d ' ')"
	  cat payload.bin; } >pae-expected.bin
	ok "the PAE is DSSEv1 SP 28 SP type SP len SP payload" cmp pae.bin pae-expected.bin
	ok "openssl pkeyutl -verify -rawin accepts our signature over the PAE" \
		openssl pkeyutl -verify -rawin -pubin -inkey a.pub -in pae.bin -sigfile sig.bin
	like "openssl says verified" 'Signature Verified Successfully' "$T/.out"
	python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[-2]^=1; open(sys.argv[2],"wb").write(b)' pae.bin pae-bad.bin
	fails 1 "openssl rejects the signature over a changed PAE" \
		openssl pkeyutl -verify -rawin -pubin -inkey a.pub -in pae-bad.bin -sigfile sig.bin
	fails 1 "openssl rejects it with another key" \
		openssl pkeyutl -verify -rawin -pubin -inkey b.pub -in pae.bin -sigfile sig.bin
	# The other way: openssl signs the PAE of a statement; hallmark verifies the envelope.
	openssl genpkey -algorithm ed25519 -out ext.pem 2>/dev/null
	openssl pkey -in ext.pem -pubout -out ext.pub
	dt pae-raw application/vnd.in-toto+json s2.json >ext-pae.bin
	openssl pkeyutl -sign -rawin -inkey ext.pem -in ext-pae.bin -out ext-sig.bin
	dt envelope application/vnd.in-toto+json s2.json ext-sig.bin "" >ext.jsonl
	ok "hallmark verifies an envelope signed by openssl (no keyid)" "$HM" bundle check ext.jsonl --key ext.pub
	like "naming openssl's key" "signed by $("$HM" key id ext.pub)" "$T/.out"
	fails 1 "and rejects it with another key" "$HM" bundle check ext.jsonl --key a.pub
	# The same statement signed by hallmark with the imported key gives openssl's signature
	# bytes only when the payload bytes agree: hallmark signs its canonical form, so compare
	# signatures over hallmark's payload.
	"$HM" sign --key ext.pem --bundle ext2.jsonl s2.json 2>/dev/null
	dt pae ext2.jsonl 1 >ext2-pae.bin
	openssl pkeyutl -sign -rawin -inkey ext.pem -in ext2-pae.bin -out ext2-osig.bin
	dt sig ext2.jsonl 1 >ext2-sig.bin
	ok "hallmark's signature equals openssl's over the same PAE (deterministic Ed25519)" \
		cmp ext2-sig.bin ext2-osig.bin
	# The DSSE spec's key and example: our test PAE builder reproduces the spec's signature
	# (so the checks above rest on a correct PAE), and hallmark uses the spec key as is.
	V=$SHARED/vectors/dsse
	if [ -f "$V/ed25519_private.pem" ] && [ -f "$V/ed25519_public.pem" ]; then
		printf 'hello world' >hello.txt
		dt pae-raw http://example.com/HelloWorld hello.txt >spec-pae.bin
		is "the PAE of the DSSE spec example" "$(cat spec-pae.bin)" \
			'DSSEv1 29 http://example.com/HelloWorld 11 hello world'
		openssl pkeyutl -sign -rawin -inkey "$V/ed25519_private.pem" -in spec-pae.bin -out spec-sig.bin
		is "signed with the spec key it gives the spec's signature" "$(base64 -w0 <spec-sig.bin)" \
			'Z7HstnKF30eJLIybaJP9QVhxJfg6w+M9Pr15pNF321l6Dknz2bJGBSWYGr1Mtfs6mZron3mmv40ajhN3DbN2Aw=='
		# a secret key must be private (mode 0600): sign with a private copy
		cp "$V/ed25519_private.pem" spec-private.pem && chmod 600 spec-private.pem
		ok "hallmark signs with the spec's private key" "$HM" sign --key spec-private.pem --bundle spec.jsonl s1.json
		ok "and verifies with the spec's public key" "$HM" bundle check spec.jsonl --key "$V/ed25519_public.pem"
		dt pae spec.jsonl 1 >spec2-pae.bin
		dt sig spec.jsonl 1 >spec2-sig.bin
		ok "openssl agrees with the spec's public key" \
			openssl pkeyutl -verify -rawin -pubin -inkey "$V/ed25519_public.pem" -in spec2-pae.bin -sigfile spec2-sig.bin
	else
		for n in 1 2 3 4 5; do skip "DSSE spec vector $n" "../shared/vectors/dsse is absent"; done
	fi
else
	for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do skip "openssl interop $n" "openssl not installed"; done
fi

done_testing
