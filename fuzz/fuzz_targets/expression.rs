//! Catalog expressions (`applies_if` and metric `check`, SPEC §5.6; issue #16): any text is
//! compiled and, when it compiles, evaluated in a neutral context, a metric context and one
//! with facts of every JSON type. Compiling and evaluating must never panic, hang or abort:
//! every evaluation is bounded by the expression limits (`src/limits.rs`), and an exceeded
//! limit is an error that says so.
#![no_main]

use std::sync::LazyLock;

use itss::internals::expression::{self, Expr, ExprError};
use itss::text::Lang;
use libfuzzer_sys::fuzz_target;
use minijinja::value::{Serde, Value};

static CONTEXTS: LazyLock<Vec<Value>> = LazyLock::new(|| {
    let facts = serde_json::json!({
        "sla_requires_spares": true,
        "large_org": false,
        "sites": ["bj", "sh", "gz"],
        "staff": 120,
        "ratio": 0.75,
        "name": "运维服务中心",
        "contract": {"monitoring": true, "hours": [8, 18]},
        "none": null,
    });
    vec![
        expression::neutral_context(None),
        expression::neutral_context(Some(("m", 0.5))),
        Value::from(Serde(serde_json::json!({
            "facts": facts,
            "organization": {"name": "某公司", "legal_entity": true, "facts": facts},
            "as_of": "2026-01-31",
            "value": 0.93,
            "metrics": {"m": 0.93, "n": 3},
        }))),
    ]
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(expr) = Expr::compile(text) else {
        return;
    };
    for context in CONTEXTS.iter() {
        match expr.is_true(context) {
            Ok(_) | Err(ExprError::Failed(_)) => {}
            Err(e @ ExprError::Limit { .. }) => {
                // An exceeded limit is reported as one, in both languages.
                assert!(e.limit().is_some());
                assert!(e.message(Lang::Zh).contains("上限"), "{e}");
            }
        }
    }
});
