//! CGCS2000 coordinates for Toponym (`census-standards.md` §7).
//!
//! The stored form of every position is CGCS2000 (EPSG:4490) longitude/latitude in decimal
//! degrees, longitude first. This crate converts to and from the forms people and other
//! tools use: Gauss-Krüger 3° and 6° zone grids (EPSG:4491–4554, through PROJ), the °′″
//! notation of the paper form (QA rule S-2), and — in `gcj02` — the public GCJ-02 formulas
//! used to undo the shift of consumer web maps.
//!
//! Everything here is sans-IO: a malformed DMS text is a [`toponym_core::Finding`], not an
//! error; only a PROJ failure (which is a set-up problem, not bad input) is an `Err`.

pub mod dms;
pub mod gauss_kruger;
pub mod gcj02;

pub use dms::{format_dms, parse_dms, Axis, DmsParse};
pub use gauss_kruger::{GaussKruger, GkZone, ZoneWidth};

/// Everything that can go wrong in this crate outside of bad input values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GeodesyError {
    /// PROJ could not build the transformation (its database lacks the CRS or is broken).
    #[error("PROJ cannot build the transformation {from} -> {to}: {detail}")]
    Proj {
        /// Source CRS, e.g. `EPSG:4490`.
        from: String,
        /// Target CRS, e.g. `EPSG:4527`.
        to: String,
        /// PROJ's own message.
        detail: String,
    },
    /// PROJ refused to transform one position (outside the CRS's domain, or not finite).
    #[error("PROJ cannot transform ({x}, {y}) with {crs}: {detail}")]
    Transform {
        /// First input coordinate.
        x: f64,
        /// Second input coordinate.
        y: f64,
        /// The projected CRS involved.
        crs: String,
        /// PROJ's own message.
        detail: String,
    },
    /// A zone number outside the CGCS2000 Gauss-Krüger series.
    #[error("no CGCS2000 Gauss-Krüger {width} zone {zone} (6°: 13–23, 3°: 25–45)")]
    NoSuchZone {
        /// Zone width.
        width: ZoneWidth,
        /// The zone number asked for.
        zone: u32,
    },
}
