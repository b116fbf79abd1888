//! Duplicate detection and merge planning for place-name observations (sans-IO).
//!
//! Why this crate exists: merging county bundles into the provincial gazetteer must find
//! every observation of one place — across county lines, under old names, in stand-in
//! notation or traditional characters — while keeping look-alikes apart (a committee and
//! its natural village, 前王庄 and 后王庄), and must say why for every automatic link
//! (dedup.md). Observations go in, a merge plan comes out: links with scores and signals,
//! pairs for review, and look-alikes with a suggested relation. It never touches a
//! database or a file; tables are data in `schemas/dedup/`.
//!
//! ```
//! use toponym_dedup::{Index, Observation, Outcome, ReviewPolicy, Tables};
//! let mut ix = Index::new(Tables::builtin().clone(), ReviewPolicy::Queue);
//! ix.push(&[
//!     Observation::new("a", "八五一０农场", "settlement.farm").admin("370102100").at(117.0, 36.0),
//!     Observation::new("b", "八五一〇农场", "settlement.farm").admin("370102100").at(117.0005, 36.0),
//! ]);
//! ix.link();
//! assert_eq!(ix.pairs()[0].outcome, Outcome::AutoLink);
//! assert_eq!(ix.clusters(), vec![0, 0]);
//! ```

mod error;
pub mod geom;
mod index;
pub mod input;
pub mod keys;
mod observation;
mod record;
mod score;
mod tables;

use std::sync::OnceLock;

pub use error::DedupError;
pub use index::{Index, Note, Outcome, Pair, ReviewPolicy, Stats};
pub use observation::{Observation, Session};
pub use score::{Block, Decision, Evaluation, Hit, Signal};
pub use tables::{Compat, Kind, Sources, Tables, TemplateInfo, Weights};

impl Tables {
    /// The tables shipped in `schemas/dedup/`, parsed once.
    ///
    /// # Panics
    /// Never for the shipped data: the tables are checked by this crate's tests.
    pub fn builtin() -> &'static Tables {
        static T: OnceLock<Tables> = OnceLock::new();
        T.get_or_init(|| {
            #[allow(clippy::expect_used)]
            Tables::from_sources(&Sources::builtin()).expect("shipped dedup tables parse")
        })
    }
}
