#!/bin/sh
# A model in the local Hugging Face hub cache (HUB/models--ORG--NAME/snapshots/REV, whose
# files are symbolic links into ../../blobs/): digested as the dereferenced copy it stands
# for, links that leave the repository refused, and `verify ORG/NAME[@REV]` resolved in
# the cache (HF_HUB_CACHE, HF_HOME) without any download.
. tests/cli/lib.sh
cd "$T" || exit 1
unset HF_HUB_CACHE HF_HOME

if ! command -v sha256sum >/dev/null 2>&1 || ! command -v sha1sum >/dev/null 2>&1; then
	skip "hub cache" "sha256sum and sha1sum are needed"
	done_testing
	exit
fi

REV=0123456789abcdef0123456789abcdef01234567
OLD=fedcba9876543210fedcba9876543210fedcba98
# blob REPO SNAPSHOT NAME CONTENT HASHER: a blob named by its hash, linked from the snapshot.
blob() {
	printf '%s' "$4" >tmpblob
	h=$($5 tmpblob | cut -d' ' -f1)
	mkdir -p "$1/blobs" "$(dirname "$1/snapshots/$2/$3")"
	mv tmpblob "$1/blobs/$h"
	up=../..
	case $3 in */*) up=../../..;; esac
	ln -s "$up/blobs/$h" "$1/snapshots/$2/$3"
}
R=hub/models--org--tiny-chat
mkdir -p $R/refs
printf '%s' $REV >$R/refs/main
printf '%s\n' $OLD >$R/refs/v1.0
blob $R $REV model.safetensors 'weights, stored through git-lfs' sha256sum
blob $R $REV config.json '{"model_type":"llama"}' sha1sum
blob $R $REV tokenizer.json '{"version":"1.0"}' sha1sum
blob $R $REV onnx/model.onnx 'an onnx export' sha256sum
blob $R $OLD model.safetensors 'older weights' sha256sum
SNAP=$R/snapshots/$REV

mkdir plain plain/onnx
printf 'weights, stored through git-lfs' >plain/model.safetensors
printf '{"model_type":"llama"}' >plain/config.json
printf '{"version":"1.0"}' >plain/tokenizer.json
printf 'an onnx export' >plain/onnx/model.onnx

PLAIN=$("$HM" digest plain --no-progress 2>/dev/null)
ok "a hub snapshot is digested, its links followed into blobs/" "$HM" digest "$SNAP" --no-progress
is "its digest is that of a plain copy" "$(cat "$T/.out")" "$PLAIN"
cp -rL "$SNAP" deref
is "and of a copy made with cp -L" "$("$HM" digest deref --no-progress 2>/dev/null)" "$PLAIN"

# Not a snapshot by its shape: the same links are refused as before.
mkdir -p fake/models--x/snapshots
cp -a "$SNAP" fake/models--x/snapshots/$REV 2>/dev/null
fails 1 "without blobs/ and refs/ beside it, the links are refused" "$HM" digest \
	fake/models--x/snapshots/$REV --no-progress
like "as symbolic links" "symbolic link" "$T/.err"

# A link that leaves the repository directory: refused, with the reason.
cp -a hub hub2
printf 'secret' >outside.txt
ln -s "$T/outside.txt" hub2/models--org--tiny-chat/snapshots/$REV/leak.txt
fails 1 "a link out of the repository is refused" "$HM" digest \
	hub2/models--org--tiny-chat/snapshots/$REV --no-progress
like "naming the repository and the target" "leak.txt: symbolic link points outside the hub cache repository .*models--org--tiny-chat \(to .*outside.txt\)" "$T/.err"
mkdir -p hub3/models--org--other/blobs
cp -a hub/models--org--tiny-chat hub3/
printf 'other' >hub3/models--org--other/blobs/aa
ln -s ../../../models--org--other/blobs/aa hub3/models--org--tiny-chat/snapshots/$REV/x.bin
fails 1 "a link into another repository of the cache is refused too" "$HM" digest \
	hub3/models--org--tiny-chat/snapshots/$REV --no-progress

# verify ORG/NAME[@REV]: signed from the plain copy, verified from the cache.
"$HM" key generate -o pub --no-passphrase >/dev/null 2>&1
"$HM" attest model plain --no-progress -o m.json 2>/dev/null
"$HM" sign --key pub.key --bundle b.jsonl m.json >/dev/null 2>&1
v() { "$HM" verify "$@" --bundle b.jsonl --key pub.pub --no-progress; }
HF_HUB_CACHE=$T/hub v org/tiny-chat >out 2>err
like "verify org/name resolves the snapshot of main (HF_HUB_CACHE)" \
	"org/tiny-chat is the hub cache snapshot .*/hub/models--org--tiny-chat/snapshots/$REV" err
like "and its files match the signed manifest" "model +the 4 files on disk match the signed manifest" out
HF_HUB_CACHE=$T/hub v org/tiny-chat@main >out 2>err
like "org/name@main resolves the same snapshot" "snapshots/$REV\$" err
HF_HUB_CACHE=$T/hub v org/tiny-chat@$REV >out 2>err
like "org/name@<revision hash> resolves that snapshot" "snapshots/$REV\$" err
HF_HUB_CACHE=$T/hub v org/tiny-chat@v1.0 >out 2>err
like "org/name@<ref> reads refs/<ref>" "snapshots/$OLD\$" err
like "and that older snapshot does not match" "model +the model on disk does not match" out
mkdir -p home/hub && cp -a hub/models--org--tiny-chat home/hub/
HF_HOME=$T/home v org/tiny-chat >out 2>err
like "HF_HOME/hub is used when HF_HUB_CACHE is not set" "$T/home/hub/models--org--tiny-chat/snapshots/$REV" err
HOME=$T/nohome v org/tiny-chat >out 2>err
is "a model not in the cache is exit 2" $? 2
like "naming where it looked" "org/tiny-chat: not in the local hub cache: no $T/nohome/.cache/huggingface/hub/models--org--tiny-chat \(the cache from HOME; nothing is downloaded\)" err
HF_HUB_CACHE=$T/hub v org/tiny-chat@no-such-ref >out 2>err
is "an unknown ref is exit 2" $? 2
like "naming the ref file" "no ref .*/refs/no-such-ref" err
HF_HUB_CACHE=$T/hub v org/tiny-chat@1111111111111111111111111111111111111111 >out 2>err
is "a revision not in the cache is exit 2" $? 2
like "naming the snapshot" "no snapshot .*/snapshots/1111111111111111111111111111111111111111" err
mkdir -p org/tiny-chat && cp -a plain/. org/tiny-chat/
HF_HUB_CACHE=$T/hub v org/tiny-chat >out 2>err
unlike "a local path of that name wins over the hub id" "hub cache snapshot" err
HF_HUB_CACHE=$T/hub v ../etc/passwd >out 2>err
is "a path that is not there and not a hub id stays a missing path (exit 2)" $? 2
unlike "without looking in the hub cache" "hub cache" err
# Nothing in hallmark speaks to the network: no socket or resolver symbol in the binary.
if command -v nm >/dev/null 2>&1; then
	nm -D "$HM" 2>/dev/null | grep -Ew "connect|getaddrinfo|gethostbyname|socket" >net.txt
	is "the binary has no network calls" "$(cat net.txt)" ""
else
	skip "the binary has no network calls" "nm is needed"
fi
done_testing
