//! `emotalk-train synth` and `emotalk-train eac`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use emotalk::audio::{MelConfig, log_mel};
use emotalk::emotion::EmotionEmbedding;
use emotalk::model::eac::saved::EacModel;
use emotalk::model::eac::{Eac, EacConfig};
use emotalk::train::eac::{EacTrainOptions, EvalReport, RunControl, RunState, evaluate};
use emotalk::train::eac_data::{Clip, load_clips};
use emotalk::train::synth::{SynthOptions, generate};
use emotalk::train::tts::{ALL_VOICES, Voice};
use emotalk::train::{plot, tools};

type Error = Box<dyn std::error::Error>;

/// `emotalk-train synth`.
pub fn synth(out: &Path, clips: usize, seed: u64, voices: &str, augment: bool, threads: usize) -> Result<(), Error> {
    let voices: Vec<Voice> = voices
        .split(',')
        .map(|v| Voice::from_label(v).ok_or_else(|| format!("unknown voice `{v}`; known: {}", known_voices())))
        .collect::<Result<_, _>>()?;
    let missing: Vec<&str> = voices.iter().map(|v| v.program()).filter(|p| tools::find_program(p).is_none()).collect();
    if !missing.is_empty() {
        let report = tools::check(&tools::TTS_TOOLS);
        let wanted: Vec<_> = report.into_iter().filter(|(t, _)| missing.contains(&t.program)).collect();
        let cmd = tools::install_command(&wanted).unwrap_or_default();
        return Err(format!("missing text-to-speech programs {missing:?}; install them with:\n  {cmd}").into());
    }
    let options = SynthOptions { clips, seed, voices, augment, neutral_share: 0.3, threads };
    let bar = progress_bar(clips as u64, "{bar:40} {pos}/{len} clips ({eta} left)");
    let entries = generate(out, &options, || bar.inc(1))?;
    bar.finish();
    let seconds: f64 = entries
        .iter()
        .filter_map(|e| emotalk::audio::AudioReader::open(out.join(&e.audio)).ok())
        .filter_map(|r| r.info().duration_seconds())
        .sum();
    println!(
        "wrote {} clips ({:.1} min of audio) and {}",
        entries.len(),
        seconds / 60.0,
        out.join("manifest.jsonl").display()
    );
    Ok(())
}

fn default_device<B: burn::prelude::Backend>() -> B::Device {
    Default::default()
}

fn known_voices() -> String {
    ALL_VOICES.iter().map(|v| v.label()).collect::<Vec<_>>().join(", ")
}

pub fn progress_bar(len: u64, template: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(template).unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// What `emotalk-train eac` was asked.
pub struct EacArgs {
    /// Corpus manifest.
    pub manifest: PathBuf,
    /// Output folder.
    pub out: PathBuf,
    /// Training settings.
    pub options: EacTrainOptions,
    /// Continue from `out/checkpoint`.
    pub resume: bool,
    /// Steps between checkpoints.
    pub checkpoint_every: usize,
    /// Voices held out of training.
    pub held_out_voices: Vec<String>,
    /// [`EacConfig::emotion_prior`].
    pub emotion_prior: bool,
    /// Real recordings to predict and score.
    pub speech: SpeechEval,
    /// Threads for loading.
    pub threads: usize,
}

/// Real recordings to predict after training or in `eval`, and the script that scores them.
#[derive(clap::Args, Debug, Clone)]
pub struct SpeechEval {
    /// A folder of real recordings (WAV) to predict with a neutral emotion, as 30 fps CSVs.
    #[arg(long)]
    pub eval_speech: Option<PathBuf>,
    /// tools/lipsync/score.py, run on those predictions (needs python3 with numpy).
    #[arg(long)]
    pub score_script: Option<PathBuf>,
}

/// `emotalk-train eac`.
pub fn train_eac<B: burn::tensor::backend::AutodiffBackend>(args: EacArgs) -> Result<(), Error> {
    let config = EacConfig::new().with_emotion_prior(args.emotion_prior);
    let device = B::Device::default();
    let loading = std::time::Instant::now();
    let clips = load_clips(&args.manifest, &config, args.threads)?;
    let (held, train): (Vec<Clip>, Vec<Clip>) =
        clips.into_iter().partition(|c| c.voice.as_ref().is_some_and(|v| args.held_out_voices.contains(v)));
    if train.is_empty() {
        return Err("no training clips left after holding out voices".into());
    }
    eprintln!(
        "loaded {} training and {} held-out clips in {:.1} s",
        train.len(),
        held.len(),
        loading.elapsed().as_secs_f64()
    );
    let started = std::time::Instant::now();
    let bar = progress_bar(args.options.steps as u64, "{bar:40} {pos}/{len} steps, loss {msg} ({eta} left)");
    let (net, state) = emotalk::train::eac::train::<B>(
        &train,
        &config,
        &args.options,
        &args.out,
        RunControl { resume: args.resume, checkpoint_every: args.checkpoint_every, stop_after: None },
        &device,
        |s: &RunState| {
            bar.set_position(s.step as u64);
            if let Some(l) = s.losses.last() {
                bar.set_message(format!("{:.4}", l.total));
            }
        },
    )?;
    bar.finish();
    let train_seconds = started.elapsed().as_secs_f64();
    let inner = default_device::<B::InnerBackend>();
    EacModel { config: config.clone(), net: net.clone() }.save(&args.out)?;
    let held_report = evaluate(&net, &config, &held, &inner);
    let train_report = evaluate(&net, &config, &train[..train.len().min(100)], &inner);
    let speech = match &args.speech.eval_speech {
        Some(dir) => Some(predict_folder(&net, &config, dir, &args.out.join("eval_speech"), &inner)?),
        None => None,
    };
    let score = match (&args.speech.score_script, &speech) {
        (Some(script), Some(pred)) => run_score(script, pred, &args.out.join("score.json")),
        _ => None,
    };
    let series = |f: fn(&emotalk::train::eac::StepLoss) -> f32| state.losses.iter().map(f).collect::<Vec<f32>>();
    plot::loss_curve_png(
        &args.out.join("loss.png"),
        &[
            ("total", [20, 20, 20], series(|l| l.total)),
            ("reconstruction", [200, 60, 40], series(|l| l.reconstruction)),
            ("landmarks", [40, 110, 200], series(|l| l.landmarks)),
            ("aperture", [230, 150, 20], series(|l| l.aperture)),
            ("velocity", [40, 160, 70], series(|l| l.velocity)),
            ("emotion", [150, 80, 180], series(|l| l.emotion)),
        ],
        900,
        420,
    )?;
    let every = (state.losses.len() / 200).max(1);
    let metrics = serde_json::json!({
        "manifest": args.manifest,
        "config": config,
        "parameters": net.parameter_count(),
        "options": args.options,
        "steps": state.step,
        "train_clips": train.len(),
        "held_out_voices": args.held_out_voices,
        "held_out": report_json(&held_report),
        "train_sample": report_json(&train_report),
        "real_speech_score": score,
        "train_seconds_this_run": train_seconds,
        "final_loss": state.losses.last(),
        "loss_png": "log scale; black total, red reconstruction, blue landmarks, orange aperture, green velocity, purple emotion (unweighted terms)",
        "loss_curve_every": every,
        "loss_curve": state.losses.iter().step_by(every).collect::<Vec<_>>(),
    });
    let path = args.out.join("metrics.json");
    emotalk::io::write_atomically(&path, |w| w.write_all(serde_json::to_string_pretty(&metrics)?.as_bytes()))?;
    println!("{}", serde_json::to_string_pretty(&metrics["held_out"])?);
    println!("wrote {} (metrics.json, loss.png)", args.out.display());
    Ok(())
}

/// `emotalk-train eval`: a trained EAC folder against a manifest's clips (all, or only `voices`)
/// and, optionally, real recordings scored by `score.py`; prints JSON.
pub fn eval<B: burn::prelude::Backend>(
    model: &Path,
    manifest: Option<&Path>,
    voices: &[String],
    speech: &SpeechEval,
    threads: usize,
) -> Result<(), Error> {
    let device = Default::default();
    let model = EacModel::<B>::load(model, &device)?;
    let mut out = serde_json::json!({ "parameters": model.net.parameter_count() });
    if let Some(manifest) = manifest {
        let clips: Vec<Clip> = load_clips(manifest, &model.config, threads)?
            .into_iter()
            .filter(|c| voices.is_empty() || c.voice.as_ref().is_some_and(|v| voices.contains(v)))
            .collect();
        out["clips"] = report_json(&evaluate(&model.net, &model.config, &clips, &device));
    }
    if let Some(dir) = &speech.eval_speech {
        // A private folder per run, removed afterwards.
        let tmp = tempfile::tempdir()?;
        let pred = predict_folder(&model.net, &model.config, dir, tmp.path(), &device)?;
        if let Some(script) = &speech.score_script {
            let json = pred.join("score.json");
            out["real_speech_score"] = run_score(script, &pred, &json)
                .and_then(|v| v["summary"].as_array().and_then(|a| a.last().cloned()))
                .unwrap_or_default();
        }
    }
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = writeln!(std::io::stdout(), "{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

fn report_json(r: &EvalReport) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    if r.bilabials > 0 {
        v["bilabial_closure"] = serde_json::json!(r.bilabials_closed as f64 / r.bilabials as f64);
    }
    v
}

/// Predicts every WAV file in `dir` with a neutral emotion and writes `<stem>.csv` at 30 fps into
/// `out`; returns `out`.
fn predict_folder<B: burn::prelude::Backend>(
    net: &Eac<B>,
    config: &EacConfig,
    dir: &Path,
    out: &Path,
    device: &B::Device,
) -> Result<PathBuf, Error> {
    std::fs::create_dir_all(out)?;
    let mut wavs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    wavs.sort();
    for wav in wavs {
        let samples = emotalk::audio::load(&wav)?.samples;
        let mel = log_mel(&samples, &MelConfig::default())?;
        let track = net
            .infer(&mel, config, &EmotionEmbedding::preset(emotalk::face::presets::EmotionPreset::Neutral), 0.0, device)
            .resampled(30.0);
        let stem = wav.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let path = out.join(format!("{stem}.csv"));
        emotalk::io::write_atomically(&path, |w| track.write_csv(w))?;
    }
    Ok(out.to_path_buf())
}

/// Runs `score.py PRED --json OUT` and returns its JSON, or `None` (with a note) when it fails.
fn run_score(script: &Path, pred: &Path, json: &Path) -> Option<serde_json::Value> {
    let status = std::process::Command::new("python3").arg(script).arg(pred).arg("--json").arg(json).status();
    match status.ok().filter(|s| s.success()).and_then(|_| std::fs::read_to_string(json).ok()) {
        Some(text) => serde_json::from_str(&text).ok(),
        None => {
            eprintln!("note: could not run {} (needs python3 with numpy)", script.display());
            None
        }
    }
}
