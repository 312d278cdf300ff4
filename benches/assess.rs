//! Criterion benchmarks of one full O&M submission (188 criteria): parse + validate,
//! assessment of an already-validated submission, result serialization and report rendering.
//! Figures are compared as ratios within one run (absolute times on shared machines are noisy).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use itss::internals::assess::{self, Options};
use itss::internals::catalog;
use itss::internals::report::{Renderer, ReportFormat};
use itss::internals::sample::{self, SampleConfig};
use itss::internals::submission;
use itss::text::Lang;

fn bench(c: &mut Criterion) {
    let catalog = catalog::bundled("itss-om").unwrap().unwrap().value;
    let dir = tempfile::tempdir().unwrap();
    let config = SampleConfig {
        count: 40,
        seed: 11,
        out: dir.path().to_path_buf(),
        evidence: true,
        invalid_per_mille: 0,
    };
    sample::generate(&catalog, &config).unwrap();
    // The submission with the most answers: a strong provider answering (nearly) everything.
    let part = dir.path().join("part-000");
    let path: PathBuf = fs::read_dir(&part)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .max_by_key(|p| fs::metadata(p).unwrap().len())
        .unwrap();
    let text = fs::read_to_string(&path).unwrap();
    let parsed = submission::validate(submission::parse(&path, u64::MAX).unwrap(), &catalog);
    let sub = parsed.unwrap().value;
    let options = Options::default();
    let no_files = Options {
        skip_evidence_files: true,
        ..Options::default()
    };
    let result = assess::assess(&catalog, &sub, &[], &options);
    let renderer = Renderer::bundled().unwrap();

    let mut g = c.benchmark_group("om-full-submission");
    // The floor `itss batch --parse-only` measures: the same parser, into an untyped value.
    g.bench_function("yaml-parse-only", |b| {
        b.iter(|| {
            itss::internals::yaml::parse(&text, usize::MAX)
                .unwrap()
                .into_json()
        })
    });
    let tree = itss::internals::yaml::parse(&text, usize::MAX).unwrap();
    let value = tree.to_json();
    g.bench_function("stage: yaml → located tree (fast path)", |b| {
        b.iter(|| itss::internals::yaml::parse(&text, usize::MAX).unwrap())
    });
    // For reference: what the fast path saves over the full parser and serde-saphyr's own
    // untyped deserializer.
    g.bench_function("reference: full parser → located tree", |b| {
        b.iter(|| itss::internals::yaml::parse_full(&text, usize::MAX).unwrap())
    });
    g.bench_function("reference: serde-saphyr untyped", |b| {
        b.iter(|| itss::internals::yaml::parse_plain(&text, usize::MAX).unwrap())
    });
    g.bench_function("reference: full parser's events only", |b| {
        b.iter(|| itss::internals::yaml::count_events(&text))
    });
    g.bench_function("stage: tree → JSON value", |b| b.iter(|| tree.to_json()));
    g.bench_function("stage: schema validation", |b| {
        b.iter(|| {
            assert!(
                itss::internals::schema::SchemaKind::Submission
                    .validator()
                    .is_valid(&value)
            )
        })
    });
    g.bench_function("parse+validate", |b| {
        b.iter(|| {
            let p = submission::parse_str(&path, &text, u64::MAX).unwrap();
            submission::validate(p, &catalog).unwrap().value
        })
    });
    g.bench_function("assess (evidence files checked)", |b| {
        b.iter(|| assess::assess(&catalog, &sub, &[], &options))
    });
    g.bench_function("assess (--no-evidence-files)", |b| {
        b.iter(|| assess::assess(&catalog, &sub, &[], &no_files))
    });
    g.bench_function("result to JSON (serde_json)", |b| {
        b.iter(|| serde_json::to_string(&result).unwrap())
    });
    // What `itss batch` does: one writer per thread, heads kept from the previous result.
    let mut writer = itss::result::CompactWriter::new();
    let mut out = Vec::with_capacity(256 * 1024);
    g.bench_function("result to JSON (CompactWriter, reused)", |b| {
        b.iter(|| {
            out.clear();
            writer.write(&result, &mut out).unwrap();
            out.len()
        })
    });
    g.bench_function("render HTML report", |b| {
        b.iter(|| {
            renderer
                .render(&result, ReportFormat::Html, Lang::Zh)
                .unwrap()
        })
    });
    let mut buffer = Vec::with_capacity(256 << 10);
    g.bench_function(
        "render HTML report into a reused buffer (as batch does)",
        |b| {
            b.iter(|| {
                buffer.clear();
                renderer
                    .render_into(&result, ReportFormat::Html, Lang::Zh, &mut buffer)
                    .unwrap();
                buffer.len()
            })
        },
    );
    g.bench_function("render Markdown report", |b| {
        b.iter(|| {
            renderer
                .render(&result, ReportFormat::Markdown, Lang::Zh)
                .unwrap()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
