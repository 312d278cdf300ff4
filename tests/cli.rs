//! The command line: exit codes (SPEC §8), JSON results valid against the result schema,
//! and snapshots of the diagnostics for broken catalogs and submissions (with line:col).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn itss(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("itss").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// A temporary copy of a conformance case (submission + evidence) with the basic catalog.
fn case(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("tests/conformance/cases").join(name);
    for entry in fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    if src.join("evidence").is_dir() {
        fs::create_dir(dir.path().join("evidence")).unwrap();
        for entry in fs::read_dir(src.join("evidence")).unwrap() {
            let entry = entry.unwrap();
            fs::copy(
                entry.path(),
                dir.path().join("evidence").join(entry.file_name()),
            )
            .unwrap();
        }
    }
    for catalog in ["basic.yaml", "weighted.yaml"] {
        fs::copy(
            root().join("tests/conformance/catalogs").join(catalog),
            dir.path().join(catalog),
        )
        .unwrap();
    }
    dir
}

fn stderr_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stderr).unwrap()
}

#[test]
fn exit_0_with_a_valid_result_document() {
    let dir = case("basic-all-conform");
    let out = itss(dir.path())
        .args([
            "assess",
            "submission.yaml",
            "--catalog",
            "basic.yaml",
            "--format",
            "json",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["achieved_level"], "2");
    let validator = itss::internals::schema::SchemaKind::Result.validator();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn exit_1_for_an_invalid_submission_and_no_result() {
    let dir = case("invalid-credit-code");
    let out = itss(dir.path())
        .args([
            "assess",
            "submission.yaml",
            "--catalog",
            "basic.yaml",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("submission.yaml:8:16"), "{stderr}");
    assert!(stderr.contains("[credit-code]"), "{stderr}");
}

#[test]
fn exit_2_for_a_broken_catalog_or_usage() {
    let dir = case("basic-all-conform");
    fs::write(dir.path().join("broken.yaml"), "id: [unclosed\n").unwrap();
    itss(dir.path())
        .args(["assess", "submission.yaml", "--catalog", "broken.yaml"])
        .assert()
        .code(2);
    itss(dir.path())
        .args(["assess", "submission.yaml", "--format", "pdf"])
        .assert()
        .code(2);
    itss(dir.path())
        .args(["catalog", "check", "broken.yaml"])
        .assert()
        .code(2);
    itss(dir.path())
        .args(["template", "--catalog", "no-such-catalog"])
        .assert()
        .code(2);
    // An I/O failure names the path and gives its cause once.
    fs::write(dir.path().join("a-file"), "").unwrap();
    let stderr = stderr_of(itss(dir.path()).args([
        "batch",
        "submission.yaml",
        "--catalog",
        "basic.yaml",
        "--out",
        "a-file/out",
    ]));
    assert!(stderr.contains("a-file/out"), "{stderr}");
    assert_eq!(stderr.matches("(os error").count(), 1, "{stderr}");
}

#[test]
fn exit_3_below_the_required_level() {
    let dir = case("gating-lower-level-fails");
    itss(dir.path())
        .args([
            "assess",
            "submission.yaml",
            "--catalog",
            "basic.yaml",
            "--require-level",
            "3",
        ])
        .assert()
        .code(3);
    let dir = case("basic-all-conform");
    itss(dir.path())
        .args([
            "assess",
            "submission.yaml",
            "--catalog",
            "basic.yaml",
            "--require-level",
            "2",
        ])
        .assert()
        .code(0);
}

#[test]
fn text_summary_shows_levels_and_gaps() {
    let dir = case("gating-lower-level-fails");
    let out = itss(dir.path())
        .args(["assess", "submission.yaml", "--catalog", "basic.yaml"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("自评估"), "{text}");
    assert!(text.contains("自评计算等级：未达到任何等级"), "{text}");
    assert!(text.contains("距下一等级：4级 · 基本级"), "{text}");
    assert!(text.contains("✘ 4级 · 基本级"), "{text}");
    let out = itss(dir.path())
        .args([
            "assess",
            "submission.yaml",
            "--catalog",
            "basic.yaml",
            "--lang",
            "en",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Level computed from the self-assessment"),
        "{text}"
    );
    assert!(
        text.contains("To the next level: Level 4 · Basic"),
        "{text}"
    );
}

#[test]
fn output_file_is_written_atomically_and_only_when_valid() {
    let dir = case("basic-all-conform");
    itss(dir.path())
        .args([
            "assess",
            "submission.yaml",
            "--catalog",
            "basic.yaml",
            "--format",
            "json",
            "-o",
            "out/result.json",
        ])
        .assert()
        .code(0);
    let text = fs::read_to_string(dir.path().join("out/result.json")).unwrap();
    assert!(text.starts_with('{') && text.ends_with("}\n"));
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("out")).unwrap().collect();
    assert_eq!(leftovers.len(), 1);
}

/// Applies `from → to` to a file of a case directory (the mutation must apply).
fn mutate(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} not in {file}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn check_catalog_snapshot(name: &str, from: &str, to: &str) {
    let dir = case("basic-all-conform");
    mutate(dir.path(), "basic.yaml", from, to);
    let stderr = stderr_of(itss(dir.path()).args(["catalog", "check", "basic.yaml"]));
    insta::assert_snapshot!(format!("catalog_{name}"), stderr);
}

#[test]
fn broken_catalog_diagnostics() {
    check_catalog_snapshot("duplicate_id", "id: B.L4.MGT.CHECK", "id: B.L4.MGT.PLAN");
    check_catalog_snapshot(
        "unknown_level",
        "    level: \"3\"\n    element: people",
        "    level: \"7\"\n    element: people",
    );
    check_catalog_snapshot("unknown_element", "element: resources", "element: resource");
    check_catalog_snapshot(
        "bad_expression",
        "applies_if: \"facts.sla_requires_spares\"",
        "applies_if: \"facts.sla_requires_spares ==\"",
    );
    check_catalog_snapshot("scale_out_of_range", "partial: 0.5", "partial: 1.5");
    check_catalog_snapshot("unknown_prerequisite_kind", "kind: flag", "kind: flags");
    check_catalog_snapshot(
        "unknown_field",
        "    clause: \"GB/T 28827.1-2012 7.3\"",
        "    clause: \"GB/T 28827.1-2012 7.3\"\n    clauses: x",
    );
    check_catalog_snapshot("yaml_syntax", "  conform: 1\n", "  conform: [1\n");
}

fn check_submission_snapshot(name: &str, from: &str, to: &str) {
    let dir = case("basic-all-conform");
    mutate(dir.path(), "submission.yaml", from, to);
    let mut cmd = itss(dir.path());
    cmd.args([
        "assess",
        "submission.yaml",
        "--catalog",
        "basic.yaml",
        "--format",
        "json",
    ]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{name}");
    assert!(out.stdout.is_empty(), "{name}");
    insta::assert_snapshot!(
        format!("submission_{name}"),
        String::from_utf8(out.stderr).unwrap()
    );
}

#[test]
fn broken_submission_diagnostics() {
    check_submission_snapshot(
        "rating_no",
        "B.L4.RES.DESK: {rating: conform}",
        "B.L4.RES.DESK: {rating: NO}",
    );
    check_submission_snapshot(
        "bad_date",
        "assessed_on: 2026-10-01",
        "assessed_on: 2026-02-30",
    );
    check_submission_snapshot("missing_name", "  name: 某某信息技术有限公司\n", "");
    check_submission_snapshot(
        "unknown_field",
        "  legal_entity: true\n",
        "  legal_entity: true\n  certificate_list: []\n",
    );
    check_submission_snapshot(
        "wrong_type",
        "  legal_entity: true",
        "  legal_entity: [true]",
    );
    check_submission_snapshot(
        "duplicate_key",
        "  legal_entity: true\n",
        "  legal_entity: true\n  legal_entity: false\n",
    );
    check_submission_snapshot("yaml_syntax", "answers:\n", "answers: {\n");
    check_submission_snapshot("wrong_catalog", "catalog: conf-basic", "catalog: itss-om");
    check_submission_snapshot(
        "unknown_target_level",
        "target_level: '2'",
        "target_level: '9'",
    );
}

#[test]
fn huge_and_odd_files_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    // A sparse 1 GiB file: refused by the size limit before it is read.
    let big = fs::File::create(dir.path().join("big.yaml")).unwrap();
    big.set_len(1 << 30).unwrap();
    let stderr = stderr_of(itss(dir.path()).args(["assess", "big.yaml"]));
    assert!(stderr.contains("[file-too-large]"), "{stderr}");
    fs::create_dir(dir.path().join("dir.yaml")).unwrap();
    let stderr = stderr_of(itss(dir.path()).args(["assess", "dir.yaml"]));
    assert!(stderr.contains("这是目录，不是文件"), "{stderr}");
    fs::write(dir.path().join("empty.yaml"), "").unwrap();
    let stderr = stderr_of(itss(dir.path()).args(["assess", "empty.yaml"]));
    assert!(stderr.contains("empty.yaml"), "{stderr}");
    fs::write(dir.path().join("latin1.yaml"), b"name: caf\xe9\n").unwrap();
    let stderr = stderr_of(itss(dir.path()).args(["assess", "latin1.yaml"]));
    assert!(
        stderr.contains("[not-utf8]") && stderr.contains("latin1.yaml:1:10"),
        "{stderr}"
    );
    itss(dir.path())
        .args(["assess", "missing.yaml"])
        .assert()
        .code(1);
}

#[test]
fn catalog_list_and_show() {
    let out = itss(&root()).args(["catalog", "list"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for id in ["itss-om", "itss-cd", "itss-ii"] {
        assert!(text.contains(id), "{text}");
    }
    let out = itss(&root())
        .args(["catalog", "show", "itss-om"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("188"), "{text}");
}

/// `itss batch` over `in/` into `out/`, on two threads, without opening evidence files.
const BATCH_IN_TO_OUT: [&str; 7] = [
    "batch",
    "in",
    "--out",
    "out",
    "--no-evidence-files",
    "-j",
    "2",
];
#[test]
fn batch_writes_results_summaries_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(input.join("b")).unwrap();
    let examples = root().join("examples");
    for (name, target) in [("om-level4", "a.yaml"), ("om-level3", "b/c.yaml")] {
        let text = fs::read_to_string(examples.join(name).join("submission.yaml")).unwrap();
        // Evidence is not copied: assessed with --no-evidence-files.
        fs::write(input.join(target), text).unwrap();
    }
    // Same id as a.yaml: reported, not overwritten.
    let dup = fs::read_to_string(examples.join("om-level4/submission.yaml")).unwrap();
    fs::write(input.join("d.yaml"), dup).unwrap();
    fs::write(
        input.join("e.yaml"),
        "catalog: itss-om\nassessed_on: 2026-02-30\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let assert = itss(dir.path()).args(BATCH_IN_TO_OUT).assert().code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("已评估 2 份 · 无效 2 份（其中重复编号 1 份）"),
        "{stderr}"
    );
    // One row per input, in input order: the counts add up to the files found.
    let csv = fs::read_to_string(out.join("summary.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 4, "{csv}");
    assert!(
        rows[0].starts_with("shili-yunwei-2026,in/a.yaml,assessed,,"),
        "{csv}"
    );
    assert!(
        rows.iter()
            .any(|r| r.starts_with(",in/d.yaml,invalid,duplicate-submission,")),
        "{csv}"
    );
    assert!(
        rows.iter().any(|r| r.starts_with(",in/e.yaml,invalid,")),
        "{csv}"
    );
    let columns = csv.lines().next().unwrap().split(',').count();
    assert!(
        rows.iter().all(|r| r.split(',').count() == columns),
        "{csv}"
    );
    // The assessor's page: the submissions with links to their reports (when written),
    // invalid files with their reasons in Chinese.
    let html = fs::read_to_string(out.join("summary.html")).unwrap();
    assert!(html.contains("id=\"submissions\""));
    assert!(html.contains("自评目标等级 × 计算等级"));
    assert!(html.contains("in&#x2f;e.yaml"));
    let errors = fs::read_to_string(out.join("errors.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = errors
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["path"], "in/d.yaml");
    assert_eq!(lines[0]["codes"][0], "duplicate-submission");
    assert_eq!(lines[1]["path"], "in/e.yaml");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["assessed"], 2);
    assert_eq!(summary["catalogs"][0]["achieved"]["3"], 1);
    assert_eq!(summary["catalogs"][0]["achieved"]["4"], 1);
    let results: Vec<_> = fs::read_dir(out.join("results")).unwrap().collect();
    assert_eq!(results.len(), 2);
    assert!(out.join("summary.html").is_file());
}

#[test]
fn render_and_diff_work_from_stored_results() {
    let dir = tempfile::tempdir().unwrap();
    let examples = root().join("examples");
    for (name, out) in [("om-level4", "old.json"), ("om-level3", "new.json")] {
        let sub = examples.join(name).join("submission.yaml");
        itss(dir.path())
            .args([
                "assess",
                sub.to_str().unwrap(),
                "--format",
                "json",
                "-o",
                out,
            ])
            .assert()
            .code(0);
    }
    // A stored result re-renders exactly as the report written at assessment time.
    let sub = examples.join("om-level4/submission.yaml");
    itss(dir.path())
        .args([
            "assess",
            sub.to_str().unwrap(),
            "--format",
            "html",
            "-o",
            "direct.html",
        ])
        .assert()
        .code(0);
    itss(dir.path())
        .args([
            "render",
            "old.json",
            "--format",
            "html",
            "-o",
            "rendered.html",
        ])
        .assert()
        .code(0);
    assert_eq!(
        fs::read(dir.path().join("direct.html")).unwrap(),
        fs::read(dir.path().join("rendered.html")).unwrap()
    );
    let out = itss(dir.path())
        .args(["diff", "old.json", "new.json", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("computed level: Level 4 · Basic → Level 3 · Extended (up 1)"),
        "{text}"
    );
    assert!(text.contains("improved"), "{text}");
    // Chinese by default.
    let out = itss(dir.path())
        .args(["diff", "old.json", "new.json"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("自评计算等级：4级 · 基本级 → 3级 · 拓展级（上升 1 级）"),
        "{text}"
    );
    assert!(text.contains("  3级 · 拓展级：✘"), "{text}");
    let out = itss(dir.path())
        .args(["diff", "old.json", "new.json", "--format", "json"])
        .output()
        .unwrap();
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(diff["level_steps"], 1);
    assert_eq!(diff["achieved_label"][1], "3级 · 拓展级");
    assert!(diff["criteria"].as_array().unwrap().len() > 10);
    // A file that is not a result document is refused with a diagnostic.
    fs::write(dir.path().join("bad.json"), "{\"schema\": \"x\"}").unwrap();
    let out = itss(dir.path())
        .args(["render", "bad.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("bad.json"));
}

#[test]
fn a_batch_that_cannot_write_stops_and_leaves_no_temporaries() {
    let dir = case("basic-all-conform");
    // A first run, then the result's place is taken by a directory: writing it again fails.
    itss(dir.path())
        .args([
            "batch",
            "submission.yaml",
            "--catalog",
            "basic.yaml",
            "--out",
            "out",
        ])
        .assert()
        .code(0);
    fs::remove_file(dir.path().join("out/results/acme-2026.json")).unwrap();
    fs::create_dir_all(dir.path().join("out/results/acme-2026.json")).unwrap();
    let stderr = stderr_of(
        itss(dir.path())
            .args([
                "batch",
                "submission.yaml",
                "--catalog",
                "basic.yaml",
                "--out",
                "out",
                "-j",
                "2",
            ])
            .env("ITSS_LOG", "off"),
    );
    assert!(stderr.contains("acme-2026.json"), "{stderr}");
    let mut left = Vec::new();
    for sub in ["", "results", "reports"] {
        for entry in fs::read_dir(dir.path().join("out").join(sub))
            .into_iter()
            .flatten()
        {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".tmp") {
                left.push(name);
            }
        }
    }
    assert!(left.is_empty(), "temporaries left behind: {left:?}");
}

#[test]
fn a_mixed_batch_summarises_each_catalog_from_its_own_results() {
    let dir = tempfile::tempdir().unwrap();
    // Three catalogs in one input tree; seeds differ so that ids do too.
    for (seed, catalog) in [(11, "itss-cd"), (12, "itss-om"), (13, "itss-ii")] {
        itss(dir.path())
            .args(["sample", "--catalog", catalog, "--count", "7", "--seed"])
            .arg(seed.to_string())
            .args(["--out", &format!("in/{catalog}")])
            .assert()
            .success();
    }
    let run = itss(dir.path()).args(BATCH_IN_TO_OUT).output().unwrap();
    // 1 when a generated file is invalid on purpose; never an error exit.
    assert!(matches!(run.status.code(), Some(0 | 1)), "{run:?}");
    let out = dir.path().join("out");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    // Per catalog, per criterion: (blocks, considered) counted from the result files.
    let mut expected: std::collections::BTreeMap<
        String,
        std::collections::BTreeMap<String, (u64, u64)>,
    > = Default::default();
    let mut assessed: std::collections::BTreeMap<String, u64> = Default::default();
    for entry in fs::read_dir(out.join("results")).unwrap() {
        let doc: serde_json::Value =
            serde_json::from_slice(&fs::read(entry.unwrap().path()).unwrap()).unwrap();
        let catalog = doc["catalog"]["id"].as_str().unwrap().to_owned();
        *assessed.entry(catalog.clone()).or_default() += 1;
        let tallies = expected.entry(catalog).or_default();
        // The levels the submission needs next: from the one above the achieved level up
        // to the highest level a gap aims at.
        let levels: Vec<&str> = doc["levels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_str().unwrap())
            .collect();
        let position = |id: &serde_json::Value| levels.iter().position(|l| Some(*l) == id.as_str());
        let next = position(&doc["achieved_level"]).map_or(0, |a| a + 1);
        let top =
            (next < levels.len()).then(|| position(&doc["target_level"]).unwrap_or(next).max(next));
        for c in doc["criteria"].as_array().unwrap() {
            let t = tallies
                .entry(c["id"].as_str().unwrap().to_owned())
                .or_default();
            let level = position(&c["level"]).unwrap();
            if top.is_some_and(|top| (next..=top).contains(&level)) {
                t.1 += 1;
                if c["blocking"] == true {
                    t.0 += 1;
                }
            }
        }
    }
    let catalogs = summary["catalogs"].as_array().unwrap();
    // In order of first appearance: in/itss-cd sorts first.
    let order: Vec<&str> = catalogs
        .iter()
        .map(|c| c["catalog"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["itss-cd", "itss-ii", "itss-om"]);
    for cohort in catalogs {
        let id = cohort["catalog"].as_str().unwrap();
        assert_eq!(cohort["assessed"], assessed[id], "{id}");
        let criteria = cohort["criteria"].as_array().unwrap();
        assert_eq!(criteria.len(), expected[id].len(), "{id}: every criterion");
        for c in criteria {
            let (blocks, considered) = expected[id][c["id"].as_str().unwrap()];
            assert_eq!(
                (
                    c["blocks"].as_u64().unwrap(),
                    c["considered"].as_u64().unwrap()
                ),
                (blocks, considered),
                "{id} {}",
                c["id"]
            );
        }
    }
}

#[test]
fn levels_above_the_next_and_the_target_are_collapsed_unless_expanded() {
    // om-level4: level 4 reached, target 3; levels 2 and 1 are neither next nor target.
    let example = root().join("examples/om-level4/submission.yaml");
    let example = example.to_str().unwrap();
    let render = |extra: &[&str]| {
        let out = itss(&root())
            .args(["assess", example, "--format", "html"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let collapsed = render(&[]);
    for (level, open) in [("4", true), ("3", true), ("2", false), ("1", false)] {
        let tag = format!("<details class=\"level-block\" id=\"level-{level}-criteria\"");
        let at = collapsed
            .find(&tag)
            .unwrap_or_else(|| panic!("no block for {level}"));
        let rest = &collapsed[at + tag.len()..];
        assert_eq!(rest.starts_with(" open>"), open, "level {level}");
    }
    let expanded = render(&["--expand"]);
    assert_eq!(expanded.matches("class=\"level-block\"").count(), 4);
    assert_eq!(
        expanded.matches("-criteria\" open>").count(),
        4,
        "--expand opens every level"
    );
    // The Markdown report leaves collapsed levels' rows out, and --expand brings them back.
    let md = |extra: &[&str]| {
        let out = itss(&root())
            .args(["assess", example, "--format", "md"])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(!md(&[]).contains("| OM.L1."));
    assert!(md(&["--expand"]).contains("| OM.L1."));
}

#[test]
fn batch_summary_links_each_submission_to_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(&input).unwrap();
    for example in ["om-level3", "om-level4"] {
        let text = fs::read_to_string(
            root()
                .join("examples")
                .join(example)
                .join("submission.yaml"),
        )
        .unwrap();
        fs::write(input.join(format!("{example}.yaml")), text).unwrap();
    }
    itss(dir.path())
        .args([
            "batch",
            "in",
            "--out",
            "out",
            "--no-evidence-files",
            "--formats",
            "json,html",
        ])
        .assert()
        .code(0);
    let out = dir.path().join("out");
    let html = fs::read_to_string(out.join("summary.html")).unwrap();
    let links: Vec<&str> = html
        .split("<a href=\"reports&#x2f;")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert_eq!(links.len(), 2, "{html}");
    for link in links {
        assert!(out.join("reports").join(link).is_file(), "{link}");
    }
    // What stands before each one's next level, by level name.
    assert!(html.contains("3级 · 拓展级："), "{html}");
}
