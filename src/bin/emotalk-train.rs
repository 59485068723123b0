//! `emotalk-train`: the headless trainer (feature `train`; builds without Bevy).

use std::process::ExitCode;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use emotalk::model::audio_emotion::AudioEmotionConfig;
use emotalk::train::eac::EacTrainOptions;
use emotalk::train::{audio_emotion, tools};

/// mimalloc (feature `mimalloc`, default): EAC's megabyte attention tensors are reused instead of
/// page-faulted in afresh on every pass (BENCHMARKS.md, "EAC speed").
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "emotalk-train/eac_cmd.rs"]
mod eac_cmd;
#[path = "emotalk-train/hef_cmd.rs"]
mod hef_cmd;

/// The training backend: burn's CUDA backend with the `cuda` feature, else wgpu with `wgpu`, else
/// the pure-Rust CPU backend Flex (the default).
#[cfg(feature = "cuda")]
type Backend = burn::backend::Autodiff<burn::backend::Cuda>;
/// The training backend (see above).
#[cfg(all(feature = "wgpu", not(feature = "cuda")))]
type Backend = burn::backend::Autodiff<burn::backend::Wgpu>;
/// The training backend (see above).
#[cfg(not(any(feature = "wgpu", feature = "cuda")))]
type Backend = burn::backend::Autodiff<burn::backend::Flex>;

/// What the training backend is, for the line each training command prints first: a build with
/// `wgpu` trains on wgpu's default adapter, which on a machine without a GPU is lavapipe, a
/// software Vulkan several times slower than Flex on the same cores (a HEF step at 128 px: about
/// 23 s on lavapipe against 2.7–3.5 s on Flex, 2-core container).
fn backend_line() -> &'static str {
    if cfg!(feature = "cuda") {
        "burn CUDA, the first NVIDIA GPU"
    } else if cfg!(feature = "wgpu") {
        "burn wgpu, its default adapter (without a GPU that is lavapipe, software Vulkan: several \
         times slower than the CPU build, `--no-default-features --features train,flex,mimalloc`)"
    } else {
        "burn Flex, this machine's CPU"
    }
}

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
    /// Trains HEF, the face generator, on procedural characters: the warp of a character's
    /// painting against the same character painted natively at the expression (pairs made on the
    /// fly; held-out characters scored at the end). Writes OUT/{config.json, model.mpk,
    /// checkpoint/, metrics.json, loss.png}.
    Hef {
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Optimiser steps.
        #[arg(long, default_value_t = 500)]
        steps: usize,
        /// Pairs per step.
        #[arg(long, default_value_t = 4)]
        batch: usize,
        /// Frame size in pixels (256 is the network's default; smaller trains faster on a CPU).
        #[arg(long, default_value_t = 256)]
        size: usize,
        /// Learning rate (Adam).
        #[arg(long, default_value_t = 2e-3)]
        lr: f64,
        /// Seed of initialisation and pairs.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Continue from OUT/checkpoint.
        #[arg(long)]
        resume: bool,
        /// Steps between checkpoints.
        #[arg(long, default_value_t = 50)]
        checkpoint_every: usize,
        /// Held-out characters to score at the end (8 expressions each).
        #[arg(long, default_value_t = 10)]
        eval_seeds: usize,
        /// Fine-tune: start from these trained weights (a folder with config.json + model.mpk,
        /// or `shipped`; their size must be `--size`) instead of a fresh initialisation.
        #[arg(long, value_name = "DIR|shipped")]
        init: Option<String>,
        /// Sizes characters are painted at, as multiples of `--size` (each pair draws one and
        /// comes to the network through its face crop, as at inference).
        #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
        paint_scales: Vec<u32>,
        /// The widest random jaw opening a target draws (`jawOpen` from 0 to this in half the pairs;
        /// 0 to 1; the shipped weights' first runs drew up to 0.6).
        #[arg(long, default_value_t = 1.0)]
        max_jaw: f32,
    },
    /// Writes a synthetic lip-sync corpus: seeded sentences spoken by TTS voices with exact phone
    /// timings, augmented, each with an emotion and intensity (manifest.jsonl + clips/).
    Synth {
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Number of clips.
        #[arg(long, default_value_t = 2000)]
        clips: usize,
        /// Seed of everything random (the same seed rebuilds the same corpus).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Voices, comma-separated, used in turn.
        #[arg(
            long,
            default_value = "flite:kal16,flite:awb,flite:slt,flite:rms,festival:kal_diphone,festival:cmu_us_slt_arctic_hts"
        )]
        voices: String,
        /// Leave the audio as synthesised (no speed, noise, band-limit, reverberation or gain changes).
        #[arg(long)]
        no_augment: bool,
        /// Worker threads.
        #[arg(long, default_value_t = 2)]
        threads: usize,
    },
    /// Trains EAC (audio + emotion -> blendshapes) on a corpus manifest.
    Eac {
        /// The corpus manifest (from `synth`, or a converted recorded corpus).
        #[arg(long)]
        manifest: PathBuf,
        /// Output folder: config.json + model.mpk (the network), checkpoint/, metrics.json, loss.png.
        #[arg(long)]
        out: PathBuf,
        /// Optimiser steps.
        #[arg(long, default_value_t = 4000)]
        steps: usize,
        /// Windows per step.
        #[arg(long, default_value_t = 16)]
        batch: usize,
        /// Frames per window (25 per second).
        #[arg(long, default_value_t = 50)]
        window: usize,
        /// Peak learning rate.
        #[arg(long, default_value_t = 1e-3)]
        lr: f64,
        /// Seed of initialisation and batches.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Weight of the mouth-aperture loss.
        #[arg(long, default_value_t = 4.0)]
        aperture_weight: f32,
        /// Extra weight of closed frames (silences, bilabials) in the aperture loss.
        #[arg(long, default_value_t = 4.0)]
        closure_weight: f32,
        /// Continue from OUT/checkpoint (exactly where it stopped).
        #[arg(long)]
        resume: bool,
        /// Fine-tune: start from these trained weights (a folder with config.json + model.mpk,
        /// or `shipped`) instead of a fresh initialisation.
        #[arg(long, value_name = "DIR|shipped")]
        init: Option<String>,
        /// Steps between checkpoints.
        #[arg(long, default_value_t = 200)]
        checkpoint_every: usize,
        /// Voices kept out of training for evaluation, comma-separated.
        #[arg(long, default_value = "flite:rms")]
        held_out_voices: String,
        /// The network predicts everything, the emotion's face included, instead of the speech
        /// part under the emotion's face composed by the targets' rule (the emotion prior, the
        /// default: see `model::eac::prior`). For targets recorded with their emotion in them.
        #[arg(long)]
        no_emotion_prior: bool,
        /// Weight of the emotion-consistency loss (default: 0.05 without the emotion prior, 0
        /// with it: the prior makes the emotion's face exact, and the term then only fights
        /// reconstruction; with it at 0.05 the network learned to smile under pure surprise).
        #[arg(long)]
        emotion_weight: Option<f32>,
        #[command(flatten)]
        speech: eac_cmd::SpeechEval,
        /// Threads for loading the corpus.
        #[arg(long, default_value_t = 2)]
        threads: usize,
    },
    /// Evaluates a trained EAC folder: on a manifest's clips (targets from their phones) and on
    /// real recordings scored by tools/lipsync/score.py; prints JSON.
    Eval {
        /// The model folder (config.json + model.mpk).
        #[arg(long)]
        model: PathBuf,
        /// A corpus manifest to evaluate on.
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// Only these voices of the manifest, comma-separated (default: all).
        #[arg(long, default_value = "")]
        voices: String,
        #[command(flatten)]
        speech: eac_cmd::SpeechEval,
        /// Threads for loading.
        #[arg(long, default_value_t = 2)]
        threads: usize,
    },
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
    let report = |r: Result<(), Box<dyn std::error::Error>>| match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    };
    let command = Cli::parse().command;
    if matches!(command, Command::Eac { .. } | Command::AudioEmotion { .. } | Command::Hef { .. }) {
        eprintln!("emotalk-train: training on {}", backend_line());
    }
    match command {
        Command::Synth { out, clips, seed, voices, no_augment, threads } => {
            report(eac_cmd::synth(&out, clips, seed, &voices, !no_augment, threads))
        }
        Command::Eac {
            manifest,
            out,
            steps,
            batch,
            window,
            lr,
            seed,
            aperture_weight,
            closure_weight,
            resume,
            checkpoint_every,
            held_out_voices,
            no_emotion_prior,
            emotion_weight,
            speech,
            threads,
            init,
        } => {
            if steps == 0 || batch == 0 || window < 2 {
                return report(Err("--steps and --batch must be at least 1, --window at least 2".into()));
            }
            let options = EacTrainOptions {
                steps,
                batch,
                window,
                learning_rate: lr,
                seed,
                aperture_weight,
                closure_weight,
                init,
                emotion_weight: emotion_weight.unwrap_or(if no_emotion_prior { 0.05 } else { 0.0 }),
                ..Default::default()
            };
            report(eac_cmd::train_eac::<Backend>(eac_cmd::EacArgs {
                manifest,
                out,
                options,
                resume,
                checkpoint_every,
                held_out_voices: held_out_voices.split(',').filter(|v| !v.is_empty()).map(String::from).collect(),
                emotion_prior: !no_emotion_prior,
                speech,
                threads,
            }))
        }
        Command::Eval { model, manifest, voices, speech, threads } => {
            let voices: Vec<String> = voices.split(',').filter(|v| !v.is_empty()).map(String::from).collect();
            report(eac_cmd::eval::<<Backend as burn::tensor::backend::AutodiffBackend>::InnerBackend>(
                &model,
                manifest.as_deref(),
                &voices,
                &speech,
                threads,
            ))
        }
        Command::AudioEmotion { manifest, out, steps, seed, hidden } => {
            report(train_audio_emotion(manifest, out, steps, seed, hidden))
        }
        Command::Hef {
            out,
            steps,
            batch,
            size,
            lr,
            seed,
            resume,
            checkpoint_every,
            eval_seeds,
            init,
            paint_scales,
            max_jaw,
        } => {
            if !(0.0..=1.0).contains(&max_jaw) {
                return report(Err(format!("--max-jaw must be 0 to 1, got {max_jaw}").into()));
            }
            let options = emotalk::train::hef::HefTrainOptions {
                steps,
                batch,
                learning_rate: lr,
                seed,
                paint_scales,
                max_jaw,
                ..Default::default()
            };
            report(hef_cmd::train_hef::<Backend>(hef_cmd::HefArgs {
                out,
                size,
                options,
                resume,
                checkpoint_every,
                eval_seeds,
                init,
            }))
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
    let bar = eac_cmd::progress_bar(steps as u64, "{bar:40} {pos}/{len} steps, loss {msg} ({eta} left)");
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
