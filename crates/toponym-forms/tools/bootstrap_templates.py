#!/usr/bin/env python3
"""HISTORICAL, do not re-run over schemas/: the one-off parser that bootstrapped the
template JSON files from shared/domain/categories-and-templates.md (stage 1: tables ->
parsed.json; stage 2, emit.py, wrote schemas/). The JSON files under schemas/ have been
edited since and are the source of truth; this is kept to show where the data came from."""
import json, re, os, sys, collections

MD = "/work/shared/domain/categories-and-templates.md"
OUT = sys.argv[1]

CATS = [
    ("marine", "海域", "Sea areas", "11"),
    ("water", "陆地水系", "Inland water system", "12"),
    ("terrain", "陆地地形", "Land relief", "13"),
    ("admin", "行政区域", "Administrative areas", "211-215"),
    ("selfgov", "群众自治组织", "Grassroots self-government bodies", "216"),
    ("nonadmin", "非行政区域", "Non-administrative areas", "217"),
    ("settlement", "居民点", "Settlements", "22"),
    ("transport", "交通运输设施", "Transport facilities", "23"),
    ("infra", "水利、电力、通信设施", "Water, power and telecom facilities", "24"),
    ("memorial", "纪念地、旅游景点", "Memorials and tourist sites", "25"),
    ("building", "建筑物", "Buildings and structures", "26"),
    ("unit", "单位", "Organisations", "27"),
]

EN = {
    "uscc": "Unified social credit code", "iata_code": "IATA code", "icao_code": "ICAO code",
    "a_grade": "A-grade of tourist attraction", "gfa_m2": "Gross floor area",
    "mean_flow_m3s": "Mean annual flow", "storage_1e4m3": "Storage",
    "capacity_1e4m3": "Capacity", "total_capacity_1e4m3": "Total capacity",
    "design_volume_1e4m3": "Design storage volume", "throughput_1e4t": "Annual throughput",
    "max_berth_dwt": "Largest berth capacity", "irrigated_area_mu": "Irrigated area",
    "installed_kw": "Installed capacity", "installed_mw": "Installed capacity",
    "annual_gwh": "Annual generation", "capacity_mva": "Transformer capacity",
    "voltage_kv": "Voltage class", "load_limit_t": "Load limit", "water_temp_c": "Water temperature",
    "flow_l_s": "Flow", "drop_m": "Drop height", "floors_above": "Floors above ground",
    "floors_below": "Floors below ground", "urban_rural_code": "Urban-rural classification code",
    "stats_code": "Statistical division code", "division_code": "Division code",
    "phone_area_code": "Telephone area code", "seat": "Seat of government",
    "start": "Start", "end": "End", "mouth": "Mouth / flows into", "source": "Source",
    "in_water": "Water body", "on_route": "On route", "tech_grade": "Technical grade",
    "admin_grade": "Administrative grade", "route_no": "Route number",
    "massif_area_km2": "Massif area", "relative_height_m": "Relative height",
    "max_elev_m": "Highest elevation", "avg_elev_m": "Mean elevation",
    "surface_elev_m": "Water surface elevation", "entrance_elev_m": "Entrance elevation",
    "crest_elev_m": "Crest elevation", "normal_level_m": "Normal pool level",
    "population_inside": "Population inside", "committees_count": "Committees",
    "natural_villages": "Natural villages", "residential_areas": "Residential areas",
    "main_surnames": "Main surnames", "in_operation": "In production",
    "use": "Use", "scale": "Scale", "catchment_km2": "Catchment area",
}
UNIT_SUFFIX = ["_1e4m3", "_1e4t", "_km2", "_m2", "_hm2", "_km", "_m3s", "_mu", "_kw", "_mw",
               "_mva", "_gwh", "_kv", "_dwt", "_l_s", "_c", "_t", "_m"]


def en_label(key):
    if key in EN:
        return EN[key]
    k = key
    for s in UNIT_SUFFIX:
        if k.endswith(s):
            k = k[: -len(s)]
            break
    words = k.replace("_", " ")
    return words[:1].upper() + words[1:]


POSITIVE_UNITS = {"km", "km²", "m²", "hm²", "万m³", "m³/s", "L/s", "kW", "MW", "MVA", "GWh",
                  "t", "万t", "亩"}
UNIT_CANON = {"km²": "km2", "m²": "m2", "hm²": "hm2", "万m³": "1e4m3", "m³/s": "m3/s", "°C": "degC",
              "万t": "1e4t", "亩": "mu", "人": "persons", "户": "households"}


def parse_type(t):
    """Returns (kind-dict, remaining string)."""
    t = t.strip()
    m = re.match(r"^(text|int|dec|year|date|bool|enum|list|ref|const)", t)
    if not m:
        return None
    return m.group(1)


def split_items(s):
    # split on ';' at paren depth 0
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "(<（":
            depth += 1
        elif ch in ")>）":
            depth -= 1
        if ch == ";" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return [o.strip() for o in out if o.strip()]


def take_paren(s, start):
    """s[start] is '(' or '<'; returns (inner, end index after close)."""
    open_ch = s[start]
    close_ch = {"(": ")", "<": ">"}[open_ch]
    depth = 0
    for i in range(start, len(s)):
        if s[i] in "(<":
            depth += 1
        elif s[i] in ")>":
            depth -= 1
            if depth == 0:
                return s[start + 1 : i], i + 1
    return s[start + 1 :], len(s)


def parse_kind(s):
    """Parses a type expression at the start of s. Returns (field-dict-partial, rest)."""
    s = s.strip()
    d = {}
    if s.startswith("text×4"):
        return {"kind": "object", "item": {"fields": [
            {"key": k, "label_zh": z, "label_en": e, "kind": "text"}
            for k, z, e in [("east", "东至", "East"), ("west", "西至", "West"),
                            ("south", "南至", "South"), ("north", "北至", "North")]]}}, s[6:]
    for kw in ["text", "int", "dec", "year", "date", "bool"]:
        if s.startswith(kw):
            d["kind"] = kw
            rest = s[len(kw):]
            if rest.startswith("("):
                inner, e = take_paren(rest, 0)
                n = int(inner)
                d["length"] = n
                if kw == "text" and n != 18:
                    d["digits_only"] = True
                rest = rest[e:]
            if rest.startswith("["):
                j = rest.index("]")
                d["unit"] = rest[1:j]
                rest = rest[j + 1:]
            return d, rest
    if s.startswith("enum"):
        rest = s[4:].lstrip()
        if rest.startswith("("):
            inner, e = take_paren(rest, 0)
            rest = rest[e:]
            m = re.match(r"as #(\d+)", inner.strip())
            if m:
                d["kind"] = "enum"
                d["as"] = int(m.group(1))
                return d, rest
            vals = [v.strip() for v in inner.split(",")]
            d["kind"] = "enum"
            d["values"] = vals
            if rest.startswith(" ["):
                j = rest.index("]")
                d["unit"] = rest[2:j]
                rest = rest[j + 1:]
            return d, rest
        d["kind"] = "enum"
        d["as_key"] = True
        return d, rest
    if s.startswith("const"):
        val = s[5:].strip().split()[0]
        return {"kind": "enum", "values": [val], "const": True}, s[5 + 1 + len(val):]
    if s.startswith("ref"):
        inner, e = take_paren(s, 3)
        refs = [r.strip() for r in inner.split(" or ")]
        return {"kind": "ref", "ref_templates": refs}, s[e:]
    if s.startswith("list"):
        inner, e = take_paren(s, 4)
        inner = inner.strip()
        if inner == "admin code":
            return {"kind": "admin_codes"}, s[e:]
        sub, _ = parse_kind(inner)
        item = {"kind": sub["kind"]}
        for k in ("values", "ref_templates"):
            if k in sub:
                item[k] = sub[k]
        return {"kind": "list", "item": item}, s[e:]
    raise ValueError("cannot parse type: " + s)


def parse_field(item, known):
    m = re.match(r"^`([a-z0-9_]+)`(?:/`([a-z0-9_]+)`)?\s*(.*)$", item)
    if not m:
        return None
    keys = [m.group(1)] + ([m.group(2)] if m.group(2) else [])
    rest = m.group(3)
    # strip trailing sentence (telecom)
    rest = re.sub(r"\.\s+Secrecy check.*$", "", rest)
    # label: up to first type keyword or 'R' or end
    tm = re.search(r"(text×4|text|int|dec|year|date|bool|enum|list<|ref\(|const)", rest)
    label = rest[: tm.start()].strip() if tm else re.sub(r"\bR\b.*$", "", rest).strip()
    label = label.replace("(", "（").replace(")", "）")
    kind = None
    after = rest[tm.start():] if tm else ""
    if tm:
        kind, after = parse_kind(after)
    after = after.strip()
    required = False
    note = None
    if re.match(r"^R\b", after):
        required = True
        after = after[1:].strip()
    elif re.search(r"\bR$", rest.strip()) and not tm:
        required = True
    if after.startswith("(") :
        note = after.strip("() ")
    elif after:
        note = after.strip("() ")
    out = []
    for k in keys:
        f = {"key": k}
        if label:
            f["label_zh"] = label
        elif k in known:
            f["label_zh"] = known[k]["label_zh"]
        else:
            f["label_zh"] = None
        if kind:
            f.update(json.loads(json.dumps(kind)))
        elif k in known:
            for kk in ("kind", "unit", "values", "item", "ref_templates", "length", "digits_only"):
                if kk in known[k]:
                    f[kk] = json.loads(json.dumps(known[k][kk]))
        else:
            f["kind"] = "text"
        f["required"] = required
        if note:
            f["note"] = note
        out.append(f)
    return out


def main():
    lines = open(MD, encoding="utf-8").read().splitlines()
    rows = [l for l in lines if re.match(r"^\| \d+ \| `", l)]
    assert len(rows) == 75, len(rows)
    known = {}
    templates = []
    for l in rows:
        cols = [c.strip() for c in l.strip().strip("|").split(" | ")]
        num, tid, zh, en, code, geom, spec = cols
        tid = tid.strip("`")
        items = split_items(spec)
        fields = []
        photo = None
        for it in items:
            if it.startswith("default"):
                continue
            if it.startswith("photo R"):
                photo = it
                continue
            fs = parse_field(it, known)
            if fs is None:
                raise ValueError(f"{tid}: cannot parse {it!r}")
            for f in fs:
                if f["key"] not in known and f.get("label_zh"):
                    known[f["key"]] = f
                fields.append(f)
        m = re.match(r"^(.*?)\s*\((.*)\)\s*$", zh)
        name_zh, scope = (m.group(1), m.group(2)) if m else (zh, None)
        templates.append(dict(seq=int(num), id=tid, name_zh=name_zh, scope_zh=scope, name_en=en,
                              code=code, geometry=geom, fields=fields, photo=photo))
    # resolve "as #n" and "as_key"
    bynum = {t["seq"]: t for t in templates}
    for t in templates:
        for f in t["fields"]:
            if "as" in f:
                src = next(x for x in bynum[f.pop("as")]["fields"]
                           if x["kind"] == "enum" and "values" in x and
                           (x["key"] == f["key"] or x["key"] in ("trend", "protection_level", "urban_rural_code")))
                f["values"] = list(src["values"])
            if f.pop("as_key", False):
                src = known.get(f["key"])
                f["values"] = list(src["values"]) if src and "values" in src else []
            if f.get("label_zh") is None:
                f["label_zh"] = known.get(f["key"], {}).get("label_zh", f["key"])
    json.dump(templates, open(os.path.join(OUT, "parsed.json"), "w"), ensure_ascii=False, indent=1)


main()
