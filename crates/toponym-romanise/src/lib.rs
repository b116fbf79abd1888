//! Romanisation of place names by the 1984 rules (sans-IO).
