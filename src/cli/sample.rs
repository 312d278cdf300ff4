//! `itss sample`.

use itss::internals::sample::{self, SampleConfig};

use super::{Exit, SampleArgs, catalog_by_id_or_path};

pub(super) fn run(args: SampleArgs) -> anyhow::Result<Exit> {
    let catalog = match catalog_by_id_or_path(&args.catalog) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    if args.out.exists()
        && std::fs::read_dir(&args.out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        let out = args.out.display();
        eprintln!(
            "{}",
            super::say(
                &format!("错误：{out} 已存在且不是空目录"),
                &format!("error: {out} exists and is not empty"),
            )
        );
        return Ok(Exit::Usage);
    }
    let config = SampleConfig {
        count: args.count,
        seed: args.seed,
        out: args.out.clone(),
        evidence: args.evidence,
        invalid_per_mille: args.invalid_per_mille.min(1000),
    };
    let summary = sample::generate(&catalog, &config)?;
    let out = args.out.display();
    let (files, id, invalid) = (summary.files, &catalog.id, summary.invalid);
    eprintln!(
        "{}",
        super::say(
            &format!(
                "已向 {out} 写入评估目录 {id} 的 {files} 份提交（其中 {invalid} 份有意无效）{}",
                if args.evidence {
                    ""
                } else {
                    "；未生成证据文件：评估时请加 --no-evidence-files"
                }
            ),
            &format!(
                "wrote {files} submissions of {id} to {out} ({invalid} invalid on purpose){}",
                if args.evidence {
                    ""
                } else {
                    "; no evidence files: assess with --no-evidence-files"
                }
            ),
        )
    );
    Ok(Exit::Ok)
}
