#!/usr/bin/env node
// Verifies a keyless Sigstore bundle (Fulcio certificate, Rekor entry) with sigstore-js's own
// Verifier, offline, against a trusted root file: one transparency log entry and one SCT
// required, the certificate's SAN and OIDC issuer extension equal to the ones given. The
// second, independent verifier beside hallmark's for the same samples.
//
//   node verify-sigstore-keyless.mjs BUNDLE.json TRUSTED_ROOT.json IDENTITY ISSUER
//
// Prints "OK <identity>" and exits 0 when the bundle verifies; prints "FAIL: <error>" and
// exits 1 when it does not; exits 2 on usage errors or an unreadable trusted root.
// Install the dependencies first: npm ci --prefix tests/interop
import { readFileSync } from 'node:fs';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';

function main(argv) {
  if (argv.length !== 4) {
    console.error('usage: node verify-sigstore-keyless.mjs BUNDLE.json TRUSTED_ROOT.json IDENTITY ISSUER');
    return 2;
  }
  const [bundlePath, rootPath, identity, issuer] = argv;
  let trust;
  try {
    trust = toTrustMaterial(TrustedRoot.fromJSON(JSON.parse(readFileSync(rootPath, 'utf8'))));
  } catch (e) {
    console.error(`FAIL: ${rootPath}: cannot load the trusted root: ${e.message}`);
    return 2;
  }
  try {
    const bundle = bundleFromJSON(JSON.parse(readFileSync(bundlePath, 'utf8')));
    const verifier = new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 0 });
    // sigstore-js matches the SAN as a pattern: anchor it so it means equality.
    const esc = identity.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    verifier.verify(toSignedEntity(bundle), {
      subjectAlternativeName: new RegExp(`^${esc}$`),
      extensions: { issuer },
    });
  } catch (e) {
    console.log(`FAIL: ${e.code ? e.code + ': ' : ''}${e.message}`);
    return 1;
  }
  console.log(`OK ${identity}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
