//! `fastio ls` on stdout: one line (or NDJSON object) per entry as the pages arrive, and a
//! count at the end.

use indicatif::HumanBytes;
use serde_json::json;

use super::{Printer, escape_control, json_line};
use crate::api::{Node, Workspace};

/// Writes a listing, entry by entry.
pub struct Lister {
    printer: Printer,
    long: bool,
    files: u64,
    folders: u64,
    bytes: u64,
}

impl Lister {
    pub fn new(printer: Printer, long: bool) -> Lister {
        Lister {
            printer,
            long,
            files: 0,
            folders: 0,
            bytes: 0,
        }
    }

    /// One entry at remote path `path`.
    pub fn entry(&mut self, path: &str, n: &Node) {
        let size = n.size.unwrap_or(0);
        if n.is_folder() {
            self.folders += 1;
        } else {
            self.files += 1;
            self.bytes += size;
        }
        if self.printer.json {
            json_line(
                json!({"type": "entry", "path": path, "name": n.name, "kind": n.kind,
                "id": n.id, "size": (!n.is_folder()).then_some(size), "modified": n.modified,
                "hash": n.hash, "hash_algo": n.hash_algo}),
            );
            return;
        }
        let shown = escape_control(path);
        let slash = if n.is_folder() { "/" } else { "" };
        let line = match self.long {
            false => format!("{shown}{slash}"),
            true => {
                let size = match n.is_folder() {
                    true => "-".to_string(),
                    false => size.to_string(),
                };
                let modified = n.modified.as_deref().unwrap_or("-");
                let hash = match (&n.hash, &n.hash_algo) {
                    (Some(h), Some(a)) => format!("{a}:{h}"),
                    _ => "-".into(),
                };
                format!("{size:>14}  {modified:<24}  {hash}  {shown}{slash}")
            }
        };
        self.printer.result(&line);
    }

    /// One workspace.
    pub fn workspace(&mut self, w: &Workspace) {
        self.folders += 1;
        if self.printer.json {
            json_line(json!({"type": "workspace", "id": w.id, "name": w.name,
                "folder_name": w.folder_name}));
        } else {
            self.printer
                .result(&format!("{}  {}", w.id, escape_control(&w.name)));
        }
    }

    /// The count: on stderr, or the `ls_summary` object.
    pub fn finish(self, what: &str, workspaces: bool) {
        if self.printer.json {
            let v = match workspaces {
                true => json!({"type": "ls_summary", "workspaces": self.folders}),
                false => json!({"type": "ls_summary", "path": what, "files": self.files,
                    "folders": self.folders, "bytes": self.bytes}),
            };
            json_line(v);
        } else if workspaces {
            self.printer.line(&format!("{} workspaces", self.folders));
        } else {
            let place = if what.is_empty() { "/" } else { what };
            self.printer.line(&format!(
                "`{place}`: {} files ({}), {} folders",
                self.files,
                HumanBytes(self.bytes),
                self.folders
            ));
        }
    }
}
