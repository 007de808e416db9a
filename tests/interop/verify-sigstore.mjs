#!/usr/bin/env node
// Verifies a Sigstore bundle (v0.3, DSSE envelope, publicKey hint) with sigstore-js's own
// Verifier, trusting one PEM public key and no transparency log, CT log or timestamp authority:
// the way a third-party verifier that only has our public key would check hallmark's export.
//
//   node verify-sigstore.mjs BUNDLE.sigstore.json KEY.pub [--oms]
//
// With --oms the bundle is an OpenSSF model signing one (model_signing's model.sig): the hint
// is the SHA-256 of the key's PEM SubjectPublicKeyInfo text, and the envelope's keyid is not
// required to equal it.
//
// Prints "OK <hint> <payloadType>" and exits 0 when the bundle verifies; prints
// "FAIL: <error>" and exits 1 when it does not; exits 2 on usage errors.
// Install the dependencies first: npm ci --prefix tests/interop
import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { bundleFromJSON } from '@sigstore/bundle';
import { VerificationError, Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

function main(argv) {
  const oms = argv.length === 3 && argv[2] === '--oms';
  if (argv.length !== 2 && !oms) {
    console.error('usage: node verify-sigstore.mjs BUNDLE.json PUBLIC-KEY.pem [--oms]');
    return 2;
  }
  const [bundlePath, keyPath] = argv;
  let bundle, key, keyid;
  try {
    key = createPublicKey(readFileSync(keyPath, 'utf8'));
    // The hint we expect: lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.
    keyid = oms
      ? createHash('sha256').update(key.export({ type: 'spki', format: 'pem' })).digest('hex')
      : createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
  } catch (e) {
    console.error(`FAIL: ${keyPath}: cannot load the public key: ${e.message}`);
    return 2;
  }
  try {
    const json = JSON.parse(readFileSync(bundlePath, 'utf8'));
    bundle = bundleFromJSON(json); // validates the bundle's shape (v0.3 rules)
    // The envelope's keyid must equal the hint (FORMATS.md section 4).
    const env = bundle.content.dsseEnvelope;
    const hint = bundle.verificationMaterial.content.publicKey?.hint;
    if (!env || !hint) throw new Error('not a DSSE bundle with a publicKey hint');
    if (!oms && env.signatures[0].keyid !== hint)
      throw new Error(`envelope keyid ${env.signatures[0].keyid} is not the hint ${hint}`);
  } catch (e) {
    console.log(`FAIL: ${bundlePath}: ${e.message}${e.fields ? ' ' + JSON.stringify(e.fields) : ''}`);
    return 1;
  }

  // Trust material: no CAs, no logs, no TSAs; the one public key, found by its hint.
  const emptyRoot = { certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
  const trust = toTrustMaterial(emptyRoot, (hint) => {
    if (hint !== keyid)
      throw new VerificationError({
        code: 'PUBLIC_KEY_ERROR',
        message: `key not found: ${hint} (trusted: ${keyid})`,
      });
    return { publicKey: key, validFor: () => true };
  });
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  try {
    verifier.verify(toSignedEntity(bundle));
  } catch (e) {
    console.log(`FAIL: ${e.code ? e.code + ': ' : ''}${e.message}`);
    return 1;
  }
  console.log(`OK ${keyid} ${bundle.content.dsseEnvelope.payloadType}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
