//! How a review file deserializes: identifiers written as strings or integers, texts as a
//! string or `{zh, en}`, null lists as empty.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Nonconformity, Sampling, Verdict};
use crate::catalog::{code_string, opt_code_string};
use crate::date::Date;
use crate::result::review::{Onsite, TeamMember};
use crate::text::Text;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReview {
    #[allow(dead_code)]
    pub(super) review: String,
    pub(super) submission: RawSubmissionRef,
    pub(super) body: RawBody,
    pub(super) team: Vec<TeamMember>,
    #[serde(default)]
    pub(super) onsite: Option<Onsite>,
    #[serde(default)]
    pub(super) as_of: Option<Date>,
    #[serde(default)]
    pub(super) sampling: Option<Sampling>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) verdicts: BTreeMap<String, Verdict>,
    #[serde(default, deserialize_with = "null_default")]
    pub(super) nonconformities: Vec<Nonconformity>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSubmissionRef {
    #[serde(deserialize_with = "code_string")]
    pub(super) id: String,
    pub(super) sha256: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBody {
    pub(super) name: String,
    #[serde(default, deserialize_with = "opt_code_string")]
    pub(super) code: Option<String>,
}

fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawLocalized {
    Plain(String),
    Both(Text),
}

pub(super) fn localized<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
    Ok(match RawLocalized::deserialize(d)? {
        RawLocalized::Plain(zh) => Text {
            zh: zh.into(),
            en: None,
        },
        RawLocalized::Both(t) => t,
    })
}

pub(super) fn opt_localized<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Text>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "localized")] Text);
    Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
}
