//! Hard limits on what one record may hold, shared by validation (a finding) and the
//! store (a refusal). They bound the memory and time any single record can cost, so a
//! pasted 10⁷-character name or a runaway GPS trace cannot slow every later write of a
//! survey. The text limits per field are data (`schemas/limits.json`, read by
//! toponym-forms); these are the technical ceilings below them.

/// Most vertices in one record's geometry (a county outline at 1:10 000 has a few tens of
/// thousands).
pub const GEOMETRY_MAX_VERTICES: usize = 200_000;

/// Most bytes of a record's field values as stored JSON (about 1.3 million Chinese
/// characters: far above every template's text limits together).
pub const RECORD_MAX_FIELD_BYTES: usize = 4 * 1024 * 1024;

/// Whether both numbers of a position are degree values at all: finite and within ±180.
/// A latitude between 90 and 180 passes on purpose: it is almost always a swapped pair,
/// which QA rule S-1 recognises and names (and a draft may hold until it is fixed); a
/// value such as 1e308 is no coordinate and is refused.
pub fn is_degree_pair(p: [f64; 2]) -> bool {
    p.iter().all(|x| x.is_finite() && x.abs() <= 180.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degree_pairs_are_finite_and_within_180() {
        assert!(is_degree_pair([117.1, 36.2]));
        assert!(
            is_degree_pair([36.2, 117.1]),
            "a swapped pair is S-1's to name"
        );
        assert!(is_degree_pair([-180.0, 90.0]));
        assert!(!is_degree_pair([1e308, 36.0]));
        assert!(!is_degree_pair([117.0, -180.5]));
        assert!(!is_degree_pair([f64::NAN, 0.0]));
    }
}
