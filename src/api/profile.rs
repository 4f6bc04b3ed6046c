//! Where storage and upload calls go: a workspace or a share (fastio-api.md §1.1 "Contexts":
//! `/workspace/{id}/…` and `/share/{id}/…` are twins; uploads say `profile_type=workspace` or
//! `share`). Through the upload engine, the resume journal and receipts the target travels as
//! one key string: a workspace id as it is, or `share:{id}` for a share ([`Profile::key`]).

/// A share password that cannot travel in a header (a control character or a line break).
#[derive(Debug, thiserror::Error)]
#[error(
    "the share password has a character a header cannot carry (a control character or a line break)"
)]
pub struct BadSharePassword;

/// Prefix of a share's key.
const SHARE: &str = "share:";

/// A workspace or a share, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile<'a> {
    Workspace(&'a str),
    Share(&'a str),
}

impl<'a> Profile<'a> {
    /// The profile a key names: `share:{id}` is a share, anything else a workspace id.
    pub fn of(key: &'a str) -> Profile<'a> {
        match key.strip_prefix(SHARE) {
            Some(id) => Profile::Share(id),
            None => Profile::Workspace(key),
        }
    }

    /// The key of share `id` (for options, journals and receipts).
    pub fn share_key(id: &str) -> String {
        format!("{SHARE}{id}")
    }

    /// The profile's id (`instance_id` of uploads).
    pub fn id(self) -> &'a str {
        match self {
            Profile::Workspace(id) | Profile::Share(id) => id,
        }
    }

    /// `workspace` or `share`: the path segment and the `profile_type` of uploads.
    pub fn kind(self) -> &'static str {
        match self {
            Profile::Workspace(_) => "workspace",
            Profile::Share(_) => "share",
        }
    }

    /// `/workspace/{id}` or `/share/{id}`, the id segment-encoded.
    pub fn prefix(self) -> String {
        format!("/{}/{}", self.kind(), super::segment(self.id()))
    }

    pub fn is_share(self) -> bool {
        matches!(self, Profile::Share(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_workspaces_and_shares() {
        assert_eq!(Profile::of("123"), Profile::Workspace("123"));
        assert_eq!(Profile::of("share:77"), Profile::Share("77"));
        assert_eq!(Profile::of(&Profile::share_key("77")).id(), "77");
        assert_eq!(Profile::of("share:77").prefix(), "/share/77");
        assert_eq!(Profile::of("1").prefix(), "/workspace/1");
        assert_eq!(Profile::of("share:77").kind(), "share");
    }
}

/// A share `upload --share` / `verify --share` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub id: String,
    pub name: String,
}

/// Why a share cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error("share `{0}` not found")]
    NotFound(String),
    /// A share call answered 401 while the credential itself is accepted: the share's link
    /// password is missing or wrong (the official CLI reads a 401/1650 on a share call so).
    #[error(
        "share `{0}`: its password is missing or wrong (give it with --share-password or \
         FASTIO_SHARE_PASSWORD)"
    )]
    Password(String),
}

/// `GET /share/{id or name}/details/` → the share (payload key `share`, or the payload itself;
/// a share's path slot also takes its custom name). Its password (if the client carries one)
/// goes along, so a wrong one is found here, before anything is sent.
pub async fn resolve_share(client: &super::Client, id_or_name: &str) -> anyhow::Result<Share> {
    use super::envelope::string_field;
    let wanted = id_or_name.trim();
    let path = format!("/share/{}/details/", super::segment(wanted));
    match client.get(&path, &[]).await {
        Ok(payload) => {
            let s = payload.get("share").unwrap_or(&payload);
            let id = string_field(s, "id").ok_or_else(|| super::ApiError::Decode {
                method: "GET".into(),
                path: path.clone(),
                detail: "no share id in the details payload".into(),
            })?;
            let name = string_field(s, "name")
                .or_else(|| string_field(s, "custom_name"))
                .unwrap_or_else(|| wanted.to_string());
            Ok(Share { id, name })
        }
        Err(e) if e.is_not_found() => Err(ShareError::NotFound(wanted.to_string()).into()),
        Err(e) if e.status() == Some(401) => {
            // The credential itself, or the share's password?
            match client.get("/user/auth/check/", &[]).await {
                Ok(_) => Err(ShareError::Password(wanted.to_string()).into()),
                Err(_) => Err(e.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}
