//! [`EmotionSpec`]: every way a game can say which emotion a line has, and its resolution into
//! `z_emo` plus an intensity.
//!
//! A spec is a preset, free text, a reference face or clip, a reference voice, a raw embedding, or a
//! weighted blend of specs, each with an optional intensity (0–3; 1–3 is the trained range; it
//! replaces the intensity the source implies). Resolution ([`EmotionSpec::resolve`]) goes through
//! [`EmotionEncoders`]: the lexicon and optional semantic encoder for text, the face model for
//! images, the audio network for voices.
//!
//! Problems with what the user gave (a spec that does not parse, an unreadable rig or audio file,
//! a face that cannot be fitted) are [`EmotionError`]s that say what and where. Words that were
//! not understood, and a voice with no trained network to read it, are *warnings*: the spec still
//! resolves (unknown words add nothing; an unread voice counts as neutral), so a game never stops
//! over an emotion.

use std::path::PathBuf;
use std::sync::Arc;

use burn::prelude::Backend;
use glam::Vec2;

use super::audio::{AudioEmotionEncoder, VoiceReading, read_voice};
use super::image::encode_face;
use super::lexicon::Lexicon;
use super::space::EmotionEmbedding;
use super::spec::{MAX_INTENSITY, SpecError, parse_spec};
use super::text::{SemanticEncoder, TextReading, read_spec};
use crate::audio::AudioError;
use crate::face::{BlendshapeBasis, EmotionPreset, N_LANDMARKS, PortraitRig, RigError};

/// Intensity of a preset, a face or a voice when none is given.
pub const DEFAULT_INTENSITY: f32 = 2.0;

/// Where an emotion comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum EmotionSource {
    /// One of the 8 MEAD classes.
    Preset(EmotionPreset),
    /// What a writer typed (see [`super::spec`] for the grammar).
    Text(String),
    /// A reference face: 68 landmarks in pixels.
    Face(Box<[Vec2; N_LANDMARKS]>),
    /// A reference face: a portrait rig file (its landmarks are read).
    FaceRig(PathBuf),
    /// A reference face: a photo or portrait image. Its rig beside it (`NAME.rig.json`) places
    /// the face when there is one; otherwise the face is found ([`crate::vision`]). The reading
    /// blends the face model's fit of the landmarks with face-api's expression net.
    Image(PathBuf),
    /// A reference clip (a directory of frames or a video file, [`crate::vision::clip::Clip`]):
    /// its face is tracked and every frame read as a reference image is; the stronger half of
    /// the frames is pooled ([`super::clip`]).
    Clip {
        /// The clip.
        path: PathBuf,
        /// Frames per second of a directory of frames (a video file carries its own).
        fps: f64,
    },
    /// A reference voice: 16 kHz mono samples.
    Voice(Arc<[f32]>),
    /// A reference voice: an audio file.
    VoiceFile(PathBuf),
    /// A point of the emotion space given directly.
    Embedding(EmotionEmbedding),
    /// A weighted blend (weights need not add up to 1; they are normalised).
    Blend(Vec<(EmotionSpec, f32)>),
}

/// An emotion and, optionally, how strongly it is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct EmotionSpec {
    /// Where the emotion comes from.
    pub source: EmotionSource,
    /// Intensity 0–3, replacing what the source implies.
    pub intensity: Option<f32>,
}

impl EmotionSpec {
    /// A MEAD class.
    pub fn preset(p: EmotionPreset) -> Self {
        Self { source: EmotionSource::Preset(p), intensity: None }
    }

    /// Free text (`"sadly surprised"`, `"a bit annoyed"`, `"50% angry, 50% sad"`).
    pub fn text(text: impl Into<String>) -> Self {
        Self { source: EmotionSource::Text(text.into()), intensity: None }
    }

    /// A reference face given by its landmarks.
    pub fn face(landmarks: [Vec2; N_LANDMARKS]) -> Self {
        Self { source: EmotionSource::Face(Box::new(landmarks)), intensity: None }
    }

    /// A reference face given by an image file (a photo or portrait; see
    /// [`EmotionSource::Image`]). A `*.json` path is read as a portrait rig.
    pub fn image(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let is_rig = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let source = if is_rig { EmotionSource::FaceRig(path) } else { EmotionSource::Image(path) };
        Self { source, intensity: None }
    }

    /// A reference clip: a directory of frames (at
    /// [`DEFAULT_CLIP_FPS`](crate::vision::clip::DEFAULT_CLIP_FPS)) or a video file (see
    /// [`EmotionSource::Clip`]).
    pub fn clip(path: impl Into<PathBuf>) -> Self {
        Self::clip_at(path, crate::vision::clip::DEFAULT_CLIP_FPS)
    }

    /// A reference clip whose frames (a directory) play at `fps`.
    pub fn clip_at(path: impl Into<PathBuf>, fps: f64) -> Self {
        Self { source: EmotionSource::Clip { path: path.into(), fps }, intensity: None }
    }

    /// A reference voice, 16 kHz mono.
    pub fn voice(samples: impl Into<Arc<[f32]>>) -> Self {
        Self { source: EmotionSource::Voice(samples.into()), intensity: None }
    }

    /// A blend of specs.
    pub fn blend(parts: Vec<(EmotionSpec, f32)>) -> Self {
        Self { source: EmotionSource::Blend(parts), intensity: None }
    }

    /// The same spec at intensity `mu` (clamped to 0–3).
    pub fn with_intensity(self, mu: f32) -> Self {
        Self { intensity: Some(if mu.is_finite() { mu.clamp(0.0, MAX_INTENSITY) } else { DEFAULT_INTENSITY }), ..self }
    }

    /// Resolves the spec into the emotion space.
    pub fn resolve<B: Backend>(&self, encoders: &EmotionEncoders<B>) -> Result<ResolvedEmotion, EmotionError> {
        let mut r = match &self.source {
            EmotionSource::Preset(p) => ResolvedEmotion::plain(EmotionEmbedding::preset(*p), DEFAULT_INTENSITY),
            EmotionSource::Embedding(e) => ResolvedEmotion::plain(*e, DEFAULT_INTENSITY),
            EmotionSource::Text(text) => {
                let parsed = parse_spec(text)?;
                let reading = read_spec(&parsed, &encoders.lexicon, encoders.semantic.as_deref());
                let mut r = ResolvedEmotion::plain(reading.embedding, reading.intensity);
                r.warnings = reading.warnings.iter().map(|w| w.message.clone()).collect();
                r.text = Some(reading);
                r
            }
            EmotionSource::Face(landmarks) => resolve_face(landmarks, &encoders.basis, "the reference landmarks")?,
            EmotionSource::FaceRig(path) => {
                let rig = PortraitRig::load(path)?;
                resolve_face(&rig.points(), &encoders.basis, &path.display().to_string())?
            }
            EmotionSource::Image(path) => resolve_image(path, encoders)?,
            EmotionSource::Clip { path, fps } => resolve_clip(path, *fps, encoders)?,
            EmotionSource::Voice(samples) => resolve_voice(samples, encoders),
            EmotionSource::VoiceFile(path) => resolve_voice(&crate::audio::load(path)?.samples, encoders),
            EmotionSource::Blend(parts) => {
                let mut resolved = Vec::with_capacity(parts.len());
                for (spec, w) in parts {
                    resolved.push((spec.resolve(encoders)?, if w.is_finite() { w.max(0.0) } else { 0.0 }));
                }
                let total: f32 = resolved.iter().map(|(_, w)| w).sum();
                let embedding =
                    EmotionEmbedding::blend(&resolved.iter().map(|(r, w)| (r.embedding, *w)).collect::<Vec<_>>());
                let intensity =
                    if total > 0.0 { resolved.iter().map(|(r, w)| r.intensity * w).sum::<f32>() / total } else { 0.0 };
                let mut r = ResolvedEmotion::plain(embedding, intensity);
                r.warnings = resolved.iter().flat_map(|(p, _)| p.warnings.clone()).collect();
                r.voice = resolved.into_iter().find_map(|(p, _)| p.voice);
                r
            }
        };
        if let Some(mu) = self.intensity {
            r.intensity = mu;
        }
        r.intensity = if r.intensity.is_finite() { r.intensity.clamp(0.0, MAX_INTENSITY) } else { DEFAULT_INTENSITY };
        Ok(r)
    }
}

impl From<EmotionPreset> for EmotionSpec {
    fn from(p: EmotionPreset) -> Self {
        Self::preset(p)
    }
}

impl From<&str> for EmotionSpec {
    fn from(text: &str) -> Self {
        Self::text(text)
    }
}

fn resolve_face(
    landmarks: &[Vec2; N_LANDMARKS],
    basis: &BlendshapeBasis,
    what: &str,
) -> Result<ResolvedEmotion, EmotionError> {
    let face = encode_face(landmarks, basis).ok_or_else(|| EmotionError::Face { what: what.to_string() })?;
    Ok(ResolvedEmotion::plain(face.embedding, face.intensity))
}

/// How much of an image's reading comes from face-api's expression net (the rest from the face
/// model's fit of the landmarks); see `emotion::image::blend_readings`.
pub const EXPRESSION_NET_SHARE: f32 = 0.5;

fn resolve_image<B: Backend>(path: &std::path::Path, encoders: &EmotionEncoders<B>) -> Result<ResolvedEmotion, EmotionError> {
    let img = crate::vision::autorig::read_image(path)?;
    with_perception(encoders, |perception| read_image_face(path, &img, perception, encoders))
}

fn read_image_face<B: Backend>(
    path: &std::path::Path,
    img: &image::RgbaImage,
    perception: &crate::vision::FacePerception<B>,
    encoders: &EmotionEncoders<B>,
) -> Result<ResolvedEmotion, EmotionError> {
    use crate::vision::{DetectOptions, RgbF32};
    let beside = PortraitRig::path_beside(path);
    let (points, mut warnings) = if beside.is_file() {
        (PortraitRig::load(&beside)?.points(), Vec::new())
    } else {
        let found = perception.rig(img, path, &DetectOptions::default())?;
        (found.rig.points(), found.warnings)
    };
    let what = path.display().to_string();
    let fit = encode_face(&points, &encoders.basis).ok_or_else(|| EmotionError::Face { what: what.clone() })?;
    let lm: [[f32; 2]; N_LANDMARKS] = points.map(|p| [p.x, p.y]);
    let net = perception.expressions(&RgbF32::from_rgba(img), &lm).map(|(_, p)| p);
    if net.is_none() {
        warnings.push(format!("{what}: the expression net could not see the face; the fit alone is used"));
    }
    let (embedding, intensity) = super::image::blend_readings(&fit, net.as_ref(), EXPRESSION_NET_SHARE);
    let mut r = ResolvedEmotion::plain(embedding, intensity);
    r.warnings = warnings;
    Ok(r)
}

/// Face perception: the encoders' own, or the shipped networks loaded now.
fn with_perception<B: Backend, T>(
    encoders: &EmotionEncoders<B>,
    f: impl FnOnce(&crate::vision::FacePerception<B>) -> Result<T, EmotionError>,
) -> Result<T, EmotionError> {
    match &encoders.vision {
        Some(p) => f(p),
        None => {
            let loaded = crate::vision::FacePerception::<B>::shipped(&Default::default())
                .map_err(crate::vision::VisionError::from)?;
            f(&loaded)
        }
    }
}

fn resolve_clip<B: Backend>(
    path: &std::path::Path,
    fps: f64,
    encoders: &EmotionEncoders<B>,
) -> Result<ResolvedEmotion, EmotionError> {
    use crate::vision::clip::Clip;
    use crate::vision::clip::track::{TrackOptions, track_clip};
    let clip = Clip::open(path, fps)?;
    let options = TrackOptions { expressions: true, ..TrackOptions::default() };
    let track = with_perception(encoders, |p| Ok(track_clip(&clip, p, &options)?))?;
    let what = path.display().to_string();
    let read = super::clip::read_clip(&track, &encoders.basis, super::clip::CLIP_FIT_SHARE)
        .ok_or_else(|| EmotionError::Face { what: what.clone() })?;
    let mut r = ResolvedEmotion::plain(read.embedding, read.intensity);
    r.warnings = track
        .gaps()
        .iter()
        .map(|g| format!("{what}: no face in frames {}..{}; the other frames are read", g.start, g.end))
        .collect();
    Ok(r)
}

fn resolve_voice<B: Backend>(samples: &[f32], encoders: &EmotionEncoders<B>) -> ResolvedEmotion {
    let reading = read_voice(samples, encoders.audio.as_ref());
    let mut r = match reading.estimate {
        Some(e) => ResolvedEmotion::plain(e, DEFAULT_INTENSITY),
        None => {
            let mut r = ResolvedEmotion::plain(EmotionEmbedding::preset(EmotionPreset::Neutral), 0.0);
            r.warnings.push(format!("voice: {}; it counts as neutral", reading.status));
            r
        }
    };
    r.voice = Some(reading);
    r
}

/// What resolves specs: the lexicon, an optional semantic text encoder, the face model's basis and
/// an optional trained audio emotion network.
#[derive(Clone)]
pub struct EmotionEncoders<B: Backend> {
    /// Words and phrases.
    pub lexicon: Lexicon,
    /// For words outside the lexicon (the `onnx` CLIP path, or a game's own).
    pub semantic: Option<Arc<dyn SemanticEncoder>>,
    /// The face model, for reference faces.
    pub basis: BlendshapeBasis,
    /// The audio network, when trained weights exist.
    pub audio: Option<AudioEmotionEncoder<B>>,
    /// Face perception for reference photos (loaded on first use when `None`).
    pub vision: Option<crate::vision::FacePerception<B>>,
}

impl<B: Backend> EmotionEncoders<B> {
    /// The built-in lexicon and face model; no semantic encoder and no audio network.
    pub fn builtin() -> Self {
        Self {
            lexicon: Lexicon::builtin().clone(),
            semantic: None,
            basis: BlendshapeBasis::default_basis().clone(),
            audio: None,
            vision: None,
        }
    }

    /// [`builtin`](Self::builtin) plus the audio network from the model search path when there
    /// is one; a broken one is an error, not silently skipped.
    pub fn discover(device: &B::Device) -> Result<Self, crate::model::audio_emotion::ModelFileError> {
        let audio = AudioEmotionEncoder::find(device).transpose()?;
        Ok(Self { audio, ..Self::builtin() })
    }
}

/// A resolved emotion.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedEmotion {
    /// The point in the emotion space.
    pub embedding: EmotionEmbedding,
    /// Intensity, 0–3.
    pub intensity: f32,
    /// Words not understood or guessed, and sources that could not be read (the spec still
    /// resolved).
    pub warnings: Vec<String>,
    /// How text was read, for a text spec.
    pub text: Option<TextReading>,
    /// What the audio encoder found, for a voice spec.
    pub voice: Option<VoiceReading>,
}

impl ResolvedEmotion {
    fn plain(embedding: EmotionEmbedding, intensity: f32) -> Self {
        Self { embedding, intensity, warnings: Vec::new(), text: None, voice: None }
    }
}

/// A spec that cannot be resolved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmotionError {
    /// The text does not parse (the message points at the character).
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// A reference rig file is missing or invalid.
    #[error(transparent)]
    Rig(#[from] RigError),
    /// A reference audio file cannot be read.
    #[error(transparent)]
    Audio(#[from] AudioError),
    /// A reference image could not be read or shows no usable face.
    #[error(transparent)]
    Vision(#[from] crate::vision::VisionError),
    /// A reference clip cannot be read, or shows no face.
    #[error(transparent)]
    Clip(#[from] crate::vision::clip::ClipError),
    /// The face model could not be fitted to a reference face.
    #[error("{what}: the face model cannot be fitted to these landmarks (degenerate face)")]
    Face {
        /// Which face.
        what: String,
    },
}
