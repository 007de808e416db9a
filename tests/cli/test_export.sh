#!/bin/sh
# hallmark export: CycloneDX 1.6 ML-BOM (XML validated against the official XSD through
# its offline catalog; JSON valid and carrying the same content) and SPDX 3.0 JSON-LD,
# from a real signed bundle.
. tests/cli/lib.sh
cd "$T" || exit 1

. "$OLDPWD/tests/cli/fixture_bundle.sh"

AT=2026-11-28T00:00:00Z
ok "export cyclonedx (XML)" "$HM" export cyclonedx --bundle b.jsonl --key pub.pub \
	--auditor-key aud.pub --at $AT -o bom.xml
ok "export cyclonedx (JSON)" "$HM" export cyclonedx --format json --bundle b.jsonl \
	--key pub.pub --auditor-key aud.pub --at $AT -o bom.json
ok "export spdx" "$HM" export spdx --bundle b.jsonl --key pub.pub --auditor-key aud.pub \
	--at $AT -o bom.spdx.json
like "model digest as SHA-256 hash" "<hash alg=\"SHA-256\">$MODEL</hash>" bom.xml
unlike "forged dataset not in the BOM" "forged-dataset|Proprietary" bom.xml
like "omitted line recorded as a limitation" "Bundle line 5 .* is left out" bom.xml
# the documents are pretty-printed: joined into one line to match across lines
tr -d ' \n' <bom.xml >bom1.xml
tr -d ' \n' <bom.json >bom1.json
tr -d ' \n' <bom.spdx.json >spdx1.json
like "CycloneDX XML: the rate with its 95% interval" \
	'<type>harmfulness_rate</type><value>0.030303</value><slice>HEx-PHI,allitems,fine-tunedmodel</slice><confidenceInterval><lowerBound>0.016542</lowerBound><upperBound>0.054874</upperBound></confidenceInterval>' bom1.xml
like "CycloneDX XML: the rise with its 95% interval" \
	'<type>harmfulness_rate_change</type><value>0.030303</value><slice>[^<]*</slice><confidenceInterval><lowerBound>0.012[0-9]+</lowerBound><upperBound>0.054[0-9]+</upperBound>' bom1.xml
like "CycloneDX JSON: confidenceInterval" '"slice":"HEx-PHI,allitems,fine-tunedmodel","confidenceInterval":\{"lowerBound":"0.016542","upperBound":"0.054874"\}' bom1.json
like "SPDX: the rate's 95% interval" '"key":"HEx-PHIharmfulness_rate95%CI","value":"\[0.016542,0.054874\]"' spdx1.json
like "SPDX: the rise and its interval" '"key":"HEx-PHIharmfulness_rateincrease95%CI","value":"\[0.012' spdx1.json
XSD=$SHARED/schemas/cyclonedx-1.6
if [ -f "$XSD/bom-1.6.xsd" ] && command -v xmllint >/dev/null 2>&1; then
	XML_CATALOG_FILES=$XSD/xmlcatalog.xml xmllint --nonet --noout --schema "$XSD/bom-1.6.xsd" \
		bom.xml >xsd.out 2>&1
	ok "CycloneDX XML validates against bom-1.6.xsd" grep -q "bom.xml validates" xsd.out
else
	skip "CycloneDX XML validates against bom-1.6.xsd" "../shared or xmllint absent"
fi
if command -v python3 >/dev/null 2>&1; then
	cat >same.py <<'PY'
import json, sys
import xml.etree.ElementTree as ET
ns = {"c": "http://cyclonedx.org/schema/bom/1.6"}
j = json.load(open("bom.json"))
x = ET.parse("bom.xml").getroot()
assert j["bomFormat"] == "CycloneDX" and j["specVersion"] == "1.6"
assert j["serialNumber"] == x.get("serialNumber")
jm = j["metadata"]["component"]["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]
xm = x.findall(".//c:performanceMetric", ns)
assert len(jm) == len(xm) > 0, (len(jm), len(xm))
for a, b in zip(jm, xm):
    assert a["type"] == b.find("c:type", ns).text and a["value"] == b.find("c:value", ns).text
    assert a["slice"] == b.find("c:slice", ns).text
jr = sorted(c["bom-ref"] for c in j["components"])
xr = sorted(c.get("bom-ref") for c in x.findall("c:components/c:component", ns))
assert jr == xr, (jr, xr)
assert [d["ref"] for d in j["metadata"]["component"]["modelCard"]["modelParameters"]["datasets"]] == \
    [r.text for r in x.findall(".//c:modelParameters/c:datasets/c:ref", ns)]
PY
	ok "JSON carries the same content as the XML" python3 same.py
	if [ -f "$XSD/bom-1.6.schema.json" ] && python3 -c 'import jsonschema' 2>/dev/null; then
		cat >schema.py <<'PY'
import json, sys, warnings
warnings.simplefilter("ignore")
from jsonschema import Draft7Validator, RefResolver
d = sys.argv[1]
schema = json.load(open(d + "/bom-1.6.schema.json"))
store = {}
for n in ("spdx.schema.json", "jsf-0.82.schema.json"):
    s = json.load(open(d + "/" + n))
    store[n] = s
    store["http://cyclonedx.org/schema/" + n] = s
    if "$id" in s:
        store[s["$id"]] = s
v = Draft7Validator(schema, resolver=RefResolver.from_schema(schema, store=store))
errs = list(v.iter_errors(json.load(open("bom.json"))))
for e in errs[:5]:
    print(list(e.path), e.message[:200])
sys.exit(1 if errs else 0)
PY
		ok "CycloneDX JSON validates against bom-1.6.schema.json" python3 schema.py "$XSD"
	else
		skip "CycloneDX JSON validates against its schema" "../shared or python3-jsonschema absent"
	fi
	cat >spdx.py <<'PY'
import json
g = json.load(open("bom.spdx.json"))["@graph"]
types = [e["type"] for e in g]
assert types.count("ai_AIPackage") == 2 and types.count("dataset_DatasetPackage") == 2, types
rel = {e["relationshipType"]: e for e in g if e["type"] == "Relationship"}
ids = {e.get("spdxId"): e for e in g}
model = [e for e in g if e["type"] == "ai_AIPackage" and e["spdxId"].endswith(":model")][0]
assert rel["trainedOn"]["from"] == model["spdxId"]
assert ids[rel["trainedOn"]["to"][0]]["name"] == "<script>alert(1)</script>"
assert ids[rel["testedOn"]["to"][0]]["name"] == "HEx-PHI"
assert "ancestorOf" in rel
doc = [e for e in g if e["type"] == "SpdxDocument"][0]
assert doc["rootElement"] == [model["spdxId"]]
assert all(i in ids for i in doc["element"])
PY
	ok "SPDX has the AI and dataset packages, trainedOn and testedOn" python3 spdx.py
else
	skip "JSON checks" "python3 absent"
fi
fails 2 "unknown --format" "$HM" export cyclonedx --format yaml --bundle b.jsonl --key pub.pub
fails 1 "nothing verifies: nothing to export" "$HM" export spdx --bundle b.jsonl --key mallory.pub
done_testing
