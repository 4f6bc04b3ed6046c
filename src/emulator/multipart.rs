//! A streaming `multipart/form-data` reader whose memory use does not depend on the body.
//!
//! Data parts are handed out piece by piece as they arrive ([`MultipartReader::chunk`]); only
//! the bytes that could still be the start of the boundary are kept back. Everything else is
//! bounded as well: the preamble before the first boundary ([`PREAMBLE_MAX`]), a part's headers
//! ([`HEADERS_MAX`]), each text field (the caller's cap, [`TEXT_MAX`] by default), all text
//! fields together ([`TEXT_TOTAL_MAX`]) and the whole body (the caller's `max_body`). A body
//! over a cap is refused the moment the cap is crossed (413/1656; malformed framing 406/1605).
//! To let the client read that answer while it is still sending, [`MultipartReader::discard`]
//! swallows the rest of the body in the background (bounded in bytes and time).

use std::time::Duration;

use axum::body::BodyDataStream;
use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use bytes::{Buf as _, Bytes, BytesMut};
use futures_util::StreamExt as _;

use super::wire::ApiErr;

/// Largest text field kept (the manifest has its own cap).
pub const TEXT_MAX: usize = 1 << 20;
/// Largest batch manifest.
pub const MANIFEST_MAX: usize = 4 << 20;
/// All text fields of one request together.
pub const TEXT_TOTAL_MAX: usize = 8 << 20;
/// Bytes skipped before the first boundary.
pub const PREAMBLE_MAX: usize = 64 << 10;
/// One part's header block.
pub const HEADERS_MAX: usize = 16 << 10;
/// What [`MultipartReader::discard`] reads at most after a refusal, and for how long.
const DISCARD_MAX: u64 = 256 << 20;
const DISCARD_TIME: Duration = Duration::from_secs(10);

/// Name and file name of a part (from its `Content-Disposition`).
#[derive(Debug, Clone, Default)]
pub struct PartInfo {
    pub name: String,
    pub file_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Before the first boundary.
    Preamble,
    /// Inside a part's data.
    Data,
    /// Just after a boundary (`--` follows for the last one).
    AfterBoundary,
    /// After the closing boundary.
    End,
}

fn bad(msg: &str) -> ApiErr {
    ApiErr::invalid("body", &format!("bad multipart body: {msg}"))
}

/// The `boundary` parameter of a `multipart/form-data` content type.
fn boundary_of(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    for p in params.split(';') {
        if let Some((k, v)) = p.split_once('=')
            && k.trim().eq_ignore_ascii_case("boundary")
        {
            let v = v.trim().trim_matches('"');
            if !v.is_empty() && v.len() <= 200 {
                return Some(v.to_string());
            }
        }
    }
    None
}

/// `name` and `filename` of a `Content-Disposition: form-data; name="x"; filename="y"` value.
fn disposition(value: &str) -> PartInfo {
    let mut info = PartInfo::default();
    let mut rest = value;
    // Skip the disposition type.
    match rest.find(';') {
        Some(i) => rest = &rest[i + 1..],
        None => return info,
    }
    loop {
        rest = rest.trim_start_matches([' ', '\t', ';']);
        if rest.is_empty() {
            break;
        }
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().to_ascii_lowercase();
        rest = &rest[eq + 1..];
        let val;
        if let Some(q) = rest.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = q.char_indices();
            let mut end = q.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            out.push(n);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => out.push(c),
                }
            }
            val = out;
            rest = &q[end.min(q.len())..];
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            val = rest[..end].trim().to_string();
            rest = &rest[end..];
        }
        match key.as_str() {
            "name" => info.name = val,
            "filename" => info.file_name = Some(val),
            _ => {}
        }
    }
    info
}

/// See the module documentation.
pub struct MultipartReader {
    body: BodyDataStream,
    buf: BytesMut,
    /// `\r\n--boundary`.
    delim: Vec<u8>,
    stage: Stage,
    eof: bool,
    received: u64,
    max_body: u64,
    text_total: usize,
}

impl MultipartReader {
    /// Start reading `req` as `multipart/form-data`; refuse (413) more than `max_body` bytes.
    pub fn from_request(req: Request, max_body: u64) -> Result<MultipartReader, ApiErr> {
        let ct = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let boundary = boundary_of(ct).ok_or_else(|| {
            ApiErr::invalid(
                "content-type",
                "must be multipart/form-data with a boundary",
            )
        })?;
        let mut delim = b"\r\n--".to_vec();
        delim.extend_from_slice(boundary.as_bytes());
        // The first boundary has no CRLF before it: start the buffer with one.
        let mut buf = BytesMut::with_capacity(64 << 10);
        buf.extend_from_slice(b"\r\n");
        Ok(MultipartReader {
            body: req.into_body().into_data_stream(),
            buf,
            delim,
            stage: Stage::Preamble,
            eof: false,
            received: 0,
            max_body,
            text_total: 0,
        })
    }

    /// Bytes of the body read so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Read one more piece of the body into the buffer; `false` at the end of the body.
    async fn fill(&mut self) -> Result<bool, ApiErr> {
        if self.eof {
            return Ok(false);
        }
        match self.body.next().await {
            Some(Ok(b)) => {
                self.received += b.len() as u64;
                if self.received > self.max_body {
                    return Err(ApiErr::too_large(format!(
                        "request body is larger than the {}-byte limit",
                        self.max_body
                    )));
                }
                self.buf.extend_from_slice(&b);
                Ok(true)
            }
            Some(Err(e)) => Err(bad(&format!("reading the body failed: {e}"))),
            None => {
                self.eof = true;
                Ok(false)
            }
        }
    }

    fn find(&self, pat: &[u8]) -> Option<usize> {
        memchr::memmem::find(&self.buf, pat)
    }

    /// The next part's name and file name; `None` after the closing boundary. Whatever is left
    /// of the current part is skipped (read and dropped, not kept).
    pub async fn next_part(&mut self) -> Result<Option<PartInfo>, ApiErr> {
        loop {
            match self.stage {
                Stage::End => return Ok(None),
                Stage::Data => while self.chunk().await?.is_some() {},
                Stage::Preamble => {
                    let mut skipped = 0usize;
                    loop {
                        if let Some(i) = self.find(&self.delim.clone()) {
                            self.buf.advance(i + self.delim.len());
                            self.stage = Stage::AfterBoundary;
                            break;
                        }
                        let keep = self.delim.len() - 1;
                        if self.buf.len() > keep {
                            let n = self.buf.len() - keep;
                            skipped += n;
                            self.buf.advance(n);
                        }
                        if skipped > PREAMBLE_MAX {
                            return Err(bad("no boundary found"));
                        }
                        if !self.fill().await? {
                            return Err(bad("no boundary found"));
                        }
                    }
                }
                Stage::AfterBoundary => return self.part_headers().await,
            }
        }
    }

    async fn part_headers(&mut self) -> Result<Option<PartInfo>, ApiErr> {
        while self.buf.len() < 2 {
            if !self.fill().await? {
                return Err(bad("ends after a boundary"));
            }
        }
        if &self.buf[..2] == b"--" {
            self.stage = Stage::End;
            return Ok(None);
        }
        let end = loop {
            if let Some(i) = self.find(b"\r\n\r\n") {
                break i;
            }
            if self.buf.len() > HEADERS_MAX {
                return Err(bad("part headers are too long"));
            }
            if !self.fill().await? {
                return Err(bad("ends inside part headers"));
            }
        };
        if end > HEADERS_MAX {
            return Err(bad("part headers are too long"));
        }
        let block = self.buf.split_to(end + 4);
        let text =
            std::str::from_utf8(&block[..end]).map_err(|_| bad("part headers are not UTF-8"))?;
        let mut lines = text.split("\r\n");
        // The rest of the boundary line: optional transport padding only.
        if !lines
            .next()
            .unwrap_or("")
            .chars()
            .all(|c| c == ' ' || c == '\t')
        {
            return Err(bad("garbage after a boundary"));
        }
        let mut info = PartInfo::default();
        for line in lines {
            let Some((k, v)) = line.split_once(':') else {
                return Err(bad("malformed part header"));
            };
            if k.trim().eq_ignore_ascii_case("content-disposition") {
                info = disposition(v.trim());
            }
        }
        self.stage = Stage::Data;
        Ok(Some(info))
    }

    /// The next piece of the current part's data; `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, ApiErr> {
        if self.stage != Stage::Data {
            return Ok(None);
        }
        loop {
            if let Some(i) = self.find(&self.delim.clone()) {
                let data = self.buf.split_to(i).freeze();
                self.buf.advance(self.delim.len());
                self.stage = Stage::AfterBoundary;
                return Ok((!data.is_empty()).then_some(data));
            }
            // Everything except what could be the start of the boundary is data.
            let keep = self.delim.len() - 1;
            if self.buf.len() > keep {
                let n = self.buf.len() - keep;
                return Ok(Some(self.buf.split_to(n).freeze()));
            }
            if !self.fill().await? {
                return Err(bad("ends inside a part"));
            }
        }
    }

    /// The current part as text, refused (413) as soon as it passes `max` bytes or all text
    /// fields together pass [`TEXT_TOTAL_MAX`].
    pub async fn text(&mut self, field: &str, max: usize) -> Result<String, ApiErr> {
        let mut out = Vec::new();
        while let Some(b) = self.chunk().await? {
            if out.len() + b.len() > max {
                return Err(ApiErr::too_large(format!(
                    "field `{field}` is larger than the {max}-byte limit"
                )));
            }
            self.text_total += b.len();
            if self.text_total > TEXT_TOTAL_MAX {
                return Err(ApiErr::too_large(format!(
                    "text fields are larger than {TEXT_TOTAL_MAX} bytes together"
                )));
            }
            out.extend_from_slice(&b);
        }
        String::from_utf8(out).map_err(|_| ApiErr::invalid(field, "is not UTF-8"))
    }

    /// Read and drop the rest of the body, up to `max` bytes and [`DISCARD_TIME`].
    pub async fn drain(mut self, max: u64) {
        let mut seen = 0u64;
        let _ = tokio::time::timeout(DISCARD_TIME, async {
            while let Some(Ok(b)) = self.body.next().await {
                seen += b.len() as u64;
                if seen > max {
                    break;
                }
            }
        })
        .await;
    }

    /// After a refusal: drop the rest of the body in the background, so the answer goes out
    /// now and the client, still sending, can read it.
    pub fn discard(self) {
        if self.eof {
            return;
        }
        tokio::spawn(self.drain(DISCARD_MAX));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(boundary: &str, pieces: Vec<&'static [u8]>) -> Request {
        let stream = futures_util::stream::iter(
            pieces
                .into_iter()
                .map(|p| Ok::<_, std::io::Error>(Bytes::from_static(p))),
        );
        Request::builder()
            .header(
                CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(axum::body::Body::from_stream(stream))
            .unwrap()
    }

    async fn parts(req: Request) -> Result<Vec<(String, Option<String>, Vec<u8>)>, ApiErr> {
        let mut r = MultipartReader::from_request(req, 1 << 30)?;
        let mut out = Vec::new();
        while let Some(p) = r.next_part().await? {
            let mut data = Vec::new();
            while let Some(b) = r.chunk().await? {
                data.extend_from_slice(&b);
            }
            out.push((p.name, p.file_name, data));
        }
        Ok(out)
    }

    #[tokio::test]
    async fn parts_split_anywhere_are_read_whole() {
        let body: &'static [u8] = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n--XyZ  \r\nContent-Disposition: form-data; name=\"f\"; filename=\"x \\\"q\\\".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--Xy\r\n\r\n--XyZ--\r\nepilogue";
        for split in 1..body.len() {
            let (a, b) = body.split_at(split);
            let got = parts(request("XyZ", vec![a, b])).await.unwrap();
            assert_eq!(got.len(), 2, "split at {split}");
            assert_eq!(got[0].0, "a");
            assert_eq!(got[0].2, b"hello");
            assert_eq!(got[1].1.as_deref(), Some("x \"q\".bin"));
            assert_eq!(got[1].2, b"\r\n--Xy\r\n");
        }
        // One byte at a time.
        let bytes: Vec<&'static [u8]> = (0..body.len()).map(|i| &body[i..i + 1]).collect();
        assert_eq!(parts(request("XyZ", bytes)).await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn malformed_bodies_are_refused_without_reading_them_whole() {
        static JUNK: [u8; 1 << 20] = [b'a'; 1 << 20];
        let r = parts(request("B", vec![&JUNK[..], &JUNK[..]])).await;
        assert_eq!(r.unwrap_err().status.as_u16(), 406);
        let headers: &'static [u8] = b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n";
        let r = parts(request("B", vec![headers, &JUNK[..]])).await;
        assert_eq!(r.unwrap_err().status.as_u16(), 406);
        let r = parts(request("B", vec![b"--B\r\n\r\nabc"])).await;
        assert!(r.is_err());
    }

    #[tokio::test]
    async fn text_fields_are_capped() {
        static BIG: [u8; 3000] = [b'x'; 3000];
        let mut r = MultipartReader::from_request(
            request(
                "B",
                vec![
                    b"--B\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n",
                    &BIG[..],
                    b"\r\n--B--\r\n",
                ],
            ),
            1 << 30,
        )
        .unwrap();
        r.next_part().await.unwrap().unwrap();
        let e = r.text("t", 1000).await.unwrap_err();
        assert_eq!(e.status.as_u16(), 413);
        assert_eq!(e.code, 1656);
    }

    #[test]
    fn boundaries_and_dispositions_parse() {
        assert_eq!(
            boundary_of("multipart/form-data; boundary=\"abc\"").as_deref(),
            Some("abc")
        );
        assert_eq!(
            boundary_of("multipart/form-data;charset=x; boundary=q1").as_deref(),
            Some("q1")
        );
        assert!(boundary_of("application/json").is_none());
        let d = disposition("form-data; name=file_3; filename=\"a;b.txt\"");
        assert_eq!(d.name, "file_3");
        assert_eq!(d.file_name.as_deref(), Some("a;b.txt"));
    }
}
