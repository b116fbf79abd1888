//! CGCS2000 coordinates: Gauss-Krueger zones via proj, DMS, GCJ-02.
pub mod gcj02;
