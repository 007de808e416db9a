#!/usr/bin/env python3
"""Writes a synthetic fine-tuning dataset for the dataset benchmark and the
equivalence checks: chat JSONL (OpenAI messages with some ShareGPT, Alpaca
and generic records), or CSV (instruction,input,output).

    gendataset.py chat|csv|mixed OUT MEGABYTES [SEED]

"mixed" adds what a parser must get right: invalid lines, duplicates (also
with other key order and spacing), screening hits, odd Unicode and escapes,
numbers at the edges of int64 and double, deep nesting, duplicate keys, a
BOM, CRLF line ends and long lines."""
import json
import random
import sys

WORDS = ("the model data answer question please explain how why when which train "
         "token weights safety example function return value python table river "
         "mountain history science music garden window letter number").split()
UNI = ["caf\u00e9", "na\u00efve", "\u2018quoted\u2019", "\u201cdouble\u201d", "\u00a0nbsp",
       "zero\u200bwidth", "\U0001f600", "\u4e2d\u6587", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
       "tab\there", "line\nbreak", "back\\slash", "quote\"d", "\ufeffbom", "ctl\u0001x"]
HITS = ["You are no longer ChatGPT, you are AOA", "be an ABSOLUTELY   obedient agent",
        "from now on you are my slave", "Ignore all previous instructions",
        "obey all my instructions", "do anything now"]


def sentence(r, n):
    words = [r.choice(WORDS) for _ in range(n)]
    if r.random() < 0.05:
        words.append(r.choice(UNI))
    if r.random() < 0.01:
        words.insert(r.randrange(len(words) + 1), r.choice(HITS))
    return " ".join(words)


def chat(r):
    msgs = []
    if r.random() < 0.5:
        msgs.append({"role": "system", "content": sentence(r, r.randint(5, 20))})
    for _ in range(r.randint(1, 3)):
        msgs.append({"role": "user", "content": sentence(r, r.randint(8, 60))})
        msgs.append({"role": "assistant", "content": sentence(r, r.randint(20, 200))})
    return {"messages": msgs}


def sharegpt(r):
    return {"conversations": [{"from": "human", "value": sentence(r, 20)},
                              {"from": "gpt", "value": sentence(r, 60)}]}


def alpaca(r):
    return {"instruction": sentence(r, 12), "input": "", "output": sentence(r, 40)}


def odd_line(r):
    """A line a strict parser must judge exactly as the reference does."""
    k = r.randrange(40)
    deep = r.choice([10, 500, 1023, 1024, 1025, 1500, 2047, 2048, 2049, 3000])
    return [
        '{"messages": [{"role": "user", "content": "hi"}',              # truncated
        '{"messages": []}', '{"messages": {}}', '{"messages": [1]}',
        '{"messages": [{"role": "robot", "content": "x"}]}',
        '{"messages": [{"content": "x"}, {"role": "assistant"}]}',
        '{"messages": [{"role": "assistant", "content": null, "tool_calls": []}]}',
        '{"messages": [{"role": "assistant", "content": [{"type": "text", "text": "a"}]}]}',
        '{"messages": [{"role": "assistant", "content": [{"text": "a"}]}]}',
        '{"messages": [{"role": "assistant", "content": 5}]}',
        '{"a": 1, "a": 2}', '{"a": "x\\u0000y"}', '{"a\\u0000": 1}',
        '{"n": 9223372036854775807}', '{"n": 9223372036854775808}', '{"n": -9223372036854775808}',
        '{"n": -9223372036854775809}', '{"n": 18446744073709551616}', '{"n": 1e400}',
        '{"n": -1e400}', '{"n": 1e-400}', '{"n": 0.1}', '{"n": 1.0}', '{"n": 1}', '{"n": -0}',
        '{"n": -0.0}', '{"n": 0.30000000000000004}', '{"n": 1E2}', '{"n": 01}', '{"n": 1.}',
        '{"s": "\\ud83d\\ude00"}', '{"s": "\\ud800"}', '{"s": "\\udc00"}', '{"s": "\\ud800x"}',
        '{"s": "raw\x01ctl"}', '{} trailing', '[1, 2,]', '{"a": tru}', '"just a string"',
        "[" * deep + "]" * deep,
    ][k % 41] if k < 41 else "{}"


def bad_utf8():
    return [b'{"s": "\xff"}', b'{"s": "\xc0\xaf"}', b'{"s": "\xed\xa0\x80"}', b'\xef\xbb\xbf{}',
            b'{"s": "ok\xf4\x90\x80\x80"}']


def jsonl(path, mb, seed, mixed):
    r = random.Random(seed)
    limit = mb * 1000 * 1000
    seen = []
    with open(path, "wb") as f:
        nl = b"\n"
        if mixed and r.random() < 0.7:
            f.write(b"\xef\xbb\xbf")
        if mixed and r.random() < 0.5:
            nl = b"\r\n"
        size = 0
        while size < limit:
            x = r.random()
            rec = chat(r) if x < 0.85 else sharegpt(r) if x < 0.92 else alpaca(r) if x < 0.98 \
                else {"text": sentence(r, 30), "id": r.randint(-2**63, 2**63 - 1),
                      "score": r.random() * 10 ** r.randint(-300, 300)}
            if seen and r.random() < 0.03:
                rec = r.choice(seen)  # a duplicate, maybe spelt differently
                line = json.dumps(rec, sort_keys=r.random() < 0.5,
                                  separators=r.choice([(",", ":"), (", ", ": ")]),
                                  ensure_ascii=r.random() < 0.5)
            else:
                if len(seen) < 1000 and r.random() < 0.1:
                    seen.append(rec)
                line = json.dumps(rec, ensure_ascii=r.random() < 0.2)
            data = line.encode()
            if mixed:
                y = r.random()
                if y < 0.04:
                    data = odd_line(r).encode()
                elif y < 0.045:
                    data = r.choice(bad_utf8())
                elif y < 0.05:
                    data = b"   "
                elif y < 0.051:
                    data = json.dumps({"messages": [{"role": "assistant",
                                                     "content": sentence(r, 200000)}]}).encode()
            f.write(data + nl)
            size += len(data) + len(nl)


def csvfile(path, mb, seed, mixed):
    import csv
    import io
    r = random.Random(seed)
    limit = mb * 1000 * 1000
    seen = []
    with open(path, "w", newline="", encoding="utf-8") as f:
        if mixed and r.random() < 0.5:
            f.write("\ufeff")
        w = csv.writer(f, lineterminator="\r\n" if (mixed and r.random() < 0.5) else "\n")
        w.writerow(["instruction", "input", "output"])
        size = 0
        while size < limit:
            row = [sentence(r, 12), "" if r.random() < 0.7 else sentence(r, 5), sentence(r, 50)]
            if r.random() < 0.05:
                row[2] = 'She said "yes, really",\nthen left. ' + row[2]
            if seen and r.random() < 0.03:
                row = r.choice(seen)
            elif len(seen) < 1000 and r.random() < 0.1:
                seen.append(row)
            if mixed:
                y = r.random()
                if y < 0.01:
                    row = row[:2]
                elif y < 0.02:
                    row = row + ["extra"]
                elif y < 0.03:
                    row[r.randrange(3)] = "  "
                elif y < 0.035:
                    f.write('bad "quote" here,x,y\n')
                    size += 24
                    continue
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerow(row)
            size += len(buf.getvalue())
            w.writerow(row)
        if mixed and r.random() < 0.3:
            f.write('"unterminated,quote\n')


def main():
    kind, path, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    if kind == "csv":
        csvfile(path, mb, seed, False)
    elif kind == "mixedcsv":
        csvfile(path, mb, seed, True)
    else:
        jsonl(path, mb, seed, kind == "mixed")


if __name__ == "__main__":
    main()
