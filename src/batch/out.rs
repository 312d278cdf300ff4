//! The output directory of a batch (`--out`): what may be written into it and how a re-run
//! clears the previous run.
//!
//! A batch writes only into an empty directory or into one that an earlier batch wrote,
//! which it recognises by its journal, `.itss-batch`: a list of every file that run placed,
//! one relative path a line, appended (and flushed) as each file is renamed into place, so
//! that it is complete up to the last file even when the run was killed. A re-run removes
//! exactly the files listed there and the tool's own temporaries (`.itss-<random>.tmp`) —
//! nothing else — before it writes. `results/` and `reports/` must be real directories: a
//! symbolic link there would take the files out of `--out`.

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::{Component, Path, PathBuf};

use super::BatchError;
use crate::output;

/// The journal's file name in the output directory.
pub const JOURNAL: &str = ".itss-batch";
/// Its first line.
const HEADER: &str = "itss batch journal 1";

/// The journal of the run in progress.
#[derive(Debug)]
pub(super) struct Journal {
    path: PathBuf,
    file: fs::File,
}

impl Journal {
    /// Records one file placed in the output directory (`dir/name`, relative).
    pub(super) fn record(&mut self, relative: &str) -> Result<(), BatchError> {
        // One write a file, unbuffered: a killed run's journal lists every file it placed.
        let mut line = String::with_capacity(relative.len() + 1);
        line.push_str(relative);
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .map_err(|source| BatchError::Write {
                path: self.path.clone(),
                source,
            })
    }
}

/// Makes `out` ready for a run writing into `folders`: creates it, or clears the previous
/// run's files from it, or refuses it. Returns the new run's journal.
pub(super) fn prepare(out: &Path, folders: &[&str]) -> Result<Journal, BatchError> {
    let refuse = |reason: &str, zh: &str| BatchError::OutDir {
        path: out.to_path_buf(),
        reason: reason.to_owned(),
        reason_zh: zh.to_owned(),
    };
    match fs::metadata(out) {
        Ok(meta) if !meta.is_dir() => return Err(refuse("it is not a directory", "它不是目录")),
        Ok(_) => {
            let journal = out.join(JOURNAL);
            if fs::symlink_metadata(&journal).is_ok_and(|m| m.is_file()) {
                clear(out, &journal)?;
            } else if fs::read_dir(out)
                .map_err(|source| BatchError::Write {
                    path: out.to_path_buf(),
                    source,
                })?
                .next()
                .is_some()
            {
                return Err(refuse(
                    "it is not empty and holds no earlier `itss batch` output; give an empty or new directory",
                    "该目录非空，且不是此前 itss batch 的输出目录；请指定一个空目录或新目录",
                ));
            }
        }
        Err(_) => fs::create_dir_all(out).map_err(|source| BatchError::Write {
            path: out.to_path_buf(),
            source,
        })?,
    }
    for folder in folders {
        let dir = out.join(folder);
        match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(refuse(
                    &format!(
                        "`{folder}` in it is a symbolic link; results are only written into real directories inside --out"
                    ),
                    &format!("其中的 {folder} 是符号链接；结果只写入 --out 内的真实目录"),
                ));
            }
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(refuse(
                    &format!("`{folder}` in it is not a directory"),
                    &format!("其中的 {folder} 不是目录"),
                ));
            }
            Err(_) => fs::create_dir(&dir).map_err(|source| BatchError::Write {
                path: dir.clone(),
                source,
            })?,
        }
    }
    let path = out.join(JOURNAL);
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| writeln!(f, "{HEADER}").map(|()| f))
        .map_err(|source| BatchError::Write {
            path: path.clone(),
            source,
        })?;
    file.flush().map_err(|source| BatchError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(Journal { path, file })
}

/// Removes the files an earlier run recorded in `journal`, its temporaries, and the journal.
fn clear(out: &Path, journal: &Path) -> Result<(), BatchError> {
    let file = fs::File::open(journal).map_err(|source| BatchError::Read {
        path: journal.to_path_buf(),
        source,
    })?;
    let mut lines = io::BufReader::new(file).lines();
    if !matches!(lines.next(), Some(Ok(ref first)) if first == HEADER) {
        return Err(BatchError::OutDir {
            path: out.to_path_buf(),
            reason: format!("its `{JOURNAL}` is not an itss batch journal"),
            reason_zh: format!("其中的 {JOURNAL} 不是 itss batch 的记录文件"),
        });
    }
    for line in lines {
        let Ok(line) = line else { break };
        let Some(relative) = contained(&line) else {
            continue; // never a path leaving --out
        };
        let path = out.join(relative);
        // A file the run wrote: a regular file, not a link someone put in its place.
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            let _ = fs::remove_file(&path);
        }
    }
    remove_temporaries(out);
    fs::remove_file(journal).map_err(|source| BatchError::Write {
        path: journal.to_path_buf(),
        source,
    })
}

/// A journal line as a relative path inside the directory: plain names only.
fn contained(line: &str) -> Option<PathBuf> {
    let path = Path::new(line);
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(name) => out.push(name),
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// Removes this tool's temporaries (`.itss-<random>.tmp`) from `out` and its folders; other
/// hidden files are left alone.
pub(super) fn remove_temporaries(out: &Path) {
    for dir in [out.to_path_buf(), out.join("results"), out.join("reports")] {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if output::is_temporary(&name.to_string_lossy())
                && entry.file_type().is_ok_and(|t| t.is_file())
            {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_cleared() {
        assert_eq!(
            contained("results/a.json"),
            Some(PathBuf::from("results/a.json"))
        );
        assert_eq!(contained("../x"), None);
        assert_eq!(contained("/etc/passwd"), None);
        assert_eq!(contained("results/../../x"), None);
        assert_eq!(contained(""), None);
    }
}
