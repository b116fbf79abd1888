//! `toponym templates [--json]` and `toponym templates show <id> [--json] [--all]`: the
//! template catalogue as a surveyor or a script needs it. A thin adapter over
//! `toponym_forms::Catalog::builtin()`.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::{json, Value};
use toponym_forms::{Catalog, FieldDef, Template};

/// Arguments of `toponym templates`.
#[derive(Args, Debug)]
pub struct TemplatesArgs {
    #[command(subcommand)]
    cmd: Option<TemplatesCmd>,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum TemplatesCmd {
    /// Show one template's fields.
    Show {
        /// Template id, e.g. water.river.
        id: String,
        /// Also list the common fields shared by every template.
        #[arg(long)]
        all: bool,
    },
}

fn code_of<'a>(c: &'a Catalog, t: &Template) -> (&'a str, String) {
    c.default_class_code(t)
        .map(|k| (k.code.as_str(), format!("{:?}", k.evidence)))
        .unwrap_or(("", String::new()))
}

fn list(c: &Catalog, as_json: bool) -> ExitCode {
    if as_json {
        let cats: Vec<Value> = c
            .categories()
            .iter()
            .map(|k| {
                let n = c.templates().iter().filter(|t| t.category == k.id).count();
                json!({"id": k.id, "seq": k.seq, "name_zh": k.name_zh, "name_en": k.name_en, "count": n})
            })
            .collect();
        let ts: Vec<Value> = c
            .templates()
            .iter()
            .map(|t| {
                let (code, ev) = code_of(c, t);
                json!({
                    "seq": t.seq, "id": t.id, "category": t.category, "name_zh": t.name_zh,
                    "name_en": t.name_en, "geometry": t.geometry, "class_code": code,
                    "class_code_evidence": ev, "version": t.version, "hash": t.hash
                })
            })
            .collect();
        let out = json!({"count": ts.len(), "categories": cats, "templates": ts});
        outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    for k in c.categories() {
        let ts: Vec<&Template> = c
            .templates()
            .iter()
            .filter(|t| t.category == k.id)
            .collect();
        outln!("{:>2} {} {} ({})", k.seq, k.name_zh, k.name_en, ts.len());
        for t in ts {
            let (code, ev) = code_of(c, t);
            outln!(
                "   {:>2}  {:<28} {:<14} {:<8} {code} ({ev})",
                t.seq,
                t.id,
                t.name_zh,
                t.geometry.as_str()
            );
        }
    }
    outln!(
        "{} templates in {} categories",
        c.templates().len(),
        c.categories().len()
    );
    ExitCode::SUCCESS
}

fn kind_text(f: &FieldDef) -> String {
    let mut s = f.kind.as_str().to_owned();
    if !f.values.is_empty() {
        s.push_str(&format!("({})", f.values.join(",")));
    }
    if let Some(item) = f.item.as_deref() {
        if let Some(k) = item.kind {
            s.push_str(&format!("<{}>", k.as_str()));
        } else {
            let keys: Vec<&str> = item.fields.iter().map(|x| x.key.as_str()).collect();
            s.push_str(&format!("<{{{}}}>", keys.join(",")));
        }
    }
    if !f.ref_templates.is_empty() {
        s.push_str(&format!("→{}", f.ref_templates.join("|")));
    }
    if let Some(u) = &f.unit {
        s.push_str(&format!(" [{u}]"));
    }
    s
}

fn show(c: &Catalog, id: &str, all: bool, as_json: bool) -> ExitCode {
    let Some(t) = c.template(id) else {
        let close = c.closest_ids(id);
        errln!(
            "error: unknown template `{id}`; closest known ids: {}",
            if close.is_empty() {
                "(none)".into()
            } else {
                close.join(", ")
            }
        );
        errln!("错误：未知样表“{id}”；相近的有：{}", close.join("、"));
        return ExitCode::from(2);
    };
    let fields: Vec<&FieldDef> = if all {
        c.form_fields(id).unwrap_or(&[]).iter().collect()
    } else {
        t.fields.iter().collect()
    };
    if as_json {
        let codes: Vec<Value> = std::iter::once(&t.class_code.default)
            .chain(t.class_code.values.values())
            .filter_map(|k| c.class_code(k))
            .map(|k| json!(k))
            .collect();
        let out = json!({"template": t, "class_codes": codes, "fields": fields});
        outln!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let (code, ev) = code_of(c, t);
    outln!("{} {} — {} ({})", t.id, t.name_zh, t.name_en, t.version);
    if let Some(s) = &t.scope_zh {
        outln!("  范围 scope: {s}");
    }
    outln!("  大类 category: {}   几何 geometry: {}   类别代码 class code: {code} ({ev})   密级 secrecy: {}", t.category, t.geometry.as_str(), t.secrecy);
    if let Some(f) = &t.class_code.by_field {
        // In the enum's own order (国道, 省道, 县道 …), not alphabetical.
        let order = t
            .fields
            .iter()
            .find(|x| &x.key == f)
            .map(|x| x.values.clone())
            .unwrap_or_default();
        let subs: Vec<String> = order
            .iter()
            .filter_map(|v| t.class_code.values.get(v).map(|k| (v, k)))
            .map(|(v, k)| {
                format!(
                    "{v}={}",
                    c.class_code(k).map(|x| x.code.as_str()).unwrap_or("?")
                )
            })
            .collect();
        outln!("  sub-type `{f}` selects the code: {}", subs.join(", "));
    }
    if t.photo_required.is_some() {
        outln!("  photo R (rule C-7)");
    }
    outln!("  hash: {}", t.hash);
    outln!();
    for f in &fields {
        let req = if f.required {
            "R"
        } else if f.required_if.is_some() {
            "R?"
        } else {
            ""
        };
        outln!(
            "  {:<24} {:<2} {:<16} {:<28} {}",
            f.key,
            req,
            f.label_zh,
            f.label_en,
            kind_text(f)
        );
    }
    if !all {
        outln!(
            "\n  + {} common fields (--all to list them)",
            c.common_fields().len()
        );
    }
    ExitCode::SUCCESS
}

/// Runs the subcommand.
pub fn run(args: TemplatesArgs) -> ExitCode {
    let c = Catalog::builtin();
    if let Some(e) = Catalog::builtin_error() {
        errln!("error: the built-in template catalogue is defective: {e}");
        return ExitCode::from(2);
    }
    match args.cmd {
        None => list(c, args.json),
        Some(TemplatesCmd::Show { id, all }) => show(c, &id, all, args.json),
    }
}
