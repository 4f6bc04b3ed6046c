//! Holding a lock for the length of a job: acquire (optionally waiting for another holder to
//! let go), heartbeat in the background, notice when the lock is lost, release at the end.
//! Used by `fastio lock run` and `fastio upload --lock`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::locks::{self, LockInfo};
use crate::api::{ApiError, Client};

/// Why a lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum AcquireError {
    /// Someone else holds it (and `--wait`, if any, ran out).
    #[error("{target} is locked by {}{}", holder_text(.holder), expiry_text(.holder))]
    Locked {
        target: String,
        holder: Option<LockInfo>,
    },
    #[error("locking {target}: {source}")]
    Api {
        target: String,
        #[source]
        source: ApiError,
    },
}

fn holder_text(holder: &Option<LockInfo>) -> String {
    let Some(h) = holder else {
        return "another client".into();
    };
    let who = h.locked_by.as_deref().unwrap_or("another client");
    match h.device_name() {
        Some(dev) => format!("{who} ({dev})"),
        None => who.to_string(),
    }
}

fn expiry_text(holder: &Option<LockInfo>) -> String {
    holder
        .as_ref()
        .and_then(|h| h.expires_in(now_epoch()))
        .map(|s| format!(", expires in {}", human_secs(s)))
        .unwrap_or_default()
}

/// `75` → `1m 15s`.
pub fn human_secs(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m {}s", secs / 60, secs % 60),
        _ => format!("{}h {}m", secs / 3600, (secs % 3600) / 60),
    }
}

pub fn now_epoch() -> i64 {
    chrono::Utc::now().timestamp()
}

/// How to acquire.
#[derive(Debug, Clone)]
pub struct AcquireOpts {
    pub duration: u64,
    /// Keep retrying this long while another client holds the lock.
    pub wait: Option<Duration>,
    pub client_info: Value,
    /// Heartbeat period; `None` = a third of the duration.
    pub heartbeat_every: Option<Duration>,
}

/// Acquire once, or keep trying while locked until `opts.wait` runs out. `target` names the
/// node in messages (the remote path as the user typed it).
pub async fn acquire(
    client: &Client,
    workspace_id: &str,
    node_id: &str,
    target: &str,
    opts: &AcquireOpts,
) -> Result<LockInfo, AcquireError> {
    let deadline = opts.wait.map(|w| {
        let now = Instant::now();
        now.checked_add(w)
            .unwrap_or(now + Duration::from_secs(86400))
    });
    loop {
        match locks::acquire(
            client,
            workspace_id,
            node_id,
            opts.duration,
            &opts.client_info,
        )
        .await
        {
            Ok(info) => return Ok(info),
            Err(e) if locks::is_locked_error(&e) => {
                let holder = locks::status(client, workspace_id, node_id)
                    .await
                    .ok()
                    .and_then(|s| s.lock);
                let now = Instant::now();
                let Some(deadline) = deadline.filter(|d| *d > now) else {
                    return Err(AcquireError::Locked {
                        target: target.to_string(),
                        holder,
                    });
                };
                // Poll every second or two; no sooner than needed, never past the deadline.
                let pause = Duration::from_millis(1000 + rand::random_range(0..500));
                tokio::time::sleep(pause.min(deadline - now)).await;
            }
            Err(e) if e.is_transient() && deadline.is_some_and(|d| d > Instant::now()) => {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(source) => {
                return Err(AcquireError::Api {
                    target: target.to_string(),
                    source,
                });
            }
        }
    }
}

/// A lock we hold, kept alive by a background heartbeat until [`HeldLock::release`].
pub struct HeldLock {
    client: Client,
    workspace_id: String,
    node_id: String,
    token: String,
    info: LockInfo,
    lost: watch::Receiver<Option<String>>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for HeldLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldLock")
            .field("node_id", &self.node_id)
            .finish_non_exhaustive()
    }
}

impl HeldLock {
    /// Acquire (see [`acquire`]) and start heartbeating every third of the duration.
    pub async fn acquire(
        client: &Client,
        workspace_id: &str,
        node_id: &str,
        target: &str,
        opts: &AcquireOpts,
    ) -> Result<HeldLock, AcquireError> {
        let info = acquire(client, workspace_id, node_id, target, opts).await?;
        let token = info.token.clone().unwrap_or_default();
        let (tx, rx) = watch::channel(None);
        let beat = Heartbeat {
            client: client.clone(),
            workspace_id: workspace_id.into(),
            node_id: node_id.into(),
            token: Arc::from(token.as_str()),
            duration: Duration::from_secs(opts.duration),
            every: opts.heartbeat_every,
        };
        let task = tokio::spawn(beat.run(tx));
        Ok(HeldLock {
            client: client.clone(),
            workspace_id: workspace_id.into(),
            node_id: node_id.into(),
            token,
            info,
            lost: rx,
            task,
        })
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn info(&self) -> &LockInfo {
        &self.info
    }

    pub fn node_id(&self) -> &str {
        &self.node_id
    }

    /// Resolves when the lock is lost (a heartbeat was refused), with the reason. Never
    /// resolves while the lock is held.
    pub async fn lost(&self) -> String {
        let mut rx = self.lost.clone();
        loop {
            if let Some(reason) = rx.borrow_and_update().clone() {
                return reason;
            }
            if rx.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }

    /// Whether the lock has been lost already.
    pub fn is_lost(&self) -> Option<String> {
        self.lost.borrow().clone()
    }

    /// Stop heartbeating and release. Transient failures are retried a few times.
    pub async fn release(self) -> Result<(), ApiError> {
        self.task.abort();
        let mut attempt = 0;
        loop {
            match locks::release(&self.client, &self.workspace_id, &self.node_id, &self.token).await
            {
                Ok(()) => return Ok(()),
                Err(e) if (e.is_transient() || e.is_rate_limited()) && attempt < 3 => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(500 << attempt)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Heartbeat {
    client: Client,
    workspace_id: String,
    node_id: String,
    token: Arc<str>,
    duration: Duration,
    every: Option<Duration>,
}

impl Heartbeat {
    async fn run(self, lost: watch::Sender<Option<String>>) {
        let interval = self
            .every
            .unwrap_or((self.duration / 3).max(Duration::from_secs(1)));
        let mut expires = Instant::now() + self.duration;
        let mut next = Instant::now() + interval;
        loop {
            tokio::time::sleep_until(next.into()).await;
            match locks::heartbeat(&self.client, &self.workspace_id, &self.node_id, &self.token)
                .await
            {
                Ok(_) => {
                    expires = Instant::now() + self.duration;
                    next = Instant::now() + interval;
                }
                Err(e) if e.is_transient() || e.is_rate_limited() => {
                    if Instant::now() + Duration::from_secs(2) >= expires {
                        let _ = lost.send(Some(format!(
                            "heartbeat failed until the lock expired: {e}"
                        )));
                        return;
                    }
                    next = Instant::now() + Duration::from_secs(2);
                }
                Err(e) => {
                    let _ = lost.send(Some(format!("heartbeat refused: {e}")));
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations() {
        assert_eq!(human_secs(5), "5s");
        assert_eq!(human_secs(75), "1m 15s");
        assert_eq!(human_secs(3700), "1h 1m");
    }

    #[test]
    fn locked_message_names_holder_and_expiry() {
        let holder = LockInfo {
            locked_by: Some("user 42".into()),
            expires_epoch: Some(now_epoch() + 125),
            client_info: Some(serde_json::json!({"device_name": "ci-3"})),
            ..LockInfo::default()
        };
        let msg = AcquireError::Locked {
            target: "reports".into(),
            holder: Some(holder),
        }
        .to_string();
        assert!(
            msg.starts_with("reports is locked by user 42 (ci-3), expires in 2m"),
            "{msg}"
        );
    }
}
