//! Graded reports (issue #4, SPEC §9): snapshots of every format and language for the example
//! submissions, locale hygiene, escaping of enterprise text, navigability of a full O&M
//! result, self-containment, determinism and custom template sets.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use itss::diagnostic::{Loaded, Rejected};
use itss::internals::engine::{Catalogs, Engine};
use itss::internals::finding::{Finding, FindingCode};
use itss::internals::finding::{TopFinding, TopFindingCode};
use itss::internals::report::locale::Locale;
use itss::internals::report::{Renderer, ReportError, ReportFormat};
use itss::result::{AssessmentResult, Status, WaiverResult};
use itss::text::Lang;

const CASES: &str = "tests/conformance/cases";
/// Input size limit for the test catalogs and submissions.
const MAX_SIZE: u64 = 64 << 20;
const FORMATS: [ReportFormat; 2] = [ReportFormat::Html, ReportFormat::Markdown];
const LANGS: [Lang; 2] = [Lang::Zh, Lang::En];

fn renderer() -> Renderer {
    Renderer::bundled().unwrap()
}

/// Assesses a conformance case with the library, as the suite's runner would with the binary.
fn assess_case(case: &str) -> AssessmentResult {
    let dir = Path::new(CASES).join(case);
    let meta = std::fs::read_to_string(dir.join("case.yaml")).unwrap();
    let meta = itss::internals::yaml::parse(&meta, 1 << 20)
        .unwrap()
        .to_json();
    let catalog = dir.join(meta["catalog"].as_str().unwrap());
    let mut engine = Engine::new(Catalogs::from_file(&catalog, MAX_SIZE).unwrap());
    engine.options.skip_evidence_files = false;
    if let Some(waivers) = meta["waivers"].as_str() {
        engine.waivers = itss::internals::waiver::load(&dir.join(waivers), MAX_SIZE).unwrap();
    }
    // A relative path as given: the result (and the report) does not depend on the machine.
    let submission = format!("{CASES}/{case}/submission.yaml");
    assess(&engine, Path::new(&submission))
}

fn assess(engine: &Engine, path: &Path) -> AssessmentResult {
    match engine.assess_file(path) {
        Ok(Loaded { value: result, .. }) => *result,
        Err(Rejected { diagnostics, .. }) => {
            panic!("{} is invalid: {diagnostics:?}", path.display())
        }
    }
}

fn render_all(renderer: &Renderer, result: &AssessmentResult) -> Vec<(ReportFormat, Lang, String)> {
    let mut out = Vec::new();
    for format in FORMATS {
        for lang in LANGS {
            out.push((format, lang, renderer.render(result, format, lang).unwrap()));
        }
    }
    out
}

fn snapshot_case(case: &str) {
    let renderer = renderer();
    let result = assess_case(case);
    for (format, lang, text) in render_all(&renderer, &result) {
        let name = format!("{case}_{}_{}", lang.as_str(), format.extension());
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn snapshot_basic_all_conform() {
    snapshot_case("basic-all-conform");
}

#[test]
fn snapshot_waiver_active() {
    snapshot_case("waiver-active");
}

#[test]
fn snapshot_threshold_below() {
    snapshot_case("threshold-below");
}

#[test]
fn snapshot_evidence_stale() {
    snapshot_case("evidence-stale");
}

fn locale_files() -> BTreeMap<String, Locale> {
    let dir = Path::new("report-templates/locales");
    let mut locales = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            locales.insert(name.clone(), Locale::parse(&name, &text).unwrap());
        }
    }
    locales
}

#[test]
fn locale_files_have_the_same_keys() {
    let locales = locale_files();
    assert!(
        locales.contains_key("zh.yaml") && locales.contains_key("en.yaml"),
        "{:?}",
        locales.keys()
    );
    let reference: BTreeSet<&str> = locales["zh.yaml"].keys().collect();
    for (name, locale) in &locales {
        let keys: BTreeSet<&str> = locale.keys().collect();
        let missing: Vec<_> = reference.difference(&keys).collect();
        let extra: Vec<_> = keys.difference(&reference).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{name}: missing {missing:?}, extra {extra:?}"
        );
        for key in locale.keys() {
            assert!(
                !locale.get(key).unwrap().trim().is_empty(),
                "{name}: `{key}` is empty"
            );
        }
    }
}

#[test]
fn terminal_finding_names_are_the_report_names() {
    let locales = locale_files();
    for (file, lang) in [("zh.yaml", Lang::Zh), ("en.yaml", Lang::En)] {
        for code in FindingCode::ALL {
            let key = format!("finding.{}.name", code.as_str());
            assert_eq!(
                locales[file].get(&key),
                Some(code.name(lang)),
                "{file}: {key}"
            );
        }
    }
}

#[test]
fn locale_placeholders_match_across_languages() {
    let locales = locale_files();
    let placeholders = |s: &str| -> BTreeSet<String> {
        s.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
            .collect()
    };
    for key in locales["zh.yaml"].keys() {
        let zh = placeholders(locales["zh.yaml"].get(key).unwrap());
        for (name, locale) in &locales {
            assert_eq!(
                placeholders(locale.get(key).unwrap()),
                zh,
                "{name}: placeholders of `{key}`"
            );
        }
    }
}

#[test]
fn every_code_status_and_rating_has_strings() {
    for locale in locale_files().values() {
        for code in FindingCode::ALL {
            for part in ["name", "help"] {
                let key = format!("finding.{code}.{part}");
                assert!(locale.get(&key).is_some(), "missing {key}");
            }
        }
        for code in itss::internals::finding::TopFindingCode::ALL
            .iter()
            .map(|c| c.as_str())
        {
            assert!(
                locale.get(&format!("finding.{code}.name")).is_some(),
                "missing {code}"
            );
        }
        for status in [
            "conform",
            "partial",
            "nonconform",
            "unanswered",
            "not_applicable",
            "waived",
        ] {
            assert!(
                locale.get(&format!("status.{status}")).is_some(),
                "missing status.{status}"
            );
        }
        for rating in ["conform", "partial", "nonconform", "na", "none"] {
            assert!(
                locale.get(&format!("rating.{rating}")).is_some(),
                "missing rating.{rating}"
            );
        }
    }
}

#[test]
fn chinese_is_the_default_language() {
    assert_eq!(Lang::default(), Lang::Zh);
    let html = renderer()
        .render(
            &assess_case("basic-all-conform"),
            ReportFormat::Html,
            Lang::default(),
        )
        .unwrap();
    assert!(html.contains(r#"<html lang="zh-CN">"#));
    assert!(html.contains("评估报告"));
}

const SCRIPT: &str = "<script>alert(1)</script>";
const NOTE: &str = "{{ 7*7 }} | * _ [x](javascript:alert(1))\n# not a heading";
const BIDI: &str = "invoice\u{202E}fdp.exe";

/// A result whose every enterprise-supplied string is hostile.
fn hostile_result() -> AssessmentResult {
    let mut result = assess_case("waiver-active");
    result.submission.organization = SCRIPT.to_owned();
    result.submission.id = "<b>id</b>".to_owned();
    result.submission.source = "sub|mission<i>.yaml".to_owned();
    let c = &mut result.criteria[0];
    c.note = Some(NOTE.to_owned());
    c.findings.push(Finding::new(
        FindingCode::EvidenceMissing,
        itss::params! {"path" => format!("{SCRIPT} | missing")},
    ));
    c.evidence[0].path = format!("{BIDI}<img src=x onerror=alert(1)>|x");
    c.evidence[0].title = Some("[t](http://evil.example)".to_owned());
    c.metrics.insert(
        "m|<x>".to_owned(),
        serde_json::json!("<svg onload=alert(1)>"),
    );
    result.waivers.push(WaiverResult {
        criterion: "B.L4.MGT.PLAN".to_owned(),
        justification: "a | b\n| c | d |".to_owned(),
        approved_by: SCRIPT.to_owned(),
        expires_on: "2020-01-01".parse().unwrap(),
        active: false,
    });
    result.findings.push(TopFinding::new(
        TopFindingCode::UnknownAnswer,
        itss::params! {"criterion" => "{% raw %}| <y>", "catalog" => "<x>|"},
    ));
    result
}

/// Every Markdown table row has as many unescaped `|` as its header row.
fn assert_tables_intact(md: &str) {
    let pipes = |line: &str| {
        let mut count = 0;
        let mut escaped = false;
        for c in line.chars() {
            match c {
                '\\' if !escaped => escaped = true,
                '|' if !escaped => count += 1,
                _ => escaped = false,
            }
            if c != '\\' {
                escaped = false;
            }
        }
        count
    };
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    let mut tables = 0;
    while i + 1 < lines.len() {
        if lines[i].starts_with('|') && lines[i + 1].starts_with("|-") {
            tables += 1;
            let want = pipes(lines[i]);
            let mut j = i + 1;
            while j < lines.len() && lines[j].starts_with('|') {
                assert_eq!(
                    pipes(lines[j]),
                    want,
                    "table row breaks its table: {}",
                    lines[j]
                );
                j += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
    assert!(tables > 3, "expected tables in the Markdown report");
}

#[test]
fn enterprise_text_is_escaped_everywhere() {
    let renderer = renderer();
    let result = hostile_result();
    let mut plain = result.clone();
    plain.criteria[0].note = Some("X".to_owned());
    for ((format, lang, text), (_, _, plain)) in render_all(&renderer, &result)
        .into_iter()
        .zip(render_all(&renderer, &plain))
    {
        let what = format!("{format}/{}", lang.as_str());
        assert!(
            !text.contains('\u{202E}'),
            "{what}: bidi override reached the report"
        );
        assert!(text.contains("‹U+202E›"), "{what}: bidi override not shown");
        assert_eq!(
            text.matches("49").count(),
            plain.matches("49").count(),
            "{what}: template syntax in data was evaluated"
        );
        match format {
            ReportFormat::Html => {
                assert!(
                    text.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
                    "{what}"
                );
                let lower = text.to_lowercase();
                for tag in ["<script", "<img", "<svg onload", "<b>", "<i>", "<x>", "<y>"] {
                    assert!(!lower.contains(tag), "{what}: raw {tag}");
                }
                assert!(
                    text.contains("{{ 7*7 }}"),
                    "{what}: note not shown verbatim"
                );
                assert!(
                    !text.contains("href=\"javascript") && !text.contains("href=\"http"),
                    "{what}"
                );
            }
            ReportFormat::Markdown => {
                assert!(text.contains(r"\<script\>alert(1)\</script\>"), "{what}");
                let raw_tag = text
                    .match_indices('<')
                    .any(|(at, _)| !text[..at].ends_with('\\'));
                assert!(!raw_tag, "{what}: an unescaped `<` in the Markdown");
                assert!(
                    text.contains(
                        r"{{ 7\*7 }} \| \* \_ \[x\](javascript:alert(1)) # not a heading"
                    ),
                    "{what}"
                );
                let live_link = text
                    .match_indices("](")
                    .any(|(at, _)| !text[..at].ends_with('\\'));
                assert!(!live_link, "{what}: live link");
                assert!(
                    text.contains(r"a \| b \| c \| d \|"),
                    "{what}: waiver justification"
                );
                assert!(
                    !text.lines().any(|l| l.starts_with("# not a heading")),
                    "{what}"
                );
                assert_tables_intact(&text);
            }
        }
    }
}

#[test]
fn template_syntax_in_data_stays_inert() {
    let mut result = assess_case("basic-all-conform");
    result.submission.organization =
        "{{ 7*7 }}{% for x in range(3) %}X{% endfor %}{# c #}".to_owned();
    let mut plain = result.clone();
    plain.submission.organization = "X".to_owned();
    let renderer = renderer();
    for ((_, _, text), (_, _, plain)) in render_all(&renderer, &result)
        .into_iter()
        .zip(render_all(&renderer, &plain))
    {
        assert!(text.contains("{{ 7*7 }}") || text.contains(r"{{ 7\*7 }}"));
        assert!(text.contains("{% for x in range(3) %}X{% endfor %}{# c #}"));
        assert_eq!(text.matches("49").count(), plain.matches("49").count());
        assert!(!text.contains("XXX"));
    }
}

/// A submission answering every criterion of a catalog, with a mix of ratings, notes,
/// evidence (present, missing, stale) and metrics, so the result has many findings.
fn synthetic_result(catalog_path: &Path) -> (AssessmentResult, tempfile::TempDir) {
    let catalog = itss::internals::catalog::load(catalog_path, MAX_SIZE, false)
        .ok()
        .map(|l| l.value)
        .expect("catalog loads");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("evidence")).unwrap();
    std::fs::write(dir.path().join("evidence/present.pdf"), b"evidence").unwrap();
    let mut answers = serde_json::Map::new();
    for (i, criterion) in catalog.criteria.iter().enumerate() {
        let rating = match i % 9 {
            0 => "partial",
            1 => "nonconform",
            2 if criterion.na_allowed => "na",
            _ => "conform",
        };
        let evidence: Vec<serde_json::Value> = (0..criterion.evidence.min.max(1))
            .map(|k| match (i + k as usize) % 4 {
                0 => serde_json::json!({"path": format!("evidence/missing-{i}-{k}.pdf"), "dated": "2026-03-01"}),
                1 => serde_json::json!({"path": "evidence/present.pdf", "dated": "2024-01-01", "title": "Report"}),
                _ => serde_json::json!({"path": "evidence/present.pdf", "dated": "2026-03-01"}),
            })
            .collect();
        let metrics: serde_json::Map<String, serde_json::Value> = criterion
            .metrics
            .iter()
            .enumerate()
            .filter(|(m, _)| (i + m) % 5 != 0)
            .map(|(_, m)| (m.id.clone(), serde_json::json!(0.95)))
            .collect();
        let mut answer =
            serde_json::json!({"rating": rating, "evidence": evidence, "metrics": metrics});
        if i % 3 == 0 {
            answer["note"] =
                serde_json::json!(format!("说明 {i}: 制度已发布，记录见附件 | see annex"));
        }
        if i % 11 != 10 {
            answers.insert(criterion.id.to_string(), answer);
        }
    }
    let submission = serde_json::json!({
        "id": "synthetic",
        "catalog": catalog.id,
        "assessed_on": "2026-10-01",
        "target_level": catalog.levels.last().unwrap().id,
        "organization": {
            "name": "某某信息技术有限公司",
            "credit_code": "91110000802100433B",
            "legal_entity": true,
            "business_since": "2015-01-01",
            "system_since": "2020-01-01",
            "facts": {"sla_requires_spares": true}
        },
        "answers": answers,
    });
    let path = dir.path().join("submission.json");
    std::fs::write(&path, serde_json::to_string_pretty(&submission).unwrap()).unwrap();
    let mut engine = Engine::new(Catalogs::from_file(catalog_path, MAX_SIZE).unwrap());
    engine.options.skip_evidence_files = false;
    (assess(&engine, &path), dir)
}

/// The full O&M catalog when it is there, else the largest bundled catalog.
fn largest_catalog() -> PathBuf {
    let om = PathBuf::from("rules/itss-om.yaml");
    if itss::internals::catalog::load(&om, MAX_SIZE, false).is_ok() {
        return om;
    }
    ["rules/itss-ii.yaml", "rules/itss-cd.yaml"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap()
}

fn attribute_values<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

#[test]
fn full_catalog_renders_fast_and_stays_navigable() {
    let catalog = largest_catalog();
    let (result, _dir) = synthetic_result(&catalog);
    if catalog.ends_with("itss-om.yaml") {
        assert_eq!(result.criteria.len(), 188);
    }
    let findings: usize = result.criteria.iter().map(|c| c.findings.len()).sum();
    assert!(findings > 50, "expected many findings, got {findings}");
    let renderer = renderer();
    let started = Instant::now();
    let html = renderer
        .render(&result, ReportFormat::Html, Lang::Zh)
        .unwrap();
    let html_time = started.elapsed();
    let started = Instant::now();
    let md = renderer
        .render(&result, ReportFormat::Markdown, Lang::Zh)
        .unwrap();
    let md_time = started.elapsed();
    eprintln!(
        "{}: {} criteria, {findings} findings: HTML {} KiB in {html_time:?}, Markdown {} KiB in {md_time:?}",
        catalog.display(),
        result.criteria.len(),
        html.len() / 1024,
        md.len() / 1024
    );
    // Not a benchmark: a bound that only a quadratic template would break.
    assert!(html_time.as_secs() < 5 && md_time.as_secs() < 5);

    let ids: Vec<&str> = attribute_values(&html, "id");
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids");
    let hrefs = attribute_values(&html, "href");
    assert!(
        hrefs.len() > result.criteria.len() / 2,
        "expected cross-references"
    );
    for href in &hrefs {
        let target = href
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("non-local href {href}"));
        assert!(
            unique.contains(target),
            "href=\"{href}\" has no id=\"{target}\""
        );
    }
    // The table of contents reaches every section and every level's criteria.
    let toc = &html[html.find("<nav class=\"sheet toc\"").unwrap()..html.find("</nav>").unwrap()];
    for section in [
        "ladder",
        "chart",
        "gaps",
        "criteria",
        "waivers",
        "findings",
        "legend",
        "declaration",
        "about",
    ] {
        assert!(
            toc.contains(&format!("href=\"#{section}\"")),
            "toc lacks #{section}"
        );
    }
    for level in &result.levels {
        assert!(
            toc.contains(&format!("href=\"#level-{}-criteria\"", level.id)),
            "toc lacks level {}",
            level.id
        );
    }
    for criterion in &result.criteria {
        assert!(
            unique.contains(format!("cr-{}", criterion.id).as_str()),
            "no row for {}",
            criterion.id
        );
    }
    assert_tables_intact(&md);
}

/// Every external reference an HTML document could make: `src`, `href`, `url(…)`,
/// `@import`, and any `http(s)://` outside the SVG namespace declaration.
fn assert_self_contained(html: &str) {
    let lower = html.to_lowercase();
    for forbidden in [
        "<script",
        "<link",
        "<iframe",
        "<object",
        "<embed",
        "<img",
        "@import",
        "url(",
        " src=",
        "@font-face",
    ] {
        assert!(!lower.contains(forbidden), "HTML contains {forbidden}");
    }
    // A fragment, or (the batch summary's links to its reports) a relative path to a file
    // beside it: never a scheme, a host or an absolute path.
    for href in attribute_values(html, "href") {
        let href = href.replace("&#x2f;", "/");
        assert!(
            href.starts_with('#')
                || (href.starts_with("reports/") && !href.contains(':') && !href.contains("..")),
            "external href {href}"
        );
    }
    let without_xmlns = html.replace(r#"xmlns="http://www.w3.org/2000/svg""#, "");
    assert!(
        !without_xmlns.contains("http://") && !without_xmlns.contains("https://"),
        "URL in the HTML"
    );
    assert!(!without_xmlns.contains("//fonts.") && !without_xmlns.contains("src=\"//"));
}

#[test]
fn html_makes_no_external_reference() {
    let renderer = renderer();
    for case in [
        "basic-all-conform",
        "waiver-active",
        "threshold-below",
        "evidence-stale",
    ] {
        let result = assess_case(case);
        for lang in LANGS {
            assert_self_contained(&renderer.render(&result, ReportFormat::Html, lang).unwrap());
        }
    }
    // Also when enterprise text carries URLs: they are shown, never linked or loaded.
    let mut result = assess_case("basic-all-conform");
    result.criteria[0].note = Some("see https://example.com/x.png".to_owned());
    let html = renderer
        .render(&result, ReportFormat::Html, Lang::Zh)
        .unwrap();
    assert!(html.contains("see https:&#x2f;&#x2f;example.com&#x2f;x.png"));
    for href in attribute_values(&html, "href") {
        assert!(href.starts_with('#'));
    }
}

#[test]
fn html_has_print_css_and_a_content_security_policy() {
    let html = renderer()
        .render(&assess_case("evidence-stale"), ReportFormat::Html, Lang::Zh)
        .unwrap();
    assert!(html.contains("@page { size: A4;"));
    assert!(html.contains("@media print"));
    assert!(html.contains("break-before: page"));
    assert!(html.contains(r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"#));
    assert!(html.matches("class=\"sheet major\"").count() >= 4);
    // The report's own page numbers and running head, in the style sheet of the head.
    assert!(html.contains("@bottom-right { content: \"\\7b2c  \" counter(page)"));
    assert!(html.contains("counter(pages)"));
    assert!(html.contains("@top-left { content: \""));
}

#[test]
fn running_head_cannot_break_out_of_the_style_sheet() {
    let mut result = assess_case("basic-all-conform");
    result.submission.organization = "x\"; } </style><script>alert(1)</script>".to_owned();
    let html = renderer()
        .render(&result, ReportFormat::Html, Lang::En)
        .unwrap();
    let head = &html[..html.find("</head>").unwrap()];
    assert!(!head.contains("<script>"));
    assert_eq!(
        head.matches("</style>").count(),
        2,
        "only the two style elements end"
    );
}

#[test]
fn rendering_is_deterministic_and_from_the_result_alone() {
    let renderer = renderer();
    let result = assess_case("waiver-active");
    // Through the stored JSON, as `itss render RESULT.json` does.
    let stored = serde_json::to_string_pretty(&result).unwrap();
    let reloaded: AssessmentResult = serde_json::from_str(&stored).unwrap();
    let again = Renderer::bundled().unwrap();
    for format in FORMATS {
        for lang in LANGS {
            let first = renderer.render(&result, format, lang).unwrap();
            assert_eq!(first, renderer.render(&result, format, lang).unwrap());
            assert_eq!(first, again.render(&reloaded, format, lang).unwrap());
        }
    }
}

#[test]
fn rendering_is_the_same_across_threads() {
    let renderer = renderer();
    let result = assess_case("threshold-below");
    let expected = renderer
        .render(&result, ReportFormat::Html, Lang::En)
        .unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    renderer
                        .render(&result, ReportFormat::Html, Lang::En)
                        .unwrap()
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), expected);
        }
    });
}

#[test]
fn cover_shows_levels_target_and_scheme() {
    let renderer = renderer();
    // waiver-active: level "2" with waivers, none without; derived conformance catalog.
    let result = assess_case("waiver-active");
    let zh = renderer
        .render(&result, ReportFormat::Html, Lang::Zh)
        .unwrap();
    assert!(zh.contains("2级 · 改进级"));
    assert!(zh.contains("不计豁免：未达到任何等级"));
    assert!(zh.contains("按自评数据已达到目标等级"));
    // What the document is, on its first screen: a self-assessment, not an ITSS outcome.
    let cover = &zh[zh.find("id=\"cover\"").unwrap()..zh.find("id=\"toc\"").unwrap()];
    assert!(cover.contains("自评估报告"));
    assert!(cover.contains("自评计算等级"));
    assert!(cover.contains("不是 ITSS 评估结论"));
    assert!(cover.contains("非 ITSS 指标"));
    assert!(!cover.contains("达到等级<"));
    assert!(zh.contains("91110000802100433B"));
    assert!(zh.contains("衍生方案——非 ITSS 官方评估方案"));
    assert!(zh.contains("ITSS 不公布任何分数"));
    let en = renderer
        .render(&result, ReportFormat::Markdown, Lang::En)
        .unwrap();
    assert!(en.contains("Derived scheme — not an official ITSS scheme"));
    assert!(en.contains("- Computed level without waivers: No level reached"));
    assert!(en.contains("Self-assessment"));
    assert!(en.contains("ITSS publishes no scores"));
    assert!(en.contains(&result.catalog.digest));
    assert!(en.contains("conf-basic · 2015"));

    let mut official = result.clone();
    official.catalog.official = true;
    for (_, lang, text) in render_all(&renderer, &official) {
        let derived = if lang == Lang::Zh {
            "衍生方案"
        } else {
            "Derived scheme"
        };
        // "Official" names the catalog's scheme, never the result.
        let label = if lang == Lang::Zh {
            "目录采用 ITSS 官方等级方案"
        } else {
            "Catalog follows the official ITSS level scheme"
        };
        assert!(!text.contains(derived) && text.contains(label));
    }
}

#[test]
fn derived_bundled_catalog_is_labelled_derived() {
    let path = Path::new("rules/itss-ii.yaml");
    let Ok(itss::diagnostic::Loaded { value: catalog, .. }) =
        itss::internals::catalog::load(path, MAX_SIZE, false)
    else {
        return;
    };
    assert!(!catalog.official, "itss-ii is a derived scheme");
    let (result, _dir) = synthetic_result(path);
    for (format, lang, text) in render_all(&renderer(), &result) {
        let notice = if lang == Lang::Zh {
            "并非 ITSS 官方评估方案"
        } else {
            "not an official ITSS assessment scheme"
        };
        assert!(
            text.matches(notice).count() >= 2,
            "{format}/{}: derived notice on cover and footer",
            lang.as_str()
        );
    }
}

#[test]
fn ladder_explains_each_level() {
    let renderer = renderer();
    // gating: level 4 fails on a criterion; levels 3 and 2 are satisfied but not reached.
    let result = assess_case("gating-lower-level-fails");
    let md = renderer
        .render(&result, ReportFormat::Markdown, Lang::En)
        .unwrap();
    assert!(md.contains("**Not satisfied**"));
    assert!(md.contains("Criteria not met: 1 (see the action plan)"));
    assert!(
        md.matches("Not reached because Level 4 · Basic is not satisfied.")
            .count()
            == 2
    );
    // threshold-below: the element below threshold is the reason.
    let result = assess_case("threshold-below");
    let zh = renderer
        .render(&result, ReportFormat::Html, Lang::Zh)
        .unwrap();
    assert!(zh.contains("要素「管理」得分 70.0%，需达到 80.0%"));
    // prereq-flag-false: an unmet prerequisite with its detail.
    let result = assess_case("prereq-flag-false");
    let en = renderer
        .render(&result, ReportFormat::Html, Lang::En)
        .unwrap();
    assert!(en.contains("Prerequisites not met: 1"));
    assert!(en.contains("Independent legal entity: no"));
}

#[test]
fn gaps_are_grouped_by_what_fixing_takes_with_findings() {
    let result = assess_case("evidence-stale");
    let md = renderer()
        .render(&result, ReportFormat::Markdown, Lang::Zh)
        .unwrap();
    let gaps = &md[md.find("## 3. ").unwrap()..md.find("## 4. ").unwrap()];
    assert!(gaps.contains("### 距下一等级：4级 · 基本级"));
    assert!(gaps.contains("#### 补充或更新证据 (1)"));
    assert!(gaps.contains("- [ ] **B.L4.MGT.CHECK** 定期评审 — 不符合"));
    assert!(gaps.contains("证据不足"));
    assert!(gaps.contains("证据过期"));
    assert!(gaps.contains("所需证据：至少 1 项有效证据，日期在评估基准日前 365 天以内"));
}

#[test]
fn chart_draws_every_element_at_every_level() {
    let mut result = assess_case("threshold-below");
    // One score of zero (the chart reads the result alone).
    let zero = result
        .levels
        .iter_mut()
        .flat_map(|l| &mut l.elements)
        .find(|e| e.score.is_some())
        .unwrap();
    zero.score = Some(0.0);
    let html = renderer()
        .render(&result, ReportFormat::Html, Lang::En)
        .unwrap();
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    let bars = svg.matches("<rect").count();
    let scores = || result.levels.iter().flat_map(|l| &l.elements);
    let nulls = scores().filter(|e| e.score.is_none()).count();
    // A zero score draws no bar (no zero-height noise); the table gives its value.
    let zeros = scores().filter(|e| e.score == Some(0.0)).count();
    assert_eq!(zeros, 1);
    assert!(!svg.contains("height=\"0\""));
    assert_eq!(
        bars + nulls + zeros,
        result.levels.len() * result.elements.len()
    );
    assert_eq!(svg.matches(">n&#x2f;a</text>").count(), nulls);
    assert!(svg.contains("threshold 80.0%"));
    for tick in ["0%", "25%", "50%", "75%", "100%"] {
        assert!(svg.contains(&format!(">{tick}</text>")));
    }
}

#[test]
fn generated_at_appears_only_when_given() {
    let renderer = renderer();
    let mut result = assess_case("basic-all-conform");
    for (_, lang, text) in render_all(&renderer, &result) {
        let label = if lang == Lang::Zh {
            "生成时间"
        } else {
            "Generated at"
        };
        assert!(!text.contains(label));
    }
    result.generated_at = Some("2026-10-02T08:00:00Z".to_owned());
    for (_, _, text) in render_all(&renderer, &result) {
        assert!(text.contains("2026-10-02T08:00:00Z"));
    }
}

#[test]
fn waivers_show_expiry_and_state() {
    let result = assess_case("waiver-expired");
    let renderer = renderer();
    let html = renderer
        .render(&result, ReportFormat::Html, Lang::Zh)
        .unwrap();
    assert!(html.contains("已到期"));
    assert!(html.contains("豁免已到期"));
    let md = renderer
        .render(&result, ReportFormat::Markdown, Lang::En)
        .unwrap();
    let waiver = result.waivers.first().unwrap();
    assert!(md.contains(&format!("| {} | Expired |", waiver.expires_on)));
    assert!(
        result
            .criteria
            .iter()
            .any(|c| c.status == Status::Nonconform)
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn templates_dir_replaces_the_bundled_set() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("report-templates"), dir.path());
    let result = assess_case("basic-all-conform");
    // An unchanged copy renders exactly like the embedded set.
    let copy = Renderer::from_dir(dir.path()).unwrap();
    for format in FORMATS {
        assert_eq!(
            copy.render(&result, format, Lang::Zh).unwrap(),
            renderer().render(&result, format, Lang::Zh).unwrap()
        );
    }
    // Branding: a changed string and style sheet.
    let zh = dir.path().join("locales/zh.yaml");
    let text = std::fs::read_to_string(&zh)
        .unwrap()
        .replace("kind: 自评估", "kind: 某认证机构 · 自评估");
    std::fs::write(&zh, text).unwrap();
    std::fs::write(dir.path().join("style.css"), "body { color: #123456; }\n").unwrap();
    let branded = Renderer::from_dir(dir.path())
        .unwrap()
        .render(&result, ReportFormat::Html, Lang::Zh)
        .unwrap();
    assert!(branded.contains("某认证机构 · 自评估"));
    assert!(branded.contains("#123456"));
}

#[test]
fn template_errors_name_the_template_and_line() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("report-templates"), dir.path());
    let partial = dir.path().join("partials/waivers.html.j2");
    std::fs::write(&partial, "<p>\n{% if %}\n").unwrap();
    match Renderer::from_dir(dir.path()) {
        Err(ReportError::Syntax { template, line, .. }) => {
            assert_eq!(template, "partials/waivers.html.j2");
            assert_eq!(line, Some(2));
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    std::fs::write(&partial, "<p>\n{{ t(\"no.such.key\") }}\n").unwrap();
    let renderer = Renderer::from_dir(dir.path()).unwrap();
    match renderer.render(
        &assess_case("basic-all-conform"),
        ReportFormat::Html,
        Lang::En,
    ) {
        Err(ReportError::MissingLocaleKey {
            key,
            lang,
            template,
            line,
        }) => {
            assert_eq!(
                (key.as_str(), lang.as_str(), template.as_str(), line),
                ("no.such.key", "en", "partials/waivers.html.j2", Some(2))
            );
        }
        other => panic!("expected a missing locale key, got {other:?}"),
    }
    std::fs::write(&partial, "{{ report.no_such_field }}").unwrap();
    let renderer = Renderer::from_dir(dir.path()).unwrap();
    let err = renderer
        .render(
            &assess_case("basic-all-conform"),
            ReportFormat::Html,
            Lang::Zh,
        )
        .unwrap_err();
    assert!(
        matches!(err, ReportError::Render { .. }),
        "strict undefined: {err}"
    );
    assert!(
        err.to_string().contains("partials/waivers.html.j2"),
        "{err}"
    );
}

#[test]
fn locale_sets_are_checked_when_loaded() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new("report-templates"), dir.path());
    let en = dir.path().join("locales/en.yaml");
    std::fs::write(
        &en,
        std::fs::read_to_string(&en).unwrap() + "extra:\n  key: x\n",
    )
    .unwrap();
    match Renderer::from_dir(dir.path()) {
        Err(ReportError::LocaleKeysDiffer { lang, extra, .. }) => {
            assert_eq!(lang, "en");
            assert_eq!(extra, ["extra.key"]);
        }
        other => panic!("expected differing locales, got {other:?}"),
    }
    std::fs::remove_file(&en).unwrap();
    let zh_only = Renderer::from_dir(dir.path()).unwrap();
    let err = zh_only
        .render(
            &assess_case("basic-all-conform"),
            ReportFormat::Html,
            Lang::En,
        )
        .unwrap_err();
    assert!(
        matches!(err, ReportError::MissingLocale(ref l) if l == "en"),
        "{err}"
    );
    assert!(matches!(
        Renderer::from_dir(&dir.path().join("nope")),
        Err(ReportError::Io { .. })
    ));
}

#[test]
fn render_template_serves_other_documents() {
    let files = [
        (
            "summary.html.j2".to_owned(),
            "<h1>{{ t('title', n=count) }}</h1><p>{{ name }}</p><p>{{ text|tx }}</p>".to_owned(),
        ),
        (
            "list.md.j2".to_owned(),
            "| {{ name|md }} | {{ score|pct }} | {{ none_score|pct }} |".to_owned(),
        ),
        (
            "locales/zh.yaml".to_owned(),
            "title: 共 {n} 份\n".to_owned(),
        ),
        (
            "locales/en.yaml".to_owned(),
            "title: \"{n} submissions\"\n".to_owned(),
        ),
    ];
    let renderer = Renderer::from_files(files).unwrap();
    let context = serde_json::json!({
        "count": 3, "name": "<b>a|b</b>\u{202E}", "text": {"zh": "中文", "en": "English"},
        "score": 0.8125, "none_score": null
    });
    assert_eq!(
        renderer
            .render_template("summary.html.j2", &context, Lang::En)
            .unwrap(),
        "<h1>3 submissions</h1><p>&lt;b&gt;a|b&lt;&#x2f;b&gt;‹U+202E›</p><p>English</p>"
    );
    assert_eq!(
        renderer
            .render_template("summary.html.j2", &context, Lang::Zh)
            .unwrap(),
        "<h1>共 3 份</h1><p>&lt;b&gt;a|b&lt;&#x2f;b&gt;‹U+202E›</p><p>中文</p>"
    );
    assert_eq!(
        renderer
            .render_template("list.md.j2", &context, Lang::Zh)
            .unwrap(),
        r"| \<b\>a\|b\</b\>‹U+202E› | 81.3% | — |"
    );
    assert!(matches!(
        renderer.render_template("nope.j2", &context, Lang::Zh),
        Err(ReportError::MissingTemplate(name)) if name == "nope.j2"
    ));
}

#[test]
fn report_format_names() {
    assert_eq!(ReportFormat::Html.extension(), "html");
    assert_eq!(ReportFormat::Markdown.extension(), "md");
}

/// A batch summary as `itss batch` serializes it (SPEC §9: level distribution, blocking
/// rates most blocking first, element score distribution, invalid files with reasons).
fn summary_context() -> serde_json::Value {
    let text = |zh: &str, en: &str| serde_json::json!({"zh": zh, "en": en});
    serde_json::json!({"summary": {
        "files": 5, "assessed": 4, "invalid": 1, "duplicates": 0, "parsed": 0,
        "catalogs": [{
            "catalog": "conf-basic", "title": {"zh": "运行维护<b>子集</b>", "en": "O&M <b>subset</b>"}, "official": false,
            "levels": [{"id": "4", "name": text("基本级", "Basic"), "numbered": true}, {"id": "3", "name": text("拓展级", "Extended"), "numbered": true}, {"id": "2", "name": text("改进级", "Improved"), "numbered": true}],
            "elements": [{"id": "management", "name": text("管理", "Management"), "numbered": false}, {"id": "people", "name": text("人员", "People"), "numbered": false}],
            "matrix": [[2, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]],
            "no_level": {"count": 3, "prerequisites_only": 1, "criteria_only": 2, "both": 0},
            "assessed": 4, "achieved": {"2": 1, "none": 3}, "target_met": 1, "target_missed": 3,
            "mean_index": 0.9167,
            "criteria": [
                {"id": "B.L4.RES.DESK", "level": "4", "element": "resources", "title": text("服务台", "Service desk"), "blocks": 3, "considered": 3, "blocking_rate": 1.0},
                {"id": "B.L4.MGT.PLAN", "level": "4", "element": "management", "title": text("策划", "Planning"), "blocks": 1, "considered": 4, "blocking_rate": 0.25},
                {"id": "B.L3.PPL.EXP", "level": "3", "element": "people", "title": text("经验", "Experience"), "blocks": 0, "considered": 1, "blocking_rate": 0.0}
            ],
            "element_scores": [
                {"level": "4", "level_name": text("基本级", "Basic"), "element": "management", "element_name": text("管理", "Management"), "count": 4, "mean": 0.875, "histogram": [0, 0, 0, 0, 0, 1, 0, 0, 0, 3]}
            ],
            "prerequisites": [{"id": "legal-entity", "title": text("独立法人", "Legal entity"), "level": "4", "failed": 2}]
        }],
        "invalid_files": [{"path": "bad/<x>.yaml", "codes": ["schema"], "message": "`rating` must be one of …", "line": 7, "column": 3}]
    },
    "submissions": [
        {"id": "s1", "organization": "甲公司", "catalog": "conf-basic", "target": "4", "achieved": null, "next_level": "4", "next_blocking": 2, "next_prerequisites": 1, "next_below": 0, "next_earliest": null, "report": "reports/s1.html"},
        {"id": "s2", "organization": "乙公司", "catalog": "conf-basic", "target": "2", "achieved": "2", "next_level": null, "next_blocking": 0, "next_prerequisites": 0, "next_below": 0, "next_earliest": null, "report": null}
    ],
    "submissions_total": 4})
}

#[test]
fn batch_summary_page() {
    let renderer = renderer();
    let html = renderer
        .render_template("summary.html.j2", &summary_context(), Lang::Zh)
        .unwrap();
    assert_self_contained(&html);
    assert!(html.contains("运行维护&lt;b&gt;子集&lt;&#x2f;b&gt;"));
    assert!(html.contains("bad&#x2f;&lt;x&gt;.yaml"));
    assert!(html.contains("75.0%"), "3 of 4 achieved no level");
    assert!(html.contains("91.7%"), "mean index");
    let desk = html.find("RES.<wbr>DESK").unwrap();
    let plan = html.find("MGT.<wbr>PLAN").unwrap();
    assert!(desk < plan, "most blocking first");
    assert!(
        !html.contains("PPL.<wbr>EXP"),
        "criteria that never blocked are not listed"
    );
    assert!(html.contains("衍生方案"));
    // Levels by name, the target × computed matrix, why no level, the submissions with
    // links to their reports (2 of 4 listed), invalid files at line and column.
    assert!(html.contains("4级 · 基本级"));
    assert!(
        html.contains("<th>4级 · 基本级</th>"),
        "matrix rows by level name"
    );
    assert!(html.contains("自评目标等级 × 计算等级"));
    assert!(html.contains("仅条款未达要求（前提条件均已满足）"));
    assert!(html.contains("<a href=\"reports&#x2f;s1.html\">查看报告</a>"));
    assert!(html.contains("仅列出前 2 份（共 4 份）"));
    assert!(html.contains("4级 · 基本级：2 项条款、1 项前提条件"));
    assert!(html.contains("bad&#x2f;&lt;x&gt;.yaml:7:3"));
    let en = renderer
        .render_template("summary.html.j2", &summary_context(), Lang::En)
        .unwrap();
    assert!(en.contains("Batch self-assessment summary") && en.contains("100.0%"));
    // The real (empty) summary type renders too.
    let empty = serde_json::json!({"summary": itss::internals::cohort::BatchSummary::default()});
    let html = renderer
        .render_template("summary.html.j2", &empty, Lang::Zh)
        .unwrap();
    assert!(html.contains("没有无效申报"));
}
