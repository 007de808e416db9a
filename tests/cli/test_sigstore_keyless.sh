#!/bin/sh
# Sigstore keyless, the parts around the library's verifier (tests/unit/test_sigstore_keyless.c):
# scripts/trusted-root.sh, which takes the public-good trusted root out of the npm package
# @sigstore/tuf for `make trusted-root`, refuses anything but the pinned root; the pinned root is
# the one the tests verify with; and sigstore-js, a second verifier, agrees with hallmark's on
# model_signing's keyless samples and on the same refusals.
. tests/cli/lib.sh
ROOT=$PWD
SCRIPT=$ROOT/scripts/trusted-root.sh
VERIFY=$ROOT/tests/interop/verify-sigstore-keyless.mjs
V=$SHARED/vectors/model-signing
PUBLIC_GOOD=$V/sigstore-public-good-trusted_root.json
ID=stefanb@us.ibm.com ISS=https://sigstore.verify.ibm.com/oauth2
cd "$T" || exit 1

if ! command -v python3 >/dev/null 2>&1; then
	skip "keyless tests" "python3 is needed"
	done_testing
	exit
fi

# --- scripts/trusted-root.sh on a package of our own -------------------------------------
# A package laid out as @sigstore/tuf is: package/seeds.json, the root base64 in the seed of
# tuf-repo-cdn.sigstore.dev. The root inside is the fuzz corpus's (keys made for it).
mkdir -p pkg/package
cp "$ROOT/fuzz/corpus/trusted_root/valid" root.json
python3 - root.json pkg/package/seeds.json <<'PY'
import base64, json, sys
root = base64.b64encode(open(sys.argv[1], "rb").read()).decode()
json.dump({"https://tuf-repo-cdn.sigstore.dev": {"root.json": {}, "targets": {"trusted_root.json": root}}},
          open(sys.argv[2], "w"))
PY
tar -czf tuf.tgz -C pkg package
sum=$(sha256sum root.json | cut -d' ' -f1)
ok "the root is taken out of a package tarball" sh "$SCRIPT" out/root.json "$sum" 0.0.0 tuf.tgz
ok "byte for byte" cmp out/root.json root.json
ok "and out of an unpacked package directory" sh "$SCRIPT" dir.json "$sum" 0.0.0 pkg/package
ok "the same" cmp dir.json root.json
fails 1 "a root of another SHA-256 is refused" sh "$SCRIPT" bad.json "$(printf '%064d' 0)" 0.0.0 tuf.tgz
like "saying which it has" "has SHA-256 $sum, not 0{64}" "$T/.err"
ok "and nothing is written" test ! -e bad.json
printf '{}' >pkg/package/seeds.json
tar -czf empty.tgz -C pkg package
fails 1 "a package whose seeds hold no trusted root is refused" sh "$SCRIPT" e.json "$sum" 0.0.0 empty.tgz
like "and says so" "has no trusted_root.json" "$T/.err"
mkdir -p nothing && tar -czf nothing.tgz -C nothing .
fails 1 "a tarball without seeds.json is refused" sh "$SCRIPT" n.json "$sum" 0.0.0 nothing.tgz
fails 2 "usage errors exit 2" sh "$SCRIPT" only-out.json

# The pin of `make trusted-root` is the public-good root the keyless tests verify with.
pinned=$(sed -n 's/^SIGSTORE_ROOT_SHA256 := //p' "$ROOT/Makefile")
if [ -f "$PUBLIC_GOOD" ]; then
	is "make trusted-root pins the public-good root of the test material" \
		"$(sha256sum "$PUBLIC_GOOD" | cut -d' ' -f1)" "$pinned"
else
	skip "the pinned root is the test material's" "$PUBLIC_GOOD is absent"
fi

# --- sigstore-js on the same samples -----------------------------------------------------
if ! [ -f "$PUBLIC_GOOD" ]; then
	skip "sigstore-js keyless cross-check" "$V is absent (no shared test material)"
elif ! command -v node >/dev/null 2>&1 || ! [ -d "$ROOT/tests/interop/node_modules/@sigstore/verify" ]; then
	skip "sigstore-js keyless cross-check" "node and npm ci --prefix tests/interop are needed"
else
	sjs() { node "$VERIFY" "$@"; }
	for s in v0.3.1 v1.0.0 v1.0.1; do
		ok "sigstore-js verifies the $s keyless sample offline" sjs "$V/$s-sigstore/model.sig" \
			"$PUBLIC_GOOD" "$ID" "$ISS"
	done
	fails 1 "sigstore-js refuses another identity" sjs "$V/v1.0.1-sigstore/model.sig" "$PUBLIC_GOOD" \
		someone@example.com "$ISS"
	like "as hallmark does, naming the SAN" 'certificate identity error' "$T/.out"
	fails 1 "sigstore-js refuses another issuer" sjs "$V/v1.0.1-sigstore/model.sig" "$PUBLIC_GOOD" \
		"$ID" https://accounts.google.com
	# The same one-byte changes and trimmed roots as the unit tests.
	python3 - "$V/v1.0.1-sigstore/model.sig" "$PUBLIC_GOOD" <<'PY'
import base64, json, sys
def flip(s, pos):
    b = bytearray(base64.b64decode(s)); b[pos] ^= 1
    return base64.b64encode(bytes(b)).decode()
def write(name, obj):
    json.dump(obj, open(name, "w"))
for what in ("cert", "set", "body", "proof"):
    b = json.load(open(sys.argv[1]))
    vm = b["verificationMaterial"]; e = vm["tlogEntries"][0]
    if what == "cert":
        vm["certificate"]["rawBytes"] = flip(vm["certificate"]["rawBytes"], -1)
    elif what == "set":
        p = e["inclusionPromise"]; p["signedEntryTimestamp"] = flip(p["signedEntryTimestamp"], -3)
    elif what == "body":
        e["canonicalizedBody"] = flip(e["canonicalizedBody"], 40)
    else:
        h = e["inclusionProof"]["hashes"]; h[0] = flip(h[0], 7)
    write("changed-%s.json" % what, b)
for member in ("certificateAuthorities", "ctlogs", "tlogs"):
    r = json.load(open(sys.argv[2])); r[member] = []
    write("root-without-%s.json" % member, r)
PY
	for what in cert set body proof; do
		fails 1 "sigstore-js refuses one changed byte in the $what" sjs changed-$what.json \
			"$PUBLIC_GOOD" "$ID" "$ISS"
	done
	for m in certificateAuthorities ctlogs tlogs; do
		fails 1 "sigstore-js refuses a trusted root without $m" sjs "$V/v1.0.1-sigstore/model.sig" \
			root-without-$m.json "$ID" "$ISS"
	done
fi
done_testing
