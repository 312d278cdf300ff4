//! `itss template`.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use itss::date::Date;
use itss::internals::{output, questionnaire};

use super::{Exit, TemplateArgs, catalog_by_id_or_path};

/// Today's date (UTC), for the questionnaire's assessed_on placeholder only.
pub(super) fn today() -> Date {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    Date::new(1970, 1, 1)
        .and_then(|epoch| epoch.add_days(i64::try_from(days).unwrap_or(0)))
        .unwrap_or_else(|| Date::new(2026, 1, 1).unwrap_or_else(|| unreachable!()))
}

pub(super) fn run(args: TemplateArgs) -> anyhow::Result<Exit> {
    let catalog = match catalog_by_id_or_path(&args.catalog) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let up_to = match &args.level {
        None => None,
        Some(level) => match catalog.level_index(level) {
            Some(i) => Some(i),
            None => {
                let ids: Vec<&str> = catalog.levels.iter().map(|l| &*l.id).collect();
                eprintln!(
                    "{}",
                    super::say(
                        &format!(
                            "错误：{level} 不是评估目录 {} 的等级（可选：{}）",
                            catalog.id,
                            ids.join("、")
                        ),
                        &format!(
                            "error: `{level}` is not a level of {} (levels: {})",
                            catalog.id,
                            ids.join(", ")
                        ),
                    )
                );
                return Ok(Exit::Usage);
            }
        },
    };
    let xlsx = match args.format {
        Some(f) => f == super::TemplateFormat::Xlsx,
        None => args
            .output
            .as_deref()
            .is_some_and(itss::internals::source::is_xlsx),
    };
    let as_of = args.as_of.unwrap_or_else(today);
    let text = if xlsx {
        if args.output.is_none() {
            eprintln!(
                "{}",
                super::say(
                    "错误：xlsx 问卷是二进制文件，请用 -o 指定保存位置",
                    "error: an xlsx questionnaire is a binary file: give -o PATH",
                )
            );
            return Ok(Exit::Usage);
        }
        itss::internals::workbook::questionnaire(&catalog, up_to, args.lang.into(), as_of)?
    } else {
        questionnaire::render(&catalog, up_to, args.lang.into(), as_of).into_bytes()
    };
    match &args.output {
        Some(path) if path.exists() => {
            let path = path.display();
            eprintln!(
                "{}",
                super::say(
                    &format!("错误：{path} 已存在；不覆盖可能已填写作答的问卷"),
                    &format!(
                        "error: {path} exists; not overwriting a questionnaire that may hold answers"
                    ),
                )
            );
            Ok(Exit::Usage)
        }
        Some(path) => {
            output::write_atomic(path, &text).with_context(|| super::writing_to(path))?;
            let path = path.display();
            eprintln!(
                "{}",
                super::say(&format!("已写入 {path}"), &format!("wrote {path}"))
            );
            Ok(Exit::Ok)
        }
        None => {
            super::write_stdout(&text)?;
            Ok(Exit::Ok)
        }
    }
}
