//! Evidence folders that fight back: special files named like evidence, files and folders
//! swapped between the look and the read (through [`race`](super::race) at the points where
//! another process could act), hard links and symlinks to one file, files over the size
//! limit, files that change while they are read. Every check runs under a timeout, so a
//! regression that blocks on a FIFO fails instead of hanging.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::race::{self, Stage};
use super::*;

fn sha(bytes: &[u8]) -> String {
    crate::catalog::hex(&Sha256::digest(bytes))
}

fn item(path: &str, sha256: Option<&str>) -> EvidenceItem {
    EvidenceItem {
        path: path.to_owned(),
        sha256: sha256.map(str::to_owned),
        dated: None,
        title: None,
    }
}

fn check_one(root: &EvidenceRoot, path: &str, sha256: Option<&str>) -> ItemCheck {
    let as_of = Date::new(2026, 1, 1).unwrap();
    check(&item(path, sha256), &EvidenceRule::default(), root, as_of)
}

fn codes(check: &ItemCheck) -> Vec<&'static str> {
    check.findings.iter().map(|f| f.code.as_str()).collect()
}

/// Runs `f` on another thread; fails the test when it takes more than 20 seconds (a FIFO
/// opened for reading blocks until a writer comes).
fn within_timeout<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("checking the evidence blocked"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the check panicked"),
    }
}

/// A submission folder `sub/` with `docs/a.pdf` (`A` bytes) and, beside it, `outside/`
/// holding `secret.pdf` and `a.pdf` (both `SECRET` bytes).
struct Folder {
    _tmp: tempfile::TempDir,
    sub: PathBuf,
    outside: PathBuf,
}

const A: &[u8] = b"the file inside";
const SECRET: &[u8] = b"a file outside the submission";

fn folder() -> Folder {
    let tmp = tempfile::tempdir().unwrap();
    let sub = tmp.path().join("sub");
    let outside = tmp.path().join("outside");
    fs::create_dir_all(sub.join("docs")).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(sub.join("docs/a.pdf"), A).unwrap();
    fs::write(outside.join("secret.pdf"), SECRET).unwrap();
    fs::write(outside.join("a.pdf"), SECRET).unwrap();
    Folder {
        _tmp: tmp,
        sub,
        outside,
    }
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Replaces `path` by what `make` creates there.
fn replace(path: &Path, make: impl FnOnce(&Path)) {
    if path.is_dir() && !path.is_symlink() {
        fs::remove_dir_all(path).unwrap();
    } else {
        fs::remove_file(path).unwrap();
    }
    make(path);
}

/// Sets a hook acting once, at the first time `stage` comes.
fn once_at(stage: Stage, act: impl FnOnce() + 'static) {
    let mut act = Some(act);
    race::set(move |at| {
        if at == stage
            && let Some(act) = act.take()
        {
            act();
        }
    });
}

/// Counts the bytes read from evidence files on this thread.
fn count_reads() -> std::rc::Rc<std::cell::Cell<u64>> {
    let read = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let counter = read.clone();
    race::set(move |at| {
        if let Stage::Read(n) = at {
            counter.set(counter.get() + n as u64);
        }
    });
    read
}

/// The only digest a finding of `check` may show is `inside`, the digest of the file judged
/// (never one of a file outside or of a file read only in part: a digest of the first bytes
/// of a longer file outside would leak as much).
fn shows_no_digest_but(check: &ItemCheck, inside: Option<&str>) {
    for f in &check.findings {
        if let Some(actual) = f.params.get("actual") {
            assert_eq!(Some(actual.as_str().unwrap()), inside, "{}", f.message);
        }
    }
}

#[test]
fn special_files_named_like_evidence_are_missing_and_never_block() {
    let f = folder();
    mkfifo(&f.sub.join("docs/fifo.pdf"));
    fs::create_dir(f.sub.join("docs/dir.pdf")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(f.sub.join("docs/sock.pdf")).unwrap();
    let sub = f.sub.clone();
    let found = within_timeout(move || {
        let root = EvidenceRoot::new(&sub, true);
        let empty = sha(b"");
        let mut found = Vec::new();
        for name in ["fifo", "dir", "sock"] {
            for digest in [None, Some(empty.as_str())] {
                let check = check_one(&root, &format!("docs/{name}.pdf"), digest);
                found.push((name, digest.is_some(), codes(&check)));
            }
        }
        found
    });
    for (name, hashed, codes) in found {
        assert_eq!(
            codes,
            ["evidence-missing"],
            "{name} (sha256 given: {hashed})"
        );
    }
}

/// A device node: opening it may have effects and reading it never ends (`/dev/zero`) or
/// gives nothing (`/dev/null`); it is not a regular file. Needs the right to create device
/// nodes (root in a container); skipped otherwise.
#[test]
fn device_nodes_are_missing_and_never_read() {
    let f = folder();
    let made = Command::new("mknod")
        .arg(f.sub.join("docs/zero.pdf"))
        .args(["c", "1", "5"])
        .status()
        .is_ok_and(|s| s.success())
        && Command::new("mknod")
            .arg(f.sub.join("docs/null.pdf"))
            .args(["c", "1", "3"])
            .status()
            .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: cannot create device nodes here");
        return;
    }
    let sub = f.sub.clone();
    let (standing, swapped, read) = within_timeout(move || {
        let root = EvidenceRoot::new(&sub, true);
        let read = count_reads();
        let mut standing = Vec::new();
        for name in ["zero", "null"] {
            for digest in [None, Some(sha(b"x"))] {
                let check = check_one(&root, &format!("docs/{name}.pdf"), digest.as_deref());
                standing.extend(codes(&check));
            }
        }
        let read = read.get();
        // Swapped in for a regular file between the look and the open.
        let path = sub.join("docs/a.pdf");
        once_at(Stage::BeforeOpen, move || {
            replace(&path, |p| {
                let made = Command::new("mknod").arg(p).args(["c", "1", "5"]).status();
                assert!(made.unwrap().success());
            });
        });
        let swapped = check_one(&root, "docs/a.pdf", Some(&sha(A)));
        (standing, swapped, read)
    });
    assert_eq!(standing, ["evidence-missing"; 4]);
    assert_eq!(read, 0);
    shows_no_digest_but(&swapped, None);
    assert_eq!(codes(&swapped), ["evidence-missing"]);
}

#[test]
fn a_file_swapped_for_a_fifo_before_it_is_opened_never_blocks() {
    let f = folder();
    let sub = f.sub.clone();
    let codes = within_timeout(move || {
        let root = EvidenceRoot::new(&sub, true);
        let path = sub.join("docs/a.pdf");
        once_at(Stage::BeforeOpen, move || replace(&path, mkfifo));
        codes(&check_one(&root, "docs/a.pdf", Some(&sha(A))))
    });
    assert_eq!(codes, ["evidence-missing"]);
}

#[test]
fn a_file_swapped_for_a_directory_or_socket_before_it_is_opened_is_missing() {
    let f = folder();
    let sub = f.sub.clone();
    let (dir, socket) = within_timeout(move || {
        let root = EvidenceRoot::new(&sub, true);
        let path = sub.join("docs/a.pdf");
        once_at(Stage::BeforeOpen, move || {
            replace(&path, |p| fs::create_dir(p).unwrap());
        });
        let dir = check_one(&root, "docs/a.pdf", Some(&sha(A)));
        fs::write(sub.join("docs/b.pdf"), A).unwrap();
        let path = sub.join("docs/b.pdf");
        once_at(Stage::BeforeOpen, move || {
            replace(&path, |p| {
                std::mem::forget(std::os::unix::net::UnixListener::bind(p).unwrap());
            });
        });
        let socket = check_one(&root, "docs/b.pdf", Some(&sha(A)));
        (dir.findings, socket.findings)
    });
    for findings in [dir, socket] {
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, FindingCode::EvidenceMissing);
        // Not "could not be read": it is not a regular file.
        assert!(
            !findings[0].params.contains_key("unreadable"),
            "{findings:?}"
        );
    }
}

/// Issue #16: a file judged inside, then replaced by a symlink to a file outside before it
/// is opened, was hashed and its digest printed in the hash-mismatch finding.
#[test]
fn a_file_swapped_for_a_symlink_outside_is_never_hashed() {
    let f = folder();
    let sub = f.sub.clone();
    let target = f.outside.join("secret.pdf");
    let check = within_timeout(move || {
        let root = EvidenceRoot::new(&sub, true);
        let path = sub.join("docs/a.pdf");
        once_at(Stage::BeforeOpen, move || {
            replace(&path, |p| symlink(&target, p).unwrap());
        });
        check_one(&root, "docs/a.pdf", Some(&sha(A)))
    });
    shows_no_digest_but(&check, None);
    assert_eq!(codes(&check), ["evidence-outside"]);
}

/// The folder on the way, not the file, swapped for a symlink to a folder outside once the
/// path has been walked: the file read is still the one inside.
#[test]
fn a_folder_swapped_for_a_symlink_outside_is_never_followed() {
    let f = folder();
    let sub = f.sub.clone();
    let outside = f.outside.clone();
    let check = within_timeout(move || {
        let root = EvidenceRoot::new(&sub, true);
        let docs = sub.join("docs");
        let moved = sub.join("docs-moved");
        once_at(Stage::BeforeOpen, move || {
            fs::rename(&docs, &moved).unwrap();
            symlink(&outside, &docs).unwrap();
        });
        check_one(&root, "docs/a.pdf", Some(&sha(A)))
    });
    // Valid or not depending on when the swap is seen; never the file outside.
    shows_no_digest_but(&check, Some(&sha(A)));
}

/// A symlink resolving inside (allowed, SPEC §4.2), then the folder it goes through swapped
/// for a symlink outside between the resolution and the open.
#[test]
fn a_symlink_resolved_inside_then_redirected_outside_is_never_followed() {
    let f = folder();
    symlink("docs/a.pdf", f.sub.join("link.pdf")).unwrap();
    let sub = f.sub.clone();
    let outside = f.outside.clone();
    let (before, check) = within_timeout(move || {
        let before = check_one(&EvidenceRoot::new(&sub, true), "link.pdf", Some(&sha(A)));
        let root = EvidenceRoot::new(&sub, true);
        let docs = sub.join("docs");
        once_at(Stage::Resolved, move || {
            fs::rename(&docs, docs.with_file_name("docs-moved")).unwrap();
            symlink(&outside, &docs).unwrap();
        });
        (before, check_one(&root, "link.pdf", Some(&sha(A))))
    });
    assert!(before.is_valid(), "{:?}", before.findings);
    shows_no_digest_but(&check, None);
    assert!(!check.is_valid());
}

/// Hard links, a symlink to the file and a symlinked folder: one file, read once per
/// submission, each citation judged (and valid) on its own.
#[test]
fn one_file_under_several_names_is_read_once() {
    let f = folder();
    fs::hard_link(f.sub.join("docs/a.pdf"), f.sub.join("docs/hard.pdf")).unwrap();
    fs::hard_link(f.sub.join("docs/a.pdf"), f.sub.join("hard2.pdf")).unwrap();
    symlink("docs/a.pdf", f.sub.join("soft.pdf")).unwrap();
    symlink("docs", f.sub.join("alias")).unwrap();
    let sub = f.sub.clone();
    let (checks, read) = within_timeout(move || {
        let root = EvidenceRoot::new(&sub, true);
        let read = count_reads();
        let checks: Vec<Vec<&str>> = [
            "docs/a.pdf",
            "docs/hard.pdf",
            "hard2.pdf",
            "soft.pdf",
            "alias/a.pdf",
            "alias/hard.pdf",
        ]
        .iter()
        .map(|path| codes(&check_one(&root, path, Some(&sha(A)))))
        .collect();
        (checks, read.get())
    });
    for codes in checks {
        assert!(codes.is_empty(), "{codes:?}");
    }
    assert_eq!(read, A.len() as u64);
}

#[test]
fn one_path_under_several_spellings_is_read_once() {
    let f = folder();
    let sub = f.sub.clone();
    let (checks, read) = within_timeout(move || {
        let root = EvidenceRoot::new(&sub, true);
        let read = count_reads();
        let checks: Vec<Vec<&str>> = [
            "docs/a.pdf",
            "./docs/a.pdf",
            "docs/../docs/a.pdf",
            "docs//a.pdf",
            "docs\\a.pdf",
        ]
        .iter()
        .map(|path| codes(&check_one(&root, path, Some(&sha(A)))))
        .collect();
        (checks, read.get())
    });
    for codes in checks {
        assert!(codes.is_empty(), "{codes:?}");
    }
    assert_eq!(read, A.len() as u64);
}

/// Over the limit: a finding naming the size and the limit, never read, never valid, with
/// or without a stated digest; at the limit: read and valid.
#[test]
fn a_file_over_the_limit_is_not_read() {
    let f = folder();
    let limit = A.len() as u64;
    fs::write(f.sub.join("docs/big.pdf"), [A, b"!"].concat()).unwrap();
    let sub = f.sub.clone();
    let (at_limit, over, over_undigested, read) = within_timeout(move || {
        let root = EvidenceRoot::new(&sub, true).with_max_size(limit);
        let at_limit = check_one(&root, "docs/a.pdf", Some(&sha(A)));
        let read_at_limit = count_reads();
        let over = check_one(&root, "docs/big.pdf", Some(&sha(A)));
        let over_undigested = check_one(&root, "docs/big.pdf", None);
        (at_limit, over, over_undigested, read_at_limit.get())
    });
    assert!(at_limit.is_valid(), "{:?}", at_limit.findings);
    assert_eq!(read, 0);
    for check in [&over, &over_undigested] {
        assert_eq!(codes(check), ["evidence-too-large"]);
        let found = &check.findings[0];
        assert_eq!(found.params["size"], serde_json::json!(limit + 1));
        assert_eq!(found.params["limit"], serde_json::json!(limit));
        assert!(
            found.message.contains(&(limit + 1).to_string()),
            "{}",
            found.message
        );
        let zh = found.message_in(crate::text::Lang::Zh);
        assert!(
            zh.contains(&limit.to_string()) && zh.contains("字节"),
            "{zh}"
        );
    }
}

/// A 4 GiB sparse file costs nothing on disk and 15 s to hash: with the default limit it is
/// refused without a read.
#[test]
fn a_sparse_file_over_the_default_limit_is_not_read() {
    let f = folder();
    let big = fs::File::create(f.sub.join("docs/sparse.pdf")).unwrap();
    big.set_len(4 << 30).unwrap();
    let sub = f.sub.clone();
    let (codes, read) = within_timeout(move || {
        let root = EvidenceRoot::new(&sub, true);
        let read = count_reads();
        let check = check_one(&root, "docs/sparse.pdf", Some(&sha(b"")));
        (codes(&check), read.get())
    });
    assert_eq!(codes, ["evidence-too-large"]);
    assert_eq!(read, 0);
}

/// A file cut short while it is read gets no digest: what was read was never the file.
#[test]
fn a_file_shrinking_while_read_gets_no_digest() {
    let f = folder();
    let content: Vec<u8> = (0..256 * 1024).map(|i| (i % 251) as u8).collect();
    fs::write(f.sub.join("docs/long.pdf"), &content).unwrap();
    let sub = f.sub.clone();
    let stated = sha(&content);
    let check = within_timeout(move || {
        let root = EvidenceRoot::new(&sub, true);
        let path = sub.join("docs/long.pdf");
        race::set(move |at| {
            if matches!(at, Stage::Read(_)) {
                fs::OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .unwrap()
                    .set_len(1024)
                    .unwrap();
            }
        });
        check_one(&root, "docs/long.pdf", Some(&stated))
    });
    assert_eq!(codes(&check), ["evidence-missing"]);
    assert_eq!(
        check.findings[0].params["unreadable"],
        serde_json::json!(true)
    );
}

/// A file growing while it is read is hashed as it was when judged: its first bytes, no more.
#[test]
fn a_file_growing_while_read_is_hashed_as_judged() {
    let f = folder();
    let sub = f.sub.clone();
    let (check, read) = within_timeout(move || {
        let root = EvidenceRoot::new(&sub, true);
        let path = sub.join("docs/a.pdf");
        let read = std::rc::Rc::new(std::cell::Cell::new(0u64));
        let counter = read.clone();
        race::set(move |at| {
            if let Stage::Read(n) = at {
                counter.set(counter.get() + n as u64);
                let mut file = fs::OpenOptions::new().append(true).open(&path).unwrap();
                std::io::Write::write_all(&mut file, &[0u8; 64 * 1024]).unwrap();
            }
        });
        (check_one(&root, "docs/a.pdf", Some(&sha(A))), read.get())
    });
    assert!(check.is_valid(), "{:?}", check.findings);
    assert_eq!(read, A.len() as u64);
}
