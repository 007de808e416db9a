#!/bin/sh
# hallmark verify and bundle check on model_signing's Sigstore keyless samples, offline: the
# keyless verifier (lib/sigstore_keyless.c) reached from the command line through the trust
# layer. Each sample verifies with its identity and issuer, and fails with another identity,
# another issuer, one changed model byte, or a key in place of the identity.
. tests/cli/lib.sh
V=$SHARED/vectors/model-signing
ROOTJSON=$V/sigstore-public-good-trusted_root.json
ID=stefanb@us.ibm.com ISS=https://sigstore.verify.ibm.com/oauth2
cd "$T" || exit 1

if [ ! -f "$ROOTJSON" ]; then
	skip "keyless verification" "no model_signing vectors in ../shared"
	done_testing
	exit
fi

for v in v0.3.1-sigstore v1.0.0-sigstore v1.0.1-sigstore; do
	# the signed files, without the signature and the files the signer ignored
	mkdir -p "$v"
	cp "$V/$v/model.sig" "$v.sig"
	for f in "$V/$v"/*; do
		case ${f##*/} in model.sig | ignore-me) ;; *) cp "$f" "$v/" ;; esac
	done
	model=$v
	ok "$v: verifies with its identity and issuer" \
		"$HALLMARK" verify "$model" --bundle "$v.sig" --identity "$ID" --issuer "$ISS" \
		--trusted-root "$ROOTJSON" --policy integrity
	"$HALLMARK" bundle check "$v.sig" --identity "$ID" --issuer "$ISS" \
		--trusted-root "$ROOTJSON" >out 2>&1
	is "$v: bundle check passes" "$?" 0
	like "$v: bundle check names the identity" "$ID" out
	"$HALLMARK" verify "$model" --bundle "$v.sig" --identity someone@example.com --issuer "$ISS" \
		--trusted-root "$ROOTJSON" --policy integrity >out 2>&1
	is "$v: another identity fails" "$?" 1
	like "$v: the refusal names the identity" "is not someone@example.com" out
	"$HALLMARK" verify "$model" --bundle "$v.sig" --identity "$ID" \
		--issuer https://accounts.example.com --trusted-root "$ROOTJSON" --policy integrity >out 2>&1
	is "$v: another issuer fails" "$?" 1
	[ -f k.pub ] || "$HALLMARK" key generate -o k --no-passphrase >/dev/null 2>&1
	"$HALLMARK" verify "$model" --bundle "$v.sig" --key k.pub --policy integrity >out 2>&1
	is "$v: a key in place of the identity fails" "$?" 1
	like "$v: and says it wants --identity and --issuer" "identity" out
	f=$(ls "$v" | head -n 1)
	printf 'x' >>"$v/$f"
	"$HALLMARK" verify "$model" --bundle "$v.sig" --identity "$ID" --issuer "$ISS" \
		--trusted-root "$ROOTJSON" --policy integrity >out 2>&1
	is "$v: one changed model byte fails" "$?" 1
done
done_testing
