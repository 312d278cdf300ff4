//! Hostile input never panics (issue #6, SPEC §10): property tests feed arbitrary bytes,
//! arbitrary YAML-shaped documents and mutations of a valid conformance submission through
//! load → validate → assess → render (HTML and Markdown) and check that
//! - nothing panics;
//! - an input that is not assessed has at least one error diagnostic naming the file;
//! - an assessed input yields a result that validates against the result schema and
//!   renders in both formats.
//!
//! The cargo-fuzz targets in `fuzz/` run the same pipeline for much longer; the regression
//! tests at the end replay what they (and the bad-input corpus) found.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use itss::diagnostic::Diagnostic;
use itss::internals::assess::{self, Options};
use itss::internals::catalog::Catalog;
use itss::internals::report::{Renderer, ReportFormat};
use itss::internals::schema::SchemaKind;
use itss::internals::submission;
use itss::text::Lang;
use proptest::prelude::*;

const MAX_SIZE: u64 = 1 << 20;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

static BASIC: LazyLock<Catalog> = LazyLock::new(|| {
    itss::internals::catalog::load(
        &root().join("tests/conformance/catalogs/basic.yaml"),
        u64::MAX,
        false,
    )
    .ok()
    .map(|l| l.value)
    .expect("conformance catalog loads")
});

static OM: LazyLock<Catalog> = LazyLock::new(|| {
    itss::internals::catalog::bundled("itss-om")
        .and_then(|l| l.ok())
        .map(|l| l.value)
        .expect("bundled catalog loads")
});

static RENDERER: LazyLock<Renderer> =
    LazyLock::new(|| Renderer::bundled().expect("bundled templates compile"));

/// The case whose submission the mutation suite starts from (with real evidence files).
fn seed_case() -> PathBuf {
    root().join("tests/conformance/cases/basic-all-conform")
}

/// What became of one input.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Assessed,
    Invalid,
}

fn assert_names_file(path: &Path, diagnostics: &[Diagnostic], text: Option<&str>) {
    assert!(
        diagnostics.iter().any(|d| d.is_error() && d.file == path),
        "not assessed, but no error naming {}: {diagnostics:?}",
        path.display()
    );
    for d in diagnostics {
        // Snippet rendering over the real text (odd columns, wide characters) must not panic.
        let _ = d.render(text, false, itss::text::Lang::Zh);
    }
}

/// load → validate → assess → render; checks the invariants of the module doc.
fn pipeline(path: &Path, text: &str, catalog: &Catalog, check_files: bool) -> Outcome {
    let parsed = match submission::parse_str(path, text, MAX_SIZE) {
        Ok(p) => p,
        Err(load) => {
            assert_names_file(path, &load.diagnostics, load.text.as_deref());
            return Outcome::Invalid;
        }
    };
    let s = match submission::validate(parsed, catalog) {
        Ok(loaded) => {
            assert!(!loaded.warnings.iter().any(Diagnostic::is_error));
            loaded.value
        }
        Err(rejected) => {
            assert_names_file(path, &rejected.diagnostics, rejected.text.as_deref());
            return Outcome::Invalid;
        }
    };
    let options = Options {
        skip_evidence_files: !check_files,
        ..Options::default()
    };
    let result = assess::assess(catalog, &s, &[], &options);
    let value = serde_json::to_value(&result).unwrap();
    let errors: Vec<String> = SchemaKind::Result
        .validator()
        .iter_errors(&value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "result breaks its schema: {errors:?}");
    for (format, lang) in [
        (ReportFormat::Html, Lang::Zh),
        (ReportFormat::Markdown, Lang::En),
    ] {
        let report = RENDERER.render(&result, format, lang).unwrap();
        assert!(!report.is_empty());
        if format == ReportFormat::Html {
            assert!(!report.contains("<script"), "raw <script in HTML");
        }
    }
    Outcome::Assessed
}

// ---------------------------------------------------------------------------------------
// YAML-shaped values and their text
// ---------------------------------------------------------------------------------------

/// A YAML-shaped value. Mappings are lists of entries so that duplicate keys can be written.
#[derive(Debug, Clone)]
enum Y {
    /// Written as is, unquoted (plain scalars: `NO`, `0755`, `1e999`, `.nan`, …).
    Plain(String),
    /// Written double-quoted with escapes (any text: NUL, bidi, newlines, …).
    Quoted(String),
    Seq(Vec<Y>),
    Map(Vec<(String, Y)>),
}

/// Plain scalars that YAML 1.1/1.2 loaders read in surprising ways.
const TRICKY_PLAIN: &[&str] = &[
    "NO",
    "no",
    "yes",
    "Yes",
    "on",
    "off",
    "y",
    "n",
    "true",
    "false",
    "True",
    "FALSE",
    "null",
    "~",
    "Null",
    "0755",
    "0o17",
    "0x1F",
    "1_000",
    "+1",
    "-0",
    ".5",
    "5.",
    "1e999",
    "-1e999",
    "1e-999",
    "1e3",
    ".nan",
    ".NaN",
    ".inf",
    "-.inf",
    "+.inf",
    "0",
    "-1",
    "4",
    "3",
    "2",
    "18446744073709551616",
    "-9223372036854775809",
    "9223372036854775807",
    "0.93",
    "2026-10-01",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "12:30:00",
    "conform",
    "partial",
    "nonconform",
    "na",
    "itss-om",
    "conf-basic",
    "91110000802100433B",
    "914403001922038216",
    "91110000802100433C",
    "evidence/a.pdf",
    "../x",
    "C:/x",
    "=1+1",
];

/// Quoted strings aimed at escaping, templating and path handling.
const TRICKY_TEXT: &[&str] = &[
    "{{ 7*7 }}",
    "{% for x in range(9) %}{{ x }}{% endfor %}",
    "<script>alert(1)</script>",
    "</title><img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|",
    "*bold* _it_ [l](javascript:x) ![i](http://x/y.png)",
    "\u{202e}gnp.exe\u{202c}",
    "\u{2066}\u{2069}\u{200b}\u{feff}",
    "a\u{0}b",
    "\u{1b}[31mred\u{1b}[0m\u{7}\u{8}",
    "line\r\nline\rline\u{2028}",
    "某某信息技术有限公司",
    "𝕏🚀 ﷽ é",
    "..\\..\\x",
    "/etc/passwd",
    "C:\\evil.pdf",
    "evidence/../../x",
    "",
    " ",
    "#",
    "- a",
    "&a *a !!str",
];

/// Keys that the formats use, so generated trees sometimes hit real fields.
const KEYS: &[&str] = &[
    "id",
    "catalog",
    "catalog_version",
    "assessed_on",
    "target_level",
    "organization",
    "name",
    "credit_code",
    "legal_entity",
    "business_since",
    "system_since",
    "certificates",
    "level",
    "issued_on",
    "expires_on",
    "facts",
    "answers",
    "rating",
    "note",
    "evidence",
    "path",
    "sha256",
    "dated",
    "title",
    "metrics",
    "training_coverage",
    "B.L4.MGT.PLAN",
    "B.L4.PPL.TRAIN",
    "B.L4.RES.DESK",
    "OM.L4.PPL.TRAIN",
    "sla_requires_spares",
    "large_org",
    "contract",
    "monitoring",
    "<<",
    "?",
    "",
    "x y",
    "{{ k }}",
];

fn scalar() -> impl Strategy<Value = Y> {
    prop_oneof![
        4 => prop::sample::select(TRICKY_PLAIN).prop_map(|s| Y::Plain(s.to_owned())),
        3 => prop::sample::select(TRICKY_TEXT).prop_map(|s| Y::Quoted(s.to_owned())),
        2 => "[a-zA-Z0-9 ._/-]{0,12}".prop_map(Y::Quoted),
        1 => any::<String>().prop_map(Y::Quoted),
        1 => (prop::sample::select(TRICKY_TEXT), 1usize..2000)
            .prop_map(|(s, n)| Y::Quoted(s.repeat(n))),
        1 => any::<f64>().prop_map(|f| Y::Plain(f.to_string())),
        1 => any::<i64>().prop_map(|i| Y::Plain(i.to_string())),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn tree() -> impl Strategy<Value = Y> {
    scalar().prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Y::Seq),
            prop::collection::vec((key(), inner), 0..8).prop_map(Y::Map),
        ]
    })
}

/// A JSON string literal is a valid YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// Writes block-style YAML (flow style for empty collections and, with `flow`, everywhere).
fn emit(y: &Y, indent: usize, flow: bool, out: &mut String) {
    match y {
        Y::Plain(s) => out.push_str(s),
        Y::Quoted(s) => out.push_str(&quoted(s)),
        Y::Seq(items) if flow || items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                emit(item, indent, true, out);
            }
            out.push(']');
        }
        Y::Map(entries) if flow || entries.is_empty() => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{}: ", quoted(k));
                emit(v, indent, true, out);
            }
            out.push('}');
        }
        Y::Seq(items) => {
            for item in items {
                let _ = write!(out, "\n{}- ", " ".repeat(indent));
                emit(item, indent + 2, false, out);
            }
        }
        Y::Map(entries) => {
            for (k, v) in entries {
                let _ = write!(out, "\n{}{}: ", " ".repeat(indent), quoted(k));
                emit(v, indent + 2, false, out);
            }
        }
    }
}

fn to_yaml(y: &Y, flow: bool) -> String {
    let mut out = String::new();
    emit(y, 0, flow, &mut out);
    out.trim_start_matches('\n').to_owned() + "\n"
}

/// The located tree of a valid document, as a `Y` (scalars re-written as they resolve).
fn from_node(node: &itss::internals::yaml::Node) -> Y {
    use itss::internals::yaml::NodeKind;
    match &node.kind {
        NodeKind::Null => Y::Plain("null".to_owned()),
        NodeKind::Bool(b) => Y::Plain(b.to_string()),
        NodeKind::Number(n) => Y::Plain(n.to_string()),
        NodeKind::String(s) => Y::Quoted(s.clone()),
        NodeKind::Seq(items) => Y::Seq(items.iter().map(from_node).collect()),
        NodeKind::Map(entries) => Y::Map(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), from_node(v)))
                .collect(),
        ),
    }
}

static SEED: LazyLock<Y> = LazyLock::new(|| {
    let text = std::fs::read_to_string(seed_case().join("submission.yaml")).unwrap();
    from_node(&itss::internals::yaml::parse(&text, 1 << 20).unwrap())
});

/// One mutation: where (a walk of indices, taken modulo the sizes met) and what.
#[derive(Debug, Clone)]
enum Edit {
    Drop,
    Duplicate,
    Retype(Y),
    Rename(String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => Just(Edit::Drop),
        1 => Just(Edit::Duplicate),
        6 => prop_oneof![
            3 => prop::sample::select(TRICKY_TEXT).prop_map(|s| Y::Quoted(s.to_owned())),
            2 => prop::sample::select(TRICKY_PLAIN).prop_map(|s| Y::Plain(s.to_owned())),
            1 => tree(),
        ]
        .prop_map(Edit::Retype),
        1 => key().prop_map(Edit::Rename),
    ]
}

/// Applies `edit` at the collection entry reached by following `walk`.
fn mutate(y: &mut Y, walk: &[usize], edit: &Edit) {
    let Some((&step, rest)) = walk.split_first() else {
        if let Edit::Retype(new) = edit {
            *y = new.clone();
        }
        return;
    };
    match y {
        Y::Map(entries) if !entries.is_empty() => {
            let i = step % entries.len();
            let descend = !rest.is_empty() && matches!(entries[i].1, Y::Map(_) | Y::Seq(_));
            if descend {
                return mutate(&mut entries[i].1, rest, edit);
            }
            match edit {
                Edit::Drop => {
                    entries.remove(i);
                }
                Edit::Duplicate => {
                    let copy = entries[i].clone();
                    entries.insert(i, copy);
                }
                Edit::Retype(new) => entries[i].1 = new.clone(),
                Edit::Rename(k) => entries[i].0 = k.clone(),
            }
        }
        Y::Seq(items) if !items.is_empty() => {
            let i = step % items.len();
            let descend = !rest.is_empty() && matches!(items[i], Y::Map(_) | Y::Seq(_));
            if descend {
                return mutate(&mut items[i], rest, edit);
            }
            match edit {
                Edit::Drop => {
                    items.remove(i);
                }
                Edit::Duplicate => {
                    let copy = items[i].clone();
                    items.insert(i, copy);
                }
                Edit::Retype(new) => items[i] = new.clone(),
                Edit::Rename(_) => {}
            }
        }
        _ => {
            if let Edit::Retype(new) = edit {
                *y = new.clone();
            }
        }
    }
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(384))]

    /// (a) Arbitrary bytes, as a YAML file and as a JSON file.
    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..1024),
        json in any::<bool>(),
    ) {
        let path = Path::new(if json { "hostile/bytes.json" } else { "hostile/bytes.yaml" });
        match itss::internals::source::text_from_bytes(path, bytes) {
            Ok(text) => {
                pipeline(path, &text, &BASIC, false);
            }
            Err(d) => assert_names_file(path, std::slice::from_ref(&d), None),
        }
    }

    /// (a') Arbitrary text built from YAML's own punctuation, which reaches deeper into the
    /// parser than random bytes do.
    #[test]
    fn yaml_punctuation_never_panics(
        text in "([-:,\\[\\]{}&*!|>'\"%@`#?~ \n\t]|[a-z0-9]{1,4}|NO|\\.nan|1e999|<<|---|\\.\\.\\.){0,80}",
    ) {
        pipeline(Path::new("hostile/punct.yaml"), &text, &BASIC, false);
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// (b) Arbitrary YAML-shaped documents, block or flow style, alone and wrapped in an
    /// otherwise valid submission header so that the deeper stages see them.
    #[test]
    fn yaml_shaped_values_never_panic(doc in tree(), flow in any::<bool>(), wrap in 0usize..5) {
        let path = Path::new("hostile/tree.yaml");
        let plain = |s: &str| Y::Plain(s.to_owned());
        let header = |organization: Y, answers: Y| {
            Y::Map(vec![
                ("catalog".into(), plain("conf-basic")),
                ("assessed_on".into(), plain("2026-10-01")),
                ("organization".into(), organization),
                ("answers".into(), answers),
            ])
        };
        let org = |extra: Vec<(String, Y)>| {
            let mut entries = vec![("name".to_owned(), Y::Quoted("x".into()))];
            entries.extend(extra);
            Y::Map(entries)
        };
        let desk = Y::Map(vec![(
            "B.L4.RES.DESK".into(),
            Y::Map(vec![("rating".into(), plain("conform"))]),
        )]);
        let y = match wrap {
            0 => doc,
            1 => header(org(vec![]), doc),
            // facts are free-form and read by applies_if expressions.
            2 => header(
                org(vec![("facts".into(), Y::Map(vec![("contract".into(), doc)]))]),
                desk,
            ),
            // A scalar in every place that takes text or a number.
            3 => header(
                org(vec![("extra".into(), doc.clone())]),
                Y::Map(vec![(
                    "B.L4.PPL.TRAIN".into(),
                    Y::Map(vec![
                        ("rating".into(), plain("conform")),
                        ("note".into(), doc.clone()),
                        ("metrics".into(), Y::Map(vec![("training_coverage".into(), doc.clone())])),
                        ("evidence".into(), Y::Seq(vec![Y::Map(vec![("path".into(), doc)])])),
                    ]),
                )]),
            ),
            _ => header(Y::Map(vec![("name".into(), doc)]), desk),
        };
        let text = to_yaml(&y, flow);
        pipeline(path, &text, &BASIC, false);
        // The bundled catalog sees the same text (catalog mismatch aside, the stages run).
        pipeline(path, &text.replace("conf-basic", "itss-om"), &OM, false);
    }

}

proptest! {
    #![proptest_config(config(512))]

    /// (c) A valid conformance submission with 1–4 fields dropped, duplicated, retyped or
    /// renamed, written as YAML (block or flow) or JSON, with its real evidence files.
    #[test]
    fn mutated_submissions_never_panic(
        edits in prop::collection::vec(
            (prop::collection::vec(any::<usize>(), 1..5), edit()),
            1..4,
        ),
        style in 0usize..3,
    ) {
        let mut y = SEED.clone();
        for (walk, e) in &edits {
            mutate(&mut y, walk, e);
        }
        let (name, text) = match style {
            0 => ("mutated.yaml", to_yaml(&y, false)),
            1 => ("mutated.yaml", to_yaml(&y, true)),
            // Flow YAML with quoted keys is JSON unless it holds plain YAML scalars.
            _ => ("mutated.json", to_yaml(&y, true)),
        };
        let path = seed_case().join(name);
        pipeline(&path, &text, &BASIC, true);
    }
}

#[test]
fn the_unmutated_seed_is_assessed() {
    // Guards the generators: if the seed stopped being valid, suite (c) would test nothing.
    let path = seed_case().join("mutated.yaml");
    for flow in [false, true] {
        assert_eq!(
            pipeline(&path, &to_yaml(&SEED, flow), &BASIC, true),
            Outcome::Assessed
        );
    }
}

// ---------------------------------------------------------------------------------------
// Regressions: inputs found by the fuzzers and the bad-input corpus, replayed.
// ---------------------------------------------------------------------------------------

/// Replays every file of a directory through the pipeline (bytes as read).
fn replay_dir(dir: &Path, catalog: &Catalog) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        // As the fuzz target does: JSON-looking input is named `.json` (fuzz corpus files
        // have no extension).
        let path = if path.extension().is_none() && bytes.first() == Some(&b'{') {
            path.with_extension("json")
        } else {
            path
        };
        match itss::internals::source::text_from_bytes(&path, bytes) {
            Ok(text) => {
                pipeline(&path, &text, catalog, false);
            }
            Err(d) => assert_names_file(&path, std::slice::from_ref(&d), None),
        }
        n += 1;
    }
    n
}

#[test]
fn bad_input_corpus_replays_through_the_library() {
    let n = replay_dir(&root().join("tests/bad-inputs"), &BASIC);
    assert!(n >= 20, "corpus has {n} files");
}

#[test]
fn fuzz_corpus_replays_through_the_library() {
    // The minimized corpus of the `submission` fuzz target (fuzz/corpus/submission).
    let dir = root().join("fuzz/corpus/submission");
    let n = replay_dir(&dir, &BASIC) + replay_dir(&dir, &OM);
    assert!(n >= 100, "fuzz corpus has {n} files");
}

#[test]
fn deep_nesting_is_a_limit_not_a_crash() {
    for text in [
        "[".repeat(10_000) + &"]".repeat(10_000),
        "{a: ".repeat(5_000) + &"}".repeat(5_000),
        (0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect(),
        (0..300).map(|i| format!("{}-\n", " ".repeat(i))).collect(),
    ] {
        let path = Path::new("deep.yaml");
        let err = submission::parse_str(path, &text, MAX_SIZE).unwrap_err();
        let codes: Vec<&str> = err.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.contains(&"input-limit"), "{codes:?}");
    }
    // JSON nesting: refused by the JSON syntax check.
    let json = "[".repeat(10_000) + &"]".repeat(10_000);
    let err = submission::parse_str(Path::new("deep.json"), &json, MAX_SIZE).unwrap_err();
    assert!(err.diagnostics.iter().any(Diagnostic::is_error));
}

/// Known gap (reported on issue #6): the cost of diagnostics grows with the square of their
/// number — `schema::check` looks for an earlier diagnostic with the same pointer by a
/// linear scan, and every diagnostic locates its value by a linear search of the mapping —
/// so a 1 MB file with 40 000 bad answers takes tens of seconds, and a 16 MiB one hours.
#[test]
fn many_diagnostics_stay_linear() {
    let mut text = String::from(
        "catalog: conf-basic\nassessed_on: 2026-10-01\norganization: {name: x}\nanswers:\n",
    );
    for i in 0..40_000 {
        let _ = writeln!(text, "  X.{i}: {{rating: yes}}");
    }
    let started = std::time::Instant::now();
    let path = Path::new("many.yaml");
    let parsed = submission::parse_str(path, &text, 16 << 20).unwrap();
    let rejected = submission::validate(parsed, &BASIC).unwrap_err();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?} for {} diagnostics",
        started.elapsed(),
        rejected.diagnostics.len()
    );
}
