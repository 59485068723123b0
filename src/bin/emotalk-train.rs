//! `emotalk-train`: the headless trainer (feature `train`; builds without Bevy).

use std::process::ExitCode;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use emotalk::model::audio_emotion::AudioEmotionConfig;
use emotalk::train::{audio_emotion, tools};

type Backend = burn::backend::Autodiff<burn::backend::Flex>;

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
    /// Trains the audio emotion network (prosody -> emotion) on labelled clips.
    AudioEmotion {
        /// JSON lines, one clip a line: {"audio": "clips/a.wav", "emotion": "angry:2"}.
        #[arg(long)]
        manifest: PathBuf,
        /// Output folder (config.json, model.mpk, metrics.json); `models/audio_emotion` is where
        /// emotalk looks for it.
        #[arg(long)]
        out: PathBuf,
        /// Optimiser steps.
        #[arg(long, default_value_t = 2000)]
        steps: usize,
        /// Seed of initialisation and batch order.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Hidden layer width.
        #[arg(long, default_value_t = 24)]
        hidden: usize,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::AudioEmotion { manifest, out, steps, seed, hidden } => {
            match train_audio_emotion(manifest, out, steps, seed, hidden) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
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

fn train_audio_emotion(
    manifest: PathBuf,
    out: PathBuf,
    steps: usize,
    seed: u64,
    hidden: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    if hidden == 0 || steps == 0 {
        return Err("--hidden and --steps must be at least 1".into());
    }
    let examples = audio_emotion::examples_from_manifest(&manifest)?;
    // Every fifth clip is held out.
    let (held, train): (Vec<_>, Vec<_>) = examples.into_iter().enumerate().partition(|(i, _)| i % 5 == 4);
    let train: Vec<_> = train.into_iter().map(|(_, e)| e).collect();
    let held: Vec<_> = held.into_iter().map(|(_, e)| e).collect();
    let config = AudioEmotionConfig::new().with_hidden(hidden);
    let options = audio_emotion::TrainOptions { steps, seed, ..Default::default() };
    let bar = indicatif::ProgressBar::new(steps as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} steps, loss {msg} ({eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let device = Default::default();
    let (net, losses) = audio_emotion::train::<Backend>(&train, &config, &options, &device, |_, loss| {
        bar.inc(1);
        bar.set_message(format!("{loss:.4}"));
    });
    bar.finish();
    net.save(&config, &out)?;
    let held_loss = audio_emotion::evaluate(&net, &held, options.vad_weight, &device);
    let metrics = serde_json::json!({
        "manifest": manifest,
        "train_clips": train.len(),
        "held_out_clips": held.len(),
        "options": options,
        "parameters": net.parameter_count(),
        "final_train_loss": losses.last(),
        "held_out_loss": held_loss,
        "loss_every_100_steps": losses.iter().step_by(100).collect::<Vec<_>>(),
    });
    let path = out.join("metrics.json");
    emotalk::io::write_atomically(&path, |w| w.write_all(serde_json::to_string_pretty(&metrics)?.as_bytes()))?;
    println!("wrote {} ({} parameters); held-out loss {held_loss:.4}", out.display(), net.parameter_count());
    Ok(())
}
