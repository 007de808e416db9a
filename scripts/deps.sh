#!/bin/sh
# Installs the Debian/Ubuntu packages hallmark builds and tests against, only those
# that are missing. Uses sudo only when not root.
set -eu
PKGS="build-essential pkg-config git openssl
libsodium-dev libssl-dev libjansson-dev libgit2-dev libsqlite3-dev libpq-dev libxml2-dev libyaml-dev
libsimdjson-dev libhyperscan-dev libxxhash-dev libsnappy-dev zlib1g-dev libzstd-dev g++
libcmocka-dev sqlite3 libxml2-utils python3 python3-yaml python3-jsonschema clang valgrind
python3-cryptography python3-protobuf python3-typing-extensions"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "deps: need root or sudo to install:$missing" >&2; exit 1; }
	SUDO=sudo
fi
echo "deps: installing$missing"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
