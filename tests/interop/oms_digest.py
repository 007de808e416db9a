#!/usr/bin/env python3
"""The OMS root digest computed by the reference implementation (the Python
package model_signing), as `model_signing digest` computes it: the manifest of
MODEL through model_signing.hashing.Config, then SHA-256 over the raw resource
digests in manifest order. Prints "sha256:<hex>", then with --json the
resources ([name, digest] pairs) on a second line.

    oms_digest.py MODEL [--ignore REL]... [--no-ignore-git-paths] [--allow-symlinks] [--json]

Ignore paths are relative to MODEL, as hallmark takes them. The package is
found on sys.path, with the directories in $HALLMARK_OMS_REF (colon-separated)
put first; a module named oms_compat found there is imported before
model_signing (for a source tree that needs a shim to import). Exit 3 when
model_signing cannot be imported, 1 when the reference refuses the model.
"""
import argparse
import hashlib
import json
import os
import sys

for p in reversed([d for d in os.environ.get("HALLMARK_OMS_REF", "").split(":") if d]):
    sys.path.insert(0, p)
try:
    try:
        import oms_compat  # noqa: F401
    except ImportError:
        pass
    import model_signing.hashing
except Exception as e:  # not installed, or missing its dependencies
    print(f"model_signing cannot be imported: {e}", file=sys.stderr)
    sys.exit(3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--ignore", action="append", default=[])
    ap.add_argument("--no-ignore-git-paths", action="store_true")
    ap.add_argument("--allow-symlinks", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    try:
        manifest = (
            model_signing.hashing.Config()
            .set_ignored_paths(paths=a.ignore, ignore_git_paths=not a.no_ignore_git_paths)
            .set_allow_symlinks(a.allow_symlinks)
            .hash(a.model)
        )
    except Exception as e:
        print(f"model_signing refused {a.model}: {e}", file=sys.stderr)
        sys.exit(1)
    resources = list(manifest.resource_descriptors())
    root = hashlib.sha256(b"".join(r.digest.digest_value for r in resources)).hexdigest()
    print(f"sha256:{root}")
    if a.json:
        print(json.dumps([[str(r.identifier), r.digest.digest_hex] for r in resources],
                         ensure_ascii=False))


if __name__ == "__main__":
    main()
