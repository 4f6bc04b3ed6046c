//! `--bwlimit`: one cap on the upload rate of the whole process, shared by every connection.
//!
//! A token bucket on request body bytes (chunk bodies, batch and single-call file parts; not
//! the multipart framing, headers or answers): every piece of a body waits for its bytes before
//! it is handed to the connection. Reservations are first come, first served, so connections
//! share the cap evenly, and the bucket holds at most [`BURST`] worth of unused allowance, so an
//! idle moment does not turn into a burst above the cap.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::Stream;

/// Unused allowance kept at most, in time at the capped rate.
pub const BURST: Duration = Duration::from_millis(50);
/// Bodies held in memory are handed out in pieces of this size, each under the cap.
pub const PIECE: usize = 64 << 10;

/// A process-wide cap on body bytes per second (see the module docs).
#[derive(Debug)]
pub struct BandwidthLimit {
    rate: u64,
    /// The moment the bytes reserved so far are all allowed through.
    free_at: Mutex<Option<Instant>>,
}

impl BandwidthLimit {
    /// A cap of `rate` bytes per second (at least 1).
    pub fn new(rate: u64) -> BandwidthLimit {
        BandwidthLimit {
            rate: rate.max(1),
            free_at: Mutex::new(None),
        }
    }

    /// The cap, in bytes per second.
    pub fn rate(&self) -> u64 {
        self.rate
    }

    /// Reserve `n` bytes; returns how long to wait before sending them. The bytes reserved so
    /// far are due by `free_at`; a piece may go up to [`BURST`] ahead of that schedule.
    fn reserve(&self, n: u64, now: Instant) -> Duration {
        let cost = Duration::from_secs_f64(n as f64 / self.rate as f64);
        let mut free_at = self.free_at.lock().unwrap();
        let due = free_at.map_or(now, |t| t.max(now));
        *free_at = Some(due + cost);
        due.checked_sub(BURST)
            .unwrap_or(now)
            .saturating_duration_since(now)
    }

    /// Wait until `n` more bytes may be sent.
    pub async fn take(&self, n: u64) {
        let wait = self.reserve(n, Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// `stream` with every piece waiting for its bytes under `limit` (unchanged without a limit).
/// The wait counts as progress of the request being sent (it is this client's own pacing, not
/// a stalled server), so a low cap never trips the stall watchdog.
pub fn limited<S, E>(
    stream: S,
    limit: Option<std::sync::Arc<BandwidthLimit>>,
) -> impl Stream<Item = Result<Bytes, E>>
where
    S: Stream<Item = Result<Bytes, E>>,
{
    use futures_util::StreamExt as _;
    let progress = super::stall::PROGRESS
        .try_with(super::stall::Progress::clone)
        .ok();
    stream.then(move |piece| {
        let limit = limit.clone();
        let progress = progress.clone();
        async move {
            if let (Some(l), Ok(b)) = (&limit, &piece) {
                let until = Instant::now() + l.reserve(b.len() as u64, Instant::now());
                loop {
                    let left = until.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    tokio::time::sleep(left.min(Duration::from_millis(100))).await;
                    if let Some(p) = &progress {
                        p.tick();
                    }
                }
            }
            piece
        }
    })
}

/// Bytes in memory as a stream of [`PIECE`]-sized slices (no copies).
pub fn pieces(data: Bytes) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::unfold(data, |mut rest| async move {
        if rest.is_empty() {
            return None;
        }
        let piece = rest.split_to(PIECE.min(rest.len()));
        Some((Ok(piece), rest))
    })
}

/// A rate such as `10M`, `500k`, `1.5MB`, `8MiB`, `2Gi` or a bare number: bytes per second.
/// k/M/G (with or without `B`) are decimal, Ki/Mi/Gi binary; a trailing `/s` is allowed.
pub fn parse_rate(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let t = t.strip_suffix("/s").unwrap_or(t);
    match parse_bytes(t) {
        Ok(0) => Err(format!(
            "`{s}`: the rate must be at least 1 byte per second"
        )),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "`{s}` is not a rate: give bytes per second such as 10M, 500k, 8MiB or 2000000 \
             (k/M/G are powers of 1000, Ki/Mi/Gi of 1024)"
        )),
    }
}

/// A byte count such as `4KiB`, `5MiB`, `1GB`, `100M` or a bare number: the one parser of
/// every size and rate flag (`--max-size`, `--bwlimit`, `bench --size`, the emulator's limits).
/// k/M/G/T are powers of 1000, Ki/Mi/Gi/Ti of 1024; any case; a trailing `B` is optional.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let bad = || format!("`{s}` is not a size: give bytes such as 4KiB, 5MiB, 1GB or 1000");
    let n: f64 = num.parse().map_err(|_| bad())?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "ki" | "kib" => 1024.0,
        "mi" | "mib" => 1024.0 * 1024.0,
        "gi" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "ti" | "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return Err(bad()),
    };
    let v = n * mult;
    if !v.is_finite() || v > 1e16 {
        return Err(bad());
    }
    Ok(v.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_with_decimal_and_binary_suffixes() {
        assert_eq!(parse_rate("10M"), Ok(10_000_000));
        assert_eq!(parse_rate("500k"), Ok(500_000));
        assert_eq!(parse_rate("1.5MB"), Ok(1_500_000));
        assert_eq!(parse_rate("8MiB"), Ok(8 << 20));
        assert_eq!(parse_rate("2Gi"), Ok(2 << 30));
        assert_eq!(parse_rate("64Ki/s"), Ok(64 << 10));
        assert_eq!(parse_rate("2000000"), Ok(2_000_000));
        for bad in ["", "fast", "10X", "-5M", "0", "M", "1e3"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_bytes("0"), Ok(0));
        assert_eq!(parse_bytes("4KiB"), Ok(4096));
        assert_eq!(parse_bytes("1GiB"), Ok(1 << 30));
        assert!(parse_bytes("5 parsecs").is_err());
        // One parser for sizes and rates: the same spellings, any case.
        assert_eq!(parse_rate("10mb"), Ok(10_000_000));
        assert_eq!(parse_bytes("10mb"), parse_bytes("10MB"));
        assert_eq!(parse_bytes("2mib"), Ok(2 << 20));
    }

    /// Reservations add up to the rate: 1 s worth of bytes in small pieces ends about 1 s
    /// after the start, less the burst allowance.
    #[test]
    fn reservations_follow_the_rate() {
        let l = BandwidthLimit::new(1_000_000);
        let t0 = Instant::now();
        let mut last = Duration::ZERO;
        for _ in 0..100 {
            last = l.reserve(10_000, t0);
        }
        assert!(
            last >= Duration::from_millis(850) && last <= Duration::from_millis(1000),
            "{last:?}"
        );
        // Idle for a long time: no more than BURST ahead of the schedule after that.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(l.reserve(50_000, later), Duration::ZERO);
        assert_eq!(l.reserve(100_000, later), Duration::ZERO);
        let third = l.reserve(1, later);
        assert!(
            third >= Duration::from_millis(99) && third <= Duration::from_millis(101),
            "{third:?}"
        );
    }

    #[tokio::test]
    async fn memory_bodies_come_in_pieces() {
        use futures_util::StreamExt as _;
        let data = Bytes::from(vec![7u8; PIECE * 2 + 5]);
        let got: Vec<_> = pieces(data).map(|p| p.unwrap().len()).collect().await;
        assert_eq!(got, vec![PIECE, PIECE, 5]);
    }
}
