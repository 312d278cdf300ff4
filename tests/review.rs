//! Reviews (README, "Reviews"): an assessment body's verification of a submission.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use itss::diagnostic::{Loaded, Rejected};
use itss::internals::engine::{Catalogs, Engine, Reviews};
use itss::internals::review::Review;
use itss::internals::source::DEFAULT_MAX_FILE_SIZE;
use itss::result::AssessmentResult;
use itss::result::review::{NonconformityState, ReviewStatus};
use serde_json::Value;

mod support;
use support::copy_dir;

const EXAMPLE: &str = "examples/om-level3";

fn itss() -> Command {
    let mut cmd = Command::cargo_bin("itss").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// The example folder copied into a temporary directory (submission, evidence, review).
fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(Path::new(EXAMPLE), dir.path());
    dir
}

/// `itss assess SUBMISSION --review REVIEW` with `extra` arguments.
fn assess_with_review(submission: &Path, review: &Path, extra: &[&str]) -> std::process::Output {
    itss()
        .arg("assess")
        .args(extra)
        .arg(submission)
        .arg("--review")
        .arg(review)
        .output()
        .unwrap()
}

fn engine() -> Engine {
    Engine::new(Catalogs::bundled().unwrap())
}

fn assess(engine: &Engine, path: &Path) -> AssessmentResult {
    match engine.assess_file(path) {
        Ok(Loaded { value: result, .. }) => *result,
        Err(Rejected { diagnostics, .. }) => panic!("{diagnostics:#?}"),
    }
}

fn reviewed(submission: &Path, review: &Path) -> AssessmentResult {
    let mut engine = engine();
    engine.reviews = Reviews::One(Box::new(
        Review::load(review, DEFAULT_MAX_FILE_SIZE)
            .unwrap_or_else(|r| panic!("{:#?}", r.diagnostics)),
    ));
    assess(&engine, submission)
}

fn sha256(path: &Path) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(fs::read(path).unwrap());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A minimal review of `submission` with the given verdicts and nonconformities (YAML).
fn review_text(submission: &Path, id: &str, rest: &str) -> String {
    format!(
        "review: itss-review/1\nsubmission: {{id: {id}, sha256: {}}}\nbody: {{name: 测试评估机构}}\nteam: [{{name: 张三, role: lead}}, {{name: 李四, role: member}}]\n{rest}",
        sha256(submission)
    )
}

#[test]
fn the_example_review_gives_a_provisional_level_4_beside_the_self_assessed_level_3() {
    let r = reviewed(
        &Path::new(EXAMPLE).join("submission.yaml"),
        &Path::new(EXAMPLE).join("review.yaml"),
    );
    let review = r.review.as_ref().unwrap();
    assert_eq!(r.achieved_level.as_deref(), Some("4"));
    assert_eq!(review.self_assessed.achieved_level.as_deref(), Some("3"));
    assert_eq!(review.status, ReviewStatus::Provisional);
    assert_eq!(r.as_of.to_string(), "2026-11-10", "the review's as_of");
    let states: Vec<_> = review
        .nonconformities
        .iter()
        .map(|n| (n.id.as_str(), n.state, n.overdue))
        .collect();
    assert_eq!(
        states,
        [
            ("NC-01", NonconformityState::Open, false),
            ("NC-02", NonconformityState::Closed, false)
        ]
    );
    let a = review.agreement.overall;
    assert_eq!((a.compared, a.confirmed, a.lowered, a.raised), (6, 4, 1, 1));
    assert_eq!((a.agreement, a.kappa), (Some(0.6667), Some(0.4)));
    let change = r
        .criteria
        .iter()
        .find(|c| &*c.id == "OM.L3.PRC.CHANGE")
        .unwrap();
    assert_eq!(change.rating.map(|x| x.as_str()), Some("partial"));
    let cr = change.review.as_ref().unwrap();
    assert_eq!(cr.declared_rating.map(|x| x.as_str()), Some("conform"));
    assert!(cr.viewed);
    assert_eq!(cr.seen, ["现场查看运维平台变更工单 12 单"]);
    let turnover = r
        .criteria
        .iter()
        .find(|c| &*c.id == "OM.L3.KI.TURNOVER")
        .unwrap();
    assert_eq!(
        turnover.metrics["key_post_turnover"],
        serde_json::json!(0.148)
    );
    // The document is a valid itss-result/2.
    let json = serde_json::to_value(&r).unwrap();
    let validator = itss::internals::schema::SchemaKind::Result.validator();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn a_team_rating_that_lowers_one_criterion_drops_the_level_as_re_answering_would() {
    let dir = example_copy();
    let original = dir.path().join("submission.yaml");
    let review = dir.path().join("lower.yaml");
    fs::write(
        &review,
        review_text(
            &original,
            "shuan-yunwei-2026",
            "verdicts:\n  OM.L3.PRC.CHANGE: {rating: partial}\n",
        ),
    )
    .unwrap();
    let by_review = reviewed(&original, &review);

    // The same change made by the enterprise itself.
    let text = fs::read_to_string(&original).unwrap();
    let at = text.find("  OM.L3.PRC.CHANGE:").unwrap();
    let rating = at + text[at..].find("rating: conform").unwrap();
    let mut answered = text.clone();
    answered.replace_range(rating..rating + "rating: conform".len(), "rating: partial");
    let reanswered_path = dir.path().join("reanswered.yaml");
    fs::write(&reanswered_path, answered).unwrap();
    let mut reanswered = assess(&engine(), &reanswered_path);

    assert_eq!(by_review.achieved_level.as_deref(), Some("4"));
    assert_eq!(by_review.achieved_level, reanswered.achieved_level);
    assert_eq!(by_review.index, reanswered.index);
    assert_eq!(by_review.levels, reanswered.levels);
    assert_eq!(by_review.gaps, reanswered.gaps);
    let statuses = |r: &AssessmentResult| -> Vec<_> {
        r.criteria
            .iter()
            .map(|c| (c.id.clone(), c.rating, c.status, c.blocking, c.credit))
            .collect()
    };
    assert_eq!(statuses(&by_review), statuses(&reanswered));
    // Without the review, the same file computes level 3.
    reanswered = assess(&engine(), &original);
    assert_eq!(reanswered.achieved_level.as_deref(), Some("3"));
}

#[test]
fn a_team_rating_scores_an_unanswered_criterion_and_team_files_count_as_evidence() {
    let dir = example_copy();
    let submission = dir.path().join("submission.yaml");
    let review = dir.path().join("r.yaml");
    // OM.L2.DLV.ASSESS is unanswered; the team rates it conform on a file it checked.
    fs::write(
        &review,
        review_text(
            &submission,
            "shuan-yunwei-2026",
            "as_of: 2026-10-15\nverdicts:\n  OM.L2.DLV.ASSESS:\n    rating: conform\n    checked:\n      - {path: evidence/customer-comms-2026.md}\n      - {seen: 调研记录}\n",
        ),
    )
    .unwrap();
    let r = reviewed(&submission, &review);
    let c = r
        .criteria
        .iter()
        .find(|c| &*c.id == "OM.L2.DLV.ASSESS")
        .unwrap();
    assert_eq!(c.status.as_str(), "conform", "{:#?}", c.findings);
    assert_eq!(c.evidence.len(), 1, "the seen record is not a file");
    assert_eq!(c.review.as_ref().unwrap().declared_rating, None);
    // Unanswered on one side: not compared.
    assert_eq!(r.review.as_ref().unwrap().agreement.overall.compared, 0);
}

#[test]
fn a_review_of_another_file_or_naming_unknown_criteria_is_refused() {
    let dir = example_copy();
    let submission = dir.path().join("submission.yaml");
    let wrong = dir.path().join("wrong.yaml");
    let text = review_text(&submission, "shuan-yunwei-2026", "")
        .replace(&sha256(&submission), &"0".repeat(64));
    fs::write(&wrong, text).unwrap();
    let out = assess_with_review(&submission, &wrong, &["--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("review-mismatch"), "{stderr}");
    assert!(stderr.contains("changed since the review"), "{stderr}");
    assert!(out.stdout.is_empty(), "no result");

    let unknown = dir.path().join("unknown.yaml");
    fs::write(
        &unknown,
        review_text(
            &submission,
            "shuan-yunwei-2026",
            "verdicts:\n  OM.L9.NOPE: {rating: conform}\n  OM.L3.KI.TURNOVER: {metrics: {no_such_metric: 1}}\n",
        ),
    )
    .unwrap();
    let out = assess_with_review(&submission, &unknown, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("review-unknown-criterion"), "{stderr}");
    assert!(stderr.contains("review-unknown-metric"), "{stderr}");
    assert!(stderr.contains("OM.L9.NOPE"), "{stderr}");

    let two_leads = dir.path().join("leads.yaml");
    fs::write(
        &two_leads,
        review_text(&submission, "shuan-yunwei-2026", "").replace("role: member", "role: lead"),
    )
    .unwrap();
    let out = assess_with_review(&submission, &two_leads, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("review-team"));
}

#[test]
fn final_only_when_every_nonconformity_is_closed_and_verified_by_the_as_of_date() {
    let dir = example_copy();
    let submission = dir.path().join("submission.yaml");
    let review = dir.path().join("r.yaml");
    let with = |action: &str, as_of: &str| {
        fs::write(
            &review,
            review_text(
                &submission,
                "shuan-yunwei-2026",
                &format!(
                    "as_of: {as_of}\nnonconformities:\n  - id: NC-01\n    criterion: OM.L3.PRC.CHANGE\n    severity: major\n    statement: {{zh: 变更未审批, en: changes not approved}}\n    action: {{owner: 王五, due: 2026-11-01{action}}}\n"
                ),
            ),
        )
        .unwrap();
        let r = reviewed(&submission, &review);
        let review = r.review.unwrap();
        let nc = review.nonconformities[0].clone();
        (review.status, nc.state, nc.overdue)
    };
    use NonconformityState::*;
    use ReviewStatus::*;
    assert_eq!(with("", "2026-10-20"), (Provisional, Open, false));
    assert_eq!(
        with("", "2026-11-02"),
        (Provisional, Open, true),
        "past due"
    );
    assert_eq!(
        with(", closed_on: 2026-10-25", "2026-11-02"),
        (Provisional, Unverified, false)
    );
    assert_eq!(
        with(", closed_on: 2026-10-25, verified_by: 张三", "2026-11-02"),
        (Final, Closed, false)
    );
    assert_eq!(
        with(", closed_on: 2026-10-25, verified_by: 张三", "2026-10-24"),
        (Provisional, Open, false),
        "not yet closed on the as-of date"
    );
    // --as-of overrides the review's date.
    let out = assess_with_review(
        &submission,
        &review,
        &["--format", "json", "--as-of", "2026-10-30"],
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["as_of"], "2026-10-30");
    assert_eq!(doc["review"]["status"], "final");
}

#[test]
fn review_init_writes_the_documented_sample_golden() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("review.yaml");
    itss()
        .args([
            "review",
            "init",
            "--seed",
            "20261102",
            "--rate",
            "0.25",
            "--up-to-level",
            "3",
        ])
        .args(["--body", "示例信息技术服务评估中心", "--lead", "张三", "-o"])
        .arg(&out)
        .arg(Path::new(EXAMPLE).join("submission.yaml"))
        .assert()
        .success();
    let written = fs::read_to_string(&out).unwrap();
    let golden_path = PathBuf::from("tests/golden/review-init.yaml");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&golden_path, &written).unwrap();
    }
    let golden = fs::read_to_string(&golden_path).unwrap();
    assert_eq!(written, golden, "UPDATE_GOLDEN=1 rewrites the golden file");
    // The skeleton is a valid review of the example: loaded, checked, nothing viewed yet.
    let review = Review::load(&out, DEFAULT_MAX_FILE_SIZE)
        .unwrap_or_else(|r| panic!("{:#?}", r.diagnostics));
    let r = reviewed(&Path::new(EXAMPLE).join("submission.yaml"), &out);
    assert_eq!(r.achieved_level.as_deref(), Some("3"), "nothing changed");
    assert_eq!(r.review.unwrap().agreement.overall.compared, 0);
    // Levels 4 and 3 only, and at least one item per level × element with evidence.
    let catalog = itss::internals::catalog::bundled("itss-om")
        .unwrap()
        .unwrap()
        .value;
    let up_to_3 = catalog.criteria.iter().filter(|c| c.level <= 1).count();
    assert_eq!(review.verdicts.len(), up_to_3);
    assert!(
        review
            .verdicts
            .keys()
            .all(|id| id.starts_with("OM.L4.") || id.starts_with("OM.L3."))
    );
    let sampled: Vec<&str> = review
        .verdicts
        .iter()
        .filter(|(_, v)| !v.sample.is_empty())
        .map(|(id, _)| id.as_str())
        .collect();
    for level in ["OM.L4.", "OM.L3."] {
        for element in ["MGT", "PPL", "PRC", "TEC", "RES"] {
            let prefix = format!("{level}{element}");
            assert!(
                sampled.iter().any(|id| id.starts_with(&prefix)),
                "{prefix} has no sampled item: {sampled:?}"
            );
        }
    }
    // Existing files are never overwritten.
    itss()
        .args(["review", "init", "--seed", "1", "--rate", "1", "-o"])
        .arg(&out)
        .arg(Path::new(EXAMPLE).join("submission.yaml"))
        .assert()
        .code(2);
}

#[test]
fn review_status_lists_open_items_per_owner() {
    let out = itss()
        .args(["review", "status", "--as-of", "2026-12-20", "--lang", "zh"])
        .arg(Path::new(EXAMPLE).join("review.yaml"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("王五"), "{text}");
    assert!(text.contains("已逾期"), "{text}");
    assert!(
        !text.contains("赵六"),
        "closed and verified items are not listed: {text}"
    );
    let out = itss()
        .args([
            "review",
            "status",
            "--format",
            "json",
            "--as-of",
            "2026-11-10",
        ])
        .arg(Path::new(EXAMPLE).join("review.yaml"))
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["final"], false);
    assert_eq!(doc["nonconformities"][0]["state"], "open");
    assert_eq!(doc["nonconformities"][0]["overdue"], false);
}

#[test]
fn agree_compares_two_reviews_of_one_submission() {
    let dir = example_copy();
    let submission = dir.path().join("submission.yaml");
    let first = dir.path().join("a.yaml");
    let second = dir.path().join("b.yaml");
    fs::write(
        &first,
        review_text(
            &submission,
            "shuan-yunwei-2026",
            "verdicts:\n  OM.L3.PRC.CHANGE: {rating: partial}\n  OM.L3.PRC.RELEASE: {rating: conform}\n  OM.L2.MGT.QMS: {rating: nonconform}\n  OM.L2.KI.AUTOMATION: {note: 确认}\n",
        ),
    )
    .unwrap();
    fs::write(
        &second,
        review_text(
            &submission,
            "shuan-yunwei-2026",
            "verdicts:\n  OM.L3.PRC.CHANGE: {rating: partial}\n  OM.L3.PRC.RELEASE: {rating: partial}\n  OM.L2.MGT.QMS: {rating: nonconform}\n  OM.L2.KI.AUTOMATION: {rating: conform}\n",
        ),
    )
    .unwrap();
    let out = itss()
        .args(["agree", "--format", "json"])
        .arg(&first)
        .arg(&second)
        .arg("--submission")
        .arg(&submission)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    // CHANGE p/p, RELEASE c/p, QMS nc/nc, AUTOMATION p (declared, confirmed)/c.
    let o = &doc["overall"];
    assert_eq!(o["compared"], 4);
    assert_eq!(o["confirmed"], 2);
    assert_eq!(o["lowered"], 1);
    assert_eq!(o["raised"], 1);
    // Hand-computed: cells (p,p) (c,p) (nc,nc) (p,c); rows nc1 p2 c1, cols nc1 p2 c1;
    // A = 2+2+1+1 = 6 (×2 scale: W=2 diagonal, 1 one off), B = Σ W·r·s = 2(1+4+1)+1(2+2+2+2) = 20;
    // κ = (n·A − B)/(2n² − B) = (24 − 20)/(32 − 20) = 1/3.
    assert_eq!(o["kappa"], 0.3333);
    let levels = doc["levels"].as_array().unwrap();
    let l3 = levels.iter().find(|l| l["level"] == "3").unwrap();
    assert_eq!(l3["compared"], 2);
    // Without the submission, the verdict that only confirms has no rating to compare.
    let out = itss()
        .args(["agree", "--format", "json"])
        .arg(&first)
        .arg(&second)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["overall"]["compared"], 3);
    // Reviews of different submissions are not compared.
    let other = dir.path().join("c.yaml");
    fs::write(&other, review_text(&submission, "someone-else", "")).unwrap();
    itss().arg("agree").arg(&first).arg(&other).assert().code(1);
}

#[test]
fn a_batch_assesses_reviewed_submissions_on_their_reviews_and_sums_up_agreement() {
    let dir = example_copy();
    let inputs = dir.path().join("in");
    fs::create_dir(&inputs).unwrap();
    // The submission and its evidence in the input folder, plus a second, unreviewed one.
    copy_dir(Path::new(EXAMPLE), &inputs.join("shuan"));
    fs::remove_file(inputs.join("shuan/review.yaml")).unwrap();
    fs::remove_file(inputs.join("shuan/README.md")).unwrap();
    copy_dir(Path::new("examples/om-level4"), &inputs.join("l4"));
    fs::remove_file(inputs.join("l4/README.md")).unwrap();
    let reviews = dir.path().join("reviews");
    fs::create_dir(&reviews).unwrap();
    fs::copy(
        Path::new(EXAMPLE).join("review.yaml"),
        reviews.join("shuan.yaml"),
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let out = itss()
        .args(["batch", "--formats", "json,html,nc-html,ca-md"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out_dir)
        .arg("--reviews")
        .arg(&reviews)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value =
        serde_json::from_slice(&fs::read(out_dir.join("summary.json")).unwrap()).unwrap();
    let om = summary["catalogs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["catalog"] == "itss-om")
        .unwrap();
    let r = &om["reviews"];
    assert_eq!(r["reviewed"], 1);
    assert_eq!(r["provisional"], 1);
    assert_eq!(r["level_lowered"], 1);
    assert_eq!(r["compared"], 6);
    assert_eq!(r["kappa_bands"], serde_json::json!([0, 0, 1, 0, 0, 0]));
    let result: Value =
        serde_json::from_slice(&fs::read(out_dir.join("results/shuan-yunwei-2026.json")).unwrap())
            .unwrap();
    assert_eq!(result["achieved_level"], "4");
    assert_eq!(result["review"]["self_assessed"]["achieved_level"], "3");
    let html = fs::read_to_string(out_dir.join("summary.html")).unwrap();
    assert!(
        html.contains("评估机构评审"),
        "the summary page shows the reviewed part"
    );
    assert!(html.contains("按评审评估"));
    let csv = fs::read_to_string(out_dir.join("summary.csv")).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .contains("review_status,self_assessed_level,review_agreement,review_kappa")
    );
    assert!(csv.contains(",provisional,3,0.6667,0.4000"), "{csv}");
    // The review documents are written for the reviewed submission only.
    let reports = out_dir.join("reports");
    let nc = fs::read_to_string(reports.join("shuan-yunwei-2026.nc.html")).unwrap();
    assert!(nc.contains("不符合项报告") && nc.contains("NC-01"));
    let ca = fs::read_to_string(reports.join("shuan-yunwei-2026.ca.md")).unwrap();
    assert!(ca.contains("整改计划") && ca.contains("王五"));
    let written: Vec<String> = fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        written
            .iter()
            .filter(|n| n.ends_with(".nc.html") || n.ends_with(".ca.md"))
            .count(),
        2,
        "{written:?}"
    );

    // A review of a changed file makes that submission invalid, never silently applied.
    let text = fs::read_to_string(inputs.join("shuan/submission.yaml")).unwrap();
    fs::write(inputs.join("shuan/submission.yaml"), text + "\n# edited\n").unwrap();
    let out_dir = dir.path().join("out2");
    let out = itss()
        .args(["batch"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out_dir)
        .arg("--reviews")
        .arg(&reviews)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let errors = fs::read_to_string(out_dir.join("errors.jsonl")).unwrap();
    assert!(errors.contains("review-mismatch"), "{errors}");
}
