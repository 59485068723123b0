//! The audio emotion network of AME: a voice's prosody → a point of `z_emo`.
//!
//! Input: the [`N_VOICE_FEATURES`] prosody features of [`crate::emotion::audio::voice_features`]
//! (pitch level and range, voicing, loudness level and spread, spectral tilt, speaking rate,
//! pauses), already scaled to about unit range. Two hidden layers (GELU, dropout) feed two heads:
//! logits over the 8 classes (the mixture, after a softmax) and valence/arousal/dominance
//! (tanh). 1 k parameters at the default size: the features carry little information (prosody
//! tells arousal well and valence poorly), so a larger network would only memorise.
//!
//! Files: a folder holding `config.json` ([`AudioEmotionConfig`]) and `model.mpk` (burn's
//! named MessagePack record, full precision), found like every model ([`super::files`]).

use std::path::Path;

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig, Gelu, Linear, LinearConfig};
use burn::prelude::Backend;
use burn::tensor::activation::{log_softmax, softmax};
use burn::tensor::{Tensor, TensorData};

use super::weights;
pub use super::weights::{CONFIG_FILE, ModelFileError, WEIGHTS_FILE};
use crate::emotion::space::{EmotionEmbedding, N_CLASSES};

/// Number of prosody features the network reads.
pub const N_VOICE_FEATURES: usize = 8;

/// The network's sizes.
#[derive(Config, Debug, PartialEq)]
pub struct AudioEmotionConfig {
    /// Width of the two hidden layers.
    #[config(default = 24)]
    pub hidden: usize,
    /// Dropout after each hidden layer (training only).
    #[config(default = 0.1)]
    pub dropout: f64,
}

/// The network (see the module docs).
#[derive(Module, Debug)]
pub struct AudioEmotionNet<B: Backend> {
    input: Linear<B>,
    hidden: Linear<B>,
    mixture: Linear<B>,
    vad: Linear<B>,
    dropout: Dropout,
    gelu: Gelu,
}

/// The network's two heads for a batch.
#[derive(Debug, Clone)]
pub struct AudioEmotionOutput<B: Backend> {
    /// Class logits, `[batch, 8]`.
    pub mixture_logits: Tensor<B, 2>,
    /// Valence, arousal, dominance in (−1, 1), `[batch, 3]`.
    pub vad: Tensor<B, 2>,
}

impl AudioEmotionConfig {
    /// A freshly initialised (untrained) network.
    pub fn init<B: Backend>(&self, device: &B::Device) -> AudioEmotionNet<B> {
        AudioEmotionNet {
            input: LinearConfig::new(N_VOICE_FEATURES, self.hidden).init(device),
            hidden: LinearConfig::new(self.hidden, self.hidden).init(device),
            mixture: LinearConfig::new(self.hidden, N_CLASSES).init(device),
            vad: LinearConfig::new(self.hidden, 3).init(device),
            dropout: DropoutConfig::new(self.dropout).init(),
            gelu: Gelu::new(),
        }
    }
}

impl<B: Backend> AudioEmotionNet<B> {
    /// Runs a batch of feature rows, `[batch, N_VOICE_FEATURES]`.
    pub fn forward(&self, features: Tensor<B, 2>) -> AudioEmotionOutput<B> {
        let h = self.dropout.forward(self.gelu.forward(self.input.forward(features)));
        let h = self.dropout.forward(self.gelu.forward(self.hidden.forward(h)));
        AudioEmotionOutput { mixture_logits: self.mixture.forward(h.clone()), vad: self.vad.forward(h).tanh() }
    }

    /// The embeddings of feature rows.
    pub fn embed(&self, rows: &[[f32; N_VOICE_FEATURES]], device: &B::Device) -> Vec<EmotionEmbedding> {
        if rows.is_empty() {
            return Vec::new();
        }
        let out = self.forward(features_tensor(rows, device));
        let mixture = softmax(out.mixture_logits, 1).into_data().to_vec::<f32>().unwrap_or_default();
        let vad = out.vad.into_data().to_vec::<f32>().unwrap_or_default();
        (0..rows.len())
            .map(|r| {
                let m: [f32; N_CLASSES] =
                    std::array::from_fn(|k| mixture.get(r * N_CLASSES + k).copied().unwrap_or(0.0));
                let v: [f32; 3] = std::array::from_fn(|k| vad.get(r * 3 + k).copied().unwrap_or(0.0));
                EmotionEmbedding::from_parts(m, v)
            })
            .collect()
    }

    /// The number of trainable numbers.
    pub fn parameter_count(&self) -> usize {
        self.num_params()
    }

    /// Writes `config.json` and `model.mpk` into `dir` (created if needed), each atomically.
    pub fn save(&self, config: &AudioEmotionConfig, dir: &Path) -> Result<(), ModelFileError> {
        weights::save(self, &serde_json::to_string_pretty(config).unwrap_or_default(), dir)
    }

    /// Reads a network saved by [`save`](Self::save).
    pub fn load(dir: &Path, device: &B::Device) -> Result<(Self, AudioEmotionConfig), ModelFileError> {
        let (text, config_path) = weights::read_config(dir)?;
        let config: AudioEmotionConfig = serde_json::from_str(&text)
            .map_err(|e| ModelFileError::Config { path: config_path.clone(), message: e.to_string() })?;
        if config.hidden == 0 || config.hidden > 4096 || !(0.0..1.0).contains(&config.dropout) {
            let message = format!("hidden must be 1..=4096 and dropout in [0, 1), found {config:?}");
            return Err(ModelFileError::Config { path: config_path, message });
        }
        let net = weights::load_weights(config.init::<B>(device), dir, device)?;
        Ok((net, config))
    }
}

/// Feature rows as a `[batch, N_VOICE_FEATURES]` tensor.
pub fn features_tensor<B: Backend>(rows: &[[f32; N_VOICE_FEATURES]], device: &B::Device) -> Tensor<B, 2> {
    let flat: Vec<f32> = rows.iter().flatten().copied().collect();
    Tensor::from_data(TensorData::new(flat, [rows.len(), N_VOICE_FEATURES]), device)
}

/// Training loss for a batch: cross-entropy of the predicted mixture against the target mixture
/// (soft labels), plus `vad_weight` times the mean squared error of valence/arousal/dominance.
pub fn loss<B: Backend>(
    out: &AudioEmotionOutput<B>,
    target_mixture: Tensor<B, 2>,
    target_vad: Tensor<B, 2>,
    vad_weight: f32,
) -> Tensor<B, 1> {
    let ce = (log_softmax(out.mixture_logits.clone(), 1) * target_mixture).sum_dim(1).mean().neg();
    let mse = (out.vad.clone() - target_vad).powi_scalar(2).mean();
    ce + mse * vad_weight
}
