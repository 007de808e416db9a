#!/bin/sh
# Extracts Sigstore's public-good trusted root (trusted_root.json) from the npm
# package @sigstore/tuf, which ships it as the TUF seed of tuf-repo-cdn.sigstore.dev
# (seeds.json), and writes it to OUT once its SHA-256 is the one expected.
#
#   sh scripts/trusted-root.sh OUT SHA256 VERSION [SOURCE]
#
# SOURCE is the package's tarball (npm pack) or unpacked directory, for machines
# without network; without it `npm pack @sigstore/tuf@VERSION` fetches the tarball.
# The file is written whole or not at all. Exit 0 on success, 1 on a mismatch or a
# package without the root, 2 on usage errors or missing tools.
set -eu
[ $# -ge 3 ] && [ $# -le 4 ] || { echo "usage: $0 OUT SHA256 VERSION [TARBALL|DIR]" >&2; exit 2; }
out=$1 want=$2 version=$3 src=${4:-}
command -v python3 >/dev/null 2>&1 || { echo "trusted-root: python3 is needed" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hm-trusted-root-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ -z "$src" ]; then
	command -v npm >/dev/null 2>&1 || {
		echo "trusted-root: npm is needed to fetch @sigstore/tuf@$version (or give its tarball)" >&2
		exit 2
	}
	(cd "$tmp" && npm pack --silent "@sigstore/tuf@$version" >/dev/null) || {
		echo "trusted-root: npm pack @sigstore/tuf@$version failed" >&2
		exit 2
	}
	src=$(ls "$tmp"/*.tgz)
fi
if [ -d "$src" ]; then
	seeds=$src/seeds.json
else
	tar -xzf "$src" -C "$tmp" package/seeds.json 2>/dev/null || {
		echo "trusted-root: $src holds no package/seeds.json" >&2
		exit 1
	}
	seeds=$tmp/package/seeds.json
fi
python3 - "$seeds" "$tmp/trusted_root.json" <<'PY' || exit 1
import base64, json, sys
try:
    seeds = json.load(open(sys.argv[1], encoding="utf-8"))
    text = seeds["https://tuf-repo-cdn.sigstore.dev"]["targets"]["trusted_root.json"]
    data = base64.b64decode(text, validate=True)
except (OSError, ValueError, KeyError, TypeError) as e:
    sys.exit("trusted-root: %s has no trusted_root.json for tuf-repo-cdn.sigstore.dev (%s)" % (sys.argv[1], e))
open(sys.argv[2], "wb").write(data)
PY
got=$(sha256sum "$tmp/trusted_root.json" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
	echo "trusted-root: the trusted root of @sigstore/tuf@$version has SHA-256 $got, not $want" >&2
	exit 1
fi
mkdir -p "$(dirname "$out")"
cp "$tmp/trusted_root.json" "$out.tmp.$$"
mv -f "$out.tmp.$$" "$out"
echo "trusted-root: $out (@sigstore/tuf@$version, sha256 $got)"
