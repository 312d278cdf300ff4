//! The zip container of an `.xlsx`, checked before anything is decompressed: a workbook
//! must expand to no more than the input budget (`--max-file-size`, 16 MiB by default)
//! counted on the uncompressed sizes its central directory declares, with a bounded number
//! of parts. The zip reader refuses to inflate a part beyond its declared size, so the
//! declared total bounds the work that follows (a zip bomb is refused here, not inflated).

use std::io::Cursor;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Msg, msg};

/// Most parts (files inside the zip) a workbook may have.
const MAX_PARTS: usize = 10_000;

/// Checks an `.xlsx` file's zip directory against the budget.
pub fn check_archive(path: &Path, bytes: &[u8], budget: u64) -> Result<(), Diagnostic> {
    let refuse = |m: Msg| Diagnostic::error(Code::XlsxArchive, path, m);
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| refuse(msg("").arg("detail", e)))?;
    if zip.len() > MAX_PARTS {
        return Err(refuse(
            msg("parts").arg("count", zip.len()).arg("max", MAX_PARTS),
        ));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let size = zip
            .by_index_raw(i)
            .map(|f| f.size())
            .map_err(|e| refuse(msg("part").arg("index", i).arg("detail", e)))?;
        total = total.saturating_add(size);
        if total > budget {
            return Err(refuse(msg("budget").arg("budget", budget)));
        }
    }
    Ok(())
}

/// Whether some worksheet of a workbook has merged cells (a `mergeCell` element), found by a
/// byte search of the worksheet parts: cheaper than parsing each sheet a second time for
/// the merges most workbooks do not have. A false positive only costs that second pass.
pub(crate) fn has_merged_cells(bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return true;
    };
    const NEEDLE: &[u8] = b"mergeCell";
    let mut sheets = 0;
    for i in 0..zip.len() {
        let Ok(mut part) = zip.by_index(i) else {
            return true;
        };
        let is_sheet = part
            .name()
            .is_ok_and(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"));
        if !is_sheet {
            continue;
        }
        sheets += 1;
        let mut xml = Vec::new();
        if part.read_to_end(&mut xml).is_err() {
            return true;
        }
        // The schema puts <mergeCells> after <sheetData>: look behind the last cell only.
        const CELLS_END: &[u8] = b"sheetData>";
        let tail = xml
            .windows(CELLS_END.len())
            .rposition(|w| w == CELLS_END)
            .map_or(&xml[..], |at| &xml[at..]);
        if tail.windows(NEEDLE.len()).any(|w| w == NEEDLE) {
            return true;
        }
    }
    // Worksheets stored elsewhere than Excel puts them: let calamine look.
    sheets == 0
}
