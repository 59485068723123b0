//! Training the audio emotion network ([`crate::model::audio_emotion`]).
//!
//! Data: a JSON-lines manifest, one clip a line, `{"audio": "clips/a.wav", "emotion": "angry:2"}`
//! (the corpus format of [`super::synth::ManifestEntry`]; other fields are ignored)
//! (relative paths are relative to the manifest; the emotion is any text spec, resolved with the
//! built-in lexicon into the target mixture and valence/arousal/dominance). Loss: soft
//! cross-entropy on the mixture plus mean squared error on valence/arousal/dominance
//! ([`crate::model::audio_emotion::loss`]); AdamW; random mini-batches from a seeded ChaCha8
//! generator, so a run is reproducible.

use std::path::{Path, PathBuf};

use burn::module::AutodiffModule;
use burn::optim::{AdamWConfig, GradientsParams, Optimizer};
use burn::prelude::Backend;
use burn::tensor::backend::AutodiffBackend;
use burn::tensor::{Tensor, TensorData};
use rand::{Rng, SeedableRng};

use super::synth::ManifestEntry;
use crate::emotion::audio::voice_features;
use crate::emotion::lexicon::Lexicon;
use crate::emotion::space::{EmotionEmbedding, N_CLASSES};
use crate::emotion::{parse_spec, read_spec};
use crate::model::audio_emotion::{AudioEmotionConfig, AudioEmotionNet, N_VOICE_FEATURES, features_tensor, loss};

/// One training example.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The clip's prosody features.
    pub features: [f32; N_VOICE_FEATURES],
    /// The target.
    pub target: EmotionEmbedding,
}

/// Training settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TrainOptions {
    /// Optimiser steps.
    pub steps: usize,
    /// Examples per step.
    pub batch: usize,
    /// AdamW learning rate.
    pub learning_rate: f64,
    /// Seed of initialisation and batch sampling.
    pub seed: u64,
    /// Weight of the valence/arousal/dominance error against the mixture's cross-entropy.
    pub vad_weight: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self { steps: 2000, batch: 32, learning_rate: 3e-3, seed: 1, vad_weight: 2.0 }
    }
}

/// A manifest line that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{manifest}:{line}: {message}")]
pub struct ManifestError {
    /// The manifest.
    pub manifest: PathBuf,
    /// The line (1-based).
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

/// Reads a manifest and computes every clip's features.
pub fn examples_from_manifest(manifest: &Path) -> Result<Vec<Example>, ManifestError> {
    let err = |line: usize, message: String| ManifestError { manifest: manifest.to_path_buf(), line, message };
    let text = std::fs::read_to_string(manifest).map_err(|e| err(0, e.to_string()))?;
    let base = manifest.parent().unwrap_or(Path::new("."));
    let mut examples = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let line: ManifestEntry = serde_json::from_str(raw).map_err(|e| err(i + 1, e.to_string()))?;
        let spec = parse_spec(&line.emotion).map_err(|e| err(i + 1, e.to_string()))?;
        let reading = read_spec(&spec, Lexicon::builtin(), None);
        if let Some(w) = reading.warnings.first() {
            return Err(err(i + 1, format!("emotion \"{}\": {}", line.emotion, w.message)));
        }
        let path = if line.audio.is_absolute() { line.audio } else { base.join(line.audio) };
        let audio = crate::audio::load(&path).map_err(|e| err(i + 1, e.to_string()))?;
        examples.push(Example { features: voice_features(&audio.samples).0, target: reading.embedding });
    }
    if examples.is_empty() {
        return Err(err(0, "no clips".into()));
    }
    Ok(examples)
}

/// Trains a fresh network; `progress(step, loss)` is called after every step. Returns the
/// network (without autodiff) and the loss of every step.
pub fn train<B: AutodiffBackend>(
    examples: &[Example],
    config: &AudioEmotionConfig,
    options: &TrainOptions,
    device: &B::Device,
    mut progress: impl FnMut(usize, f32),
) -> (AudioEmotionNet<B::InnerBackend>, Vec<f32>) {
    B::seed(device, options.seed);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(options.seed);
    let mut net: AudioEmotionNet<B> = config.init(device);
    let mut optim = AdamWConfig::new().with_weight_decay(1e-4).init();
    let mut losses = Vec::with_capacity(options.steps);
    let batch = options.batch.clamp(1, examples.len().max(1));
    for step in 0..options.steps {
        let picked: Vec<&Example> = (0..batch).map(|_| &examples[rng.random_range(0..examples.len())]).collect();
        let (x, mixture, vad) = batch_tensors::<B>(&picked, device);
        let l = loss(&net.forward(x), mixture, vad, options.vad_weight);
        let value = l.clone().into_data().to_vec::<f32>().ok().and_then(|v| v.first().copied()).unwrap_or(f32::NAN);
        let grads = GradientsParams::from_grads(l.backward(), &net);
        net = optim.step(options.learning_rate, net, grads);
        losses.push(value);
        progress(step, value);
    }
    (net.valid(), losses)
}

/// The mean loss of a network over examples (no dropout).
pub fn evaluate<B: Backend>(
    net: &AudioEmotionNet<B>,
    examples: &[Example],
    vad_weight: f32,
    device: &B::Device,
) -> f32 {
    if examples.is_empty() {
        return f32::NAN;
    }
    let picked: Vec<&Example> = examples.iter().collect();
    let (x, mixture, vad) = batch_tensors::<B>(&picked, device);
    let l = loss(&net.forward(x), mixture, vad, vad_weight);
    l.into_data().to_vec::<f32>().ok().and_then(|v| v.first().copied()).unwrap_or(f32::NAN)
}

fn batch_tensors<B: Backend>(examples: &[&Example], device: &B::Device) -> (Tensor<B, 2>, Tensor<B, 2>, Tensor<B, 2>) {
    let rows: Vec<[f32; N_VOICE_FEATURES]> = examples.iter().map(|e| e.features).collect();
    let mixture: Vec<f32> = examples.iter().flat_map(|e| e.target.mixture()).collect();
    let vad: Vec<f32> =
        examples.iter().flat_map(|e| [e.target.valence(), e.target.arousal(), e.target.dominance()]).collect();
    let n = examples.len();
    (
        features_tensor(&rows, device),
        Tensor::from_data(TensorData::new(mixture, [n, N_CLASSES]), device),
        Tensor::from_data(TensorData::new(vad, [n, 3]), device),
    )
}
