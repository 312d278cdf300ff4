//! Evidence files on the command line (issue #16): the size limit (`--max-evidence-size`, its
//! finding in both languages, valid against the result schema), and a batch over a folder of
//! hostile evidence (a FIFO, a socket, a 4 GiB sparse file, hard links) that must finish.
//! The races themselves are tested in `src/evidence/hostile_tests.rs`, where a hook can act
//! between the look and the read.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn itss(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("itss").unwrap();
    // A check that blocks (a FIFO opened for reading) or reads gigabytes fails here.
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60));
    cmd
}

/// A copy of the conformance case `basic-all-conform` (submission, evidence, catalog) in `dir`.
fn basic_case(dir: &Path) {
    let src = root().join("tests/conformance/cases/basic-all-conform");
    fs::create_dir_all(dir.join("evidence")).unwrap();
    fs::copy(src.join("submission.yaml"), dir.join("submission.yaml")).unwrap();
    for entry in fs::read_dir(src.join("evidence")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.join("evidence").join(entry.file_name())).unwrap();
    }
    fs::copy(
        root().join("tests/conformance/catalogs/basic.yaml"),
        dir.join("basic.yaml"),
    )
    .unwrap();
}

fn criterion<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

fn codes(criterion: &Value) -> Vec<&str> {
    criterion["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

#[test]
fn evidence_over_the_limit_is_not_read_and_does_not_count() {
    let tmp = tempfile::tempdir().unwrap();
    basic_case(tmp.path());
    // service-catalogue.pdf has 53 bytes, review-2026h1.pdf 49.
    let out = itss(tmp.path())
        .args(["assess", "submission.yaml", "--catalog", "basic.yaml"])
        .args(["--format", "json", "--max-evidence-size", "49"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    let validator = itss::internals::schema::SchemaKind::Result.validator();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");

    let plan = criterion(&doc, "B.L4.MGT.PLAN");
    assert_eq!(plan["status"], "nonconform");
    assert_eq!(codes(plan), ["evidence-too-large", "insufficient-evidence"]);
    let too_large = &plan["findings"][0];
    assert_eq!(
        too_large["params"],
        serde_json::json!({"path": "evidence/service-catalogue.pdf", "size": 53, "limit": 49})
    );
    assert_eq!(
        too_large["message"],
        "`evidence/service-catalogue.pdf` has 53 bytes, more than the limit of 49 bytes for an \
         evidence file (see --max-evidence-size); it was not read"
    );
    // At the limit: read, and valid.
    assert_eq!(codes(criterion(&doc, "B.L4.MGT.CHECK")), Vec::<&str>::new());

    // The report in Chinese says the same.
    let md = itss(tmp.path())
        .args(["assess", "submission.yaml", "--catalog", "basic.yaml"])
        .args([
            "--format",
            "md",
            "--lang",
            "zh",
            "--max-evidence-size",
            "49",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let md = String::from_utf8(md).unwrap();
    assert!(
        md.contains(
            "「evidence/service-catalogue.pdf」大小为 53 字节，超过证据文件大小上限 49 字节"
        ),
        "{md}"
    );

    // Without the flag, the default (2 GiB) reads them all.
    let out = itss(tmp.path())
        .args(["assess", "submission.yaml", "--catalog", "basic.yaml"])
        .args(["--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["achieved_level"], "2");
}

/// Every special file named like evidence, and a file of 4 GiB that is all holes (15 s of
/// hashing before the limit): the batch finishes, each is reported, the rest is judged as
/// usual. `batch` shares `--max-evidence-size` with `assess`.
#[test]
fn a_batch_over_hostile_evidence_finishes() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let sub = input.join("acme");
    basic_case(&sub);
    fs::rename(sub.join("basic.yaml"), tmp.path().join("basic.yaml")).unwrap();
    let evidence = sub.join("evidence");
    // B.L3.MGT.REVIEW cites mgmt-review-q2.pdf and q3: q2 becomes a FIFO, q3 a 4 GiB sparse
    // file. B.L2.MGT.PDCA cites pdca-report.pdf: replaced by a socket.
    fs::remove_file(evidence.join("mgmt-review-q2.pdf")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(evidence.join("mgmt-review-q2.pdf"))
        .status()
        .unwrap();
    assert!(made.success());
    fs::File::create(evidence.join("mgmt-review-q3.pdf"))
        .unwrap()
        .set_len(4 << 30)
        .unwrap();
    fs::remove_file(evidence.join("pdca-report.pdf")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(evidence.join("pdca-report.pdf")).unwrap();
    // A hard link to a file cited elsewhere, cited in its place: same file, same digest.
    fs::rename(
        evidence.join("staff-records.xlsx"),
        evidence.join("staff-records-original.xlsx"),
    )
    .unwrap();
    fs::hard_link(
        evidence.join("staff-records-original.xlsx"),
        evidence.join("staff-records.xlsx"),
    )
    .unwrap();

    let out = tmp.path().join("out");
    itss(tmp.path())
        .args([
            "batch",
            "in",
            "--out",
            "out",
            "--catalog",
            "basic.yaml",
            "-j",
            "1",
        ])
        .assert()
        .code(0);
    let results: Vec<PathBuf> = fs::read_dir(out.join("results"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(results.len(), 1, "{results:?}");
    let doc: Value = serde_json::from_slice(&fs::read(&results[0]).unwrap()).unwrap();
    let review = criterion(&doc, "B.L3.MGT.REVIEW");
    assert_eq!(
        codes(review),
        [
            "evidence-missing",
            "evidence-too-large",
            "insufficient-evidence"
        ]
    );
    assert_eq!(review["findings"][1]["params"]["size"], 4u64 << 30);
    assert_eq!(review["findings"][1]["params"]["limit"], 2u64 << 30);
    assert_eq!(
        codes(criterion(&doc, "B.L2.MGT.PDCA")),
        ["evidence-missing", "insufficient-evidence"]
    );
    assert_eq!(codes(criterion(&doc, "B.L3.PPL.EXP")), Vec::<&str>::new());
    assert_eq!(codes(criterion(&doc, "B.L4.MGT.PLAN")), Vec::<&str>::new());
}
