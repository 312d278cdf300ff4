//! Shared by the fuzz targets: catalogs, the renderer, and the invariants every assessed
//! result must keep (it serializes, validates against the result schema, and renders in
//! both formats and both languages).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::OnceLock;

use itss::internals::assess::{self, Options};
use itss::internals::catalog::Catalog;
use itss::internals::report::{Renderer, ReportFormat};
use itss::result::AssessmentResult;
use itss::internals::schema::SchemaKind;
use itss::internals::submission;
use itss::text::Lang;
use itss::internals::waiver::Waiver;

/// Inputs are small; a tight limit keeps each execution fast and exercises the size checks.
pub const MAX_SIZE: u64 = 1 << 20;

pub fn om() -> &'static Catalog {
    static OM: OnceLock<Catalog> = OnceLock::new();
    OM.get_or_init(|| {
        itss::internals::catalog::bundled("itss-om")
            .and_then(|l| l.ok())
            .map(|l| l.value)
            .expect("bundled itss-om loads")
    })
}

pub fn basic() -> &'static Catalog {
    static BASIC: OnceLock<Catalog> = OnceLock::new();
    BASIC.get_or_init(|| {
        let text = include_str!("../../tests/conformance/catalogs/basic.yaml");
        itss::internals::catalog::from_text(Path::new("basic.yaml"), text.to_owned(), u64::MAX, false)
            .ok()
            .map(|l| l.value)
            .expect("conformance catalog loads")
    })
}

pub fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(|| Renderer::bundled().expect("bundled templates compile"))
}

pub fn options() -> Options {
    Options {
        skip_evidence_files: true,
        ..Options::default()
    }
}

/// Every result must serialize, match the result schema and render in every format.
pub fn check_result(result: &AssessmentResult) {
    let value = serde_json::to_value(result).expect("result serializes");
    let errors: Vec<String> = SchemaKind::Result
        .validator()
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "result breaks its schema: {errors:?}");
    let renderer = renderer();
    for (format, lang) in [
        (ReportFormat::Html, Lang::Zh),
        (ReportFormat::Markdown, Lang::En),
    ] {
        let text = renderer
            .render(result, format, lang)
            .unwrap_or_else(|e| panic!("{format} report does not render: {e}"));
        assert!(!text.is_empty());
    }
}

/// Validates a submission text against a catalog and, when valid, assesses and checks it.
/// An invalid submission must have an error naming the file.
pub fn submission_against(path: &Path, text: &str, catalog: &Catalog, waivers: &[Waiver]) {
    let parsed = match submission::parse_str(path, text, MAX_SIZE) {
        Ok(p) => p,
        Err(load) => {
            assert_invalid(path, &load.diagnostics, load.text.as_deref());
            return;
        }
    };
    match submission::validate(parsed, catalog) {
        Ok(loaded) => {
            assert!(!loaded.warnings.iter().any(|d| d.is_error()));
            let result = assess::assess(catalog, &loaded.value, waivers, &options());
            check_result(&result);
        }
        Err(rejected) => assert_invalid(path, &rejected.diagnostics, rejected.text.as_deref()),
    }
}

pub fn assert_invalid(
    path: &Path,
    diagnostics: &[itss::diagnostic::Diagnostic],
    text: Option<&str>,
) {
    assert!(
        diagnostics.iter().any(|d| d.is_error() && d.file == path),
        "an invalid input without an error naming the file: {diagnostics:?}"
    );
    for d in diagnostics {
        // Rendering a diagnostic (with its snippet) must not panic either.
        for lang in [Lang::Zh, Lang::En] {
            let _ = d.render(text, false, lang);
        }
        let _ = d.to_string();
    }
}
