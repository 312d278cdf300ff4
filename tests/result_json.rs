//! `CompactWriter` (the batch's result writer) writes what `serde_json::to_writer` writes,
//! byte for byte: over every conformance case (waivers, metrics, applicability, evidence
//! findings, several catalogs) and a generated batch, with one writer reused across all of
//! them in an interleaved order, so kept heads meet results of other catalogs, other levels
//! and other gaps.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use itss::diagnostic::Loaded;
use itss::internals::assess::Options;
use itss::internals::catalog;
use itss::internals::engine::{Catalogs, Engine};
use itss::internals::sample::{self, SampleConfig};
use itss::internals::source::DEFAULT_MAX_FILE_SIZE;
use itss::result::{AssessmentResult, CompactWriter};

mod common;

use common::{case_args, case_field, case_submission};

fn conformance_results() -> Vec<AssessmentResult> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/cases");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    let mut results = Vec::new();
    for dir in dirs {
        let case = fs::read_to_string(dir.join("case.yaml")).unwrap();
        let catalog = case_field(&case, "catalog").expect("every case names its catalog");
        let Ok(catalogs) = Catalogs::from_file(&dir.join(catalog), DEFAULT_MAX_FILE_SIZE) else {
            continue;
        };
        let mut engine = Engine::new(catalogs);
        if let Some(waivers) = case_field(&case, "waivers") {
            engine.waivers =
                itss::internals::waiver::load(&dir.join(waivers), DEFAULT_MAX_FILE_SIZE)
                    .unwrap_or_default();
        }
        let args = case_args(&case);
        let after = |flag: &str| {
            let at = args.iter().position(|a| a == flag)?;
            args.get(at + 1)
        };
        engine.options = Options {
            skip_evidence_files: args.iter().any(|a| a == "--no-evidence-files"),
            as_of: after("--as-of").map(|d| d.parse().unwrap()),
            // Every other case with `generated_at`, an optional top-level field.
            generated_at: (results.len() % 2 == 0).then(|| "2026-11-28T10:00:00Z".to_owned()),
            ..Options::default()
        };
        if let Ok(Loaded { value: result, .. }) =
            engine.assess_file(&dir.join(case_submission(&dir, &case)))
        {
            results.push(*result);
        }
    }
    results
}

fn generated_results(count: u64) -> Vec<AssessmentResult> {
    let dir = tempfile::tempdir().unwrap();
    let load = catalog::bundled("itss-om").unwrap();
    let om = load.unwrap().value;
    sample::generate(
        &om,
        &SampleConfig {
            count,
            seed: 7,
            out: dir.path().to_path_buf(),
            evidence: true,
            invalid_per_mille: 0,
        },
    )
    .unwrap();
    let engine = Engine::new(Catalogs::bundled().unwrap());
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.ends_with("evidence") {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .iter()
        .filter_map(|f| match engine.assess_file(f) {
            Ok(Loaded { value: result, .. }) => Some(*result),
            Err(_) => None,
        })
        .collect()
}

#[test]
fn compact_writer_writes_what_serde_json_writes() {
    let conformance = conformance_results();
    let generated = generated_results(60);
    assert!(
        conformance.len() >= 50,
        "{} conformance results",
        conformance.len()
    );
    assert!(
        generated.len() >= 50,
        "{} generated results",
        generated.len()
    );

    // Interleaved, then each list again: heads are kept, replaced and reused.
    let mut order: Vec<&AssessmentResult> = Vec::new();
    for i in 0..conformance.len().max(generated.len()) {
        order.extend(conformance.get(i));
        order.extend(generated.get(i));
    }
    order.extend(&generated);
    order.extend(&conformance);

    let mut writer = CompactWriter::new();
    let mut out = Vec::new();
    for result in order {
        out.clear();
        writer.write(result, &mut out).unwrap();
        let expected = serde_json::to_vec(result).unwrap();
        assert!(
            out == expected,
            "{}: the compact writer differs from serde_json:\n{}\n{}",
            result.submission.id,
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&expected)
        );
    }
}

#[test]
fn a_changed_head_is_written_as_it_now_is() {
    let mut result = generated_results(1).pop().unwrap();
    let mut writer = CompactWriter::new();
    let mut out = Vec::new();
    writer.write(&result, &mut out).unwrap();
    // Same catalog id, same positions, other texts: nothing kept may be reused.
    for c in &mut result.criteria {
        c.title.zh = format!("{}★", c.title.zh).into();
        c.clause = None;
        c.weight += 1;
    }
    for gap in &mut result.gaps {
        for c in &mut gap.criteria {
            c.requirement.zh = format!("{}\"\n", c.requirement.zh).into();
            c.key = !c.key;
        }
    }
    out.clear();
    writer.write(&result, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        serde_json::to_string(&result).unwrap()
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Strings the enterprise wrote (notes, evidence paths and titles) and finding messages
    /// are copied as they are when nothing in them needs escaping, and escaped as serde_json
    /// escapes them otherwise: quotes, backslashes, control characters, anything else.
    #[test]
    fn free_text_is_escaped_as_serde_json_escapes_it(
        text in proptest::prelude::any::<String>(),
        plain in "[^\"\\\\\u{0}-\u{1f}]{0,40}",
    ) {
        let result = with_texts(&text, &plain);
        let mut out = Vec::new();
        CompactWriter::new().write(&result, &mut out).unwrap();
        proptest::prop_assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&result).unwrap()
        );
    }
}

/// One generated result (made once) with `a` and `b` spliced into every free text.
fn with_texts(a: &str, b: &str) -> AssessmentResult {
    static BASE: std::sync::OnceLock<AssessmentResult> = std::sync::OnceLock::new();
    let mut result = BASE
        .get_or_init(|| generated_results(1).pop().unwrap())
        .clone();
    for (i, c) in result.criteria.iter_mut().enumerate() {
        let (x, y) = if i % 2 == 0 { (a, b) } else { (b, a) };
        c.note = Some(format!("{x}{y}"));
        for f in &mut c.findings {
            f.message = format!("{y}{x}");
        }
        for e in &mut c.evidence {
            e.path = format!("evidence/{x}");
            e.title = Some(y.to_owned());
        }
    }
    result
}
