//! HEF's weight folders (`config.json` + `model.mpk`, see [`crate::model::weights`]) and the
//! weights shipped inside the crate (`models/hef/`, trained by `emotalk-train hef`; its README
//! says how), which are what a plain [`HefModel::default_model`] gives.

use std::path::Path;

use burn::prelude::Backend;

use super::{Hef, HefConfig};
use crate::model::weights::{self, ModelFileError};
use crate::model::{ModelKind, find_model};

/// The shipped configuration (`models/hef/config.json`).
pub const SHIPPED_CONFIG: &str = include_str!("../../../models/hef/config.json");
/// The shipped weights (`models/hef/model.mpk`).
pub const SHIPPED_WEIGHTS: &[u8] = include_bytes!("../../../models/hef/model.mpk");

/// A configured HEF network.
#[derive(Debug, Clone)]
pub struct HefModel<B: Backend> {
    /// Its sizes.
    pub config: HefConfig,
    /// The network.
    pub net: Hef<B>,
}

fn parse_config(text: &str, path: &Path) -> Result<HefConfig, ModelFileError> {
    let config: HefConfig = serde_json::from_str(text)
        .map_err(|e| ModelFileError::Config { path: path.to_path_buf(), message: e.to_string() })?;
    let levels = config.channels.len();
    let sane = (2..=8).contains(&levels)
        && (16..=2048).contains(&config.size)
        && config.size % (1 << (levels - 1)) == 0
        && config.channels.iter().all(|c| (1..=1024).contains(c))
        && (1..=2048).contains(&config.style)
        && config.geometry_channels == 5;
    if !sane {
        let message = format!(
            "sizes out of range (2-8 levels, size a multiple of 2^(levels-1), 5 geometry channels): {config:?}"
        );
        return Err(ModelFileError::Config { path: path.to_path_buf(), message });
    }
    Ok(config)
}

impl<B: Backend> HefModel<B> {
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
            Path::new("models/hef/config.json"),
            SHIPPED_WEIGHTS.to_vec(),
            Path::new("models/hef/model.mpk"),
            device,
        )
    }

    /// A model from the text of its `config.json` and the bytes of its `model.mpk` (the paths
    /// label errors).
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

    /// The network emotalk uses: a `hef` folder found by [`find_model`] (`$EMOTALK_MODELS`, the
    /// working directory's `models/`, …) when there is one, else the shipped weights.
    pub fn default_model(device: &B::Device) -> Result<Self, ModelFileError> {
        match find_model(ModelKind::Hef) {
            Some(dir) => Self::load(&dir, device),
            None => Self::shipped(device),
        }
    }
}
