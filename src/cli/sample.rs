//! `itss sample`.

use itss::sample::{self, SampleConfig};

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
        eprintln!("error: {} exists and is not empty", args.out.display());
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
    eprintln!(
        "wrote {} submissions of {} to {} ({} invalid on purpose){}",
        summary.files,
        catalog.id,
        args.out.display(),
        summary.invalid,
        if args.evidence {
            ""
        } else {
            "; no evidence files: assess with --no-evidence-files"
        }
    );
    Ok(Exit::Ok)
}
