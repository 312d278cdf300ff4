//! Finding the submissions of a batch: the input files and directories walked recursively,
//! sorted, each file once whatever path reaches it. What cannot be an input — a FIFO or
//! device named like a submission, a directory that cannot be read or nests too deep, a
//! symbolic link leaving the input tree — becomes an [`Input::Refused`] with a coded
//! diagnostic, so that it ends as one `errors.jsonl` line and the batch goes on. Nothing
//! refused is opened, so nothing blocks and no content outside the tree is echoed.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{BatchError, digest128};
use crate::diagnostic::{Code, Diagnostic, msg};

/// How deep below an input directory the walk goes.
pub const MAX_WALK_DEPTH: usize = 32;

/// One input of a batch.
#[derive(Debug)]
pub enum Input {
    /// A regular file to assess.
    File(Box<Path>),
    /// Something that is not assessed, and why (one `errors.jsonl` line).
    Refused(Box<(PathBuf, Diagnostic)>),
}

impl Input {
    /// The path the input was found at.
    pub fn path(&self) -> &Path {
        match self {
            Input::File(p) => p,
            Input::Refused(r) => &r.0,
        }
    }
}

/// How symbolic links met during the walk are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Symlinks {
    /// Followed when they stay inside the input tree; a link leaving it is refused.
    #[default]
    Inside,
    /// Followed wherever they lead (`--follow-symlinks`: shared drives), cycles excepted.
    Follow,
}

/// Finds the submission files under `inputs`, sorted, skipping `exclude` (the output
/// directory, the waivers file), hidden directories and `evidence` directories. Files named
/// as inputs are taken as they are (links followed); what is found by walking follows
/// `symlinks`.
pub fn discover(
    inputs: &[PathBuf],
    exclude: &[PathBuf],
    symlinks: Symlinks,
) -> Result<Vec<Input>, BatchError> {
    let excluded: Vec<u128> = exclude.iter().filter_map(|p| file_identity(p)).collect();
    // Each input with its identity, read once. Paths are kept at their exact size (a joined
    // path has up to twice the capacity it needs): 10⁵ of them are most of a batch's memory.
    let mut found: Vec<(Input, u128)> = Vec::new();
    for input in inputs {
        let meta = fs::metadata(input).map_err(|source| BatchError::Read {
            path: input.clone(),
            source,
        })?;
        if meta.is_dir() {
            // Walking would skip the whole input silently: refuse instead.
            if file_identity(input).is_some_and(|c| excluded.contains(&c)) {
                return Err(BatchError::Read {
                    path: input.clone(),
                    source: io::Error::other(
                        "it is also the output directory (--out); nothing in it would be assessed",
                    ),
                });
            }
            let root = fs::canonicalize(input).unwrap_or_else(|_| input.clone());
            let mut walk = Walk {
                root: &root,
                excluded: &excluded,
                symlinks,
                found: &mut found,
                dirs: HashSet::new(),
            };
            walk.dir(input, 0);
        } else if meta.is_file() {
            found.push((
                Input::File(input.clone().into_boxed_path()),
                identity_or_path(input),
            ));
        } else {
            found.push((
                refused(input, not_regular(input)),
                digest128(input.as_os_str().as_encoded_bytes()),
            ));
        }
    }
    found.sort_by(|a, b| a.0.path().cmp(b.0.path()));
    found.dedup_by(|a, b| a.0.path() == b.0.path());
    // One file reached through two spellings (`in` and `./in`, overlapping inputs, a
    // symlinked folder, a link) is one input: it must not end as a result and a duplicate
    // too. Identities are 16 bytes, so this set stays small for 100 000 files.
    let mut seen = HashSet::new();
    found.retain(|(_, id)| seen.insert(*id));
    Ok(found.into_iter().map(|(input, _)| input).collect())
}

fn refused(path: &Path, diagnostic: Diagnostic) -> Input {
    Input::Refused(Box::new((path.to_path_buf(), diagnostic)))
}

fn not_regular(path: &Path) -> Diagnostic {
    Diagnostic::error(Code::NotAFile, path, msg("walked"))
}

/// The recursive walk of one input directory.
struct Walk<'a> {
    /// The input directory, canonical: links must stay below it unless followed anyway.
    root: &'a Path,
    excluded: &'a [u128],
    symlinks: Symlinks,
    found: &'a mut Vec<(Input, u128)>,
    /// Directories entered (identities), so that followed links cannot loop.
    dirs: HashSet<u128>,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path, depth: usize) {
        let id = file_identity(dir);
        if id.is_some_and(|c| self.excluded.contains(&c)) {
            return;
        }
        if let Some(id) = id
            && !self.dirs.insert(id)
        {
            return; // reached again through a link: already walked
        }
        if depth > MAX_WALK_DEPTH {
            let d = Diagnostic::error(Code::WalkLimit, dir, msg("").arg("depth", MAX_WALK_DEPTH));
            self.refuse(dir, d);
            return;
        }
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.refuse(dir, unreadable(dir, &e));
                return;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    self.refuse(dir, unreadable(dir, &e));
                    return;
                }
            };
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_symlink() {
                self.link(&path, &name, depth);
            } else if kind.is_dir() {
                if name != "evidence" {
                    self.dir(&path, depth + 1);
                }
            } else if is_submission_name(&path) {
                if kind.is_file() {
                    self.file(path);
                } else {
                    self.refuse(&path, not_regular(&path));
                }
            }
        }
    }

    fn file(&mut self, path: PathBuf) {
        let id = identity_or_path(&path);
        if !self.excluded.contains(&id) {
            self.found.push((Input::File(path.into_boxed_path()), id));
        }
    }

    fn refuse(&mut self, path: &Path, d: Diagnostic) {
        let id = digest128(path.as_os_str().as_encoded_bytes());
        self.found.push((refused(path, d), id));
    }

    /// A symbolic link found by walking: followed when it stays in the tree (or when asked
    /// to follow every link); refused when it leads out of it and would have been an input.
    fn link(&mut self, path: &Path, name: &str, depth: usize) {
        let target = fs::canonicalize(path);
        let meta = fs::metadata(path);
        let is_dir = meta.as_ref().is_ok_and(fs::Metadata::is_dir);
        if is_dir && name == "evidence" {
            return;
        }
        if !is_dir && !is_submission_name(path) {
            return;
        }
        let inside = target.as_ref().is_ok_and(|t| t.starts_with(self.root));
        if !inside && self.symlinks == Symlinks::Inside {
            let d = Diagnostic::error(Code::SymlinkOutside, path, msg(""));
            self.refuse(path, d);
            return;
        }
        match meta {
            Ok(m) if m.is_dir() => self.dir(path, depth + 1),
            Ok(m) if m.is_file() => self.file(path.to_path_buf()),
            Ok(_) => self.refuse(path, not_regular(path)),
            // A dangling link named like a submission: reported when opened.
            Err(_) => self.file(path.to_path_buf()),
        }
    }
}

fn unreadable(dir: &Path, e: &io::Error) -> Diagnostic {
    Diagnostic::error(
        Code::Io,
        dir,
        msg("directory-unreadable").text(
            "reason",
            e.to_string(),
            crate::diagnostic::messages::io_reason_zh(e),
        ),
    )
}

/// [`file_identity`], or a digest of the path itself for a file that cannot be read (it is
/// reported when opened).
fn identity_or_path(path: &Path) -> u128 {
    file_identity(path).unwrap_or_else(|| digest128(path.as_os_str().as_encoded_bytes()))
}

/// The identity of a file, whatever path reaches it: device and inode on Unix, a digest
/// of the canonical path elsewhere; `None` when it cannot be read.
pub(super) fn file_identity(path: &Path) -> Option<u128> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = fs::metadata(path).ok()?;
        Some((u128::from(meta.dev()) << 64) | u128::from(meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let canonical = fs::canonicalize(path).ok()?;
        Some(digest128(canonical.as_os_str().as_encoded_bytes()))
    }
}

fn is_submission_name(path: &Path) -> bool {
    // `~$form.xlsx` is the lock file Excel and WPS keep beside a workbook they have open.
    let lock = path
        .file_name()
        .is_some_and(|n| n.as_encoded_bytes().starts_with(b"~$"));
    !lock
        && path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "yaml" | "yml" | "json" | "xlsx"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(found: &[Input]) -> Vec<PathBuf> {
        found
            .iter()
            .filter_map(|i| match i {
                Input::File(p) => Some(p.to_path_buf()),
                Input::Refused(_) => None,
            })
            .collect()
    }

    #[cfg(unix)]
    #[test]
    fn a_file_reached_through_links_is_one_input() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.yaml");
        fs::write(&a, "id: a\n").unwrap();
        fs::hard_link(&a, dir.path().join("b.yaml")).unwrap();
        std::os::unix::fs::symlink(&a, dir.path().join("c.yaml")).unwrap();
        fs::write(dir.path().join("d.yaml"), "id: d\n").unwrap();
        let found = discover(
            &[dir.path().to_path_buf(), a.clone()],
            &[],
            Symlinks::Inside,
        )
        .unwrap();
        assert_eq!(files(&found), [a, dir.path().join("d.yaml")]);
    }
}
