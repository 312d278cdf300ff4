//! The YAML fast path against the full parser: wherever the fast path reads a document, the
//! full parser must read the same tree, locations included (`itss::internals::yaml::parse_fast`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use itss::internals::yaml::{parse_fast, parse_full};

/// Checks the contract on one text; returns whether the fast path read it.
fn agree(text: &str) -> bool {
    match parse_fast(text) {
        None => false,
        Some(fast) => {
            let full = parse_full(text, usize::MAX);
            assert_eq!(full.as_ref(), Ok(&fast), "fast path disagrees on:\n{text}");
            true
        }
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            || path.parent().is_some_and(|p| p.ends_with("corpus"))
        {
            out.push(path);
        }
    }
}

#[test]
fn every_yaml_file_in_the_repository_agrees() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    for dir in ["examples", "rules", "tests", "fuzz", "report-templates"] {
        files(&root.join(dir), &mut all);
    }
    assert!(all.len() > 100, "found only {} files", all.len());
    let mut fast = 0;
    for path in &all {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        if agree(&text) {
            fast += 1;
        }
    }
    eprintln!("fast path read {fast} of {} files", all.len());
    assert!(fast > 50, "the fast path read only {fast} files");
}

#[test]
fn generated_submissions_take_the_fast_path() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = itss::internals::catalog::bundled("itss-om")
        .unwrap()
        .unwrap()
        .value;
    for seed in [1, 2, 3] {
        let out = dir.path().join(format!("s{seed}"));
        let config = itss::internals::sample::SampleConfig {
            count: 40,
            seed,
            out: out.clone(),
            evidence: false,
            invalid_per_mille: 0,
        };
        itss::internals::sample::generate(&catalog, &config).unwrap();
        let mut all = Vec::new();
        files(&out, &mut all);
        assert_eq!(all.len(), 40);
        for path in all {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(agree(&text), "the fast path declined {}", path.display());
        }
    }
}

mod generated {
    use super::agree;
    use proptest::prelude::*;

    /// Pieces of YAML lines, ordinary and tricky, for documents that are mostly well formed.
    const KEYS: &[&str] = &[
        "a",
        "id",
        "OM.L4.MGT.PLAN",
        "\"q k\"",
        "'s k'",
        "1",
        "null",
        "~",
        "true",
        "<<",
        "a b",
        "a#b",
        "中文",
        "a:b",
        "-k",
        "?k",
        "[k]",
        "{k}",
        "&a k",
        "!t k",
        "\"e\\\"k\"",
        "k ",
    ];
    const VALUES: &[&str] = &[
        "",
        "x",
        "a b",
        "\"\"",
        "\"q\"",
        "'s'",
        "'it''s'",
        "\"a\\\"b\\\\c\"",
        "\"\\u00e9\\x41\\U0001F600\"",
        "\"\\t\\n\\/\"",
        "\"\\q\"",
        "\"\\ud800\"",
        "1",
        "-1",
        "1.5",
        "1e3",
        "1e999",
        "0755",
        "0x1F",
        "+1",
        ".5",
        ".nan",
        "true",
        "false",
        "yes",
        "~",
        "null",
        "Null",
        "2026-04-30",
        "中文 说明",
        "{}",
        "[]",
        "{ }",
        "[x, y]",
        "[x,y]",
        "[x, ]",
        "[, x]",
        "{a: 1, b: [x, y], c: \"q\"}",
        "{path: evidence/a.pdf, sha256: 0f, dated: 2026-01-02}",
        "{a: 1, a: 2}",
        "{a:1}",
        "{a}",
        "{\"a\": 1}",
        "{a: {b: {c: [1, {d: e}]}}}",
        "[a: 1]",
        "[-1, -x]",
        "[- x]",
        "a: b",
        "a:b",
        "a #b",
        "a#b",
        "http://x/y",
        "&x v",
        "*x",
        "!t v",
        "!!str 1",
        "|",
        ">-",
        "- x",
        "-",
        "? x",
        ":x",
        "%x",
        "@x",
        "`x",
        "a, b",
        "a [b]",
        "a {b}",
        "x # c",
        "\"a\" # c",
        "\"a\"# c",
        "'a'x",
        "\"a",
        "'a",
        "[a",
        "{a: 1",
        "\t",
        "a\tb",
        "a\r",
        "\u{85}",
        "\u{2028}",
        "\u{feff}",
    ];
    const PREFIXES: &[&str] = &[
        "",
        "- ",
        "-  ",
        "-",
        "- - ",
        "---",
        "--- ",
        "...",
        "%YAML 1.2",
        "? ",
    ];
    const SUFFIXES: &[&str] = &["", " # c", "#c", "  ", " ", ":", ": ", " x"];

    fn line() -> impl Strategy<Value = String> {
        (
            0usize..7,
            prop::sample::select(PREFIXES),
            prop::option::weighted(0.8, prop::sample::select(KEYS)),
            prop::sample::select(VALUES),
            prop::sample::select(SUFFIXES),
            0u8..10,
        )
            .prop_map(|(indent, prefix, key, value, suffix, shape)| {
                let mut s = " ".repeat(indent);
                if shape < 8 {
                    if shape < 3 {
                        s.push_str(prefix);
                    }
                    if let Some(key) = key {
                        s.push_str(key);
                        s.push(':');
                        if !value.is_empty() {
                            s.push(' ');
                        }
                    }
                    s.push_str(value);
                    if shape == 7 {
                        s.push_str(suffix);
                    }
                } else if shape == 8 {
                    s.push_str("# comment");
                }
                s
            })
    }

    fn document() -> impl Strategy<Value = String> {
        (prop::collection::vec(line(), 1..14), any::<bool>())
            .prop_map(|(lines, newline)| lines.join("\n") + if newline { "\n" } else { "" })
    }

    /// Regular documents in the shape of submissions, so that most are read by the fast path
    /// and agreement is really tested, not just declining.
    fn regular() -> impl Strategy<Value = String> {
        let entry = (
            prop::sample::select(KEYS),
            prop_oneof![
                6 => prop::sample::select(&VALUES[..40]),
                1 => prop::sample::select(VALUES),
            ],
            0u8..4,
        );
        prop::collection::vec(entry, 1..10).prop_map(|entries| {
            let mut s = String::from("answers:\n");
            for (i, (key, value, shape)) in entries.into_iter().enumerate() {
                let key = format!("{}{i}", key.trim_matches(['"', '\'']));
                match shape {
                    0 => s.push_str(&format!("  {key}: {value}\n")),
                    1 => s.push_str(&format!("  {key}:\n    - {value}\n    - k: {value}\n")),
                    2 => s.push_str(&format!("  {key}:\n  - {value}\n\n  # c\n")),
                    _ => s.push_str(&format!("  {key}:\n    rating: {value} # c\n    n:\n")),
                }
            }
            s
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            // YAML_FAST_CASES=1000000 for a long differential run.
            cases: std::env::var("YAML_FAST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(3000),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn yaml_like_documents(doc in document()) {
            agree(&doc);
        }

        #[test]
        fn submission_shaped_documents(doc in regular()) {
            agree(&doc);
        }
    }

    /// How many of `n` documents drawn from `strategy` the fast path reads (each checked).
    fn read_count(
        strategy: impl Strategy<Value = String>,
        n: usize,
        runner: &mut proptest::test_runner::TestRunner,
    ) -> usize {
        use proptest::strategy::ValueTree;
        (0..n)
            .filter(|_| agree(&strategy.new_tree(runner).unwrap().current()))
            .count()
    }

    /// A good share of the generated documents must be read by the fast path (else the tests
    /// above prove little: a declined document is only checked to be declined).
    #[test]
    fn the_fast_path_is_exercised() {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let read = read_count(regular(), 500, &mut runner);
        eprintln!("submission-shaped: the fast path read {read} of 500");
        assert!(read > 50, "the fast path read only {read} of 500");
        let read = read_count(document(), 2000, &mut runner);
        eprintln!("YAML-like: the fast path read {read} of 2000");
        assert!(read > 20, "the fast path read only {read} of 2000");
    }
}
