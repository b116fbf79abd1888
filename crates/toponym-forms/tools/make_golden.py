#!/usr/bin/env python3
"""Writes the golden records under crates/toponym-forms/tests/golden/: one valid and two
invalid records per template (each invalid one lists in `_expect` the findings it must
raise). Names and places are real-looking Tai'an (and Shandong coast for sea areas).
Deterministic (named seed). Re-run after changing a template, because each record carries
the template's content hash:  python3 crates/toponym-forms/tools/make_golden.py .
The hash is computed here exactly as in catalog.rs: sha256 over canonical JSON (sorted keys,
compact) of {"common": common.json, "template": <template file>}; the golden loop test fails
if the two ever disagree."""
import json, os, sys, random, hashlib, copy

ROOT = sys.argv[1]
SCH = os.path.join(ROOT, "schemas")
OUT = os.path.join(ROOT, "crates", "toponym-forms", "tests", "golden")

common_raw = json.load(open(os.path.join(SCH, "templates", "common.json")))
codes = {c["key"]: c["code"] for c in json.load(open(os.path.join(SCH, "class-codes.json")))["codes"]}
cats = [c["id"] for c in json.load(open(os.path.join(SCH, "templates", "categories.json")))["categories"]]
templates = {}
for cat in cats:
    d = os.path.join(SCH, "templates", cat)
    for f in sorted(os.listdir(d)):
        t = json.load(open(os.path.join(d, f)))
        templates[t["id"]] = t


def thash(t):
    s = json.dumps({"common": common_raw, "template": t}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(s.encode("utf-8")).hexdigest()


rng = random.Random(20261123)


def uuid7(ms):
    b = bytearray(ms.to_bytes(6, "big") + bytes(rng.getrandbits(8) for _ in range(10)))
    b[6] = (b[6] & 0x0F) | 0x70
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


MS = 1_778_550_000_000  # 2026-05-12

TA = "泰安市岱岳区"
TS = "泰安市泰山区"
# id: (name, specific, generic, roman, roman_generic, admin_code, place_text, lon, lat, extras)
P = {
 "marine.bay": ("胶州湾", "胶州", "湾", "Jiāozhōu Wān", "Wān", "370211", "青岛市黄岛区", 120.262, 36.141,
   dict(area_km2=343.0, mouth_width_km=3.1, coastline_km=187.0, max_depth_m=64.0)),
 "marine.strait": ("长山水道", "长山", "水道", "Chángshān Shuǐdào", "Shuǐdào", "370614", "烟台市蓬莱区", 120.752, 37.861,
   dict(length_km=9.5, min_width_km=2.3, connects=["渤海", "黄海"], avg_depth_m=18.0)),
 "marine.island": ("刘公岛", "刘公", "岛", "Liúgōng Dǎo", "Dǎo", "371002", "威海市环翠区", 122.183, 37.503,
   dict(area_km2=3.15, inhabited=True, coastline_km=14.95, max_elev_m=153.5, offshore_km=2.1, island_group="威海湾诸岛")),
 "marine.reef": ("马儿礁", "马儿", "礁", "Mǎ'ér Jiāo", "Jiāo", "370211", "青岛市黄岛区", 120.335, 35.962,
   dict(reef_type="明礁", area_m2=850.0)),
 "marine.cape": ("成山头", "成山", "头", "Chéngshān Tóu", "Tóu", "371082", "威海市荣成市", 122.702, 37.396,
   dict(elevation_m=200.0, projects_into="黄海")),
 "water.river": ("大汶河", "大汶", "河", "Dàwèn Hé", "Hé", "370911110", TA + "大汶口镇", 117.095, 35.952,
   dict(length_km=239.0, length_in_county_km=42.5, basin_area_km2=9098.0, source="旋崮山北麓（济南市钢城区）", mouth="东平湖", mean_flow_m3s=48.2)),
 "water.lake": ("天平湖", "天平", "湖", "Tiānpíng Hú", "Hú", "370911002", TA + "天平街道", 117.053, 36.232,
   dict(area_km2=1.6, surface_elev_m=168.0, avg_depth_m=6.5, max_depth_m=14.0, storage_1e4m3=1040.0, salinity="淡水")),
 "water.spring": ("王母池泉", "王母池", "泉", "Wángmǔchí Quán", "Quán", "370902001", TS + "岱庙街道", 117.141, 36.208,
   dict(spring_type="冷泉", flow_l_s=0.6, water_temp_c=14.5, perennial=True)),
 "water.waterfall": ("黑龙潭瀑布", "黑龙潭", "瀑布", "Hēilóngtán Pùbù", "Pùbù", "370902202", TS + "大津口乡", 117.098, 36.236,
   dict(drop_m=38.0, width_m=4.0, seasonal=True)),
 "water.islet": ("汶河滩", "汶河", "滩", "Wènhé Tān", "Tān", "370911110", TA + "大汶口镇", 117.081, 35.957,
   dict(area_km2=0.18, inhabited=False, islet_kind="滩")),
 "water.wetland": ("大汶河湿地", "大汶河", "湿地", "Dàwènhé Shīdì", "Shīdì", "370911111", TA + "马庄镇", 117.031, 35.944,
   dict(area_km2=12.4, wetland_type="河流湿地", protection="省级")),
 "terrain.range": ("徂徕山", "徂徕", "山", "Cúlái Shān", "Shān", "370911104", TA + "徂徕镇", 117.338, 36.002,
   dict(length_km=22.0, trend="东西", max_elev_m=1027.0)),
 "terrain.peak": ("玉皇顶", "玉皇", "顶", "Yùhuáng Dǐng", "Dǐng", "370902202", TS + "大津口乡", 117.101, 36.257,
   dict(elevation_m=1532.7, relative_height_m=1300.0, massif_area_km2=426.0)),
 "terrain.pass": ("南天门", "南天", "门", "Nántiān Mén", "Mén", "370902202", TS + "大津口乡", 117.105, 36.253,
   dict(elevation_m=1460.0, connects=["十八盘", "天街"])),
 "terrain.valley": ("天烛峡", "天烛", "峡", "Tiānzhú Xiá", "Xiá", "370902202", TS + "大津口乡", 117.131, 36.262,
   dict(length_km=3.2, avg_width_m=120.0, depth_m=260.0, trend="南北")),
 "terrain.cave": ("白云洞", "白云", "洞", "Báiyún Dòng", "Dòng", "370902202", TS + "大津口乡", 117.117, 36.258,
   dict(cave_type="溶洞", length_m=45.0, entrance_elev_m=1280.0, open_to_public=True)),
 "terrain.region": ("汶阳平原", "汶阳", "平原", "Wènyáng Píngyuán", "Píngyuán", "370911110", TA + "大汶口镇", 117.052, 35.981,
   dict(region_type="平原", area_km2=386.0, avg_elev_m=95.0)),
 "admin.province": ("山东省", "山东", "省", "Shāndōng Shěng", "Shěng", "370000", "山东省", 117.021, 36.669,
   dict(division_code="370000", division_type="省", seat="济南市历下区省府前街1号", area_km2=155800.0, population=101620000, subdivisions="16个地级市")),
 "admin.prefecture": ("泰安市", "泰安", "市", "Tài'ān Shì", "Shì", "370900", "泰安市", 117.087, 36.200,
   dict(division_code="370900", division_type="地级市", seat="泰安市泰山区东岳大街", area_km2=7761.0, population=5640000, postal_code="271000", phone_area_code="0538", subdivisions="2个市辖区、2个县，代管2个县级市")),
 "admin.county": ("岱岳区", "岱岳", "区", "Dàiyuè Qū", "Qū", "370911", "泰安市岱岳区", 117.041, 36.188,
   dict(division_code="370911", division_type="市辖区", seat="泰安市岱岳区粥店街道", area_km2=1750.0, population=980000, postal_code="271000", phone_area_code="0538", subdivisions="3个街道、13个镇、1个乡")),
 "admin.township": ("大汶口镇", "大汶口", "镇", "Dàwènkǒu Zhèn", "Zhèn", "370911110", TA + "大汶口镇", 117.090, 35.958,
   dict(division_code="370911110", division_type="镇", seat="大汶口村", area_km2=74.6, population=58000, committees_count=49, postal_code="271026")),
 "selfgov.village_committee": ("后陡山村委会", "后陡山", "村委会", "Hòudǒushān Cūnwěihuì", "Cūnwěihuì", "370911001", TA + "粥店街道", 117.012, 36.214,
   dict(stats_code="370911001203", seat="后陡山村", households=412, population=1380, area_km2=2.6, urban_rural_code="220")),
 "selfgov.community": ("高王寺社区", "高王寺", "社区", "Gāowángsì Shèqū", "Shèqū", "370911001", TA + "粥店街道", 117.061, 36.187,
   dict(stats_code="370911001001", seat="高王寺小区", households=2650, population=7980, area_km2=0.9, urban_rural_code="111")),
 "selfgov.villager_group": ("后陡山第三村民小组", "后陡山第三", "村民小组", "Hòudǒushān Dì-sān Cūnmín Xiǎozǔ", "Cūnmín Xiǎozǔ", "370911001", TA + "粥店街道", 117.015, 36.216,
   dict(households=86, population=290, group_number=3)),
 "nonadmin.dev_zone": ("泰安高新技术产业开发区", "泰安", "高新技术产业开发区", "Tài'ān Gāoxīn Jìshù Chǎnyè Kāifāqū", "Gāoxīn Jìshù Chǎnyè Kāifāqū", "370902", "泰安市泰山区", 117.199, 36.178,
   dict(zone_level="国家级", approved_by="国务院国函〔2012〕168号", established_year=1992, area_km2=42.0, management_body="泰安高新技术产业开发区管理委员会")),
 "nonadmin.agri_zone": ("泰安市徂徕山林场", "徂徕山", "林场", "Cúláishān Línchǎng", "Línchǎng", "370911104", TA + "徂徕镇", 117.321, 36.012,
   dict(zone_kind="林场", area_km2=72.0, management_body="泰安市徂徕山林场", population=260)),
 "nonadmin.nature_reserve": ("泰山自然保护区", "泰山", "自然保护区", "Tài Shān Zìrán Bǎohùqū", "Zìrán Bǎohùqū", "370902202", TS + "大津口乡", 117.112, 36.261,
   dict(reserve_level="省级", protected_objects="暖温带落叶阔叶林及古树名木", area_km2=118.9, established_year=1989, approved_by="鲁政字〔1989〕112号")),
 "nonadmin.district_area": ("老城片区", "老城", "片区", "Lǎochéng Piànqū", "Piànqū", "370902001", TS + "岱庙街道", 117.130, 36.196,
   dict(boundaries={"east": "青年路", "west": "灵山大街", "south": "东岳大街", "north": "环山路"}, area_km2=3.4, main_function="混合")),
 "nonadmin.port_of_entry": ("泰安公路口岸", "泰安", "公路口岸", "Tài'ān Gōnglù Kǒu'àn", "Gōnglù Kǒu'àn", "370911003", TA + "北集坡街道", 117.058, 36.131,
   dict(port_mode="陆路", port_class="二类", opened_year=2016, management_body="泰安海关")),
 "settlement.urban": ("东岳小区", "东岳", "小区", "Dōngyuè Xiǎoqū", "Xiǎoqū", "370902003", TS + "泰前街道", 117.139, 36.198,
   dict(settlement_type="城镇", households=1260, population=3650, area_km2=0.21, buildings=36, postal_code="271000", phone_area_code="0538", built_year=1998, address="泰安市泰山区东岳大街218号")),
 "settlement.village": ("后陡山", "后陡山", "", "Hòudǒushān", "", "370911001", TA + "粥店街道", 117.013, 36.215,
   dict(settlement_type="农村", households=198, population=655, area_km2=0.32, main_surnames=["王", "李", "陈"])),
 "settlement.mining": ("华丰矿区", "华丰", "矿区", "Huáfēng Kuàngqū", "Kuàngqū", "370983", "泰安市肥城市", 116.903, 35.874,
   dict(industry="煤炭开采", population=5200, in_operation=True)),
 "settlement.farm": ("徂徕山林场上池分场", "徂徕山林场上池", "分场", "Cúláishān Línchǎng Shàngchí Fēnchǎng", "Fēnchǎng", "370911104", TA + "徂徕镇", 117.332, 36.018,
   dict(point_kind="林场点", population=48)),
 "transport.railway": ("京沪高速铁路", "京沪", "高速铁路", "Jīng-Hù Gāosù Tiělù", "Gāosù Tiělù", "370911", "泰安市岱岳区", 117.062, 36.151,
   dict(rail_type="高速铁路", length_in_county_km=31.6, start="北京南站", end="上海虹桥站", opened_year=2011, electrified=True)),
 "transport.highway": ("泰新公路", "泰新", "公路", "Tài-Xīn Gōnglù", "Gōnglù", "370911", "泰安市岱岳区", 117.201, 36.081,
   dict(admin_grade="省道", route_no="S244", tech_grade="一级", length_in_county_km=28.4, start="泰安市泰山区", end="新泰市", width_m=24.0, surface="沥青", opened_year=1996)),
 "transport.urban_road": ("东岳大街", "东岳", "大街", "Dōngyuè Dàjiē", "Dàjiē", "370902", "泰安市泰山区", 117.118, 36.192,
   dict(road_class="主干路", start="灵山大街", end="明堂路", length_m=10800.0, width_m=50.0, lanes=6, direction="东西", named_year=1985)),
 "transport.street_lane": ("青年路", "青年", "路", "Qīngnián Lù", "Lù", "370902001", TS + "岱庙街道", 117.139, 36.196,
   dict(start="东岳大街", end="环山路", length_m=1450.0, width_m=18.0, surface="沥青", house_numbers="1号至218号")),
 "transport.bridge": ("大汶口大桥", "大汶口", "大桥", "Dàwènkǒu Dàqiáo", "Dàqiáo", "370911110", TA + "大汶口镇", 117.091, 35.954,
   dict(length_m=620.0, width_m=24.5, structure="梁桥", material="钢筋混凝土", crosses="大汶河", spans=19, load_limit_t=55.0, built_year=2008)),
 "transport.tunnel": ("徂徕山隧道", "徂徕山", "隧道", "Cúláishān Suìdào", "Suìdào", "370911104", TA + "徂徕镇", 117.312, 36.031,
   dict(length_m=2160.0, width_m=10.5, clearance_m=5.0, bores="双洞", built_year=2019)),
 "transport.railway_station": ("泰安站", "泰安", "站", "Tài'ān Zhàn", "Zhàn", "370911", "泰安市岱岳区", 117.078, 36.189,
   dict(station_class="一等", service="客运", opened_year=1910)),
 "transport.bus_station": ("泰安汽车站", "泰安", "汽车站", "Tài'ān Qìchēzhàn", "Qìchēzhàn", "370902002", TS + "财源街道", 117.094, 36.193,
   dict(station_kind="长途汽车站", station_grade="一级", routes=86, area_m2=32000.0)),
 "transport.port": ("东平港", "东平", "港", "Dōngpíng Gǎng", "Gǎng", "370923", "泰安市东平县", 116.232, 35.976,
   dict(port_kind="河港", berths=12, max_berth_dwt=2000, throughput_1e4t=350.0)),
 "transport.ferry": ("后亭渡口", "后亭", "渡口", "Hòutíng Dùkǒu", "Dùkǒu", "370911110", TA + "大汶口镇", 117.071, 35.949,
   dict(ferry_type="人渡", route_length_m=180.0, in_service=False)),
 "transport.airport": ("济南遥墙国际机场", "济南遥墙", "国际机场", "Jǐnán Yáoqiáng Guójì Jīchǎng", "Guójì Jīchǎng", "370112", "济南市历城区", 117.216, 36.857,
   dict(airport_class="运输机场", iata_code="TNA", icao_code="ZSJN", runway_length_m=3600.0, field_grade="4E", opened_year=1992)),
 "transport.junction": ("泰山立交桥", "泰山", "立交桥", "Tài Shān Lìjiāoqiáo", "Lìjiāoqiáo", "370902003", TS + "泰前街道", 117.152, 36.176,
   dict(junction_kind="立交桥", levels=3, built_year=2003)),
 "transport.service_facility": ("泰安服务区", "泰安", "服务区", "Tài'ān Fúwùqū", "Fúwùqū", "370911107", TA + "夏张镇", 116.981, 36.119,
   dict(facility_kind="服务区", operator="山东高速集团有限公司")),
 "infra.well": ("柴草河古井", "柴草河", "古井", "Cháicǎohé Gǔjǐng", "Gǔjǐng", "370902001", TS + "岱庙街道", 117.127, 36.199,
   dict(depth_m=12.0, use="古井/遗存", built_period="明代", in_use=False)),
 "infra.pond": ("马庄塘坝", "马庄", "塘坝", "Mǎzhuāng Tángbà", "Tángbà", "370911111", TA + "马庄镇", 117.012, 35.987,
   dict(area_m2=21000.0, capacity_1e4m3=4.2, use="灌溉")),
 "infra.reservoir": ("黄前水库", "黄前", "水库", "Huángqián Shuǐkù", "Shuǐkù", "370911109", TA + "黄前镇", 117.231, 36.312,
   dict(scale="中型", total_capacity_1e4m3=8248.0, catchment_km2=292.0, dam_type="黏土心墙砂壳坝", dam_height_m=35.5, normal_level_m=232.5, functions=["防洪", "灌溉", "供水"], built_year=1966)),
 "infra.flood_storage": ("东平湖老湖区", "东平湖老湖", "区", "Dōngpínghú Lǎohú Qū", "Qū", "370923", "泰安市东平县", 116.203, 36.011,
   dict(area_km2=209.0, design_volume_1e4m3=120000.0, population_inside=3200)),
 "infra.channel": ("汶南干渠", "汶南", "干渠", "Wènnán Gànqú", "Gànqú", "370911110", TA + "大汶口镇", 117.101, 35.931,
   dict(channel_kind="干渠", length_km=18.6, start="颜谢拦河闸", end="房村镇", design_flow_m3s=6.5, irrigated_area_mu=62000.0, irrigation_district="大汶河灌区", built_year=1972)),
 "infra.pumping_station": ("堽城坝提水站", "堽城坝", "提水站", "Gāngchéngbà Tíshuǐzhàn", "Tíshuǐzhàn", "370983", "泰安市肥城市", 116.781, 35.962,
   dict(purpose="灌溉", installed_kw=1320.0, design_flow_m3s=3.2, units=6, built_year=1977)),
 "infra.embankment": ("大汶河北大堤", "大汶河北", "大堤", "Dàwènhé Běi Dàdī", "Dàdī", "370911110", TA + "大汶口镇", 117.088, 35.962,
   dict(dike_kind="河堤", length_km=21.3, crest_elev_m=96.5, crest_width_m=6.0, flood_standard="50年一遇")),
 "infra.sluice_dam": ("颜谢拦河闸", "颜谢", "拦河闸", "Yánxiè Lánhézhá", "Lánhézhá", "370911110", TA + "大汶口镇", 117.121, 35.946,
   dict(structure_kind="节制闸", gates=24, max_flow_m3s=6500.0, built_year=2010)),
 "infra.canal": ("京杭运河", "京杭", "运河", "Jīng-Háng Yùnhé", "Yùnhé", "370923", "泰安市东平县", 116.132, 35.902,
   dict(length_in_county_km=15.8, start="梁山县界", end="汶上县界", waterway_grade="III", built_period="元代")),
 "infra.power_station": ("泰山抽水蓄能电站", "泰山", "抽水蓄能电站", "Tài Shān Chōushuǐ Xùnéng Diànzhàn", "Chōushuǐ Xùnéng Diànzhàn", "370902", "泰安市泰山区", 117.083, 36.231,
   dict(power_type="水电", installed_mw=1000.0, annual_gwh=1340.0, commissioned_year=2007, operator="山东泰山抽水蓄能电站有限责任公司")),
 "infra.substation": ("泰山500千伏变电站", "泰山500千伏", "变电站", "Tài Shān 500 Qiānfú Biàndiànzhàn", "Biàndiànzhàn", "370911003", TA + "北集坡街道", 117.047, 36.122,
   dict(voltage_kv="500", capacity_mva=2000.0, commissioned_year=2004, operator="国网山东省电力公司泰安供电公司")),
 "infra.telecom": ("泰山电视塔", "泰山", "电视塔", "Tài Shān Diànshìtǎ", "Diànshìtǎ", "370902202", TS + "大津口乡", 117.103, 36.255,
   dict(facility_kind="通信塔", height_m=64.0, operator="泰安广播电视台")),
 "memorial.memorial_site": ("冯玉祥墓", "冯玉祥", "墓", "Féng Yùxiáng Mù", "Mù", "370902001", TS + "岱庙街道", 117.131, 36.225,
   dict(memorial_kind="人物", commemorates="冯玉祥将军", protection_level="全国重点文物保护单位", built_year=1953, area_m2=3500.0, management_body="泰山景区管理委员会")),
 "memorial.religious_site": ("普照寺", "普照", "寺", "Pǔzhào Sì", "Sì", "370902001", TS + "岱庙街道", 117.119, 36.221,
   dict(religion="佛教", built_period="南北朝", protection_level="省级", area_m2=6000.0)),
 "memorial.park": ("天外村公园", "天外村", "公园", "Tiānwàicūn Gōngyuán", "Gōngyuán", "370911002", TA + "天平街道", 117.094, 36.223,
   dict(park_type="综合公园", area_hm2=12.5, opened_year=2001, free_entry=True, management_body="泰安市岱岳区园林局")),
 "memorial.scenic_area": ("泰山风景名胜区", "泰山", "风景名胜区", "Tài Shān Fēngjǐng Míngshèngqū", "Fēngjǐng Míngshèngqū", "370902", "泰安市泰山区", 117.104, 36.250,
   dict(a_grade="5A", scenic_level="国家级", area_km2=242.0, main_sights=["岱庙", "红门", "中天门", "南天门", "玉皇顶"], management_body="泰山景区管理委员会")),
 "memorial.heritage_site": ("大汶口遗址", "大汶口", "遗址", "Dàwènkǒu Yízhǐ", "Yízhǐ", "370911110", TA + "大汶口镇", 117.093, 35.945,
   dict(heritage_kind="古遗址", period="新石器时代", protection_level="全国重点文物保护单位", area_m2=820000.0)),
 "building.tower": ("泰安国际大厦", "泰安国际", "大厦", "Tài'ān Guójì Dàshà", "Dàshà", "370902003", TS + "泰前街道", 117.143, 36.191,
   dict(floors_above=28, floors_below=2, height_m=99.6, gfa_m2=56000.0, footprint_m2=3200.0, use="综合", completed_year=2009, address="泰安市泰山区东岳大街99号")),
 "building.pavilion": ("五贤祠碑", "五贤祠", "碑", "Wǔxiáncí Bēi", "Bēi", "370902001", TS + "岱庙街道", 117.121, 36.227,
   dict(structure_kind="碑", height_m=2.4, built_period="清代", material="石灰岩", protection_level="县级")),
 "building.square": ("泰山广场", "泰山", "广场", "Tài Shān Guǎngchǎng", "Guǎngchǎng", "370902003", TS + "泰前街道", 117.132, 36.193,
   dict(area_m2=68000.0, built_year=1999, function="市民休闲")),
 "building.stadium": ("泰安市体育中心", "泰安市", "体育中心", "Tài'ān Shì Tǐyù Zhōngxīn", "Tǐyù Zhōngxīn", "370902005", TS + "徐家楼街道", 117.172, 36.183,
   dict(venue_kind="体育中心", seats=30000, area_m2=210000.0, built_year=2010)),
 "building.fortification": ("泰安古城墙", "泰安古", "城墙", "Tài'ān Gǔ Chéngqiáng", "Chéngqiáng", "370902001", TS + "岱庙街道", 117.124, 36.197,
   dict(structure_kind="城墙", length_m=380.0, built_period="宋代", preservation="残存", protection_level="市级")),
 "building.market": ("泰安农副产品批发市场", "泰安", "农副产品批发市场", "Tài'ān Nóngfù Chǎnpǐn Pīfā Shìchǎng", "Nóngfù Chǎnpǐn Pīfā Shìchǎng", "370911003", TA + "北集坡街道", 117.066, 36.142,
   dict(market_kind="批发市场", area_m2=150000.0, stalls=1800, market_days="常年营业", opened_year=2005)),
 "unit.government": ("岱岳区人民政府", "岱岳区", "人民政府", "Dàiyuè Qū Rénmín Zhèngfǔ", "Rénmín Zhèngfǔ", "370911001", TA + "粥店街道", 117.041, 36.187,
   dict(level="县", parent_body="泰安市人民政府", address="泰安市岱岳区长城路", established_year=1985)),
 "unit.school": ("泰安第一中学", "泰安第一", "中学", "Tài'ān Dì-yī Zhōngxué", "Zhōngxué", "370902001", TS + "岱庙街道", 117.129, 36.203,
   dict(school_level="高中", ownership="公办", students=5200, staff=480, area_m2=160000.0, founded_year=1902, address="泰安市泰山区擂鼓石大街")),
 "unit.hospital": ("泰安市中心医院", "泰安市中心", "医院", "Tài'ān Shì Zhōngxīn Yīyuàn", "Yīyuàn", "370902002", TS + "财源街道", 117.109, 36.195,
   dict(facility_kind="综合医院", grade="三级甲等", beds=2900, founded_year=1945, address="泰安市泰山区龙潭路29号")),
 "unit.public_institution": ("泰山气象站", "泰山", "气象站", "Tài Shān Qìxiàngzhàn", "Qìxiàngzhàn", "370902202", TS + "大津口乡", 117.105, 36.256,
   dict(sector="气象", parent_body="泰安市气象局", staff=12, founded_year=1932, address="泰山岱顶日观峰")),
 "unit.enterprise": ("泰山玻璃纤维有限公司", "泰山玻璃纤维", "有限公司", "Tài Shān Bōli Xiānwéi Yǒuxiàn Gōngsī", "Yǒuxiàn Gōngsī", "370911114", TA + "下港镇", 117.015, 36.132,
   dict(industry="制造业", ownership="国有", uscc="91370900165581652E", employees=6000, area_m2=1200000.0, founded_year=1997, address="泰安市岱岳区满庄镇")),
 "unit.social_org": ("泰安市泰山文化研究会", "泰安市泰山文化", "研究会", "Tài'ān Shì Tài Shān Wénhuà Yánjiūhuì", "Yánjiūhuì", "370902001", TS + "岱庙街道", 117.126, 36.201,
   dict(org_type="社会团体", registration_authority="泰安市民政局", founded_year=2006, address="泰安市泰山区岱庙北门")),
}
assert set(P) == set(templates), set(templates) ^ set(P)

REG = ["王立新", "李秀英", "陈国栋", "赵明", "孙红梅"]
REV = ["张建华", "刘玉兰"]


def geometry(kind, lon, lat):
    d = 0.004
    if kind == "point":
        return {"type": "Point", "coordinates": [lon, lat]}
    if kind == "line":
        return {"type": "LineString", "coordinates": [[round(lon - d, 6), round(lat - d / 2, 6)], [lon, lat], [round(lon + d, 6), round(lat + d / 3, 6)]]}
    ring = [[round(lon - d, 6), round(lat - d, 6)], [round(lon + d, 6), round(lat - d, 6)], [round(lon + d, 6), round(lat + d, 6)], [round(lon - d, 6), round(lat + d, 6)], [round(lon - d, 6), round(lat - d, 6)]]
    return {"type": "Polygon", "coordinates": [ring]}


ids_made = {}


def ref_id(tid):
    if tid not in ids_made:
        ids_made[tid] = uuid7(MS - 86_400_000)
    return ids_made[tid]


def fill_specific(t, extras):
    out = {}
    for f in t["fields"]:
        k = f["key"]
        if k in extras:
            out[k] = extras[k]
            continue
        if f["kind"] == "ref":
            target = f["ref_templates"][0].replace(".*", ".river") if f["ref_templates"][0].endswith(".*") else f["ref_templates"][0]
            if t["id"].startswith("transport.") and f["ref_templates"][0] == "transport.*":
                target = "transport.highway"
            out[k] = ref_id(target)
        elif f["kind"] == "list" and f.get("item", {}).get("kind") == "ref":
            out[k] = [ref_id(f["item"]["ref_templates"][0].replace(".*", ".highway"))]
        elif f["required"]:
            raise SystemExit(f"{t['id']}: no value for required {k}")
    return out


YEAR_KEYS = ("built_year", "opened_year", "established_year", "founded_year", "completed_year",
             "commissioned_year", "named_year")


def narrative(t, name, spec, gen, place, year, built):
    tz = t["name_zh"].split("、")[0]
    meaning = f"专名“{spec}”沿用当地传统称谓，" + (f"通名“{gen}”表明其为{tz}。" if gen else "为自然村名，不区分专名通名。")
    if built:
        # A modern facility: named when it was built or set up.
        return {
            "origin": f"{name}地处{place}，{built}年建成（设立）时以所在地旧称“{spec}”命名。",
            "meaning": meaning,
            "history": f"{built}年建成并命名，名称沿用至今；2026年地名普查时核实登记。",
            "description": f"{name}位于{place}，属{tz}类地理实体，现状完好，是当地重要的地理方位参照。",
        }
    return {
        "origin": f"{name}地处{place}，因当地世代相沿称“{spec}”而得名，{year}年前后已见于地方志书。",
        "meaning": meaning,
        "history": f"{year}年前后形成并使用此名；1981年第一次地名普查时登记，名称沿用至今。",
        "description": f"{name}位于{place}，属{tz}类地理实体，现状保存良好，是当地重要的地理方位参照。",
    }


def valid_record(tid):
    t = templates[tid]
    name, spec, gen, roman, rgen, code, place, lon, lat, extras = P[tid]
    rec_fields = {
        "category": t["category"],
        "class_code": codes[t["class_code"]["values"].get(extras.get(t["class_code"].get("by_field", ""), ""), t["class_code"]["default"])] if t["class_code"].get("by_field") else codes[t["class_code"]["default"]],
        "census_status": "不变",
        "standard_name": name,
        "specific_part": spec,
    }
    if gen:
        rec_fields["generic_part"] = gen
    rec_fields["roman"] = roman
    if rgen:
        rec_fields["roman_generic"] = rgen
    rec_fields["usage"] = "现今地名"
    rec_fields["admin_areas"] = [code]
    rec_fields["rep_point"] = [lon, lat]
    if t["geometry"] == "line":
        g = geometry("line", lon, lat)
        rec_fields["start_point"] = g["coordinates"][0]
        rec_fields["end_point"] = g["coordinates"][-1]
    rec_fields["crs"] = "CGCS2000"
    rec_fields["survey_method"] = "实测" if t["geometry"] == "point" else "图解"
    rec_fields["position_source"] = "GNSS" if t["geometry"] == "point" else "影像"
    year = 1600 + (t["seq"] * 37) % 380
    built = next((extras[k] for k in YEAR_KEYS if k in extras), None)
    rec_fields.update(narrative(t, name, spec, gen, place, year, built))
    rec_fields["sources"] = [{"kind": "一普成果", "detail": "《泰安市地名志》（1988年）"}, {"kind": "实地调查", "detail": f"{place}实地走访"}]
    if t.get("photo_required"):
        h = hashlib.sha256(name.encode()).hexdigest()
        rec_fields["media"] = [{"sha256": h, "file_name": f"{name}1.jpg", "caption": f"{name}全景", "shot_at": "2026-05-12T09:40:00+08:00", "point": [lon, lat]}]
    rec_fields["registrar"] = REG[t["seq"] % len(REG)]
    rec_fields["registering_unit"] = "泰安市岱岳区民政局地名办公室" if "岱岳" in place else "泰安市泰山区民政局地名办公室"
    rec_fields["registered_at"] = f"2026-05-{10 + t['seq'] % 18:02d}T10:{t['seq'] % 60:02d}:00+08:00"
    rec_fields["reviewer"] = REV[t["seq"] % 2]
    rec_fields["reviewed_at"] = f"2026-06-{1 + t['seq'] % 28:02d}T15:00:00+08:00"
    rec_fields["review_result"] = "通过"
    rec_fields["secrecy"] = "秘密"
    rec_fields.update(fill_specific(t, extras))
    return {
        "record_id": uuid7(MS + t["seq"] * 60_000),
        "template": {"id": tid, "version": t["version"], "hash": thash(t)},
        "fields": rec_fields,
        "geometry": geometry(t["geometry"], lon, lat),
    }


def first_required_specific(t):
    for f in t["fields"]:
        if f["required"]:
            return f["key"]
    return None


def positive_field(t):
    for f in t["fields"]:
        if f["kind"] == "dec" and f.get("min_exclusive"):
            return f["key"]
    return None


# Rotating defects on common fields: (name, function(record, template) -> expectations)
def d_n3(r, t):
    r["fields"]["standard_name"] = "八五一０" + (r["fields"].get("generic_part") or "村")
    return [("N-3", "fields.standard_name")]
def d_n2(r, t):
    r["fields"]["standard_name"] = "\u3000" + r["fields"]["standard_name"]
    return [("N-2", "fields.standard_name")]
def d_n1(r, t):
    r["fields"]["standard_name"] = "胡子?" + (r["fields"].get("generic_part") or "庄")
    return [("N-1", "fields.standard_name")]
def d_n12(r, t):
    r["fields"]["standard_name"] = "ABC" + r["fields"]["standard_name"]
    return [("N-12", "fields.standard_name")]
def d_s1(r, t):
    lon, lat = r["fields"]["rep_point"]
    r["fields"]["rep_point"] = [lat, lon]
    return [("S-1", "fields.rep_point")]
def d_s2(r, t):
    r["fields"]["rep_point"] = ["117°65′12″E", r["fields"]["rep_point"][1]]
    return [("S-2", "fields.rep_point[0]")]
def d_s5(r, t):
    lon, lat = r["fields"]["rep_point"]
    r["geometry"] = geometry("line" if t["geometry"] == "point" else "point", lon, lat)
    return [("S-5", "geometry")]
def d_c5(r, t):
    r["fields"]["usage"] = "历史地名"
    return [("C-5", "fields.abolished_year")]
def d_c10(r, t):
    r["fields"]["language"] = "蒙古语"
    return [("C-10", "fields.minority_name")]
def d_c2(r, t):
    r["fields"]["meaning"] = "不详"
    return [("C-2", "fields.meaning")]
def d_c1(r, t):
    del r["fields"]["admin_areas"]
    return [("C-1", "fields.admin_areas")]
def d_r1(r, t):
    r["fields"]["roman"] = r["fields"]["roman"] + "."
    return [("R-1", "fields.roman")]
def d_l1(r, t):
    r["fields"]["usage"] = "历史地名"
    r["fields"]["established_year"] = 2019
    r["fields"]["abolished_year"] = 2015
    return [("L-1", "fields.established_year")]
def d_w3(r, t):
    r["fields"]["reviewed_at"] = "2026-04-01T08:00:00+08:00"
    return [("W-3", "fields.reviewed_at")]
def d_c6(r, t):
    r["fields"]["former_names"] = [{"name": "旧" + r["fields"]["specific_part"], "from_year": 1950, "to_year": 1982}]
    r["fields"]["sources"] = [{"kind": "实地调查", "detail": "走访当地村民"}]
    return [("C-6", "fields.sources")]
def d_c1b(r, t):
    del r["fields"]["registrar"]
    return [("C-1", "fields.registrar")]
def d_l6(r, t):
    r["fields"]["census_status"] = "新建"
    return [("L-6", "fields.census_status")]
def d_w3b(r, t):
    r["fields"]["registered_at"] = "2026-05-12 10:20"
    return [("W-3", "fields.registered_at")]

ROTATION = [d_n3, d_n2, d_n1, d_n12, d_s1, d_s2, d_s5, d_c5, d_c10, d_c2, d_c1, d_r1, d_l1, d_w3, d_c6, d_c1b, d_l6, d_w3b]


def specific_defect(r, t):
    exp = []
    k = first_required_specific(t)
    if t["id"] == "selfgov.village_committee":
        r["fields"]["stats_code"] = "370911001005"
        exp.append(("K-5", "fields.stats_code"))
    elif t["id"] == "selfgov.community":
        r["fields"]["stats_code"] = "370911002001"
        exp.append(("K-5", "fields.stats_code"))
    elif k:
        del r["fields"][k]
        exp.append(("C-4", f"fields.{k}"))
    p = positive_field(t)
    if p and p in r["fields"]:
        r["fields"][p] = 0
        exp.append(("L-2", f"fields.{p}"))
    else:
        enum = next((f["key"] for f in t["fields"] if f["kind"] == "enum" and f["key"] in r["fields"] and not (t["class_code"].get("by_field") == f["key"]) and f["key"] != (t.get("photo_required") or {}).get("field")), None)
        if enum:
            r["fields"][enum] = "其它类型"
            exp.append(("L-6", f"fields.{enum}"))
    if t.get("photo_required") and "media" in r["fields"]:
        del r["fields"]["media"]
        exp.append(("C-7", "fields.media"))
    return exp


def write(path, rec):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(rec, fh, ensure_ascii=False, indent=2)
        fh.write("\n")


for i, tid in enumerate(sorted(templates, key=lambda x: templates[x]["seq"])):
    t = templates[tid]
    v = valid_record(tid)
    d = os.path.join(OUT, tid)
    write(os.path.join(d, "valid-1.json"), v)
    a = copy.deepcopy(v)
    a["record_id"] = uuid7(MS + t["seq"] * 60_000 + 1)
    exp = specific_defect(a, t)
    out = {"_expect": [{"rule": r, "path": p} for r, p in exp]}
    out.update(a)
    write(os.path.join(d, "invalid-specific.json"), out)
    b = copy.deepcopy(v)
    b["record_id"] = uuid7(MS + t["seq"] * 60_000 + 2)
    fn = ROTATION[i % len(ROTATION)]
    exp = fn(b, t)
    out = {"_expect": [{"rule": r, "path": p} for r, p in exp]}
    out.update(b)
    write(os.path.join(d, f"invalid-{fn.__name__[2:].replace('_', '-')}.json"), out)
print("ok", len(templates))
