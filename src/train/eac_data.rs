//! EAC's training data: a corpus manifest ([`super::synth::ManifestEntry`]) loaded into clips of
//! log-mel frames and per-frame blendshape targets, and random windows of them as batches.

use std::path::{Path, PathBuf};

use burn::prelude::Backend;
use burn::tensor::{Tensor, TensorData};
use rand::Rng;

use super::synth::{ManifestEntry, read_manifest};
use crate::audio::{AudioError, FeatureMatrix, MelConfig, log_mel};
use crate::emotion::lexicon::Lexicon;
use crate::emotion::space::{EmotionEmbedding, Z_DIM};
use crate::emotion::{SpecError, parse_spec, read_spec};
use crate::face::blendshapes::{N_BLENDSHAPES, NAMES};
use crate::face::visemes::{PhonesTsvError, TimedPhone, phone_track, read_phones_tsv, with_emotion};
use crate::model::eac::EacConfig;
use crate::model::eac::frames::{mel_context, n_output_frames};

/// One clip, ready for training.
#[derive(Debug, Clone)]
pub struct Clip {
    /// The audio file (for reports).
    pub audio: PathBuf,
    /// Its log-mel frames.
    pub mel: FeatureMatrix,
    /// The target blendshapes at the model's frame rate, one per output frame.
    pub targets: Vec<[f32; N_BLENDSHAPES]>,
    /// The conditioning emotion.
    pub emotion: EmotionEmbedding,
    /// Its intensity (0–3).
    pub intensity: f32,
    /// The voice label, if known.
    pub voice: Option<String>,
    /// The phones, if the targets came from phones.
    pub phones: Option<Vec<TimedPhone>>,
}

/// A manifest clip that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{manifest}: clip {index} ({audio}): {message}")]
pub struct ClipError {
    /// The manifest.
    pub manifest: PathBuf,
    /// The clip's position in it (0-based).
    pub index: usize,
    /// Its audio path.
    pub audio: String,
    /// What was wrong.
    pub message: String,
}

/// Why one manifest entry cannot be loaded ([`load_clip`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClipDataError {
    /// The audio cannot be loaded or turned into log-mel frames (the error names the file).
    #[error(transparent)]
    Audio(#[from] AudioError),
    /// The audio is too short for a single log-mel frame.
    #[error("no audio")]
    NoAudio,
    /// The emotion text does not parse.
    #[error("emotion: {0}")]
    EmotionSpec(#[source] SpecError),
    /// The emotion text parses, but a word of it is not read as an emotion.
    #[error("emotion \"{text}\": {message}")]
    EmotionWord {
        /// The emotion text.
        text: String,
        /// The reader's warning (which word, and what it was read as).
        message: String,
    },
    /// The phone table cannot be read.
    #[error("{path}: {source}")]
    PhonesIo {
        /// The phone table.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The phone table is malformed.
    #[error("{path}: {source}")]
    Phones {
        /// The phone table.
        path: PathBuf,
        /// What is wrong with it (the line and the problem).
        #[source]
        source: PhonesTsvError,
    },
    /// The blendshape target CSV cannot be used.
    #[error(transparent)]
    Targets(#[from] TargetsCsvError),
    /// The entry names neither phones nor targets.
    #[error("neither `phones` nor `targets` given")]
    NoTargets,
}

/// Why a blendshape target CSV cannot be used ([`read_targets_csv`]). Every variant names the
/// file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TargetsCsvError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The file has no header line.
    #[error("{path}: empty")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The header has no `t` column.
    #[error("{path}: no `t` column")]
    NoTimeColumn {
        /// The file.
        path: PathBuf,
    },
    /// A cell is missing or is not a number.
    #[error("{path}: line {line}: column {column} is missing or not a number")]
    BadCell {
        /// The file.
        path: PathBuf,
        /// 1-based line of the file (blank lines not counted).
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// There are no rows, or the times do not increase.
    #[error("{path}: needs rows with increasing `t`")]
    NotIncreasing {
        /// The file.
        path: PathBuf,
    },
}

/// Loads every clip of a manifest on `threads` threads.
pub fn load_clips(manifest: &Path, config: &EacConfig, threads: usize) -> Result<Vec<Clip>, ClipError> {
    let entries = read_manifest(manifest).map_err(|e| ClipError {
        manifest: manifest.into(),
        index: 0,
        audio: String::new(),
        message: e.to_string(),
    })?;
    let base = manifest.parent().unwrap_or(Path::new("."));
    let chunk = entries.len().div_ceil(threads.max(1)).max(1);
    let parts: Vec<Result<Vec<Clip>, ClipError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = entries
            .chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                scope.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(k, e)| {
                            load_clip(base, e, config).map_err(|err| ClipError {
                                manifest: manifest.into(),
                                index: c * chunk + k,
                                audio: e.audio.display().to_string(),
                                message: err.to_string(),
                            })
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Ok(Vec::new()))).collect()
    });
    let mut clips = Vec::with_capacity(entries.len());
    for p in parts {
        clips.extend(p?);
    }
    Ok(clips)
}

/// Loads one manifest entry (paths relative to `base`).
pub fn load_clip(base: &Path, entry: &ManifestEntry, config: &EacConfig) -> Result<Clip, ClipDataError> {
    let resolve = |p: &Path| if p.is_absolute() { p.to_path_buf() } else { base.join(p) };
    let audio = resolve(&entry.audio);
    let samples = crate::audio::load(&audio)?.samples;
    let mel = log_mel(&samples, &MelConfig::default())?;
    if mel.n_frames() == 0 {
        return Err(ClipDataError::NoAudio);
    }
    let n = n_output_frames(mel.n_frames(), config.fps);
    let spec = parse_spec(&entry.emotion).map_err(ClipDataError::EmotionSpec)?;
    let reading = read_spec(&spec, Lexicon::builtin(), None);
    if let Some(w) = reading.warnings.first() {
        return Err(ClipDataError::EmotionWord { text: entry.emotion.clone(), message: w.message.clone() });
    }
    let intensity = entry.intensity.unwrap_or(reading.intensity).clamp(0.0, 3.0);
    let face = reading.embedding.blendshape_weights(intensity);
    let (speech, phones) = match (&entry.phones, &entry.targets) {
        (Some(p), _) => {
            let path = resolve(p);
            let text = std::fs::read_to_string(&path)
                .map_err(|source| ClipDataError::PhonesIo { path: path.clone(), source })?;
            let phones =
                read_phones_tsv(&text).map_err(|source| ClipDataError::Phones { path: path.clone(), source })?;
            (phone_track(&phones, config.fps as f32, n), Some(phones))
        }
        (None, Some(t)) => (read_targets_csv(&resolve(t), config.fps, n)?, None),
        (None, None) => return Err(ClipDataError::NoTargets),
    };
    let targets = match phones {
        Some(_) => speech.iter().map(|s| with_emotion(s, &face)).collect(),
        // Recorded targets already carry the emotion.
        None => speech,
    };
    Ok(Clip { audio, mel, targets, emotion: reading.embedding, intensity, voice: entry.voice.clone(), phones })
}

/// Reads a blendshape CSV (`t` plus ARKit names, any frame rate; missing names are 0) and
/// resamples it linearly to `n` frames at `fps`.
pub fn read_targets_csv(path: &Path, fps: f64, n: usize) -> Result<Vec<[f32; N_BLENDSHAPES]>, TargetsCsvError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| TargetsCsvError::Io { path: path.to_path_buf(), source })?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| TargetsCsvError::Empty { path: path.to_path_buf() })?
        .split(',')
        .map(str::trim)
        .collect();
    let t_col = header
        .iter()
        .position(|h| *h == "t")
        .ok_or_else(|| TargetsCsvError::NoTimeColumn { path: path.to_path_buf() })?;
    let cols: Vec<(usize, usize)> =
        header.iter().enumerate().filter_map(|(j, h)| NAMES.iter().position(|n| n == h).map(|k| (j, k))).collect();
    let mut rows: Vec<(f64, [f32; N_BLENDSHAPES])> = Vec::new();
    for (i, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let num = |j: usize| {
            f.get(j).and_then(|v| v.trim().parse::<f64>().ok()).ok_or_else(|| TargetsCsvError::BadCell {
                path: path.to_path_buf(),
                line: i + 2,
                column: j + 1,
            })
        };
        let mut w = [0.0; N_BLENDSHAPES];
        for &(j, k) in &cols {
            w[k] = num(j)? as f32;
        }
        rows.push((num(t_col)?, w));
    }
    if rows.is_empty() || rows.windows(2).any(|w| w[1].0 <= w[0].0) {
        return Err(TargetsCsvError::NotIncreasing { path: path.to_path_buf() });
    }
    Ok((0..n)
        .map(|f| {
            let t = f as f64 / fps;
            let j = rows.partition_point(|r| r.0 <= t);
            match (j.checked_sub(1).map(|i| &rows[i]), rows.get(j)) {
                (Some(a), Some(b)) => {
                    let u = ((t - a.0) / (b.0 - a.0)) as f32;
                    std::array::from_fn(|k| a.1[k] + u * (b.1[k] - a.1[k]))
                }
                (Some(a), None) => a.1,
                (None, Some(b)) => b.1,
                (None, None) => [0.0; N_BLENDSHAPES],
            }
        })
        .collect())
}

/// A batch of windows as tensors.
#[derive(Debug, Clone)]
pub struct Batch<B: Backend> {
    /// `[batch, frames, context_width]`.
    pub audio: Tensor<B, 3>,
    /// `[batch, 11]`.
    pub emotion: Tensor<B, 2>,
    /// `[batch]`.
    pub intensity: Tensor<B, 1>,
    /// `[batch, frames, 52]`.
    pub targets: Tensor<B, 3>,
    /// The intensities, for losses that need them on the host.
    pub intensities: Vec<f32>,
    /// The emotions, likewise.
    pub emotions: Vec<EmotionEmbedding>,
}

/// `windows` as a batch: each is a clip and its first frame; every window has `frames` frames
/// (clips shorter than that repeat their last frame, input and target alike).
pub fn make_batch<B: Backend>(
    clips: &[Clip],
    windows: &[(usize, usize)],
    frames: usize,
    config: &EacConfig,
    device: &B::Device,
) -> Batch<B> {
    let width = config.context_width();
    let mut audio = Vec::with_capacity(windows.len() * frames * width);
    let mut targets = Vec::with_capacity(windows.len() * frames * N_BLENDSHAPES);
    let (mut z, mut mu, mut emotions) = (Vec::new(), Vec::new(), Vec::new());
    for &(c, start) in windows {
        let clip = &clips[c];
        let n = clip.targets.len();
        let end = (start + frames).min(n);
        let rows = mel_context(&clip.mel, config, start..end);
        audio.extend_from_slice(&rows);
        targets.extend(clip.targets[start..end].iter().flatten());
        for _ in end..start + frames {
            audio.extend_from_slice(&rows[rows.len() - width..]);
            targets.extend_from_slice(&clip.targets[end - 1]);
        }
        z.extend(clip.emotion.as_array());
        mu.push(clip.intensity);
        emotions.push(clip.emotion);
    }
    let b = windows.len();
    Batch {
        audio: Tensor::from_data(TensorData::new(audio, [b, frames, width]), device),
        emotion: Tensor::from_data(TensorData::new(z, [b, Z_DIM]), device),
        intensity: Tensor::from_data(TensorData::new(mu.clone(), [b]), device),
        targets: Tensor::from_data(TensorData::new(targets, [b, frames, N_BLENDSHAPES]), device),
        intensities: mu,
        emotions,
    }
}

/// `batch` random windows of `frames` frames from `clips` (a clip shorter than `frames` starts at 0).
pub fn random_windows<R: Rng>(clips: &[Clip], batch: usize, frames: usize, rng: &mut R) -> Vec<(usize, usize)> {
    (0..batch)
        .map(|_| {
            let c = rng.random_range(0..clips.len());
            let room = clips[c].targets.len().saturating_sub(frames);
            (c, rng.random_range(0..=room))
        })
        .collect()
}
