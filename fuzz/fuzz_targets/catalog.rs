//! Catalog loader: bytes → UTF-8 check → parse → catalog validation (with and without the
//! shipped-catalog checks); a valid catalog then assesses a submission built for it (every
//! rating, metrics, evidence, certificates) and the result is checked and rendered.
#![no_main]

#[path = "common.rs"]
mod common;

use std::path::Path;

use itss::internals::catalog::Catalog;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

/// A submission answering every criterion of `catalog`, cycling through the ratings.
fn submission_for(catalog: &Catalog) -> String {
    let ratings = ["conform", "partial", "nonconform", "na", "conform"];
    let mut answers = serde_json::Map::new();
    for (i, c) in catalog.criteria.iter().enumerate() {
        let metrics: serde_json::Map<String, Value> = c
            .metrics
            .iter()
            .enumerate()
            .map(|(j, m)| {
                let v = match (i + j) % 4 {
                    0 => json!(0.95),
                    1 => json!(3),
                    2 => Value::Null,
                    _ => json!("text"),
                };
                (m.id.clone(), v)
            })
            .collect();
        answers.insert(
            c.id.to_string(),
            json!({
                "rating": ratings[i % ratings.len()],
                "note": "<b>note</b> {{ 7*7 }}",
                "evidence": [
                    {"path": "evidence/a.pdf", "dated": "2026-01-01"},
                    {"path": "../outside.pdf"},
                    {"path": "evidence/b.pdf", "sha256": "00", "dated": "2030-01-01"},
                ],
                "metrics": metrics,
            }),
        );
    }
    let top = catalog.levels.last().map(|l| l.id.clone());
    let mut organization = json!({
        "name": "Fuzz <script>alert(1)</script> Co.",
        "credit_code": "91110000802100433B",
        "legal_entity": true,
        "business_since": "2019-03-01",
        "system_since": "2025-11-01",
        "facts": {"sla_requires_spares": true, "large_org": false},
        "certificates": catalog.levels.iter().map(|l| json!({
            "catalog": catalog.id, "level": l.id, "issued_on": "2024-06-01"
        })).collect::<Vec<_>>(),
    });
    // Fields that prerequisites name get a plausible value.
    for p in &catalog.prerequisites {
        let (field, value) = match &p.kind {
            itss::internals::catalog::PrerequisiteKind::Flag { field } => (field, json!(true)),
            itss::internals::catalog::PrerequisiteKind::MonthsSince { field, .. } => {
                (field, json!("2020-02-29"))
            }
            itss::internals::catalog::PrerequisiteKind::Certificate { .. } => continue,
        };
        if let Some(map) = organization.as_object_mut() {
            map.entry(field.clone()).or_insert(value);
        }
    }
    let doc = json!({
        "id": "fuzz-catalog",
        "catalog": catalog.id,
        "catalog_version": catalog.version,
        "assessed_on": "2026-10-01",
        "target_level": top,
        "organization": organization,
        "answers": answers,
    });
    doc.to_string()
}

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz/catalog.yaml");
    let text = match itss::internals::source::text_from_bytes(path, data.to_vec()) {
        Ok(t) => t,
        Err(d) => {
            common::assert_invalid(path, std::slice::from_ref(&d), None);
            return;
        }
    };
    let shipped = itss::internals::catalog::from_text(path, text.clone(), common::MAX_SIZE, true);
    let load = itss::internals::catalog::from_text(path, text, common::MAX_SIZE, false);
    if shipped.is_ok() {
        assert!(load.is_ok(), "a shipped-valid catalog must be valid");
    }
    let catalog = match load {
        Ok(loaded) => loaded.value,
        Err(rejected) => {
            common::assert_invalid(path, &rejected.diagnostics, rejected.text.as_deref());
            return;
        }
    };
    let submission = submission_for(&catalog);
    let sub_path = Path::new("fuzz/submission.json");
    let parsed = itss::internals::submission::parse_str(sub_path, &submission, common::MAX_SIZE);
    let Ok(parsed) = parsed else {
        // Catalog ids and versions are validated strings: the generated JSON always parses.
        panic!("generated submission does not parse: {submission}");
    };
    let s = match itss::internals::submission::validate(parsed, &catalog) {
        Ok(loaded) => loaded.value,
        Err(rejected) => {
            // A catalog field can make the generated submission invalid (e.g. a
            // credit-code-free id); diagnostics must still name the file.
            common::assert_invalid(sub_path, &rejected.diagnostics, rejected.text.as_deref());
            return;
        }
    };
    let waivers: Vec<itss::internals::waiver::Waiver> = catalog
        .criteria
        .iter()
        .step_by(3)
        .map(|c| itss::internals::waiver::Waiver {
            criterion: c.id.to_string(),
            submissions: None,
            justification: "fuzz".to_owned(),
            approved_by: "fuzz".to_owned(),
            expires_on: "2026-10-01"
                .parse()
                .unwrap_or_else(|_| panic!("date parses")),
        })
        .collect();
    let result = itss::internals::assess::assess(&catalog, &s, &waivers, &common::options());
    common::check_result(&result);
});
