//! Server-Sent Events (`text/event-stream`), as the AI message stream sends them.

/// One Server-Sent Event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
}

/// Incremental SSE parser: feed bytes, get complete events (`event:` / `data:` lines, a blank
/// line ends an event; `:` comments ignored; CRLF accepted).
#[derive(Debug, Default)]
pub struct SseParser {
    /// Bytes of the line being received (decoded only once whole, so a multibyte character
    /// split across network chunks survives).
    buf: Vec<u8>,
    event: String,
    data: Vec<String>,
}

impl SseParser {
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        self.buf.extend_from_slice(chunk);
        let mut out = Vec::new();
        while let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
            let raw: Vec<u8> = self.buf.drain(..=pos).collect();
            let line = String::from_utf8_lossy(&raw);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if !self.data.is_empty() || !self.event.is_empty() {
                    out.push(SseEvent {
                        event: if self.event.is_empty() {
                            "message".into()
                        } else {
                            std::mem::take(&mut self.event)
                        },
                        data: self.data.join("\n"),
                    });
                    self.data.clear();
                }
            } else if let Some(v) = line.strip_prefix("event:") {
                self.event = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                self.data.push(v.strip_prefix(' ').unwrap_or(v).to_string());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_events_split_across_chunks() {
        let mut p = SseParser::default();
        assert!(p.feed(b"event: message\r\ndata: {\"text\"").is_empty());
        let evs = p.feed(b": \"Net \"}\r\n\r\ndata: a\ndata: b\n\nevent: done\ndata: {}\n\n");
        assert_eq!(
            evs,
            vec![
                SseEvent {
                    event: "message".into(),
                    data: "{\"text\": \"Net \"}".into()
                },
                SseEvent {
                    event: "message".into(),
                    data: "a\nb".into()
                },
                SseEvent {
                    event: "done".into(),
                    data: "{}".into()
                },
            ]
        );
    }

    #[test]
    fn multibyte_characters_split_across_chunks_survive() {
        let mut p = SseParser::default();
        let text = "data: caf\u{e9} \u{2713}\n\n".as_bytes();
        // Split inside the two-byte é and inside the three-byte ✓.
        let (a, rest) = text.split_at(10);
        let (b, c) = rest.split_at(4);
        assert!(p.feed(a).is_empty());
        assert!(p.feed(b).is_empty());
        let evs = p.feed(c);
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].data, "caf\u{e9} \u{2713}");
    }
}
