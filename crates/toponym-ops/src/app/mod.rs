//! App use cases that are not the store's: unlocking a survey, the survey home, the
//! investigation list, generated forms, live validation and romanisation, saving with the
//! completion gate, history, photos and map layers. The Tauri commands in `src-tauri` are
//! one-line adapters over the functions here, so the same behaviour is testable without a
//! window.

pub mod derive;
pub mod dto;
pub mod error;

pub use error::AppError;
mod placeholder;

pub use placeholder::{parse_coords, probe_basemap, recent_surveys, Session};
