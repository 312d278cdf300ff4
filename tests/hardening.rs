//! Hardening, round two (issue #16): the edges a careless or hostile user reaches. One test
//! per class of problem; each failed (crash, hang, leak or lost work) before the fix.
//! Commands run under a watchdog, so a regression fails instead of hanging the suite.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn itss(dir: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("itss"));
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// Runs `cmd`, killing it after `limit`: a hang fails the test with what was printed.
fn within(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!(
                "did not finish within {limit:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn quick(cmd: &mut Command) -> Output {
    within(cmd, Duration::from_secs(60))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A valid O&M submission (the prerequisite example), with its id replaced.
fn submission(id: &str) -> String {
    let text = fs::read_to_string(root().join("examples/om-prereq-fail/submission.yaml")).unwrap();
    let start = text.find("\nid:").unwrap() + 1;
    let end = start + text[start..].find('\n').unwrap();
    format!("{}id: {id}{}", &text[..start], &text[end..])
}

/// The `errors.jsonl` lines of a batch output, as (path, codes).
fn error_lines(out: &Path) -> Vec<(String, Vec<String>)> {
    fs::read_to_string(out.join("errors.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let codes = v["codes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_owned())
                .collect();
            (v["path"].as_str().unwrap().to_owned(), codes)
        })
        .collect()
}

/// A catalog whose every one-line `{zh: …, en: …}` text starts with `prefix` (written in a
/// double-quoted YAML scalar, so escapes like `\\n` become the characters).
fn with_zh_prefix(catalog: &str, prefix: &str) -> String {
    catalog
        .lines()
        .map(|line| {
            let (Some(start), Some(end)) = (line.find("{zh: "), line.find(", en: ")) else {
                return line.to_owned();
            };
            let value = line[start + 5..end].trim_matches('"');
            if value.contains('"') || value.contains('\\') {
                return line.to_owned();
            }
            format!(
                "{}{{zh: \"{prefix}{value}\"{}",
                &line[..start],
                &line[end..]
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn results(out: &Path) -> usize {
    fs::read_dir(out.join("results")).map_or(0, Iterator::count)
}

#[test]
fn aliases_to_one_large_string_do_not_stop_a_batch() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("in")).unwrap();
    fs::write(dir.path().join("in/good.yaml"), submission("good")).unwrap();
    let mut bomb = format!("id: bomb\nbig: &b \"{}\"\nlist: [", "x".repeat(1 << 20));
    for _ in 0..20_000 {
        bomb.push_str("*b,");
    }
    bomb.push_str("*b]\n");
    fs::write(dir.path().join("in/bomb.yaml"), bomb).unwrap();
    let out = quick(itss(dir.path()).args(["batch", "in", "--out", "out", "--no-evidence-files"]));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(results(&dir.path().join("out")), 1);
    let errors = error_lines(&dir.path().join("out"));
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].0.ends_with("bomb.yaml") && errors[0].1 == ["input-limit"],
        "{errors:?}"
    );
}

#[test]
fn thread_counts_are_checked_and_capped() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.yaml"), submission("a")).unwrap();
    let zero = quick(itss(dir.path()).args(["batch", "a.yaml", "--out", "o0", "-j", "0"]));
    assert_eq!(zero.status.code(), Some(2));
    let many = quick(itss(dir.path()).args([
        "batch",
        "a.yaml",
        "--out",
        "o1",
        "-j",
        "100000",
        "--no-evidence-files",
        "--lang",
        "en",
    ]));
    assert_eq!(many.status.code(), Some(0), "{}", text(&many.stderr));
    assert!(text(&many.stderr).contains("running 256 threads"));
}

#[cfg(unix)]
#[test]
fn what_cannot_be_an_input_is_one_error_line_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("in/sub")).unwrap();
    fs::write(d.join("in/ok.yaml"), submission("ok")).unwrap();
    // A FIFO named like a submission: opening it would block forever.
    let fifo = d.join("in/sub/pipe.yaml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // A link leading out of the input tree, to a file with a secret in it.
    fs::create_dir(d.join("outside")).unwrap();
    fs::write(d.join("outside/secret.yaml"), submission("secret")).unwrap();
    std::os::unix::fs::symlink("../outside/secret.yaml", d.join("in/link.yaml")).unwrap();
    // Directories nested deeper than the walk goes.
    let mut deep = d.join("in");
    for i in 0..40 {
        deep.push(format!("d{i}"));
    }
    fs::create_dir_all(&deep).unwrap();
    fs::write(deep.join("deep.yaml"), submission("deep")).unwrap();
    let out = quick(itss(d).args(["batch", "in", "--out", "out", "--no-evidence-files"]));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let errors = error_lines(&d.join("out"));
    let codes: Vec<&str> = errors.iter().map(|(_, c)| c[0].as_str()).collect();
    assert!(codes.contains(&"not-a-file"), "{errors:?}");
    assert!(codes.contains(&"symlink-outside"), "{errors:?}");
    assert!(codes.contains(&"walk-limit"), "{errors:?}");
    assert_eq!(results(&d.join("out")), 1);
    // The content behind the link is never echoed.
    let all = fs::read_to_string(d.join("out/errors.jsonl")).unwrap();
    assert!(!all.contains("secret\""), "{all}");
    // Shared drives: links are followed when asked.
    let out = quick(itss(d).args([
        "batch",
        "in",
        "--out",
        "out2",
        "--no-evidence-files",
        "--follow-symlinks",
    ]));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(results(&d.join("out2")), 2);
    // A FIFO given directly is refused, not waited on.
    let out = quick(itss(d).args(["assess", "in/sub/pipe.yaml"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not-a-file"));
}

#[test]
fn diagnostics_of_a_huge_one_line_file_cost_little() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = String::from(
        "{\"catalog\": \"itss-om\", \"assessed_on\": \"2026-10-01\", \"organization\": {\"name\": \"x\"}, \"answers\": {",
    );
    // One line of 4 MiB, thousands of invalid ratings on it (a hundred are reported). Each
    // report used to scan and render the whole line: seconds each.
    let pad = "p".repeat(60);
    let mut i = 0;
    while doc.len() < 4 << 20 {
        doc.push_str(&format!("\"OM.X.{i}.{pad}\": {{\"rating\": \"bad\"}}, "));
        i += 1;
    }
    doc.push_str("\"last\": {\"rating\": \"bad\"}}}");
    fs::write(dir.path().join("huge.json"), doc).unwrap();
    let out = within(
        itss(dir.path()).args(["assess", "huge.json"]),
        Duration::from_secs(30),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.len() < 200_000,
        "{} bytes of diagnostics",
        stderr.len()
    );
    assert!(
        stderr.contains("huge.json:1:"),
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
    assert!(
        stderr.matches("[schema]").count() >= 100,
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
}

#[test]
fn repeated_noise_is_summarised_and_every_result_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut sub = submission("noisy");
    for i in 0..50_000 {
        sub.push_str(&format!("  NOISE.{i}: {{rating: conform}}\n"));
    }
    fs::write(dir.path().join("noisy.yaml"), sub).unwrap();
    let mut waivers = String::from("waivers:\n");
    for _ in 0..20_000 {
        waivers.push_str(
            "  - {criterion: OM.L4.MGT.PLAN, justification: x, approved_by: y, expires_on: 2030-01-01}\n",
        );
    }
    fs::write(dir.path().join("waivers.yaml"), waivers).unwrap();
    let out = quick(itss(dir.path()).args([
        "assess",
        "noisy.yaml",
        "--no-evidence-files",
        "--waivers",
        "waivers.yaml",
        "--format",
        "json",
        "-o",
        "result.json",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let result: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("result.json")).unwrap()).unwrap();
    assert!(fs::metadata(dir.path().join("result.json")).unwrap().len() < 2 << 20);
    let findings = result["findings"].as_array().unwrap();
    let unknown: Vec<&Value> = findings
        .iter()
        .filter(|f| f["code"] == "unknown-answer")
        .collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0]["params"]["count"], 50_000);
    assert!(findings.iter().any(|f| f["code"] == "duplicate-waivers"));
    assert_eq!(result["waivers"].as_array().unwrap().len(), 1);
    for args in [
        vec!["render", "result.json", "-o", "r.html"],
        vec!["diff", "result.json", "result.json"],
    ] {
        let out = quick(itss(dir.path()).args(&args));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn terminal_output_never_carries_control_or_bidi_characters() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = with_zh_prefix(
        &fs::read_to_string(root().join("tests/conformance/catalogs/basic.yaml")).unwrap(),
        "\\u202e\\u001b[31m",
    );
    fs::write(dir.path().join("cat.yaml"), &catalog).unwrap();
    let show = quick(itss(dir.path()).args(["catalog", "show", "cat.yaml"]));
    let check = quick(itss(dir.path()).args(["catalog", "check", "cat.yaml"]));
    let case = root().join("tests/conformance/cases/basic-all-conform");
    let s = fs::read_to_string(case.join("submission.yaml"))
        .unwrap()
        .replacen("id: acme-2026", "id: \"acme\\u202e\\u001b[2J\"", 1);
    fs::write(dir.path().join("submission.yaml"), s).unwrap();
    let assess = quick(itss(dir.path()).args([
        "assess",
        "submission.yaml",
        "--catalog",
        "cat.yaml",
        "--no-evidence-files",
        "--require-level",
        "2",
        "--format",
        "json",
        "-o",
        "r.json",
    ]));
    let diff = quick(itss(dir.path()).args(["diff", "r.json", "r.json"]));
    for out in [&show, &check, &assess, &diff] {
        for stream in [&out.stdout, &out.stderr] {
            let s = text(stream);
            assert!(
                !s.contains('\u{202e}') && !s.contains('\u{1b}'),
                "raw control or bidi character in {s:?}"
            );
        }
    }
    assert_eq!(show.status.code(), Some(0));
    assert!(text(&diff.stdout).contains("acme"));
}

#[test]
fn the_output_directory_is_ours_alone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("in")).unwrap();
    for i in 0..5 {
        fs::write(
            d.join(format!("in/s{i}.yaml")),
            submission(&format!("s{i}")),
        )
        .unwrap();
    }
    let run = |out: &str| quick(itss(d).args(["batch", "in", "--out", out, "--no-evidence-files"]));
    // A folder holding other things is refused untouched.
    fs::create_dir(d.join("mine")).unwrap();
    fs::write(d.join("mine/notes.txt"), "mine").unwrap();
    assert_eq!(run("mine").status.code(), Some(2));
    assert_eq!(fs::read_dir(d.join("mine")).unwrap().count(), 1);
    // results/ as a link out of --out is refused; nothing lands at its target.
    fs::create_dir_all(d.join("elsewhere")).unwrap();
    fs::create_dir(d.join("linked")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.join("elsewhere"), d.join("linked/results")).unwrap();
        fs::remove_file(d.join("linked/results")).unwrap();
        fs::create_dir(d.join("fresh")).unwrap();
        std::os::unix::fs::symlink(d.join("elsewhere"), d.join("fresh/results")).unwrap();
        // Not empty and not ours: refused before anything is written.
        assert_eq!(run("fresh").status.code(), Some(2));
        assert_eq!(fs::read_dir(d.join("elsewhere")).unwrap().count(), 0);
    }
    // A re-run removes exactly what the previous run wrote.
    assert_eq!(run("out").status.code(), Some(0));
    assert_eq!(results(&d.join("out")), 5);
    fs::write(d.join("out/.other.tmp"), "not ours").unwrap();
    fs::write(d.join("out/results/README"), "a user's note").unwrap();
    for i in 2..5 {
        fs::remove_file(d.join(format!("in/s{i}.yaml"))).unwrap();
    }
    assert_eq!(run("out").status.code(), Some(0));
    let mut names: Vec<String> = fs::read_dir(d.join("out/results"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["README", "s0.json", "s1.json"]);
    assert_eq!(
        fs::read_to_string(d.join("out/.other.tmp")).unwrap(),
        "not ours"
    );
    let csv = fs::read_to_string(d.join("out/summary.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3);
}

#[test]
fn assess_never_overwrites_a_report_silently() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("a.yaml"), submission("same")).unwrap();
    fs::write(d.join("b.yaml"), submission("same")).unwrap();
    let out = quick(itss(d).args([
        "assess",
        "a.yaml",
        "b.yaml",
        "--format",
        "html",
        "-o",
        "dir",
        "--no-evidence-files",
    ]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("a.yaml"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fs::read_dir(d.join("dir")).unwrap().count(), 1);
    fs::write(d.join("b.yaml"), submission("other")).unwrap();
    let out = quick(itss(d).args([
        "assess",
        "a.yaml",
        "b.yaml",
        "-o",
        "two.html",
        "--no-evidence-files",
    ]));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(!d.join("two.html").exists());
    let long = format!("{}.html", "r".repeat(250));
    let out = quick(itss(d).args(["assess", "a.yaml", "-o", &long, "--no-evidence-files"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(d.join(&long).exists());
}

#[test]
fn catalog_text_never_leaves_a_questionnaire_comment() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = with_zh_prefix(
        &fs::read_to_string(root().join("tests/conformance/catalogs/basic.yaml")).unwrap(),
        "\\nevil: true\\r\\nalso: 1\\u2028x\\u0085y",
    );
    fs::write(dir.path().join("cat.yaml"), &catalog).unwrap();
    let out = quick(itss(dir.path()).args([
        "template",
        "--catalog",
        "cat.yaml",
        "--as-of",
        "2026-10-01",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let questionnaire = text(&out.stdout);
    let doc = itss::internals::yaml::parse(&questionnaire, 1 << 24)
        .unwrap()
        .to_json();
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "answers",
            "assessed_on",
            "catalog",
            "catalog_version",
            "organization"
        ]
    );
    assert!(
        !questionnaire
            .lines()
            .any(|l| l.starts_with("evil") || l.starts_with("also"))
    );
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_keep_their_own_ids() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("in")).unwrap();
    let body = submission("x").replace("id: x\n", "");
    for name in [&b"\xff.yaml"[..], &b"\xfe.yaml"[..]] {
        let path = dir
            .path()
            .join("in")
            .join(std::ffi::OsStr::from_bytes(name));
        fs::write(path, &body).unwrap();
    }
    let out = quick(itss(dir.path()).args(["batch", "in", "--out", "out", "--no-evidence-files"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(results(&dir.path().join("out")), 2);
}

#[test]
fn required_levels_are_read_as_people_write_them() {
    let dir = tempfile::tempdir().unwrap();
    let sub = root().join("examples/om-level4/submission.yaml");
    let sub = sub.to_str().unwrap();
    for (typed, code) in [
        ("三级", 3),
        ("3级", 3),
        ("拓展级", 3),
        ("4", 0),
        ("L3", 2),
        ("5", 2),
        ("typo", 2),
    ] {
        let out = quick(itss(dir.path()).args(["assess", sub, "--require-level", typed]));
        assert_eq!(
            out.status.code(),
            Some(code),
            "{typed}: {}",
            text(&out.stderr)
        );
        if code == 2 {
            assert!(text(&out.stderr).contains("基本级"), "the levels are named");
        }
    }
}

#[test]
fn keyboard_slips_and_near_misses_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let base = submission("slip");
    let colon = base.replacen("legal_entity: true", "legal_entity：true", 1);
    fs::write(dir.path().join("colon.yaml"), colon).unwrap();
    let out = quick(itss(dir.path()).args(["assess", "colon.yaml", "--lang", "en"]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    let first = stderr.lines().next().unwrap();
    assert!(
        first.contains("full-width colon") && first.contains("legal_entity"),
        "{stderr}"
    );
    let line = base
        .lines()
        .position(|l| l.contains("legal_entity"))
        .unwrap()
        + 1;
    assert!(stderr.contains(&format!("colon.yaml:{line}:")), "{stderr}");
    let zh = text(&quick(itss(dir.path()).args(["assess", "colon.yaml"])).stderr);
    assert!(zh.contains("全角冒号"), "{zh}");
    // A rating in another case, another language; an id with a slip.
    let rating = base.replacen("rating: conform", "rating: 符合", 1);
    fs::write(dir.path().join("rating.yaml"), rating).unwrap();
    let stderr =
        text(&quick(itss(dir.path()).args(["assess", "rating.yaml", "--lang", "en"])).stderr);
    assert!(stderr.contains("did you mean `conform`?"), "{stderr}");
    let id = base.replacen("OM.L4.MGT.PLAN:", "OM.L4.MGT.PLN:", 1);
    fs::write(dir.path().join("id.yaml"), id).unwrap();
    let stderr = text(
        &quick(itss(dir.path()).args(["assess", "id.yaml", "--lang", "en", "--no-evidence-files"]))
            .stderr,
    );
    assert!(
        stderr.contains("did you mean `OM.L4.MGT.PLAN`?"),
        "{stderr}"
    );
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let mut child = itss(&root())
        .args([
            "assess",
            "examples/om-full/submission.yaml",
            "--format",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn rendering_a_submission_says_what_it_is() {
    let out = quick(itss(&root()).args([
        "render",
        "examples/om-level4/submission.yaml",
        "--lang",
        "en",
    ]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("this is a submission"),
        "{}",
        text(&out.stderr)
    );
}
