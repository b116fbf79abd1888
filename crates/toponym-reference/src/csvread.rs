//! Shared CSV reading with errors that name the file, line and reason, and that notice a
//! file cut short (every shipped CSV ends with a line end, so a missing one means truncation).

use crate::error::RefError;

/// One data row and the line it started on.
pub(crate) struct Row {
    pub line: u64,
    pub rec: csv::StringRecord,
}

impl Row {
    pub fn get(&self, i: usize) -> &str {
        self.rec.get(i).unwrap_or("").trim()
    }
}

/// Reads `text` as CSV (or TSV with `delim = b'\t'`) whose first line must equal `header`.
pub(crate) fn read(
    file: &str,
    text: &str,
    header: &[&str],
    delim: u8,
) -> Result<Vec<Row>, RefError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(RefError::Truncated {
            file: file.to_owned(),
            line: 1,
            reason: "the file is empty".into(),
        });
    }
    if !text.ends_with('\n') {
        let line = text.lines().count() as u64;
        return Err(RefError::Truncated {
            file: file.to_owned(),
            line,
            reason: "the last line has no line end, the file was cut short".into(),
        });
    }
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut first = true;
    for item in rdr.records() {
        let rec = item.map_err(|e| csv_error(file, &e))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        if first {
            first = false;
            let found: Vec<&str> = rec.iter().map(str::trim).collect();
            if found != header {
                return Err(RefError::Header {
                    file: file.to_owned(),
                    expected: header.join(","),
                    found: found.join(","),
                });
            }
            continue;
        }
        if rec.len() != header.len() {
            return Err(RefError::malformed(
                file,
                line,
                format!("expected {} fields, found {}", header.len(), rec.len()),
            ));
        }
        out.push(Row { line, rec });
    }
    Ok(out)
}

fn csv_error(file: &str, e: &csv::Error) -> RefError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    RefError::malformed(file, line, format!("not readable as CSV: {e}"))
}

/// Whether `s` is exactly `n` ASCII digits.
pub(crate) fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses a year column (four digits).
pub(crate) fn year(file: &str, line: u64, col: &str, s: &str) -> Result<i32, RefError> {
    if is_digits(s, 4) {
        s.parse()
            .map_err(|_| RefError::malformed(file, line, format!("{col} `{s}` is not a year")))
    } else {
        Err(RefError::malformed(
            file,
            line,
            format!("{col} `{s}` is not a four-digit year"),
        ))
    }
}
