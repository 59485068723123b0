//! `emotalk-train`: the headless trainer (feature `train`; builds without Bevy).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use emotalk::train::tools;

#[derive(Parser)]
#[command(name = "emotalk-train", version, about = "Trains emotalk's networks (headless, no Bevy)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Checks that the external text-to-speech programs of the synthetic corpus are installed.
    Tools,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Tools => {
            let report = tools::check(&tools::TTS_TOOLS);
            for (tool, found) in &report {
                match found {
                    Some(p) => println!("found    {:<10} {}  ({})", tool.program, p.display(), tool.purpose),
                    None => println!("missing  {:<10} package: {}  ({})", tool.program, tool.package, tool.purpose),
                }
            }
            match tools::install_command(&report) {
                None => ExitCode::SUCCESS,
                Some(cmd) => {
                    eprintln!("error: some text-to-speech programs are missing; install them with:\n  {cmd}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
