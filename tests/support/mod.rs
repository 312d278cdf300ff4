//! Helpers shared by the test crates that run the `itss` binary on files: running it,
//! copying and walking folders, workbook cells by name, and LibreOffice (required in CI).
//! Each crate uses some of them.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;

/// The binary under test.
pub fn itss() -> Command {
    Command::cargo_bin("itss").unwrap()
}

/// Runs `itss args…`: exit code, standard output, standard error.
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = itss().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The value of a submission or review file as `itss convert --to json` reads it (written
/// to a scratch folder, never beside the input: examples stay as they are).
pub fn value_of(path: &Path) -> Value {
    let scratch = tempfile::tempdir().unwrap();
    let json = scratch.path().join("value.json");
    let out = itss()
        .args(["convert", path.to_str().unwrap(), "--to", "json", "-o"])
        .arg(&json)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&fs::read(&json).unwrap()).unwrap()
}

/// Copies a folder and everything below it.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file below `dir`.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `A1` notation of a 0-based (row, column).
pub fn a1(row: u32, col: u32) -> String {
    let mut s = String::new();
    let mut n = col + 1;
    while n > 0 {
        s.insert(0, char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    format!("{s}{}", row + 1)
}

/// Whether LibreOffice (`soffice`) is installed; a test may skip without it locally, never
/// in CI (`.ci/run` installs libreoffice-calc-nogui).
pub fn soffice() -> bool {
    let found = Command::new("soffice").arg("--version").output().is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "LibreOffice (soffice) is required in CI: .ci/run installs libreoffice-calc-nogui"
        );
        eprintln!("skipped: soffice is not installed");
    }
    found
}

/// Has LibreOffice convert `file` (`to`: `xlsx`, `csv:…`, `xlsx:Calc MS Excel 2007 XML`)
/// into `outdir`; the file it wrote.
pub fn convert_with_libreoffice(file: &Path, to: &str, outdir: &Path) -> PathBuf {
    let profile = outdir.join("lo-profile");
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(outdir)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ext = to.split(':').next().unwrap();
    let produced = outdir.join(file.with_extension(ext).file_name().unwrap());
    assert!(
        produced.exists(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    produced
}
