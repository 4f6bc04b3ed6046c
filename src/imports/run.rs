//! Many imports at once (`--concurrency`), each submitted, then (unless `--no-wait`) waited for
//! until its file is stored or it fails.

use std::time::{Duration, Instant};

use futures_util::StreamExt;

use super::job::{self, Destination, ImportError, Imported};
use crate::api::{ApiError, Client};

/// How to import.
pub struct ImportOptions {
    /// `--name` for a single URL.
    pub name: Option<String>,
    /// Submit only; do not wait for the jobs.
    pub no_wait: bool,
    /// How long one job is waited for.
    pub timeout: Duration,
    pub concurrency: usize,
}

/// What happened, URL by URL, in the order it happened.
#[derive(Debug)]
pub enum ImportEvent {
    /// The server took the job.
    Submitted { url: String, job_id: String },
    /// The job's status changed while it was waited for.
    Status { url: String, status: String },
    /// The file is stored.
    Done { url: String, imported: Imported },
    /// Submitted and not waited for (`--no-wait`).
    NotWaited { url: String, job_id: String },
    Failed {
        url: String,
        job_id: Option<String>,
        error: ImportError,
    },
}

/// The counts of a finished run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub total: usize,
    pub imported: usize,
    pub submitted: usize,
    pub failed: usize,
    /// Failures because the credential was refused (401/403).
    pub refused: usize,
    /// Failures because the server could not be reached.
    pub unreachable: usize,
    pub wall: Duration,
}

/// How one URL ended.
enum Outcome {
    Done(Imported),
    NotWaited(String),
    Failed(Option<String>, ImportError),
}

/// Import every URL of `urls` into `dest`; every step goes to `on_event`.
pub async fn import_all(
    client: &Client,
    dest: &Destination,
    urls: Vec<String>,
    opts: &ImportOptions,
    on_event: impl Fn(ImportEvent),
) -> ImportSummary {
    let started = Instant::now();
    let mut summary = ImportSummary {
        total: urls.len(),
        ..ImportSummary::default()
    };
    let on_event = &on_event;
    let mut results = futures_util::stream::iter(urls.into_iter().map(|url| async move {
        let job_id = match job::submit(client, dest, &url, opts.name.as_deref()).await {
            Ok(id) => id,
            Err(error) => return (url, Outcome::Failed(None, error)),
        };
        on_event(ImportEvent::Submitted {
            url: url.clone(),
            job_id: job_id.clone(),
        });
        if opts.no_wait {
            return (url, Outcome::NotWaited(job_id));
        }
        let waited = job::wait(client, &job_id, opts.timeout, |status| {
            on_event(ImportEvent::Status {
                url: url.clone(),
                status: status.as_str().to_string(),
            })
        })
        .await;
        let outcome = match waited {
            Ok(j) => job::outcome(client, dest, j).await,
            Err(e) => Err(e),
        };
        match outcome {
            Ok(imported) => (url, Outcome::Done(imported)),
            Err(error) => (url, Outcome::Failed(Some(job_id), error)),
        }
    }))
    .buffer_unordered(opts.concurrency.max(1));

    while let Some((url, outcome)) = results.next().await {
        let event = match outcome {
            Outcome::Done(imported) => {
                summary.imported += 1;
                ImportEvent::Done { url, imported }
            }
            Outcome::NotWaited(job_id) => {
                summary.submitted += 1;
                ImportEvent::NotWaited { url, job_id }
            }
            Outcome::Failed(job_id, error) => {
                summary.failed += 1;
                if error.api().is_some_and(ApiError::is_auth) {
                    summary.refused += 1;
                }
                if matches!(error.api(), Some(ApiError::Transport { .. })) {
                    summary.unreachable += 1;
                }
                let job_id = job_id.or_else(|| error.job_id().map(str::to_owned));
                ImportEvent::Failed { url, job_id, error }
            }
        };
        on_event(event);
    }
    summary.wall = started.elapsed();
    summary
}
