#!/usr/bin/python3
"""Validates OMS bundles against the OMS v1.0 JSON Schemas (draft 2020-12), as the spec's
validator does: the bundle against bundle.schema.json (envelope.schema.json by reference), then
the DSSE payload, decoded, against statement.schema.json (predicate.schema.json by reference).

    oms_schema.py SCHEMA_DIR BUNDLE...

Prints "ok BUNDLE" or "invalid BUNDLE: reason" per bundle; exits 0 when all are valid, 1 when
any is not, 3 when the jsonschema module cannot validate draft 2020-12 (too old or absent).
Works with jsonschema 4.x both before (RefResolver) and after (referencing) 4.18.
"""
import base64
import json
import sys

try:
    import jsonschema
    Validator = jsonschema.Draft202012Validator
except (ImportError, AttributeError):
    print("python3-jsonschema with draft 2020-12 support is not installed", file=sys.stderr)
    sys.exit(3)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def validator(schemas, top):
    try:
        from referencing import Registry, Resource
    except ImportError:
        store = {s["$id"]: s for s in schemas.values()}
        resolver = jsonschema.RefResolver.from_schema(schemas[top], store=store)
        return Validator(schemas[top], resolver=resolver)
    reg = Registry().with_resources(
        [(s["$id"], Resource.from_contents(s)) for s in schemas.values()])
    return Validator(schemas[top], registry=reg)


def main():
    d = sys.argv[1]
    schemas = {n: load(f"{d}/{n}.schema.json")
               for n in ("bundle", "envelope", "statement", "predicate")}
    for s in schemas.values():
        Validator.check_schema(s)
    bundle_v = validator(schemas, "bundle")
    statement_v = validator(schemas, "statement")
    bad = 0
    for path in sys.argv[2:]:
        try:
            b = load(path)
            err = jsonschema.exceptions.best_match(bundle_v.iter_errors(b))
            where = "bundle"
            if err is None:
                st = json.loads(base64.b64decode(b["dsseEnvelope"]["payload"], validate=True))
                err = jsonschema.exceptions.best_match(statement_v.iter_errors(st))
                where = "statement"
        except (ValueError, KeyError, TypeError) as e:
            print(f"invalid {path}: {e}")
            bad += 1
            continue
        if err is None:
            print(f"ok {path}")
        else:
            loc = "/".join(str(p) for p in err.absolute_path)
            print(f"invalid {path}: {where} at /{loc}: {err.message[:300]}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
