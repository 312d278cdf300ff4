//! The sampling plan of `itss review init` and the review skeleton it writes.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::catalog::Catalog;
use crate::submission::Submission;

/// One evidence item drawn for inspection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    /// The criterion.
    pub criterion: String,
    /// The evidence path as the submission lists it.
    pub path: String,
    /// Its rank key (lowercase hex SHA-256).
    pub key: String,
}

/// The sampling plan of `itss review init`, a pure function of its inputs:
///
/// - the population is every evidence item (criterion, path) the submission lists for a
///   criterion of a level up to `up_to` (level index, inclusive);
/// - each item's key is the SHA-256 of `"{submission digest}\n{seed}\n{criterion id}\n{path}"`
///   (digest in lowercase hex, seed in decimal), written as lowercase hex;
/// - the items are grouped into strata by (level, element) of their criterion; in each
///   stratum of `n` items the `max(1, ceil(rate × n))` items with the lowest keys are drawn.
///
/// The result is in catalog order (criteria), then path order as listed.
pub fn sample(
    catalog: &Catalog,
    submission: &Submission,
    seed: u64,
    rate: f64,
    up_to: usize,
) -> Vec<Drawn> {
    // (level, element) → (key, criterion index, evidence index).
    type Strata = BTreeMap<(usize, usize), Vec<(String, usize, usize)>>;
    let mut strata = Strata::new();
    for (ci, criterion) in catalog.criteria.iter().enumerate() {
        if criterion.level > up_to {
            continue;
        }
        let Some(answer) = submission.answers.get(&*criterion.id) else {
            continue;
        };
        let mut paths = HashSet::new();
        for (pi, item) in answer.evidence.iter().enumerate() {
            if !paths.insert(item.path.as_str()) {
                continue;
            }
            let mut hasher = Sha256::new();
            hasher.update(
                format!(
                    "{}\n{seed}\n{}\n{}",
                    submission.sha256, criterion.id, item.path
                )
                .as_bytes(),
            );
            let key = crate::catalog::hex(&hasher.finalize());
            strata
                .entry((criterion.level, criterion.element))
                .or_default()
                .push((key, ci, pi));
        }
    }
    let mut drawn: Vec<(usize, usize, String)> = Vec::new();
    for items in strata.values_mut() {
        items.sort();
        let n = items.len();
        let take = draw_count(rate, n);
        drawn.extend(items.iter().take(take).map(|(k, c, p)| (*c, *p, k.clone())));
    }
    drawn.sort();
    drawn
        .into_iter()
        .map(|(ci, pi, key)| {
            let criterion = &catalog.criteria[ci];
            Drawn {
                criterion: criterion.id.to_string(),
                path: submission.answers[&*criterion.id].evidence[pi].path.clone(),
                key,
            }
        })
        .collect()
}

/// `max(1, ceil(rate × n))` for `n > 0`, at most `n`; computed on thousandths of the rate
/// so that no float rounding decides a count.
fn draw_count(rate: f64, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let per_mille = (rate * 1000.0).round().clamp(1.0, 1000.0) as usize;
    (n * per_mille).div_ceil(1000).clamp(1, n)
}

/// What `itss review init` writes besides the sample.
#[derive(Debug, Clone)]
pub struct SkeletonOptions<'a> {
    /// Sampling seed.
    pub seed: u64,
    /// Sampling rate in (0, 1].
    pub rate: f64,
    /// Highest level covered (index).
    pub up_to: usize,
    /// Its id as the user gave it, recorded in `sampling.up_to_level` when given.
    pub up_to_given: Option<&'a str>,
    /// The body's name, when given.
    pub body: Option<&'a str>,
    /// The team lead's name, when given.
    pub lead: Option<&'a str>,
    /// Comment language.
    pub lang: crate::text::Lang,
}

/// The review skeleton as YAML: every criterion up to the level with its declared rating
/// and the evidence `drawn` for inspection (by [`sample`] with the same options), ready
/// for the team to fill.
pub fn skeleton(
    catalog: &Catalog,
    submission: &Submission,
    drawn: &[Drawn],
    options: &SkeletonOptions,
) -> String {
    use crate::text::Lang;
    let zh = options.lang == Lang::Zh;
    let mut sampled: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for d in drawn {
        sampled
            .entry(d.criterion.as_str())
            .or_default()
            .push(d.path.as_str());
    }
    let mut out = String::new();
    let c = |zh_text: &str, en_text: &str| {
        if zh {
            zh_text.to_owned()
        } else {
            en_text.to_owned()
        }
    };
    let _ = writeln!(
        out,
        "# {}",
        c(
            "评审记录（itss review init 生成）。填写评估机构、评估组，并在评估组有意见的条款下填写 rating / note / checked / metrics。",
            "Review record (written by itss review init). Fill in the body and the team, and under each criterion the team has a view on: rating / note / checked / metrics."
        )
    );
    let _ = writeln!(
        out,
        "# {}",
        c(
            "rating 省略 = 确认自评等级；declared 与 sample 仅供参考，不参与计算。",
            "rating left out = the declared rating is confirmed; declared and sample are for reference and never scored."
        )
    );
    let _ = writeln!(
        out,
        "# {}",
        c(
            "抽样方法：每个“等级 × 要素”内，按 SHA-256(提交文件摘要、种子、条款编号、证据路径，以换行分隔) 从小到大取 max(1, ⌈比例 × 项数⌉) 项；同样的输入在任何机器上抽到同样的证据。",
            "How the sample is drawn: within each level × element, the max(1, ceil(rate × n)) items with the lowest SHA-256 of (submission file digest, seed, criterion id, evidence path, newline-separated); the same inputs draw the same items on any machine."
        )
    );
    let _ = writeln!(out, "review: itss-review/1");
    let _ = writeln!(
        out,
        "submission: {{id: {}, sha256: {}}}",
        yaml_scalar(&submission.id),
        submission.sha256
    );
    let _ = writeln!(
        out,
        "body: {{name: {}}}",
        yaml_scalar(options.body.unwrap_or(""))
    );
    let _ = writeln!(out, "team:");
    let _ = writeln!(
        out,
        "  - {{name: {}, role: lead}}",
        yaml_scalar(options.lead.unwrap_or(""))
    );
    let _ = write!(
        out,
        "sampling: {{seed: {}, rate: {}",
        options.seed, options.rate
    );
    if let Some(level) = options.up_to_given {
        let _ = write!(out, ", up_to_level: {}", yaml_scalar(level));
    }
    let _ = writeln!(out, "}}");
    let _ = writeln!(out, "verdicts:");
    for criterion in catalog.criteria.iter().filter(|c| c.level <= options.up_to) {
        let declared = submission
            .answers
            .get(&*criterion.id)
            .map_or("null", |a| a.rating.as_str());
        let _ = writeln!(
            out,
            "  {}:  # {}",
            yaml_scalar(&criterion.id),
            one_line(criterion.title.get(options.lang))
        );
        let _ = writeln!(out, "    declared: {declared}");
        if let Some(paths) = sampled.get(&*criterion.id) {
            let _ = writeln!(out, "    sample:");
            for p in paths {
                let _ = writeln!(out, "      - {}", yaml_scalar(p));
            }
        }
    }
    let _ = writeln!(out, "nonconformities: []");
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A YAML scalar: plain when it is an ASCII identifier that reads back as the same string,
/// double-quoted (JSON escapes are valid YAML) otherwise.
fn yaml_scalar(s: &str) -> String {
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_owned()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}
