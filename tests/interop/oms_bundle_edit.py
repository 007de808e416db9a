#!/usr/bin/python3
"""Edits a Sigstore bundle (model.sig) into the older or odd shapes a verifier meets, for tests.

    oms_bundle_edit.py IN OUT EDIT...

EDITs, applied in order:
  keyid=absent|empty|null|VALUE   every DSSE signature's keyid
  rawbytes=PUB.pem                publicKey as model_signing before v1.1 wrote it: rawBytes (the
                                  base64 of the PEM text) and keyDetails, no hint
  hint=HEX                        publicKey.hint (and nothing else)
  nopublickey                     publicKey: {}
  media=TYPE                      mediaType
  chainform                       certificate -> x509CertificateChain (v0.1/v0.2 keyless)
  noproof                         drop each tlog entry's inclusionProof (a v0.1 bundle's SET only)
  digests-v01                     the statement in model_signing v0.2's layout: predicateType
                                  https://model_signing/Digests/v0.1, one subject per file (in
                                  reverse order), no predicate (then re-sign it with sign=)
  sign=KEY.pem                    re-sign the payload with an EC private key (ECDSA over the DSSE
                                  PAE, SHA-256/384/512 by curve, as model_signing signs)
Needs python3-cryptography for sign=.
"""
import base64
import json
import sys


def pae(ptype, payload):
    t = ptype.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def sign(b, keyfile):
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    with open(keyfile, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    h = {256: hashes.SHA256(), 384: hashes.SHA384(), 521: hashes.SHA512()}[key.curve.key_size]
    env = b["dsseEnvelope"]
    msg = pae(env["payloadType"], base64.b64decode(env["payload"]))
    sig = key.sign(msg, ec.ECDSA(h))
    for s in env["signatures"]:
        s["sig"] = base64.b64encode(sig).decode()


def main():
    src, dst, edits = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(src, encoding="utf-8") as f:
        b = json.load(f)
    vm = b.get("verificationMaterial", {})
    for e in edits:
        name, _, val = e.partition("=")
        if name == "keyid":
            for s in b["dsseEnvelope"]["signatures"]:
                s.pop("keyid", None)
                if val == "empty":
                    s["keyid"] = ""
                elif val == "null":
                    s["keyid"] = None
                elif val != "absent":
                    s["keyid"] = val
        elif name == "rawbytes":
            with open(val, "rb") as f:
                pem = f.read()
            bits = {b"MHYw": "P384_SHA_384", b"MFkw": "P256_SHA_256", b"MIGb": "P521_SHA_512"}
            det = next((v for k, v in bits.items() if k in pem), "P256_SHA_256")
            vm["publicKey"] = {"rawBytes": base64.b64encode(pem).decode(),
                               "keyDetails": "PKIX_ECDSA_" + det}
        elif name == "hint":
            vm["publicKey"] = {"hint": val}
        elif name == "nopublickey":
            vm["publicKey"] = {}
        elif name == "media":
            b["mediaType"] = val
        elif name == "chainform":
            vm["x509CertificateChain"] = {"certificates": [vm.pop("certificate")]}
        elif name == "noproof":
            for t in vm["tlogEntries"]:
                t.pop("inclusionProof", None)
        elif name == "digests-v01":
            env = b["dsseEnvelope"]
            st = json.loads(base64.b64decode(env["payload"]))
            subjects = [{"name": r["name"], "digest": {r["algorithm"]: r["digest"]}}
                        for r in reversed(st["predicate"]["resources"])]
            st = {"_type": "https://in-toto.io/Statement/v1", "subject": subjects,
                  "predicateType": "https://model_signing/Digests/v0.1"}
            env["payload"] = base64.b64encode(json.dumps(st).encode()).decode()
        elif name == "sign":
            sign(b, val)
        else:
            sys.exit(f"unknown edit {e}")
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(b, f, indent=2)


if __name__ == "__main__":
    main()
