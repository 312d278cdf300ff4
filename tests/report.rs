use itss::report::{ReportFormat, Renderer};
use itss::result::AssessmentResult;
use itss::text::Lang;

#[test]
fn scratch() {
    let r = Renderer::bundled().unwrap();
    for f in ["/tmp/example-result.json", "/tmp/example-result-waiver.json", "/tmp/example-result-threshold.json"] {
        let res: AssessmentResult = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        for lang in [Lang::Zh, Lang::En] {
            for fmt in [ReportFormat::Html, ReportFormat::Markdown] {
                match r.render(&res, fmt, lang) {
                    Ok(s) => std::fs::write(format!("/tmp/out-{}-{}.{}", f.trim_start_matches("/tmp/").trim_end_matches(".json"), lang.as_str(), fmt.extension()), s).unwrap(),
                    Err(e) => panic!("{e}"),
                }
            }
        }
    }
}
