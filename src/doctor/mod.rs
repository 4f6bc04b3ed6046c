//! `fastio doctor`: on the user's own account, check the credential, the workspace, the limits,
//! and then, in a scratch folder it creates and removes, every call this tool relies on. Each
//! check is timed and reported as it finishes; where the server's answer has another shape than
//! the canonical one (`../shared/fastio-api.md`), the field and the value seen are named
//! ([`Difference`]), so a first run against a new server says exactly what varies.
//!
//! Nothing here prints: checks go to a channel; the command renders them.

mod probes;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::api::{Client, Observation};

/// What to check.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--workspace` as given (id, folder name or name).
    pub workspace: String,
    /// Skip every call that writes.
    pub read_only: bool,
    /// Also URL import and AI questions.
    pub all: bool,
    /// The URL `import-url` imports (default: a file served on loopback when the API is).
    pub import_url: Option<String>,
    /// How long a session may take to reach `stored`.
    pub assembly_timeout: Duration,
    /// The `client_info` sent with the lock check.
    pub client_info: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    Skip,
}

impl Outcome {
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "skip",
        }
    }
}

/// Where an answer differed from what the client expects by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub field: String,
    pub expected: String,
    pub seen: String,
}

impl Difference {
    fn new(field: &str, expected: &str, seen: impl Into<String>) -> Difference {
        Difference {
            field: field.to_string(),
            expected: expected.to_string(),
            seen: seen.into(),
        }
    }
}

/// One finished check.
#[derive(Debug, Clone)]
pub struct Check {
    pub name: &'static str,
    pub outcome: Outcome,
    pub elapsed: Duration,
    pub detail: String,
    pub differences: Vec<Difference>,
}

/// The whole run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub checks: Vec<Check>,
    pub interrupted: bool,
}

impl Report {
    pub fn failed(&self) -> usize {
        self.checks
            .iter()
            .filter(|c| c.outcome == Outcome::Fail)
            .count()
    }

    pub fn passed(&self) -> usize {
        self.checks
            .iter()
            .filter(|c| c.outcome == Outcome::Pass)
            .count()
    }

    pub fn skipped(&self) -> usize {
        self.checks
            .iter()
            .filter(|c| c.outcome == Outcome::Skip)
            .count()
    }
}

/// What a probe returns: a detail line and the differences seen, or why it failed.
pub(crate) struct Found {
    pub detail: String,
    pub differences: Vec<Difference>,
}

pub(crate) type Probe<T> = Result<(T, Found), Found>;

/// Answers seen since the last [`Recorder::take`].
#[derive(Default, Clone)]
pub(crate) struct Recorder(Arc<Mutex<Vec<Observation>>>);

impl Recorder {
    pub fn take(&self) -> Vec<Observation> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }

    /// The answers of the check so far.
    pub fn peek(&self) -> Vec<Observation> {
        self.0.lock().unwrap().clone()
    }
}

/// Runs the checks in order, sending each as it finishes, and always cleans up.
pub(crate) struct Doctor {
    pub client: Client,
    pub opts: Options,
    pub seen: Recorder,
    /// Every answer of the run (for the rate-limit header check).
    pub all_seen: Mutex<Vec<Observation>>,
    pub workspace_id: Mutex<Option<String>>,
    /// The scratch folder, once created.
    pub scratch: Mutex<Option<String>>,
    /// Upload sessions opened (deleted at the end).
    pub sessions: Mutex<Vec<String>>,
    /// Why the checks after a failed credential check do not run.
    pub blocked: Mutex<Option<&'static str>>,
    tx: UnboundedSender<Check>,
    report: Mutex<Report>,
}

impl Doctor {
    fn send(&self, check: Check) {
        let _ = self.tx.send(check.clone());
        self.report.lock().unwrap().checks.push(check);
    }

    /// Run one probe, timed, and report it.
    pub(crate) async fn check<T>(
        &self,
        name: &'static str,
        probe: impl std::future::Future<Output = Probe<T>>,
    ) -> Option<T> {
        self.seen.take();
        let started = Instant::now();
        let r = probe.await;
        let seen = self.seen.take();
        self.all_seen.lock().unwrap().extend(seen);
        let elapsed = started.elapsed();
        let (value, outcome, found) = match r {
            Ok((v, found)) => (Some(v), Outcome::Pass, found),
            Err(found) => (None, Outcome::Fail, found),
        };
        self.send(Check {
            name,
            outcome,
            elapsed,
            detail: found.detail,
            differences: found.differences,
        });
        value
    }

    pub(crate) fn skip(&self, name: &'static str, why: &str) {
        self.send(Check {
            name,
            outcome: Outcome::Skip,
            elapsed: Duration::ZERO,
            detail: why.to_string(),
            differences: Vec::new(),
        });
    }

    pub(crate) fn ws(&self) -> String {
        self.workspace_id
            .lock()
            .unwrap()
            .clone()
            .unwrap_or_default()
    }
}

/// Check `client`'s server. Checks arrive on `tx` as they finish; the report is returned at
/// the end. When `stop` fires, no further check starts, and the scratch folder is removed all
/// the same.
pub async fn run(
    client: &Client,
    opts: Options,
    tx: UnboundedSender<Check>,
    stop: CancellationToken,
) -> Report {
    let seen = Recorder::default();
    let sink = seen.0.clone();
    let client = client.observed(Arc::new(move |o: Observation| {
        sink.lock().unwrap().push(o);
    }));
    let doctor = Doctor {
        client,
        opts,
        seen,
        all_seen: Mutex::new(Vec::new()),
        workspace_id: Mutex::new(None),
        scratch: Mutex::new(None),
        sessions: Mutex::new(Vec::new()),
        blocked: Mutex::new(None),
        tx,
        report: Mutex::new(Report::default()),
    };
    let interrupted = tokio::select! {
        _ = probes::all(&doctor) => false,
        _ = stop.cancelled() => true,
    };
    probes::cleanup(&doctor).await;
    let mut report = std::mem::take(&mut *doctor.report.lock().unwrap());
    report.interrupted = interrupted;
    report
}

/// The shape differences of a success envelope: canonical is nested under `response` with
/// `"result": "yes"`, except for the upload endpoints, which answer flat with `true`.
pub(crate) fn envelope_differences(obs: &[Observation], path_prefix: &str) -> Vec<Difference> {
    let Some(o) = obs
        .iter()
        .rev()
        .find(|o| o.path.starts_with(path_prefix) && (200..300).contains(&o.status))
    else {
        return Vec::new();
    };
    let flat_canonical = o.path == "/upload/" || o.path.starts_with("/upload/batch");
    let mut out = Vec::new();
    let nested = o.body.get("response").is_some();
    match (flat_canonical, nested) {
        (true, true) => out.push(Difference::new(
            "envelope",
            "flat",
            "payload nested under `response`",
        )),
        (false, false) => out.push(Difference::new(
            "envelope",
            "nested under `response`",
            "flat payload",
        )),
        _ => {}
    }
    let canonical = if flat_canonical { "true" } else { "\"yes\"" };
    if let Some(r) = o.body.get("result") {
        let seen = r.to_string();
        if seen != canonical {
            out.push(Difference::new("result", canonical, seen));
        }
    }
    out
}

/// The first answer to a path that starts with `prefix`.
pub(crate) fn answer<'a>(obs: &'a [Observation], prefix: &str) -> Option<&'a Observation> {
    obs.iter().find(|o| o.path.starts_with(prefix))
}

/// The payload of an observed answer (nested or flat).
pub(crate) fn payload_of(o: &Observation) -> Value {
    crate::api::envelope::payload(o.body.clone())
}
