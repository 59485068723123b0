//! `emotalk live`: live audio (a file played at real-time pace, or the microphone) through the
//! streaming EAC thread, headless: writes the track it produced and the measured latency.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use emotalk::anim::ExpressionTrack;
use emotalk::live::{LatencyStats, LiveFrame, LivePipeline, Pace, PipelineEvent, SourceEvent, VirtualInput};
use emotalk::model::eac::saved::EacModel;

use super::BoxError;
use super::emotion_cmd::{Cpu, resolve_text};

/// The arguments of `emotalk live`.
#[derive(clap::Args)]
pub struct LiveArgs {
    /// A voice file played into the pipeline at real-time pace, as a microphone would deliver
    /// it (WAV, OGG, FLAC or MP3; decoded to 16 kHz mono first).
    #[arg(long, conflicts_with = "mic")]
    pub audio: Option<PathBuf>,
    /// Listen to a microphone instead: the default input device, or the one named.
    #[arg(long, num_args = 0..=1, default_missing_value = "", value_name = "DEVICE")]
    pub mic: Option<String>,
    /// How long to listen to the microphone, in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// The emotion ("furious", "sadly surprised", "happy:2"); neutral by default.
    #[arg(long, default_value = "neutral")]
    pub emotion: String,
    /// Intensity 0 to 3, replacing the one the words imply.
    #[arg(long)]
    pub intensity: Option<f32>,
    /// Milliseconds of audio per input callback (what a device's buffer delivers at once).
    #[arg(long, default_value_t = 10.0)]
    pub chunk_ms: f64,
    /// Feed the file as fast as the pipeline takes it (latency is then not meaningful).
    #[arg(long)]
    pub unpaced: bool,
    /// The most audio after a frame's time that the frame may wait for, in ms: 140 is the
    /// shipped model's whole look-ahead (the offline track); 100 (the default) and 60 look fewer
    /// frames ahead, sooner and a little less accurately (BENCHMARKS.md, "Live voice latency").
    #[arg(long, default_value_t = emotalk::live::LIVE_LOOKAHEAD_MS)]
    pub lookahead_ms: f64,
    /// Output CSV: EAC's 52 weights per frame at the model's frame rate (pose columns 0).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn live(args: &LiveArgs) -> Result<(), BoxError> {
    if !(args.chunk_ms.is_finite() && (1.0..=500.0).contains(&args.chunk_ms)) {
        return Err(format!("--chunk-ms must be between 1 and 500, got {}", args.chunk_ms).into());
    }
    if !(args.seconds.is_finite() && args.seconds > 0.0 && args.seconds <= 3600.0) {
        return Err(format!("--seconds must be between 0 and 3600, got {}", args.seconds).into());
    }
    let resolved = resolve_text(&args.emotion, args.intensity)?;
    let device = Default::default();
    let model = EacModel::<Cpu>::default_model(&device)?
        .with_lookahead_ms(args.lookahead_ms)
        .map_err(|e| format!("--lookahead-ms: {e}"))?;
    let lookahead = model.config.lookahead_ms();
    let (tx, rx) = crossbeam_channel::unbounded::<SourceEvent>();
    let pipeline = LivePipeline::spawn(model, resolved.embedding.clone(), resolved.intensity, device, rx);
    let chunk = Duration::from_secs_f64(args.chunk_ms / 1000.0);
    // Keep the input alive while the frames come.
    let (_file, _mic, deadline) = match (&args.audio, &args.mic) {
        (_, Some(name)) => (None, Some(open_mic(name, tx)?), Some(Instant::now() + Duration::from_secs_f64(args.seconds))),
        (audio, None) => {
            let samples = match audio {
                Some(path) => emotalk::audio::load(path)?.samples,
                None => {
                    emotalk::audio::load_bytes(emotalk::bundled::GREETING_OGG, emotalk::bundled::GREETING_LABEL)?
                        .samples
                }
            };
            let pace = if args.unpaced { Pace::Unpaced } else { Pace::RealTime };
            (Some(VirtualInput::play(samples, emotalk::live::EAC_RATE, chunk, pace, tx)), None, None)
        }
    };
    let mut frames: Vec<LiveFrame> = Vec::new();
    let mut lost = None;
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        match pipeline.recv_timeout(Duration::from_millis(100)) {
            Some(PipelineEvent::Frame(f)) => frames.push(f),
            Some(PipelineEvent::Ended) => break,
            Some(PipelineEvent::SourceLost(reason)) => {
                lost = Some(reason);
                break;
            }
            None => {}
        }
    }
    let fps = pipeline.fps();
    drop(_mic);
    let track = ExpressionTrack { fps, frames: frames.iter().map(|f| f.weights).collect(), sigma: Vec::new() };
    emotalk::io::write_atomically(&args.out, |w| track.write_csv(w))?;
    let stats = LatencyStats::of(&frames);
    let report = serde_json::json!({
        "frames": frames.len(),
        "fps": fps,
        "lookahead_ms": lookahead,
        "chunk_ms": args.chunk_ms,
        "paced": !args.unpaced || args.mic.is_some(),
        "latency": stats,
        "source_lost": lost,
    });
    let json_path = args.out.with_extension("latency.json");
    emotalk::io::write_atomically(&json_path, |w| w.write_all(serde_json::to_string_pretty(&report)?.as_bytes()))?;
    eprintln!("wrote {} ({} frames at {fps} fps) and {}", args.out.display(), frames.len(), json_path.display());
    if let Some(s) = stats {
        eprintln!(
            "latency from a sample entering the input callback to its frame being ready: median {:.1} ms, p95 {:.1} ms, max {:.1} ms; from its capture (the input's buffering included): median {:.1} ms, max {:.1} ms (look-ahead {lookahead:.0} ms; a renderer adds at most one display frame)",
            s.median_ms, s.p95_ms, s.max_ms, s.from_capture_median_ms, s.from_capture_max_ms
        );
    }
    if let Some(reason) = lost {
        return Err(format!("the audio input was lost: {reason}").into());
    }
    Ok(())
}

#[cfg(feature = "mic")]
fn open_mic(name: &str, tx: crossbeam_channel::Sender<SourceEvent>) -> Result<emotalk::live::mic::Microphone, BoxError> {
    let mic = emotalk::live::mic::Microphone::open((!name.is_empty()).then_some(name), tx)?;
    eprintln!("listening to {} ({} Hz, {} channels)", mic.name, mic.rate, mic.channels);
    Ok(mic)
}

#[cfg(not(feature = "mic"))]
fn open_mic(_: &str, _: crossbeam_channel::Sender<SourceEvent>) -> Result<(), BoxError> {
    Err("this emotalk was built without the `mic` feature: no microphone input".into())
}
