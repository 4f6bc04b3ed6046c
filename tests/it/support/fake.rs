//! Fake servers: tiny HTTP/1.1 servers on loopback that answer scripted bytes (or nothing), for
//! the faults the emulator does not produce; and a tampering proxy in front of the emulator.

use std::io::{Read as _, Write as _};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fastio::emulator::RunningEmulator;

// ---------------------------------------------------------------------------------------------
// Fake servers: tiny HTTP/1.1 servers on loopback that answer scripted bytes (or nothing), for
// the faults the emulator does not produce. One std thread per connection; every thread ends by
// itself when the server's lifetime is over or the handle is dropped.

/// A request as a fake server read it.
#[derive(Debug, Clone)]
pub struct FakeRequest {
    pub method: String,
    /// The request target (path and query), e.g. `/current/upload/limits/`.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl FakeRequest {
    /// The target without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

/// What a fake server does with one request.
pub enum Reply {
    /// Answer nothing and keep the connection open (until the server stops).
    Silent,
    /// Write `now` at once, then `trickle` one byte every `every`, then close.
    Bytes {
        now: Vec<u8>,
        trickle: Vec<u8>,
        every: Duration,
    },
    /// Close the connection without a word.
    Hangup,
}

/// A whole HTTP/1.1 response (with `content-length` and `connection: close`).
pub fn http_response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Fake\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

impl Reply {
    /// Send `status` with `body` as JSON, at once.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::raw(http_response(
            status,
            &[("content-type", "application/json")],
            body.as_bytes(),
        ))
    }

    /// Send these bytes at once.
    pub fn raw(bytes: Vec<u8>) -> Reply {
        Reply::Bytes {
            now: bytes,
            trickle: Vec::new(),
            every: Duration::ZERO,
        }
    }

    /// The whole response, headers included, one byte every `every`.
    pub fn trickle_all(status: u16, body: &str, every: Duration) -> Reply {
        Reply::Bytes {
            now: Vec::new(),
            trickle: http_response(
                status,
                &[("content-type", "application/json")],
                body.as_bytes(),
            ),
            every,
        }
    }

    /// Headers at once, then the body one byte every `every`.
    pub fn trickle_body(status: u16, body: &str, every: Duration) -> Reply {
        let head = http_response(status, &[("content-type", "application/json")], b"");
        // Same head, but announcing the real length.
        let head = String::from_utf8(head).unwrap().replace(
            "content-length: 0",
            &format!("content-length: {}", body.len()),
        );
        Reply::Bytes {
            now: head.into_bytes(),
            trickle: body.as_bytes().to_vec(),
            every,
        }
    }
}

/// A scripted server on `127.0.0.1`. Dropping it stops it (and every connection thread).
pub struct FakeServer {
    /// The API base to point `fastio` at: `http://127.0.0.1:PORT/current`.
    pub base: String,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    requests: Arc<Mutex<Vec<FakeRequest>>>,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl FakeServer {
    /// Serve for at most `lifetime`, answering each request with `answer(request)`.
    pub fn start(
        lifetime: Duration,
        answer: impl Fn(&FakeRequest) -> Reply + Send + Sync + 'static,
    ) -> FakeServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let deadline = Instant::now() + lifetime;
        let answer = Arc::new(answer);
        {
            let (stop, requests, connections) =
                (stop.clone(), requests.clone(), connections.clone());
            std::thread::spawn(move || {
                let over = || stop.load(Ordering::SeqCst) || Instant::now() >= deadline;
                while !over() {
                    match listener.accept() {
                        Ok((conn, _)) => {
                            connections.fetch_add(1, Ordering::SeqCst);
                            let (stop, requests, answer) =
                                (stop.clone(), requests.clone(), answer.clone());
                            std::thread::spawn(move || {
                                serve_one(conn, deadline, &stop, &requests, &*answer)
                            });
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
        }
        FakeServer {
            base: format!("http://{addr}/current"),
            origin: format!("http://{addr}"),
            requests,
            connections,
            stop,
        }
    }

    /// Requests read so far.
    pub fn requests(&self) -> Vec<FakeRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Read one request (head and body) from `conn`, record it, and do what `answer` says.
fn serve_one(
    mut conn: std::net::TcpStream,
    deadline: Instant,
    stop: &AtomicBool,
    requests: &Mutex<Vec<FakeRequest>>,
    answer: &(dyn Fn(&FakeRequest) -> Reply + Send + Sync),
) {
    let over = || stop.load(Ordering::SeqCst) || Instant::now() >= deadline;
    let _ = conn.set_nonblocking(false);
    let _ = conn.set_read_timeout(Some(Duration::from_millis(50)));
    let _ = conn.set_write_timeout(Some(Duration::from_secs(2)));
    let mut buf = Vec::new();
    let mut piece = [0u8; 16 << 10];
    // The head.
    let head_end = loop {
        if over() {
            return;
        }
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match conn.read(&mut piece) {
            Ok(0) => return,
            Ok(n) => buf.extend_from_slice(&piece[..n]),
            Err(_) => {}
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let target = first.next().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    // The body, read and dropped (up to its length, or the end of a chunked body).
    let length: Option<usize> = header("content-length").and_then(|v| v.parse().ok());
    let chunked = header("transfer-encoding").is_some_and(|v| v.contains("chunked"));
    let mut body = buf.len() - head_end;
    let mut tail = buf[head_end..].to_vec();
    loop {
        let done = match length {
            Some(n) => body >= n,
            None if chunked => tail.ends_with(b"0\r\n\r\n"),
            None => true,
        };
        if done || over() {
            break;
        }
        match conn.read(&mut piece) {
            Ok(0) => break,
            Ok(n) => {
                body += n;
                tail.extend_from_slice(&piece[..n]);
                let keep = tail.len().saturating_sub(8);
                tail.drain(..keep);
            }
            Err(_) => {}
        }
    }
    let req = FakeRequest {
        method,
        target,
        headers,
    };
    let reply = answer(&req);
    requests.lock().unwrap().push(req);
    match reply {
        Reply::Hangup => {}
        Reply::Silent => {
            while !over() {
                // Drain whatever comes so the peer is never blocked on us; say nothing.
                if let Ok(0) = conn.read(&mut piece) {
                    return;
                }
            }
        }
        Reply::Bytes {
            now,
            trickle,
            every,
        } => {
            if conn.write_all(&now).is_err() {
                return;
            }
            let _ = conn.flush();
            for b in trickle {
                std::thread::sleep(every);
                if over() || conn.write_all(&[b]).is_err() {
                    return;
                }
                let _ = conn.flush();
            }
            let _ = conn.shutdown(std::net::Shutdown::Write);
            // Let the peer read it all before the socket goes.
            let t = Instant::now();
            while !over() && t.elapsed() < Duration::from_secs(1) {
                if let Ok(0) = conn.read(&mut piece) {
                    return;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A tampering proxy in front of the emulator: forwards every request, unless `rule` answers it
// instead (before the emulator sees it).

/// A proxy's answer in place of the emulator's: status and JSON body.
pub type Tamper = Option<(u16, String)>;

/// A proxy's answer in place of the emulator's, with headers of its own (`Retry-After`, the
/// rate-limit headers, ...).
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Canned {
    /// `status` with the API's error envelope (`code`, `text`) and `headers`.
    pub fn error(status: u16, code: u32, headers: &[(&str, &str)]) -> Canned {
        Canned {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: format!(
                r#"{{"result":"no","error":{{"code":{code},"text":"injected by the proxy"}}}}"#
            ),
        }
    }
}

pub struct Proxy {
    /// The API base to point `fastio` at.
    pub base: String,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// Forward to `emu`; `rule(method, path)` may answer a request itself.
pub fn proxy(
    emu: &RunningEmulator,
    rule: impl Fn(&str, &str) -> Tamper + Send + Sync + 'static,
) -> Proxy {
    proxy_with(emu, false, move |m, p| {
        rule(m, p).map(|(status, body)| Canned {
            status,
            headers: Vec::new(),
            body,
        })
    })
}

/// Forward to `emu`; `rule(method, path)` may answer a request itself, headers included.
pub fn proxy_canned(
    emu: &RunningEmulator,
    rule: impl Fn(&str, &str) -> Option<Canned> + Send + Sync + 'static,
) -> Proxy {
    proxy_with(emu, false, rule)
}

/// Forward to `emu`; `rule(method, path)` may replace the answer, after the emulator has
/// processed the request (an answer lost on the way back).
pub fn proxy_after(
    emu: &RunningEmulator,
    rule: impl Fn(&str, &str) -> Tamper + Send + Sync + 'static,
) -> Proxy {
    proxy_with(emu, true, move |m, p| {
        rule(m, p).map(|(status, body)| Canned {
            status,
            headers: Vec::new(),
            body,
        })
    })
}

fn proxy_with(
    emu: &RunningEmulator,
    after: bool,
    rule: impl Fn(&str, &str) -> Option<Canned> + Send + Sync + 'static,
) -> Proxy {
    use axum::body::Body;
    use axum::extract::{Request, State};
    use axum::response::Response;

    type Rule = Arc<dyn Fn(&str, &str) -> Option<Canned> + Send + Sync>;
    #[derive(Clone)]
    struct P {
        upstream: String,
        http: reqwest::Client,
        rule: Rule,
        after: bool,
    }
    fn tampered(c: Canned) -> Response {
        let mut r = Response::builder()
            .status(c.status)
            .header("content-type", "application/json");
        for (k, v) in &c.headers {
            r = r.header(k.as_str(), v.as_str());
        }
        r.body(Body::from(c.body)).unwrap()
    }
    async fn forward(State(p): State<P>, req: Request) -> Response {
        let (parts, body) = req.into_parts();
        let tamper = || (p.rule)(parts.method.as_str(), parts.uri.path());
        // The body is read either way, so the client gets to read the answer.
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        if !p.after
            && let Some(t) = tamper()
        {
            return tampered(t);
        }
        let pq = parts.uri.path_and_query().unwrap().as_str().to_string();
        let mut rb = p
            .http
            .request(parts.method.clone(), format!("{}{pq}", p.upstream));
        for (k, v) in &parts.headers {
            if k != "host" && k != "content-length" {
                rb = rb.header(k, v);
            }
        }
        let Ok(resp) = rb.body(bytes).send().await else {
            return Response::builder().status(502).body(Body::empty()).unwrap();
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await.unwrap_or_default();
        if p.after
            && let Some(t) = tamper()
        {
            return tampered(t);
        }
        let mut out = Response::builder().status(status.as_u16());
        for (k, v) in &headers {
            if k != "content-length" && k != "transfer-encoding" {
                out = out.header(k, v);
            }
        }
        out.body(Body::from(body)).unwrap()
    }

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let state = P {
        upstream: emu.root_url(),
        http: reqwest::Client::new(),
        rule: Arc::new(rule),
        after,
    };
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(forward).with_state(state);
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });
    Proxy {
        base: format!("http://{addr}/current"),
        runtime: Some(rt),
    }
}
