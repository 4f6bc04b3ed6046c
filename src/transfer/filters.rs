//! `--include` / `--exclude`: globset patterns relative to each argument; `*` stays inside one
//! path segment, `**` crosses them, and a pattern without `/` also matches the base name at
//! any depth (as in gitignore).

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Compiled `--include` / `--exclude` patterns.
#[derive(Debug, Clone)]
pub struct Filters {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

fn build_set(patterns: &[String]) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let p = p.trim_start_matches("./");
        let glob = GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("bad glob `{p}`: {e}"))?;
        b.add(glob);
        if !p.contains('/') {
            // gitignore-style: a bare pattern matches the name at any depth.
            let deep = GlobBuilder::new(&format!("**/{p}"))
                .literal_separator(true)
                .build()
                .map_err(|e| format!("bad glob `{p}`: {e}"))?;
            b.add(deep);
        }
    }
    b.build().map(Some).map_err(|e| e.to_string())
}

impl Filters {
    pub fn new(include: &[String], exclude: &[String]) -> Result<Filters, String> {
        Ok(Filters {
            include: build_set(include)?,
            exclude: build_set(exclude)?,
        })
    }

    /// Whether a file at `rel` (relative to its argument, `/`-separated) is wanted.
    pub fn wants_file(&self, rel: &str) -> bool {
        if self.exclude.as_ref().is_some_and(|x| x.is_match(rel)) {
            return false;
        }
        self.include.as_ref().is_none_or(|i| i.is_match(rel))
    }

    /// Whether to descend into the folder at `rel`.
    pub fn wants_dir(&self, rel: &str) -> bool {
        !self.exclude.as_ref().is_some_and(|x| x.is_match(rel))
    }
}
