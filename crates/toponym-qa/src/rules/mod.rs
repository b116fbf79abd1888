//! The rule files, collected by build.rs into the registry (see `engine.rs`).
//! This module only gives the generated modules a home so that rules can share helpers
//! (`crate::rules::d_1_exact_duplicate::distance_m`).

include!(concat!(env!("OUT_DIR"), "/registry.rs"));
