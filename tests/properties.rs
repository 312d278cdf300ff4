//! Property tests of the scoring invariants (SPEC §5, §6): raising an answer never lowers a
//! score or the level, an active waiver never lowers the level, and the order of answers
//! in the file does not matter.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use itss::assess::{self, Options};
use itss::catalog::{self, Catalog};
use itss::result::AssessmentResult;
use itss::submission;
use itss::waiver::Waiver;
use proptest::prelude::*;

fn catalog(name: &str) -> Catalog {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance/catalogs")
        .join(name);
    catalog::load(&path, u64::MAX, false)
        .catalog
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
        .submission
        .unwrap_or_else(|| panic!("invalid: {:?}\n{yaml}", load.diagnostics));
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
        let b = run(&cat, &submission_yaml(&cat, &choices, &shuffled), &[]);
        prop_assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
    }
}
