//! `itss convert FILE --to yaml|json|xlsx -o OUT`: a submission or a review, between YAML,
//! JSON and a workbook.

use std::collections::BTreeSet;

use anyhow::Context;
use itss::internals::catalog::{self, Catalog};
use itss::internals::workbook::Kind;
use itss::internals::{convert, output, source, submission, workbook};
use serde_json::Value;

use super::{ConvertArgs, ConvertForm, Exit, clean, print_diagnostics, say};

pub(super) fn run(args: ConvertArgs) -> anyhow::Result<Exit> {
    if args.output.exists() && !args.force {
        eprintln!(
            "{}",
            say(
                &format!(
                    "错误：{} 已存在；不覆盖可能已填写的文件（如确需覆盖，请加 --force）",
                    clean(&args.output.display().to_string())
                ),
                &format!(
                    "error: {} exists; not overwriting a file that may hold answers (give --force to overwrite)",
                    clean(&args.output.display().to_string())
                ),
            )
        );
        return Ok(Exit::Usage);
    }
    let (kind, value) = match read(&args) {
        Ok(read) => read,
        Err(code) => return Ok(code),
    };
    let bytes = match args.to {
        ConvertForm::Yaml => convert::to_yaml(&value).into_bytes(),
        ConvertForm::Json => convert::to_json(&value).into_bytes(),
        ConvertForm::Xlsx => {
            let catalog = match layout_catalog(&args, kind, &value) {
                Ok(c) => c,
                Err(code) => return Ok(code),
            };
            match kind {
                Kind::Submission => workbook::submission(&catalog, &value, args.lang.into())?,
                Kind::Review => {
                    let up_to = review_levels(&catalog, &value);
                    workbook::review(&catalog, &value, up_to, args.lang.into())?
                }
            }
        }
    };
    output::write_atomic(&args.output, &bytes)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    eprintln!(
        "{}",
        say(
            &format!("已写入 {}", clean(&args.output.display().to_string())),
            &format!("wrote {}", clean(&args.output.display().to_string())),
        )
    );
    Ok(Exit::Ok)
}

/// Reads the file as a submission or a review (a workbook says which it is; a YAML or JSON
/// file is a review when it has `review: itss-review/…`), printing what stops it.
fn read(args: &ConvertArgs) -> Result<(Kind, Value), Exit> {
    if source::is_xlsx(&args.file) {
        return match workbook::load(&args.file, args.max_file_size, None) {
            Ok((kind, _, value)) => Ok((kind, value)),
            Err(rejected) => {
                print_diagnostics(&rejected.diagnostics, None);
                Err(Exit::Invalid)
            }
        };
    }
    let parsed = submission::parse(&args.file, args.max_file_size).map_err(|load| {
        print_diagnostics(&load.diagnostics, load.text.as_deref());
        Exit::Invalid
    })?;
    let kind = if parsed.is_review() {
        Kind::Review
    } else {
        Kind::Submission
    };
    Ok((kind, parsed.value().clone()))
}

/// The catalog a workbook is laid out from: `--catalog`, else the bundled catalog the
/// submission names, or for a review the bundled catalog holding the most criteria it names.
fn layout_catalog(args: &ConvertArgs, kind: Kind, value: &Value) -> Result<Catalog, Exit> {
    let load = match (&args.catalog, kind) {
        (Some(path), _) => catalog::load(path, source::DEFAULT_MAX_FILE_SIZE, false),
        (None, Kind::Submission) => {
            let id = value
                .get("catalog")
                .and_then(Value::as_str)
                .unwrap_or_default();
            match catalog::bundled(id) {
                Some(load) => load,
                None => {
                    eprintln!(
                        "{}",
                        say(
                            &format!(
                                "错误：提交文件指定的评估目录 `{}` 不是内置目录（内置：{}）；请用 --catalog 指定目录文件",
                                clean(id),
                                catalog::bundled_ids().join(", ")
                            ),
                            &format!(
                                "error: the submission names catalog `{}`, which is not bundled (bundled: {}); give --catalog PATH",
                                clean(id),
                                catalog::bundled_ids().join(", ")
                            ),
                        )
                    );
                    return Err(Exit::Usage);
                }
            }
        }
        (None, Kind::Review) => {
            // The bundled catalog holding the most of the criteria the review names (a typo
            // in one id still finds its catalog; the row of that id is kept apart).
            let named = criteria_named(value);
            let mut best: Vec<(usize, Catalog)> = catalog::bundled_ids()
                .into_iter()
                .filter_map(|id| catalog::bundled(id)?.ok())
                .map(|loaded| {
                    let held = named
                        .iter()
                        .filter(|c| loaded.value.criterion_index(c).is_some())
                        .count();
                    (held, loaded.value)
                })
                .filter(|(held, _)| *held > 0)
                .collect();
            best.sort_by_key(|(held, _)| std::cmp::Reverse(*held));
            let unique = match best.as_slice() {
                [(_, _)] => true,
                [(a, _), (b, _), ..] => a > b,
                [] => false,
            };
            if unique {
                return Ok(best.swap_remove(0).1);
            }
            eprintln!(
                "{}",
                say(
                    "错误：无法从本评审所列的条款确定评估目录；请用 --catalog 指定目录文件",
                    "error: the criteria this review names do not tell which catalog it is for; give --catalog PATH",
                )
            );
            return Err(Exit::Usage);
        }
    };
    match load {
        Ok(loaded) => Ok(loaded.value),
        Err(rejected) => {
            print_diagnostics(&rejected.diagnostics, rejected.text.as_deref());
            Err(Exit::Usage)
        }
    }
}

/// The criterion ids a review value names (verdicts and nonconformities).
fn criteria_named(value: &Value) -> BTreeSet<String> {
    let mut named: BTreeSet<String> = value
        .get("verdicts")
        .and_then(Value::as_object)
        .map(|v| v.keys().cloned().collect())
        .unwrap_or_default();
    if let Some(ncs) = value.get("nonconformities").and_then(Value::as_array) {
        named.extend(
            ncs.iter()
                .filter_map(|n| n.get("criterion").and_then(Value::as_str))
                .map(str::to_owned),
        );
    }
    named
}

/// The levels a review workbook lists (index of the highest): those sampled
/// (`sampling.up_to_level`), else every level; criteria the review names above them are
/// listed too.
fn review_levels(catalog: &Catalog, value: &Value) -> usize {
    let top = catalog.levels.len().saturating_sub(1);
    let sampled = match value.pointer("/sampling/up_to_level") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    sampled
        .and_then(|id| catalog.level_index(&id))
        .unwrap_or(top)
}
