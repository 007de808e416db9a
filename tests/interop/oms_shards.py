#!/usr/bin/python3
"""The reference OpenSSF model signing implementation (model_signing, as run by oms-ref) with
the "shards" serialization, which oms-ref's own sign-key and verify-key do not offer:

  oms_shards.py REF_DIR sign MODEL PRIVATE.pem OUT.sig SHARD_SIZE   # writes OUT.sig
  oms_shards.py REF_DIR verify MODEL SIGNATURE PUBLIC.pem           # exit 0: "Verification succeeded"

REF_DIR is the directory of oms-ref (upstream/ and stubs/ below it). The signature file is left
out of the model as model_signing's CLI leaves it out.
"""
import os, pathlib, sys, types

ref = os.path.realpath(sys.argv[1])
sys.path[:0] = [os.path.join(ref, 'stubs'), os.path.join(ref, 'upstream', 'src')]
_pkg = types.ModuleType('model_signing')
_pkg.__path__ = [os.path.join(ref, 'upstream', 'src', 'model_signing')]
sys.modules['model_signing'] = _pkg
from cryptography.hazmat.primitives.asymmetric import types as _ct
if not hasattr(_ct, 'PublicKeyTypes'):
    _ct.PublicKeyTypes = _ct.PUBLIC_KEY_TYPES
from model_signing import hashing
from model_signing._signing import signing, sign_ec_key, sign_sigstore_pb

cmd, model = sys.argv[2], pathlib.Path(sys.argv[3])
if cmd == 'sign':
    key, sig, size = pathlib.Path(sys.argv[4]), pathlib.Path(sys.argv[5]), int(sys.argv[6])
    hc = hashing.Config().use_shard_serialization(shard_size=size)
    hc.set_ignored_paths(paths=[sig], ignore_git_paths=True)
    m = hc.hash(model)
    sign_ec_key.Signer(key).sign(signing.Payload(m)).write(sig)
    print('signed', sig)
elif cmd == 'verify':
    sig, pub = pathlib.Path(sys.argv[4]), pathlib.Path(sys.argv[5])
    expected = sign_ec_key.Verifier(pub).verify(sign_sigstore_pb.Signature.read(sig))
    args = expected.serialization_type
    if args['method'] != 'shards':
        sys.exit('not a shards signature')
    hc = hashing.Config().use_shard_serialization(hashing_algorithm=args['hash_type'],
                                                  shard_size=args['shard_size'],
                                                  allow_symlinks=args['allow_symlinks'],
                                                  ignore_paths=args.get('ignore_paths', []))
    hc.add_ignored_paths(model_path=model, paths=list(args.get('ignore_paths', [])) + [sig])
    if hc.hash(model) != expected:
        print('FAIL: the model does not match the signed manifest')
        sys.exit(1)
    print('Verification succeeded')
else:
    sys.exit(__doc__)
