//! HEF's weight folders (`config.json` + `model.mpk`, see [`crate::model::weights`]).

use std::path::Path;

use burn::prelude::Backend;

use super::{Hef, HefConfig};
use crate::model::weights::{self, ModelFileError};

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
}
