//! Prerequisites (SPEC §5.3): flags, time since a date, certificates held.

use serde_json::Value;

use crate::catalog::{Catalog, PrerequisiteKind};
use crate::date::Date;
use crate::submission::Submission;
use crate::text::Text;

/// What a prerequisite came to (SPEC §5.4).
pub(super) struct PrerequisiteOutcome {
    pub(super) met: bool,
    /// See [`PrerequisiteResult::met_on`](crate::result::PrerequisiteResult::met_on).
    pub(super) met_on: Option<Date>,
    /// What was found, in both languages.
    pub(super) detail: Text,
}

/// SPEC §5.4: whether a prerequisite is met, since or from when, and what was found.
pub(super) fn prerequisite_met(
    catalog: &Catalog,
    kind: &PrerequisiteKind,
    submission: &Submission,
    as_of: Date,
) -> PrerequisiteOutcome {
    let fields = &submission.organization.fields;
    let text = |zh: String, en: String| Text {
        zh: zh.into(),
        en: Some(en.into()),
    };
    let outcome = |met: bool, met_on: Option<Date>, detail: Text| PrerequisiteOutcome {
        met,
        met_on,
        detail,
    };
    let not_given = |field: &str| {
        let label = crate::submission::field_label(field);
        text(
            format!("未填写{}", label.zh),
            format!("{}: not given", label.en.as_deref().unwrap_or(field)),
        )
    };
    match kind {
        PrerequisiteKind::Flag { field } => {
            let label = crate::submission::field_label(field);
            let en = label.en.as_deref().unwrap_or(field);
            match fields.get(field) {
                Some(Value::Bool(true)) => outcome(
                    true,
                    None,
                    text(format!("{}：是", label.zh), format!("{en}: yes")),
                ),
                Some(Value::Bool(false)) => outcome(
                    false,
                    None,
                    text(format!("{}：否", label.zh), format!("{en}: no")),
                ),
                Some(other) => outcome(
                    false,
                    None,
                    text(
                        format!("{}：{other}（应填写 true）", label.zh),
                        format!("{en}: {other} (true expected)"),
                    ),
                ),
                None => outcome(false, None, not_given(field)),
            }
        }
        PrerequisiteKind::MonthsSince { field, months } => {
            match fields
                .get(field)
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<Date>().ok())
            {
                Some(since) => {
                    let full = since.full_months_until(as_of);
                    let label = crate::submission::field_label(field);
                    let en = label.en.as_deref().unwrap_or(field);
                    outcome(
                        full >= i64::from(*months),
                        since.months_later(*months),
                        text(
                            format!(
                                "{}：{since}，截至 {as_of} 满 {full} 个月，要求 {months} 个月",
                                label.zh
                            ),
                            format!(
                                "{en}: {since}, {full} full months by {as_of}, {months} needed"
                            ),
                        ),
                    )
                }
                None => outcome(false, None, not_given(field)),
            }
        }
        PrerequisiteKind::Certificate { level, months_held } => {
            let mut best: Option<Text> = None;
            // Met on as-of: the earliest date from which a certificate valid on as-of has
            // counted. Not met: the earliest later date on which one will count.
            let mut since: Option<Date> = None;
            let mut from: Option<Date> = None;
            for cert in &submission.organization.certificates {
                let Some(cert_level) = catalog.level_index(&cert.level) else {
                    continue;
                };
                if cert.catalog != catalog.id || cert_level < *level {
                    continue;
                }
                let Some(issued) = cert.issued_on else {
                    continue;
                };
                let held = issued.full_months_until(as_of);
                let unexpired = cert.expires_on.is_none_or(|e| e >= as_of);
                let counts_from = issued.months_later(*months_held);
                let l = &cert.level;
                if held >= i64::from(*months_held) && unexpired {
                    since = since.min(counts_from).or(since).or(counts_from);
                    if since == counts_from {
                        best = Some(text(
                            format!("{l}级证书 {issued} 颁发，已持有 {held} 个月"),
                            format!("level {l} certificate issued {issued}, held {held} months"),
                        ));
                    }
                    continue;
                }
                if let Some(d) =
                    counts_from.filter(|&d| d > as_of && cert.expires_on.is_none_or(|e| e >= d))
                {
                    from = Some(from.map_or(d, |f| f.min(d)));
                }
                if since.is_none() {
                    best.get_or_insert_with(|| {
                        if unexpired {
                            text(
                                format!("{l}级证书 {issued} 颁发，已持有 {held} 个月，要求 {months_held} 个月"),
                                format!("level {l} certificate issued {issued}, held {held} of {months_held} months"),
                            )
                        } else {
                            text(format!("{l}级证书已过期"), format!("level {l} certificate expired"))
                        }
                    });
                }
            }
            if let (Some(d), Some(detail)) = (since, &best) {
                return outcome(true, Some(d), detail.clone());
            }
            let needed = &catalog.levels[*level].id;
            let none = || {
                text(
                    format!("未持有本体系（{}）{needed}级或更高级别的证书", catalog.id),
                    format!("no {} certificate at level {needed} or above", catalog.id),
                )
            };
            outcome(false, from, best.unwrap_or_else(none))
        }
    }
}
