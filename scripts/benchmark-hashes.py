#!/usr/bin/env python3
"""Fill a benchmark registry file's item list from the benchmark's public CSV.

Reads the CSV (quoted fields with commas and newlines, as Python's csv module
parses them), takes each row's prompt, id and category, and writes into the
registry file (hallmark-benchmark(5)) the items with the SHA-256 of each
prompt, the categories' item counts and the item count. The prompt texts
never leave the CSV: the registry gets their digests only.

The digest is taken over the UTF-8 bytes of the prompt exactly as the CSV
field holds it after unquoting (no trimming, no Unicode normalisation), as
`hallmark attest audit` hashes the prompt a record carries.

  scripts/benchmark-hashes.py REGISTRY.json DATA.csv (--prompt COLUMN | --ids-only)
      [--id COLUMN | --id-from-row N] [--category COLUMN | --category-id ID]
      [--where COLUMN=VALUE] [--check]

--id-from-row N numbers the rows (after --where) from N; --category-id puts
every item in one category. --ids-only lists the items without prompt
digests, for a benchmark whose prompt is not one CSV field. --check compares
instead of writing and exits 1 on a difference.
"""
import argparse
import collections
import csv
import hashlib
import json
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("registry")
    ap.add_argument("csv")
    p = ap.add_mutually_exclusive_group(required=True)
    p.add_argument("--prompt")
    p.add_argument("--ids-only", action="store_true")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--id")
    g.add_argument("--id-from-row", type=int)
    c = ap.add_mutually_exclusive_group(required=True)
    c.add_argument("--category")
    c.add_argument("--category-id")
    ap.add_argument("--where", action="append", default=[])
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()

    with open(a.csv, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for w in a.where:
        col, _, val = w.partition("=")
        rows = [r for r in rows if r[col] == val]
    items, seen_ids, seen_digests = [], set(), set()
    for i, r in enumerate(rows):
        item_id = r[a.id] if a.id else str(a.id_from_row + i)
        cat = r[a.category] if a.category else a.category_id
        item = {"id": item_id, "category": cat}
        if not a.ids_only:
            item["prompt_sha256"] = hashlib.sha256(r[a.prompt].encode("utf-8")).hexdigest()
        if item_id in seen_ids or item.get("prompt_sha256") in seen_digests:
            sys.exit("%s: row %d: id %r or its prompt appears twice" % (a.csv, i + 2, item_id))
        seen_ids.add(item_id)
        if not a.ids_only:
            seen_digests.add(item["prompt_sha256"])
        items.append(item)

    with open(a.registry, encoding="utf-8") as f:
        reg = json.load(f, object_pairs_hook=collections.OrderedDict)
    counts = collections.Counter(it["category"] for it in items)
    known = {cat["id"] for cat in reg["categories"]}
    unknown = sorted(set(counts) - known)
    if unknown:
        sys.exit("%s: categories not in %s: %s" % (a.csv, a.registry, ", ".join(unknown)))
    new = collections.OrderedDict(reg)
    new["item_count"] = len(items)
    for cat in new["categories"]:
        cat["item_count"] = counts[cat["id"]]
    new["prompts"]["digests"] = not a.ids_only
    new["items"] = items
    text = dump(new)
    if a.check:
        with open(a.registry, encoding="utf-8") as f:
            same = f.read() == text
        print("%s: %s" % (a.registry, "matches" if same else "differs"))
        sys.exit(0 if same else 1)
    with open(a.registry, "w", encoding="utf-8") as f:
        f.write(text)
    print("%s: %d items in %d categories" % (a.registry, len(items), len(counts)))


def dump(reg):
    """The registry file as the shipped ones are written: one item a line."""
    items = reg.pop("items")
    text = json.dumps(reg, indent=2, ensure_ascii=False)
    lines = ",\n".join("    " + json.dumps(it, ensure_ascii=False) for it in items)
    reg["items"] = items
    return text[:-2] + ',\n  "items": [\n' + lines + "\n  ]\n}\n"


if __name__ == "__main__":
    main()
