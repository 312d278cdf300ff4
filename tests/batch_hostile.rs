//! Batch guarantees under hostile input (issue #6, SPEC §8, §10): a batch never writes
//! outside `--out` whatever the submission ids; duplicate ids are reported, not lost; every
//! input ends as exactly one result or one `errors.jsonl` line; the output does not depend
//! on the number of threads; and a batch killed with SIGKILL leaves only complete files,
//! and re-running it produces exactly what an uninterrupted run produces.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn itss() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("itss"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    assert!(out.status.code().is_some(), "killed: {out:?}");
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `itss sample` into `dir`.
fn sample(dir: &Path, catalog: &str, count: u32, seed: u32, invalid_per_mille: u32) {
    let out = run(itss()
        .args([
            "sample",
            "--catalog",
            catalog,
            "--count",
            &count.to_string(),
            "--seed",
            &seed.to_string(),
            "--invalid-per-mille",
            &invalid_per_mille.to_string(),
            "--out",
        ])
        .arg(dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// `itss batch INPUT --out OUT --formats F -j N` (evidence files not looked at).
fn batch(cwd: &Path, input: &str, out: &str, formats: &str, jobs: u32) -> Output {
    run(itss().current_dir(cwd).args([
        "batch",
        input,
        "--out",
        out,
        "--formats",
        formats,
        "-j",
        &jobs.to_string(),
        "--no-evidence-files",
    ]))
}

/// Every file under `dir` (relative path → bytes); fails on a symlink.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            let path = entry.path();
            assert!(!kind.is_symlink(), "symlink {}", path.display());
            if kind.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap().to_path_buf();
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

fn assert_same_trees(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>, what: &str) {
    let names_a: BTreeSet<_> = a.keys().collect();
    let names_b: BTreeSet<_> = b.keys().collect();
    let only_a: Vec<_> = names_a.difference(&names_b).take(5).collect();
    let only_b: Vec<_> = names_b.difference(&names_a).take(5).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "{what}: files differ: only in first {only_a:?}, only in second {only_b:?}"
    );
    for (name, bytes) in a {
        assert!(bytes == &b[name], "{what}: {} differs", name.display());
    }
}

/// A valid submission of the conformance catalog with this id.
/// Makes `cwd/<folder>` (an input folder) and copies the conformance `basic.yaml` catalog
/// into `cwd`.
fn workspace(cwd: &Path, folder: &str) {
    fs::create_dir_all(cwd.join(folder)).unwrap();
    fs::copy(
        root().join("tests/conformance/catalogs/basic.yaml"),
        cwd.join("basic.yaml"),
    )
    .unwrap();
}

fn submission_with_id(id: &str) -> String {
    let text = fs::read_to_string(
        root().join("tests/conformance/cases/basic-all-conform/submission.yaml"),
    )
    .unwrap();
    let quoted = serde_json::to_string(id).unwrap();
    text.replacen("id: acme-2026", &format!("id: {quoted}"), 1)
}

#[test]
fn ids_never_write_outside_out() {
    let tmp = tempfile::tempdir().unwrap();
    let cwd = tmp.path().join("work");
    let input = cwd.join("in");
    workspace(&cwd, "in");
    let ids = [
        "../../x",
        "../x",
        "..",
        ".",
        "./",
        "CON",
        "con.txt",
        "NUL",
        "COM1",
        "LPT9.json",
        "a/b",
        "a\\b",
        "/abs/x",
        "C:\\evil",
        "C:",
        ".hidden",
        "results",
        "../results/x",
        "~",
        "x\0y",
        "a\u{202e}b",
        "%2E%2E",
        "%2E.",
        "某公司",
        "Acme",
        "acme",
        "ACME",
        "trailing. ",
        "x:y*z?\"<>|",
    ];
    for (i, id) in ids.iter().enumerate() {
        fs::write(input.join(format!("s{i:02}.yaml")), submission_with_id(id)).unwrap();
    }
    let before = tree(tmp.path());
    let out = run(itss().current_dir(&cwd).args([
        "batch",
        "in",
        "--out",
        "out",
        "--catalog",
        "basic.yaml",
        "--formats",
        "json,html,md",
        "--no-evidence-files",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // Nothing outside out/ changed.
    let after: BTreeMap<_, _> = tree(tmp.path())
        .into_iter()
        .filter(|(p, _)| !p.starts_with("work/out"))
        .collect();
    assert_same_trees(&before, &after, "outside --out");

    // Inside out/: results/ and reports/ are flat, one file per id and format, and each
    // file name is unique even ignoring case (case-insensitive file systems).
    let out_dir = cwd.join("out");
    let written = tree(&out_dir);
    let mut lowercase = BTreeSet::new();
    let mut ids_seen = BTreeSet::new();
    for (path, bytes) in &written {
        let parts: Vec<_> = path.components().collect();
        assert!(parts.len() <= 2, "nested output {}", path.display());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == itss::internals::batch::JOURNAL {
            continue; // the run's journal of the files it placed
        }
        assert!(!name.starts_with('.'), "hidden output {name}");
        assert!(
            lowercase.insert(path.to_string_lossy().to_lowercase()),
            "two outputs differ only in case: {}",
            path.display()
        );
        if path.starts_with("results") {
            let doc: Value = serde_json::from_slice(bytes).unwrap();
            ids_seen.insert(doc["submission"]["id"].as_str().unwrap().to_owned());
        }
    }
    let expected: BTreeSet<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(ids_seen, expected, "one result per id");
    let reports = written.keys().filter(|p| p.starts_with("reports")).count();
    assert_eq!(reports, 2 * ids.len());
}

#[test]
fn duplicate_ids_give_one_result_and_one_error_line_each() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    workspace(tmp.path(), "in/sub");
    fs::write(input.join("a.yaml"), submission_with_id("dup")).unwrap();
    fs::write(input.join("b.yaml"), submission_with_id("dup")).unwrap();
    fs::write(input.join("sub/c.yaml"), submission_with_id("dup")).unwrap();
    let out = run(itss().current_dir(tmp.path()).args([
        "batch",
        "in",
        "--out",
        "out",
        "--catalog",
        "basic.yaml",
        "--no-evidence-files",
        "--formats",
        "json,md",
    ]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Only the kept files: the later duplicates' staged files are removed, not left hidden.
    let names = |dir: &str| -> Vec<_> {
        fs::read_dir(tmp.path().join("out").join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect()
    };
    assert_eq!(names("results"), ["dup.json"]);
    assert_eq!(names("reports"), ["dup.md"]);
    let doc: Value =
        serde_json::from_slice(&fs::read(tmp.path().join("out/results/dup.json")).unwrap())
            .unwrap();
    assert_eq!(
        doc["submission"]["source"], "in/a.yaml",
        "the first file wins"
    );
    let errors = fs::read_to_string(tmp.path().join("out/errors.jsonl")).unwrap();
    let lines: Vec<Value> = errors
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{errors}");
    for (line, path) in lines.iter().zip(["in/b.yaml", "in/sub/c.yaml"]) {
        assert_eq!(line["path"], path);
        assert_eq!(line["codes"], serde_json::json!(["duplicate-submission"]));
    }
}

#[test]
fn overlapping_inputs_count_a_file_once() {
    let tmp = tempfile::tempdir().unwrap();
    workspace(tmp.path(), "in/sub");
    fs::write(tmp.path().join("in/sub/a.yaml"), submission_with_id("a")).unwrap();
    let out = run(itss().current_dir(tmp.path()).args([
        "batch",
        "in",
        "./in",
        "in/sub",
        "in/sub/a.yaml",
        "--out",
        "out",
        "--catalog",
        "basic.yaml",
        "--no-evidence-files",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let errors = fs::read_to_string(tmp.path().join("out/errors.jsonl")).unwrap();
    assert!(errors.is_empty(), "the file was counted twice: {errors}");
    let summary: Value =
        serde_json::from_slice(&fs::read(tmp.path().join("out/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["files"], 1);
}

#[test]
fn an_input_that_is_the_output_directory_is_refused_not_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    workspace(tmp.path(), "in");
    fs::write(tmp.path().join("in/a.yaml"), submission_with_id("a")).unwrap();
    let out = run(itss().current_dir(tmp.path()).args([
        "batch",
        "in",
        "--out",
        "./in",
        "--catalog",
        "basic.yaml",
        "--no-evidence-files",
    ]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("output directory"),
        "{}",
        stderr(&out)
    );
}

/// The submission files under `dir` as `batch` finds them (recursive; `evidence/` and
/// hidden folders skipped), relative to `base`.
fn submission_files(base: &Path, dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            if name != "evidence" && !name.starts_with('.') {
                out.extend(submission_files(base, &path));
            }
        } else if [".yaml", ".yml", ".json"].iter().any(|e| name.ends_with(e)) {
            out.insert(
                path.strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    out
}

#[test]
fn every_input_ends_as_one_result_or_one_error_line() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    sample(&input.join("om"), "itss-om", 300, 11, 100);
    // The bad-input corpus too: unparsable, invalid and unknown-catalog files.
    let bad = input.join("bad");
    fs::create_dir_all(&bad).unwrap();
    for entry in fs::read_dir(root().join("tests/bad-inputs")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), bad.join(entry.file_name())).unwrap();
    }
    let files = submission_files(tmp.path(), &input);
    assert!(files.len() > 320, "{}", files.len());

    let out = batch(tmp.path(), "in", "out", "json", 2);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out_dir = tmp.path().join("out");
    let mut ended: BTreeMap<String, &str> = BTreeMap::new();
    for (name, bytes) in tree(&out_dir.join("results")) {
        let doc: Value = serde_json::from_slice(&bytes).unwrap();
        let source = doc["submission"]["source"].as_str().unwrap().to_owned();
        assert!(
            ended.insert(source.clone(), "result").is_none(),
            "{source} twice ({name:?})"
        );
    }
    let errors = fs::read_to_string(out_dir.join("errors.jsonl")).unwrap();
    for line in errors.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let path = v["path"].as_str().unwrap().to_owned();
        assert!(!v["codes"].as_array().unwrap().is_empty(), "{line}");
        assert!(
            ended.insert(path.clone(), "error").is_none(),
            "{path} twice"
        );
    }
    let ended_files: BTreeSet<String> = ended.keys().cloned().collect();
    assert_eq!(ended_files, files, "every input file ends exactly once");
    let results = ended.values().filter(|v| **v == "result").count();
    let invalid = ended.len() - results;
    assert!(invalid >= 30, "the run includes invalid files: {invalid}");

    let summary: Value =
        serde_json::from_slice(&fs::read(out_dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["files"], files.len());
    assert_eq!(summary["assessed"], results);
    assert_eq!(summary["invalid"], invalid);
    let csv = fs::read_to_string(out_dir.join("summary.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        files.len() + 1,
        "one CSV row per input: results and invalid files add up to the files found"
    );
    let invalid_rows = csv
        .lines()
        .filter(|l| l.starts_with(',') && l.contains(",invalid,"))
        .count();
    assert_eq!(invalid_rows, invalid);
}

#[test]
fn thread_count_does_not_change_a_byte() {
    let tmp = tempfile::tempdir().unwrap();
    sample(&tmp.path().join("in/cd"), "itss-cd", 250, 5, 50);
    sample(&tmp.path().join("in/om"), "itss-om", 40, 6, 50);
    let one = batch(tmp.path(), "in", "out1", "json,html,md", 1);
    let two = batch(tmp.path(), "in", "out2", "json,html,md", 2);
    assert_eq!(one.status.code(), two.status.code());
    let a = tree(&tmp.path().join("out1"));
    let b = tree(&tmp.path().join("out2"));
    assert!(a.len() > 500, "{} files", a.len());
    assert_same_trees(&a, &b, "-j 1 vs -j 2");
}

/// How many files the SIGKILL test uses (`ITSS_KILL_FILES` overrides; the figure
/// is ~3000). itss-cd submissions keep a debug-build run short.
fn kill_files() -> u32 {
    std::env::var("ITSS_KILL_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000)
}

#[cfg(unix)]
#[test]
fn sigkill_midway_leaves_complete_files_and_a_rerun_matches() {
    let tmp = tempfile::tempdir().unwrap();
    sample(&tmp.path().join("in"), "itss-cd", kill_files(), 9, 20);

    // The reference: an uninterrupted run.
    let reference = batch(tmp.path(), "in", "ref", "json,html", 2);
    let reference_tree = tree(&tmp.path().join("ref"));

    // The killed run: SIGKILL once it is writing results (at least ~0.5 s in).
    let out_dir = tmp.path().join("out");
    let mut child = itss()
        .current_dir(tmp.path())
        .args([
            "batch",
            "in",
            "--out",
            "out",
            "--formats",
            "json,html",
            "-j",
            "2",
        ])
        .arg("--no-evidence-files")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        let writing = fs::read_dir(out_dir.join("results")).is_ok_and(|mut d| d.next().is_some());
        if (writing && started.elapsed() >= Duration::from_millis(500))
            || started.elapsed() > Duration::from_secs(180)
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert!(
        status.code().is_none(),
        "the batch finished before the kill: {status}"
    );

    // Only complete files: every visible file equals the uninterrupted run's file (so every
    // JSON parses); what is not complete is a hidden `.tmp` temporary.
    let killed = tree(&out_dir);
    let mut complete = 0;
    for (path, bytes) in &killed {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == itss::internals::batch::JOURNAL {
            // The journal lists what the killed run placed: every listed file is there.
            let listed = String::from_utf8(bytes.clone()).unwrap();
            for line in listed.lines().skip(1) {
                assert!(killed.contains_key(Path::new(line)), "journal lists {line}");
            }
            continue;
        }
        if name.starts_with('.') {
            assert!(
                name.starts_with(".itss-") && name.ends_with(".tmp"),
                "hidden non-temporary {}",
                path.display()
            );
            continue;
        }
        if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_slice::<Value>(bytes)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        }
        let expected = reference_tree
            .get(path)
            .unwrap_or_else(|| panic!("{} is not in the reference run", path.display()));
        assert!(
            bytes == expected,
            "{} is incomplete or different",
            path.display()
        );
        complete += 1;
    }
    assert!(complete > 0, "the kill came before any result was written");
    let results = killed.keys().filter(|p| p.starts_with("results")).count();
    let all_results = reference_tree
        .keys()
        .filter(|p| p.starts_with("results"))
        .count();
    assert!(results < all_results, "the kill came after the last result");
    assert!(!out_dir.join("summary.json").exists());
    let temporaries = killed.len() - complete;
    eprintln!(
        "killed after {} ms: {results}/{all_results} results, {complete} complete files, \
         {temporaries} hidden temporaries",
        started.elapsed().as_millis()
    );

    // Re-run to completion over the same --out: the same files as the uninterrupted run,
    // temporaries of the killed run included (they are cleaned up).
    let rerun = batch(tmp.path(), "in", "out", "json,html", 2);
    assert_eq!(
        rerun.status.code(),
        reference.status.code(),
        "{}",
        stderr(&rerun)
    );
    assert_same_trees(
        &reference_tree,
        &tree(&out_dir),
        "re-run vs uninterrupted run",
    );
}
