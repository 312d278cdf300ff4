//! The bundled catalogs: schema and semantic checks clean, the O&M catalog complete against
//! the digest's ids, and the blank questionnaire of every catalog round-tripping (blank: a
//! valid submission reaching no level; filled with `conform` and evidence: the top level).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use itss::internals::assess::{self, Options};
use itss::internals::catalog::{self, Catalog};
use itss::internals::expression::Expr;
use itss::internals::questionnaire;
use itss::internals::submission;
use itss::text::Lang;

fn bundled(id: &str) -> Catalog {
    let (c, diagnostics, _) = itss::diagnostic::split(catalog::bundled(id).unwrap());
    assert!(diagnostics.is_empty(), "{id}: {diagnostics:?}");
    c.unwrap()
}

#[test]
fn every_shipped_catalog_is_clean() {
    let ids = catalog::bundled_ids();
    assert_eq!(ids, ["itss-cd", "itss-ii", "itss-om"]);
    for id in ids {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("rules")
            .join(format!("{id}.yaml"));
        let (c, diagnostics, _) = itss::diagnostic::split(catalog::load(&path, u64::MAX, true));
        assert!(diagnostics.is_empty(), "{id}: {diagnostics:?}");
        let c = c.unwrap();
        assert_eq!(c.id, id);
        for criterion in &c.criteria {
            assert!(
                criterion.title.en.is_some() && criterion.requirement.en.is_some(),
                "{}",
                criterion.id
            );
        }
    }
}

/// Every criterion id of the domain digest (itss-domain.md §2.2a and §2.5–§2.8), in its order.
const OM_IDS: &str = "
OM.L3.KI.INVEST OM.L3.KI.CATALOG OM.L3.KI.TURNOVER OM.L3.KI.KPI OM.L3.KI.TOOLS OM.L3.KI.KNOWLEDGE
OM.L2.KI.PRODUCT OM.L2.KI.BASELINE OM.L2.KI.AUTOMATION OM.L2.KI.RND OM.L2.KI.KB OM.L1.KI.QUALITY
OM.L1.KI.ROI OM.L1.KI.INDIGENOUS OM.L1.KI.INTEGRATED OM.L4.MGT.PLAN OM.L4.MGT.DO OM.L4.MGT.CHECK
OM.L4.MGT.ACT OM.L4.PPL.RESERVE OM.L4.PPL.TRAIN OM.L4.PPL.APPRAISE OM.L4.PPL.POSTS OM.L4.PPL.KNOW
OM.L4.PPL.SKILL OM.L4.PPL.EXP OM.L4.RES.TOOLS OM.L4.RES.DESK OM.L4.RES.SPARES OM.L4.RES.KB
OM.L4.TEC.RND OM.L4.TEC.DETECT OM.L4.TEC.RESOLVE OM.L4.PRC.SLM OM.L4.PRC.REPORT OM.L4.PRC.INCIDENT
OM.L4.PRC.PROBLEM OM.L4.PRC.CONFIG OM.L4.PRC.CHANGE OM.L4.PRC.RELEASE OM.L4.PRC.SECURITY OM.L3.MGT.CATALOG
OM.L3.MGT.ORG OM.L3.MGT.CAPPLAN OM.L3.MGT.AUDIT OM.L3.MGT.IMPLPLAN OM.L3.MGT.COMMS OM.L3.MGT.RECORDS
OM.L3.MGT.DELIVERABLES OM.L3.MGT.REVIEW OM.L3.MGT.SATISF OM.L3.MGT.KPICHECK OM.L3.MGT.IMPROVE OM.L3.MGT.NCANALYSIS
OM.L3.MGT.MISSEDKPI OM.L3.MGT.IMPPLAN OM.L3.PPL.RESERVE OM.L3.PPL.TRAIN OM.L3.PPL.APPRAISE OM.L3.PPL.POSTS
OM.L3.PPL.KNOW OM.L3.PPL.SKILL OM.L3.PPL.EXP OM.L3.RES.TOOLS OM.L3.RES.DESK OM.L3.RES.SPARES
OM.L3.RES.KB OM.L3.TEC.RND OM.L3.TEC.DETECT OM.L3.TEC.RESOLVE OM.L3.PRC.SLM OM.L3.PRC.REPORT
OM.L3.PRC.INCIDENT OM.L3.PRC.PROBLEM OM.L3.PRC.CONFIG OM.L3.PRC.CHANGE OM.L3.PRC.RELEASE OM.L3.PRC.SECURITY
OM.L2.MGT.CATALOG OM.L2.MGT.ORG OM.L2.MGT.INDICATORS OM.L2.MGT.QMS OM.L2.MGT.IMPL OM.L2.MGT.CHECK
OM.L2.MGT.IMPROVE OM.L2.DLV.PLAN OM.L2.DLV.DO OM.L2.DLV.CHECK OM.L2.DLV.ACT OM.L2.DLV.ROUTINE
OM.L2.DLV.RESPONSE OM.L2.DLV.OPTIMIZE OM.L2.DLV.ASSESS OM.L2.DLV.ONSITE OM.L2.DLV.OUTPUTS OM.L2.EMR.ORG
OM.L2.EMR.RULES OM.L2.EMR.RISK OM.L2.EMR.GRADING OM.L2.EMR.PLANS OM.L2.EMR.DRILL OM.L2.EMR.MONITOR
OM.L2.EMR.VERIFY OM.L2.EMR.ACTIVATE OM.L2.EMR.DISPATCH OM.L2.EMR.DIAGNOSE OM.L2.EMR.RECOVER OM.L2.EMR.ESCALATE
OM.L2.EMR.CONTINUE OM.L2.EMR.SUMMARY OM.L2.EMR.AUDIT OM.L2.EMR.IMPROVE OM.L2.PPL.RESERVE OM.L2.PPL.TRAIN
OM.L2.PPL.APPRAISE OM.L2.PPL.POSTS OM.L2.PPL.COMPETENCE OM.L2.RES.TOOLS OM.L2.RES.DESK OM.L2.RES.SPARES
OM.L2.RES.KB OM.L2.TEC.RND OM.L2.TEC.DETECT OM.L2.TEC.RESOLVE OM.L2.PRC.SLM OM.L2.PRC.REPORT
OM.L2.PRC.INCIDENT OM.L2.PRC.PROBLEM OM.L2.PRC.CONFIG OM.L2.PRC.CHANGE OM.L2.PRC.RELEASE OM.L2.PRC.SECURITY
OM.L1.MGT.PLAN OM.L1.MGT.IMPL OM.L1.MGT.CHECK OM.L1.MGT.IMPROVE OM.L1.DLV.PLAN OM.L1.DLV.DO
OM.L1.DLV.CHECK OM.L1.DLV.ACT OM.L1.DLV.ROUTINE OM.L1.DLV.RESPONSE OM.L1.DLV.OPTIMIZE OM.L1.DLV.ASSESS
OM.L1.DLV.ONSITE OM.L1.DLV.REMOTE OM.L1.DLV.OUTPUTS OM.L1.EMR.ORG OM.L1.EMR.RULES OM.L1.EMR.RISK
OM.L1.EMR.GRADING OM.L1.EMR.PLANS OM.L1.EMR.DRILL OM.L1.EMR.MONITOR OM.L1.EMR.VERIFY OM.L1.EMR.ACTIVATE
OM.L1.EMR.DISPATCH OM.L1.EMR.DIAGNOSE OM.L1.EMR.RECOVER OM.L1.EMR.ESCALATE OM.L1.EMR.CONTINUE OM.L1.EMR.SUMMARY
OM.L1.EMR.AUDIT OM.L1.EMR.IMPROVE OM.L1.QEV.PLAN OM.L1.QEV.DO OM.L1.QEV.CHECK OM.L1.QEV.ACT
OM.L1.PPL.MGMT OM.L1.PPL.POSTS OM.L1.PPL.KNOW OM.L1.PPL.SKILL OM.L1.PPL.EXP OM.L1.RES.TOOLS
OM.L1.RES.DESK OM.L1.RES.SPARES OM.L1.RES.KB OM.L1.TEC.RND OM.L1.TEC.DETECT OM.L1.TEC.RESOLVE
OM.L1.PRC.SLM OM.L1.PRC.REPORT OM.L1.PRC.INCIDENT OM.L1.PRC.PROBLEM OM.L1.PRC.CONFIG OM.L1.PRC.CHANGE
OM.L1.PRC.RELEASE OM.L1.PRC.SECURITY
";

#[test]
fn om_catalog_is_complete() {
    let c = bundled("itss-om");
    assert_eq!(c.criteria.len(), 188);
    let ids: BTreeSet<&str> = c.criteria.iter().map(|x| &*x.id).collect();
    assert_eq!(ids.len(), 188, "ids are unique");
    let expected: BTreeSet<&str> = OM_IDS.split_whitespace().collect();
    assert_eq!(expected.len(), 188);
    assert_eq!(ids, expected);
    // 173 requirement rows + 15 level-scope key indicators.
    assert_eq!(ids.iter().filter(|id| id.contains(".KI.")).count(), 15);
    let levels: Vec<&str> = c.levels.iter().map(|l| &*l.id).collect();
    assert_eq!(levels, ["4", "3", "2", "1"]);
    let elements: Vec<&str> = c.elements.iter().map(|e| &*e.id).collect();
    assert_eq!(
        elements,
        ["management", "people", "resources", "technology", "process"]
    );
    for (li, level) in c.levels.iter().enumerate() {
        for (ei, element) in c.elements.iter().enumerate() {
            assert!(
                c.criteria.iter().any(|x| x.level == li && x.element == ei),
                "level {} has no {} criterion",
                level.id,
                element.id
            );
        }
    }
    for criterion in &c.criteria {
        let level = &c.levels[criterion.level].id;
        assert!(
            criterion.id.starts_with(&format!("OM.L{level}.")),
            "{} filed under level {level}",
            criterion.id
        );
        assert!(criterion.clause.is_some(), "{} has no clause", criterion.id);
    }
    assert!(c.official);
    assert!(matches!(
        c.policy,
        catalog::Policy::AllConform {
            partial_is_met: false
        }
    ));
}

/// The standard's 关键指标 at level scope (ITSS.1—2015 §4.3.2.3 a–f, §4.3.3.3 a–e,
/// §4.3.4.3 a–d), in catalog order, with the clause and item each cites.
const KEY_INDICATORS: [(&str, &str); 15] = [
    ("OM.L3.KI.INVEST", "4.3.2.3 a)"),
    ("OM.L3.KI.CATALOG", "4.3.2.3 b)"),
    ("OM.L3.KI.TURNOVER", "4.3.2.3 c)"),
    ("OM.L3.KI.KPI", "4.3.2.3 d)"),
    ("OM.L3.KI.TOOLS", "4.3.2.3 e)"),
    ("OM.L3.KI.KNOWLEDGE", "4.3.2.3 f)"),
    ("OM.L2.KI.PRODUCT", "4.3.3.3 a)"),
    ("OM.L2.KI.BASELINE", "4.3.3.3 b)"),
    ("OM.L2.KI.AUTOMATION", "4.3.3.3 c)"),
    ("OM.L2.KI.RND", "4.3.3.3 d)"),
    ("OM.L2.KI.KB", "4.3.3.3 e)"),
    ("OM.L1.KI.QUALITY", "4.3.4.3 a)"),
    ("OM.L1.KI.ROI", "4.3.4.3 b)"),
    ("OM.L1.KI.INDIGENOUS", "4.3.4.3 c)"),
    ("OM.L1.KI.INTEGRATED", "4.3.4.3 d)"),
];

#[test]
fn the_standards_key_indicators_are_marked_and_cited() {
    let c = bundled("itss-om");
    let key: Vec<&str> = c
        .criteria
        .iter()
        .filter(|x| x.key)
        .map(|x| &*x.id)
        .collect();
    let expected: Vec<&str> = KEY_INDICATORS.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        key, expected,
        "exactly the 15 level-scope key indicators are key"
    );
    for (id, item) in KEY_INDICATORS {
        let criterion = c.criteria.iter().find(|x| &*x.id == id).unwrap();
        let clause = criterion.clause.as_ref().unwrap();
        assert!(
            clause.zh.contains("ITSS.1") && clause.zh.contains(item),
            "{id}: {}",
            clause.zh
        );
        assert!(
            clause.en.as_deref().is_some_and(|en| en.contains(item)),
            "{id}"
        );
        assert_ne!(
            &*c.levels[criterion.level].id, "4",
            "level 4 has no key indicators"
        );
    }
    // Every other row cites the GB/T 28827.x-2012 clause of its table, in both languages.
    for criterion in c.criteria.iter().filter(|x| !x.key) {
        let clause = criterion.clause.as_ref().unwrap();
        assert!(clause.en.is_some(), "{}", criterion.id);
    }
}

#[test]
fn no_om_metric_decides_a_status() {
    let c = bundled("itss-om");
    let metrics: Vec<_> = c.criteria.iter().flat_map(|x| &x.metrics).collect();
    assert_eq!(metrics.len(), 19);
    for m in &metrics {
        assert!(m.advisory, "{} decides a status", m.id);
    }
    // Rows that exist first at level 2 do not start "in addition to level 3".
    for criterion in c
        .criteria
        .iter()
        .filter(|x| x.id.contains(".L2.DLV.") || x.id.contains(".L2.EMR."))
    {
        assert!(
            !criterion.requirement.zh.starts_with("在三级基础上"),
            "{}",
            criterion.id
        );
    }
    let change = c
        .criteria
        .iter()
        .find(|x| &*x.id == "OM.L3.PRC.CHANGE")
        .unwrap();
    assert!(
        change.requirement.zh.contains("变更审批负责人")
            && change.requirement.zh.contains("变更审批委员会"),
        "{}",
        change.requirement.zh
    );
    // Behaviour: every metric of every conforming answer far off its reference target, and
    // still the top level (the full example with every metric value replaced).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/om-full");
    let text = fs::read_to_string(dir.join("submission.yaml")).unwrap();
    // Metric values are written as a block under `metrics:`, one `name: value` a line.
    let mut off = String::new();
    let mut in_metrics = false;
    let mut replaced = 0;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        if line.trim() == "metrics:" {
            in_metrics = true;
        } else if in_metrics && indent >= 6 && line.contains(':') {
            let name = line.trim().split(':').next().unwrap();
            // 0 misses every `>=` target; 1 misses the turnover's `<= 0.3`.
            let value = if name == "key_post_turnover" {
                "1"
            } else {
                "0"
            };
            off.push_str(&format!("{}{name}: {value}\n", &line[..indent]));
            replaced += 1;
            continue;
        } else {
            in_metrics = false;
        }
        off.push_str(line);
        off.push('\n');
    }
    assert!(
        replaced >= 15,
        "the full example states metric values ({replaced})"
    );
    let parsed = submission::parse_str(&dir.join("off-target.yaml"), &off, u64::MAX).unwrap();
    let s = submission::validate(parsed, &c).unwrap().value;
    let r = assess::assess(&c, &s, &[], &Options::default());
    assert_eq!(r.achieved_level.as_deref(), Some("1"));
    let advisory = r
        .criteria
        .iter()
        .flat_map(|x| &x.findings)
        .filter(|f| f.code == itss::internals::finding::FindingCode::MetricAdvisoryBelowTarget)
        .count();
    assert!(advisory >= 10, "{advisory} advisory findings");
}

#[test]
fn integration_catalog_is_labelled_derived() {
    let c = bundled("itss-ii");
    assert!(!c.official);
    // The standard line holds identifiers (shown as is in every language); the notice says,
    // in each language, that the scheme is not official.
    assert_eq!(&*c.standard, "GB/T 37961-2019; ITSS.1—2015");
    let notice = c.notice.as_ref().unwrap();
    assert!(notice.zh.contains("不是官方评估方案"));
    assert!(
        notice
            .en
            .as_deref()
            .unwrap()
            .contains("not an official scheme")
    );
    // What was found, not a claim that nothing exists.
    let notice = c.notice.as_ref().unwrap();
    assert!(notice.zh.contains("未找到") && notice.en.as_deref().unwrap().contains("found no"));
    assert!(
        !c.standard.contains("does not exist")
            && !c.standard.contains("no ITSS certificate exists")
    );
}

#[test]
fn consulting_catalog_says_its_criteria_are_ours() {
    let c = bundled("itss-cd");
    let notice = c.notice.as_ref().unwrap();
    assert!(notice.zh.contains("官方") && notice.zh.contains("itss 项目"));
    assert!(
        notice
            .en
            .as_deref()
            .unwrap()
            .contains("written by the itss project")
    );
}

/// A value that passes a metric check.
fn passing_value(check: &str) -> f64 {
    let expr = Expr::compile(check).unwrap();
    let number = check
        .split_whitespace()
        .filter_map(|t| t.parse::<f64>().ok())
        .next()
        .unwrap_or(1.0);
    for v in [number, number + 0.001, number - 0.001, 1.0, 0.0, 0.5, 100.0] {
        if expr
            .is_true(&minijinja::context! { value => v, facts => minijinja::context! {} })
            .unwrap_or(false)
        {
            return v;
        }
    }
    panic!("no passing value for {check}");
}

/// Fills a blank questionnaire: every answer line uncommented, `conform`, evidence files
/// created, metrics given passing values, organization fields and certificates filled.
fn fill(template: &str, c: &Catalog, dir: &Path) -> String {
    let mut out = String::new();
    for line in template.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let line = match trimmed.strip_prefix("# ") {
            Some(rest) if !trimmed.starts_with("##") => format!("{indent}{rest}"),
            _ => line.to_owned(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    let mut out = out
        .replace("rating: nonconform", "rating: conform")
        .replace("issued_on: YYYY-MM-DD", "issued_on: 2015-01-01")
        .replace("expires_on: YYYY-MM-DD", "expires_on: 2099-12-31")
        .replace(": YYYY-MM-DD", ": 2015-01-01")
        .replace("name: 请填写单位全称", "name: 测试信息技术有限公司");
    for criterion in &c.criteria {
        for m in &criterion.metrics {
            out = out.replacen(
                &format!("{}: ~", m.id),
                &format!("{}: {}", m.id, passing_value(m.check.source())),
                1,
            );
        }
        for i in 1..=criterion.evidence.min.max(1) {
            let name = format!("CHANGE-ME-{}-{i}.pdf", criterion.id);
            fs::create_dir_all(dir.join("evidence")).unwrap();
            fs::write(
                dir.join("evidence").join(name),
                format!("evidence for {}", criterion.id),
            )
            .unwrap();
        }
    }
    out
}

#[test]
fn questionnaires_round_trip() {
    let as_of = "2026-10-01".parse().unwrap();
    for id in catalog::bundled_ids() {
        let c = bundled(id);
        for lang in [Lang::Zh, Lang::En] {
            let template = questionnaire::render(&c, None, lang, as_of);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("blank.yaml");
            fs::write(&path, &template).unwrap();
            let load = submission::validate(submission::parse(&path, u64::MAX).unwrap(), &c);
            let blank = load
                .unwrap_or_else(|r| panic!("{id} blank: {:?}", r.diagnostics))
                .value;
            let result = assess::assess(&c, &blank, &[], &Options::default());
            assert_eq!(
                result.achieved_level, None,
                "{id}: a blank questionnaire reaches no level"
            );

            let filled = fill(&template, &c, dir.path());
            let path = dir.path().join("filled.yaml");
            fs::write(&path, &filled).unwrap();
            let load = submission::validate(submission::parse(&path, u64::MAX).unwrap(), &c);
            let s = load
                .unwrap_or_else(|r| panic!("{id} filled: {:?}\n{filled}", r.diagnostics))
                .value;
            let result = assess::assess(&c, &s, &[], &Options::default());
            let findings: Vec<_> = result
                .criteria
                .iter()
                .filter(|x| !x.findings.is_empty())
                .map(|x| (&x.id, &x.findings))
                .collect();
            assert_eq!(
                result.achieved_level.as_deref(),
                Some(&*c.levels.last().unwrap().id),
                "{id}: filled questionnaire should reach the top level; findings: {findings:?}; gaps: {:?}",
                result.gaps
            );
        }
    }
}

#[test]
fn questionnaire_up_to_a_level_holds_only_those_levels() {
    let c = bundled("itss-om");
    let text = questionnaire::render(&c, Some(0), Lang::Zh, "2026-10-01".parse().unwrap());
    assert!(text.contains("# OM.L4.MGT.PLAN:"));
    assert!(!text.contains("OM.L3."));
}
