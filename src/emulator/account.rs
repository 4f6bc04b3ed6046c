//! Caller, org and workspace calls (fastio-api.md §2.1, §8).

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use serde_json::{Value, json};

use super::caller::Caller;
use super::wire::{self, ApiErr, ApiResult, Fields};
use super::{AppState, workspace_json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/user/auth/check", get(auth_check))
        .route("/user/me/details", get(me))
        .route("/user/{id}/details", get(me))
        .route("/orgs/list", get(orgs_member))
        .route("/orgs/list/external", get(orgs_external))
        .route("/orgs/all", get(orgs_member))
        .route("/org/{id}/details", get(org_details))
        .route("/org/{id}/list/workspaces", get(org_workspaces))
        .route("/workspaces/all", get(all_workspaces))
        .route("/workspaces/available", get(available_workspaces))
        .route("/workspace/{id}/details", get(workspace_details))
}

async fn auth_check(caller: Caller) -> ApiResult {
    wire::ok(json!({"id": caller.user_id}))
}

async fn me(caller: Caller) -> ApiResult {
    wire::ok(json!({"user": {
        "id": caller.user_id,
        "email_address": format!("user-{}@emulator.invalid", caller.user_id.chars().take(6).collect::<String>()),
        "first_name": "Emulator",
        "last_name": "User",
    }}))
}

fn org_json(state: &AppState) -> Value {
    json!({
        "id": state.org.id,
        "domain": state.org.domain,
        "name": state.org.name,
        "member": true,
    })
}

/// `limit` (1–500, default 100) and `offset` from the request.
fn offset_page(f: &Fields) -> Result<(usize, usize), ApiErr> {
    let limit: usize = f.parse("limit")?.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiErr::invalid("limit", "must be between 1 and 500"));
    }
    let offset: usize = f.parse("offset")?.unwrap_or(0);
    Ok((limit, offset))
}

fn paged(key: &str, items: Vec<Value>, limit: usize, offset: usize) -> ApiResult {
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    wire::ok(json!({
        key: page,
        "pagination": {"total": total, "limit": limit, "offset": offset,
                        "has_more": offset + limit < total},
    }))
}

async fn orgs_member(State(state): State<AppState>, _c: Caller, f: Fields) -> ApiResult {
    let (limit, offset) = offset_page(&f)?;
    paged("orgs", vec![org_json(&state)], limit, offset)
}

async fn orgs_external(_c: Caller, f: Fields) -> ApiResult {
    let (limit, offset) = offset_page(&f)?;
    paged("orgs", vec![], limit, offset)
}

async fn org_details(
    State(state): State<AppState>,
    _c: Caller,
    Path(id): Path<String>,
) -> ApiResult {
    if id != state.org.id && id != state.org.domain {
        return Err(ApiErr::not_found("org"));
    }
    wire::ok(json!({"org": org_json(&state)}))
}

async fn workspaces_json(state: &AppState) -> Result<Vec<Value>, ApiErr> {
    let org = state.org.clone();
    state
        .db(move |s| {
            Ok(s.workspaces()?
                .iter()
                .map(|w| workspace_json(w, &org))
                .collect())
        })
        .await
}

async fn org_workspaces(
    State(state): State<AppState>,
    _c: Caller,
    Path(id): Path<String>,
    f: Fields,
) -> ApiResult {
    if id != state.org.id && id != state.org.domain {
        return Err(ApiErr::not_found("org"));
    }
    let (limit, offset) = offset_page(&f)?;
    paged("workspaces", workspaces_json(&state).await?, limit, offset)
}

async fn all_workspaces(State(state): State<AppState>, _c: Caller, f: Fields) -> ApiResult {
    let (limit, offset) = offset_page(&f)?;
    paged("workspaces", workspaces_json(&state).await?, limit, offset)
}

async fn available_workspaces(_c: Caller, f: Fields) -> ApiResult {
    let (limit, offset) = offset_page(&f)?;
    paged("workspaces", vec![], limit, offset)
}

async fn workspace_details(
    State(state): State<AppState>,
    caller: Result<Caller, ApiErr>,
    Path(id): Path<String>,
) -> ApiResult {
    if state.has(super::Variant::NoWorkspaceDetails) {
        // A server implementing only the upload subset: the route does not exist.
        return Err(wire::route_not_found());
    }
    caller?;
    let ws = state.workspace_for(&id).await?;
    wire::ok(json!({"workspace": workspace_json(&ws, &state.org)}))
}
