//! `emotalk coeffs`: a voice line (and an emotion) to an expression track, as CSV.

use std::path::PathBuf;

use emotalk::anim::stream::{LineOptions, LineStream, TrackRow};
use emotalk::anim::{write_csv_header, write_csv_row};
use emotalk::audio::{AudioReader, SAMPLE_RATE};
use emotalk::emotion::{EmotionSource, EmotionSpec};
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

/// Seconds of the voice a voice-read emotion (no `--emotion`) is read from: the start of the line,
/// so that a long file is never held whole.
const VOICE_EMOTION_SECONDS: usize = 60;

/// The line's decoder: the file, or the bundled line.
fn open(audio: Option<&PathBuf>) -> Result<AudioReader, BoxError> {
    Ok(match audio {
        Some(path) => AudioReader::open(path)?,
        None => AudioReader::from_bytes(emotalk::bundled::GREETING_OGG, emotalk::bundled::GREETING_LABEL)?,
    })
}

/// A line's expression track at `fps`, with its pose columns (empty when `still`), and the
/// emotion it was inferred with: what `render` draws.
pub struct LineTrack {
    pub track: emotalk::anim::ExpressionTrack,
    pub pose: Vec<[f32; 3]>,
    pub resolved: emotalk::emotion::ResolvedEmotion,
}

/// The whole track of a line, held in memory (`render` draws every frame of it).
pub fn line_track(args: &LineArgs) -> Result<LineTrack, BoxError> {
    let (mut frames, mut pose) = (Vec::new(), Vec::new());
    let resolved = stream_line(args, false, |row| {
        frames.push(row.weights);
        pose.push(row.pose);
        Ok(())
    })?;
    if args.still {
        pose.clear();
    }
    let track = emotalk::anim::ExpressionTrack { fps: args.fps, frames, sigma: Vec::new() };
    Ok(LineTrack { track, pose, resolved })
}

/// Streams a line through EAC, blinks and head motion ([`LineStream`]), handing each row to
/// `row` as soon as it is final; memory stays bounded whatever the line's length. With
/// `progress`, a bar on stderr once the line has taken more than a second (on a terminal only).
pub fn stream_line(
    args: &LineArgs,
    progress: bool,
    mut row: impl FnMut(&TrackRow) -> std::io::Result<()>,
) -> Result<emotalk::emotion::ResolvedEmotion, BoxError> {
    let LineArgs { audio, emotion, intensity, fps, seed, still } = args;
    let (fps, intensity) = (*fps, *intensity);
    if !(fps.is_finite() && (1.0..=240.0).contains(&fps)) {
        return Err(format!("--fps must be between 1 and 240, got {fps}").into());
    }
    let mut reader = open(audio.as_ref())?;
    let mut chunk = Vec::new();
    // Audio read ahead of the network: the voice an emotion is read from, when none is given.
    let mut head = Vec::new();
    let resolved = match emotion {
        Some(text) => resolve_text(text, intensity)?,
        None => {
            // The voice's own (neutral, with a warning, until an audio emotion network is
            // installed), from the start of the line.
            while head.len() < VOICE_EMOTION_SECONDS * SAMPLE_RATE as usize && reader.read_chunk(&mut head)? {}
            let mut spec = EmotionSpec { source: EmotionSource::Voice(head.clone().into()), intensity: None };
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
    // Blinks and head motion are procedural (EAC learns neither): see emotalk::anim::motion.
    let options = LineOptions { fps, seed: *seed, still: *still, ..LineOptions::default() };
    let mut stream = LineStream::new(&model, resolved.embedding.clone(), resolved.intensity, options, &device)?;
    let bar = progress.then(|| progress_bar(reader.output_len_hint()));
    let started = std::time::Instant::now();
    let mut rows = Vec::new();
    let mut more = true;
    while more {
        if head.is_empty() {
            more = reader.read_chunk(&mut chunk)?;
            stream.push(&chunk, &mut rows);
            chunk.clear();
        } else {
            stream.push(&std::mem::take(&mut head), &mut rows);
        }
        if !more {
            stream.finish(&mut rows);
        }
        for r in rows.drain(..) {
            row(&r)?;
        }
        if let Some(bar) = &bar {
            if bar.is_hidden() && started.elapsed().as_secs_f32() > 1.0 {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_position(stream.samples_in() / SAMPLE_RATE as u64);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(resolved)
}

/// A hidden bar over the line's seconds (a spinner when the length is unknown), shown once the
/// line has taken more than a second.
fn progress_bar(samples: Option<u64>) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        samples.map(|n| n.div_ceil(SAMPLE_RATE as u64)),
        indicatif::ProgressDrawTarget::hidden(),
    );
    let template = "{spinner} {bar:40} {pos}/{len} s of audio, {elapsed} elapsed, {eta} left";
    bar.set_style(
        indicatif::ProgressStyle::with_template(template).unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// `emotalk coeffs`: the track of a line, written row by row as it streams.
pub fn coeffs(args: &LineArgs, out: &std::path::Path) -> Result<(), BoxError> {
    let mut n = 0usize;
    let fps = args.fps;
    // The line's own error (bad audio, say), kept apart from the output file's.
    let mut line = None;
    let written = emotalk::io::write_atomically(out, |w| {
        let mut w = std::io::BufWriter::new(w);
        write_csv_header(&mut w)?;
        let streamed = stream_line(args, true, |row| {
            n += 1;
            write_csv_row(&mut w, row.seconds(fps), &row.weights, row.pose)
        });
        let failed = streamed.is_err();
        line = Some(streamed);
        if failed {
            return Err(std::io::Error::other("the line failed"));
        }
        std::io::Write::flush(&mut w)
    });
    let resolved = match (line, written) {
        (Some(Err(e)), _) => return Err(e),
        (_, Err(e)) => return Err(e.into()),
        (Some(Ok(r)), Ok(())) => r,
        (None, Ok(())) => return Err("no track was written".into()),
    };
    eprintln!(
        "wrote {} ({n} frames at {fps} fps, {:.2} s; emotion {} at intensity {:.2})",
        out.display(),
        n as f64 / fps,
        resolved.embedding.dominant().name(),
        resolved.intensity
    );
    Ok(())
}
