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

use itss::engine::{Catalogs, Engine, FileOutcome};
use itss::format::{Context, Scratch, SubmissionFormat, Text};
use itss::report::{Renderer, ReportFormat};
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
    let mut text = visible(text);
    for a in allowed {
        // As written, and as the Markdown escaping writes it.
        text = text.replace(a.as_str(), " ");
        let escaped = itss::report::escape::markdown(a);
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
        FileOutcome::Assessed { result, .. } => Some(*result),
        FileOutcome::Invalid { .. } => None,
    }
}

#[test]
fn zh_reports_of_the_conformance_cases_hold_no_english() {
    let renderer = Renderer::bundled().unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(CASES).unwrap() {
        let dir = entry.unwrap().path();
        let meta = std::fs::read_to_string(dir.join("case.yaml")).unwrap();
        let meta = itss::yaml::parse(&meta, 1 << 20).unwrap().to_json();
        let mut engine = engine(&dir.join(meta["catalog"].as_str().unwrap()));
        if let Some(waivers) = meta["waivers"].as_str() {
            engine.waivers = itss::waiver::load(&dir.join(waivers), MAX_SIZE).unwrap();
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

#[test]
fn zh_documents_of_a_reviewed_result_hold_no_english() {
    let renderer = Renderer::bundled().unwrap();
    let mut engine = Engine::new(Catalogs::bundled().unwrap());
    engine.options.skip_evidence_files = false;
    let review = Path::new("examples/om-level3/review.yaml");
    engine.reviews = itss::engine::Reviews::One(Box::new(
        itss::review::Review::load(review, MAX_SIZE)
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
