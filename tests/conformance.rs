//! Runs the scoring conformance suite (`tests/conformance/`, a copy of the shared suite)
//! against the `itss` binary, comparing the subset of the result document that the suite's
//! README defines.
//!
//! The suite is copied to a temporary directory first. One case holds a symlink; copies
//! made where symlinks are not preserved (git with `core.symlinks=false`, some file
//! transfers) turn it into a small file holding the link target. Such placeholders are
//! turned back into symlinks in the temporary copy, so the case tests what it says.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;

use common::{case_args, case_field, case_submission};

const MISSING: &str = "<missing>";

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(entry.path()).unwrap(), &target).unwrap();
        } else if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A small regular file under `evidence/` whose whole content is a relative path leaving
/// its directory is a symlink that lost its link-ness in a copy.
fn restore_symlinks(evidence: &Path) {
    let Ok(entries) = fs::read_dir(evidence) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_file() || meta.len() > 255 {
            continue;
        }
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        if text.starts_with("../") && !text.contains(['\n', '\0']) {
            fs::remove_file(&path).unwrap();
            std::os::unix::fs::symlink(&text, &path).unwrap();
        }
    }
}

fn get(v: &Value, key: &str) -> Value {
    v.get(key)
        .cloned()
        .unwrap_or_else(|| Value::String(MISSING.to_owned()))
}

fn list(v: &Value, key: &str) -> Vec<Value> {
    v.get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn comparable(doc: &Value) -> Value {
    let levels: Vec<Value> = list(doc, "levels")
        .iter()
        .map(|lv| {
            serde_json::json!({
                "id": get(lv, "id"), "satisfied": get(lv, "satisfied"), "score": get(lv, "score"),
                "prerequisites": list(lv, "prerequisites").iter().map(|p| serde_json::json!({"id": get(p, "id"), "met": get(p, "met")})).collect::<Vec<_>>(),
                "elements": list(lv, "elements").iter().map(|e| serde_json::json!({"id": get(e, "id"), "score": get(e, "score")})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let criteria: Vec<Value> = list(doc, "criteria")
        .iter()
        .map(|c| {
            let mut codes: Vec<String> =
                list(c, "findings").iter().map(|f| f.get("code").and_then(Value::as_str).unwrap_or(MISSING).to_owned()).collect();
            codes.sort();
            codes.dedup();
            serde_json::json!({"id": get(c, "id"), "status": get(c, "status"), "credit": get(c, "credit"), "blocking": get(c, "blocking"), "findings": codes})
        })
        .collect();
    serde_json::json!({
        "achieved_level": get(doc, "achieved_level"),
        "achieved_level_without_waivers": get(doc, "achieved_level_without_waivers"),
        "target_met": get(doc, "target_met"),
        "index": get(doc, "index"),
        "levels": levels,
        "criteria": criteria,
    })
}

/// Rounds numbers half away from zero to 4 decimals, as the suite's runner does.
fn round4(v: &Value) -> Value {
    match v {
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            let r = (f * 10_000.0 + if f >= 0.0 { 0.5 } else { -0.5 }).trunc() / 10_000.0;
            serde_json::json!(format!("{r:.4}"))
        }
        Value::Array(items) => Value::Array(items.iter().map(round4).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), round4(v))).collect())
        }
        other => other.clone(),
    }
}

fn normalise_expected(expected: &Value) -> Value {
    let mut e = expected.clone();
    if let Some(criteria) = e.get_mut("criteria").and_then(Value::as_array_mut) {
        for c in criteria {
            if let Some(f) = c.get_mut("findings").and_then(Value::as_array_mut) {
                f.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                f.dedup();
            }
        }
    }
    e
}

fn run_case(dir: &Path, env: &[(&str, &str)]) -> Result<(), String> {
    let case_yaml = fs::read_to_string(dir.join("case.yaml")).map_err(|e| e.to_string())?;
    let expected: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let catalog = case_field(&case_yaml, "catalog").ok_or("case.yaml has no catalog")?;
    let submission = case_submission(dir, &case_yaml);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_itss"));
    cmd.envs(env.iter().copied());
    cmd.current_dir(dir).args([
        "assess",
        &submission,
        "--catalog",
        &catalog,
        "--format",
        "json",
    ]);
    if let Some(w) = case_field(&case_yaml, "waivers") {
        cmd.args(["--waivers", &w]);
    }
    cmd.args(case_args(&case_yaml));
    let out = cmd.output().map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if expected.get("invalid") == Some(&Value::Bool(true)) {
        if out.status.code() != Some(1) {
            return Err(format!(
                "invalid submission: expected exit 1, got {:?}",
                out.status.code()
            ));
        }
        if serde_json::from_str::<Value>(&stdout)
            .is_ok_and(|d| d.get("levels").is_some() || d.get("schema").is_some())
        {
            return Err("invalid submission: a result document was printed".into());
        }
        return Ok(());
    }
    if out.status.code() != Some(0) {
        return Err(format!(
            "expected exit 0, got {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let doc: Value =
        serde_json::from_str(&stdout).map_err(|e| format!("stdout is not JSON: {e}"))?;
    let got = round4(&comparable(&doc));
    let want = round4(&normalise_expected(&expected));
    if got != want {
        return Err(format!("expected {want}\n     got {got}"));
    }
    Ok(())
}

#[test]
fn conformance_suite() {
    run_suite(&[]);
}

/// The same suite with every document read by the full YAML parser (`ITSS_YAML_FAST=0`):
/// the fast path changes nothing.
#[test]
fn conformance_suite_without_the_yaml_fast_path() {
    run_suite(&[("ITSS_YAML_FAST", "0")]);
}

/// Batch results are the same bytes whether written by the compact writer or by serde_json
/// (`ITSS_COMPACT_JSON=0`), over every valid conformance case.
#[test]
fn batch_results_are_the_same_without_the_compact_writer() {
    let suite = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let work = tempfile::tempdir().unwrap();
    copy_dir(&suite, work.path());
    let mut compared = 0;
    for entry in fs::read_dir(work.path().join("cases")).unwrap() {
        let dir = entry.unwrap().path();
        restore_symlinks(&dir.join("evidence"));
        let case_yaml = fs::read_to_string(dir.join("case.yaml")).unwrap();
        let catalog = case_field(&case_yaml, "catalog").unwrap();
        let submission = case_submission(&dir, &case_yaml);
        let mut outputs = Vec::new();
        for (value, out) in [("1", "out-fast"), ("0", "out-serde")] {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_itss"));
            cmd.current_dir(&dir).env("ITSS_COMPACT_JSON", value).args([
                "batch",
                &submission,
                "--catalog",
                &catalog,
                "--out",
                out,
            ]);
            if let Some(w) = case_field(&case_yaml, "waivers") {
                cmd.args(["--waivers", &w]);
            }
            cmd.args(case_args(&case_yaml));
            let status = cmd.output().unwrap().status;
            assert!(matches!(status.code(), Some(0 | 1)), "{}", dir.display());
            let results: Vec<(String, Vec<u8>)> = fs::read_dir(dir.join(out).join("results"))
                .map(|rd| {
                    let mut files: Vec<_> = rd
                        .map(|e| {
                            let e = e.unwrap();
                            (
                                e.file_name().to_string_lossy().into_owned(),
                                fs::read(e.path()).unwrap(),
                            )
                        })
                        .collect();
                    files.sort();
                    files
                })
                .unwrap_or_default();
            outputs.push(results);
        }
        compared += outputs[0].len();
        assert_eq!(outputs[0], outputs[1], "{}", dir.display());
    }
    assert!(compared >= 60, "{compared} results compared");
}

fn run_suite(env: &[(&str, &str)]) {
    let suite = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let work = tempfile::tempdir().unwrap();
    copy_dir(&suite, work.path());
    let cases_root = work.path().join("cases");
    let mut names: Vec<String> = fs::read_dir(&cases_root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 60, "the suite has {} cases", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let dir = cases_root.join(name);
        restore_symlinks(&dir.join("evidence"));
        if let Err(e) = run_case(&dir, env) {
            failures.push(format!("FAIL {name}: {e}"));
        }
    }
    println!(
        "conformance: {} passed, {} failed",
        names.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_symlink_case_really_tests_a_symlink() {
    let suite = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance/cases/evidence-outside-symlink");
    let work = tempfile::tempdir().unwrap();
    copy_dir(&suite, work.path());
    restore_symlinks(&work.path().join("evidence"));
    let meta = fs::symlink_metadata(work.path().join("evidence/catalogue-link.pdf")).unwrap();
    assert!(meta.file_type().is_symlink());
}
