//! The surveyor's encrypted SQLite store: the only crate that touches SQLite.
