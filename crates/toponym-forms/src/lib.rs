//! The 75 templates as data, one form model, record validation (sans-IO).
