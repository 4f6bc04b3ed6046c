//! The listener wrapper: counts received bytes, throttles reading per connection
//! (`--bandwidth-per-conn`) and lets a request drop its connection (`--reset-rate`).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Accepts TCP connections and wraps them in [`EmuStream`].
pub struct EmuListener {
    pub inner: TcpListener,
    pub stats: Arc<super::stats::Stats>,
    /// Bytes per second per connection, if throttled.
    pub bandwidth: Option<u64>,
}

impl axum::serve::Listener for EmuListener {
    type Io = EmuStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (EmuStream, std::net::SocketAddr) {
        loop {
            match self.inner.accept().await {
                Ok((s, addr)) => {
                    let _ = s.set_nodelay(true);
                    return (
                        EmuStream {
                            inner: s,
                            kill: Arc::new(AtomicBool::new(false)),
                            stats: self.stats.clone(),
                            throttle: self.bandwidth.map(Throttle::new),
                        },
                        addr,
                    );
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<std::net::SocketAddr> {
        self.inner.local_addr()
    }
}

/// A handle a request uses to drop its own connection.
#[derive(Clone)]
pub struct ConnHandle {
    pub kill: Arc<AtomicBool>,
}

impl ConnHandle {
    pub fn reset(&self) {
        self.kill.store(true, Ordering::SeqCst);
    }
}

struct Throttle {
    rate: f64,
    tokens: f64,
    cap: f64,
    last: Instant,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Throttle {
    fn new(rate: u64) -> Throttle {
        let rate = rate.max(1) as f64;
        let cap = (rate / 20.0).max(4096.0);
        Throttle {
            rate,
            tokens: cap,
            cap,
            last: Instant::now(),
            sleep: None,
        }
    }

    fn refill(&mut self) {
        let now = Instant::now();
        self.tokens =
            (self.tokens + now.duration_since(self.last).as_secs_f64() * self.rate).min(self.cap);
        self.last = now;
    }
}

pub struct EmuStream {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
    stats: Arc<super::stats::Stats>,
    throttle: Option<Throttle>,
}

impl EmuStream {
    pub fn handle(&self) -> ConnHandle {
        ConnHandle {
            kill: self.kill.clone(),
        }
    }
}

fn reset_err() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionReset,
        "connection reset by fault injection",
    )
}

impl AsyncRead for EmuStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.kill.load(Ordering::Relaxed) {
            return Poll::Ready(Err(reset_err()));
        }
        let limit = match this.throttle.as_mut() {
            None => buf.remaining(),
            Some(t) => loop {
                if let Some(s) = t.sleep.as_mut() {
                    ready!(s.as_mut().poll(cx));
                    t.sleep = None;
                }
                t.refill();
                if t.tokens >= 1.0 {
                    break (t.tokens as usize).min(buf.remaining());
                }
                let wait = (1.0 - t.tokens) / t.rate;
                t.sleep = Some(Box::pin(tokio::time::sleep(Duration::from_secs_f64(
                    wait.max(0.001),
                ))));
            },
        };
        let n = {
            let mut sub = buf.take(limit);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut sub))?;
            sub.filled().len()
        };
        // SAFETY: `sub` was a view of `buf`'s unfilled part and the read initialised `n` bytes.
        unsafe { buf.assume_init(n) };
        buf.advance(n);
        this.stats
            .bytes_received
            .fetch_add(n as u64, Ordering::Relaxed);
        if let Some(t) = this.throttle.as_mut() {
            t.tokens -= n as f64;
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for EmuStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.kill.load(Ordering::Relaxed) {
            return Poll::Ready(Err(reset_err()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.kill.load(Ordering::Relaxed) {
            return Poll::Ready(Err(reset_err()));
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
