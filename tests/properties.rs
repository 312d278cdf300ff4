//! Property tests of the scoring invariants (SPEC §5, §6, §7): raising an answer never lowers
//! a score or the level, an active waiver never lowers the level, the order of answers in the
//! file does not matter, and the decisions a result records agree with its statuses (every
//! conformance case and generated submissions, with and without waivers).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use itss::diagnostic::Loaded;
use itss::internals::assess::{self, Options};
use itss::internals::catalog::{self, Catalog};
use itss::result::{AssessmentResult, Status};

mod common;
use itss::internals::submission;
use itss::internals::waiver::Waiver;
use proptest::prelude::*;

fn catalog(name: &str) -> Catalog {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance/catalogs")
        .join(name);
    catalog::load(&path, u64::MAX, false)
        .ok()
        .map(|l| l.value)
        .expect("conformance catalog loads")
}

/// What a generated answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Conform,
    Partial,
    Nonconform,
    Na,
    Missing,
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![
        3 => Just(Choice::Conform),
        1 => Just(Choice::Partial),
        2 => Just(Choice::Nonconform),
        1 => Just(Choice::Na),
        1 => Just(Choice::Missing),
    ]
}

/// A metric value that passes a simple `value <op> n` check.
fn passing(check: &str) -> f64 {
    check
        .split(['>', '<', '='])
        .filter_map(|t| t.trim().parse::<f64>().ok())
        .next()
        .map_or(1.0, |n| if check.contains('<') { n } else { n + 0.0001 })
}

fn answer_yaml(c: &catalog::Criterion, choice: Choice) -> Option<String> {
    let rating = match choice {
        Choice::Missing => return None,
        Choice::Conform => "conform",
        Choice::Partial => "partial",
        Choice::Nonconform => "nonconform",
        Choice::Na => "na",
    };
    let mut y = format!("  {}:\n    rating: {rating}\n", c.id);
    if matches!(choice, Choice::Conform | Choice::Partial) {
        y.push_str("    evidence:\n");
        for i in 0..c.evidence.min.max(1) {
            y.push_str(&format!(
                "      - {{path: evidence/{}-{i}.pdf, dated: 2026-09-01}}\n",
                c.id
            ));
        }
        if !c.metrics.is_empty() {
            let values: Vec<String> = c
                .metrics
                .iter()
                .map(|m| format!("{}: {}", m.id, passing(m.check.source())))
                .collect();
            y.push_str(&format!("    metrics: {{{}}}\n", values.join(", ")));
        }
    }
    Some(y)
}

fn submission_yaml(cat: &Catalog, choices: &[Choice], order: &[usize]) -> String {
    let mut y = format!(
        "id: prop\ncatalog: {}\nassessed_on: 2026-10-01\ntarget_level: \"{}\"\norganization:\n  name: 某公司\n  legal_entity: true\n  business_since: 2015-01-01\n  system_since: 2020-01-01\n  certificates:\n",
        cat.id,
        cat.levels.last().unwrap().id
    );
    for level in &cat.levels {
        y.push_str(&format!(
            "    - {{catalog: {}, level: \"{}\", issued_on: 2020-01-01}}\n",
            cat.id, level.id
        ));
    }
    y.push_str("  facts: {sla_requires_spares: true, large_org: true, contract: {monitoring: true}, multi_site: true}\nanswers:\n");
    for &i in order {
        if let Some(a) = answer_yaml(&cat.criteria[i], choices[i]) {
            y.push_str(&a);
        }
    }
    y
}

fn run(cat: &Catalog, yaml: &str, waivers: &[Waiver]) -> AssessmentResult {
    let parsed = submission::parse_str(Path::new("prop.yaml"), yaml, u64::MAX).unwrap();
    let load = submission::validate(parsed, cat);
    let s = load
        .unwrap_or_else(|r| panic!("invalid: {:?}\n{yaml}", r.diagnostics))
        .value;
    assess::assess(
        cat,
        &s,
        waivers,
        &Options {
            skip_evidence_files: true,
            ..Options::default()
        },
    )
}

fn level_rank(r: &AssessmentResult, level: Option<&str>) -> i64 {
    level.map_or(-1, |l| {
        r.levels.iter().position(|x| x.id == l).unwrap() as i64
    })
}

fn scores(r: &AssessmentResult) -> Vec<Option<f64>> {
    let mut v = vec![r.index];
    for l in &r.levels {
        v.push(l.score);
        v.extend(l.elements.iter().map(|e| e.score));
    }
    v
}

fn catalogs() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("basic.yaml"),
        Just("weighted.yaml"),
        Just("partial.yaml"),
        Just("rounding.yaml")
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn raising_an_answer_never_lowers_scores_or_level(
        name in catalogs(),
        seed in prop::collection::vec(choice(), 32),
        pick in 0usize..32,
    ) {
        let cat = catalog(name);
        let n = cat.criteria.len();
        let mut choices: Vec<Choice> = seed.iter().cycle().take(n).copied().collect();
        let i = pick % n;
        choices[i] = Choice::Nonconform;
        let order: Vec<usize> = (0..n).collect();
        let before = run(&cat, &submission_yaml(&cat, &choices, &order), &[]);
        choices[i] = Choice::Conform;
        let after = run(&cat, &submission_yaml(&cat, &choices, &order), &[]);
        for (b, a) in scores(&before).into_iter().zip(scores(&after)) {
            if let (Some(b), Some(a)) = (b, a) {
                prop_assert!(a >= b, "score fell from {b} to {a}");
            }
        }
        prop_assert!(level_rank(&after, after.achieved_level.as_deref()) >= level_rank(&before, before.achieved_level.as_deref()));
    }

    #[test]
    fn an_active_waiver_never_lowers_the_level(
        name in catalogs(),
        seed in prop::collection::vec(choice(), 32),
        pick in 0usize..32,
    ) {
        let cat = catalog(name);
        let n = cat.criteria.len();
        let choices: Vec<Choice> = seed.iter().cycle().take(n).copied().collect();
        let order: Vec<usize> = (0..n).collect();
        let yaml = submission_yaml(&cat, &choices, &order);
        let without = run(&cat, &yaml, &[]);
        let waiver = Waiver {
            criterion: cat.criteria[pick % n].id.to_string(),
            submissions: None,
            justification: "test".into(),
            approved_by: "tester".into(),
            expires_on: "2030-01-01".parse().unwrap(),
        };
        let with = run(&cat, &yaml, &[waiver]);
        prop_assert!(level_rank(&with, with.achieved_level.as_deref()) >= level_rank(&without, without.achieved_level.as_deref()));
        prop_assert_eq!(&with.achieved_level_without_waivers, &without.achieved_level);
    }

    #[test]
    fn answer_order_does_not_matter(
        name in catalogs(),
        seed in prop::collection::vec(choice(), 32),
        order_seed in prop::collection::vec(any::<u32>(), 32),
    ) {
        let cat = catalog(name);
        let n = cat.criteria.len();
        let choices: Vec<Choice> = seed.iter().cycle().take(n).copied().collect();
        let straight: Vec<usize> = (0..n).collect();
        let mut shuffled = straight.clone();
        shuffled.sort_by_key(|&i| order_seed[i % order_seed.len()].wrapping_mul(i as u32 + 1));
        let a = run(&cat, &submission_yaml(&cat, &choices, &straight), &[]);
        let mut b = run(&cat, &submission_yaml(&cat, &choices, &shuffled), &[]);
        // The files differ in their bytes, so in their digests; nothing else may differ.
        b.submission.sha256.clone_from(&a.submission.sha256);
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    }

    /// SPEC §5.3 and §7, from the result's own statuses: a level is satisfied iff its
    /// prerequisites are met, none of its criteria is blocking and (under `threshold`) no
    /// element is below; the same for the run without waivers.
    #[test]
    fn recorded_decisions_agree_with_the_statuses(
        name in catalogs(),
        seed in prop::collection::vec(choice(), 32),
        waived in prop::collection::vec((0usize..32, any::<bool>()), 0..4),
        dates in (0u32..30, 0u32..40, any::<bool>(), 0u32..30),
    ) {
        let cat = catalog(name);
        let n = cat.criteria.len();
        let choices: Vec<Choice> = seed.iter().cycle().take(n).copied().collect();
        let order: Vec<usize> = (0..n).collect();
        let (system_months, business_months, legal, cert_months) = dates;
        let yaml = submission_yaml(&cat, &choices, &order)
            .replace("system_since: 2020-01-01", &format!("system_since: {}", months_before(system_months)))
            .replace("business_since: 2015-01-01", &format!("business_since: {}", months_before(business_months)))
            .replace("legal_entity: true", &format!("legal_entity: {legal}"))
            .replace("issued_on: 2020-01-01", &format!("issued_on: {}", months_before(cert_months)));
        let waivers: Vec<Waiver> = waived
            .iter()
            .map(|&(i, active)| Waiver {
                criterion: cat.criteria[i % n].id.to_string(),
                submissions: None,
                justification: "test".into(),
                approved_by: "tester".into(),
                expires_on: if active { "2030-01-01" } else { "2020-01-01" }.parse().unwrap(),
            })
            .collect();
        let with = run(&cat, &yaml, &waivers);
        let without = run(&cat, &yaml, &[]);
        check_decisions(&cat, &with, &without);
    }
}

/// `2026-10-01` minus `months` months (the generated submissions' as-of date).
fn months_before(months: u32) -> String {
    let total = 2026 * 12 + 9 - i64::from(months);
    format!("{}-{:02}-01", total / 12, total % 12 + 1)
}

/// Whether a status keeps its level from being satisfied: SPEC §5.3 / §7 written out again,
/// independently of the engine.
fn blocks(cat: &Catalog, c: &catalog::Criterion, status: Status) -> bool {
    use itss::internals::catalog::Policy;
    match (status, cat.policy) {
        (Status::Conform | Status::NotApplicable | Status::Waived, _) => false,
        (Status::Partial, Policy::AllConform { partial_is_met }) => !partial_is_met,
        (_, Policy::AllConform { .. }) => true,
        (_, Policy::Threshold { .. }) => c.key,
    }
}

/// Elements of a level whose exact score is below the threshold, from the criteria.
fn below(cat: &Catalog, r: &AssessmentResult, level: usize) -> Vec<String> {
    let itss::internals::catalog::Policy::Threshold { element_threshold } = cat.policy else {
        return Vec::new();
    };
    cat.elements
        .iter()
        .filter(|e| {
            let (mut earned, mut weight) = (0u64, 0u64);
            for (c, cr) in cat.criteria.iter().zip(&r.criteria) {
                if c.level == level
                    && *cat.elements[c.element].id == *e.id
                    && let Some(credit) = cr.credit
                {
                    earned += u64::from(c.weight) * (credit * 1000.0).round() as u64;
                    weight += u64::from(c.weight);
                }
            }
            weight > 0 && earned < u64::from(element_threshold) * weight
        })
        .map(|e| e.id.to_string())
        .collect()
}

/// The invariants of a result (`with`) and of the same submission assessed without waivers.
fn check_decisions(cat: &Catalog, with: &AssessmentResult, without: &AssessmentResult) {
    for (r, decision_of) in [
        (
            with,
            (|l: &itss::result::LevelResult| &l.decision) as fn(&_) -> &_,
        ),
        (without, |l: &itss::result::LevelResult| &l.decision),
    ] {
        for (c, cr) in cat.criteria.iter().zip(&r.criteria) {
            assert_eq!(cr.blocking, blocks(cat, c, cr.status), "{} blocking", cr.id);
        }
        let mut reached = true;
        let mut achieved = None;
        for (li, level) in r.levels.iter().enumerate() {
            let decision = decision_of(level);
            let unmet: Vec<&str> = level
                .prerequisites
                .iter()
                .filter(|p| !p.met)
                .map(|p| p.id.as_str())
                .collect();
            assert_eq!(decision.unmet_prerequisites, unmet);
            let blocking = r
                .criteria
                .iter()
                .zip(&cat.criteria)
                .filter(|(cr, c)| c.level == li && cr.blocking)
                .count();
            assert_eq!(decision.blocking_criteria as usize, blocking);
            let weak: Vec<&str> = decision
                .elements_below
                .iter()
                .map(|e| e.element.as_str())
                .collect();
            assert_eq!(weak, below(cat, r, li));
            let satisfied = unmet.is_empty() && blocking == 0 && weak.is_empty();
            assert_eq!(level.satisfied, satisfied, "level {}", level.id);
            reached &= satisfied;
            if reached {
                achieved = Some(level.id.clone());
            }
        }
        assert_eq!(r.achieved_level, achieved);
    }
    // The verdicts without waivers are those of the run without waivers.
    for (l, w) in with.levels.iter().zip(&without.levels) {
        assert_eq!(l.decision_without_waivers, w.decision);
        assert_eq!(l.satisfied_without_waivers, w.satisfied);
    }
    assert_eq!(with.achieved_level_without_waivers, without.achieved_level);
}

/// Every conformance case: its result agrees with itself (and without its waivers).
#[test]
fn every_conformance_case_records_consistent_decisions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/cases");
    let mut checked = 0;
    let mut names: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for dir in names {
        let case = std::fs::read_to_string(dir.join("case.yaml")).unwrap();
        let catalog_path = common::case_field(&case, "catalog").unwrap();
        let cat = catalog::load(&dir.join(catalog_path), u64::MAX, false)
            .unwrap()
            .value;
        let path = dir.join(common::case_submission(&dir, &case));
        let args = common::case_args(&case);
        let as_of = args
            .iter()
            .position(|a| a == "--as-of")
            .map(|i| args[i + 1].parse().unwrap());
        let options = Options {
            as_of,
            skip_evidence_files: args.iter().any(|a| a == "--no-evidence-files"),
            ..Options::default()
        };
        let Ok(parsed) = submission::parse(&path, u64::MAX) else {
            continue;
        };
        let Ok(Loaded { value: s, .. }) = submission::validate(parsed, &cat) else {
            continue;
        };
        let waivers = common::case_field(&case, "waivers")
            .map(|w| itss::internals::waiver::load(&dir.join(w), u64::MAX).unwrap())
            .unwrap_or_default();
        let with = assess::assess(&cat, &s, &waivers, &options);
        let without = assess::assess(&cat, &s, &[], &options);
        check_decisions(&cat, &with, &without);
        checked += 1;
    }
    assert!(checked >= 60, "{checked} valid cases checked");
}
