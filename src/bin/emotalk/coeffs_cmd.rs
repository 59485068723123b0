//! `emotalk coeffs`: a voice line (and an emotion) to an expression track, as CSV.

use std::path::PathBuf;

use emotalk::anim::pose::{PoseTrack, Retime};
use emotalk::anim::stream::{LineOptions, LineStream, TrackRow};
use emotalk::vision::FacePerception;
use emotalk::vision::clip::Clip;
use emotalk::vision::clip::track::{TrackOptions, track_clip};
use emotalk::anim::{write_csv_header, write_csv_row};
use emotalk::audio::{AudioReader, SAMPLE_RATE};
use emotalk::emotion::{EmotionSource, EmotionSpec};
use emotalk::model::eac::saved::EacModel;

use super::BoxError;
use super::emotion_cmd::{Cpu, check_intensity, encoders, resolve_spec, resolve_text};

/// The line and how to animate it: the arguments `coeffs` and `render` share.
#[derive(clap::Args)]
pub struct LineArgs {
    /// The voice line (WAV, OGG, FLAC or MP3; any rate, mixed to mono); the bundled line by
    /// default.
    #[arg(long)]
    pub audio: Option<PathBuf>,
    /// The emotion, as any text ("furious", "sadly surprised", "happy:2"); without it, the
    /// voice's own (neutral until an audio emotion network is installed).
    #[arg(long, conflicts_with = "emotion_ref")]
    pub emotion: Option<String>,
    /// The emotion from a reference clip instead (a directory of PNG/JPEG frames at
    /// `--clip-fps`, or an MP4 video): its face tracked, each frame read as a reference face,
    /// the stronger half pooled. Combine with `--pose-ref` for pose from one clip and emotion
    /// from another.
    #[arg(long, value_name = "CLIP")]
    pub emotion_ref: Option<PathBuf>,
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
    #[arg(long, conflicts_with = "pose_ref")]
    pub still: bool,
    /// Head motion from a reference clip instead of the procedural sway and nods: a directory
    /// of PNG/JPEG frames (name order) or an MP4 (H.264) video, whose face is tracked and its
    /// head pose fitted per frame.
    #[arg(long, value_name = "CLIP")]
    pub pose_ref: Option<PathBuf>,
    /// Frames per second of a reference clip that is a directory of frames (a video carries
    /// its own).
    #[arg(long, default_value_t = emotalk::vision::clip::DEFAULT_CLIP_FPS)]
    pub clip_fps: f64,
    /// How the clip's motion is fitted to the line: loop (repeats with a 0.5 s cross-fade),
    /// stretch (slowed or sped to the line's length) or trim (as recorded, last pose held).
    #[arg(long, value_enum, default_value_t = PoseRetime::Loop)]
    pub pose_retime: PoseRetime,
    /// Keep the clip's angles as they are, instead of about their mean (by default the head
    /// moves about the portrait's own pose as the clip's head moves about its average).
    #[arg(long, requires = "pose_ref")]
    pub pose_absolute: bool,
}

/// `--pose-retime` (see [`Retime`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PoseRetime {
    /// Repeats, cross-fading 0.5 s.
    Loop,
    /// Slowed or sped to the line.
    Stretch,
    /// As recorded, the last pose held.
    Trim,
}

/// The head motion of a reference clip, tracked (a typed error naming the clip when it cannot
/// be read or shows no face).
fn pose_from_clip(path: &std::path::Path, fps: f64) -> Result<PoseTrack, BoxError> {
    let clip = Clip::open(path, fps)?;
    let perception = FacePerception::<Cpu>::shipped(&Default::default())?;
    let track = track_clip(&clip, &perception, &TrackOptions::default())?;
    for gap in track.gaps() {
        eprintln!(
            "warning: {}: no face in frames {}..{} (the last pose is held)",
            path.display(),
            gap.start,
            gap.end
        );
    }
    PoseTrack::from_clip(&track).ok_or_else(|| format!("{}: no face found", path.display()).into())
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
    let LineArgs { audio, emotion, emotion_ref, intensity, fps, seed, still, pose_ref, clip_fps, pose_retime, pose_absolute } =
        args;
    let (fps, intensity) = (*fps, *intensity);
    if !(fps.is_finite() && (1.0..=240.0).contains(&fps)) {
        return Err(format!("--fps must be between 1 and 240, got {fps}").into());
    }
    let mut reader = open(audio.as_ref())?;
    let reference = match pose_ref {
        Some(path) => {
            let track = pose_from_clip(path, *clip_fps)?;
            Some(if *pose_absolute { track } else { track.centred() })
        }
        None => None,
    };
    let retime = match pose_retime {
        PoseRetime::Loop => Retime::default(),
        PoseRetime::Stretch => Retime::Stretch,
        PoseRetime::Trim => Retime::Trim,
    };
    let duration = reader.output_len_hint().map(|n| n as f64 / SAMPLE_RATE as f64);
    if reference.is_some() && retime == Retime::Stretch && duration.is_none() {
        return Err("--pose-retime stretch needs a line whose length its header gives".into());
    }
    let mut chunk = Vec::new();
    // Audio read ahead of the network: the voice an emotion is read from, when none is given.
    let mut head = Vec::new();
    let resolved = match (emotion, emotion_ref) {
        (Some(text), _) => resolve_text(text, intensity)?,
        (None, Some(clip)) => resolve_spec(EmotionSpec::clip_at(clip.clone(), *clip_fps), intensity)?,
        (None, None) => {
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
        for mut r in rows.drain(..) {
            if let Some(track) = &reference {
                let p = track.sample_retimed(r.seconds(fps), duration.unwrap_or(0.0), retime);
                r.pose = [p.pitch, p.yaw, p.roll].map(f32::to_radians);
            }
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
