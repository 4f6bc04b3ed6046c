//! How `fastio ask` shows an answer: text with numbered sources, or one `--json` object:
//! `{"v":1,"type":"answer","state","raw_state","question","answer","citations":[{"n",
//! "node_id","version_id","path","page","snippet"}],"clarification","error","chat_id",
//! "message_id"}`.

use serde_json::{Value, json};

use crate::api::chat::TurnState;
use crate::ask::Answer;

/// The `--json` object of an answer.
pub fn answer_json(question: &str, a: &Answer) -> Value {
    let citations: Vec<_> = a
        .cited
        .iter()
        .enumerate()
        .map(|(i, (c, path))| {
            json!({"n": i + 1, "node_id": c.node_id, "version_id": c.version_id,
                   "path": path, "page": c.page, "snippet": c.snippet})
        })
        .collect();
    let t = &a.turn;
    json!({"type": "answer", "state": state_word(t.state), "raw_state": t.raw_state,
           "question": question, "answer": t.answer, "citations": citations,
           "clarification": t.clarification, "error": t.error,
           "chat_id": a.started.chat_id, "message_id": a.started.message_id})
}

/// The answer as text for stdout: the answer (unless it was streamed already), then its
/// sources; or the clarifying question. Failed turns print nothing here (they are an error).
pub fn answer_text(a: &Answer) -> String {
    let t = &a.turn;
    let mut out = String::new();
    match t.state {
        TurnState::Complete => {
            if !a.streamed {
                out.push_str(t.answer.as_deref().unwrap_or("(the answer is empty)"));
                out.push('\n');
            }
            if !a.cited.is_empty() {
                out.push_str("\nSources:\n");
            }
            for (i, (c, path)) in a.cited.iter().enumerate() {
                let file = path.as_deref().or(c.node_id.as_deref());
                out.push_str(&format!(
                    "  [{}] {}",
                    i + 1,
                    file.unwrap_or("(unknown file)")
                ));
                if let Some(p) = c.page {
                    out.push_str(&format!(", page {p}"));
                }
                if let Some(s) = c.snippet.as_deref().filter(|s| !s.is_empty()) {
                    out.push_str(&format!(": \"{}\"", one_line(s, 160)));
                }
                out.push('\n');
            }
        }
        TurnState::NeedsInput => {
            let q = t.clarification.as_deref();
            let q = q.unwrap_or("(no clarifying question given)");
            out.push_str(&format!("The assistant needs more information: {q}\n"));
        }
        TurnState::Failed | TurnState::Working => {}
    }
    out
}

fn state_word(s: TurnState) -> &'static str {
    match s {
        TurnState::Working => "working",
        TurnState::Complete => "complete",
        TurnState::Failed => "failed",
        TurnState::NeedsInput => "needs_input",
    }
}

/// `s` on one line (white space folded), cut at `max` characters.
fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_one_line_and_bounded() {
        assert_eq!(one_line("a\n  b\tc", 10), "a b c");
        assert_eq!(one_line("abcdef", 3), "abc…");
    }
}
