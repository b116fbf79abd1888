//! Shared value types of Toponym: record ids, the record envelope, geometry in CGCS2000,
//! findings with bilingual messages, and the injected clock and id generator.
//!
//! This crate does no IO. Every other crate speaks these types, so a finding raised by
//! validation, QA or the store reaches the CLI and the app in one shape.

pub mod clock;
pub mod finding;
pub mod geometry;
pub mod ids;
pub mod limits;
pub mod messages;
pub mod record;
pub mod workflow;

pub use clock::{Clock, FixedClock, SystemClock};
pub use finding::{Finding, Message, Severity};
pub use geometry::{Geometry, GeometryKind, LonLat};
pub use ids::{IdGenerator, RecordId, SeededIdGenerator, V7IdGenerator};
pub use record::{Record, TemplateRef};
pub use workflow::WorkflowStatus;
