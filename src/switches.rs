//! Switches back to the libraries that the hand-written fast paths stand in for, read once
//! from the environment. Each fast path gives the same output as its library (differential
//! tests and fuzz targets check that); the switches let anyone confirm it on their own
//! input in a minute:
//!
//! - `ITSS_YAML_FAST=0`: every YAML document is read by serde-saphyr's event parser, not by
//!   the fast path for the plain corner of YAML (`src/yaml/fast.rs`);
//! - `ITSS_COMPACT_JSON=0`: batch result documents are written by `serde_json`, not by
//!   [`crate::result::CompactWriter`].
//!
//! Any other value, or none, keeps the fast path.

use std::sync::OnceLock;

fn on(name: &str) -> bool {
    is_on(std::env::var_os(name).as_deref())
}

/// A switch is off only when set to `0`.
fn is_on(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_none_or(|v| v != "0")
}

/// Whether the YAML fast path is used (`ITSS_YAML_FAST`, default on).
pub fn yaml_fast() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| on("ITSS_YAML_FAST"))
}

/// Whether batch results are written by the compact writer (`ITSS_COMPACT_JSON`, default on).
pub fn compact_json() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| on("ITSS_COMPACT_JSON"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_zero_switches_off() {
        for (value, expected) in [
            (None, true),
            (Some("0"), false),
            (Some("1"), true),
            (Some("no"), true),
        ] {
            assert_eq!(
                is_on(value.map(std::ffi::OsStr::new)),
                expected,
                "{value:?}"
            );
        }
    }
}
