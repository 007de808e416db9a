#!/usr/bin/env python3
"""Fill a benchmark registry file's item list from the benchmark's public CSV.

Reads the CSV (quoted fields with commas and newlines, as Python's csv module
parses them), takes each row's prompt, id and category, and writes into the
registry file (hallmark-benchmark(5)) the items with the SHA-256 of each
prompt, the categories' item counts and the item count. The prompt texts
never leave the CSV: the registry gets their digests only.

The digest is taken over the UTF-8 bytes of the prompt exactly as the
benchmark gives it to the model (no trimming, no Unicode normalisation), as
`hallmark attest audit` hashes the prompt a record carries. With --prompt
the prompt is one CSV field after unquoting. With --prompt-template it is
built from several fields: {COLUMN} stands for the row's field of that
column, {{ and }} for a brace, \\n, \\t and \\\\ for a newline, a tab and a
backslash. Given more than once, the first template whose columns are all
non-empty in the row is used, so that

  --prompt-template '{ContextString}\\n\\n---\\n\\n{Behavior}' --prompt-template '{Behavior}'

is HarmBench's rule: a behavior with a context string is the context, a
blank line, "---", a blank line and the behavior; one without is the
behavior alone.

  scripts/benchmark-hashes.py REGISTRY.json DATA.csv
      (--prompt COLUMN | --prompt-template TEMPLATE... | --ids-only)
      [--id COLUMN | --id-from-row N] [--category COLUMN | --category-id ID]
      [--where COLUMN=VALUE] [--universal-newlines] [--check]

--id-from-row N numbers the rows (after --where) from N; --category-id puts
every item in one category. --ids-only lists the items without prompt
digests. --universal-newlines reads the CSV as Python's text mode does by
default (CR LF and CR become LF, inside quoted fields too), as a benchmark
whose own code opens the file that way sees its prompts. --check compares
instead of writing and exits 1 on a difference. Two rows with the same id or
the same digest are an error naming both rows.
"""
import argparse
import collections
import csv
import hashlib
import json
import string
import sys


def parse_template(text, columns, where):
    """A template as a list of (literal, column-or-None) pairs."""
    out, i = [], 0
    unescaped = []
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            nxt = text[i + 1:i + 2]
            if nxt not in ("n", "t", "\\"):
                sys.exit("%s: --prompt-template %r: unknown escape \\%s (use \\n, \\t or \\\\)"
                         % (where, text, nxt))
            unescaped.append({"n": "\n", "t": "\t", "\\": "\\"}[nxt])
            i += 2
            continue
        unescaped.append(ch)
        i += 1
    try:
        parts = list(string.Formatter().parse("".join(unescaped)))
    except ValueError as e:
        sys.exit("%s: --prompt-template %r: %s" % (where, text, e))
    for literal, field, spec, conv in parts:
        if field is not None:
            if field == "" or spec or conv:
                sys.exit("%s: --prompt-template %r: {%s%s%s} is not a column name"
                         % (where, text, field, "!" + conv if conv else "",
                            ":" + spec if spec else ""))
            if field not in columns:
                sys.exit("%s: --prompt-template %r: no column %r (the columns are %s)"
                         % (where, text, field, ", ".join(columns)))
        out.append((literal, field))
    return out


def build_prompt(templates, row):
    """The first template whose columns are all non-empty in row, filled in; None if none."""
    for t in templates:
        if all(row[f] != "" for _, f in t if f is not None):
            return "".join(lit + (row[f] if f is not None else "") for lit, f in t)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("registry")
    ap.add_argument("csv")
    p = ap.add_mutually_exclusive_group(required=True)
    p.add_argument("--prompt")
    p.add_argument("--prompt-template", action="append")
    p.add_argument("--ids-only", action="store_true")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--id")
    g.add_argument("--id-from-row", type=int)
    c = ap.add_mutually_exclusive_group(required=True)
    c.add_argument("--category")
    c.add_argument("--category-id")
    ap.add_argument("--where", action="append", default=[])
    ap.add_argument("--universal-newlines", action="store_true")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()

    with open(a.csv, encoding="utf-8", newline=None if a.universal_newlines else "") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        columns = reader.fieldnames or []
    for col in [a.prompt, a.id, a.category] + [w.partition("=")[0] for w in a.where]:
        if col is not None and col not in columns:
            sys.exit("%s: no column %r (the columns are %s)" % (a.csv, col, ", ".join(columns)))
    templates = [parse_template(t, columns, a.csv) for t in a.prompt_template or []]
    lines = [i + 2 for i in range(len(rows))]
    for w in a.where:
        col, _, val = w.partition("=")
        keep = [k for k, r in enumerate(rows) if r[col] == val]
        rows, lines = [rows[k] for k in keep], [lines[k] for k in keep]
    items, seen_ids, seen_digests = [], {}, {}
    for i, r in enumerate(rows):
        item_id = r[a.id] if a.id else str(a.id_from_row + i)
        cat = r[a.category] if a.category else a.category_id
        item = {"id": item_id, "category": cat}
        if item_id in seen_ids:
            sys.exit("%s: row %d: id %r is also row %d's" % (a.csv, lines[i], item_id,
                                                             seen_ids[item_id]))
        seen_ids[item_id] = lines[i]
        if not a.ids_only:
            prompt = r[a.prompt] if a.prompt else build_prompt(templates, r)
            if prompt is None:
                sys.exit("%s: row %d: no --prompt-template applies (each needs a column the "
                         "row leaves empty)" % (a.csv, lines[i]))
            digest = hashlib.sha256(prompt.encode("utf-8")).hexdigest()
            if digest in seen_digests:
                sys.exit("%s: row %d: its prompt is also row %d's (SHA-256 %s)"
                         % (a.csv, lines[i], seen_digests[digest], digest))
            seen_digests[digest] = lines[i]
            item["prompt_sha256"] = digest
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
        print("%s: %s (%d items, %d digests)" % (a.registry, "matches" if same else "differs",
                                                 len(items), len(seen_digests)))
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
