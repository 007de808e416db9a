#!/usr/bin/env python3
"""Test certificates for the certificate signing method, made with python3-cryptography.

    make_certs.py DIR LEAF-KEY.pem

writes into DIR: root.pem (self-signed CA, P-384), int.pem (intermediate CA, P-256, signed by
the root), leaf.pem (for LEAF-KEY's public key, key usage digitalSignature and extended key
usage codeSigning, signed by the intermediate), expired.pem (the same leaf, expired a day
ago), nosign.pem (the same leaf with key usage keyEncipherment only), other-root.pem (an
unrelated CA) and chain.pem (int.pem then root.pem).
"""
import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def cert(subject, pub, issuer, issuer_key, ca, start, end, usage=None, eku=True):
    b = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
         .public_key(pub).serial_number(x509.random_serial_number())
         .not_valid_before(start).not_valid_after(end)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False))
    if ca:
        usage = dict(key_cert_sign=True, crl_sign=True)
    flags = dict(digital_signature=False, content_commitment=False, key_encipherment=False,
                 data_encipherment=False, key_agreement=False, key_cert_sign=False,
                 crl_sign=False, encipher_only=False, decipher_only=False)
    flags.update(usage or {})
    b = b.add_extension(x509.KeyUsage(**flags), critical=True)
    if not ca and eku:
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]),
                            critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def pem(c):
    return c.public_bytes(serialization.Encoding.PEM)


def main(out, leaf_key_path):
    now = datetime.datetime.now(datetime.timezone.utc)
    day = datetime.timedelta(days=1)
    leaf_key = serialization.load_pem_private_key(open(leaf_key_path, "rb").read(), None)
    root_key = ec.generate_private_key(ec.SECP384R1())
    int_key = ec.generate_private_key(ec.SECP256R1())
    other_key = ec.generate_private_key(ec.SECP256R1())
    root = cert("test root", root_key.public_key(), "test root", root_key, True, now - day,
                now + 30 * day)
    inter = cert("test intermediate", int_key.public_key(), "test root", root_key, True,
                 now - day, now + 30 * day)
    pub = leaf_key.public_key()
    sign = dict(digital_signature=True)
    leaf = cert("model publisher", pub, "test intermediate", int_key, False, now - day,
                now + 10 * day, sign)
    expired = cert("model publisher", pub, "test intermediate", int_key, False, now - 10 * day,
                   now - day, sign)
    nosign = cert("model publisher", pub, "test intermediate", int_key, False, now - day,
                  now + 10 * day, dict(key_encipherment=True), eku=False)
    other = cert("other root", other_key.public_key(), "other root", other_key, True, now - day,
                 now + 30 * day)
    files = {"root.pem": pem(root), "int.pem": pem(inter), "leaf.pem": pem(leaf),
             "expired.pem": pem(expired), "nosign.pem": pem(nosign),
             "other-root.pem": pem(other), "chain.pem": pem(inter) + pem(root)}
    for f, data in files.items():
        with open(os.path.join(out, f), "wb") as fh:
            fh.write(data)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
