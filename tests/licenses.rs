//! The dependency tree against `deny.toml` on every test run: each package's licence
//! expression is satisfied by the allowed licences, no banned crate is in the tree, every
//! package comes from crates.io or from this repository, and no dependency is a wildcard.
//! `cargo deny check licenses bans sources` says the same with more detail where cargo-deny
//! is installed (`.ci/run` runs it then); building cargo-deny costs about nine minutes of the
//! CI budget, so this test is what always runs. It reads `cargo metadata --locked` (which
//! fetches, from crates.io, the manifests of packages the build did not need, such as
//! other platforms' crates).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn deny_toml() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("deny.toml")).unwrap()
}

/// The quoted strings of the `key = [ … ]` list in `[section]` of deny.toml.
fn list(toml: &str, section: &str, key: &str) -> Vec<String> {
    let start = toml
        .find(&format!("[{section}]"))
        .unwrap_or_else(|| panic!("deny.toml has no [{section}]"));
    let body = &toml[start..];
    let at = body
        .find(&format!("\n{key} = ["))
        .unwrap_or_else(|| panic!("[{section}] has no {key}"));
    let list = &body[at..];
    let end = list.find("\n]").unwrap();
    list[..end]
        .lines()
        .skip(1)
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(|l| l.split('"').skip(1).step_by(2).map(str::to_owned))
        .collect()
}

/// Whether an SPDX expression (`MIT OR Apache-2.0`, `(MIT OR Apache-2.0) AND Unicode-3.0`,
/// `Apache-2.0 WITH LLVM-exception`, the old `MIT/Apache-2.0`) is satisfied by `allowed`.
fn satisfied(expression: &str, allowed: &[String]) -> bool {
    let spaced = expression
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut at = 0;
    let ok = or(&tokens, &mut at, allowed);
    assert_eq!(at, tokens.len(), "cannot read the licence `{expression}`");
    ok
}

fn or(tokens: &[&str], at: &mut usize, allowed: &[String]) -> bool {
    let mut ok = and(tokens, at, allowed);
    while tokens.get(*at) == Some(&"OR") {
        *at += 1;
        ok |= and(tokens, at, allowed);
    }
    ok
}

fn and(tokens: &[&str], at: &mut usize, allowed: &[String]) -> bool {
    let mut ok = term(tokens, at, allowed);
    while tokens.get(*at) == Some(&"AND") {
        *at += 1;
        ok &= term(tokens, at, allowed);
    }
    ok
}

fn term(tokens: &[&str], at: &mut usize, allowed: &[String]) -> bool {
    let token = tokens[*at];
    *at += 1;
    if token == "(" {
        let ok = or(tokens, at, allowed);
        assert_eq!(tokens.get(*at), Some(&")"), "unbalanced licence expression");
        *at += 1;
        return ok;
    }
    let mut id = token.to_owned();
    if tokens.get(*at) == Some(&"WITH") {
        id = format!("{id} WITH {}", tokens[*at + 1]);
        *at += 2;
    }
    allowed.contains(&id)
}

#[test]
fn the_licence_reader_reads_what_crates_write() {
    let allowed = vec!["MIT".to_owned(), "Apache-2.0".to_owned()];
    assert!(satisfied("MIT OR GPL-3.0", &allowed));
    assert!(satisfied("MIT/Apache-2.0", &allowed));
    assert!(satisfied("(MIT OR GPL-3.0) AND Apache-2.0", &allowed));
    assert!(!satisfied("(MIT OR Apache-2.0) AND GPL-3.0", &allowed));
    assert!(!satisfied("GPL-3.0", &allowed));
    assert!(!satisfied("Apache-2.0 WITH LLVM-exception", &allowed));
}

#[test]
fn the_dependency_tree_keeps_to_deny_toml() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).unwrap();
    let toml = deny_toml();
    let allowed = list(&toml, "licenses", "allow");
    let banned: Vec<String> = list(&toml, "bans", "deny");
    assert!(allowed.contains(&"MIT".to_owned()), "{allowed:?}");
    assert!(banned.contains(&"serde_yaml".to_owned()), "{banned:?}");
    let mut problems = Vec::new();
    let packages = metadata["packages"].as_array().unwrap();
    assert!(packages.len() > 50, "{}", packages.len());
    for p in packages {
        let name = p["name"].as_str().unwrap();
        let version = p["version"].as_str().unwrap();
        match p["license"].as_str() {
            Some(expression) if satisfied(expression, &allowed) => {}
            Some(expression) => problems.push(format!("{name} {version}: licence {expression}")),
            None => problems.push(format!("{name} {version}: no licence expression")),
        }
        if banned.iter().any(|b| b == name) {
            problems.push(format!("{name} {version}: banned in deny.toml"));
        }
        match p["source"].as_str() {
            // A path: this crate, or the vendored minijinja.
            None => {}
            Some("registry+https://github.com/rust-lang/crates.io-index") => {}
            Some(other) => problems.push(format!("{name} {version}: source {other}")),
        }
    }
    // Our own dependencies name versions, never `*`.
    let root = packages.iter().find(|p| p["name"] == "itss").unwrap();
    for dep in root["dependencies"].as_array().unwrap() {
        if dep["req"] == "*" {
            problems.push(format!("dependency {} is a wildcard", dep["name"]));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
