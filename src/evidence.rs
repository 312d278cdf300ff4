//! Evidence items (SPEC §4.2): containment in the submission's directory (through `..` and
//! symlinks), existence, sha256 and the date rules. Every item is checked against every rule
//! it can be checked against and reports every rule it fails.

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use sha2::{Digest, Sha256};

use crate::catalog::EvidenceRule;
use crate::date::Date;
use crate::finding::{Finding, FindingCode};
use crate::params;
use crate::submission::EvidenceItem;

/// Where evidence paths are resolved and whether files are looked at.
///
/// One root serves one submission; it remembers what it found for each path, so a file cited
/// by several answers is resolved and hashed once.
#[derive(Debug)]
pub struct EvidenceRoot {
    dir: PathBuf,
    /// Canonical directory, resolved only when a symlink on the way to a file needs it
    /// (`None` inside when it cannot be resolved).
    canonical: OnceCell<Option<PathBuf>>,
    check_files: bool,
    /// By relative path (as [`lexical_key`] writes it).
    seen: RefCell<HashMap<String, Looked, foldhash::fast::RandomState>>,
    /// Relative directories found to be plain directories (not symlinks) on the way to a
    /// file, so the files of one folder cost one look at the folder.
    plain_dirs: RefCell<HashSet<String, foldhash::fast::RandomState>>,
}

/// What was found for one relative path (cheap to clone).
#[derive(Debug, Clone)]
enum Looked {
    Outside,
    Missing,
    /// A regular file, its size when looked at and, once computed, its sha256 (`None`
    /// inside: unreadable).
    File(Rc<Path>, u64, Option<Option<Rc<str>>>),
}

impl EvidenceRoot {
    /// The root for a submission directory; `check_files = false` is `--no-evidence-files`.
    pub fn new(dir: &Path, check_files: bool) -> EvidenceRoot {
        EvidenceRoot {
            dir: dir.to_path_buf(),
            canonical: OnceCell::new(),
            check_files,
            seen: RefCell::default(),
            plain_dirs: RefCell::default(),
        }
    }

    fn canonical(&self) -> Option<&Path> {
        self.canonical
            .get_or_init(|| fs::canonicalize(&self.dir).ok())
            .as_deref()
    }

    fn look(&self, rel: &str) -> Looked {
        if let Some(found) = self.seen.borrow().get(rel) {
            return found.clone();
        }
        let found = match locate(self, rel) {
            Place::Outside => Looked::Outside,
            Place::Missing => Looked::Missing,
            Place::File(real, len) => Looked::File(real.into(), len, None),
        };
        self.seen.borrow_mut().insert(rel.to_owned(), found.clone());
        found
    }

    /// The sha256 of the file found at `rel` (looked up first), computed once.
    fn hash(&self, rel: &str, real: &Rc<Path>, len: u64) -> Option<Rc<str>> {
        if let Some(Looked::File(_, _, Some(hash))) = self.seen.borrow().get(rel) {
            return hash.clone();
        }
        let hash: Option<Rc<str>> = sha256_of(real, len).map(Rc::from);
        // `look` remembered the file under `rel`: the digest joins it there.
        if let Some(Looked::File(_, _, known)) = self.seen.borrow_mut().get_mut(rel) {
            *known = Some(hash.clone());
        }
        hash
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

enum Place {
    Outside,
    Missing,
    /// Where the file really is, and its size.
    File(PathBuf, u64),
}

fn inside(canonical_root: &Path, real: &Path) -> bool {
    real.starts_with(canonical_root)
}

/// Resolves symlinks: where the relative path (a [`lexical_key`]) really is.
fn locate(root: &EvidenceRoot, rel_key: &str) -> Place {
    if !root.check_files {
        return Place::Missing;
    }
    // Common case first: no component below the directory is a symlink, so the file is where
    // it is written, inside the directory wherever that really is (one lstat per component
    // not yet known to be a plain directory; the directory itself is not resolved).
    let mut plain = root.dir.clone();
    let mut start = 0;
    for name in rel_key.split('/') {
        // `so_far`: the key up to and including this name.
        let end = start + name.len();
        let so_far = &rel_key[..end];
        let last = end == rel_key.len();
        start = end + 1;
        plain.push(name);
        if !last && root.plain_dirs.borrow().contains(so_far) {
            continue;
        }
        match fs::symlink_metadata(&plain) {
            Ok(meta) if meta.file_type().is_symlink() => break,
            Ok(meta) if last => {
                return if meta.is_file() {
                    Place::File(plain, meta.len())
                } else {
                    Place::Missing
                };
            }
            Ok(meta) if meta.is_dir() => {
                root.plain_dirs.borrow_mut().insert(so_far.to_owned());
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let Some(canonical_root) = root.canonical() else {
        return Place::Missing;
    };
    let rel = Path::new(rel_key);
    let full = root.dir.join(rel);
    if let Ok(real) = fs::canonicalize(&full) {
        if !inside(canonical_root, &real) {
            return Place::Outside;
        }
        return match fs::metadata(&real) {
            Ok(meta) if meta.is_file() => Place::File(real, meta.len()),
            _ => Place::Missing,
        };
    }
    // Something on the way does not resolve: find out whether a prefix (or a dangling
    // symlink) already points outside before calling it missing.
    let mut prefix = root.dir.clone();
    let mut lexical = PathBuf::new();
    for component in rel.components() {
        let Component::Normal(name) = component else {
            continue;
        };
        prefix.push(name);
        lexical.push(name);
        match fs::canonicalize(&prefix) {
            Ok(real) if !inside(canonical_root, &real) => return Place::Outside,
            Ok(_) => {}
            Err(_) => {
                if let Ok(target) = fs::read_link(&prefix) {
                    let parent = lexical.parent().unwrap_or(Path::new(""));
                    let joined = parent.join(&target);
                    if target.is_absolute() || lexical_relative(&joined.to_string_lossy()).is_none()
                    {
                        return Place::Outside;
                    }
                }
                return Place::Missing;
            }
        }
    }
    Place::Missing
}

/// The sha256 of the file as it was looked at: its first `len` bytes, or fewer if it has
/// shrunk since. (Reading stops there rather than asking once more for the end of file.)
fn sha256_of(path: &Path, len: u64) -> Option<String> {
    let mut file = fs::File::open(path).ok()?;
    let mut hasher = Sha256::new();
    // Evidence files are often small: a buffer of the file's size, not a zeroed 16 KiB.
    let mut buf = vec![0u8; usize::try_from(len).map_or(16 * 1024, |n| n.clamp(1, 16 * 1024))];
    let mut read = 0u64;
    while read < len {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        let n = n.min(usize::try_from(len - read).unwrap_or(usize::MAX));
        hasher.update(&buf[..n]);
        read += n as u64;
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
        Some(Some(rel)) => match root.look(&rel) {
            Looked::Outside => findings.push(Finding::new(
                FindingCode::EvidenceOutside,
                params! {"path" => shown(), "through_symlink" => true},
            )),
            Looked::Missing => findings.push(Finding::new(
                FindingCode::EvidenceMissing,
                params! {"path" => shown()},
            )),
            Looked::File(real, len, _) => {
                if let Some(expected) = &item.sha256 {
                    match root.hash(&rel, &real, len) {
                        Some(actual) if actual.eq_ignore_ascii_case(expected) => {}
                        Some(actual) => findings.push(Finding::new(
                            FindingCode::EvidenceHashMismatch,
                            params! {
                                "path" => shown(),
                                "actual" => &*actual,
                                "expected" => expected.to_ascii_lowercase(),
                            },
                        )),
                        None => findings.push(Finding::new(
                            FindingCode::EvidenceMissing,
                            params! {"path" => shown(), "unreadable" => true},
                        )),
                    }
                }
            }
        },
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
