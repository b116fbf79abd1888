//! App use cases that are not the store's: unlocking a survey, the survey home, the
//! investigation list, generated forms, live validation and romanisation, saving with the
//! completion gate, history, photos and map layers, the survey-wide quality report and
//! warnings accepted with a reason, members and review. The Tauri commands in `src-tauri` are
//! one-line adapters over the functions here, so the same behaviour is testable without a
//! window.

mod coords;
pub mod derive;
pub mod dto;
pub mod error;
mod files;
pub mod people;
pub mod quality;
mod reference;
mod session;

pub use coords::parse_coords;
pub use error::AppError;
pub use files::{open_basemap, probe_basemap, recent_surveys, remember_survey, BasemapSource};
pub use people::unlock_slots;
pub use reference::map_layers;
pub use session::{Deps, Session, UnlockTimings};
/// The MBTiles reader behind [`BasemapSource::Mbtiles`], for the shell that serves it.
pub use toponym_store::mbtiles::MbTiles;
