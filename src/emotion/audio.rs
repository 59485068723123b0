//! The audio encoder: an emotion estimate from the voice itself.
//!
//! The voice's prosody ([`crate::audio::prosody`](mod@crate::audio::prosody)) becomes [`N_VOICE_FEATURES`] numbers (below),
//! and the small burn network of [`crate::model::audio_emotion`] maps them into `z_emo`.
//!
//! | # | feature | scaling |
//! |---|---|---|
//! | 0 | median pitch of voiced frames | octaves from 150 Hz (0 when nothing is voiced) |
//! | 1 | pitch range (10th–90th percentile) | semitones / 12 |
//! | 2 | voiced share of the non-silent frames | as is |
//! | 3 | mean loudness of non-silent frames | (dBFS + 30) / 10 |
//! | 4 | loudness spread (std. dev. of non-silent frames) | dB / 10 |
//! | 5 | spectral tilt | dB per octave / 10 |
//! | 6 | speaking rate | syllables per second / 5 |
//! | 7 | share of the clip that is speech | as is |
//!
//! **Weights.** The network must be trained (`emotalk-train audio-emotion`) on speech labelled
//! with emotions. No such weights ship with emotalk yet: no labelled emotional speech can be had
//! offline, and a network trained on synthetic voices would only know the synthesiser. Without
//! weights, [`read_voice`] returns the prosody and no estimate, and says so in
//! [`VoiceReading::status`]; it never passes an untrained network's output off as an estimate.

use std::path::{Path, PathBuf};

use burn::prelude::Backend;

use super::space::EmotionEmbedding;
use crate::audio::prosody::{Prosody, prosody};
use crate::model::audio_emotion::{AudioEmotionConfig, AudioEmotionNet, ModelFileError, N_VOICE_FEATURES};
use crate::model::{ModelKind, find_model};

/// Frames quieter than this below the loudest frame count as silence (dB).
const SILENCE_BELOW_PEAK_DB: f32 = 40.0;

/// The prosody features of a clip of 16 kHz mono samples (see the module docs), with the
/// prosody they came from.
pub fn voice_features(samples: &[f32]) -> ([f32; N_VOICE_FEATURES], Prosody) {
    let p = prosody(samples);
    let peak = p.loudness_db.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let loud: Vec<f32> = p.loudness_db.iter().copied().filter(|&l| l > peak - SILENCE_BELOW_PEAK_DB).collect();
    let spread = if loud.len() > 1 {
        let mean = loud.iter().sum::<f32>() / loud.len() as f32;
        (loud.iter().map(|l| (l - mean).powi(2)).sum::<f32>() / loud.len() as f32).sqrt()
    } else {
        0.0
    };
    let duration = samples.len() as f32 / 16_000.0;
    let pitch = if p.f0_median_hz > 0.0 { (p.f0_median_hz / 150.0).log2() } else { 0.0 };
    let features = [
        pitch,
        p.f0_range_semitones / 12.0,
        p.voiced_fraction,
        (p.mean_loudness_db + 30.0) / 10.0,
        spread / 10.0,
        p.spectral_tilt_db_per_octave / 10.0,
        p.syllables_per_second / 5.0,
        if duration > 0.0 { (p.speech_seconds / duration).min(1.0) } else { 0.0 },
    ];
    (features.map(|f| if f.is_finite() { f } else { 0.0 }), p)
}

/// A trained audio emotion network and where it came from.
#[derive(Debug, Clone)]
pub struct AudioEmotionEncoder<B: Backend> {
    net: AudioEmotionNet<B>,
    device: B::Device,
    /// The folder it was loaded from.
    pub source: PathBuf,
}

impl<B: Backend> AudioEmotionEncoder<B> {
    /// Loads the network in `dir` (`config.json` + `model.mpk`).
    pub fn load(dir: &Path, device: &B::Device) -> Result<Self, ModelFileError> {
        let (net, _config): (AudioEmotionNet<B>, AudioEmotionConfig) = AudioEmotionNet::load(dir, device)?;
        Ok(Self { net, device: device.clone(), source: dir.to_path_buf() })
    }

    /// The first `audio_emotion` folder in the model search path ([`find_model`]), loaded;
    /// `None` when there is none (the usual case: see the module docs). A folder whose files do
    /// not load is an error, not skipped.
    pub fn find(device: &B::Device) -> Option<Result<Self, ModelFileError>> {
        let dir = find_model(ModelKind::AudioEmotion)?;
        Some(Self::load(&dir, device))
    }

    /// The estimate for one clip's features.
    pub fn estimate(&self, features: &[f32; N_VOICE_FEATURES]) -> EmotionEmbedding {
        self.net
            .embed(&[*features], &self.device)
            .pop()
            .unwrap_or_else(|| EmotionEmbedding::preset(crate::face::EmotionPreset::Neutral))
    }
}

/// The summary of a voice's prosody that a reading reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VoiceSummary {
    /// Median pitch, Hz.
    pub f0_median_hz: f32,
    /// Pitch range, semitones.
    pub f0_range_semitones: f32,
    /// Mean loudness, dBFS.
    pub mean_loudness_db: f32,
    /// Spectral tilt, dB per octave.
    pub spectral_tilt_db_per_octave: f32,
    /// Syllables per second.
    pub syllables_per_second: f32,
    /// Seconds of speech.
    pub speech_seconds: f32,
}

/// What the audio encoder made of a voice.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiceReading {
    /// The prosody it read.
    pub summary: VoiceSummary,
    /// The network's input.
    pub features: [f32; N_VOICE_FEATURES],
    /// The estimate, when a trained network was given.
    pub estimate: Option<EmotionEmbedding>,
    /// `"estimated by <folder>"`, or why there is no estimate.
    pub status: String,
}

/// Reads a voice (16 kHz mono samples) with a trained network, if one is given.
pub fn read_voice<B: Backend>(samples: &[f32], encoder: Option<&AudioEmotionEncoder<B>>) -> VoiceReading {
    let (features, p) = voice_features(samples);
    let summary = VoiceSummary {
        f0_median_hz: p.f0_median_hz,
        f0_range_semitones: p.f0_range_semitones,
        mean_loudness_db: p.mean_loudness_db,
        spectral_tilt_db_per_octave: p.spectral_tilt_db_per_octave,
        syllables_per_second: p.syllables_per_second,
        speech_seconds: p.speech_seconds,
    };
    let (estimate, status) = match encoder {
        Some(e) => (Some(e.estimate(&features)), format!("estimated by the network in {}", e.source.display())),
        None => (
            None,
            "untrained: no audio emotion weights were found (models/audio_emotion); the voice's prosody was \
             measured but no emotion was estimated from it"
                .to_string(),
        ),
    };
    VoiceReading { summary, features, estimate, status }
}
