//! Extractive, deterministic question answering for the emulator: files are cut into passages,
//! passages are ranked by BM25 against the question, and the answer is the best-matching
//! sentences of the best passages, each cited. No model, no randomness: the same corpus and
//! question always give the same answer, which is what tests need.

use std::collections::HashMap;

/// Passages longer than this (in chars) are cut at sentence boundaries.
const MAX_PASSAGE_CHARS: usize = 700;
/// BM25 parameters (the usual defaults).
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// A piece of one indexed file.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    pub node_id: String,
    pub version_id: String,
    /// 1-based page: pages are separated by form feeds (`\x0c`); plain text is one page.
    pub page: u32,
    pub text: String,
}

/// Is a file worth indexing as text? By extension (txt, md, csv, json, html, source code) or by
/// a `text/*` / JSON / XML media type.
pub fn is_text_like(name: &str, mimetype: Option<&str>) -> bool {
    const EXT: &[&str] = &[
        "txt", "text", "md", "markdown", "rst", "csv", "tsv", "json", "jsonl", "ndjson", "html",
        "htm", "xml", "yaml", "yml", "toml", "ini", "cfg", "conf", "log", "tex", "rs", "py", "js",
        "ts", "tsx", "jsx", "go", "java", "kt", "c", "h", "cc", "cpp", "hpp", "cs", "rb", "php",
        "swift", "scala", "sh", "bash", "zsh", "sql", "css", "scss", "lua", "pl", "r", "m", "hs",
        "ex", "exs", "erl", "clj", "dart", "vue", "svelte",
    ];
    if let Some(mt) = mimetype {
        let mt = mt.to_ascii_lowercase();
        if mt.starts_with("text/") || mt.contains("json") || mt.contains("xml") {
            return true;
        }
    }
    name.rsplit_once('.')
        .map(|(_, ext)| EXT.contains(&ext.to_ascii_lowercase().as_str()))
        .unwrap_or(false)
}

/// Cut a file's text into passages: pages at form feeds, paragraphs at blank lines, long
/// paragraphs at sentence ends.
pub fn passages(node_id: &str, version_id: &str, text: &str) -> Vec<Passage> {
    let mut out = Vec::new();
    for (page_idx, page) in text.split('\x0c').enumerate() {
        let page_no = page_idx as u32 + 1;
        let mut para = String::new();
        let flush = |para: &mut String, out: &mut Vec<Passage>| {
            let trimmed = para.trim();
            if !trimmed.is_empty() {
                for piece in split_long(trimmed) {
                    out.push(Passage {
                        node_id: node_id.to_string(),
                        version_id: version_id.to_string(),
                        page: page_no,
                        text: piece,
                    });
                }
            }
            para.clear();
        };
        for line in page.lines() {
            if line.trim().is_empty() {
                flush(&mut para, &mut out);
            } else {
                if !para.is_empty() {
                    para.push(' ');
                }
                para.push_str(line.trim());
            }
        }
        flush(&mut para, &mut out);
    }
    out
}

fn split_long(text: &str) -> Vec<String> {
    if text.chars().count() <= MAX_PASSAGE_CHARS {
        return vec![text.to_string()];
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    for sentence in sentences(text) {
        if !cur.is_empty() && cur.chars().count() + sentence.chars().count() > MAX_PASSAGE_CHARS {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(sentence);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Sentences: split after `.`, `!`, `?` followed by whitespace.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b'!' | b'?')
            && bytes.get(i + 1).is_some_and(|n| n.is_ascii_whitespace())
        {
            let s = text[start..=i].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = i + 1;
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "has",
    "have", "how", "i", "in", "is", "it", "its", "me", "my", "of", "on", "or", "our", "should",
    "so", "that", "the", "their", "there", "these", "this", "to", "us", "was", "we", "were",
    "what", "when", "where", "which", "who", "why", "will", "with", "you", "your", "tell", "about",
    "please",
];

/// Lowercased word tokens without stopwords, with a light plural strip (`terms` → `term`).
pub fn terms(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .map(|w| {
            if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
                w[..w.len() - 1].to_string()
            } else {
                w
            }
        })
        .collect()
}

/// BM25 scores of `passages` for `query_terms`, best first; zero scores are left out. Ties keep
/// the passages' order, so the ranking is deterministic.
pub fn rank(query_terms: &[String], passages: &[Passage]) -> Vec<(usize, f64)> {
    if passages.is_empty() || query_terms.is_empty() {
        return Vec::new();
    }
    let docs: Vec<Vec<String>> = passages.iter().map(|p| terms(&p.text)).collect();
    let n = docs.len() as f64;
    let avg_len = docs.iter().map(Vec::len).sum::<usize>() as f64 / n;
    let mut df: HashMap<&str, usize> = HashMap::new();
    for doc in &docs {
        let mut seen: Vec<&str> = doc.iter().map(String::as_str).collect();
        seen.sort_unstable();
        seen.dedup();
        for t in seen {
            *df.entry(t).or_default() += 1;
        }
    }
    let mut unique_query: Vec<&str> = query_terms.iter().map(String::as_str).collect();
    unique_query.sort_unstable();
    unique_query.dedup();
    let mut scored: Vec<(usize, f64)> = docs
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            let len = doc.len() as f64;
            let score = unique_query
                .iter()
                .map(|q| {
                    let tf = doc.iter().filter(|t| t == q).count() as f64;
                    if tf == 0.0 {
                        return 0.0;
                    }
                    let d = *df.get(q).unwrap_or(&0) as f64;
                    let idf = ((n - d + 0.5) / (d + 0.5) + 1.0).ln();
                    idf * tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg_len.max(1.0)))
                })
                .sum::<f64>();
            (i, score)
        })
        .filter(|(_, s)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored
}

/// A composed answer with the passages it drew on.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub text: String,
    /// (passage index, snippet) pairs, in answer order.
    pub cited: Vec<(usize, String)>,
}

/// Compose an answer from the best passages: from each of up to two top passages (the second only
/// if it scores at least half as well as the first), the sentence sharing the most query terms.
/// `None` when nothing matches.
pub fn compose(query_terms: &[String], passages: &[Passage]) -> Option<Answer> {
    let ranked = rank(query_terms, passages);
    let (_, best) = *ranked.first()?;
    let mut text = String::new();
    let mut cited = Vec::new();
    for &(idx, score) in ranked.iter().take(2) {
        if score < best / 2.0 {
            break;
        }
        let sentence = best_sentence(query_terms, &passages[idx].text);
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&sentence);
        cited.push((idx, sentence));
    }
    Some(Answer { text, cited })
}

fn best_sentence(query_terms: &[String], passage: &str) -> String {
    let all = sentences(passage);
    let score = |s: &str| {
        let ts = terms(s);
        query_terms.iter().filter(|q| ts.contains(q)).count()
    };
    let mut best = all.first().copied().unwrap_or(passage);
    let mut best_score = score(best);
    for s in all.iter().skip(1) {
        let sc = score(s);
        if sc > best_score {
            best = s;
            best_score = sc;
        }
    }
    best.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Vec<Passage> {
        let mut all = passages(
            "n-pay",
            "v1",
            "Contract overview.\n\nPayment terms are net 30 days from invoice. Late payments \
             incur a 2% fee.\n\nThe contract renews yearly.",
        );
        all.extend(passages(
            "n-ops",
            "v1",
            "Deployment runs every Tuesday.\n\nThe retry logic lives in transfer/retry.rs and \
             backs off exponentially.",
        ));
        all
    }

    #[test]
    fn passages_split_on_blank_lines_and_pages() {
        let ps = passages("n", "v", "one\ntwo\n\nthree\x0cfour");
        let texts: Vec<_> = ps.iter().map(|p| (p.text.as_str(), p.page)).collect();
        assert_eq!(texts, vec![("one two", 1), ("three", 1), ("four", 2)]);
    }

    #[test]
    fn best_passage_answers_and_is_deterministic() {
        let c = corpus();
        let q = terms("What are the payment terms?");
        let a = compose(&q, &c).unwrap();
        assert!(a.text.contains("net 30"), "{}", a.text);
        assert_eq!(c[a.cited[0].0].node_id, "n-pay");
        assert_eq!(compose(&q, &c), Some(a));
        let r = compose(&terms("where is the retry logic"), &c).unwrap();
        assert_eq!(c[r.cited[0].0].node_id, "n-ops");
        assert!(r.text.contains("retry.rs"));
    }

    #[test]
    fn nothing_matching_gives_none() {
        assert_eq!(compose(&terms("zebra xylophone"), &corpus()), None);
        assert!(terms("what is the").is_empty());
    }

    #[test]
    fn long_paragraphs_are_cut_at_sentences() {
        let long = "Alpha beta gamma delta. ".repeat(60);
        let ps = passages("n", "v", &long);
        assert!(ps.len() > 1);
        assert!(
            ps.iter()
                .all(|p| p.text.chars().count() <= MAX_PASSAGE_CHARS)
        );
    }

    #[test]
    fn text_like_detection() {
        assert!(is_text_like("notes.MD", None));
        assert!(is_text_like("main.rs", None));
        assert!(is_text_like("blob", Some("text/plain")));
        assert!(!is_text_like("photo.jpg", Some("image/jpeg")));
    }
}
