//! Server-side URL imports as a workflow, beside the upload engine: [`input`] checks what the
//! user gave, [`job`] submits one `/web_upload/` job and waits for its stored file, and [`run`]
//! imports many at once, reporting each step as an [`ImportEvent`]. Nothing here prints; the
//! exit code of a run is chosen in `exit.rs` from its [`ImportSummary`].

pub mod input;
pub mod job;
pub mod run;

pub use job::{Destination, ImportError, Imported};
pub use run::{ImportEvent, ImportOptions, ImportSummary, import_all};
