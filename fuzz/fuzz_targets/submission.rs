//! Submission loader: bytes → UTF-8 check → parse → validate (bundled `itss-om` and the
//! conformance `conf-basic`) → assess (no evidence files) → result schema → HTML + Markdown.
#![no_main]

#[path = "common.rs"]
mod common;

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // JSON-looking input is also parsed as a `.json` file (JSON syntax checked first).
    let path = if data.first() == Some(&b'{') {
        Path::new("fuzz/submission.json")
    } else {
        Path::new("fuzz/submission.yaml")
    };
    let text = match itss::internals::source::text_from_bytes(path, data.to_vec()) {
        Ok(t) => t,
        Err(d) => {
            common::assert_invalid(path, std::slice::from_ref(&d), None);
            return;
        }
    };
    common::submission_against(path, &text, common::om(), &[]);
    common::submission_against(path, &text, common::basic(), &[]);
});
