//! A training run's checkpoint besides its weights: the optimiser's state (`optimizer.mpk`) and
//! the run's own state (`state.json`), each written atomically, the state last, so a checkpoint
//! is whole when its `state.json` is there. Every trainer resumes through these.

use std::path::Path;

use burn::prelude::Backend;
use burn::record::{FullPrecisionSettings, NamedMpkBytesRecorder, Record, Recorder};

use crate::model::weights::{self, ModelFileError};

/// Whether `dir` holds a whole checkpoint.
pub fn exists(dir: &Path) -> bool {
    dir.join("state.json").is_file()
}

/// Reads `dir/state.json`.
pub fn read_state<S: serde::de::DeserializeOwned>(dir: &Path) -> Result<S, ModelFileError> {
    let path = dir.join("state.json");
    let text = std::fs::read_to_string(&path).map_err(|source| ModelFileError::Io { path: path.clone(), source })?;
    serde_json::from_str(&text).map_err(|e| ModelFileError::Config { path, message: e.to_string() })
}

/// Reads `dir/optimizer.mpk` as an optimiser record.
pub fn read_optimizer<B: Backend, R: Record<B>>(dir: &Path, device: &B::Device) -> Result<R, ModelFileError> {
    let path = dir.join("optimizer.mpk");
    let bytes = std::fs::read(&path).map_err(|source| ModelFileError::Io { path: path.clone(), source })?;
    NamedMpkBytesRecorder::<FullPrecisionSettings>::new()
        .load(bytes, device)
        .map_err(|e| ModelFileError::Weights { path, message: e.to_string() })
}

/// Writes `dir/optimizer.mpk`, then `dir/state.json` (the weights are written before, by the
/// network's own folder).
pub fn write<B: Backend, R: Record<B>, S: serde::Serialize>(
    dir: &Path,
    optimizer: R,
    state: &S,
) -> Result<(), ModelFileError> {
    let path = dir.join("optimizer.mpk");
    let bytes = NamedMpkBytesRecorder::<FullPrecisionSettings>::new()
        .record(optimizer, ())
        .map_err(|e| ModelFileError::Weights { path: path.clone(), message: e.to_string() })?;
    weights::write_bytes(&path, &bytes)?;
    let text = serde_json::to_string(state)
        .map_err(|e| ModelFileError::Config { path: dir.join("state.json"), message: e.to_string() })?;
    weights::write_bytes(&dir.join("state.json"), text.as_bytes())
}
