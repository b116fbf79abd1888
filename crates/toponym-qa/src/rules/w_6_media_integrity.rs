//! W-6 (WARNING, bundle): media integrity. Every file a record references is in the media
//! store and still hashes to its recorded SHA-256; a photo's own GPS position (EXIF) lies
//! within `max_distance_m` of the record's point; its time falls inside the project window
//! when one is configured. Record files without a store are "not checked".

use serde::Deserialize;
use serde_json::Value;
use toponym_core::Severity;

use crate::rules::d_1_exact_duplicate::distance_m;
use crate::{msg, parse_params, view, Check, Out, Prep, Rule, Stage, SurveyCtx};

pub(crate) static RULE: Rule = Rule {
    id: "W-6",
    severity: Severity::Warning,
    stage: Stage::Bundle,
    basis: "ours",
    title_zh: "多媒体文件完整一致",
    title_en: "Media integrity",
    checks: "Each fields.media[i].sha256: present in the media store, bytes intact; EXIF position within max_distance_m (1 km) of the record's point; EXIF date inside the project window when configured.",
    prepare: Some(parse_params::<Params>),
    check: Check::Survey(check),
};

#[derive(Deserialize)]
struct Params {
    max_distance_m: f64,
}

fn check(cx: &SurveyCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    if !cx.has_store {
        out.not_checked(msg(
            "qa.no_media_store",
            "输入为记录文件，没有多媒体库",
            "the input is record files without a media store",
        ));
        return;
    }
    let window = cx.options.validate.project_window;
    for r in cx.records {
        let Some(items) = r.fields.get("media").and_then(Value::as_array) else {
            continue;
        };
        for (i, it) in items.iter().enumerate() {
            let Some(sha) = it.get("sha256").and_then(Value::as_str) else {
                continue; // form validation reports a malformed entry
            };
            let path = format!("fields.media[{i}]");
            let Some(m) = cx.media.iter().find(|m| m.sha256.eq_ignore_ascii_case(sha)) else {
                out.emit_for(
                    r.record_id,
                    path,
                    msg("media.missing", format!("引用的多媒体文件 {sha} 不在多媒体库中"), format!("media file {sha} is referenced but not stored"))
                        .with("sha256", sha),
                );
                continue;
            };
            if !m.intact {
                out.emit_for(
                    r.record_id,
                    path.clone(),
                    msg("media.altered", format!("多媒体文件“{}”的内容与其哈希不符（已损坏或被改动）", m.file_name), format!("media file \"{}\" no longer matches its hash (damaged or altered)", m.file_name))
                        .with("sha256", sha),
                );
            }
            let pt = view::point(r).filter(|p| view::in_china(*p)); // else S-1 reports it
            if let (Some(e), Some(pt)) = (m.exif_point, pt) {
                let d = distance_m(e, pt);
                if d > p.max_distance_m {
                    out.emit_for(
                        r.record_id,
                        path.clone(),
                        msg(
                            "media.far",
                            format!("照片“{}”的拍摄位置距定位点 {:.1} 公里（上限 {:.1} 公里）", m.file_name, d / 1000.0, p.max_distance_m / 1000.0),
                            format!("photo \"{}\" was taken {:.1} km from the record's point (at most {:.1} km)", m.file_name, d / 1000.0, p.max_distance_m / 1000.0),
                        )
                        .with("distance_m", format!("{d:.0}")),
                    );
                }
            }
            if let (Some((from, to)), Some(t)) = (window, m.exif_time.as_deref()) {
                let day = t.get(..10).unwrap_or("");
                let fmt = time::macros::format_description!("[year]-[month]-[day]");
                if let Ok(d) = time::Date::parse(day, &fmt) {
                    if d < from.date() || d > to.date() {
                        out.emit_for(
                            r.record_id,
                            path,
                            msg(
                                "media.out_of_period",
                                format!("照片“{}”拍摄于 {day}，不在普查期内（{} 至 {}）", m.file_name, from.date(), to.date()),
                                format!("photo \"{}\" was taken on {day}, outside the survey period ({} to {})", m.file_name, from.date(), to.date()),
                            )
                            .with("date", day),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{record, survey, survey_full};
    use crate::MediaItem;
    use serde_json::json;

    #[test]
    fn missing_altered_and_far_photos() {
        let sha = |c: char| c.to_string().repeat(64);
        let r = record(
            "transport.bridge",
            json!({"standard_name": "甲桥", "rep_point": [117.0, 36.0], "media": [
                {"sha256": sha('a'), "file_name": "a.jpg"},
                {"sha256": sha('b'), "file_name": "b.jpg"},
                {"sha256": sha('c'), "file_name": "c.jpg"},
                {"sha256": sha('d'), "file_name": "d.jpg"}
            ]}),
            None,
        );
        let item = |c: char, intact: bool, at: [f64; 2]| MediaItem {
            sha256: sha(c), file_name: format!("{c}.jpg"), intact, exif_point: Some(at), exif_time: None,
        };
        let media = vec![item('a', true, [117.001, 36.0]), item('b', false, [117.0, 36.0]), item('c', true, [117.2, 36.0])];
        let rep = survey_full(std::slice::from_ref(&r), &[], &media, &[], true);
        let codes: Vec<_> = rep.of_rule("W-6").map(|f| (f.path.as_str(), f.message.code.as_str())).collect();
        assert_eq!(codes, vec![("fields.media[1]", "media.altered"), ("fields.media[2]", "media.far"), ("fields.media[3]", "media.missing")]);
        assert_eq!(survey(&[r]).of_rule("W-6").count(), 0);
    }
}
