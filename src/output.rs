//! Output discipline: human progress on stderr, results on stdout, NDJSON with `--json`.
