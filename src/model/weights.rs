//! Saving and loading a network's folder: `config.json` (its sizes) and `model.mpk` (burn's
//! named MessagePack record, full precision), each written atomically; loading never panics on a
//! malformed file and reports which file was wrong.

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::prelude::Backend;
use burn::record::{FullPrecisionSettings, NamedMpkBytesRecorder, Recorder};

/// The weights file in a network's folder.
pub const WEIGHTS_FILE: &str = "model.mpk";
/// The configuration file in a network's folder.
pub const CONFIG_FILE: &str = "config.json";

/// A model file that could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelFileError {
    /// It could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration is malformed or describes an impossible network.
    #[error("{path}: not a valid configuration: {message}")]
    Config {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// The weights do not load into the configured network.
    #[error("{path}: the weights cannot be loaded: {message}")]
    Weights {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// The network's weights could not be encoded as a record (when saving).
    #[error("{path}: cannot encode the weights: {source}")]
    Encode {
        /// The weights file being written ([`WEIGHTS_FILE`] alone for [`record_bytes`]).
        path: PathBuf,
        /// What burn's recorder said.
        #[source]
        source: burn::record::RecorderError,
    },
}

/// Writes `config.json` and `model.mpk` for `module` into `dir` (created if needed).
pub fn save<B: Backend, M: Module<B>>(module: &M, config_json: &str, dir: &Path) -> Result<(), ModelFileError> {
    std::fs::create_dir_all(dir).map_err(|source| ModelFileError::Io { path: dir.to_path_buf(), source })?;
    let bytes = encode(module, &dir.join(WEIGHTS_FILE))?;
    write_bytes(&dir.join(CONFIG_FILE), config_json.as_bytes())?;
    write_bytes(&dir.join(WEIGHTS_FILE), &bytes)
}

/// Writes `bytes` to `path` atomically (a model file, a checkpoint part).
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), ModelFileError> {
    crate::io::write_atomically(path, |w| w.write_all(bytes))
        .map_err(|source| ModelFileError::Io { path: path.to_path_buf(), source })
}

/// A module's weights as the bytes of `model.mpk` (an error is
/// [`ModelFileError::Encode`], naming [`WEIGHTS_FILE`]).
pub fn record_bytes<B: Backend, M: Module<B>>(module: &M) -> Result<Vec<u8>, ModelFileError> {
    encode(module, Path::new(WEIGHTS_FILE))
}

/// [`record_bytes`], naming `path` in errors.
fn encode<B: Backend, M: Module<B>>(module: &M, path: &Path) -> Result<Vec<u8>, ModelFileError> {
    NamedMpkBytesRecorder::<FullPrecisionSettings>::new()
        .record(module.clone().into_record(), ())
        .map_err(|source| ModelFileError::Encode { path: path.to_path_buf(), source })
}

/// Reads `dir/config.json` as text.
pub fn read_config(dir: &Path) -> Result<(String, PathBuf), ModelFileError> {
    let path = dir.join(CONFIG_FILE);
    std::fs::read_to_string(&path).map(|t| (t, path.clone())).map_err(|source| ModelFileError::Io { path, source })
}

/// Reads `dir/model.mpk` into `fresh` (a network built from the configuration).
pub fn load_weights<B: Backend, M: Module<B>>(fresh: M, dir: &Path, device: &B::Device) -> Result<M, ModelFileError> {
    let path = dir.join(WEIGHTS_FILE);
    let bytes = std::fs::read(&path).map_err(|source| ModelFileError::Io { path: path.clone(), source })?;
    load_bytes(fresh, bytes, &path, device)
}

/// Loads weights from `bytes` (named `path` in errors) into `fresh`.
pub fn load_bytes<B: Backend, M: Module<B>>(
    fresh: M,
    bytes: Vec<u8>,
    path: &Path,
    device: &B::Device,
) -> Result<M, ModelFileError> {
    let weights = |message: String| ModelFileError::Weights { path: path.to_path_buf(), message };
    // Keep a malformed record from taking the caller down, should burn's loader panic on it.
    let record = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        NamedMpkBytesRecorder::<FullPrecisionSettings>::new().load(bytes, device)
    }))
    .map_err(|_| weights("not a readable burn record".into()))?
    .map_err(|e| weights(e.to_string()))?;
    let expected = fresh.num_params();
    let net = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fresh.load_record(record)))
        .map_err(|_| weights("the tensors do not fit the configured network".into()))?;
    if net.num_params() != expected {
        return Err(weights(format!("{} parameters, expected {expected}", net.num_params())));
    }
    Ok(net)
}
