//! Placeholder for the incremental-linking benchmark (filled in below in this branch).
fn main() {}
