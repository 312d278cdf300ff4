//! Names in a batch's output: the file name of each submission id (safe on every file
//! system, unique even ignoring case), and the ids already given out (a second submission
//! with an id is a duplicate, reported with the file that has it).

use std::collections::HashSet;
use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};

/// The first 128 bits of SHA-256: what the batch remembers of every id and file name, so
/// that its memory stays flat however many submissions it reads (a collision needs about
/// 2^64 names).
pub(crate) fn digest128(bytes: &[u8]) -> u128 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_be_bytes(first)
}

/// The submission ids and file stems given out so far, so that no two results share an id
/// or a file name. What is remembered of each is a 16-byte digest (`digest128`) and, for
/// ids, the position of the input that has it (to name it when another claims the id).
#[derive(Debug, Default)]
pub struct Names {
    ids: std::collections::HashMap<u128, usize>,
    /// Stems lowercased: ids that differ only in case (`Acme`, `acme`) must not overwrite
    /// each other's files on a case-insensitive file system.
    stems: HashSet<u128>,
}

impl Names {
    /// Gives `id` to the input at `index`; `Err` with the earlier input's index when one
    /// already has it.
    pub fn claim_id(&mut self, id: &str, index: usize) -> Result<(), usize> {
        match self.ids.entry(digest128(id.as_bytes())) {
            std::collections::hash_map::Entry::Occupied(e) => Err(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(index);
                Ok(())
            }
        }
    }

    /// A file stem for `id`, unique among those given out even ignoring case.
    pub fn stem(&mut self, id: &str) -> String {
        let mut stem = safe_file_stem(id);
        if !self.stems.insert(digest128(stem.to_lowercase().as_bytes())) {
            use sha2::{Digest, Sha256};
            let digest = crate::catalog::hex(&Sha256::digest(id.as_bytes()));
            stem = format!("{stem}~{}", &digest[..16]);
            self.stems.insert(digest128(stem.to_lowercase().as_bytes()));
        }
        stem
    }
}

/// The diagnostic of a submission whose id an earlier input already has.
pub fn duplicate_id(path: &Path, id: &str, earlier: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::DuplicateSubmission,
        path,
        crate::diagnostic::msg("")
            .arg("id", id)
            .arg("earlier", earlier.display()),
    )
    .at_pointer("/id")
}

/// A file name for a submission id that stays inside its folder on every platform:
/// characters outside `[A-Za-z0-9_.-]` (and a leading `.`) are percent-encoded, reserved
/// Windows device names get a `_` prefix, and very long ids are shortened with a hash.
pub fn safe_file_stem(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for (i, ch) in id.chars().enumerate() {
        if ch.is_ascii_alphanumeric() || ch == '_' || ch == '-' || (ch == '.' && i > 0) {
            out.push(ch);
        } else {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    if out.is_empty() {
        out.push('_');
    }
    let upper = out.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.len() == 4
            && upper.as_bytes()[3].is_ascii_digit());
    if reserved {
        out.insert(0, '_');
    }
    if out.len() > 150 {
        use sha2::{Digest, Sha256};
        let digest = crate::catalog::hex(&Sha256::digest(id.as_bytes()));
        let mut cut = 120;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out = format!("{}~{}", &out[..cut], &digest[..16]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_stems_stay_inside() {
        assert_eq!(safe_file_stem("acme-2026"), "acme-2026");
        assert_eq!(safe_file_stem("../../x"), "%2E.%2F..%2Fx");
        assert_eq!(safe_file_stem("CON"), "_CON");
        assert_eq!(safe_file_stem("com1.txt"), "_com1.txt");
        assert_eq!(safe_file_stem(""), "_");
        assert_eq!(safe_file_stem("a/b\\c"), "a%2Fb%5Cc");
        assert_eq!(safe_file_stem("某公司"), "%E6%9F%90%E5%85%AC%E5%8F%B8");
        let long = "x".repeat(400);
        assert!(safe_file_stem(&long).len() < 160);
        assert_ne!(safe_file_stem(&long), safe_file_stem(&"x".repeat(401)));
    }
}
