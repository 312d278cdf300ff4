//! The YAML fast path against the full parser: whenever the fast path reads a document, the
//! full parser must read the same tree, locations included (see `src/yaml/fast.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(fast) = itss::internals::yaml::parse_fast(text) {
        let full = itss::internals::yaml::parse_full(text, usize::MAX);
        assert_eq!(full.as_ref(), Ok(&fast), "the fast path disagrees");
    }
});
