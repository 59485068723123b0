//! `emotalk coeffs`: a voice line (and an emotion) to an expression track, as CSV.

use std::path::PathBuf;

use emotalk::audio::{MelConfig, log_mel};
use emotalk::emotion::{EmotionSource, EmotionSpec};
use emotalk::face::blendshapes::index_of;
use emotalk::anim::motion::{self, BlinkConfig, HeadMotionConfig};
use emotalk::model::eac::saved::EacModel;

use super::BoxError;
use super::emotion_cmd::{Cpu, check_intensity, encoders, resolve_text};

/// The line and how to animate it: the arguments `coeffs` and `render` share.
#[derive(clap::Args)]
pub struct LineArgs {
    /// The voice line (WAV, OGG, FLAC or MP3; any rate, mixed to mono); the bundled line by
    /// default.
    #[arg(long)]
    pub audio: Option<PathBuf>,
    /// The emotion, as any text ("furious", "sadly surprised", "happy:2"); without it, the
    /// voice's own (neutral until an audio emotion network is installed).
    #[arg(long)]
    pub emotion: Option<String>,
    /// Intensity 0 to 3, replacing the one the words imply.
    #[arg(long)]
    pub intensity: Option<f32>,
    /// Frames per second.
    #[arg(long, default_value_t = 30.0)]
    pub fps: f64,
    /// Seed of the procedural blinks and head sway.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// No blinks and no head motion: only what EAC predicts (the pose columns stay 0).
    #[arg(long)]
    pub still: bool,
}

/// The line's 16 kHz samples: the file, or the bundled line.
fn decode(audio: Option<&PathBuf>) -> Result<Vec<f32>, BoxError> {
    Ok(match audio {
        Some(path) => emotalk::audio::load(path)?.samples,
        None => emotalk::audio::load_bytes(emotalk::bundled::GREETING_OGG, emotalk::bundled::GREETING_LABEL)?.samples,
    })
}

/// A line's expression track at `fps`, with its pose columns (empty when `still`), and the
/// emotion it was inferred with: what `coeffs` writes and `render` draws.
pub struct LineTrack {
    pub track: emotalk::anim::ExpressionTrack,
    pub pose: Vec<[f32; 3]>,
    pub resolved: emotalk::emotion::ResolvedEmotion,
}

pub fn line_track(args: &LineArgs) -> Result<LineTrack, BoxError> {
    let LineArgs { audio, emotion, intensity, fps, seed, still } = args;
    let (fps, seed, still, intensity) = (*fps, *seed, *still, *intensity);
    if !(fps.is_finite() && (1.0..=240.0).contains(&fps)) {
        return Err(format!("--fps must be between 1 and 240, got {fps}").into());
    }
    let samples = decode(audio.as_ref())?;
    let resolved = match emotion {
        Some(text) => resolve_text(text, intensity)?,
        None => {
            // No emotion given: the voice's own (neutral, with a warning, until an audio emotion
            // network is installed).
            let mut spec = EmotionSpec { source: EmotionSource::Voice(samples.clone().into()), intensity: None };
            if let Some(mu) = intensity {
                check_intensity(mu)?;
                spec = spec.with_intensity(mu);
            }
            let r = spec.resolve(&encoders(None)?)?;
            for w in &r.warnings {
                eprintln!("warning: {w}");
            }
            r
        }
    };
    let device = Default::default();
    let model = EacModel::<Cpu>::default_model(&device)?;
    let mel = log_mel(&samples, &MelConfig::default())?;
    let mut track = model.infer(&mel, &resolved.embedding, resolved.intensity, &device).resampled(fps);
    let pose = if still {
        Vec::new()
    } else {
        // Blinks and head motion are procedural (EAC learns neither): see emotalk::anim::motion.
        let blinks = motion::blink_times(track.duration() as f32, &BlinkConfig::default(), seed);
        let (left, right) = (index_of("eyeBlinkLeft"), index_of("eyeBlinkRight"));
        for (f, frame) in track.frames.iter_mut().enumerate() {
            let b = motion::blink_weight((f as f64 / fps) as f32, &blinks, &BlinkConfig::default());
            for k in [left, right].into_iter().flatten() {
                frame[k] = frame[k].max(b);
            }
        }
        let nuclei = emotalk::audio::prosody::prosody_with_mel(&samples, &mel).nuclei;
        motion::head_motion(&nuclei, track.frames.len(), fps as f32, &HeadMotionConfig::default(), seed)
    };
    Ok(LineTrack { track, pose, resolved })
}

pub fn coeffs(args: &LineArgs, out: &std::path::Path) -> Result<(), BoxError> {
    let LineTrack { track, pose, resolved } = line_track(args)?;
    let fps = args.fps;
    emotalk::io::write_atomically(out, |w| track.write_csv_with_pose(w, &pose))?;
    eprintln!(
        "wrote {} ({} frames at {fps} fps, {:.2} s; emotion {} at intensity {:.2})",
        out.display(),
        track.frames.len(),
        track.duration(),
        resolved.embedding.dominant().name(),
        resolved.intensity
    );
    Ok(())
}
