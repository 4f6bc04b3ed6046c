//! Reading what the user hands us, always with a bound: a list read record by record
//! ([`Records`]: `--files-from`, `--urls-from`) or a whole small input ([`read_at_most`]:
//! receipts, an API key on stdin, a profile's settings file). A record, a count of records or a
//! total past its bound is an error naming the bound, never unbounded memory: `/dev/zero` or
//! `/dev/urandom` given as a list is refused after at most the bound's worth of reading.
//!
//! The bounds, documented in the README:
//!
//! | input | one record | records | in all |
//! |---|---|---|---|
//! | `upload --files-from` | 64 KiB (a path) | 10,000,000 | 4 GiB |
//! | `import-url --urls-from` | 64 KiB (a URL) | 100,000 | 64 MiB |
//! | a receipt (`verify --receipt`, `upload --receipt` continued) | 1 MiB | 10,000,000 | 1 GiB |
//! | `login --api-key` on stdin, a pasted authorization code | — | — | 64 KiB |
//! | a profile's settings file | — | — | 1 MiB |

use std::io::{BufRead, Read};

/// The bounds of one kind of list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// What the records are, for messages (`path`, `URL`, `line`).
    pub what: &'static str,
    /// Bytes in one record, separator excluded.
    pub record: usize,
    /// Records, empty ones included.
    pub records: u64,
    /// Bytes in all.
    pub total: u64,
}

const KIB: usize = 1 << 10;
const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

/// `upload --files-from`.
pub const FILES_FROM: Bounds = Bounds {
    what: "path",
    record: 64 * KIB,
    records: 10_000_000,
    total: 4 * GIB,
};

/// `import-url --urls-from`.
pub const URLS_FROM: Bounds = Bounds {
    what: "URL",
    record: 64 * KIB,
    records: 100_000,
    total: 64 * MIB,
};

/// A receipt.
pub const RECEIPT: Bounds = Bounds {
    what: "line",
    record: 1 << 20,
    records: 10_000_000,
    total: GIB,
};

/// A secret typed or piped in (an API key, an authorization code).
pub const SECRET_MAX: u64 = 64 * KIB as u64;
/// A profile's settings file.
pub const SETTINGS_MAX: u64 = MIB;

/// Why a bounded read stopped.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("entry {n} is longer than {max} bytes (the limit for a {what})")]
    RecordTooLong {
        n: u64,
        max: usize,
        what: &'static str,
    },
    #[error("more than {max} entries (the limit for a list of {what}s)")]
    TooManyRecords { max: u64, what: &'static str },
    #[error("more than {} in all (the limit for this input)", human(*.max))]
    TooBig { max: u64 },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl InputError {
    /// A bound was passed (as opposed to a read error).
    pub fn is_bound(&self) -> bool {
        !matches!(self, InputError::Io(_))
    }
}

fn human(n: u64) -> String {
    match n {
        n if n >= GIB && n % GIB == 0 => format!("{} GiB", n / GIB),
        n if n >= MIB && n % MIB == 0 => format!("{} MiB", n / MIB),
        n if n % 1024 == 0 => format!("{} KiB", n / 1024),
        n => format!("{n} bytes"),
    }
}

/// The records of `reader` separated by `sep`, each within `bounds`. The last record needs no
/// separator.
pub struct Records<R> {
    reader: R,
    sep: u8,
    bounds: Bounds,
    /// Records returned so far.
    n: u64,
    total: u64,
    failed: bool,
    /// The last record returned ended with its separator.
    terminated: bool,
    /// Bytes read up to the end of the last record that ended with its separator.
    through_last_separator: u64,
}

impl<R: BufRead> Records<R> {
    pub fn new(reader: R, sep: u8, bounds: Bounds) -> Records<R> {
        Records {
            reader,
            sep,
            bounds,
            n: 0,
            total: 0,
            failed: false,
            terminated: false,
            through_last_separator: 0,
        }
    }

    /// Whether the record [`Iterator::next`] returned last ended with its separator (only the
    /// last record of the input may not).
    pub fn terminated(&self) -> bool {
        self.terminated
    }

    /// Bytes up to the end of the last record that ended with its separator.
    pub fn through_last_separator(&self) -> u64 {
        self.through_last_separator
    }

    /// The number of the record [`Iterator::next`] returned last (1-based).
    pub fn number(&self) -> u64 {
        self.n
    }

    fn read_record(&mut self) -> Result<Option<Vec<u8>>, InputError> {
        let mut record = Vec::new();
        let mut any = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(any.then_some(record));
            }
            any = true;
            self.terminated = false;
            let (take, done) = match buf.iter().position(|b| *b == self.sep) {
                Some(i) => (i, true),
                None => (buf.len(), false),
            };
            if record.len() + take > self.bounds.record {
                return Err(InputError::RecordTooLong {
                    n: self.n + 1,
                    max: self.bounds.record,
                    what: self.bounds.what,
                });
            }
            record.extend_from_slice(&buf[..take]);
            let used = take + usize::from(done);
            self.reader.consume(used);
            self.total += used as u64;
            if self.total > self.bounds.total {
                return Err(InputError::TooBig {
                    max: self.bounds.total,
                });
            }
            if done {
                self.terminated = true;
                self.through_last_separator = self.total;
                return Ok(Some(record));
            }
            self.terminated = false;
        }
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Result<Vec<u8>, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let r = match self.read_record() {
            Ok(None) => return None,
            Ok(Some(_)) if self.n >= self.bounds.records => Err(InputError::TooManyRecords {
                max: self.bounds.records,
                what: self.bounds.what,
            }),
            Ok(Some(rec)) => {
                self.n += 1;
                Ok(rec)
            }
            Err(e) => Err(e),
        };
        self.failed = r.is_err();
        Some(r)
    }
}

/// All of `reader`, if it holds at most `max` bytes.
pub fn read_at_most(reader: impl Read, max: u64) -> Result<Vec<u8>, InputError> {
    let mut out = Vec::new();
    reader.take(max.saturating_add(1)).read_to_end(&mut out)?;
    if out.len() as u64 > max {
        return Err(InputError::TooBig { max });
    }
    Ok(out)
}

/// One line of `reader` (its newline included), reading at most `max` bytes: a longer line is
/// cut there (a device that never ends cannot grow it).
pub fn line_at_most(reader: impl BufRead, max: u64) -> std::io::Result<String> {
    let mut line = String::new();
    reader.take(max).read_line(&mut line)?;
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Bounds = Bounds {
        what: "path",
        record: 4,
        records: 3,
        total: 12,
    };

    fn all(text: &[u8], sep: u8, b: Bounds) -> Result<Vec<Vec<u8>>, InputError> {
        Records::new(text, sep, b).collect()
    }

    #[test]
    fn records_within_bounds() {
        let roomy = Bounds {
            records: 10,
            ..SMALL
        };
        assert_eq!(all(b"a\nbb\n\ncc", b'\n', roomy).unwrap().len(), 4);
        assert_eq!(
            all(b"a\0bb\0", b'\0', SMALL).unwrap(),
            vec![b"a".to_vec(), b"bb".to_vec()]
        );
        assert!(all(b"", b'\n', SMALL).unwrap().is_empty());
    }

    #[test]
    fn every_bound_is_an_error_naming_it() {
        let e = all(b"a\nbbbbb\n", b'\n', SMALL).unwrap_err();
        assert_eq!(
            e.to_string(),
            "entry 2 is longer than 4 bytes (the limit for a path)"
        );
        let e = all(b"a\nb\nc\nd\n", b'\n', SMALL).unwrap_err();
        assert!(e.to_string().starts_with("more than 3 entries"), "{e}");
        let big = Bounds {
            records: 100,
            ..SMALL
        };
        let e = all(b"aaa\nbbb\nccc\nddd\n", b'\n', big).unwrap_err();
        assert!(
            e.to_string().starts_with("more than 12 bytes in all"),
            "{e}"
        );
        // An input that never ends stops at a bound.
        let zeros = std::io::BufReader::new(std::io::repeat(0));
        assert!(
            Records::new(zeros, b'\n', FILES_FROM)
                .next()
                .unwrap()
                .is_err()
        );
        let zeros = std::io::BufReader::new(std::io::repeat(0).take(1 << 20));
        let n = Records::new(zeros, b'\0', SMALL).count();
        assert_eq!(n, 4, "three records, then the error");
        assert!(read_at_most(std::io::repeat(1), 10).unwrap_err().is_bound());
        assert_eq!(read_at_most(&b"abc"[..], 3).unwrap(), b"abc");
    }
}
