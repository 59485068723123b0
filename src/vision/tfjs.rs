//! Reading TensorFlow.js weight files: a `*-weights_manifest.json` and the binary shards it
//! names, with the uint8 (or uint16) quantisation that face-api's models use.
//!
//! The manifest is a list of groups, each with `paths` (the shard files, concatenated in order)
//! and `weights` (name, shape, dtype and, when quantised, `quantization: {dtype, scale, min}`).
//! A quantised value `q` stands for `min + q · scale`, computed in double precision and stored as
//! `f32`, as `tf.io.decodeWeights` does. Weights follow one another in the shard bytes in
//! manifest order.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A tfjs weight file that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TfjsError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The manifest is not valid JSON of the expected shape.
    #[error("{path}: not a tfjs weights manifest: {message}")]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// What the parser said.
        message: String,
    },
    /// The shards hold fewer bytes than the manifest's weights need, or a dtype is unknown.
    #[error("{path}: weight `{name}`: {message}")]
    Weight {
        /// The manifest.
        path: PathBuf,
        /// The weight.
        name: String,
        /// What was wrong.
        message: String,
    },
    /// A weight the network needs is missing or has the wrong shape.
    #[error("{path}: weight `{name}`: {message}")]
    Missing {
        /// The manifest.
        path: PathBuf,
        /// The weight.
        name: String,
        /// What was wrong.
        message: String,
    },
}

#[derive(Debug, Deserialize)]
struct Group {
    paths: Vec<String>,
    weights: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    name: String,
    shape: Vec<usize>,
    dtype: String,
    #[serde(default)]
    quantization: Option<Quantization>,
}

#[derive(Debug, Deserialize)]
struct Quantization {
    dtype: String,
    scale: f64,
    min: f64,
}

/// One dequantised weight: its tfjs shape and values in row-major order.
#[derive(Debug, Clone, PartialEq)]
pub struct TfjsTensor {
    /// The shape as the manifest gives it (convolutions: `[kh, kw, in, out]`).
    pub shape: Vec<usize>,
    /// The values, row-major.
    pub values: Vec<f32>,
}

/// Every weight of a manifest, by name.
#[derive(Debug, Clone)]
pub struct TfjsWeights {
    /// The manifest the weights came from (for errors).
    pub manifest: PathBuf,
    /// The weights by name.
    pub tensors: HashMap<String, TfjsTensor>,
}

impl TfjsWeights {
    /// Reads a manifest and its shards (looked for beside the manifest).
    pub fn load(manifest: &Path) -> Result<Self, TfjsError> {
        fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TfjsError + '_ {
            move |source| TfjsError::Io { path: path.to_path_buf(), source }
        }
        let text = std::fs::read_to_string(manifest).map_err(io(manifest))?;
        let groups: Vec<Group> = serde_json::from_str(&text)
            .map_err(|e| TfjsError::Manifest { path: manifest.to_path_buf(), message: e.to_string() })?;
        let dir = manifest.parent().unwrap_or(Path::new("."));
        let mut shards = Vec::with_capacity(groups.len());
        for g in &groups {
            let mut bytes = Vec::new();
            for p in &g.paths {
                let path = dir.join(p);
                bytes.extend(std::fs::read(&path).map_err(io(&path))?);
            }
            shards.push(bytes);
        }
        Self::from_parts(&text, &shards, manifest)
    }

    /// Decodes a manifest's text with each group's shard bytes already concatenated.
    pub fn from_parts(manifest_text: &str, shards: &[Vec<u8>], manifest: &Path) -> Result<Self, TfjsError> {
        let groups: Vec<Group> = serde_json::from_str(manifest_text)
            .map_err(|e| TfjsError::Manifest { path: manifest.to_path_buf(), message: e.to_string() })?;
        if groups.len() != shards.len() {
            let message = format!("{} weight groups but {} shard buffers", groups.len(), shards.len());
            return Err(TfjsError::Manifest { path: manifest.to_path_buf(), message });
        }
        let mut tensors = HashMap::new();
        for (g, bytes) in groups.iter().zip(shards) {
            let mut at = 0usize;
            for e in &g.weights {
                let bad = |message: String| TfjsError::Weight { path: manifest.to_path_buf(), name: e.name.clone(), message };
                let count = e.shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d)).ok_or_else(|| bad("shape overflows".into()))?;
                let (width, decode): (usize, Box<dyn Fn(&[u8]) -> f32>) = match (&e.quantization, e.dtype.as_str()) {
                    (Some(q), "float32") => {
                        let (scale, min) = (q.scale, q.min);
                        match q.dtype.as_str() {
                            "uint8" => (1, Box::new(move |b: &[u8]| (min + f64::from(b[0]) * scale) as f32)),
                            "uint16" => {
                                (2, Box::new(move |b: &[u8]| (min + f64::from(u16::from_le_bytes([b[0], b[1]])) * scale) as f32))
                            }
                            other => return Err(bad(format!("unsupported quantisation dtype `{other}`"))),
                        }
                    }
                    (None, "float32") => (4, Box::new(|b: &[u8]| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))),
                    (_, other) => return Err(bad(format!("unsupported dtype `{other}`"))),
                };
                let len = count.checked_mul(width).ok_or_else(|| bad("shape overflows".into()))?;
                let chunk = bytes.get(at..at + len).ok_or_else(|| {
                    bad(format!("needs {len} bytes at offset {at}, the shards hold {}", bytes.len()))
                })?;
                let values = chunk.chunks_exact(width).map(&decode).collect();
                at += len;
                tensors.insert(e.name.clone(), TfjsTensor { shape: e.shape.clone(), values });
            }
            if at != bytes.len() {
                let message = format!("the weights use {at} bytes of the group's {}-byte shards", bytes.len());
                return Err(TfjsError::Manifest { path: manifest.to_path_buf(), message });
            }
        }
        Ok(Self { manifest: manifest.to_path_buf(), tensors })
    }

    /// The weight `name`, checked to have `shape`.
    pub fn get(&self, name: &str, shape: &[usize]) -> Result<&TfjsTensor, TfjsError> {
        let missing = |message: String| TfjsError::Missing { path: self.manifest.clone(), name: name.into(), message };
        let t = self.tensors.get(name).ok_or_else(|| missing("not in the manifest".into()))?;
        if t.shape != shape {
            return Err(missing(format!("shape {:?}, expected {shape:?}", t.shape)));
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dequantises_uint8_and_reads_float32_in_manifest_order() {
        let manifest = r#"[{"paths":["a.bin"],"weights":[
            {"name":"w","shape":[2,2],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.5,"min":-1.0}},
            {"name":"b","shape":[2],"dtype":"float32"}]}]"#;
        let mut bytes = vec![0u8, 1, 2, 255];
        bytes.extend(1.5f32.to_le_bytes());
        bytes.extend((-2.25f32).to_le_bytes());
        let w = TfjsWeights::from_parts(manifest, &[bytes], Path::new("m.json")).unwrap();
        assert_eq!(w.get("w", &[2, 2]).unwrap().values, vec![-1.0, -0.5, 0.0, 126.5]);
        assert_eq!(w.get("b", &[2]).unwrap().values, vec![1.5, -2.25]);
        assert!(matches!(w.get("b", &[3]), Err(TfjsError::Missing { .. })));
        assert!(matches!(w.get("c", &[2]), Err(TfjsError::Missing { .. })));
    }

    #[test]
    fn short_or_long_shards_and_bad_manifests_are_errors() {
        let manifest = r#"[{"paths":["a.bin"],"weights":[{"name":"b","shape":[2],"dtype":"float32"}]}]"#;
        let short = TfjsWeights::from_parts(manifest, &[vec![0; 7]], Path::new("m.json")).unwrap_err();
        assert!(short.to_string().contains("needs 8 bytes"), "{short}");
        assert!(TfjsWeights::from_parts(manifest, &[vec![0; 9]], Path::new("m.json")).is_err());
        assert!(TfjsWeights::from_parts("{", &[], Path::new("m.json")).is_err());
        let int = r#"[{"paths":["a.bin"],"weights":[{"name":"b","shape":[1],"dtype":"int32"}]}]"#;
        assert!(TfjsWeights::from_parts(int, &[vec![0; 4]], Path::new("m.json")).is_err());
    }
}
