//! Writing output files atomically: a temporary file in the same directory, flushed, then
//! renamed over the target, so an interrupted run never leaves a half-written file.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically and durably (flushed to disk before the rename),
/// creating parent directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write(path, bytes, true)
}

/// Writes `bytes` to `path` atomically without waiting for the disk: a killed process never
/// leaves a partial file, which is what a batch of thousands of files needs.
pub fn write_atomic_unsynced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write(path, bytes, false)
}

fn write(path: &Path, bytes: &[u8], sync: bool) -> io::Result<()> {
    let _span =
        tracing::debug_span!("write", path = %path.display(), bytes = bytes.len()).entered();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = temporary(dir, &name, bytes, sync)?;
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// Writes `bytes` to a new hidden temporary file (`.itss-<random>.tmp`) in the existing
/// directory `dir` and returns its path: the caller renames it into place or removes it.
/// Nothing is left behind when writing fails.
pub fn write_temporary(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<std::path::PathBuf> {
    temporary(dir, name, bytes, false)
}

/// [`write_temporary`], flushed to disk first when `sync`.
fn temporary(dir: &Path, name: &str, bytes: &[u8], sync: bool) -> io::Result<std::path::PathBuf> {
    let (path, mut file) = tempfile_in(dir, name)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| if sync { file.sync_all() } else { Ok(()) });
    drop(file);
    match written {
        Ok(()) => Ok(path),
        Err(e) => {
            let _ = fs::remove_file(&path);
            Err(e)
        }
    }
}

/// The prefix of every temporary file `itss` makes: the only hidden files it ever removes
/// (a killed run's leftovers) start with it.
pub const TEMPORARY_PREFIX: &str = ".itss-";
/// The suffix of every temporary file `itss` makes.
pub const TEMPORARY_SUFFIX: &str = ".tmp";

/// Whether a file name is one of this tool's temporaries (`.itss-<random>.tmp`).
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(TEMPORARY_PREFIX) && name.ends_with(TEMPORARY_SUFFIX)
}

/// A new temporary file in `dir` (`.itss-<random>.tmp`), created exclusively by `tempfile`
/// (never following a link there), with the permissions `File::create` would give. Its
/// name is short whatever the target's, so a target name at the file system's length limit
/// can still be written.
pub fn tempfile_in(dir: &Path, _name: &str) -> io::Result<(std::path::PathBuf, fs::File)> {
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(TEMPORARY_PREFIX)
        .suffix(TEMPORARY_SUFFIX)
        .rand_bytes(10);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // 0o666 less the umask, as for any file the user creates (tempfile's own is 0o600).
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let (file, path) = builder.tempfile_in(dir)?.keep().map_err(|e| e.error)?;
    Ok((path, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let leftovers: Vec<_> = fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn a_target_name_at_the_length_limit_can_be_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{}.html", "x".repeat(250)));
        write_atomic(&path, b"ok").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"ok");
    }
}
