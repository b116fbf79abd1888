//! Reference tables: division codes, code history, township changes, aliases, boundaries.
