//! `itss`: the command-line front end. Parses arguments, sets up logging, runs a command
//! from [`cli`], and maps its outcome to the exit code of SPEC §8.

mod cli;

/// mimalloc instead of the system allocator: parsing thousands of submissions is
/// allocation-heavy, and glibc's malloc spends a tenth of a batch consolidating free lists.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ITSS_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(cli::color_stderr())
        // Each span reports its time when it closes: `ITSS_LOG=debug` shows where it went.
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .init();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) => {
            // A closed pipe (`itss … | head`) ends the output; that is not an error.
            if err.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            // The cause chain in the command's language, without repeating a cause a
            // message already quotes (`cannot write x: No space left on device` once).
            eprintln!("{}", cli::error_line(&err));
            ExitCode::from(cli::Exit::Usage as u8)
        }
    }
}
