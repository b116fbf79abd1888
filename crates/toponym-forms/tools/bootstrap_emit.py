#!/usr/bin/env python3
"""HISTORICAL stage 2 of bootstrap_templates.py (parsed.json -> schemas/); do not re-run."""
import json, os, re, sys, shutil
sys.path.insert(0, os.path.dirname(__file__))
from bootstrap_templates import CATS, en_label, POSITIVE_UNITS

ROOT = sys.argv[1]
ts = json.load(open(os.path.join(os.path.dirname(__file__), "parsed.json")))


def enum(key, zh, en, values, group, required=False, **kw):
    d = dict(key=key, label_zh=zh, label_en=en, kind="enum", required=required, values=values, group=group)
    d.update(kw)
    return d


def fld(key, zh, en, kind, group, required=False, **kw):
    d = dict(key=key, label_zh=zh, label_en=en, kind=kind, required=required, group=group)
    d.update(kw)
    return d


EXPORT = {"op": "stage", "value": "export"}
COMMON = [
    fld("place_code", "地名代码", "Place-name code", "text", "identity", length=20, digits_only=True,
        help_en="Assigned by the county merge tool, not in the field.", help_zh="县级合并时赋码，外业不填。"),
    enum("category", "大类", "Category", [c[0] for c in CATS], "identity", True),
    fld("class_code", "类别代码", "Class code", "text", "identity", True, length=5,
        help_en="Derived from the class-code table; a sub-type may refine it.", help_zh="由类别代码表派生，子类型可细化。"),
    enum("census_status", "地名普查状态", "Census status", ["新增", "修改", "不变", "注销"], "identity", True),
    fld("standard_name", "标准名称", "Standard name", "text", "names", True, rule="C-1", checks=["name"]),
    fld("specific_part", "专名", "Specific part", "text", "names", True, checks=["name"]),
    fld("generic_part", "通名", "Generic part", "text", "names", checks=["name"],
        help_zh="名称有通名时必填；自然村可不区分专名通名。", help_en="Required when the name has a generic; natural villages may have none."),
    fld("short_name", "简称", "Short name", "text", "names", checks=["name"]),
    fld("aliases", "别名", "Aliases", "list", "names", item={"fields": [
        fld("name", "名称", "Name", "text", "names", True, checks=["name"]),
        enum("kind", "类型", "Kind", ["俗称", "雅称", "旧写法", "其他"], "names", True),
        fld("note", "说明", "Note", "text", "names")]}),
    fld("former_names", "曾用名", "Former names", "list", "names", item={"fields": [
        fld("name", "名称", "Name", "text", "names", True, checks=["name"]),
        fld("from_year", "起始年份", "From year", "year", "names"),
        fld("to_year", "终止年份", "To year", "year", "names"),
        fld("note", "说明", "Note", "text", "names")]}),
    fld("map_name", "图上名称", "Name on map", "text", "names"),
    fld("map_sheet", "图号(年版)", "Map sheet (edition)", "text", "names", help_en='e.g. "H-50-49-D"'),
    enum("map_scale", "比例尺", "Map scale", ["1:10000", "1:50000", "other"], "names"),
    fld("minority_name", "少数民族语书写", "Minority-language script", "text", "names",
        required_if={"op": "ne", "field": "language", "value": "汉语"}, rule="C-10"),
    fld("language", "语种", "Language", "text", "names", help_zh="汉语地名留空。", help_en="Empty for Chinese names."),
    fld("roman", "罗马字母拼写", "Romanisation", "text", "romanisation", True, rule="R-1"),
    fld("roman_generic", "通名罗马字母拼写", "Romanised generic", "text", "romanisation"),
    fld("roman_override", "读音特例", "Special reading", "text", "romanisation",
        help_en="Id of the special-reading table entry that overrode the generator."),
    fld("local_reading", "当地读音", "Local reading", "text", "romanisation"),
    fld("audio", "地名读音", "Pronunciation audio", "file", "romanisation", help_zh="文件名为“标准名称+数字.mp3”。"),
    enum("usage", "使用时间", "Usage", ["现今地名", "历史地名"], "time", True, rule="C-1"),
    fld("named_date", "命名时间", "Date named", "date", "time", help_en="YYYY, YYYY-MM or YYYY-MM-DD."),
    fld("established_year", "设立年份", "Year established", "year", "time"),
    fld("abolished_year", "废止年份", "Year abolished", "year", "time",
        required_if={"op": "eq", "field": "usage", "value": "历史地名"}, rule="C-5"),
    fld("admin_areas", "所在(跨)行政区", "Administrative areas", "admin_codes", "location", True, rule="C-1"),
    fld("rep_point", "定位点", "Representative point", "point", "location", True, rule="C-1",
        help_en="[longitude, latitude] in CGCS2000 degrees."),
    fld("extent", "至东经、至北纬", "Extent", "bbox", "location", help_en="[west, south, east, north]."),
    fld("start_point", "起点坐标", "Start point", "point", "location",
        required_if={"op": "geometry", "value": "line"}),
    fld("end_point", "止点坐标", "End point", "point", "location",
        required_if={"op": "geometry", "value": "line"}),
    enum("crs", "坐标系", "Coordinate reference system", ["CGCS2000"], "location", True),
    enum("survey_method", "测量方法", "Survey method", ["实测", "图解"], "location", True, rule="C-1"),
    enum("position_source", "定位来源", "Position source", ["GNSS", "影像", "地形图", "第三方地图", "资料"], "location", True),
    fld("elevation_m", "高程", "Elevation", "dec", "location", unit="m",
        required_if={"op": "template_in", "values": ["terrain.peak", "terrain.pass"]},
        help_zh="1985国家高程基准。", help_en="1985 national height datum."),
    fld("boundaries", "四至", "Boundaries", "object", "location", item={"fields": [
        fld("east", "东至", "East", "text", "location"), fld("west", "西至", "West", "text", "location"),
        fld("south", "南至", "South", "text", "location"), fld("north", "北至", "North", "text", "location")]}),
    fld("origin", "地名的来历", "Origin of the name", "text", "narrative", True, rule="C-1", checks=["narrative"]),
    fld("meaning", "地名的含义", "Meaning of the name", "text", "narrative", True, rule="C-1", checks=["narrative"]),
    fld("history", "历史沿革", "History", "text", "narrative", True, rule="C-1", checks=["narrative"]),
    fld("description", "地理实体概况", "Description of the feature", "text", "narrative", True, rule="C-1", checks=["narrative"]),
    fld("reason_unknown", "不详原因", "Reason the information is unknown", "text", "narrative",
        help_en="Explains a narrative field that cannot be filled (quality rule C-2)."),
    fld("other_info", "其他信息", "Other information", "text", "narrative"),
    fld("media", "多媒体信息", "Media", "list", "narrative", item={"fields": [
        fld("sha256", "文件哈希", "SHA-256", "text", "narrative", True, length=64),
        fld("file_name", "文件名", "File name", "text", "narrative", True),
        fld("caption", "说明", "Caption", "text", "narrative"),
        fld("shot_at", "拍摄时间", "Taken at", "datetime", "narrative"),
        fld("point", "拍摄位置", "Taken at point", "point", "narrative")]}),
    fld("sources", "资料来源及出处", "Sources", "list", "provenance", True, rule="C-6", item={"fields": [
        enum("kind", "类型", "Kind", ["一普成果", "补查成果", "文献", "提供人", "提供单位", "实地调查"], "provenance", True),
        fld("detail", "出处", "Detail", "text", "provenance", True)]}),
    fld("remarks", "备注", "Remarks", "text", "narrative"),
    fld("registrar", "登记人", "Registrar", "person", "provenance", True, rule="C-1"),
    fld("registering_unit", "登记单位", "Registering unit", "text", "provenance", True, rule="C-1"),
    fld("registered_at", "登记时间", "Registered at", "datetime", "provenance", True, rule="C-1"),
    fld("reviewer", "审核人", "Reviewer", "person", "provenance", required_if=EXPORT),
    fld("reviewed_at", "审核时间", "Reviewed at", "datetime", "provenance", required_if=EXPORT),
    enum("review_result", "审核意见", "Review result", ["通过", "退回", "有条件通过"], "provenance", required_if=EXPORT),
    fld("review_note", "审核说明", "Review note", "text", "provenance"),
    enum("secrecy", "密级", "Secrecy", ["公开", "内部", "秘密"], "provenance", True),
    fld("sign_count", "标牌个数", "Number of signs", "int", "provenance", min=0),
    fld("contact_phone", "联系电话", "Contact phone", "text", "provenance"),
]

# ---- fix-ups of the parsed template fields ------------------------------------------------
LABEL_FIX = {
    ("transport.highway", "opened_year"): "通车年份", ("transport.railway_station", "opened_year"): "开通年份",
    ("transport.airport", "opened_year"): "通航年份", ("building.market", "opened_year"): "开业年份",
    ("transport.airport", "iata_code"): "IATA代码", ("transport.airport", "icao_code"): "ICAO代码",
    ("water.lake", "inflows"): "入湖河流", ("water.lake", "outflows"): "出湖河流",
    ("unit.public_institution", "staff"): "职工人数", ("unit.enterprise", "industry"): "行业门类",
}
for t in ts:
    for f in t["fields"]:
        if f["key"] == "founded_year" and t["id"] != "unit.school":
            f["label_zh"] = "成立年份"
        if (t["id"], f["key"]) in LABEL_FIX:
            f["label_zh"] = LABEL_FIX[(t["id"], f["key"])]
        if f["key"] == "route_no":
            f["required"] = True
            f["note"] = "G/S/X/Y/C + digits"
        if f["key"] == "industry" and t["id"] == "unit.enterprise":
            f["note"] = "GB/T 4754"
        if f["key"] == "waterway_grade":
            f["values"] = ["I", "II", "III", "IV", "V", "VI", "VII", "不通航"]
        if f["key"] == "voltage_kv":
            f["values"] = ["35", "66", "110", "220", "330", "500", "750", "1000", "±400", "±500", "±660", "±800", "±1100"]
    if t["id"] == "memorial.scenic_area":
        t["name_zh"], t["scope_zh"] = "风景名胜区、旅游景区（点）", None

# ---- class codes ---------------------------------------------------------------------------
codes = []  # entries
def code(key, c, ev, zh, en=None, note=None):
    e = {"key": key, "code": c, "evidence": ev, "name_zh": zh}
    if en:
        e["name_en"] = en
    if note:
        e["note"] = note
    codes.append(e)
    return key

SUB = {
    "transport.highway": ("admin_grade", [("国道", "23211", "I"), ("省道", "23212", "I"), ("县道", "23213", "T"),
                                          ("乡道", "23214", "T"), ("村道", "2321x", "P"), ("专用公路", "2321x", "P")], "2321x", "P"),
    "transport.urban_road": ("road_class", [("快速路", "23511", "I"), ("主干路", "23512", "N"), ("次干路", "23513", "I"), ("支路", "23514", "I")], "2351x", "P"),
    "transport.bus_station": ("station_kind", [("长途汽车站", "23220", "T"), ("公交枢纽", "23530", "T"), ("公交站点", "23530", "T")], "23220", "T"),
    "transport.port": ("port_kind", [("海港", "23120", "T"), ("河港", "23130", "T")], "23120", "T"),
    "transport.service_facility": ("facility_kind", [("加油站", "23660", "T"), ("加气站", "2366x", "P"), ("充电站", "2366x", "P"),
                                                     ("收费站", "2366x", "P"), ("服务区", "2366x", "P"), ("检查站", "2366x", "P")], "2366x", "P"),
    "memorial.memorial_site": ("memorial_kind", [("人物", "251x0", "P"), ("事件", "251x0", "P")], "251x0", "P"),
    "building.pavilion": ("structure_kind", [("亭", "26210", "G"), ("台", "26220", "G"), ("碑", "26230", "G"), ("塔", "26240", "G")], "26210", "G"),
}
for t in ts:
    tid = t["id"]
    m = re.match(r"^([0-9x]{5})\s*\(([NGTIP])", t["code"])
    if tid in SUB:
        field, subs, dflt, ev = SUB[tid]
        code(tid, dflt, ev, t["name_zh"], t["name_en"], note="default when the sub-type is not yet chosen")
        t["class_code"] = {"default": tid, "by_field": field,
                           "values": {v: code(f"{tid}#{v}", c, e, v) for v, c, e in subs}}
    else:
        assert m, (tid, t["code"])
        code(tid, m.group(1), m.group(2), t["name_zh"], t["name_en"])
        t["class_code"] = {"default": tid}

POS_M_EXCLUDE = ("elev", "elevation", "level")


def finish_field(f, group):
    out = {"key": f["key"], "label_zh": f["label_zh"], "label_en": f.get("label_en") or en_label(f["key"]),
           "kind": f["kind"]}
    for k in ("unit",):
        if k in f:
            out[k] = f[k]
    out["required"] = f["required"]
    for k in ("required_if", "values", "item", "ref_templates", "length", "digits_only"):
        if k in f:
            out[k] = f[k]
    if f["kind"] == "dec":
        u = f.get("unit")
        if u in POSITIVE_UNITS or (u == "m" and not any(x in f["key"] for x in POS_M_EXCLUDE)):
            out["min"] = 0
            out["min_exclusive"] = True
    if f["kind"] == "int":
        out["min"] = 0
    out["group"] = group
    if f.get("note"):
        n = f["note"]
        if n.startswith("form: "):
            out["help_zh"] = "登记表称“" + n[6:] + "”。"
        elif n not in ("selects code", "selects the sub-code", "census field 类型"):
            out["help_en"] = n
    if f.get("const"):
        out["help_en"] = "Fixed value."
    return out


tdir = os.path.join(ROOT, "schemas", "templates")
if os.path.isdir(tdir):
    shutil.rmtree(tdir)
os.makedirs(tdir)


def dump(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, ensure_ascii=False, indent=2)
        fh.write("\n")


def fix_common(f):
    out = {}
    for k in ("key", "label_zh", "label_en", "kind", "unit", "required", "required_if", "values", "item",
              "ref_templates", "length", "digits_only", "min", "min_exclusive", "group", "rule", "checks",
              "help_zh", "help_en"):
        if k in f:
            out[k] = f[k]
    if "item" in out and "fields" in out["item"]:
        out["item"] = {"fields": [fix_common(x) for x in out["item"]["fields"]]}
    return out


dump(os.path.join(tdir, "common.json"), {
    "format_version": 1, "id": "common", "version": "1.0.0",
    "description": "Common fields of every 《地名普查登记表》 (categories-and-templates.md §2).",
    "envelope": [
        {"key": "record_id", "label_zh": "记录标识", "label_en": "Record id", "kind": "uuid"},
        {"key": "template", "label_zh": "样表", "label_en": "Template (id, version, hash)", "kind": "text"},
        {"key": "geometry", "label_zh": "空间位置", "label_en": "Geometry (CGCS2000 lon/lat)", "kind": "geometry"},
    ],
    "fields": [fix_common(f) for f in COMMON],
})
dump(os.path.join(tdir, "categories.json"), {
    "format_version": 1, "id": "categories", "version": "1.0.0",
    "description": "The 12 census categories (大类) in census order.",
    "categories": [{"id": c[0], "seq": i + 1, "name_zh": c[1], "name_en": c[2], "gb_prefix": c[3]}
                   for i, c in enumerate(CATS)],
})
for t in ts:
    cat, short = t["id"].split(".")
    fields = [finish_field(f, "specific") for f in t["fields"]]
    for f in fields:
        if "item" in f and "fields" in f["item"]:
            f["item"]["fields"] = [fix_common(dict(x, required=x.get("required", False), group="specific")) for x in f["item"]["fields"]]
    doc = {"format_version": 1, "id": t["id"], "version": "1.0.0", "seq": t["seq"], "category": cat,
           "name_zh": t["name_zh"], "name_en": t["name_en"]}
    if t["scope_zh"]:
        doc["scope_zh"] = t["scope_zh"]
    doc["geometry"] = t["geometry"]
    doc["class_code"] = t["class_code"]
    doc["secrecy"] = "秘密"
    if t["photo"] == "photo R":
        doc["photo_required"] = {"op": "always"}
    elif t["photo"]:
        doc["photo_required"] = {"op": "eq", "field": "use", "value": "古井/遗存"}
    doc["fields"] = fields
    dump(os.path.join(tdir, cat, short + ".json"), doc)

dump(os.path.join(ROOT, "schemas", "class-codes.json"), {
    "format_version": 1, "id": "class-codes", "version": "1.0.0",
    "description": "5-digit census class codes (类别代码) with evidence marks: N seen in census records or live national-database responses; G seen in GB/T 18521; T used by third-party software; I inferred from siblings; P placeholder (x = unknown digit, must be filled from the official 二普 table before export).",
    "codes": codes,
})
print("templates:", len(ts), "codes:", len(codes))
