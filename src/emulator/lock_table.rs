//! The lock table: which node is locked by whom until when. `locks.rs` exposes it over HTTP;
//! write paths (uploads, overwrites) call [`LockTable::check_write`] and refuse foreign writes
//! with 423/1677.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::caller::Caller;
use super::ids;
use super::wire::ApiErr;

/// One held lock.
#[derive(Debug, Clone)]
pub struct Lock {
    pub node_id: String,
    pub lock_token: String,
    pub user_id: String,
    /// [`Caller::principal`] of the holder.
    pub principal: String,
    pub expires: SystemTime,
    pub duration: u64,
    pub client_info: Value,
    pub acquired: SystemTime,
}

fn epoch(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

impl Lock {
    /// The public description (no token): the emulator's `lock` object.
    pub fn to_json(&self) -> Value {
        json!({
            "node_id": self.node_id,
            "locked_by": self.user_id,
            "expires": epoch(self.expires),
            "duration": self.duration,
            "client_info": self.client_info,
            "acquired": epoch(self.acquired),
        })
    }

    /// The description with the token (for the holder, on acquire).
    pub fn to_json_with_token(&self) -> Value {
        let mut v = self.to_json();
        v["lock_token"] = json!(self.lock_token);
        v
    }
}

/// Why an acquire failed.
#[derive(Debug)]
pub enum AcquireError {
    /// Someone else holds it.
    HeldByOther(Box<Lock>),
}

/// All locks, keyed by node id. Expired locks vanish on access.
#[derive(Default)]
pub struct LockTable {
    locks: Mutex<HashMap<String, Lock>>,
}

impl LockTable {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Lock>> {
        let mut m = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        let now = SystemTime::now();
        m.retain(|_, l| l.expires > now);
        m
    }

    /// Take the lock on `node` for `duration` seconds. Re-acquiring a lock you already hold
    /// extends it and keeps its token.
    pub fn acquire(
        &self,
        node: &str,
        caller: &Caller,
        duration: u64,
        client_info: Value,
    ) -> Result<Lock, AcquireError> {
        let node = ids::canonical(node);
        let mut m = self.map();
        let now = SystemTime::now();
        if let Some(l) = m.get_mut(&node) {
            if l.principal != caller.principal {
                return Err(AcquireError::HeldByOther(Box::new(l.clone())));
            }
            l.expires = now + Duration::from_secs(duration);
            l.duration = duration;
            l.client_info = client_info;
            return Ok(l.clone());
        }
        let lock = Lock {
            node_id: node.clone(),
            lock_token: ids::random_alnum(40),
            user_id: caller.user_id.clone(),
            principal: caller.principal.clone(),
            expires: now + Duration::from_secs(duration),
            duration,
            client_info,
            acquired: now,
        };
        m.insert(node, lock.clone());
        Ok(lock)
    }

    /// No node is locked (lets write paths skip walking folder ancestors).
    pub fn is_empty(&self) -> bool {
        self.map().is_empty()
    }

    /// The current lock on `node`, if any.
    pub fn get(&self, node: &str) -> Option<Lock> {
        self.map().get(&ids::canonical(node)).cloned()
    }

    /// Extend the lock for another `duration` (or its original duration). The token must match.
    pub fn heartbeat(
        &self,
        node: &str,
        token: &str,
        duration: Option<u64>,
    ) -> Result<Lock, ApiErr> {
        let mut m = self.map();
        let Some(l) = m.get_mut(&ids::canonical(node)) else {
            return Err(ApiErr::not_found("lock"));
        };
        if l.lock_token != token {
            return Err(ApiErr::locked("the lock is held by someone else"));
        }
        let d = duration.unwrap_or(l.duration);
        l.duration = d;
        l.expires = SystemTime::now() + Duration::from_secs(d);
        Ok(l.clone())
    }

    /// Release the lock. The token must match.
    pub fn release(&self, node: &str, token: &str) -> Result<Lock, ApiErr> {
        let mut m = self.map();
        let key = ids::canonical(node);
        match m.get(&key) {
            None => Err(ApiErr::not_found("lock")),
            Some(l) if l.lock_token != token => {
                Err(ApiErr::locked("the lock is held by someone else"))
            }
            Some(_) => Ok(m.remove(&key).expect("present")),
        }
    }

    /// May `caller` write to `node`? Unlocked, locked by the same principal, or `lock_token`
    /// matches → yes; otherwise 423/1677.
    /// May `caller` write into the folder `node` (an upload into it)? As [`Self::check_write`],
    /// except that with `holder_too` (the `folder-lock-binds-holder` variant) a lock binds its
    /// holder as well: only its token lets an upload through.
    pub fn check_write_into(
        &self,
        node: &str,
        caller: &Caller,
        lock_token: Option<&str>,
        holder_too: bool,
    ) -> Result<(), ApiErr> {
        match self.get(node) {
            Some(l) if holder_too && lock_token != Some(l.lock_token.as_str()) => {
                Err(ApiErr::locked(format!(
                    "folder {} is locked (by user {}); uploads into it need its lock token",
                    l.node_id, l.user_id
                ))
                .with_params(json!({"lock": l.to_json()})))
            }
            _ => self.check_write(node, caller, lock_token),
        }
    }

    pub fn check_write(
        &self,
        node: &str,
        caller: &Caller,
        lock_token: Option<&str>,
    ) -> Result<(), ApiErr> {
        match self.get(node) {
            None => Ok(()),
            Some(l) if l.principal == caller.principal => Ok(()),
            Some(l) if lock_token == Some(l.lock_token.as_str()) => Ok(()),
            Some(l) => Err(ApiErr::locked(format!(
                "node {} is locked by user {}",
                l.node_id, l.user_id
            ))
            .with_params(json!({"lock": l.to_json()}))),
        }
    }
}
