//! EAC's weight folders (`config.json` + `model.mpk`, see [`crate::model::weights`]) and the
//! weights shipped inside the crate (`models/eac/`, trained by `emotalk-train eac`; its README
//! says how), which are what a plain [`EacModel::default_model`] gives.

use std::path::Path;

use burn::prelude::Backend;

use super::{Eac, EacConfig, EacConfigError};
use crate::anim::ExpressionTrack;
use crate::audio::FeatureMatrix;
use crate::emotion::space::EmotionEmbedding;
use crate::model::weights::{self, ModelFileError};
use crate::model::{ModelKind, find_model};

/// The shipped configuration (`models/eac/config.json`).
pub const SHIPPED_CONFIG: &str = include_str!("../../../models/eac/config.json");
/// The shipped weights (`models/eac/model.mpk`).
pub const SHIPPED_WEIGHTS: &[u8] = include_bytes!("../../../models/eac/model.mpk");

/// A configured EAC network.
#[derive(Debug, Clone)]
pub struct EacModel<B: Backend> {
    /// Its sizes.
    pub config: EacConfig,
    /// The network.
    pub net: Eac<B>,
}

fn parse_config(text: &str, path: &Path) -> Result<EacConfig, ModelFileError> {
    let invalid = |e: serde_json::Error| ModelFileError::Config { path: path.to_path_buf(), message: e.to_string() };
    let mut value: serde_json::Value = serde_json::from_str(text).map_err(invalid)?;
    // Configurations saved before the emotion prior existed were trained without it.
    if let Some(fields) = value.as_object_mut() {
        fields.entry("emotion_prior").or_insert(serde_json::Value::Bool(false));
    }
    let config: EacConfig = serde_json::from_value(value).map_err(invalid)?;
    config.check().map_err(|e| ModelFileError::Config { path: path.to_path_buf(), message: e.to_string() })?;
    if config.d_model > 4096 || config.layers > 64 || config.d_ff > 16384 || config.n_mels != crate::audio::N_MELS {
        let message = format!("sizes out of range (n_mels must be {}): {config:?}", crate::audio::N_MELS);
        return Err(ModelFileError::Config { path: path.to_path_buf(), message });
    }
    Ok(config)
}

impl<B: Backend> EacModel<B> {
    /// Writes the folder (created if needed).
    pub fn save(&self, dir: &Path) -> Result<(), ModelFileError> {
        weights::save(&self.net, &serde_json::to_string_pretty(&self.config).unwrap_or_default(), dir)
    }

    /// Reads a folder written by [`save`](Self::save).
    pub fn load(dir: &Path, device: &B::Device) -> Result<Self, ModelFileError> {
        let (text, path) = weights::read_config(dir)?;
        let config = parse_config(&text, &path)?;
        let net = weights::load_weights(config.init::<B>(device), dir, device)?;
        Ok(Self { config, net })
    }

    /// The weights shipped in the crate.
    pub fn shipped(device: &B::Device) -> Result<Self, ModelFileError> {
        Self::from_bytes(
            SHIPPED_CONFIG,
            Path::new("models/eac/config.json"),
            SHIPPED_WEIGHTS.to_vec(),
            Path::new("models/eac/model.mpk"),
            device,
        )
    }

    /// A model from the text of its `config.json` and the bytes of its `model.mpk` (the paths
    /// label errors), for loaders that read files themselves (Bevy's asset loader).
    pub fn from_bytes(
        config: &str,
        config_path: &Path,
        weights: Vec<u8>,
        weights_path: &Path,
        device: &B::Device,
    ) -> Result<Self, ModelFileError> {
        let config = parse_config(config, config_path)?;
        let net = weights::load_bytes(config.init::<B>(device), weights, weights_path, device)?;
        Ok(Self { config, net })
    }

    /// The network emotalk uses: an `eac` folder found by [`find_model`] (`$EMOTALK_MODELS`, the
    /// working directory's `models/`, …) when there is one, else the shipped weights.
    pub fn default_model(device: &B::Device) -> Result<Self, ModelFileError> {
        match find_model(ModelKind::Eac) {
            Some(dir) => Self::load(&dir, device),
            None => Self::shipped(device),
        }
    }

    /// The network looking only `band_ahead` output frames ahead (fewer than its
    /// `config.band_ahead`, which it then reports): [`EacConfig::lookahead_ms`] drops by 40 ms a
    /// frame, for live input (`emotalk live --lookahead-ms`), at a cost in lip-sync accuracy
    /// measured in BENCHMARKS.md. `None` when `band_ahead` is more than it was trained with. For
    /// inference: its saved configuration would not match its bias tables.
    pub fn with_band_ahead(mut self, band_ahead: usize) -> Option<Self> {
        if band_ahead > self.config.band_ahead {
            return None;
        }
        self.net.shorten_band_ahead(band_ahead);
        self.config.band_ahead = band_ahead;
        Some(self)
    }

    /// The network with the longest look-ahead within `ms` ([`with_band_ahead`](Self::with_band_ahead)
    /// with as many frames as fit; unchanged when its own fits): what live input runs with
    /// ([`crate::live::LIVE_LOOKAHEAD_MS`]).
    pub fn with_lookahead_ms(self, ms: f64) -> Result<Self, EacConfigError> {
        let with = |k: usize| EacConfig { band_ahead: k, ..self.config.clone() }.lookahead_ms();
        match (0..=self.config.band_ahead).rev().find(|&k| with(k) <= ms + 1e-9) {
            Some(k) => Ok(self.with_band_ahead(k).expect("k is within the trained band")),
            None => Err(EacConfigError::LookaheadTooShort { asked_ms: ms, min_ms: with(0) }),
        }
    }

    /// The expression track of a whole line (see [`Eac::infer`]).
    pub fn infer(
        &self,
        mel: &FeatureMatrix,
        emotion: &EmotionEmbedding,
        intensity: f32,
        device: &B::Device,
    ) -> ExpressionTrack {
        self.net.infer(mel, &self.config, emotion, intensity, device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configurations_from_before_the_prior_load_without_it() {
        let path = Path::new("eac/config.json");
        let old = r#"{"n_mels": 80, "fps": 25.0, "mel_past": 6, "mel_ahead": 2, "d_model": 128, "heads": 4,
            "layers": 4, "d_ff": 256, "band_past": 8, "band_ahead": 2, "dropout": 0.1}"#;
        assert_eq!(parse_config(old, path).unwrap(), EacConfig::new());
        let new = serde_json::to_string(&EacConfig::new().with_emotion_prior(true)).unwrap();
        assert!(parse_config(&new, path).unwrap().emotion_prior);
        let wrong = old.replace("0.1}", r#"0.1, "emotion_prior": "yes"}"#);
        let e = parse_config(&wrong, path).unwrap_err().to_string();
        assert!(e.contains("eac/config.json") && e.contains("bool"), "{e}");
    }
}
