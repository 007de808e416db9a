#!/usr/bin/env python3
"""Independent DSSE helpers for the CLI tests (standard library only).

Reads hallmark bundles (JSON Lines of DSSE envelopes) without using hallmark, so the
tests can check its output and build envelopes, multi-signature envelopes and
forgeries from the outside.

  dsse_tool.py lines BUNDLE              check every line is an envelope; print the count
  dsse_tool.py payload BUNDLE N          the decoded payload of line N (1-based)
  dsse_tool.py pae BUNDLE N              the DSSE pre-authentication encoding of line N
  dsse_tool.py sig BUNDLE N [I]          the raw bytes of signature I (0-based) of line N
  dsse_tool.py keyid BUNDLE N [I]        the keyid of signature I of line N
  dsse_tool.py merge BUNDLE... N         one envelope: line N of the first bundle with the
                                         signatures of line N of every bundle
  dsse_tool.py forge KIND BUNDLE N [ARG] line N changed as KIND says (see FORGERIES)
  dsse_tool.py envelope TYPE PAYLOAD SIG KEYID   an envelope from raw files
  dsse_tool.py pae-raw TYPE PAYLOAD      the PAE of a payload file
  dsse_tool.py get JSONFILE PATH         a value by dotted path (numbers index arrays),
                                         printed as JSON (strings unquoted)
  dsse_tool.py same-json A B             exit 0 when two JSON files hold equal values
  dsse_tool.py sigstore-forge KIND IN    a Sigstore bundle changed as KIND says
"""
import base64
import json
import sys


def b64d(s):
    return base64.b64decode(s, validate=True)


def b64e(b):
    return base64.b64encode(b).decode()


def read_lines(path):
    with open(path, 'rb') as f:
        data = f.read()
    return data.decode('utf-8').splitlines()


def envelope(path, n):
    return json.loads(read_lines(path)[int(n) - 1])


def pae(ptype, payload):
    t = ptype.encode()
    return b'DSSEv1 %d %s %d %s' % (len(t), t, len(payload), payload)


def compact(obj):
    return json.dumps(obj, separators=(',', ':'))


def flip(b, i):
    b = bytearray(b)
    b[i] ^= 0x01
    return bytes(b)


FORGERIES = {
    # the payload with one byte flipped (a real edit to the statement)
    'flip-payload': lambda e, a: {**e, 'payload': b64e(flip(b64d(e['payload']), int(a or 40)))},
    # one byte of the first signature flipped
    'flip-sig': lambda e, a: {**e, 'signatures': [{**e['signatures'][0], 'sig': b64e(
        flip(b64d(e['signatures'][0]['sig']), int(a or 0)))}] + e['signatures'][1:]},
    # the signature list emptied / the field removed
    'no-sigs': lambda e, a: {**e, 'signatures': []},
    'drop-sigs': lambda e, a: {k: v for k, v in e.items() if k != 'signatures'},
    # a signature one byte short
    'short-sig': lambda e, a: {**e, 'signatures': [{**e['signatures'][0], 'sig': b64e(
        b64d(e['signatures'][0]['sig'])[:63])}]},
    # the payloadType changed (it is covered by the signature through the PAE)
    'payload-type': lambda e, a: {**e, 'payloadType': a or 'application/json'},
    # the keyid hint changed to another key's id
    'keyid': lambda e, a: {**e, 'signatures': [{**s, 'keyid': a} for s in e['signatures']]},
    # the first signature repeated (one key counted twice?)
    'dup-sig': lambda e, a: {**e, 'signatures': [e['signatures'][0], e['signatures'][0]]},
    # not a forgery: the same bytes in the URL-safe base64 alphabet (DSSE: accept both)
    'urlsafe': lambda e, a: {**e, 'payload': base64.urlsafe_b64encode(b64d(e['payload'])).decode(),
                             'signatures': [{**s, 'sig': base64.urlsafe_b64encode(b64d(s['sig'])).decode()}
                                            for s in e['signatures']]},
    # the payload replaced by another base64 text (e.g. a different statement)
    'payload': lambda e, a: {**e, 'payload': a},
}


def cmd_lines(path):
    lines = read_lines(path)
    for i, line in enumerate(lines, 1):
        e = json.loads(line)
        if not isinstance(e, dict):
            sys.exit('line %d: not a JSON object' % i)
        for k in ('payload', 'payloadType', 'signatures'):
            if k not in e:
                sys.exit('line %d: no %s' % (i, k))
        b64d(e['payload'])
        for s in e['signatures']:
            if len(b64d(s['sig'])) != 64:
                sys.exit('line %d: a signature is not 64 bytes' % i)
    print(len(lines))


def get(obj, path):
    for part in path.split('.') if path else []:
        obj = obj[int(part)] if isinstance(obj, list) else obj[part]
    return obj


def main(argv):
    out = sys.stdout.buffer
    cmd, args = argv[0], argv[1:]
    if cmd == 'lines':
        cmd_lines(args[0])
    elif cmd == 'payload':
        out.write(b64d(envelope(args[0], args[1])['payload']))
    elif cmd == 'pae':
        e = envelope(args[0], args[1])
        out.write(pae(e['payloadType'], b64d(e['payload'])))
    elif cmd == 'sig':
        e = envelope(args[0], args[1])
        out.write(b64d(e['signatures'][int(args[2]) if len(args) > 2 else 0]['sig']))
    elif cmd == 'keyid':
        e = envelope(args[0], args[1])
        print(e['signatures'][int(args[2]) if len(args) > 2 else 0].get('keyid', ''))
    elif cmd == 'merge':
        n, paths = args[-1], args[:-1]
        first = envelope(paths[0], n)
        sigs = []
        for p in paths:
            e = envelope(p, n)
            if e['payload'] != first['payload'] or e['payloadType'] != first['payloadType']:
                sys.exit('%s line %s: a different payload; cannot merge' % (p, n))
            sigs += e['signatures']
        print(compact({**first, 'signatures': sigs}))
    elif cmd == 'forge':
        kind, path, n = args[0], args[1], args[2]
        print(compact(FORGERIES[kind](envelope(path, n), args[3] if len(args) > 3 else None)))
    elif cmd == 'envelope':
        ptype, payload, sig, keyid = args
        with open(payload, 'rb') as f:
            p = f.read()
        with open(sig, 'rb') as f:
            s = f.read()
        print(compact({'payload': b64e(p), 'payloadType': ptype,
                       'signatures': [{'keyid': keyid, 'sig': b64e(s)}]}))
    elif cmd == 'pae-raw':
        with open(args[1], 'rb') as f:
            out.write(pae(args[0], f.read()))
    elif cmd == 'get':
        with open(args[0], 'rb') as f:
            v = get(json.load(f), args[1])
        print(v if isinstance(v, str) else compact(v))
    elif cmd == 'same-json':
        with open(args[0], 'rb') as f, open(args[1], 'rb') as g:
            sys.exit(0 if json.load(f) == json.load(g) else 1)
    elif cmd == 'sigstore-forge':
        kind, path = args
        with open(path, 'rb') as f:
            b = json.load(f)
        de = b['dsseEnvelope']
        if kind == 'flip-payload':
            de['payload'] = b64e(flip(b64d(de['payload']), 40))
        elif kind == 'flip-sig':
            de['signatures'][0]['sig'] = b64e(flip(b64d(de['signatures'][0]['sig']), 0))
        elif kind.startswith('hint='):
            hint = kind[5:]
            b['verificationMaterial']['publicKey']['hint'] = hint
            de['signatures'][0]['keyid'] = hint
        elif kind == 'no-sigs':
            de['signatures'] = []
        else:
            sys.exit('unknown forgery ' + kind)
        print(compact(b))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
