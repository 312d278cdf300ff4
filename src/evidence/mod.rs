//! Evidence items (SPEC §4.2): containment in the submission's directory (through `..` and
//! symlinks), existence, size, sha256 and the date rules. Every item is checked against every
//! rule it can be checked against and reports every rule it fails.
//!
//! Files are looked at through `folder`: walked from the submission's folder without
//! following symlinks and judged on the handle that is read, so the file hashed is the file
//! judged. A path through a symlink is resolved to decide whether it stays inside, and the
//! resolved path is then walked the same way. A file over the size limit is never read, and a
//! file (by device and inode) is read once per submission whatever names it is cited under.

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use sha2::{Digest, Sha256};

use crate::catalog::EvidenceRule;
use crate::date::Date;
use crate::finding::{Finding, FindingCode};
use crate::params;
use crate::submission::EvidenceItem;

mod folder;

use folder::{FileId, Folder, Found};

/// Evidence files larger than this many bytes are not read and do not count (2 GiB: scanned
/// documents and recordings are real evidence; `--max-evidence-size`).
pub const DEFAULT_MAX_EVIDENCE_SIZE: u64 = 2 << 30;

/// Where evidence paths are resolved and whether files are looked at.
///
/// One root serves one submission; it remembers what it found for each path, and the digest
/// of each file, so a file cited by several answers, under several names or through hard
/// links and symlinks, is resolved once per name and read once.
#[derive(Debug)]
pub struct EvidenceRoot {
    dir: PathBuf,
    /// Canonical directory, resolved only when a symlink on the way to a file needs it
    /// (`None` inside when it cannot be resolved, or is not the folder walked).
    canonical: OnceCell<Option<PathBuf>>,
    check_files: bool,
    max_size: u64,
    folder: Folder,
    /// By relative path (as [`lexical_key`] writes it).
    seen: RefCell<HashMap<String, Looked, foldhash::fast::RandomState>>,
    /// By file: its sha256 (`None` inside: it could not be read to the end).
    digests: RefCell<HashMap<FileId, Option<Rc<str>>, foldhash::fast::RandomState>>,
}

/// What was found for one relative path (cheap to clone).
#[derive(Debug, Clone)]
enum Looked {
    Outside,
    Missing,
    /// A regular file that could not be opened.
    Unreadable,
    /// A regular file over the size limit, with its size.
    TooLarge(u64),
    /// A regular file; its digest, once read, is in `digests`.
    File(FileId),
}

impl EvidenceRoot {
    /// The root for a submission directory; `check_files = false` is `--no-evidence-files`.
    /// Files up to [`DEFAULT_MAX_EVIDENCE_SIZE`] are read (see [`Self::with_max_size`]).
    pub fn new(dir: &Path, check_files: bool) -> EvidenceRoot {
        EvidenceRoot {
            dir: dir.to_path_buf(),
            canonical: OnceCell::new(),
            check_files,
            max_size: DEFAULT_MAX_EVIDENCE_SIZE,
            folder: Folder::new(dir),
            seen: RefCell::default(),
            digests: RefCell::default(),
        }
    }

    /// Files larger than `max_size` bytes are not read and do not count
    /// (`evidence-too-large`).
    pub fn with_max_size(mut self, max_size: u64) -> EvidenceRoot {
        self.max_size = max_size;
        self
    }

    fn canonical(&self) -> Option<&Path> {
        self.canonical
            .get_or_init(|| {
                fs::canonicalize(&self.dir)
                    .ok()
                    .filter(|canonical| self.folder.is_at(canonical))
            })
            .as_deref()
    }

    /// What is at `rel`; with `digest`, a file found is read (once) for its digest.
    fn look(&self, rel: &str, digest: bool) -> Looked {
        if let Some(found) = self.seen.borrow().get(rel) {
            match found {
                // Looked at without opening: opened now, and judged again on the handle.
                Looked::File(id) if digest && !self.digests.borrow().contains_key(id) => {}
                found => return found.clone(),
            }
        }
        let found = self.locate(rel, digest);
        self.seen.borrow_mut().insert(rel.to_owned(), found.clone());
        found
    }

    /// Walks `rel` (a [`lexical_key`]), the long way when a symlink is on it.
    fn locate(&self, rel: &str, open: bool) -> Looked {
        if !self.check_files {
            return Looked::Missing;
        }
        let found = match self.folder.find(Path::new(rel), open) {
            Found::Winding => match self.resolve(rel) {
                Resolved::Outside => return Looked::Outside,
                Resolved::Missing => return Looked::Missing,
                Resolved::Inside(real) => {
                    race::at(race::Stage::Resolved);
                    match self.folder.find(&real, open) {
                        // Changed since it was resolved: a symlink where there was none.
                        Found::Winding => return Looked::Missing,
                        found => found,
                    }
                }
            },
            found => found,
        };
        match found {
            Found::Missing | Found::Winding => Looked::Missing,
            Found::Unreadable => Looked::Unreadable,
            // Never read: the open file (if any) is closed here.
            Found::File { len, .. } if len > self.max_size => Looked::TooLarge(len),
            Found::File { id, len, file } => {
                if let Some(file) = file
                    && !self.digests.borrow().contains_key(&id)
                {
                    let digest = digest_of(file, len).map(Rc::from);
                    // `FileId` is `Copy` on Unix only.
                    #[allow(clippy::clone_on_copy)]
                    self.digests.borrow_mut().insert(id.clone(), digest);
                }
                Looked::File(id)
            }
        }
    }

    /// Resolves the symlinks on `rel` (a [`lexical_key`]): where it really is, relative to the
    /// canonical directory, or whether it leaves it.
    fn resolve(&self, rel: &str) -> Resolved {
        let Some(canonical_root) = self.canonical() else {
            return Resolved::Missing;
        };
        let rel = Path::new(rel);
        if let Ok(real) = fs::canonicalize(self.dir.join(rel)) {
            return match real.strip_prefix(canonical_root) {
                Ok(inside) => Resolved::Inside(inside.to_path_buf()),
                Err(_) => Resolved::Outside,
            };
        }
        // Something on the way does not resolve: find out whether a prefix (or a dangling
        // symlink) already points outside before calling it missing.
        let mut prefix = self.dir.clone();
        let mut lexical = PathBuf::new();
        for component in rel.components() {
            let Component::Normal(name) = component else {
                continue;
            };
            prefix.push(name);
            lexical.push(name);
            match fs::canonicalize(&prefix) {
                Ok(real) if !real.starts_with(canonical_root) => return Resolved::Outside,
                Ok(_) => {}
                Err(_) => {
                    if let Ok(target) = fs::read_link(&prefix) {
                        let parent = lexical.parent().unwrap_or(Path::new(""));
                        let joined = parent.join(&target);
                        if target.is_absolute()
                            || lexical_relative(&joined.to_string_lossy()).is_none()
                        {
                            return Resolved::Outside;
                        }
                    }
                    return Resolved::Missing;
                }
            }
        }
        Resolved::Missing
    }

    /// The digest of the file `id`, when it was read.
    fn digest(&self, id: &FileId) -> Option<Rc<str>> {
        self.digests.borrow().get(id).cloned().flatten()
    }
}

/// Where a path through symlinks leads.
enum Resolved {
    Outside,
    Missing,
    /// Inside, at this path relative to the canonical directory (no symlink on it).
    Inside(PathBuf),
}

/// The points where another process could change the folder while an item is checked. Tests
/// act there (`race::set`) to prove that the file hashed is the file judged; elsewhere the
/// calls compile to nothing.
pub(crate) mod race {
    /// Where the check has got to.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum Stage {
        /// The last name of a path is about to be looked at (stat or open).
        BeforeOpen,
        /// A path through symlinks has been resolved inside the folder, not yet opened.
        Resolved,
        /// This many bytes of a file have just been read.
        Read(usize),
    }

    #[cfg(test)]
    type Hook = Box<dyn FnMut(Stage)>;

    #[cfg(test)]
    thread_local! {
        static HOOK: std::cell::RefCell<Option<Hook>> =
            std::cell::RefCell::new(None);
    }

    /// Calls the hook of this thread, if any.
    #[inline(always)]
    pub(crate) fn at(stage: Stage) {
        #[cfg(test)]
        {
            let hook = HOOK.with(|h| h.borrow_mut().take());
            if let Some(mut hook) = hook {
                hook(stage);
                HOOK.with(|h| {
                    h.borrow_mut().get_or_insert(hook);
                });
            }
        }
        #[cfg(not(test))]
        let _ = stage;
    }

    /// Sets the hook of this thread (replacing any).
    #[cfg(test)]
    pub(crate) fn set(hook: impl FnMut(Stage) + 'static) {
        HOOK.with(|h| *h.borrow_mut() = Some(Box::new(hook)));
    }
}

/// What checking one item found.
#[derive(Debug, Clone)]
pub struct ItemCheck {
    /// Findings (empty = the item counts).
    pub findings: Vec<Finding>,
}

impl ItemCheck {
    /// Whether the item counts towards `evidence.min`.
    pub fn is_valid(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Walks `path` lexically: `step(Some(name))` for each name, `step(None)` for each `..`
/// (answering whether there was a name to climb out of). False when the path is absolute,
/// names a drive, holds a NUL, or a step fails. Backslashes count as separators.
fn walk_lexically<'a>(path: &'a str, mut step: impl FnMut(Option<&'a str>) -> bool) -> bool {
    let bytes = path.as_bytes();
    if path.contains('\0')
        || bytes.first().is_some_and(|&b| b == b'/' || b == b'\\')
        || (bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic())
    {
        return false;
    }
    path.split(['/', '\\']).all(|part| match part {
        "" | "." => true,
        ".." => step(None),
        name => step(Some(name)),
    })
}

/// Resolves `path` lexically against the directory: `None` when it is absolute, names a
/// drive, holds a NUL, or climbs out with `..`. Backslashes count as separators.
pub fn lexical_relative(path: &str) -> Option<PathBuf> {
    lexical_key(path).map(|key| PathBuf::from(key.as_ref()))
}

/// [`lexical_relative`] as its names joined by `/`: the key a path is remembered by. A path
/// already written that way (the usual `evidence/a.pdf`) is its own key.
fn lexical_key(path: &str) -> Option<Cow<'_, str>> {
    if is_key_form(path) {
        return Some(Cow::Borrowed(path));
    }
    let mut parts: Vec<&str> = Vec::new();
    let inside = walk_lexically(path, |name| match name {
        Some(name) => {
            parts.push(name);
            true
        }
        None => parts.pop().is_some(),
    });
    inside.then(|| Cow::Owned(parts.join("/")))
}

/// Whether `path` is already a key: names joined by single `/`, none of them empty, `.` or
/// `..`, with no backslash or NUL and no drive (one pass over the bytes; any other path is
/// left to the general walk).
fn is_key_form(path: &str) -> bool {
    let b = path.as_bytes();
    if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        return false;
    }
    let mut start = 0;
    for (i, &c) in b.iter().chain(std::iter::once(&b'/')).enumerate() {
        match c {
            b'\\' | 0 => return false,
            b'/' => {
                if matches!(&b[start..i], b"" | b"." | b"..") {
                    return false;
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    true
}

/// Whether [`lexical_relative`] would resolve `path`, without building the path.
fn lexically_inside(path: &str) -> bool {
    let mut depth = 0usize;
    walk_lexically(path, |name| match name {
        Some(_) => {
            depth += 1;
            true
        }
        None => depth.checked_sub(1).map(|d| depth = d).is_some(),
    })
}

/// Bytes read at a time.
const CHUNK: usize = 16 * 1024;

/// The sha256 of the file as it was judged: its first `len` bytes, never more (a file growing
/// meanwhile is hashed as it was); `None` when it cannot be read or ends before (it was cut
/// short meanwhile, and what was read was never the file). Reading stops at `len` rather than
/// asking once more for the end of file.
fn digest_of(mut file: File, len: u64) -> Option<String> {
    let mut hasher = Sha256::new();
    // Evidence files are often small: a buffer of the file's size, not a zeroed 16 KiB.
    let mut buf = vec![0u8; usize::try_from(len).map_or(CHUNK, |n| n.clamp(1, CHUNK))];
    let mut read = 0u64;
    while read < len {
        let want = usize::try_from(len - read).map_or(buf.len(), |n| n.min(buf.len()));
        let n = match file.read(&mut buf[..want]) {
            Ok(0) => return None,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        hasher.update(&buf[..n]);
        read += n as u64;
        race::at(race::Stage::Read(n));
    }
    Some(crate::catalog::hex(&hasher.finalize()))
}

/// The path as written, for messages: control, bidi and other invisible format characters
/// are escaped (`\0`, `\u{202e}`), everything else (backslashes, quotes) stays as written.
fn shown(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else if matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}' | '\u{061c}' | '\u{feff}')
        {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Checks one item against every rule (SPEC §4.2).
pub fn check(
    item: &EvidenceItem,
    rule: &EvidenceRule,
    root: &EvidenceRoot,
    as_of: Date,
) -> ItemCheck {
    let mut findings = Vec::new();
    // The path as shown in messages: only built when there is one to write.
    let shown = || shown(&item.path);
    // The resolved path is needed only to look at the file.
    let relative = if root.check_files {
        lexical_key(&item.path).map(Some)
    } else {
        lexically_inside(&item.path).then_some(None)
    };
    match relative {
        None => findings.push(Finding::new(
            FindingCode::EvidenceOutside,
            params! {"path" => shown()},
        )),
        Some(Some(rel)) => {
            let unreadable = || {
                Finding::new(
                    FindingCode::EvidenceMissing,
                    params! {"path" => shown(), "unreadable" => true},
                )
            };
            match root.look(&rel, item.sha256.is_some()) {
                Looked::Outside => findings.push(Finding::new(
                    FindingCode::EvidenceOutside,
                    params! {"path" => shown(), "through_symlink" => true},
                )),
                Looked::Missing => findings.push(Finding::new(
                    FindingCode::EvidenceMissing,
                    params! {"path" => shown()},
                )),
                Looked::TooLarge(size) => findings.push(Finding::new(
                    FindingCode::EvidenceTooLarge,
                    params! {"path" => shown(), "size" => size, "limit" => root.max_size},
                )),
                // A regular file: it exists, and only a digest needs reading it.
                Looked::Unreadable => {
                    if item.sha256.is_some() {
                        findings.push(unreadable());
                    }
                }
                Looked::File(id) => {
                    if let Some(expected) = &item.sha256 {
                        match root.digest(&id) {
                            Some(actual) if actual.eq_ignore_ascii_case(expected) => {}
                            Some(actual) => findings.push(Finding::new(
                                FindingCode::EvidenceHashMismatch,
                                params! {
                                    "path" => shown(),
                                    "actual" => &*actual,
                                    "expected" => expected.to_ascii_lowercase(),
                                },
                            )),
                            None => findings.push(unreadable()),
                        }
                    }
                }
            }
        }
        Some(None) => {}
    }
    // A future date is wrong for every criterion; age limits only where the criterion has one.
    match (item.dated, rule.max_age_days) {
        (Some(dated), _) if dated > as_of => findings.push(Finding::new(
            FindingCode::EvidenceFuture,
            params! {"path" => shown(), "dated" => dated, "as_of" => as_of},
        )),
        (None, Some(max_age)) => findings.push(Finding::new(
            FindingCode::EvidenceUndated,
            params! {"path" => shown(), "max_age_days" => max_age},
        )),
        (Some(dated), Some(max_age)) => {
            let age = as_of.days_since(dated);
            if age > i64::from(max_age) {
                findings.push(Finding::new(
                    FindingCode::EvidenceStale,
                    params! {
                        "path" => shown(),
                        "dated" => dated,
                        "age_days" => age,
                        "max_age_days" => max_age,
                    },
                ));
            }
        }
        (_, None) => {}
    }
    ItemCheck { findings }
}

#[cfg(test)]
mod hostile_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_containment() {
        assert_eq!(
            lexical_relative("evidence/a.pdf"),
            Some(PathBuf::from("evidence/a.pdf"))
        );
        assert_eq!(
            lexical_relative("evidence/../a.pdf"),
            Some(PathBuf::from("a.pdf"))
        );
        assert_eq!(
            lexical_relative("evidence\\a.pdf"),
            Some(PathBuf::from("evidence/a.pdf"))
        );
        assert_eq!(lexical_relative("../a.pdf"), None);
        assert_eq!(lexical_relative("evidence/../../a.pdf"), None);
        assert_eq!(lexical_relative("..\\..\\a.pdf"), None);
        assert_eq!(lexical_relative("/etc/passwd"), None);
        assert_eq!(lexical_relative("C:\\x.pdf"), None);
        assert_eq!(lexical_relative("c:x.pdf"), None);
        assert_eq!(lexical_relative("a\0b"), None);
        for path in [
            "evidence/a.pdf",
            "./a/../b",
            "a/../../b",
            "..",
            "a/..",
            "\\x",
            "/x",
            "C:x",
            "a\0b",
            "",
            "a//b/.",
            "a\\..\\..",
            "evidence/sub/a b.pdf",
            "c:",
            "./a",
            "a/",
            "a/b/..",
        ] {
            assert_eq!(
                lexically_inside(path),
                lexical_relative(path).is_some(),
                "{path}"
            );
            if is_key_form(path) {
                assert_eq!(lexical_key(path).as_deref(), Some(path), "{path}");
            }
        }
    }

    /// Folders remembered as plain directories within one submission never let a symlinked
    /// folder, or a file under one, pass for a plain one; and a submission directory named
    /// through a symlink is judged as the directory it is (it is resolved lazily).
    #[cfg(unix)]
    #[test]
    fn remembered_folders_do_not_hide_symlinks() {
        use std::os::unix::fs::symlink;

        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        let dir = tmp.path().join("submission");
        fs::create_dir_all(dir.join("docs/sub")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        for file in ["docs/a.pdf", "docs/sub/c.pdf"] {
            fs::write(dir.join(file), b"x").unwrap();
        }
        fs::write(outside.join("b.pdf"), b"x").unwrap();
        symlink(&outside, dir.join("away")).unwrap();
        symlink("docs", dir.join("alias")).unwrap();
        symlink("../../outside/b.pdf", dir.join("docs/leak.pdf")).unwrap();

        // The directory as named and through a symlink to it: the directory itself is only
        // resolved when a symlink below it has to be judged.
        let linked = tmp.path().join("linked");
        symlink(&dir, &linked).unwrap();
        let x_sha256 = crate::catalog::hex(&Sha256::digest(b"x"));
        for named in [&dir, &linked] {
            let root = EvidenceRoot::new(named, true);
            let rule = EvidenceRule::default();
            let as_of = Date::new(2026, 1, 1).unwrap();
            let codes = |path: &str| -> Vec<FindingCode> {
                let item = EvidenceItem {
                    path: path.to_owned(),
                    sha256: Some(x_sha256.clone()),
                    dated: None,
                    title: None,
                };
                check(&item, &rule, &root, as_of)
                    .findings
                    .iter()
                    .map(|f| f.code)
                    .collect()
            };
            // In this order, so `docs` and `docs/sub` are remembered before the others.
            assert_eq!(codes("docs/a.pdf"), []);
            assert_eq!(codes("docs/sub/c.pdf"), []);
            assert_eq!(codes("docs/leak.pdf"), [FindingCode::EvidenceOutside]);
            assert_eq!(codes("away/b.pdf"), [FindingCode::EvidenceOutside]);
            assert_eq!(codes("alias/a.pdf"), []);
            assert_eq!(codes("alias/sub/c.pdf"), []);
            assert_eq!(codes("docs/missing.pdf"), [FindingCode::EvidenceMissing]);
            assert_eq!(codes("docs/sub"), [FindingCode::EvidenceMissing]);
            assert_eq!(codes("docs/a.pdf/x"), [FindingCode::EvidenceMissing]);
        }
    }

    #[test]
    fn shown_paths_escape_only_invisible_characters() {
        assert_eq!(shown("..\\..\\x 'a'.pdf"), "..\\..\\x 'a'.pdf");
        assert_eq!(shown("a\0b\u{202e}c"), "a\\0b\\u{202e}c");
    }
}
