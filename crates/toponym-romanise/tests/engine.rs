//! Behaviour tests of the public API beyond the golden tables: refusals (N-1), minority
//! languages (§7), overrides, user segmentation, admin-keyed readings, review flags, the sign
//! and key forms, and search keys.

use toponym_romanise::{search_key, Outcome, Request, Romaniser, Sources};

fn rom(
    req: Request<'_>,
) -> (
    String,
    String,
    String,
    String,
    Vec<(&'static str, &'static str)>,
) {
    match Romaniser::builtin().romanise(&req) {
        Outcome::Romanised {
            roman,
            roman_generic,
            key,
            sign,
            flags,
        } => {
            let f = flags.iter().map(|f| (f.rule, f.code)).collect();
            (roman, roman_generic, key, sign, f)
        }
        other => panic!("{}: not romanised: {other:?}", req.name),
    }
}

#[test]
fn stand_in_notation_is_refused_with_its_position() {
    let r = Romaniser::builtin();
    for (name, pos, ch) in [
        ("小（氵甸）村委会", 1, "（"),
        ("胡子?村委会", 2, "?"),
        ("长shan村委会", 1, "s"),
        ("东\u{E000}村", 1, "\u{E000}"),
    ] {
        match r.romanise(&Request::new(name)) {
            Outcome::Refused {
                position,
                character,
                rule,
                reason,
            } => {
                assert_eq!(
                    (position, character.as_str(), rule),
                    (pos, ch, "N-1"),
                    "{name}"
                );
                assert_eq!(reason.code, "roman.stand_in");
                assert!(!reason.zh.is_empty() && !reason.en.is_empty());
            }
            other => panic!("{name}: expected refusal, got {other:?}"),
        }
    }
}

#[test]
fn minority_language_needs_manual_transliteration() {
    let out = Romaniser::builtin().romanise(&Request {
        language: Some("蒙古语"),
        ..Request::new("巴彦淖尔市")
    });
    match out {
        Outcome::ManualRequired { reason } => assert_eq!(reason.code, "roman.minority_language"),
        other => panic!("{other:?}"),
    }
    // 汉语 and an empty language are romanised.
    assert!(Romaniser::builtin()
        .romanise(&Request {
            language: Some("汉语"),
            ..Request::new("泰山")
        })
        .roman()
        .is_some());
}

#[test]
fn official_transliteration_replaces_the_specific_part() {
    let (roman, generic, _, _, flags) = rom(Request {
        template_id: Some("admin.prefecture"),
        ..Request::new("巴彦淖尔市")
    });
    assert_eq!((roman.as_str(), generic.as_str()), ("Bayannur Shì", "Shì"));
    assert!(flags.contains(&("R-10", "roman.transliterated")));
}

#[test]
fn same_characters_read_by_admin_code() {
    let hn = rom(Request {
        admin_code: Some("411523203"),
        ..Request::new("浒湾镇")
    });
    let jx = rom(Request {
        admin_code: Some("361027104"),
        ..Request::new("浒湾镇")
    });
    assert_eq!(hn.0, "Hǔwān Zhèn");
    assert_eq!(jx.0, "Xǔwān Zhèn");
    assert!(hn.4.is_empty() && jx.4.is_empty());
    // Without an admin code the choice is a guess and says so.
    let unknown = rom(Request::new("浒湾镇"));
    assert!(
        unknown.4.contains(&("R-4", "roman.ambiguous_place")),
        "{:?}",
        unknown.4
    );
}

#[test]
fn polyphone_from_the_default_is_flagged_and_an_override_clears_it() {
    let (roman, _, _, _, flags) = rom(Request {
        template_id: Some("settlement.village"),
        ..Request::new("单庄")
    });
    // 单 before 庄 is in a surname position: the surname reading, still flagged for review.
    assert_eq!(roman, "Shànzhuāng");
    assert_eq!(flags, vec![("R-4", "roman.polyphone_unconfirmed")]);
    let (roman, _, _, _, flags) = rom(Request {
        template_id: Some("settlement.village"),
        ..Request::new("曾家庄")
    });
    assert_eq!(roman, "Zēngjiāzhuāng");
    assert_eq!(flags, vec![("R-4", "roman.polyphone_unconfirmed")]);
    let (roman, _, _, _, flags) = rom(Request {
        template_id: Some("transport.urban_road"),
        ..Request::new("乐园路")
    });
    assert_eq!(roman, "Lèyuán Lù", "not a surname position");
    assert_eq!(flags, vec![("R-4", "roman.polyphone_unconfirmed")]);
    let (roman, _, _, _, flags) = rom(Request {
        template_id: Some("settlement.village"),
        reading_override: Some("dan1 zhuang1"),
        ..Request::new("单庄")
    });
    assert_eq!(roman, "Dānzhuāng");
    assert!(flags.is_empty());
    let (_, _, _, _, flags) = rom(Request {
        reading_override: Some("shan4"),
        ..Request::new("单庄")
    });
    assert!(flags.contains(&("R-6", "roman.override_invalid")));
}

#[test]
fn user_segmentation_wins_and_a_wrong_one_is_flagged() {
    let (roman, generic, ..) = rom(Request {
        template_id: Some("transport.urban_road"),
        segmentation: Some(("朝阳门", "内大街")),
        ..Request::new("朝阳门内大街")
    });
    assert_eq!(
        (roman.as_str(), generic.as_str()),
        ("Cháoyángmén Nèidàjiē", "Nèidàjiē")
    );
    let (_, _, _, _, flags) = rom(Request {
        segmentation: Some(("泰", "岳")),
        ..Request::new("泰山")
    });
    assert!(flags.contains(&("R-3", "roman.segmentation_mismatch")));
}

#[test]
fn key_and_sign_forms() {
    let (roman, _, key, sign, _) = rom(Request {
        template_id: Some("admin.prefecture"),
        ..Request::new("西安市")
    });
    assert_eq!(
        (roman.as_str(), key.as_str(), sign.as_str()),
        ("Xī'ān Shì", "xianshi", "XI'AN SHI")
    );
    let (_, _, key, sign, _) = rom(Request {
        template_id: Some("terrain.range"),
        ..Request::new("吕梁山")
    });
    assert_eq!(
        (key.as_str(), sign.as_str()),
        ("lvliangshan", "LÜLIANG SHAN")
    );
    let (_, _, key, sign, _) = rom(Request {
        template_id: Some("transport.street_lane"),
        ..Request::new("第九弄")
    });
    assert_eq!((key.as_str(), sign.as_str()), ("di9long", "DI-9 LONG"));
}

#[test]
fn normalisation_of_full_width_digits_and_spaces() {
    let (roman, ..) = rom(Request {
        template_id: Some("terrain.peak"),
        ..Request::new("１２０３高地")
    });
    assert_eq!(roman, "1203 Gāodì");
    let (roman, ..) = rom(Request {
        template_id: Some("terrain.peak"),
        ..Request::new("\u{3000}泰 山")
    });
    assert_eq!(roman, "Tài Shān");
}

#[test]
fn search_keys_match_with_and_without_spaces() {
    assert_eq!(search_key("泰山"), "taishan");
    assert_eq!(search_key("tai shan"), "taishan");
    assert_eq!(search_key("Tài Shān"), "taishan");
    assert_eq!(search_key("Xī'ān"), "xian");
    assert_eq!(search_key("吕梁"), "lvliang");
    // A refused name still gets a key from its characters.
    assert_eq!(search_key("胡子?村"), "huzicun");
}

#[test]
fn broken_table_data_is_an_error_naming_file_and_line() {
    let mut src = Sources::builtin();
    src.special_readings = "# header\n单县\t371722\tshàn\tsource\n";
    let err = Romaniser::from_sources(&src).expect_err("count mismatch must fail");
    let msg = err.to_string();
    assert!(
        msg.contains("special-readings.tsv") && msg.contains("line 2"),
        "{msg}"
    );
}

#[test]
fn line_breaks_fall_between_syllables_with_a_hyphen() {
    let r = Romaniser::builtin();
    assert_eq!(r.break_lines("Zhōukǒudiàn", 8), vec!["Zhōukǒu-", "diàn"]);
    assert_eq!(
        r.break_lines("Tái'érzhuāng Qū", 8),
        vec!["Tái'ér-", "zhuāng", "Qū"]
    );
    assert_eq!(r.break_lines("Běijīng Shì", 20), vec!["Běijīng Shì"]);
    assert_eq!(r.break_lines("Běijīng Shì", 8), vec!["Běijīng", "Shì"]);
    // The apostrophe decides the split: Xī'ān breaks as Xī-/ān, never Xiā-/n.
    assert_eq!(r.break_lines("Xī'ānshì", 4), vec!["Xī-", "ān-", "shì"]);
    // fán|gē, not fáng|ē (a vowel-initial syllable needs an apostrophe).
    assert_eq!(r.break_lines("Fángē", 4), vec!["Fán-", "gē"]);
    assert_eq!(r.break_lines("Pénr Hútong", 5), vec!["Pénr", "Hú-", "tong"]);
}

#[test]
fn provincial_settings_switch_junction_and_coordination() {
    use toponym_romanise::{Junction, Settings};
    let r = Romaniser::builtin();
    let road = Request {
        template_id: Some("transport.urban_road"),
        ..Request::new("朝阳门内大街")
    };
    let hwy = Request {
        template_id: Some("transport.highway"),
        ..Request::new("京津公路")
    };
    assert_eq!(r.romanise(&road).roman(), Some("Cháoyángménnèi Dàjiē"));
    assert_eq!(r.romanise(&hwy).roman(), Some("Jīngjīn Gōnglù"));
    let gbt = Settings {
        junction: Junction::Gbt2012,
        hyphenate_coordinations: true,
    };
    assert_eq!(
        r.romanise_with(&road, &gbt).roman(),
        Some("Cháoyángmén Nèidàjiē")
    );
    match r.romanise_with(&hwy, &gbt) {
        Outcome::Romanised {
            roman, key, sign, ..
        } => {
            assert_eq!(
                (roman.as_str(), key.as_str(), sign.as_str()),
                ("Jīng-Jīn Gōnglù", "jingjingonglu", "JING-JIN GONGLU")
            );
        }
        other => panic!("{other:?}"),
    }
    // A county whose two characters happen to be abbreviations is not a coordination.
    let county = Request {
        template_id: Some("admin.county"),
        ..Request::new("新津区")
    };
    assert_eq!(r.romanise_with(&county, &gbt).roman(), Some("Xīnjīn Qū"));
}

#[test]
fn odd_input_never_panics() {
    let r = Romaniser::builtin();
    let odd = [
        "",
        " ",
        "·",
        "123",
        "G104",
        "第",
        "儿",
        "儿儿",
        "第儿",
        "一",
        "十百",
        "东四",
        "〇〇〇",
        "a",
        "Ａ",
        "\u{301}",
        "😀村",
        "𠮷野家",
        "村·寨",
        "１２３路",
        "自治县",
        "族自治州",
        "第十二",
        "西安西安西安西安西安西安西安西安西安西安西安西安西安西安西安西安西安西安西安西安",
    ];
    let templates = [
        None,
        Some("settlement.village"),
        Some("transport.street_lane"),
        Some("admin.county"),
        Some("nope"),
    ];
    for name in odd {
        for tpl in templates {
            for seg in [None, Some(("", name)), Some((name, "")), Some(("盆", "儿"))] {
                let req = Request {
                    template_id: tpl,
                    segmentation: seg,
                    reading_override: Some("r"),
                    ..Request::new(name)
                };
                let _ = r.romanise(&req);
                let _ = r.explain(&req);
                let _ = r.search_key(name);
            }
        }
        let _ = r.break_lines(name, 1);
    }
    // An erhua village with the user's split still reports its generic.
    let req = Request {
        template_id: Some("settlement.village"),
        segmentation: Some(("盆", "儿")),
        ..Request::new("盆儿")
    };
    assert!(r.romanise(&req).roman().is_some());
}

#[test]
fn flags_become_qa_findings() {
    let out = Romaniser::builtin().romanise(&Request {
        template_id: Some("settlement.village"),
        ..Request::new("单庄")
    });
    let Outcome::Romanised { flags, .. } = out else {
        panic!("not romanised")
    };
    let f = flags[0].to_finding("fields.roman");
    assert_eq!(f.rule.as_deref(), Some("R-4"));
    assert_eq!(f.path, "fields.roman");
    assert_eq!(f.message.code, "roman.polyphone_unconfirmed");
    assert_eq!(
        f.message.params.get("position").map(String::as_str),
        Some("0")
    );
    assert!(f.message.zh.contains('单') && f.message.en.contains("shàn"));
}

#[test]
fn generic_words_do_not_raise_review_flags() {
    let (roman, generic, _, _, flags) = rom(Request {
        template_id: Some("transport.urban_road"),
        ..Request::new("岱宗大街")
    });
    assert_eq!(
        (roman.as_str(), generic.as_str()),
        ("Dàizōng Dàjiē", "Dàjiē")
    );
    assert!(flags.is_empty(), "{flags:?}");
    // The specific part's 大 is still a question for a person.
    let (_, _, _, _, flags) = rom(Request {
        template_id: Some("water.river"),
        ..Request::new("大汶河")
    });
    assert_eq!(flags, vec![("R-4", "roman.polyphone_unconfirmed")]);
}
