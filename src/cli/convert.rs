//! `itss convert FILE --to yaml|json|xlsx -o OUT`.

use anyhow::Context;
use itss::internals::{convert, output, source, submission};

use super::{ConvertArgs, ConvertForm, Exit, print_diagnostics, say};

pub(super) fn run(args: ConvertArgs) -> anyhow::Result<Exit> {
    if args.output.exists() && !args.force {
        eprintln!(
            "{}",
            say(
                &format!(
                    "错误：{} 已存在；不覆盖可能已填写的文件（如确需覆盖，请加 --force）",
                    args.output.display()
                ),
                &format!(
                    "error: {} exists; not overwriting a file that may hold answers (give --force to overwrite)",
                    args.output.display()
                ),
            )
        );
        return Ok(Exit::Usage);
    }
    let parsed = match submission::parse(&args.file, args.max_file_size) {
        Ok(p) => p,
        Err(load) => {
            print_diagnostics(&load.diagnostics, load.text.as_deref());
            return Ok(Exit::Invalid);
        }
    };
    let value = parsed.value();
    let bytes = match args.to {
        ConvertForm::Yaml => convert::to_yaml(value).into_bytes(),
        ConvertForm::Json => convert::to_json(value).into_bytes(),
        ConvertForm::Xlsx => {
            let catalog = match &args.catalog {
                Some(path) => {
                    itss::internals::catalog::load(path, source::DEFAULT_MAX_FILE_SIZE, false)
                }
                None => {
                    let id = parsed.catalog_id().unwrap_or_default();
                    match itss::internals::catalog::bundled(id) {
                        Some(load) => load,
                        None => {
                            eprintln!(
                                "{}",
                                say(
                                    &format!(
                                        "错误：提交文件指定的评估目录 `{id}` 不是内置目录（内置：{}）；请用 --catalog 指定目录文件",
                                        itss::internals::catalog::bundled_ids().join(", ")
                                    ),
                                    &format!(
                                        "error: the submission names catalog `{id}`, which is not bundled (bundled: {}); give --catalog PATH",
                                        itss::internals::catalog::bundled_ids().join(", ")
                                    ),
                                )
                            );
                            return Ok(Exit::Usage);
                        }
                    }
                }
            };
            let catalog = match catalog {
                Ok(loaded) => loaded.value,
                Err(rejected) => {
                    print_diagnostics(&rejected.diagnostics, rejected.text.as_deref());
                    return Ok(Exit::Usage);
                }
            };
            itss::internals::workbook::submission(&catalog, value, args.lang.into())?
        }
    };
    output::write_atomic(&args.output, &bytes)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    eprintln!(
        "{}",
        say(
            &format!("已写入 {}", args.output.display()),
            &format!("wrote {}", args.output.display()),
        )
    );
    Ok(Exit::Ok)
}
