//! Chinese reports hold no English engine text (issue #18): every example and every
//! conformance case, and a synthetic result over each bundled catalog, rendered in zh (HTML,
//! Markdown and the terminal summary) and scanned for English words.
//!
//! What may stay in Latin letters: what the organization itself wrote (its name, notes,
//! evidence paths and titles, waivers), ids and codes (criterion, level and element ids,
//! finding codes, digests), the conformance catalogs' own `standard` strings (test data), and
//! acronyms (all capitals: ITSS, KPI, SLA, GB/T …). Anything else with a lower-case letter —
//! a field name like `system_since`, a word like `fails` or `conform` — is English engine text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

use std::path::Path;

use itss::diagnostic::Loaded;
use itss::format::{Context, Scratch, SubmissionFormat, Text};
use itss::internals::engine::{Catalogs, Engine};
use itss::internals::report::{Renderer, ReportFormat};
use itss::result::AssessmentResult;
use itss::text::Lang;

const CASES: &str = "tests/conformance/cases";
const MAX_SIZE: u64 = 64 << 20;

/// Words with lower-case letters that a Chinese report may carry: the engine's own name and
/// the command-line option a collapsed level names.
const ALLOWED_WORDS: &[&str] = &["itss", "expand"];

/// The strings of a result that are not the engine's: the organization's text, ids, codes
/// and digests. Longest first, so that a longer one is removed before a part of it.
fn not_engine_text(result: &AssessmentResult, bundled: bool) -> Vec<String> {
    let mut out = vec![
        result.submission.organization.clone(),
        result.submission.id.clone(),
        result.submission.source.clone(),
        result.submission.sha256.clone(),
        result.catalog.id.clone(),
        result.catalog.version.clone(),
        result.catalog.digest.clone(),
        result.engine.version.clone(),
    ];
    if !bundled {
        out.push(result.catalog.standard.clone());
    }
    if let Some(r) = &result.review {
        // What the assessment body wrote is its own text.
        out.push(r.sha256.clone());
        out.push(r.source.clone());
        out.push(r.body.name.clone());
        out.extend(r.body.code.clone());
        out.extend(r.team.iter().map(|m| m.name.clone()));
        for nc in &r.nonconformities {
            out.push(nc.id.clone());
            out.extend(nc.owner.clone());
            out.extend(nc.verified_by.clone());
        }
    }
    out.extend(result.submission.credit_code.clone());
    for l in &result.levels {
        out.push(l.id.to_string());
    }
    for e in &result.elements {
        out.push(e.id.to_string());
    }
    for c in &result.criteria {
        out.push(c.id.to_string());
        out.extend(c.note.clone());
        for e in &c.evidence {
            out.push(e.path.clone());
            out.extend(e.title.clone());
        }
        for (name, value) in &c.metrics {
            out.push(name.clone());
            out.push(
                value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned),
            );
        }
        for m in &c.metrics_needed {
            out.push(m.id.to_string());
        }
        for f in &c.findings {
            out.push(f.code.as_str().to_owned());
            // The values a message quotes (digests, paths, ids); of a catalog expression,
            // the names it reads (facts, metrics), which stay as the catalog writes them.
            for v in f.params.values().filter_map(|v| v.as_str()) {
                out.push(v.to_owned());
                out.extend(
                    v.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                        .filter(|w| w.contains('.'))
                        .map(str::to_owned),
                );
            }
        }
    }
    for f in &result.findings {
        out.push(f.code.as_str().to_owned());
        out.extend(
            f.params
                .values()
                .filter_map(|v| v.as_str().map(str::to_owned)),
        );
    }
    for w in &result.waivers {
        out.push(w.criterion.clone());
        out.push(w.justification.clone());
        out.push(w.approved_by.clone());
    }
    out.retain(|s| !s.is_empty());
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out
}

/// The text a reader sees: tags and the style sheet removed, entities decoded.
fn visible(text: &str) -> String {
    let mut s = text.to_owned();
    while let Some(start) = s.find("<style") {
        let end = s[start..]
            .find("</style>")
            .map_or(s.len(), |e| start + e + 8);
        s.replace_range(start..end, " ");
    }
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

/// The English words of `text` once `allowed` strings are taken out.
fn english_words(text: &str, allowed: &[String]) -> Vec<String> {
    words_of(&visible(text), allowed)
}

/// The English words of plain text (no markup) once `allowed` strings are taken out.
fn words_of(text: &str, allowed: &[String]) -> Vec<String> {
    let mut text = text.to_owned();
    for a in allowed {
        // As written, and as the Markdown escaping writes it.
        text = text.replace(a.as_str(), " ");
        let escaped = itss::internals::report::escape::markdown(a);
        if escaped != *a {
            text = text.replace(&escaped, " ");
        }
    }
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars().chain([' ']) {
        if c.is_ascii_alphanumeric() || c == '_' || c == '\'' {
            word.push(c);
            continue;
        }
        let w = std::mem::take(&mut word);
        let letters = w.chars().filter(char::is_ascii_alphabetic).count();
        let lower = w.chars().any(|c| c.is_ascii_lowercase());
        let hex = w.len() >= 16 && w.chars().all(|c| c.is_ascii_hexdigit());
        if letters >= 2
            && (lower || w.contains('_'))
            && !hex
            && !ALLOWED_WORDS.contains(&w.as_str())
        {
            words.push(w);
        }
    }
    words.sort();
    words.dedup();
    words
}

fn check(name: &str, result: &AssessmentResult, bundled: bool, renderer: &Renderer) {
    let allowed = not_engine_text(result, bundled);
    for format in [ReportFormat::Html, ReportFormat::Markdown] {
        let text = renderer.render(result, format, Lang::Zh).unwrap();
        let words = english_words(&text, &allowed);
        assert!(
            words.is_empty(),
            "{name} ({}): English in the zh report: {words:?}",
            format.extension()
        );
    }
    let cx = Context {
        lang: Lang::Zh,
        renderer: Some(renderer),
        pretty: false,
    };
    let mut summary = Vec::new();
    Text.render(result, &cx, &mut Scratch::default(), &mut summary)
        .unwrap();
    let summary = String::from_utf8(summary).unwrap();
    let words = english_words(&summary, &allowed);
    assert!(
        words.is_empty(),
        "{name} (text): English in the zh summary: {words:?}"
    );
}

fn engine(catalog: &Path) -> Engine {
    let mut engine = Engine::new(Catalogs::from_file(catalog, MAX_SIZE).unwrap());
    engine.options.skip_evidence_files = false;
    engine
}

fn assessed(engine: &Engine, path: &Path) -> Option<AssessmentResult> {
    match engine.assess_file(path) {
        Ok(Loaded { value: result, .. }) => Some(*result),
        Err(_) => None,
    }
}

#[test]
fn zh_reports_of_the_conformance_cases_hold_no_english() {
    let renderer = Renderer::bundled().unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(CASES).unwrap() {
        let dir = entry.unwrap().path();
        let meta = std::fs::read_to_string(dir.join("case.yaml")).unwrap();
        let meta = itss::internals::yaml::parse(&meta, 1 << 20)
            .unwrap()
            .to_json();
        let mut engine = engine(&dir.join(meta["catalog"].as_str().unwrap()));
        if let Some(waivers) = meta["waivers"].as_str() {
            engine.waivers = itss::internals::waiver::load(&dir.join(waivers), MAX_SIZE).unwrap();
        }
        let submission = ["submission.yaml", "submission.json"]
            .iter()
            .map(|f| dir.join(f))
            .find(|p| p.is_file())
            .unwrap();
        if let Some(result) = assessed(&engine, &submission) {
            check(&dir.display().to_string(), &result, false, &renderer);
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} cases assessed");
}

#[test]
fn zh_reports_of_the_examples_hold_no_english() {
    let renderer = Renderer::bundled().unwrap();
    let catalogs = Catalogs::bundled().unwrap();
    let mut engine = Engine::new(catalogs);
    engine.options.skip_evidence_files = false;
    for example in ["om-full", "om-level3", "om-level4", "om-prereq-fail"] {
        let path = Path::new("examples").join(example).join("submission.yaml");
        let result = assessed(&engine, &path).unwrap();
        check(example, &result, true, &renderer);
    }
}

#[test]
fn zh_reports_of_every_bundled_catalog_hold_no_english() {
    // An empty self-assessment of each catalog: every criterion unanswered, so every
    // requirement, evidence hint and prerequisite shows in the action plan or the tables.
    let renderer = Renderer::bundled().unwrap().expanded(true);
    let engine = Engine::new(Catalogs::bundled().unwrap());
    let dir = tempfile::tempdir().unwrap();
    for catalog in ["itss-om", "itss-cd", "itss-ii"] {
        let path = dir.path().join(format!("{catalog}.yaml"));
        std::fs::write(
            &path,
            format!(
                "catalog: {catalog}\nassessed_on: 2026-10-01\norganization: {{name: 某某公司}}\nanswers: {{}}\n"
            ),
        )
        .unwrap();
        let result = assessed(&engine, &path).unwrap();
        check(catalog, &result, true, &renderer);
    }
}

// ---------------------------------------------------------------------------------------
// Diagnostics (issue #18, last part): every code the command line produces, read in Chinese.
// ---------------------------------------------------------------------------------------

/// Codes no command-line input produces today: catalog translations are checked for the
/// bundled catalogs only, and a waiver for an unknown criterion is a finding.
const NOT_FROM_THE_COMMAND_LINE: &[&str] = &["missing-translation", "waiver-unknown-criterion"];

/// What a Chinese reader of diagnostics may see in Latin letters besides ids, values and
/// file names: the values to type (ratings, booleans), commands and options.
const DIAGNOSTIC_ALLOWED: &[&str] = &[
    "itss assess",
    "itss batch",
    "html",
    "json",
    "itss-result",
    "conf-basic",
    "itss-om",
    "advisory: true",
    "schema: itss-result",
    "itss-result/0",
    "nonconform",
    "conform",
    "partial",
    "na",
    "true",
    "false",
];

/// The sentences of a rendered diagnostic stream: headers (without the `错误[code]` frame),
/// the labels under the carets and other lines; not the quoted source lines and positions.
fn read_lines(stderr: &str) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut codes = Vec::new();
    for line in stderr.lines() {
        let trimmed = line.trim_start();
        let numbered = trimmed
            .split_once(" |")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if trimmed.starts_with("--> ") || numbered {
            continue;
        }
        let mut kept = trimmed;
        if let Some(rest) = trimmed.strip_prefix('|') {
            // The label after the carets, if any.
            match rest.rfind('^') {
                Some(i) => kept = &rest[i + 1..],
                None => continue,
            }
        }
        for frame in ["错误[", "警告["] {
            if let Some(rest) = kept.strip_prefix(frame)
                && let Some((code, message)) = rest.split_once("]:")
            {
                codes.push(code.to_owned());
                kept = message;
            }
        }
        text.push_str(kept);
        text.push('\n');
    }
    (text, codes)
}

/// Words that are command-line options (`--max-file-size`) are not prose.
fn without_options(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("--") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

struct DiagnosticCase {
    /// The code expected among the diagnostics.
    code: &'static str,
    /// Files written before the run: name and content.
    files: Vec<(&'static str, Vec<u8>)>,
    /// Arguments (`--lang zh` is added).
    args: Vec<&'static str>,
    /// What the input wrote that a message may quote.
    typed: Vec<&'static str>,
}

fn base(name: &str) -> String {
    let path = match name {
        "submission.yaml" => "tests/conformance/cases/basic-all-conform/submission.yaml",
        _ => "tests/conformance/catalogs/basic.yaml",
    };
    std::fs::read_to_string(path).unwrap()
}

fn mutated(name: &'static str, from: &str, to: &str) -> (&'static str, Vec<u8>) {
    let text = base(name);
    assert!(text.contains(from), "{from:?} not in {name}");
    (name, text.replacen(from, to, 1).into_bytes())
}

fn submission_case(
    code: &'static str,
    from: &str,
    to: &str,
    typed: Vec<&'static str>,
) -> DiagnosticCase {
    DiagnosticCase {
        code,
        files: vec![
            mutated("submission.yaml", from, to),
            ("basic.yaml", base("basic.yaml").into_bytes()),
        ],
        args: vec!["assess", "submission.yaml", "--catalog", "basic.yaml"],
        typed,
    }
}

fn catalog_case(
    code: &'static str,
    from: &str,
    to: &str,
    typed: Vec<&'static str>,
) -> DiagnosticCase {
    DiagnosticCase {
        code,
        files: vec![mutated("basic.yaml", from, to)],
        args: vec!["catalog", "check", "basic.yaml"],
        typed,
    }
}

fn review_case(
    code: &'static str,
    from: &str,
    to: &str,
    typed: Vec<&'static str>,
) -> DiagnosticCase {
    let review = std::fs::read_to_string("examples/om-level3/review.yaml").unwrap();
    assert!(review.contains(from), "{from:?} not in the review");
    DiagnosticCase {
        code,
        files: vec![
            (
                "submission.yaml",
                std::fs::read("examples/om-level3/submission.yaml").unwrap(),
            ),
            ("review.yaml", review.replacen(from, to, 1).into_bytes()),
        ],
        args: vec![
            "assess",
            "submission.yaml",
            "--review",
            "review.yaml",
            "--no-evidence-files",
        ],
        typed,
    }
}

fn file_case(
    code: &'static str,
    name: &'static str,
    content: &[u8],
    args: Vec<&'static str>,
) -> DiagnosticCase {
    DiagnosticCase {
        code,
        files: vec![(name, content.to_vec())],
        args,
        typed: vec![],
    }
}

fn diagnostic_cases() -> Vec<DiagnosticCase> {
    let bad = |name: &str| std::fs::read(Path::new("tests/bad-inputs").join(name)).unwrap();
    vec![
        // Submissions.
        submission_case(
            "schema",
            "B.L4.RES.DESK: {rating: conform}",
            "B.L4.RES.DESK: {rating: NO}",
            vec!["NO"],
        ),
        submission_case(
            "schema",
            "  legal_entity: true",
            "  legal_entity: [true]",
            vec![],
        ),
        submission_case(
            "schema",
            "sha256: c648a3b6cf",
            "sha256: zz48a3b6cf",
            vec!["zz48a3b6cf0804c765926e29f71b457af09c4dc878678f962cb8b2d83a615791"],
        ),
        submission_case(
            "invalid-date",
            "assessed_on: 2026-10-01",
            "assessed_on: 2026-02-30",
            vec![],
        ),
        submission_case(
            "missing-field",
            "  name: 某某信息技术有限公司\n",
            "",
            vec![],
        ),
        submission_case(
            "unknown-field",
            "    note: 服务目录已发布并使用\n",
            "    note: 服务目录已发布并使用\n    comment: x\n",
            vec!["comment"],
        ),
        submission_case(
            "schema",
            "  legal_entity: true\n",
            "  legal_entity: true\n  certificate_list: []\n",
            vec!["certificate_list"],
        ),
        submission_case(
            "duplicate-key",
            "  legal_entity: true\n",
            "  legal_entity: true\n  legal_entity: false\n",
            vec!["legal_entity"],
        ),
        submission_case("yaml-syntax", "answers:\n", "answers: {\n", vec![]),
        submission_case(
            "yaml-syntax",
            "  legal_entity: true\n",
            "  legal_entity: true\n\tx: 1\n",
            vec![],
        ),
        submission_case(
            "full-width-character",
            "target_level: '2'",
            "target_level：'2'",
            vec!["target_level"],
        ),
        submission_case(
            "catalog-mismatch",
            "catalog: conf-basic",
            "catalog: itss-om",
            vec![],
        ),
        submission_case(
            "catalog-version",
            "catalog_version: '2015'",
            "catalog_version: '2099'",
            vec![],
        ),
        submission_case(
            "unknown-target-level",
            "target_level: '2'",
            "target_level: '9'",
            vec![],
        ),
        submission_case(
            "credit-code",
            "91110000802100433B",
            "91110000802100433C",
            vec![],
        ),
        submission_case(
            "unknown-answer",
            "answers:\n",
            "answers:\n  B.L4.MGT.PLAM: {rating: conform}\n",
            vec![],
        ),
        submission_case(
            "metric-out-of-range",
            "training_coverage: 0.93",
            "training_coverage: 93",
            vec!["training_coverage"],
        ),
        DiagnosticCase {
            code: "unknown-catalog",
            files: vec![mutated(
                "submission.yaml",
                "catalog: conf-basic",
                "catalog: nope",
            )],
            args: vec!["assess", "submission.yaml"],
            typed: vec!["nope", "itss-om", "itss-cd", "itss-ii"],
        },
        // Files.
        file_case(
            "input-limit",
            "deep.yaml",
            &bad("deep-nesting.yaml"),
            vec!["assess", "deep.yaml"],
        ),
        file_case(
            "input-limit",
            "laughs.yaml",
            &bad("billion-laughs.yaml"),
            vec!["assess", "laughs.yaml"],
        ),
        DiagnosticCase {
            code: "unsupported-yaml",
            files: vec![("tag.yaml", bad("yaml-tag.yaml"))],
            args: vec!["assess", "tag.yaml"],
            typed: vec!["!!python/object/apply:os.system"],
        },
        file_case(
            "unsupported-yaml",
            "two.yaml",
            b"a: 1\n---\nb: 2\n",
            vec!["assess", "two.yaml"],
        ),
        file_case(
            "unsupported-yaml",
            "merge.yaml",
            b"a: &x {b: 1}\nc:\n  <<: *x\n",
            vec!["assess", "merge.yaml"],
        ),
        file_case(
            "not-utf8",
            "latin1.yaml",
            &bad("invalid-utf8.yaml"),
            vec!["assess", "latin1.yaml"],
        ),
        file_case(
            "json-syntax",
            "bad.json",
            b"{\"catalog\": }",
            vec!["assess", "bad.json"],
        ),
        file_case(
            "json-syntax",
            "trailing.json",
            b"{\"catalog\": \"x\",}",
            vec!["assess", "trailing.json"],
        ),
        file_case(
            "schema",
            "empty.yaml",
            b"# nothing\n",
            vec!["assess", "empty.yaml"],
        ),
        file_case(
            "io",
            "present.yaml",
            b"a: 1\n",
            vec!["assess", "absent.yaml"],
        ),
        file_case(
            "file-too-large",
            "big.yaml",
            &[b'a'; 200],
            vec!["assess", "big.yaml", "--max-file-size", "100"],
        ),
        DiagnosticCase {
            code: "result-version",
            files: vec![mutated(
                "submission.yaml",
                "catalog: conf-basic",
                "catalog: conf-basic",
            )],
            args: vec!["render", "submission.yaml"],
            typed: vec![],
        },
        file_case(
            "result-version",
            "old.json",
            b"{\"schema\": \"itss-result/0\"}",
            vec!["render", "old.json"],
        ),
        file_case(
            "result-version",
            "other.json",
            b"{\"x\": 1}",
            vec!["render", "other.json"],
        ),
        // Reviews.
        review_case(
            "review-team",
            "{name: 张三, role: lead}",
            "{name: 张三, role: member}",
            vec![],
        ),
        review_case(
            "review-unknown-criterion",
            "  OM.L3.PRC.RELEASE:\n",
            "  OM.L3.PRC.RELEASX:\n",
            vec!["OM.L3.PRC.RELEASX", "itss-om"],
        ),
        review_case(
            "review-unknown-metric",
            "{key_post_turnover: 0.148}",
            "{key_post_turnovr: 0.148}",
            vec!["key_post_turnovr"],
        ),
        review_case("review-duplicate", "  - id: NC-02", "  - id: NC-01", vec![]),
        review_case(
            "review-mismatch",
            "  id: shuan-yunwei-2026",
            "  id: other-2026",
            vec!["other-2026", "shuan-yunwei-2026"],
        ),
        review_case(
            "invalid-date",
            "onsite: {from: 2026-11-02, to: 2026-11-04}",
            "onsite: {from: 2026-11-05, to: 2026-11-04}",
            vec![],
        ),
        // Catalogs.
        catalog_case(
            "duplicate-id",
            "id: B.L4.MGT.CHECK",
            "id: B.L4.MGT.PLAN",
            vec![],
        ),
        catalog_case(
            "unknown-level",
            "    level: \"3\"\n    element: people",
            "    level: \"7\"\n    element: people",
            vec![],
        ),
        catalog_case(
            "unknown-element",
            "element: resources",
            "element: resource",
            vec!["resource"],
        ),
        catalog_case(
            "expression-syntax",
            "applies_if: \"facts.sla_requires_spares\"",
            "applies_if: \"facts.sla_requires_spares ==\"",
            vec!["facts.sla_requires_spares"],
        ),
        catalog_case(
            "expression-limit",
            "applies_if: \"facts.sla_requires_spares\"",
            "applies_if: \"(range(3) * 33333333)|string|length > 0\"",
            vec![],
        ),
        catalog_case("scale-out-of-range", "partial: 0.5", "partial: 1.5", vec![]),
        catalog_case(
            "unknown-prerequisite-kind",
            "kind: flag",
            "kind: flags",
            vec!["flags", "flag", "months_since", "certificate"],
        ),
        catalog_case(
            "unknown-field",
            "    clause: \"GB/T 28827.1-2012 7.3\"",
            "    clause: \"GB/T 28827.1-2012 7.3\"\n    clauses: x",
            vec!["clauses"],
        ),
        catalog_case("yaml-syntax", "  conform: 1\n", "  conform: [1\n", vec![]),
        catalog_case(
            "weight-out-of-range",
            "    clause: \"GB/T 28827.1-2012 5.2\"",
            "    clause: \"GB/T 28827.1-2012 5.2\"\n    weight: 0",
            vec![],
        ),
        catalog_case(
            "threshold-out-of-range",
            "  method: all-conform\n  partial_is_met: false",
            "  method: threshold\n  element_threshold: 1.5",
            vec![],
        ),
        catalog_case(
            "policy-mismatch",
            "  method: all-conform\n  partial_is_met: false",
            "  method: threshold\n  element_threshold: 0.8\n  partial_is_met: false",
            vec![],
        ),
        catalog_case(
            "metric-range",
            "range: [0, 1]",
            "range: [1, 0]",
            vec!["training_coverage"],
        ),
        catalog_case(
            "metric-not-advisory",
            "official: false",
            "official: true",
            vec![
                "training_coverage",
                "avg_years",
                "retention",
                "availability",
                "value",
            ],
        ),
        catalog_case(
            "level-without-criteria",
            "  - {id: \"2\",",
            "  - {id: \"1\", name: {zh: 卓越级, en: Excellent}, gist: {zh: 优不优, en: x}}\n  - {id: \"2\",",
            vec![],
        ),
        // Workbook submissions.
        DiagnosticCase {
            code: "xlsx-archive",
            files: vec![("form.xlsx", b"not a zip".to_vec())],
            args: vec!["assess", "form.xlsx"],
            // Product and format names are written in Latin letters in Chinese too.
            typed: vec!["Excel", "WPS", "LibreOffice", "xlsx", "zip"],
        },
        DiagnosticCase {
            code: "xlsx-layout",
            files: vec![("form.xlsx", {
                let mut book = rust_xlsxwriter::Workbook::new();
                book.add_worksheet().write_string(0, 0, "x").unwrap();
                book.save_to_buffer().unwrap()
            })],
            args: vec!["assess", "form.xlsx"],
            typed: vec!["itss template", "itss convert", "xlsx"],
        },
        // A review file where a submission is expected.
        DiagnosticCase {
            code: "schema",
            files: vec![(
                "review.yaml",
                std::fs::read("examples/om-level3/review.yaml").unwrap(),
            )],
            args: vec!["assess", "review.yaml"],
            typed: vec!["itss-review/1"],
        },
        // Review workbooks: a corrective action for a nonconformity the register lacks, a
        // review workbook given as a submission, a questionnaire given as a review.
        DiagnosticCase {
            code: "review-unknown-nonconformity",
            files: vec![("review.xlsx", review_workbook_with_an_orphan_action())],
            args: vec!["review", "status", "review.xlsx"],
            typed: vec!["NC-09", "xlsx"],
        },
        DiagnosticCase {
            code: "xlsx-layout",
            files: vec![("review.xlsx", review_workbook_with_an_orphan_action())],
            args: vec!["assess", "review.xlsx"],
            typed: vec!["--review", "xlsx"],
        },
        DiagnosticCase {
            code: "xlsx-layout",
            files: vec![("form.xlsx", {
                let catalog = itss::internals::catalog::bundled("itss-om")
                    .unwrap()
                    .unwrap()
                    .value;
                itss::internals::workbook::questionnaire(
                    &catalog,
                    Some(0),
                    Lang::Zh,
                    "2026-10-01".parse().unwrap(),
                )
                .unwrap()
            })],
            args: vec!["review", "status", "form.xlsx"],
            typed: vec!["itss review init", "xlsx"],
        },
    ]
}

/// A review workbook whose corrective-action register names a nonconformity its
/// nonconformity register does not list.
fn review_workbook_with_an_orphan_action() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let general = book.add_worksheet();
    for (c, k) in ["label", "value", "help", "pointer", "type"]
        .iter()
        .enumerate()
    {
        general.write_string(0, c as u16, *k).unwrap();
    }
    general.write_string(2, 1, "itss-review/1").unwrap();
    general.write_string(2, 3, "/review").unwrap();
    general.write_string(2, 4, "text").unwrap();
    let ncs = book.add_worksheet();
    for (c, k) in ["nc.id", "nc.criterion", "nc.statement"].iter().enumerate() {
        ncs.write_string(0, c as u16, *k).unwrap();
    }
    let actions = book.add_worksheet();
    for (c, k) in ["action.nc", "action.owner"].iter().enumerate() {
        actions.write_string(0, c as u16, *k).unwrap();
    }
    actions.write_string(2, 0, "NC-09").unwrap();
    actions.write_string(2, 1, "王五").unwrap();
    book.save_to_buffer().unwrap()
}

fn run_case(dir: &Path, case: &DiagnosticCase) -> String {
    for (name, content) in &case.files {
        std::fs::write(dir.join(name), content).unwrap();
    }
    let out = assert_cmd::Command::cargo_bin("itss")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(&case.args)
        .args(["--lang", "zh"])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    String::from_utf8(out.stderr).unwrap()
}

fn assert_chinese(what: &str, text: &str, typed: &[&str]) {
    if let Some(failure) = english_in(what, text, typed) {
        panic!("{failure}");
    }
}

/// Why `text` is not Chinese enough, if it is not.
fn english_in(what: &str, text: &str, typed: &[&str]) -> Option<String> {
    let mut allowed: Vec<String> = DIAGNOSTIC_ALLOWED
        .iter()
        .chain(typed)
        .map(|s| (*s).to_owned())
        .collect();
    allowed.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let words = words_of(&without_options(text), &allowed);
    (!words.is_empty()).then(|| format!("{what}: English in the zh diagnostics: {words:?}\n{text}"))
}

#[test]
fn zh_diagnostics_of_every_code_hold_no_english() {
    let mut seen: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for (i, case) in diagnostic_cases().iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let stderr = run_case(dir.path(), case);
        let (text, codes) = read_lines(&stderr);
        if !codes.iter().any(|c| c == case.code) {
            failures.push(format!("case {i} ({}): not produced:\n{stderr}", case.code));
        }
        // The files of the case are named in positions and summaries.
        let mut typed = case.typed.clone();
        typed.extend(case.files.iter().map(|(name, _)| *name));
        typed.extend(case.args.iter().filter(|a| a.contains('.')));
        failures.extend(english_in(
            &format!("case {i} ({})", case.code),
            &text,
            &typed,
        ));
        seen.extend(codes);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Cases that need a special file system: a directory, a FIFO, a symbolic link, deep
    // folders and a batch (whose summary carries the first error of each invalid file).
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("folder.yaml")).unwrap();
    let out = assert_cmd::Command::cargo_bin("itss")
        .unwrap()
        .current_dir(d)
        .env("NO_COLOR", "1")
        .args(["assess", "folder.yaml", "--lang", "zh"])
        .output()
        .unwrap();
    let (text, codes) = read_lines(&String::from_utf8(out.stderr).unwrap());
    assert_chinese("directory", &text, &["folder.yaml"]);
    seen.extend(codes);

    let input = d.join("in");
    let mut deep = input.join("deep");
    for i in 0..34 {
        deep = deep.join(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("lost.yaml"), base("submission.yaml")).unwrap();
    std::fs::write(input.join("a.yaml"), base("submission.yaml")).unwrap();
    std::fs::write(input.join("b.yaml"), base("submission.yaml")).unwrap();
    std::fs::write(d.join("basic.yaml"), base("basic.yaml")).unwrap();
    std::fs::write(d.join("outside.yaml"), base("submission.yaml")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.join("outside.yaml"), input.join("link.yaml")).unwrap();
        let fifo = std::process::Command::new("mkfifo")
            .arg(input.join("pipe.yaml"))
            .status()
            .unwrap();
        assert!(fifo.success());
    }
    let out = assert_cmd::Command::cargo_bin("itss")
        .unwrap()
        .current_dir(d)
        .env("NO_COLOR", "1")
        .args([
            "batch",
            "in",
            "--out",
            "out",
            "--catalog",
            "basic.yaml",
            "--lang",
            "zh",
        ])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("out/summary.json")).unwrap())
            .unwrap();
    for file in summary["invalid_files"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        let message = file["message"].as_str().unwrap();
        assert_chinese(path, message, &["acme-2026", "in/a.yaml", "in/b.yaml"]);
        for code in file["codes"].as_array().unwrap() {
            seen.insert(code.as_str().unwrap().to_owned());
        }
    }
    assert_chinese("batch", &read_lines(&stderr).0, &["conf-basic", "out"]);
    // errors.jsonl keeps the English message and adds the Chinese one.
    let errors = std::fs::read_to_string(d.join("out/errors.jsonl")).unwrap();
    for line in errors.lines() {
        let line: serde_json::Value = serde_json::from_str(line).unwrap();
        for diagnostic in line["diagnostics"].as_array().unwrap() {
            assert!(diagnostic["message"].is_string(), "{line}");
            assert!(diagnostic["message_zh"].is_string(), "{line}");
        }
    }

    let missing: Vec<&str> = itss::diagnostic::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !seen.contains(*c) && !NOT_FROM_THE_COMMAND_LINE.contains(c))
        .collect();
    assert!(missing.is_empty(), "codes not produced: {missing:?}");
}

#[test]
fn zh_documents_of_a_reviewed_result_hold_no_english() {
    let renderer = Renderer::bundled().unwrap();
    let mut engine = Engine::new(Catalogs::bundled().unwrap());
    engine.options.skip_evidence_files = false;
    let review = Path::new("examples/om-level3/review.yaml");
    engine.reviews = itss::internals::engine::Reviews::One(Box::new(
        itss::internals::review::Review::load(review, MAX_SIZE)
            .unwrap_or_else(|r| panic!("{:?}", r.diagnostics)),
    ));
    let result = assessed(&engine, Path::new("examples/om-level3/submission.yaml")).unwrap();
    assert!(result.review.is_some());
    check("om-level3 reviewed", &result, true, &renderer);
    let allowed = not_engine_text(&result, true);
    let cx = Context {
        lang: Lang::Zh,
        renderer: Some(&renderer),
        pretty: false,
    };
    for name in ["nc-html", "nc-md", "ca-html", "ca-md"] {
        let format = itss::format::submission_format(name).unwrap();
        let mut out = Vec::new();
        format
            .render(&result, &cx, &mut Scratch::default(), &mut out)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let words = english_words(&text, &allowed);
        assert!(
            words.is_empty(),
            "{name}: English in the zh document: {words:?}"
        );
    }
}
