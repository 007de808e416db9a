#!/usr/bin/env python3
"""A tlog-tiles client written apart from hallmark, reading only exported files.

    tlog_tiles.py DIR VKEY [OLDER-CHECKPOINT]...

DIR is what `hallmark archive export-tiles` wrote, VKEY the log's note verifier
key (NAME+HASH+BASE64). It checks, from the files alone:
  - the checkpoint: its note signature by VKEY (c2sp.org/signed-note; with
    python3-cryptography, else it says so and goes on) and its text
    (c2sp.org/tlog-checkpoint);
  - the tiles (c2sp.org/tlog-tiles): the root they give is the checkpoint's;
  - the entry bundles: each entry hashes to its leaf in the level-0 tiles, and
    each body/<N> is the envelope its entry names by SHA-256;
  - inclusion proofs of several entries, built from the tiles and checked
    with the RFC 9162 algorithm against the checkpoint's root;
  - for each older checkpoint (signed by the same key): a consistency proof
    from its tree to the current one, built from the tiles and checked.
Prints one line per check; exits 1 at the first that fails.
Standard library only (hashlib, base64, json), and cryptography if present.
"""
import base64
import hashlib
import json
import os
import sys

DASH = "\u2014 "


class Fail(Exception):
    pass


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


# ---- signed notes and checkpoints ----

def parse_vkey(vkey):
    name, hash_hex, key64 = vkey.split("+", 2)
    key = base64.b64decode(key64, validate=True)
    if len(key) != 33 or key[0] != 1:
        raise Fail("vkey: not an Ed25519 key")
    key_id = hashlib.sha256(name.encode() + b"\n" + key).digest()[:4]
    if key_id.hex() != hash_hex.lower():
        raise Fail("vkey: the key hash does not match")
    return name, key_id, key[1:]


def open_note(note, vkey):
    """Returns (text, signature checked?) or raises Fail."""
    name, key_id, pub = parse_vkey(vkey)
    split = note.rfind("\n\n")
    if split < 0:
        raise Fail("note: no blank line")
    text, sigs = note[: split + 1], note[split + 2:]
    if not sigs.endswith("\n"):
        raise Fail("note: no signature lines")
    mine = []
    for line in sigs[:-1].split("\n"):
        if not line.startswith(DASH):
            raise Fail("note: malformed signature line %r" % line)
        signer, sig64 = line[len(DASH):].split(" ", 1)
        sig = base64.b64decode(sig64, validate=True)
        if signer == name and sig[:4] == key_id:
            mine.append(sig[4:])
    if not mine:
        raise Fail("note: no signature by %s" % name)
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        from cryptography.exceptions import InvalidSignature
    except ImportError:
        return text, False
    for sig in mine:
        try:
            Ed25519PublicKey.from_public_bytes(pub).verify(sig, text.encode())
        except InvalidSignature:
            raise Fail("note: the signature by %s does not verify" % name)
    return text, True


def parse_checkpoint(text):
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or not lines[0]:
        raise Fail("checkpoint: malformed text")
    size = lines[1]
    if not size.isdigit() or (len(size) > 1 and size[0] == "0"):
        raise Fail("checkpoint: bad tree size")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32:
        raise Fail("checkpoint: the root is not 32 bytes")
    return lines[0], int(size), root


def read_checkpoint(path, vkey):
    with open(path, "rb") as f:
        note = f.read().decode("utf-8")
    text, signed = open_note(note, vkey)
    return parse_checkpoint(text) + (signed,)


# ---- tiles ----

def index_path(n):
    groups = []
    while True:
        groups.append(n % 1000)
        n //= 1000
        if n == 0:
            break
    groups.reverse()
    return "/".join(("x%03d" if i < len(groups) - 1 else "%03d") % g for i, g in enumerate(groups))


class Tiles:
    def __init__(self, top, size):
        self.top, self.size, self.cache, self.nodes = top, size, {}, {}

    def path(self, level_name, n, count):
        """The file of tile n for a level holding count hashes in this tree."""
        width = min(256, count - n * 256)
        p = "%s/%s" % (level_name, index_path(n))
        if width < 256:
            p += ".p/%d" % width
        return os.path.join(self.top, p), width

    def tile(self, L, n):
        key = (L, n)
        if key not in self.cache:
            path, width = self.path("tile/%d" % L, n, self.size >> (8 * L))
            with open(path, "rb") as f:
                data = f.read()
            if len(data) != 32 * width:
                raise Fail("%s: %d bytes, not %d" % (path, len(data), 32 * width))
            self.cache[key] = data
        return self.cache[key]

    def node(self, level, i):
        """The hash of the complete subtree of height level at index i."""
        key = (level, i)
        if key in self.nodes:
            return self.nodes[key]
        if ((i + 1) << level) > self.size:
            raise Fail("no complete subtree (%d, %d) in a tree of %d" % (level, i, self.size))
        if level % 8 == 0:
            t = self.tile(level // 8, i // 256)
            h = t[32 * (i % 256): 32 * (i % 256) + 32]
        else:
            h = node_hash(self.node(level - 1, 2 * i), self.node(level - 1, 2 * i + 1))
        self.nodes[key] = h
        return h

    def mth(self, lo, hi):
        """MTH(D[lo:hi]) from complete subtrees."""
        n = hi - lo
        if n == 0:
            return hashlib.sha256(b"").digest()
        if n & (n - 1) == 0 and lo % n == 0:
            return self.node(n.bit_length() - 1, lo // n)
        k = 1 << ((n - 1).bit_length() - 1)
        return node_hash(self.mth(lo, lo + k), self.mth(lo + k, hi))

    def path_of(self, m, lo, hi):
        """RFC 6962 PATH(m, D[lo:hi])."""
        n = hi - lo
        if n == 1:
            return []
        k = 1 << ((n - 1).bit_length() - 1)
        if m < k:
            return self.path_of(m, lo, lo + k) + [self.mth(lo + k, hi)]
        return self.path_of(m - k, lo + k, hi) + [self.mth(lo, lo + k)]

    def subproof(self, m, lo, hi, b):
        """RFC 6962 SUBPROOF(m, D[lo:hi], b)."""
        n = hi - lo
        if m == n:
            return [] if b else [self.mth(lo, hi)]
        k = 1 << ((n - 1).bit_length() - 1)
        if m <= k:
            return self.subproof(m, lo, lo + k, b) + [self.mth(lo + k, hi)]
        return self.subproof(m - k, lo + k, hi, False) + [self.mth(lo, lo + k)]


# ---- RFC 9162 verification, section 2.1.3.2 and 2.1.4.2 ----

def verify_inclusion(index, size, leaf, path, root):
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_root, second_root, proof):
    if first == second:
        return not proof and first_root == second_root
    if first == 0 or first > second or not proof:
        return False
    if first & (first - 1) == 0:
        proof = [first_root] + proof
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while True:
                    fn >>= 1
                    sn >>= 1
                    if fn & 1 or fn == 0:
                        break
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


# ---- the checks ----

def check_entries(top, tiles, size):
    n = 0
    for b in range((size + 255) // 256):
        path, width = tiles.path("tile/entries", b, size)
        with open(path, "rb") as f:
            data = f.read()
        off = 0
        for i in range(width):
            if off + 2 > len(data):
                raise Fail("%s: ends inside entry %d" % (path, i))
            ln = int.from_bytes(data[off: off + 2], "big")
            entry = data[off + 2: off + 2 + ln]
            if len(entry) != ln:
                raise Fail("%s: entry %d is cut short" % (path, i))
            off += 2 + ln
            idx = b * 256 + i
            if leaf_hash(entry) != tiles.node(0, idx):
                raise Fail("%s: entry %d does not hash to its leaf" % (path, idx))
            fields = json.loads(entry)
            if fields.get("index") != idx:
                raise Fail("entry %d says it is entry %r" % (idx, fields.get("index")))
            with open(os.path.join(top, "body", index_path(idx)), "rb") as f:
                body = f.read()
            if hashlib.sha256(body).hexdigest() != fields.get("body_sha256"):
                raise Fail("body/%s is not the envelope entry %d names" % (index_path(idx), idx))
            n += 1
        if off != len(data):
            raise Fail("%s: %d bytes after the last entry" % (path, len(data) - off))
    return n


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    top, vkey, older = argv[1], argv[2], argv[3:]
    try:
        origin, size, root, signed = read_checkpoint(os.path.join(top, "checkpoint"), vkey)
        print("ok checkpoint: %s, %d entries" % (origin, size))
        print("ok signature: verified" if signed else
              "skip signature: python3-cryptography is absent, the note signature was not checked")
        tiles = Tiles(top, size)
        if tiles.mth(0, size) != root:
            raise Fail("the tiles do not give the checkpoint's root")
        print("ok root: the tiles give the checkpoint's root")
        print("ok entries: %d bundled entries hash to their leaves, their bodies to their entries"
              % check_entries(top, tiles, size))
        for i in sorted({0, size // 2, size - 1, 255, 256, 257} & set(range(size))):
            if not verify_inclusion(i, size, tiles.node(0, i), tiles.path_of(i, 0, size), root):
                raise Fail("inclusion of entry %d does not verify" % i)
            print("ok inclusion: entry %d in the tree of %d" % (i, size))
        for path in older:
            o_origin, m, o_root, _ = read_checkpoint(path, vkey)
            if o_origin != origin:
                raise Fail("%s: origin %s, not %s" % (path, o_origin, origin))
            if m > size:
                raise Fail("%s: a tree of %d is larger than the log's %d" % (path, m, size))
            proof = tiles.subproof(m, 0, size, True) if 0 < m < size else []
            if m == 0:
                good = o_root == hashlib.sha256(b"").digest()
            else:
                good = verify_consistency(m, size, o_root, root, proof)
            if not good:
                raise Fail("%s: no consistency from its tree of %d to the tree of %d"
                           % (path, m, size))
            print("ok consistency: %d -> %d (%d hashes)" % (m, size, len(proof)))
    except (Fail, OSError, ValueError) as e:
        print("not ok: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
