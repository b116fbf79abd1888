//! File-system guards shared by every command that reads untrusted input or writes a file.
//!
//! * [`OutputFile`]: the one way to write an output file (exports, bundles, reports,
//!   PDFs). It refuses a path that is a survey store, its key sidecar, a WAL/SHM/journal
//!   of a store, any other database, or anything that is not a regular file; it refuses an
//!   existing file unless asked to replace it; it writes a temporary file in the same
//!   directory, created readable by its owner only, and renames it into place only when
//!   complete; a temporary left behind by a killed process is removed by the next write to
//!   the same directory.
//! * [`read_capped`]: reads a whole input with a hard size cap, so `/dev/zero` or a 10 GB
//!   file is an error that names the file, never an out-of-memory kill.
//! * [`store_files`]: the names of a store's companion files, so that this crate, the
//!   store and the tests agree on what must never be overwritten.

mod capped;
mod output;
pub mod store_files;

pub use capped::{read_capped, read_capped_text, ReadError};
pub use output::{remove_live_temporaries, OutputError, OutputFile, OutputOptions};
