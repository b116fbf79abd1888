//! The catalogue of `quality-rules.md` as data (`schemas/qa/catalogue.json`): every rule
//! id with its severity and stages, whether or not this build implements it, so that the
//! coverage table can list the rules that did not run.

use serde::Deserialize;
use std::sync::OnceLock;

/// One catalogue row.
#[derive(Debug, Clone, Deserialize)]
pub struct CatalogueRule {
    /// Rule id.
    pub id: String,
    /// `BLOCKER`, `ERROR`, `WARNING` or `INFO`.
    pub severity: String,
    /// Stages (`merge`, `province` for P-1 …).
    pub stages: Vec<String>,
    /// What the catalogue says it checks.
    pub check: String,
    /// Basis tags.
    pub basis: String,
}

#[derive(Deserialize)]
struct File {
    rules: Vec<CatalogueRule>,
}

/// Every rule of the catalogue, in its order.
pub fn catalogue() -> &'static [CatalogueRule] {
    static C: OnceLock<Vec<CatalogueRule>> = OnceLock::new();
    C.get_or_init(|| {
        serde_json::from_str::<File>(include_str!("../../../schemas/qa/catalogue.json"))
            .expect("schemas/qa/catalogue.json parses")
            .rules
    })
}

/// A catalogue rule by id.
pub fn entry(id: &str) -> Option<&'static CatalogueRule> {
    catalogue().iter().find(|r| r.id == id)
}
