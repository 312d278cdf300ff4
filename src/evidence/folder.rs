//! The submission's folder as the evidence checks look into it: a path is walked one name at
//! a time from the folder, never through a symlink, and the file at its end is judged on what
//! was opened, so the file hashed is the file judged.
//!
//! On Unix the folder is opened once per submission and every name is opened relative to the
//! handle of the folder above it (`openat` with `O_NOFOLLOW`); the folders on the way stay open
//! for the submission (up to 16), so the files of one folder cost one open of the
//! folder. A file is opened with `O_NOFOLLOW | O_NONBLOCK` and judged
//! on the handle (`fstat`: a regular file, its size, its device and inode): a FIFO never
//! blocks, and a file or folder swapped for a symlink after the look is never followed, since
//! there is no look apart from the open. When no digest is wanted the file is not opened at
//! all (`fstatat` without following it). Elsewhere the walk uses paths (`lstat` per name, then
//! `open`), as before, with no such guarantee.

use std::fs::File;

/// What a walk that follows no symlink found at a path.
#[derive(Debug)]
pub(super) enum Found<Id = FileId> {
    /// Nothing there, or something other than a regular file.
    Missing,
    /// A symlink on the way or at the end (or a name that could not be looked at): whether
    /// the path stays inside is decided by resolving it, and the resolved path is walked.
    Winding,
    /// A regular file that could not be opened.
    Unreadable,
    /// A regular file: which file it is, its size, and the open file when one was asked for.
    File {
        id: Id,
        len: u64,
        file: Option<File>,
    },
}

#[cfg(unix)]
pub(super) use unix::{FileId, Folder};

#[cfg(not(unix))]
pub(super) use portable::{FileId, Folder};

#[cfg(unix)]
mod unix {
    use std::cell::{OnceCell, RefCell};
    use std::collections::HashMap;
    use std::fs::File;
    use std::os::fd::OwnedFd;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::MetadataExt;
    use std::path::{Path, PathBuf};
    use std::rc::Rc;

    use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags, Stat, fstat, openat, statat};
    use rustix::io::Errno;

    use super::Found;
    use crate::evidence::race::{self, Stage};

    /// Folders kept open per submission beyond the submission's own (evidence usually sits
    /// in one or two); the rest are opened for each file, so a submission naming thousands
    /// of folders never holds thousands of descriptors.
    pub(super) const KEPT: usize = 16;

    /// A file's device and inode.
    pub(in crate::internals::evidence) type FileId = (u64, u64);

    /// A folder on the way: opened only to look further (`O_PATH` where there is one).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const FOLDER: OFlags = OFlags::PATH.union(OFlags::DIRECTORY).union(OFlags::CLOEXEC);
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    const FOLDER: OFlags = OFlags::RDONLY
        .union(OFlags::DIRECTORY)
        .union(OFlags::CLOEXEC);

    /// A file to hash: not through a symlink, never waiting for a writer (FIFO), never
    /// becoming the controlling terminal.
    const FILE: OFlags = OFlags::RDONLY
        .union(OFlags::NOFOLLOW)
        .union(OFlags::NONBLOCK)
        .union(OFlags::NOCTTY)
        .union(OFlags::CLOEXEC);

    /// The submission's folder and the folders below it opened so far.
    #[derive(Debug)]
    pub(in crate::internals::evidence) struct Folder {
        dir: PathBuf,
        /// Opened on the first look (`None` inside: it cannot be opened).
        root: OnceCell<Option<Rc<OwnedFd>>>,
        /// By relative path (names joined by `/`).
        kept: RefCell<HashMap<Vec<u8>, Rc<OwnedFd>, foldhash::fast::RandomState>>,
    }

    /// Device and inode.
    // The fields' integer types differ between platforms (`as` is a no-op on some).
    #[allow(clippy::unnecessary_cast)]
    fn id_of(stat: &Stat) -> FileId {
        (stat.st_dev as u64, stat.st_ino as u64)
    }

    /// Device, inode and size of a regular file; `None` for anything else.
    fn regular(stat: &Stat) -> Option<(FileId, u64)> {
        (FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile)
            .then(|| (id_of(stat), u64::try_from(stat.st_size).unwrap_or(0)))
    }

    /// A name the walk may open: `.` and `..` never come from a key, and are refused if they
    /// ever did (`..` would climb out of the folder).
    fn is_name(name: &[u8]) -> bool {
        !matches!(name, b"" | b"." | b"..")
    }

    impl Folder {
        /// The folder at `dir` (followed if it is a symlink: it is the folder as named).
        pub(in crate::internals::evidence) fn new(dir: &Path) -> Folder {
            Folder {
                dir: dir.to_path_buf(),
                root: OnceCell::new(),
                kept: RefCell::default(),
            }
        }

        fn root(&self) -> Option<Rc<OwnedFd>> {
            self.root
                .get_or_init(|| {
                    openat(CWD, &self.dir, FOLDER, Mode::empty())
                        .ok()
                        .map(Rc::new)
                })
                .clone()
        }

        /// Whether `canonical` (the folder's resolved path) is the folder the walks start
        /// from, so a path resolved against it is walked in the same folder.
        pub(in crate::internals::evidence) fn is_at(&self, canonical: &Path) -> bool {
            let (Some(root), Ok(named)) = (self.root(), std::fs::metadata(canonical)) else {
                return false;
            };
            fstat(&*root)
                .ok()
                .is_some_and(|stat| id_of(&stat) == (named.dev(), named.ino()))
        }

        /// The folder at `parent` (names joined by `/`, none empty, `.` or `..`; empty =
        /// the submission's folder), reached from the deepest folder already open.
        fn folder(&self, parent: &[u8]) -> Result<Rc<OwnedFd>, Found<FileId>> {
            let Some(mut at) = self.root() else {
                return Err(Found::Missing);
            };
            if parent.is_empty() {
                return Ok(at);
            }
            let mut start = 0;
            {
                let kept = self.kept.borrow();
                let mut end = parent.len();
                loop {
                    if let Some(folder) = kept.get(&parent[..end]) {
                        at = folder.clone();
                        start = end + 1;
                        break;
                    }
                    match parent[..end].iter().rposition(|&b| b == b'/') {
                        Some(slash) => end = slash,
                        None => break,
                    }
                }
            }
            if start > parent.len() {
                return Ok(at);
            }
            for name in parent[start..].split(|&b| b == b'/') {
                let end = start + name.len();
                if !is_name(name) {
                    return Err(Found::Missing);
                }
                let folder = match openat(&*at, name, FOLDER.union(OFlags::NOFOLLOW), Mode::empty())
                {
                    Ok(fd) => Rc::new(fd),
                    Err(Errno::NOENT) => return Err(Found::Missing),
                    // A symlink (ELOOP, or ENOTDIR with O_PATH), a file, no permission.
                    Err(_) => return Err(Found::Winding),
                };
                let mut kept = self.kept.borrow_mut();
                if kept.len() < KEPT {
                    kept.insert(parent[..end].to_vec(), folder.clone());
                }
                at = folder;
                start = end + 1;
            }
            Ok(at)
        }

        /// Looks at `rel` (names joined by `/`, none empty, `.` or `..`) without following
        /// any symlink; `open`: open the file (for its digest) and judge it on the handle.
        pub(in crate::internals::evidence) fn find(&self, rel: &Path, open: bool) -> Found<FileId> {
            let rel = rel.as_os_str().as_bytes();
            let (parent, name) = match rel.iter().rposition(|&b| b == b'/') {
                Some(slash) => (&rel[..slash], &rel[slash + 1..]),
                None => (&rel[..0], rel),
            };
            if !is_name(name) {
                return Found::Missing;
            }
            let at = match self.folder(parent) {
                Ok(at) => at,
                Err(found) => return found,
            };
            race::at(Stage::BeforeOpen);
            if open {
                match openat(&*at, name, FILE, Mode::empty()) {
                    Ok(fd) => {
                        let file = File::from(fd);
                        return match fstat(&file) {
                            Ok(stat) => match regular(&stat) {
                                Some((id, len)) => Found::File {
                                    id,
                                    len,
                                    file: Some(file),
                                },
                                None => Found::Missing,
                            },
                            Err(_) => Found::Unreadable,
                        };
                    }
                    Err(Errno::NOENT) => return Found::Missing,
                    // A symlink (ELOOP), a socket (ENXIO), no permission: look without opening.
                    Err(_) => {}
                }
            }
            match statat(&*at, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) if FileType::from_raw_mode(stat.st_mode) == FileType::Symlink => {
                    Found::Winding
                }
                Ok(stat) => match regular(&stat) {
                    Some(_) if open => Found::Unreadable,
                    Some((id, len)) => Found::File {
                        id,
                        len,
                        file: None,
                    },
                    None => Found::Missing,
                },
                Err(Errno::NOENT) => Found::Missing,
                Err(_) => Found::Winding,
            }
        }
    }
}

/// By path, for systems without `openat`: each name looked at with `lstat`, then the file
/// opened by path (a swap between the two is not noticed). Compiled in tests on Unix too,
/// where it is checked against the handle walk.
#[cfg(any(not(unix), test))]
mod portable {
    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::fs::{self, File};
    use std::io::ErrorKind;
    use std::path::{Component, Path, PathBuf};
    use std::rc::Rc;

    use super::Found;
    use crate::evidence::race::{self, Stage};

    /// The file's path (as walked, no symlink on it).
    pub(in crate::internals::evidence) type FileId = Rc<Path>;

    /// The submission's folder and the folders below it known to be plain folders.
    #[derive(Debug)]
    pub(in crate::internals::evidence) struct Folder {
        dir: PathBuf,
        plain: RefCell<HashSet<PathBuf, foldhash::fast::RandomState>>,
    }

    impl Folder {
        pub(in crate::internals::evidence) fn new(dir: &Path) -> Folder {
            Folder {
                dir: dir.to_path_buf(),
                plain: RefCell::default(),
            }
        }

        /// Always: paths are resolved against the folder as named.
        #[cfg_attr(unix, allow(dead_code))]
        pub(in crate::internals::evidence) fn is_at(&self, _canonical: &Path) -> bool {
            true
        }

        /// As the Unix `find`, by path.
        pub(in crate::internals::evidence) fn find(&self, rel: &Path, open: bool) -> Found<FileId> {
            let mut path = self.dir.clone();
            let mut so_far = PathBuf::new();
            let count = rel.components().count();
            for (i, component) in rel.components().enumerate() {
                let Component::Normal(name) = component else {
                    return Found::Missing;
                };
                path.push(name);
                so_far.push(name);
                let last = i + 1 == count;
                if !last && self.plain.borrow().contains(&so_far) {
                    continue;
                }
                if last {
                    race::at(Stage::BeforeOpen);
                }
                match fs::symlink_metadata(&path) {
                    Ok(meta) if meta.file_type().is_symlink() => return Found::Winding,
                    Ok(meta) if last => {
                        if !meta.is_file() {
                            return Found::Missing;
                        }
                        let id: FileId = Rc::from(path.as_path());
                        if !open {
                            return Found::File {
                                id,
                                len: meta.len(),
                                file: None,
                            };
                        }
                        return match File::open(&path).and_then(|f| Ok((f.metadata()?, f))) {
                            Ok((meta, file)) if meta.is_file() => Found::File {
                                id,
                                len: meta.len(),
                                file: Some(file),
                            },
                            Ok(_) => Found::Missing,
                            Err(_) => Found::Unreadable,
                        };
                    }
                    Ok(meta) if meta.is_dir() => {
                        self.plain.borrow_mut().insert(so_far.clone());
                    }
                    // A file on the way: the long way decides.
                    Ok(_) => return Found::Winding,
                    Err(e) if e.kind() == ErrorKind::NotFound => return Found::Missing,
                    Err(_) => return Found::Winding,
                }
            }
            Found::Missing
        }
    }
}

/// Opens nothing it is not asked to: checked against the path walk, which it replaces.
#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::fs;
    use std::os::unix::fs::symlink;
    use std::path::Path;

    use super::*;

    fn shape<Id>(found: Found<Id>) -> String {
        match found {
            Found::Missing => "missing".into(),
            Found::Winding => "winding".into(),
            Found::Unreadable => "unreadable".into(),
            Found::File { len, file, .. } => format!("file {len} {}", file.is_some()),
        }
    }

    #[test]
    fn handles_and_paths_find_the_same() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("sub");
        fs::create_dir_all(dir.join("a/b/c")).unwrap();
        fs::write(dir.join("top.pdf"), b"1").unwrap();
        fs::write(dir.join("a/b/c/deep.pdf"), b"22").unwrap();
        fs::write(dir.join("a/file"), b"333").unwrap();
        symlink("a", dir.join("link")).unwrap();
        symlink("top.pdf", dir.join("a/top-link.pdf")).unwrap();
        symlink("nowhere", dir.join("dangling")).unwrap();
        let paths = [
            "top.pdf",
            "a/b/c/deep.pdf",
            "a/b/c/missing.pdf",
            "a/b/c",
            "a/file",
            "a/file/x",
            "link/file",
            "a/top-link.pdf",
            "dangling",
            "dangling/x",
            "nowhere/x",
            "a/b/../file",
            "",
        ];
        for open in [false, true] {
            let handles = unix::Folder::new(&dir);
            let by_path = portable::Folder::new(&dir);
            // Twice: the second time from the folders kept open.
            for _ in 0..2 {
                for path in paths {
                    let h = shape(handles.find(Path::new(path), open));
                    let p = shape(by_path.find(Path::new(path), open));
                    // `..` never comes from a key; both refuse it.
                    assert_eq!(h, p, "{path} (open: {open})");
                }
            }
        }
    }

    #[test]
    fn folders_kept_open_are_bounded() {
        let tmp = tempfile::tempdir().unwrap();
        for i in 0..unix::KEPT + 5 {
            let d = tmp.path().join(format!("d{i}"));
            fs::create_dir(&d).unwrap();
            fs::write(d.join("x.pdf"), b"x").unwrap();
        }
        let folder = unix::Folder::new(tmp.path());
        for round in 0..2 {
            for i in 0..unix::KEPT + 5 {
                let found = folder.find(Path::new(&format!("d{i}/x.pdf")), true);
                assert_eq!(shape(found), "file 1 true", "d{i} (round {round})");
            }
        }
    }
}
