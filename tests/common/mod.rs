//! Helpers shared by the test crates that read the conformance suite's `case.yaml` files.

use std::path::Path;

/// `key: value` lines of case.yaml (the suite uses flat keys, flow lists and block text).
pub fn case_field(case_yaml: &str, key: &str) -> Option<String> {
    case_yaml.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        let value = rest.trim();
        (!value.is_empty() && !value.starts_with('|'))
            .then(|| value.trim_matches(['"', '\'']).to_owned())
    })
}

/// The `args:` flow list of case.yaml (extra command-line arguments), empty without one.
pub fn case_args(case_yaml: &str) -> Vec<String> {
    case_field(case_yaml, "args")
        .map(|v| {
            v.trim_start_matches('[')
                .trim_end_matches(']')
                .split(',')
                .map(|s| s.trim().trim_matches(['"', '\'']).to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The case's submission file: `submission:` if given, else `submission.json` when the case
/// has one, else `submission.yaml`.
pub fn case_submission(dir: &Path, case_yaml: &str) -> String {
    case_field(case_yaml, "submission").unwrap_or_else(|| {
        if dir.join("submission.json").exists() {
            "submission.json".into()
        } else {
            "submission.yaml".into()
        }
    })
}
