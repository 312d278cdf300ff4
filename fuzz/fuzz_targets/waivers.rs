//! Waiver loader: bytes are written to a file (the loader reads paths) → load → when the
//! waivers load, assess a conformance submission with them and check and render the result.
#![no_main]

#[path = "common.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn scratch() -> &'static PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        std::env::temp_dir().join(format!("itss-fuzz-waivers-{}.yaml", std::process::id()))
    })
}

const SUBMISSION: &str =
    include_str!("../../tests/conformance/cases/basic-all-conform/submission.yaml");

fuzz_target!(|data: &[u8]| {
    let path = scratch();
    if std::fs::write(path, data).is_err() {
        return;
    }
    let waivers = match itss::internals::waiver::load(path, common::MAX_SIZE) {
        Ok(w) => w,
        Err(itss::diagnostic::Rejected { diagnostics, text }) => {
            common::assert_invalid(path, &diagnostics, text.as_deref());
            return;
        }
    };
    common::submission_against(
        Path::new("fuzz/submission.yaml"),
        SUBMISSION,
        common::basic(),
        &waivers,
    );
});
