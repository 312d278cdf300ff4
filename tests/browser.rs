//! The HTML report in a real browser (issue #4): headless Chromium loads the report of an
//! example submission whose company name is `<script>alert(1)</script>`, takes a screenshot
//! (kept under `target/report-artifacts/`), and the test checks that the page made no network
//! request and shows the company name as text.
//!
//! Chromium is Debian's `chromium` (or the executable named by `ITSS_CHROMIUM`). When it is
//! absent the test is skipped with a message, except under CI (`CI` set), where it fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers may fail loudly

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use itss::diagnostic::Loaded;
use itss::internals::engine::{Catalogs, Engine};
use itss::internals::report::{Renderer, ReportFormat};
use itss::result::AssessmentResult;
use itss::text::Lang;

const COMPANY: &str = "<script>alert(1)</script>";
const TIMEOUT: Duration = Duration::from_secs(120);

/// The Chromium executable, or `None` (after a skip message) when it is absent locally.
fn chromium() -> Option<PathBuf> {
    let found = match std::env::var_os("ITSS_CHROMIUM") {
        Some(path) => Some(PathBuf::from(path)).filter(|p| p.is_file()),
        None => std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("chromium"))
                .find(|p| p.is_file())
        }),
    };
    if found.is_none() {
        let message = "Chromium not found (install Debian's `chromium` or set ITSS_CHROMIUM)";
        assert!(
            std::env::var_os("CI").is_none(),
            "{message}: the browser test never skips in CI"
        );
        eprintln!("SKIPPED browser test: {message}");
    }
    found
}

/// `<target dir>/report-artifacts`, kept after the run.
fn artifacts_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("report-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The waiver-active example (waivers, a top-level finding), with a hostile company name.
fn example() -> AssessmentResult {
    let case = "tests/conformance/cases/waiver-active";
    let catalog = Path::new(case).join("../../catalogs/basic.yaml");
    let mut engine = Engine::new(Catalogs::from_file(&catalog, 64 << 20).unwrap());
    engine.options.skip_evidence_files = false;
    engine.waivers =
        itss::internals::waiver::load(&Path::new(case).join("waivers.yaml"), 64 << 20).unwrap();
    let Ok(Loaded {
        value: mut result, ..
    }) = engine.assess_file(&Path::new(case).join("submission.yaml"))
    else {
        panic!("the example submission is invalid");
    };
    result.submission.organization = COMPANY.to_owned();
    *result
}

/// Runs Chromium headless on `url` with a fresh profile, killing it after [`TIMEOUT`].
fn run_chromium(chromium: &Path, url: &str, extra: &[String]) -> Output {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain the pipes while waiting so a chatty browser cannot block on a full pipe.
    let stdout = child.stdout.take().map(|mut s| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = std::io::Read::read_to_end(&mut s, &mut buf);
            buf
        })
    });
    let stderr = child.stderr.take().map(|mut s| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = std::io::Read::read_to_end(&mut s, &mut buf);
            buf
        })
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            panic!("Chromium did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let join = |h: Option<std::thread::JoinHandle<Vec<u8>>>| {
        h.map(|h| h.join().unwrap()).unwrap_or_default()
    };
    Output {
        status,
        stdout: join(stdout),
        stderr: join(stderr),
    }
}

/// A URL request from a NetLog (`--log-net-log`).
#[derive(Debug)]
struct Request {
    url: String,
    /// The origin that caused it; `not an origin` for the browser's own background traffic
    /// (update checks, network time, account lookups), which no page can cause.
    initiator: String,
}

impl Request {
    fn by_page(&self) -> bool {
        self.initiator != "not an origin"
    }
}

/// Every `URL_REQUEST_START_JOB` of a NetLog file.
fn url_requests(netlog: &Path) -> Vec<Request> {
    let text = std::fs::read_to_string(netlog).unwrap();
    // A NetLog is complete JSON once the browser exits cleanly; tolerate a missing tail.
    let json: serde_json::Value = serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(&format!("{}]}}", text.trim_end().trim_end_matches(','))))
        .unwrap_or_else(|e| panic!("unreadable NetLog {}: {e}", netlog.display()));
    let start_job = json["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .expect("the NetLog names URL_REQUEST_START_JOB");
    let events = json["events"].as_array().expect("the NetLog has events");
    assert!(!events.is_empty(), "the NetLog recorded nothing");
    events
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start_job))
        .filter_map(|e| {
            Some(Request {
                url: e["params"]["url"].as_str()?.to_owned(),
                initiator: e["params"]["initiator"].as_str().unwrap_or("").to_owned(),
            })
        })
        .collect()
}

/// Loads `url`, takes a screenshot and returns the URL requests the page made (and prints
/// the browser's own background requests, which are not the page's).
fn load(chromium: &Path, url: &str, screenshot: &Path, netlog: &Path) -> Vec<Request> {
    let _ = std::fs::remove_file(screenshot);
    let output = run_chromium(
        chromium,
        url,
        &[
            format!("--log-net-log={}", netlog.display()),
            format!("--screenshot={}", screenshot.display()),
            "--window-size=1280,2000".to_owned(),
        ],
    );
    assert!(
        output.status.success(),
        "Chromium failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let (by_page, background): (Vec<Request>, Vec<Request>) =
        url_requests(netlog).into_iter().partition(Request::by_page);
    if !background.is_empty() {
        let urls: Vec<&str> = background
            .iter()
            .map(|r| r.url.split('?').next().unwrap_or(""))
            .collect();
        eprintln!("(browser background requests, not caused by the page: {urls:?})");
    }
    by_page
}

#[test]
fn report_in_headless_chromium() {
    let Some(chromium) = chromium() else { return };
    let dir = artifacts_dir();
    let renderer = Renderer::bundled().unwrap();
    let result = example();
    let mut pages = Vec::new();
    for (lang, name) in [(Lang::Zh, "report"), (Lang::En, "report-en")] {
        let html = renderer.render(&result, ReportFormat::Html, lang).unwrap();
        let path = dir.join(format!("{name}.html"));
        std::fs::write(&path, html).unwrap();
        pages.push((name, path.canonicalize().unwrap()));
    }

    // Control: the NetLog check does see a request a page makes.
    let control = dir.join("control.html");
    std::fs::write(
        &control,
        r#"<!DOCTYPE html><p>control</p><img src="http://127.0.0.1:9/probe.png">"#,
    )
    .unwrap();
    let requests = load(
        &chromium,
        &format!("file://{}", control.canonicalize().unwrap().display()),
        &dir.join("control.png"),
        &dir.join("control.netlog.json"),
    );
    assert!(
        requests
            .iter()
            .any(|r| r.url == "http://127.0.0.1:9/probe.png"),
        "the NetLog check missed the control page's request: {requests:?}"
    );

    for (name, page) in &pages {
        let screenshot = dir.join(format!("{name}.png"));
        let requests = load(
            &chromium,
            &format!("file://{}", page.display()),
            &screenshot,
            &dir.join(format!("{name}.netlog.json")),
        );
        let png = std::fs::read(&screenshot)
            .unwrap_or_else(|e| panic!("no screenshot {}: {e}", screenshot.display()));
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 20_000,
            "the screenshot looks empty"
        );
        eprintln!("screenshot: {}", screenshot.display());
        let external: Vec<&Request> = requests
            .iter()
            .filter(|r| !(r.url.starts_with("file:") || r.url.starts_with("data:")))
            .collect();
        assert!(
            external.is_empty(),
            "the report made network requests: {external:?}"
        );
    }

    // The DOM as the browser built it: the company name is text, and there is no script.
    let (_, page) = &pages[0];
    let output = run_chromium(
        &chromium,
        &format!("file://{}", page.display()),
        &["--dump-dom".to_owned()],
    );
    assert!(
        output.status.success(),
        "Chromium --dump-dom failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dom = String::from_utf8_lossy(&output.stdout);
    std::fs::write(dir.join("report.dom.html"), dom.as_bytes()).unwrap();
    assert!(dom.contains("自评估报告"), "the DOM dump lacks the report");
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the company name is not shown as text"
    );
    assert!(
        !dom.to_lowercase().contains("<script"),
        "the DOM has a script element"
    );
}

/// `pdftotext` (Debian's poppler-utils), or `None` (after a skip message) when it is absent
/// locally; under CI it must be there.
fn pdftotext() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("pdftotext"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let message = "pdftotext not found (install Debian's `poppler-utils`)";
        assert!(
            std::env::var_os("CI").is_none(),
            "{message}: the print test never skips in CI"
        );
        eprintln!("SKIPPED print check: {message}");
    }
    found
}

const EXAMPLES: [&str; 4] = ["om-full", "om-level3", "om-level4", "om-prereq-fail"];

/// The zh HTML reports of the four examples, written to `dir`.
fn example_reports(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let mut engine = Engine::new(Catalogs::bundled().unwrap());
    engine.options.skip_evidence_files = false;
    let renderer = Renderer::bundled().unwrap();
    EXAMPLES
        .iter()
        .map(|&name| {
            let path = Path::new("examples").join(name).join("submission.yaml");
            let Ok(Loaded { value: result, .. }) = engine.assess_file(&path) else {
                panic!("{name} is invalid");
            };
            let html = renderer
                .render(&result, ReportFormat::Html, Lang::Zh)
                .unwrap();
            let file = dir.join(format!("{name}.zh.html"));
            std::fs::write(&file, html).unwrap();
            (name, file.canonicalize().unwrap())
        })
        .collect()
}

/// The reports of the examples on a desktop and on a phone, and printed (issue #18): no
/// horizontal scroll at 1280 px or 400 px; printed with the browser's own header and footer
/// off, the PDF carries the report's own page numbers and running head. Screenshots of the
/// first screen (1280 and 400 px) and of the action plan stay in `target/report-artifacts/`.
#[test]
fn examples_fit_phones_and_print_with_their_own_page_numbers() {
    let Some(chromium) = chromium() else { return };
    let dir = artifacts_dir().join("examples");
    std::fs::create_dir_all(&dir).unwrap();
    let reports = example_reports(&dir);

    // Widths, measured by a page that loads each report in a frame of the width under test
    // (the reports themselves run no script: their CSP forbids it).
    let frames: Vec<String> = reports
        .iter()
        .flat_map(|(name, _)| [1280, 400].map(|w| format!("[\"{name}.zh.html\", {w}]")))
        .collect();
    let measure = dir.join("measure.html");
    std::fs::write(
        &measure,
        format!(
            r#"<!DOCTYPE html><html><body><pre id="out">pending</pre><script>
const frames = [{}]; const out = []; let left = frames.length;
for (const [src, w] of frames) {{
  const f = document.createElement("iframe");
  f.style.width = w + "px"; f.style.height = "900px"; f.style.border = "0";
  f.onload = () => {{
    const d = f.contentDocument.documentElement;
    out.push(src + " " + w + " " + d.scrollWidth + " " + d.clientWidth);
    if (--left === 0) document.getElementById("out").textContent = "done\n" + out.sort().join("\n");
  }};
  f.src = src; document.body.appendChild(f);
}}
</script></body></html>"#,
            frames.join(",")
        ),
    )
    .unwrap();
    let output = run_chromium(
        &chromium,
        &format!("file://{}", measure.canonicalize().unwrap().display()),
        &[
            "--allow-file-access-from-files".to_owned(),
            "--virtual-time-budget=20000".to_owned(),
            "--dump-dom".to_owned(),
        ],
    );
    let dom = String::from_utf8_lossy(&output.stdout);
    let text = dom
        .split("<pre id=\"out\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_default();
    assert!(text.starts_with("done"), "the frames did not load: {dom}");
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(lines.len(), EXAMPLES.len() * 2, "{text}");
    for line in lines {
        let f: Vec<&str> = line.split(' ').collect();
        let (scroll, client): (u32, u32) = (f[2].parse().unwrap(), f[3].parse().unwrap());
        assert!(
            scroll <= client,
            "{} at {} px scrolls sideways: content {scroll} px wide in {client} px",
            f[0],
            f[1]
        );
    }

    for (name, page) in &reports {
        let url = format!("file://{}", page.display());
        // First screens, desktop and phone.
        for (suffix, size) in [("", "1280,900"), ("-400px", "400,900")] {
            let shot = dir.join(format!("{name}.zh{suffix}.png"));
            let out = run_chromium(
                &chromium,
                &url,
                &[
                    format!("--screenshot={}", shot.display()),
                    format!("--window-size={size}"),
                ],
            );
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                std::fs::read(&shot).unwrap().len() > 10_000,
                "{name}: empty screenshot"
            );
        }
        // The action plan, through a frame scrolled to it.
        let frame = dir.join(format!("{name}.plan.html"));
        std::fs::write(
            &frame,
            format!(
                r#"<!DOCTYPE html><html><body style="margin:0"><iframe src="{name}.zh.html#gaps" style="border:0;width:1280px;height:1400px"></iframe></body></html>"#
            ),
        )
        .unwrap();
        let shot = dir.join(format!("{name}.zh-plan.png"));
        let out = run_chromium(
            &chromium,
            &format!("file://{}", frame.canonicalize().unwrap().display()),
            &[
                "--allow-file-access-from-files".to_owned(),
                "--virtual-time-budget=5000".to_owned(),
                format!("--screenshot={}", shot.display()),
                "--window-size=1280,1400".to_owned(),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );

        // Print, with the browser's own header and footer off.
        let pdf = dir.join(format!("{name}.zh.pdf"));
        let _ = std::fs::remove_file(&pdf);
        let out = run_chromium(
            &chromium,
            &url,
            &[
                format!("--print-to-pdf={}", pdf.display()),
                "--no-pdf-header-footer".to_owned(),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            std::fs::read(&pdf).unwrap().starts_with(b"%PDF"),
            "{name}: no PDF"
        );
        eprintln!("printed: {}", pdf.display());
    }

    let Some(pdftotext) = pdftotext() else { return };
    for (name, _) in &reports {
        let pdf = dir.join(format!("{name}.zh.pdf"));
        let out = Command::new(&pdftotext)
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        // "第 n 页 / 共 N 页" on every page, n from 1 to N.
        let numbers: Vec<(u32, u32)> = text
            .match_indices("第 ")
            .filter_map(|(at, _)| {
                let rest = &text[at + "第 ".len()..];
                let (n, rest) = rest.split_once(" 页 / 共 ")?;
                let (total, _) = rest.split_once(" 页")?;
                Some((n.parse().ok()?, total.parse().ok()?))
            })
            .collect();
        let total = numbers.first().map_or(0, |&(_, t)| t);
        assert!(total >= 2, "{name}: no page numbers in the PDF:\n{text}");
        let pages: BTreeSet<u32> = numbers.iter().map(|&(n, _)| n).collect();
        assert_eq!(
            pages,
            (1..=total).collect::<BTreeSet<u32>>(),
            "{name}: every page numbered once"
        );
        assert!(numbers.iter().all(|&(_, t)| t == total));
        // The running head (organization · submission id) from the second page on.
        assert!(text.contains(" · "), "{name}: no running head");
        // No page but the last holds only a heading or a line or two: beside the running
        // head and the page number, at least six lines of content.
        let pages: Vec<&str> = text.split('\u{c}').collect();
        for (i, page) in pages.iter().enumerate().take(pages.len().saturating_sub(2)) {
            let lines = page.lines().filter(|l| !l.trim().is_empty()).count();
            assert!(
                lines >= 9,
                "{name}: page {} is nearly empty:\n{page}",
                i + 1
            );
        }
        // Collapsed levels do not print their rows: om-level4 (level 4, target 3) prints
        // none of level 2 or 1.
        if *name == "om-level4" {
            assert!(
                !text.contains("OM.L2.") && !text.contains("OM.L1."),
                "{name}: collapsed rows printed"
            );
            assert!(
                text.contains("OM.L3."),
                "{name}: the target level's rows are missing"
            );
        }
    }
}
