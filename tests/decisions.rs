//! The result document is the truth (issue #14): reports, the terminal summary, `itss
//! render` and the cohort statistics show what a result records — its `blocking` flags and
//! level decisions — and never work the rules of SPEC §5 out again. Each test edits a real
//! result by hand so that its records disagree with its statuses, and checks that what is
//! shown follows the records.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use itss::diagnostic::{Loaded, Rejected};
use itss::internals::cohort::{CatalogCohort, CohortRow};
use itss::internals::engine::{Catalogs, Engine};
use itss::internals::report::{Renderer, ReportFormat};
use itss::result::{AssessmentResult, ElementBelow, Status};
use itss::text::Lang;

const CASES: &str = "tests/conformance/cases";

fn assess_case(case: &str) -> AssessmentResult {
    let dir = Path::new(CASES).join(case);
    let meta = std::fs::read_to_string(dir.join("case.yaml")).unwrap();
    let catalog = meta
        .lines()
        .find_map(|l| l.strip_prefix("catalog:"))
        .unwrap()
        .trim();
    let engine = Engine::new(Catalogs::from_file(&dir.join(catalog), 64 << 20).unwrap());
    match engine.assess_file(&dir.join("submission.yaml")) {
        Ok(Loaded { value: result, .. }) => *result,
        Err(Rejected { diagnostics, .. }) => panic!("{diagnostics:?}"),
    }
}

/// basic-all-conform (every criterion conform, level "2" reached), edited: one conform
/// level-4 criterion is recorded as blocking, level 4 as not satisfied because of it, and so
/// no level achieved.
fn edited() -> AssessmentResult {
    let mut r = assess_case("basic-all-conform");
    assert_eq!(r.achieved_level.as_deref(), Some("2"));
    let first = r.criteria.iter().position(|c| &*c.level == "4").unwrap();
    assert_eq!(r.criteria[first].status, Status::Conform);
    r.criteria[first].blocking = true;
    r.levels[0].satisfied = false;
    r.levels[0].decision.blocking_criteria = 1;
    r.achieved_level = None;
    r.target_met = Some(false);
    r
}

#[test]
fn reports_show_the_recorded_decisions() {
    let r = edited();
    let renderer = Renderer::bundled().unwrap();
    let md = renderer
        .render(&r, ReportFormat::Markdown, Lang::En)
        .unwrap();
    assert!(md.contains("**Not satisfied**"), "{md}");
    assert!(md.contains("Criteria not met: 1"));
    let html = renderer.render(&r, ReportFormat::Html, Lang::Zh).unwrap();
    assert_eq!(html.matches(r#" class="blocking""#).count(), 1);
    // Nothing blocks in the statuses: a report that re-derived would show none.
    let plain = renderer
        .render(
            &assess_case("basic-all-conform"),
            ReportFormat::Html,
            Lang::Zh,
        )
        .unwrap();
    assert_eq!(plain.matches(r#" class="blocking""#).count(), 0);
}

#[test]
fn an_element_recorded_below_is_shown_below() {
    let mut r = assess_case("weighted-all-conform");
    assert!(r.levels[0].satisfied);
    r.levels[0].satisfied = false;
    r.levels[0].decision.elements_below.push(ElementBelow {
        element: r.elements[0].id.clone(),
        score: 0.5,
        threshold: 0.8,
    });
    let md = Renderer::bundled()
        .unwrap()
        .render(&r, ReportFormat::Markdown, Lang::En)
        .unwrap();
    assert!(md.contains("50.0%") && md.contains("80.0%"), "{md}");
}

#[test]
fn the_terminal_summary_and_render_read_the_document() {
    let r = edited();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.json");
    std::fs::write(&path, serde_json::to_string(&r).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_itss"))
        .args([
            "render",
            path.to_str().unwrap(),
            "--format",
            "text",
            "--lang",
            "en",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Level computed from the self-assessment: no level reached"),
        "{text}"
    );
    assert!(text.contains("✘ Level 4"), "{text}");
}

#[test]
fn cohort_statistics_count_the_recorded_blocking_flags() {
    let r = edited();
    let mut cohort = CatalogCohort::new(&r);
    cohort.add(&CohortRow::new(&r));
    cohort.finish();
    let top = &cohort.criteria[0];
    assert_eq!((top.blocks, top.considered), (1, 1));
    assert_eq!(
        top.id,
        r.criteria
            .iter()
            .find(|c| c.blocking)
            .unwrap()
            .id
            .to_string()
    );
    assert!(cohort.criteria[1..].iter().all(|c| c.blocks == 0));
}

#[test]
fn render_and_diff_refuse_older_results_with_the_remedy() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = serde_json::to_value(assess_case("basic-all-conform")).unwrap();
    doc["schema"] = "itss-result/1".into();
    let old = dir.path().join("old.json");
    std::fs::write(&old, doc.to_string()).unwrap();
    for args in [
        vec!["render", old.to_str().unwrap()],
        vec!["diff", old.to_str().unwrap(), old.to_str().unwrap()],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_itss"))
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("itss-result/1"), "{stderr}");
        assert!(stderr.contains("itss assess"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}
