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

use std::path::{Path, PathBuf};

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig, Gelu, Linear, LinearConfig};
use burn::prelude::Backend;
use burn::record::{FullPrecisionSettings, NamedMpkBytesRecorder, Recorder};
use burn::tensor::activation::{log_softmax, softmax};
use burn::tensor::{Tensor, TensorData};

use crate::emotion::space::{EmotionEmbedding, N_CLASSES};

/// Number of prosody features the network reads.
pub const N_VOICE_FEATURES: usize = 8;
/// File name of the weights inside a model folder.
pub const WEIGHTS_FILE: &str = "model.mpk";
/// File name of the configuration inside a model folder.
pub const CONFIG_FILE: &str = "config.json";

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

/// A model file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration is not valid JSON for this network.
    #[error("{path}: not a valid configuration: {message}")]
    Config {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The weights do not fit the configuration, or are not a burn record.
    #[error("{path}: the weights cannot be loaded: {message}")]
    Weights {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
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
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ModelFileError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let bytes = NamedMpkBytesRecorder::<FullPrecisionSettings>::new()
            .record(self.clone().into_record(), ())
            .map_err(|e| ModelFileError::Weights { path: dir.join(WEIGHTS_FILE), message: e.to_string() })?;
        let json = serde_json::to_string_pretty(config).unwrap_or_default();
        let config_path = dir.join(CONFIG_FILE);
        crate::io::write_atomically(&config_path, |w| w.write_all(json.as_bytes())).map_err(io(&config_path))?;
        let weights_path = dir.join(WEIGHTS_FILE);
        crate::io::write_atomically(&weights_path, |w| w.write_all(&bytes)).map_err(io(&weights_path))
    }

    /// Reads a network saved by [`save`](Self::save).
    pub fn load(dir: &Path, device: &B::Device) -> Result<(Self, AudioEmotionConfig), ModelFileError> {
        let config_path = dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&config_path)
            .map_err(|source| ModelFileError::Io { path: config_path.clone(), source })?;
        let config: AudioEmotionConfig = serde_json::from_str(&text)
            .map_err(|e| ModelFileError::Config { path: config_path.clone(), message: e.to_string() })?;
        if config.hidden == 0 || config.hidden > 4096 || !(0.0..1.0).contains(&config.dropout) {
            let message = format!("hidden must be 1..=4096 and dropout in [0, 1), found {config:?}");
            return Err(ModelFileError::Config { path: config_path, message });
        }
        let weights_path = dir.join(WEIGHTS_FILE);
        let bytes =
            std::fs::read(&weights_path).map_err(|source| ModelFileError::Io { path: weights_path.clone(), source })?;
        let weights = |message: String| ModelFileError::Weights { path: weights_path.clone(), message };
        // Keep a malformed record from taking the caller down, should burn's loader panic on it.
        let record = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            NamedMpkBytesRecorder::<FullPrecisionSettings>::new().load(bytes, device)
        }))
        .map_err(|_| weights("not a readable burn record".into()))?
        .map_err(|e| weights(e.to_string()))?;
        let net = config.init::<B>(device);
        let expected = net.num_params();
        let net = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| net.load_record(record)))
            .map_err(|_| weights(format!("the tensors do not fit a network with hidden = {}", config.hidden)))?;
        if net.num_params() != expected {
            return Err(weights(format!("{} parameters, expected {expected}", net.num_params())));
        }
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
