//! EAC, the Emotion-aware Audio-to-expression Convertor (Xu et al. 2023, Sec. 3.3, Eq. 3–4), in
//! burn, generic over the backend:
//!
//! ```text
//! [sigma', beta_bar] = Transformer([sigma, MLP(A)] + MLP(z_emo)),   beta = sigmoid(MLP(beta_bar))
//! sigma = mu · sigma_base
//! ```
//!
//! - `A`: for each output frame (at [`EacConfig::fps`]), the log-mel frames around its time,
//!   `mel_past` before to `mel_ahead` after ([`frames::mel_context`]), flattened;
//! - `sigma`: the learned intensity token, the base vector scaled by the intensity `mu` (0–3),
//!   prepended to the frames; `sigma'`, its value after the Transformer, is an output (HEF uses it);
//! - `MLP(z_emo)`: the emotion ([`crate::emotion::space`], 11 numbers) mapped to the model width
//!   and added to every position;
//! - the Transformer: pre-norm layers whose attention is a band of frames with relative position
//!   biases ([`attention`]) instead of the paper's absolute positional encoding, so that a frame's
//!   output depends only on a bounded neighbourhood: whole lines run in one pass and streaming
//!   with bounded look-ahead ([`streaming`]) gives the same numbers as offline;
//! - `beta`: the 52 ARKit blendshape weights of [`crate::face::blendshapes`], in [0, 1]; with
//!   [`EacConfig::emotion_prior`] (the shipped weights) the network's sigmoid output is the speech
//!   part and the emotion's face (less the jaw, which the network keeps) is composed onto it
//!   by the rule the targets are made with ([`prior`]); at inference the gaze and the lids'
//!   droop, which speech never moves, follow the emotion's face ([`frames::with_emotion_eyes`]).
//!
//! Look-ahead, the audio a frame needs after its own time: half the STFT window (40 ms),
//! `mel_ahead` mel frames, and `band_ahead` output frames of the first layer (later layers are
//! causal): [`EacConfig::lookahead_ms`], 140 ms by default.

pub mod attention;
pub mod frames;
pub mod prior;
pub mod saved;
pub mod streaming;

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Gelu, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::Backend;
use burn::tensor::{Int, Tensor};
use burn::tensor::activation::sigmoid;

use crate::emotion::space::Z_DIM;
use crate::face::blendshapes::N_BLENDSHAPES;
use attention::BandLayer;

/// Log-mel frames per second (hop 160 at 16 kHz).
pub const MEL_FPS: f64 = 100.0;

/// EAC's sizes (defaults documented per field; the parameter count at the defaults is reported
/// by [`Eac::parameter_count`] and in models/README.md).
#[derive(Config, Debug, PartialEq)]
pub struct EacConfig {
    /// Mel bands per frame.
    #[config(default = 80)]
    pub n_mels: usize,
    /// Output frames per second (the paper's video rate is 25).
    #[config(default = 25.0)]
    pub fps: f64,
    /// Mel frames before an output frame's time that it reads.
    #[config(default = 6)]
    pub mel_past: usize,
    /// Mel frames after it.
    #[config(default = 2)]
    pub mel_ahead: usize,
    /// Model width.
    #[config(default = 128)]
    pub d_model: usize,
    /// Attention heads.
    #[config(default = 4)]
    pub heads: usize,
    /// Transformer layers.
    #[config(default = 4)]
    pub layers: usize,
    /// Feed-forward width.
    #[config(default = 256)]
    pub d_ff: usize,
    /// Output frames before a frame that each layer's attention sees.
    #[config(default = 8)]
    pub band_past: usize,
    /// Output frames after a frame that the first layer's attention sees (later layers see none).
    #[config(default = 2)]
    pub band_ahead: usize,
    /// Dropout (training only).
    #[config(default = 0.1)]
    pub dropout: f64,
    /// Compose the emotion's face onto the network's output in the forward pass
    /// ([`prior`]): the network then predicts the speech part, and the emotion shows exactly as
    /// its face ([`prior::emotion_face`]: the preset, or a compound's) at the given intensity.
    /// Off (the network predicts everything) in configurations saved before it existed, and for
    /// targets recorded with their emotion already in them.
    #[config(default = false)]
    pub emotion_prior: bool,
}

impl EacConfig {
    /// Numbers per output frame of `A`: `(mel_past + 1 + mel_ahead) · n_mels`.
    pub fn context_width(&self) -> usize {
        (self.mel_past + 1 + self.mel_ahead) * self.n_mels
    }

    /// Output frames before a frame that can influence it (all layers together).
    pub fn receptive_past(&self) -> usize {
        self.layers * self.band_past
    }

    /// Milliseconds of audio after a frame's time that its value depends on.
    pub fn lookahead_ms(&self) -> f64 {
        40.0 + self.mel_ahead as f64 * 1000.0 / MEL_FPS + self.band_ahead as f64 * 1000.0 / self.fps
    }

    /// Why these sizes cannot work, if they cannot.
    pub fn check(&self) -> Result<(), EacConfigError> {
        let sizes = [
            ("n_mels", self.n_mels),
            ("d_model", self.d_model),
            ("heads", self.heads),
            ("layers", self.layers),
            ("d_ff", self.d_ff),
        ];
        if let Some(&(field, _)) = sizes.iter().find(|(_, v)| *v == 0) {
            return Err(EacConfigError::ZeroSize { field });
        }
        if self.d_model % self.heads != 0 {
            return Err(EacConfigError::HeadsDoNotDivide { d_model: self.d_model, heads: self.heads });
        }
        if !(self.fps.is_finite() && self.fps > 0.0 && self.fps <= MEL_FPS) {
            return Err(EacConfigError::OutOfRange { field: "fps", value: self.fps, range: "(0, 100]" });
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return Err(EacConfigError::OutOfRange { field: "dropout", value: self.dropout, range: "[0, 1)" });
        }
        Ok(())
    }

    /// A freshly initialised network.
    pub fn init<B: Backend>(&self, device: &B::Device) -> Eac<B> {
        let d = self.d_model;
        Eac {
            audio_in: LinearConfig::new(self.context_width(), d).init(device),
            audio_hidden: LinearConfig::new(d, d).init(device),
            emotion_in: LinearConfig::new(Z_DIM, d).init(device),
            emotion_hidden: LinearConfig::new(d, d).init(device),
            sigma_base: Param::from_tensor(Tensor::random([d], burn::tensor::Distribution::Normal(0.0, 0.02), device)),
            layers: (0..self.layers)
                .map(|i| {
                    let ahead = if i == 0 { self.band_ahead } else { 0 };
                    BandLayer::new(d, self.d_ff, self.heads, self.band_past, ahead, self.dropout, device)
                })
                .collect(),
            norm: LayerNormConfig::new(d).init(device),
            out_hidden: LinearConfig::new(d, d).init(device),
            out: LinearConfig::new(d, N_BLENDSHAPES).init(device),
            gelu: Gelu::new(),
            emotion_prior: self.emotion_prior,
        }
    }
}

/// Why an [`EacConfig`] cannot work ([`EacConfig::check`]). Every variant names the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EacConfigError {
    /// A size that must be positive is 0.
    #[error("{field} must be positive, found 0")]
    ZeroSize {
        /// The field (`n_mels`, `d_model`, `heads`, `layers` or `d_ff`).
        field: &'static str,
    },
    /// The model width does not split evenly into the attention heads.
    #[error("d_model {d_model} is not a multiple of heads {heads}")]
    HeadsDoNotDivide {
        /// The model width.
        d_model: usize,
        /// The number of heads.
        heads: usize,
    },
    /// A number outside the range it must be in.
    #[error("{field} must be in {range}, found {value}")]
    OutOfRange {
        /// The field (`fps` or `dropout`).
        field: &'static str,
        /// The value found.
        value: f64,
        /// The accepted range, in interval notation (`(0, 100]`).
        range: &'static str,
    },
    /// A look-ahead shorter than the network can run with (its mel window and context alone).
    #[error("a look-ahead of {asked_ms} ms is too short: this network needs at least {min_ms} ms")]
    LookaheadTooShort {
        /// The look-ahead asked for, ms.
        asked_ms: f64,
        /// The shortest it can have, ms.
        min_ms: f64,
    },
}

/// The network (see the module docs).
#[derive(Module, Debug)]
pub struct Eac<B: Backend> {
    audio_in: Linear<B>,
    audio_hidden: Linear<B>,
    emotion_in: Linear<B>,
    emotion_hidden: Linear<B>,
    sigma_base: Param<Tensor<B, 1>>,
    layers: Vec<BandLayer<B>>,
    norm: LayerNorm<B>,
    out_hidden: Linear<B>,
    out: Linear<B>,
    gelu: Gelu,
    /// [`EacConfig::emotion_prior`] (not a weight: it comes from the configuration).
    emotion_prior: bool,
}

/// EAC's outputs for a batch.
#[derive(Debug, Clone)]
pub struct EacOutput<B: Backend> {
    /// Blendshape weights in [0, 1], `[batch, frames, 52]`.
    pub coefficients: Tensor<B, 3>,
    /// The updated intensity token `sigma'`, `[batch, d_model]`.
    pub sigma: Tensor<B, 2>,
}

impl<B: Backend> Eac<B> {
    /// Looks at most `band_ahead` frames ahead in the first layer (the only one that looks
    /// ahead), fewer than it was trained with: a shorter look-ahead for live input, at some cost
    /// in accuracy ([`saved::EacModel::with_band_ahead`] keeps the configuration in step).
    pub fn shorten_band_ahead(&mut self, band_ahead: usize) {
        for layer in &mut self.layers {
            layer.shorten_ahead(band_ahead);
        }
    }

    /// Whether the emotion's face is composed onto the output ([`EacConfig::emotion_prior`]).
    pub fn emotion_prior(&self) -> bool {
        self.emotion_prior
    }

    /// The same weights with the emotion prior on or off (fine-tuning weights trained without it).
    pub fn with_emotion_prior(self, on: bool) -> Self {
        Self { emotion_prior: on, ..self }
    }

    /// Runs a batch: `audio` `[batch, frames, context_width]` (see [`frames::mel_context`]),
    /// `z_emo` `[batch, 11]`, `intensity` `[batch]` (0–3).
    pub fn forward(&self, audio: Tensor<B, 3>, z_emo: Tensor<B, 2>, intensity: Tensor<B, 1>) -> EacOutput<B> {
        let [batch, frames, _] = audio.dims();
        let d = self.sigma_base.dims()[0];
        let audio = self.audio_hidden.forward(self.gelu.forward(self.audio_in.forward(audio)));
        let prior = self.emotion_prior.then(|| prior::prior_face(z_emo.clone(), intensity.clone()));
        let sigma = self.sigma_base.val().reshape([1, 1, d]) * intensity.reshape([batch, 1, 1]);
        let emotion =
            self.emotion_hidden.forward(self.gelu.forward(self.emotion_in.forward(z_emo))).reshape([batch, 1, d]);
        let mut x = Tensor::cat(vec![sigma, audio], 1) + emotion;
        // Each distinct band's index once per pass (the first layer looks ahead, the rest do not).
        let len = frames + 1;
        let mut bands: Vec<((usize, usize, usize), Tensor<B, 1, Int>)> = Vec::new();
        for layer in &self.layers {
            let band = layer.band_key();
            let index = match bands.iter().find(|(b, _)| *b == band) {
                Some((_, index)) => index.clone(),
                None => {
                    let index = layer.band_index(len, &x.device());
                    bands.push((band, index.clone()));
                    index
                }
            };
            x = layer.forward_banded(x, &index);
        }
        let x = self.norm.forward(x);
        let sigma = x.clone().narrow(1, 0, 1).reshape([batch, d]);
        let frames = x.narrow(1, 1, frames);
        let mut coefficients = sigmoid(self.out.forward(self.gelu.forward(self.out_hidden.forward(frames))));
        if let Some(face) = prior {
            coefficients = prior::compose(coefficients, face);
        }
        EacOutput { coefficients, sigma }
    }

    /// The number of trainable numbers.
    pub fn parameter_count(&self) -> usize {
        self.num_params()
    }
}
