//! A seeded generator of realistic synthetic submissions (`itss sample`) for demos, tests
//! and benchmarks: varied organizations with valid credit codes, capability profiles that
//! land on every level, missing answers, stale evidence, failed prerequisites and a few
//! invalid files. The same seed always gives the same files.

use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use crate::catalog::{Catalog, Criterion, PrerequisiteKind};
use crate::credit_code;
use crate::date::Date;
use crate::output;

/// SplitMix64: small, fast, good enough for test data, and stable across platforms.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A uniform float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }
}

const CITIES: &[(&str, &str)] = &[
    ("北京", "110108"),
    ("上海", "310115"),
    ("广州", "440106"),
    ("深圳", "440305"),
    ("杭州", "330106"),
    ("南京", "320106"),
    ("成都", "510107"),
    ("武汉", "420111"),
    ("西安", "610113"),
    ("苏州", "320505"),
    ("天津", "120116"),
    ("重庆", "500112"),
    ("长沙", "430104"),
    ("合肥", "340104"),
    ("济南", "370102"),
    ("青岛", "370212"),
    ("厦门", "350203"),
    ("福州", "350102"),
    ("郑州", "410105"),
    ("沈阳", "210102"),
];
const CORES: &[&str] = &[
    "云维", "智联", "数安", "信达", "博远", "恒通", "华信", "启明", "天擎", "星河", "鼎新", "汇智",
    "联创", "迅捷", "睿思", "宏图", "中拓", "瑞泽", "普华", "致远",
];
const SUFFIXES: &[&str] = &[
    "信息技术有限公司",
    "科技股份有限公司",
    "数据服务有限公司",
    "网络科技有限公司",
    "系统集成有限公司",
    "软件有限公司",
];
const NOTES: &[&str] = &[
    "制度已发布并执行，记录完整",
    "按季度执行，记录见附件",
    "已建立流程并在工单系统中落地",
    "年度计划已执行，见总结报告",
    "由运维管理部负责，定期评审",
];
const EVIDENCE_FILES: &[(&str, &str)] = &[
    (
        "service-catalogue.md",
        "# 运维服务目录\n\n| 服务 | 服务时间 | 交付方式 |\n|---|---|---|\n| 系统监控 | 7×24 | 远程 |\n| 故障处理 | 7×24 | 远程/现场 |\n",
    ),
    (
        "management-rules.md",
        "# 运维管理制度汇编\n\n1. 事件管理制度\n2. 问题管理制度\n3. 变更管理制度\n4. 发布管理制度\n5. 配置管理制度\n",
    ),
    (
        "capability-plan.md",
        "# 年度能力管理计划\n\n人员、资源、技术、过程四要素的目标、措施与责任人。\n",
    ),
    (
        "review-minutes.md",
        "# 管理评审会议纪要\n\n评审范围：运维过程与制度；结论：持续有效，改进项 3 项。\n",
    ),
    (
        "satisfaction-survey.csv",
        "客户,满意度,日期\n客户A,4.6,2026-06-30\n客户B,4.4,2026-06-30\n",
    ),
    (
        "training-records.csv",
        "姓名,课程,学时,日期\n张三,ITSS 标准解读,8,2026-03-12\n李四,事件管理实务,4,2026-04-02\n",
    ),
    (
        "appraisal-records.csv",
        "姓名,岗位,考核结果,周期\n张三,运维工程师,A,2026H1\n李四,服务台,B,2026H1\n",
    ),
    (
        "job-descriptions.md",
        "# 岗位说明书\n\n管理岗、技术支持岗、操作岗的职责与任职要求。\n",
    ),
    (
        "tickets-export.csv",
        "工单号,类型,级别,解决时长(h)\nINC-001,事件,P2,3.5\nINC-002,事件,P3,8\nPRB-001,问题,P2,40\n",
    ),
    (
        "change-records.csv",
        "变更号,类型,结果\nCHG-001,标准变更,成功\nCHG-002,一般变更,成功\n",
    ),
    (
        "monitoring-screens.md",
        "# 监控平台截图说明\n\n监控覆盖：网络、主机、数据库、中间件、应用。\n",
    ),
    (
        "knowledge-base.csv",
        "条目,分类,更新日期\n数据库连接池耗尽处理,数据库,2026-05-10\n交换机端口抖动排查,网络,2026-06-02\n",
    ),
];

/// What to generate.
#[derive(Debug, Clone)]
pub struct SampleConfig {
    /// How many submissions.
    pub count: u64,
    /// Seed.
    pub seed: u64,
    /// Output directory.
    pub out: PathBuf,
    /// Write the evidence files (otherwise assess with `--no-evidence-files`).
    pub evidence: bool,
    /// Per-mille of files written invalid on purpose (default 20 = 2 %).
    pub invalid_per_mille: u64,
}

/// Submissions per sub-directory (each with its own `evidence/`).
pub const PER_DIR: u64 = 1000;

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct SampleSummary {
    /// Submission files.
    pub files: u64,
    /// Of those, invalid on purpose.
    pub invalid: u64,
}

fn credit_code(rng: &mut Rng, region: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut first = format!("91{region}");
    for _ in 0..9 {
        first.push(char::from(*rng.pick(ALPHABET)));
    }
    let check = credit_code::check_char(&first).unwrap_or('0');
    first.push(check);
    first
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// A value that passes a simple `value <op> number` check (falls back to 1).
fn passing_value(check: &str, rng: &mut Rng) -> f64 {
    let parse = |op: &str| -> Option<f64> { check.split(op).nth(1)?.trim().parse::<f64>().ok() };
    let r = rng.unit();
    let v = if let Some(n) = parse(">=") {
        if n < 1.0 {
            n + (1.0 - n) * r
        } else {
            n * (1.0 + r)
        }
    } else if let Some(n) = parse("<=") {
        n * r
    } else if let Some(n) = parse(">") {
        if n < 1.0 {
            n + (1.0 - n) * (0.1 + 0.9 * r)
        } else {
            n + 1.0 + r
        }
    } else if let Some(n) = parse("<") {
        n * r * 0.9
    } else {
        1.0
    };
    (v * 1000.0).round() / 1000.0
}

fn failing_value(check: &str) -> f64 {
    let parse = |op: &str| -> Option<f64> { check.split(op).nth(1)?.trim().parse::<f64>().ok() };
    if let Some(n) = parse(">=").or_else(|| parse(">")) {
        (n * 0.5 * 1000.0).round() / 1000.0 - 0.001
    } else if let Some(n) = parse("<=").or_else(|| parse("<")) {
        n * 2.0 + 0.1
    } else {
        0.0
    }
}

struct Evidence {
    name: &'static str,
    sha256: String,
}

/// Generates the submissions.
pub fn generate(catalog: &Catalog, config: &SampleConfig) -> io::Result<SampleSummary> {
    let evidence: Vec<Evidence> = EVIDENCE_FILES
        .iter()
        .map(|(name, text)| Evidence {
            name,
            sha256: crate::catalog::hex(&Sha256::digest(text.as_bytes())),
        })
        .collect();
    let mut summary = SampleSummary::default();
    let mut rng = Rng::new(config.seed);
    for i in 0..config.count {
        let dir = config.out.join(format!("part-{:03}", i / PER_DIR));
        if i % PER_DIR == 0 && config.evidence {
            for (name, text) in EVIDENCE_FILES {
                output::write_atomic_unsynced(&dir.join("evidence").join(name), text.as_bytes())?;
            }
        }
        // Each submission draws from its own stream, so a file does not depend on the others.
        let mut r = Rng::new(rng.next_u64());
        let (text, invalid) = submission(catalog, config, i, &mut r, &evidence);
        output::write_atomic_unsynced(&dir.join(format!("sub-{i:06}.yaml")), text.as_bytes())?;
        summary.files += 1;
        summary.invalid += u64::from(invalid);
    }
    Ok(summary)
}

fn pick_profile(catalog: &Catalog, rng: &mut Rng) -> Option<usize> {
    let n = catalog.levels.len();
    // Weights for "no level", then entry … top: most providers sit at the lower levels.
    let roll = rng.below(100);
    let none = 12;
    if roll < none {
        return None;
    }
    let mut rest = roll - none;
    let weights: Vec<u64> = (0..n)
        .map(|i| [38u64, 28, 15, 7].get(i).copied().unwrap_or(5))
        .collect();
    let total: u64 = weights.iter().sum();
    rest = rest * total / (100 - none);
    let mut acc = 0;
    for (i, w) in weights.iter().enumerate() {
        acc += w;
        if rest < acc {
            return Some(i);
        }
    }
    Some(n - 1)
}

fn submission(
    catalog: &Catalog,
    config: &SampleConfig,
    i: u64,
    rng: &mut Rng,
    evidence: &[Evidence],
) -> (String, bool) {
    let (city, region) = *rng.pick(CITIES);
    let name = format!("{city}{}{}", rng.pick(CORES), rng.pick(SUFFIXES));
    let code = credit_code(rng, region);
    let profile = pick_profile(catalog, rng);
    let base = Date::new(2026, 1, 10).unwrap_or_else(|| unreachable!());
    let as_of = base
        .add_days(i64::try_from(rng.below(300)).unwrap_or(0))
        .unwrap_or(base);
    let top = catalog.levels.len() - 1;
    let target = match profile {
        None => 0,
        Some(p) if p < top && rng.chance(60) => p + 1,
        Some(p) => p,
    };
    let broken_prereq = rng.chance(4);
    let invalid_kind = if rng.below(1000) < config.invalid_per_mille {
        Some(rng.below(6))
    } else {
        None
    };

    let mut y = String::with_capacity(32 * 1024);
    let _ = writeln!(
        y,
        "# Synthetic submission generated by `itss sample --seed {}` (not a real company).",
        config.seed
    );
    let _ = writeln!(y, "id: s{}-{i:06}", config.seed);
    let _ = writeln!(y, "catalog: {}", catalog.id);
    let _ = writeln!(y, "catalog_version: {}", quote(&catalog.version));
    let assessed = if invalid_kind == Some(1) {
        "2026-02-30".to_owned()
    } else {
        as_of.to_string()
    };
    let _ = writeln!(y, "assessed_on: {assessed}");
    let _ = writeln!(y, "target_level: {}", quote(&catalog.levels[target].id));
    let _ = writeln!(y, "organization:");
    if invalid_kind != Some(4) {
        let _ = writeln!(y, "  name: {}", quote(&name));
    }
    let code = if invalid_kind == Some(0) {
        let mut c = code;
        let last = c.pop().unwrap_or('0');
        c.push(if last == '0' { '1' } else { '0' });
        c
    } else {
        code
    };
    let _ = writeln!(y, "  credit_code: {}", quote(&code));
    let _ = writeln!(y, "  legal_entity: true");
    let years = 1 + profile.map_or(0, |p| p as i64 * 2) + i64::try_from(rng.below(4)).unwrap_or(0);
    let business = as_of
        .add_days(-365 * years - i64::try_from(rng.below(200)).unwrap_or(0))
        .unwrap_or(as_of);
    let system_days = if broken_prereq {
        60 + rng.below(60)
    } else {
        200 + rng.below(700)
    };
    let system = as_of
        .add_days(-i64::try_from(system_days).unwrap_or(0))
        .unwrap_or(as_of);
    let _ = writeln!(y, "  business_since: {business}");
    let _ = writeln!(y, "  system_since: {system}");
    let certificates: Vec<String> = catalog
        .prerequisites
        .iter()
        .filter(|p| profile.is_some_and(|pr| p.level <= pr))
        .filter_map(|p| match p.kind {
            PrerequisiteKind::Certificate { level, months_held } => {
                let held_days =
                    i64::from(months_held) * 31 + i64::try_from(rng.below(300)).unwrap_or(0);
                let issued = as_of.add_days(-held_days)?;
                let expires = issued.add_days(3 * 365)?;
                Some(format!(
                    "    - {{catalog: {}, level: {}, issued_on: {issued}, expires_on: {expires}}}",
                    catalog.id,
                    quote(&catalog.levels[level].id)
                ))
            }
            _ => None,
        })
        .collect();
    if !certificates.is_empty() {
        let _ = writeln!(y, "  certificates:");
        for c in certificates {
            let _ = writeln!(y, "{c}");
        }
    }
    let facts = crate::questionnaire::facts_used(catalog);
    if !facts.is_empty() {
        let _ = writeln!(y, "  facts:");
        for fact in facts {
            let _ = writeln!(y, "    {fact}: {}", rng.chance(60));
        }
    }
    if invalid_kind == Some(5) {
        let _ = writeln!(y, "  employees_list: [1, 2");
    }
    let _ = writeln!(y, "answers:");
    for (ci, c) in catalog.criteria.iter().enumerate() {
        let met = profile.is_some_and(|p| c.level <= p);
        answer(
            &mut y,
            c,
            met,
            as_of,
            rng,
            evidence,
            invalid_kind == Some(2) && ci == 0,
        );
    }
    if invalid_kind == Some(3) {
        let _ = writeln!(y, "unexpected_field: true");
    }
    (y, invalid_kind.is_some())
}

fn answer(
    y: &mut String,
    c: &Criterion,
    met: bool,
    as_of: Date,
    rng: &mut Rng,
    evidence: &[Evidence],
    bad_rating: bool,
) {
    // Not met: a mix of partial, nonconform and no answer at all.
    let rating = if met {
        if rng.below(1000) < 3 {
            "partial"
        } else {
            "conform"
        }
    } else {
        match rng.below(100) {
            0..=34 => "conform",
            35..=54 => "partial",
            55..=79 => "nonconform",
            _ => return,
        }
    };
    if c.na_allowed && rng.chance(30) {
        let _ = writeln!(y, "  {}: {{rating: na}}", c.id);
        return;
    }
    if met && rng.below(1000) < 3 {
        return; // forgotten answer
    }
    let rating = if bad_rating { "yes" } else { rating };
    let _ = writeln!(y, "  {}:", c.id);
    let _ = writeln!(y, "    rating: {rating}");
    let _ = writeln!(y, "    note: {}", quote(rng.pick::<&str>(NOTES)));
    let items = c.evidence.min.max(u32::from(rng.chance(50)));
    if items > 0 {
        let _ = writeln!(y, "    evidence:");
        for _ in 0..items {
            let file = rng.pick(evidence);
            let max_age = c.evidence.max_age_days.map_or(300, i64::from);
            let stale =
                rng.below(1000) < if met { 5 } else { 100 } && c.evidence.max_age_days.is_some();
            let age = if stale {
                max_age + 1 + i64::try_from(rng.below(200)).unwrap_or(0)
            } else {
                i64::try_from(rng.below(u64::try_from(max_age.max(1)).unwrap_or(1))).unwrap_or(0)
            };
            let dated = as_of.add_days(-age).unwrap_or(as_of);
            let _ = writeln!(
                y,
                "      - {{path: evidence/{}, sha256: {}, dated: {dated}}}",
                file.name, file.sha256
            );
        }
    }
    if !c.metrics.is_empty() {
        let values: Vec<String> = c
            .metrics
            .iter()
            .map(|m| {
                let src = m.check.source();
                let v = if met && rng.below(1000) >= 5 {
                    passing_value(src, rng)
                } else if rng.chance(50) {
                    failing_value(src)
                } else {
                    passing_value(src, rng)
                };
                format!("{}: {v}", m.id)
            })
            .collect();
        let _ = writeln!(y, "    metrics: {{{}}}", values.join(", "));
    }
}
