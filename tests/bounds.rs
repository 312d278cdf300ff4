//! Work and size bounds on catalog expressions and report templates (issue #16, "Catalog
//! expressions and report templates run without limits"). Every hostile case runs the `itss`
//! binary under a timeout, so a regression fails instead of hanging or aborting CI:
//!
//! - a catalog whose `applies_if` or metric `check` cannot be evaluated within the bounds
//!   is refused by `itss catalog check` (and by every command loading it) with exit 2 and
//!   the code `expression-limit` at the expression's line:col;
//! - an expression that exceeds them only for some submission is an `expression-error`
//!   finding on that submission, saying which limit it hit;
//! - a `--templates` set whose report or summary template exceeds its work or output bound
//!   stops `assess`, `render` and `batch` with exit 2 and a message naming the template.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;

mod support;
use support::copy_dir;

/// Longest a hostile case may take (a debug build on two shared cores); the process is killed
/// after twice that.
const QUICK: Duration = Duration::from_secs(15);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary directory holding the conformance case `basic-all-conform` (submission and
/// evidence) and the `conf-basic` catalog.
struct Run {
    tmp: tempfile::TempDir,
}

impl Run {
    fn new() -> Run {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(
            &root().join("tests/conformance/cases/basic-all-conform"),
            tmp.path(),
        );
        fs::copy(
            root().join("tests/conformance/catalogs/basic.yaml"),
            tmp.path().join("basic.yaml"),
        )
        .unwrap();
        Run { tmp }
    }

    fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// Runs `itss` in the directory; a process still running after `2 × QUICK` is killed
    /// (and the test fails), one that took longer than `QUICK` fails it too.
    fn itss(&self, args: &[&str]) -> Output {
        let started = Instant::now();
        let out = Command::cargo_bin("itss")
            .unwrap()
            .current_dir(self.dir())
            .env("NO_COLOR", "1")
            .args(args)
            .timeout(QUICK * 2)
            .output()
            .unwrap();
        let took = started.elapsed();
        assert!(
            out.status.code().is_some(),
            "itss {args:?} was killed (timeout or abort) after {took:?}: {}",
            stderr(&out)
        );
        assert!(
            took < QUICK,
            "itss {args:?} took {took:?}: {}",
            stderr(&out)
        );
        out
    }

    /// `basic.yaml` with the first `applies_if` replaced by `expr` (as `catalog`).
    fn catalog_with_applies_if(&self, catalog: &str, expr: &str) -> usize {
        self.catalog_replacing(catalog, "applies_if: \"facts.sla_requires_spares\"", &{
            format!("applies_if: '{}'", expr.replace('\'', "''"))
        })
    }

    /// `basic.yaml` with the `training_coverage` check replaced by `expr` (as `catalog`).
    fn catalog_with_check(&self, catalog: &str, expr: &str) -> usize {
        self.catalog_replacing(catalog, "check: \"value >= 0.9\"", &{
            format!("check: '{}'", expr.replace('\'', "''"))
        })
    }

    /// Writes `basic.yaml` with `from` replaced by `to` once; returns the 1-based line of
    /// the replacement.
    fn catalog_replacing(&self, catalog: &str, from: &str, to: &str) -> usize {
        let basic = fs::read_to_string(self.dir().join("basic.yaml")).unwrap();
        let at = basic.find(from).expect("fixture line");
        let line = basic[..at].matches('\n').count() + 1;
        fs::write(self.dir().join(catalog), basic.replacen(from, to, 1)).unwrap();
        line
    }

    /// `itss assess` of the fixture to HTML with the template set in `dir`.
    fn assess_html_with(&self, dir: &Path) -> Output {
        self.itss(&[
            "assess",
            "submission.yaml",
            "--catalog",
            "basic.yaml",
            "--format",
            "html",
            "--templates",
            dir.to_str().unwrap(),
        ])
    }

    /// A copy of the bundled template set in `templates/`, with `name` replaced by `text`.
    fn templates_with(&self, name: &str, text: &str) -> PathBuf {
        let dir = self.dir().join("templates");
        copy_dir(&root().join("report-templates"), &dir);
        fs::write(dir.join(name), text).unwrap();
        dir
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Expressions that do unbounded work or build unbounded values, one per way of doing it.
/// Each is at most 500 characters (the expression length limit).
const HOSTILE_EXPRESSIONS: &[&str] = &[
    // String repetition, then concatenation: 200 MB.
    r#"(("x" * 100000000) ~ ("x" * 100000000))|length > 0"#,
    // Repetition doubled by replace, again and again.
    r#"("x" * 1000000)|replace("x", "xx")|replace("x", "xx")|replace("x", "xx")|replace("x", "xx")|replace("x", "xx")|replace("x", "xx")|replace("x", "xx")|replace("x", "xx")|length > 0"#,
    // `*` on a list: 100 million items, scanned by `in`.
    "0 in [1] * 99999999",
    // join over a repeated range: 100 million items.
    "(range(100000) * 1000)|join|length > 0",
    // Nested iteration through filters: a sorted 100-million-item list.
    "((range(100000) * 1000)|sort|first) == 0",
    // Padding with a huge width.
    r#""%1000000000s"|format("x")|length > 0"#,
    r#""x"|indent(1000000000, true)|length > 0"#,
    // A range beyond minijinja's limit.
    "range(10**9)|length > 0",
    // String conversion of a huge lazy sequence, constant or not.
    r#"(([0] * 99999999) ~ "")|length > 0"#,
    "(range(3) * 33333333)|string|length > 0",
    // Slicing skips items.
    "(range(3) * 33333333)[99999990:]|length > 0",
    // Past 32 nested `+`, lists are materialized: 34 × 10^8 items.
    HUGE_CONCATENATION,
];

/// `([a] * 99999999 + …)|length > 0`, 34 terms (454 characters).
const HUGE_CONCATENATION: &str = concat!(
    "([a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+",
    "[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+",
    "[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+",
    "[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+",
    "[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999+",
    "[a]*99999999+[a]*99999999+[a]*99999999+[a]*99999999)|length > 0",
);

#[test]
fn catalog_check_refuses_expressions_beyond_the_bounds() {
    let run = Run::new();
    for expr in HOSTILE_EXPRESSIONS {
        for field in ["applies_if", "check"] {
            let line = match field {
                "applies_if" => run.catalog_with_applies_if("hostile.yaml", expr),
                _ => run.catalog_with_check("hostile.yaml", expr),
            };
            let out = run.itss(&["catalog", "check", "hostile.yaml"]);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{field} {expr}: {err}");
            assert!(err.contains("[expression-limit]"), "{field} {expr}: {err}");
            assert!(
                err.contains(&format!("hostile.yaml:{line}:")),
                "{field} {expr}: not at line {line}: {err}"
            );
        }
    }
}

#[test]
fn expression_limits_are_explained_in_both_languages() {
    let run = Run::new();
    run.catalog_with_applies_if("hostile.yaml", HOSTILE_EXPRESSIONS[0]);
    let en = stderr(&run.itss(&["catalog", "check", "hostile.yaml", "--lang", "en"]));
    let zh = stderr(&run.itss(&["catalog", "check", "hostile.yaml", "--lang", "zh"]));
    assert!(en.contains("applies_if"), "{en}");
    assert!(en.contains("limit"), "{en}");
    assert!(zh.contains("上限"), "{zh}");
    // Assessing with the catalog refuses it the same way.
    let out = run.itss(&[
        "assess",
        "submission.yaml",
        "--catalog",
        "hostile.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("[expression-limit]"));
}

#[test]
fn ordinary_run_time_errors_are_not_limit_errors() {
    // `facts.contract.monitoring` fails for a submission without `facts.contract` (SPEC §5.6):
    // an expression-error finding, never a catalog error.
    let run = Run::new();
    run.catalog_with_applies_if("ok.yaml", "facts.nope.deeper and (1 / 0) > 0");
    let out = run.itss(&["catalog", "check", "ok.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn an_expression_beyond_the_bounds_for_one_submission_is_a_finding() {
    // Harmless without the fact (as `catalog check` evaluates it), hostile with it.
    let run = Run::new();
    run.catalog_with_applies_if(
        "sly.yaml",
        r#"facts.sla_requires_spares and (("x" * 100000000) ~ ("x" * 100000000))|length > 0"#,
    );
    // `[1] if value else [2]` is not a constant: the list is repeated at run time, within
    // the work limit, and only when the value is 0.6 or more (0.93 in the submission).
    run.catalog_with_check(
        "sly-check.yaml",
        "value < 0.6 or (0 in ([1] if value else [2]) * 99999999)",
    );
    let check = run.itss(&["catalog", "check", "sly.yaml", "sly-check.yaml"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    for catalog in ["sly.yaml", "sly-check.yaml"] {
        let out = run.itss(&[
            "assess",
            "submission.yaml",
            "--catalog",
            catalog,
            "--format",
            "json",
        ]);
        assert!(
            matches!(out.status.code(), Some(0 | 3)),
            "{catalog}: {}",
            stderr(&out)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<&serde_json::Value> = doc["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["findings"].as_array().unwrap())
            .filter(|f| f["code"] == "expression-error")
            .collect();
        assert_eq!(errors.len(), 1, "{catalog}: {errors:?}");
        let finding = errors[0];
        assert_eq!(finding["params"]["limit"], "work", "{finding}");
        assert!(
            finding["message"].as_str().unwrap().contains("limit"),
            "{finding}"
        );
    }
}

/// Templates that do unbounded work or write unbounded output, one per way of doing it.
const HOSTILE_TEMPLATES: &[&str] = &[
    // Nested loops: 10^10 iterations.
    "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    // A string doubled in a loop.
    "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    // A list doubled in a loop.
    "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l|length }}",
    // A huge lazy list formatted.
    "{{ (range(3) * 33333333)|string|length }}",
    // A string doubled by recursion.
    "{% macro grow(s) %}{{ grow(s ~ s) }}{% endmacro %}{{ grow('x') }}",
    // Recursion alone.
    "{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}{{ down(0) }}",
    // Output larger than any report: 100 × 100 MB.
    "{% for i in range(100) %}{{ 'x' * 100000000 }}{% endfor %}",
    // Padding with a huge width.
    "{{ '%1000000000s'|format('x') }}",
    "{{ 'x'|indent(1000000000, true) }}",
    // `*` on a list, then scanned.
    "{{ 0 in [1] * 99999999 }}",
    // join over a repeated range.
    "{{ (range(100000) * 1000)|join|length }}",
];

#[test]
fn assess_stops_a_template_beyond_the_bounds() {
    let run = Run::new();
    for template in HOSTILE_TEMPLATES {
        let dir = run.templates_with("report.html.j2", template);
        let out = run.assess_html_with(&dir);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{template}: {err}");
        assert!(err.contains("report.html.j2"), "{template}: {err}");
        assert!(out.stdout.is_empty(), "{template}: wrote a report");
    }
}

#[test]
fn a_template_tag_too_long_to_compile_is_refused_not_a_crash() {
    // minijinja compiles an operator chain recursively: 200,000 operators overflowed the
    // stack and aborted the process. Such a tag is refused before it is compiled.
    let run = Run::new();
    let chains = [
        format!("{{{{ {} }}}}", vec!["1"; 200_000].join(" + ")),
        format!("{{% if x{} %}}{{% endif %}}", ".a".repeat(200_000)),
        format!("{{{{ {}1 }}}}", "not ".repeat(200_000)),
    ];
    for chain in &chains {
        let dir = run.templates_with("report.html.j2", &format!("line 1\n{chain}\n"));
        let out = run.assess_html_with(&dir);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("模板 report.html.j2 第 2 行：一个标签含"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
    // The bundled templates are far below the limit, and a long but sane tag passes.
    let sane = format!("{{{{ {} }}}}", vec!["1"; 900].join(" + "));
    let dir = run.templates_with("report.html.j2", &sane);
    let out = run.assess_html_with(&dir);
    assert!(matches!(out.status.code(), Some(0 | 3)), "{}", stderr(&out));
}

#[test]
fn render_and_batch_stop_a_template_beyond_the_bounds() {
    let run = Run::new();
    let out = run.itss(&[
        "assess",
        "submission.yaml",
        "--catalog",
        "basic.yaml",
        "--format",
        "json",
        "-o",
        "result.json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dir = run.templates_with("report.md.j2", HOSTILE_TEMPLATES[0]);
    let dir = dir.to_str().unwrap();
    let out = run.itss(&[
        "render",
        "result.json",
        "--format",
        "md",
        "--templates",
        dir,
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("report.md.j2"), "{err}");

    fs::create_dir(run.dir().join("subs")).unwrap();
    fs::copy(
        run.dir().join("submission.yaml"),
        run.dir().join("subs/a.yaml"),
    )
    .unwrap();
    for (name, formats) in [("report.md.j2", "md"), ("summary.html.j2", "json")] {
        let dir = run.templates_with(name, HOSTILE_TEMPLATES[1]);
        let out = run.itss(&[
            "batch",
            "subs",
            "--catalog",
            "basic.yaml",
            "--out",
            "out",
            "--formats",
            formats,
            "--templates",
            dir.to_str().unwrap(),
        ]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(name), "{name}: {err}");
        let _ = fs::remove_dir_all(run.dir().join("out"));
    }
}
