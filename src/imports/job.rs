//! Server-side URL imports: submit `/web_upload/` jobs and wait for each to reach a terminal
//! state. A submitted job proves nothing (imports fail silently on the server), so an import only
//! counts as done when its status is `complete` and the stored file is found.
//!
//! Waiting polls the job's details with backoff (0.3 s doubling to 5 s); every call goes through
//! the shared client, so a 429 anywhere pauses these polls too.

use std::time::{Duration, Instant};

use crate::api::imports::{self, ImportJob, ImportRequest, ImportStatus};
use crate::api::storage::{list_folder, node_details};
use crate::api::{ApiError, Client};

/// Where imports land.
#[derive(Debug, Clone)]
pub struct Destination {
    pub workspace_id: String,
    pub folder_id: String,
    /// The folder's remote path (`""` = root), to report where files landed.
    pub folder_path: String,
}

/// The stored file of a finished import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub job_id: String,
    pub node_id: Option<String>,
    pub path: String,
    pub size: Option<u64>,
}

/// Why one import did not end with a stored file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("submitting the import: {0}")]
    Submit(#[source] ApiError),
    #[error("import {status}: {message}")]
    Job {
        job_id: String,
        status: String,
        message: String,
    },
    #[error("no result after {waited} s (last status: {last_status})")]
    Timeout {
        job_id: String,
        waited: u64,
        last_status: String,
    },
    #[error("reading the import's status: {0}")]
    Poll(#[source] ApiError),
}

impl ImportError {
    /// The API error behind this failure, if it was one (for exit-status decisions).
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            ImportError::Submit(e) | ImportError::Poll(e) => Some(e),
            _ => None,
        }
    }

    pub fn job_id(&self) -> Option<&str> {
        match self {
            ImportError::Job { job_id, .. } | ImportError::Timeout { job_id, .. } => Some(job_id),
            _ => None,
        }
    }
}

/// Submit one job, retrying rate limits, connection failures and gateway errors (502/503/504)
/// a few times. A submit is not idempotent: a gateway error may hide a job that was created,
/// so a retry can start a second import of the same URL. That is accepted (it stores the same
/// file again, as a new version) because failing the URL on a passing gateway error is worse.
/// Other failures after the request may have arrived (500, a reset mid-answer) are not resent.
pub async fn submit(
    client: &Client,
    dest: &Destination,
    url: &str,
    file_name: Option<&str>,
) -> Result<String, ImportError> {
    let req = ImportRequest {
        source_url: url,
        workspace_id: &dest.workspace_id,
        folder_id: &dest.folder_id,
        file_name,
    };
    let mut attempt = 0u32;
    let mut throttles = crate::api::retry::Throttles::default();
    loop {
        match imports::submit(client, &req).await {
            Ok(id) => return Ok(id),
            // Waited out at the gate: not an attempt.
            Err(e) if throttles.again(&e, 20) => {}
            Err(e)
                if attempt < 4
                    && (matches!(e.status(), Some(502..=504))
                        || (e.is_transient() && !e.may_have_been_applied())) =>
            {
                attempt += 1;
                // The gate already holds everyone back after a 429; this is the backoff for 5xx.
                tokio::time::sleep(Duration::from_millis(250 << attempt)).await;
            }
            Err(e) => return Err(ImportError::Submit(e)),
        }
    }
}

/// Poll a job until it is terminal or `timeout` passes; `on_status` sees every status change.
/// On timeout the job is cancelled (best effort).
pub async fn wait(
    client: &Client,
    job_id: &str,
    timeout: Duration,
    mut on_status: impl FnMut(&ImportStatus),
) -> Result<ImportJob, ImportError> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(300);
    let mut last: Option<ImportStatus> = None;
    let mut poll_failures = 0;
    loop {
        match imports::details(client, job_id).await {
            Ok(job) => {
                poll_failures = 0;
                if last.as_ref() != Some(&job.status) {
                    on_status(&job.status);
                    last = Some(job.status.clone());
                }
                if job.status.is_terminal() {
                    return Ok(job);
                }
            }
            Err(e) if e.is_rate_limited() => {}
            Err(e) if e.is_transient() && poll_failures < 5 => poll_failures += 1,
            Err(e) => return Err(ImportError::Poll(e)),
        }
        let elapsed = start.elapsed();
        if elapsed >= timeout {
            let _ = imports::cancel(client, job_id).await;
            return Err(ImportError::Timeout {
                job_id: job_id.to_string(),
                waited: elapsed.as_secs(),
                last_status: last
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_else(|| "unknown".into()),
            });
        }
        tokio::time::sleep(delay.min(timeout - elapsed)).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// Turn a terminal job into the stored file (looked up by `new_file_id`, else by name in the
/// destination folder) or the job's failure.
pub async fn outcome(
    client: &Client,
    dest: &Destination,
    job: ImportJob,
) -> Result<Imported, ImportError> {
    if job.status != ImportStatus::Complete {
        return Err(ImportError::Job {
            job_id: job.id.clone(),
            status: job.status.as_str().to_string(),
            message: job
                .status_message
                .clone()
                .unwrap_or_else(|| "the server gave no reason".into()),
        });
    }
    let join = |name: &str| {
        if dest.folder_path.is_empty() {
            name.to_string()
        } else {
            format!("{}/{name}", dest.folder_path)
        }
    };
    if let Some(id) = &job.new_file_id
        && let Ok(node) = node_details(client, &dest.workspace_id, id).await
    {
        return Ok(Imported {
            job_id: job.id.clone(),
            node_id: Some(node.id.clone()),
            path: join(&node.name),
            size: node.size.or(job.size),
        });
    }
    if let Some(name) = &job.file_name
        && let Ok(children) = list_folder(client, &dest.workspace_id, &dest.folder_id).await
        && let Some(node) = children
            .into_iter()
            .find(|n| n.is_file() && &n.name == name)
    {
        return Ok(Imported {
            job_id: job.id.clone(),
            node_id: Some(node.id.clone()),
            path: join(&node.name),
            size: node.size.or(job.size),
        });
    }
    Ok(Imported {
        job_id: job.id.clone(),
        node_id: job.new_file_id.clone(),
        path: join(job.file_name.as_deref().unwrap_or("")),
        size: job.size,
    })
}
