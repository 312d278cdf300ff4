//! Reading input files: the size limit, UTF-8, a leading BOM, and parsing into a located
//! tree. Every failure becomes a [`Diagnostic`] naming the file.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use crate::diagnostic::messages::{io_reason_en, io_reason_zh, json_reason_zh};
use crate::diagnostic::{Code, Diagnostic, Rejected, msg};
use crate::yaml::{self, Location, Node};

/// Default input size limit (SPEC §10): 16 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// A parsed input file: its path and text. Locations are needed only for diagnostics, so
/// the located tree is rebuilt from the text the first time one is asked for.
#[derive(Debug)]
pub struct SourceDoc {
    /// The path as given.
    pub path: PathBuf,
    /// The text (without a leading BOM).
    pub text: String,
    /// sha256 (lowercase hex) of the file's bytes, BOM included.
    pub sha256: String,
    /// The size budget the text was parsed with; the tree is parsed again within it.
    budget: usize,
    tree: OnceLock<Option<Node>>,
    /// For a workbook (`.xlsx`): the cell behind every value (there is no text then).
    cells: Option<crate::workbook::Cells>,
}

impl SourceDoc {
    /// A workbook submission read from `bytes`: no text, the cells instead of lines.
    pub fn from_workbook(path: &Path, bytes: &[u8], cells: crate::workbook::Cells) -> SourceDoc {
        use sha2::{Digest, Sha256};
        SourceDoc {
            path: path.to_path_buf(),
            text: String::new(),
            sha256: crate::catalog::hex(&Sha256::digest(bytes)),
            budget: 0,
            tree: OnceLock::new(),
            cells: Some(cells),
        }
    }

    /// Attaches the workbook cell behind each diagnostic's pointer (nothing for text files,
    /// whose diagnostics carry line:col).
    pub fn place(&self, diagnostics: &mut [Diagnostic]) {
        if let Some(cells) = &self.cells {
            cells.place(diagnostics);
        }
    }

    /// The cells of a workbook submission.
    pub fn cells(&self) -> Option<&crate::workbook::Cells> {
        self.cells.as_ref()
    }

    /// The located tree (parsed again from the text on first use).
    pub fn tree(&self) -> Option<&Node> {
        if self.cells.is_some() {
            return None;
        }
        self.tree
            .get_or_init(|| yaml::parse(&self.text, self.budget).ok())
            .as_ref()
    }

    /// Where the value at a JSON pointer starts in the file.
    pub fn locate(&self, pointer: &str) -> Location {
        self.tree()
            .map_or_else(Location::default, |t| t.locate(pointer, false))
    }

    /// Where the mapping key `name` under the value at `pointer` is.
    pub fn locate_key(&self, pointer: &str, name: &str) -> Location {
        self.tree()
            .map_or_else(Location::default, |t| t.locate_key(pointer, name))
    }

    /// Where a mapping entry at `pointer` is: at its key.
    pub fn locate_entry(&self, pointer: &str) -> Location {
        self.tree()
            .map_or_else(Location::default, |t| t.locate(pointer, true))
    }
}

/// Reads `path` with the size limit, refusing directories, non-UTF-8 text and oversized files.
pub fn read_text(path: &Path, max_size: u64) -> Result<String, Diagnostic> {
    let bytes = read_bytes(path, max_size)?;
    text_from_bytes(path, bytes)
}

/// Whether a path names a workbook (`.xlsx`, by extension).
pub fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Reads `path`'s bytes with the size limit, refusing directories, FIFOs and oversized files.
pub fn read_bytes(path: &Path, max_size: u64) -> Result<Vec<u8>, Diagnostic> {
    let _span = tracing::debug_span!("read", path = %path.display()).entered();
    let file = open_nonblocking(path)
        .map_err(|e| Diagnostic::error(Code::Io, path, io_reason(msg("open"), &e)))?;
    let meta = file
        .metadata()
        .map_err(|e| Diagnostic::error(Code::Io, path, io_reason(msg(""), &e)))?;
    if meta.is_dir() {
        return Err(Diagnostic::error(Code::Io, path, msg("directory")));
    }
    if !meta.is_file() {
        return Err(Diagnostic::error(Code::NotAFile, path, msg("")));
    }
    if meta.len() > max_size {
        return Err(too_large(path, meta.len(), max_size));
    }
    // Room for one byte more than the file had, so one read takes it all and the next
    // sees its end; reading stops one byte past the limit, so a file that grows while read
    // is still refused.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).map_or(0, |n| n + 1));
    read_up_to(&file, max_size.saturating_add(1), &mut bytes)
        .map_err(|e| Diagnostic::error(Code::Io, path, io_reason(msg(""), &e)))?;
    if bytes.len() as u64 > max_size {
        return Err(too_large(path, bytes.len() as u64, max_size));
    }
    Ok(bytes)
}

/// Opens a file for reading without blocking on a FIFO (no writer) or a device: what is
/// opened is checked to be a regular file before anything is read.
fn open_nonblocking(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    options.open(path)
}

/// Appends what `file` holds to `bytes`, at most `limit` bytes, reading straight into the
/// vector's spare room (growing it only when the file is longer than its capacity).
fn read_up_to(mut file: &fs::File, limit: u64, bytes: &mut Vec<u8>) -> std::io::Result<()> {
    let mut read = 0u64;
    while read < limit {
        if bytes.len() == bytes.capacity() {
            bytes.reserve(8 * 1024);
        }
        let room = (bytes.capacity() - bytes.len())
            .min(usize::try_from(limit - read).unwrap_or(usize::MAX));
        let start = bytes.len();
        bytes.resize(start + room, 0);
        let result = file.read(&mut bytes[start..]);
        bytes.truncate(start + *result.as_ref().unwrap_or(&0));
        match result {
            Ok(0) => break,
            Ok(n) => read += n as u64,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn too_large(path: &Path, size: u64, max: u64) -> Diagnostic {
    Diagnostic::error(
        Code::FileTooLarge,
        path,
        msg("").arg("size", size).arg("max", max),
    )
}

/// Turns bytes into text, refusing invalid UTF-8 with the position of the first bad byte.
pub fn text_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        // A leading BOM stays: [`parse`] removes it after taking the file's digest.
        Ok(text) => Ok(text),
        Err(err) => {
            let bytes = err.as_bytes();
            let valid = err.utf8_error().valid_up_to();
            let before = &bytes[..valid];
            let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count() as u64
                + 1;
            Err(
                Diagnostic::error(Code::NotUtf8, path, msg("").arg("offset", valid))
                    .at(Location { line, column }),
            )
        }
    }
}

/// A message with the operating system's reason, in each language.
fn io_reason(m: crate::diagnostic::Msg, e: &std::io::Error) -> crate::diagnostic::Msg {
    m.text("reason", io_reason_en(e), io_reason_zh(e))
}

/// Whether a path names a JSON file (by extension).
pub fn is_json(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Parses text as YAML (or JSON, for `.json` files: checked with a JSON parser first so
/// that YAML-only syntax is refused) into a located tree.
pub fn parse(path: &Path, mut text: String, max_size: u64) -> Result<(SourceDoc, Value), Rejected> {
    let _span = tracing::debug_span!("parse", path = %path.display(), bytes = text.len()).entered();
    let sha256 = {
        use sha2::{Digest, Sha256};
        crate::catalog::hex(&Sha256::digest(text.as_bytes()))
    };
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    if is_json(path)
        && let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&text)
    {
        let diagnostic = Diagnostic::error(Code::JsonSyntax, path, json_message(&e)).at(Location {
            line: e.line() as u64,
            column: e.column() as u64,
        });
        return Err(Rejected::one(diagnostic, Some(text)));
    }
    let budget = usize::try_from(max_size).unwrap_or(usize::MAX);
    match yaml::parse(&text, budget) {
        Ok(root) => Ok((
            SourceDoc {
                path: path.to_path_buf(),
                text,
                sha256,
                budget,
                tree: OnceLock::new(),
                cells: None,
            },
            root.into_json(),
        )),
        Err(e) => {
            let diagnostic = e.diagnostic(path);
            Err(Rejected::one(diagnostic, Some(text)))
        }
    }
}

/// Parses a JSON document written by a program (a result document) into a value without the
/// YAML reader's node limit: such a file may be many times larger than a submission. The
/// located tree, for diagnostics, is built only when one is asked for.
pub fn parse_json(
    path: &Path,
    mut text: String,
    max_size: u64,
) -> Result<(SourceDoc, Value), Rejected> {
    let sha256 = {
        use sha2::{Digest, Sha256};
        crate::catalog::hex(&Sha256::digest(text.as_bytes()))
    };
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(value) => Ok((
            SourceDoc {
                path: path.to_path_buf(),
                text,
                sha256,
                budget: usize::try_from(max_size).unwrap_or(usize::MAX),
                tree: OnceLock::new(),
                cells: None,
            },
            value,
        )),
        Err(e) => {
            let diagnostic =
                Diagnostic::error(Code::JsonSyntax, path, json_message(&e)).at(Location {
                    line: e.line() as u64,
                    column: e.column() as u64,
                });
            Err(Rejected::one(diagnostic, Some(text)))
        }
    }
}

fn json_message(e: &serde_json::Error) -> crate::diagnostic::Msg {
    let text = e.to_string();
    let en = match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    };
    msg("").text("reason", en, json_reason_zh(e))
}

/// Reads and parses a file.
pub fn load(path: &Path, max_size: u64) -> Result<(SourceDoc, Value), Rejected> {
    let text = read_text(path, max_size).map_err(|d| Rejected::one(d, None))?;
    parse(path, text, max_size)
}
