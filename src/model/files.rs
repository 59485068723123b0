//! Where model files are looked for, and which were found.
//!
//! Search order (first hit wins): the directory in `$EMOTALK_MODELS`, `./models`, `models/` next
//! to the running executable (where a shipped game keeps it), and the `models/` folder of the
//! source tree this crate was built from. Each network lives in its own sub-folder holding a
//! `config.json` and a weights file (`*.mpk`, `*.bin` or `*.safetensors`).

use std::path::{Path, PathBuf};

/// The networks the crate knows about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelKind {
    /// EAC: audio + emotion to expression coefficients (Xu et al., Sec. 3.2).
    Eac,
    /// The prosody-based audio emotion encoder of AME.
    AudioEmotion,
    /// HEF: the neural face refiner (Xu et al., Sec. 3.3).
    Hef,
}

impl ModelKind {
    /// Every kind, in pipeline order.
    pub const ALL: [ModelKind; 3] = [ModelKind::Eac, ModelKind::AudioEmotion, ModelKind::Hef];

    /// The sub-folder of a models directory that holds this network.
    pub fn dir_name(self) -> &'static str {
        match self {
            ModelKind::Eac => "eac",
            ModelKind::AudioEmotion => "audio_emotion",
            ModelKind::Hef => "hef",
        }
    }

    /// What the network does, in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            ModelKind::Eac => "audio-to-expression Transformer",
            ModelKind::AudioEmotion => "emotion from the voice",
            ModelKind::Hef => "neural face refinement",
        }
    }
}

/// Whether a network's files were found, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelStatus {
    /// The network.
    pub kind: ModelKind,
    /// Its folder, when one with a config and weights was found.
    pub found: Option<PathBuf>,
}

/// The directories searched for models, in order (see the module docs).
pub fn model_search_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os("EMOTALK_MODELS") {
        dirs.push(PathBuf::from(dir));
    }
    dirs.push(PathBuf::from("models"));
    if let Some(exe_dir) = std::env::current_exe().ok().as_deref().and_then(Path::parent) {
        dirs.push(exe_dir.join("models"));
    }
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("models"));
    dirs.dedup();
    dirs
}

/// Looks for every known network in `dirs`.
pub fn find_models(dirs: &[PathBuf]) -> Vec<ModelStatus> {
    ModelKind::ALL
        .iter()
        .map(|&kind| ModelStatus {
            kind,
            found: dirs.iter().map(|d| d.join(kind.dir_name())).find(|d| is_model_dir(d)),
        })
        .collect()
}

/// The first folder in the search path ([`model_search_dirs`]) holding `kind`, if any.
pub fn find_model(kind: ModelKind) -> Option<PathBuf> {
    model_search_dirs().into_iter().map(|d| d.join(kind.dir_name())).find(|d| is_model_dir(d))
}

fn is_model_dir(dir: &Path) -> bool {
    let has_weights = std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let p = e.path();
            matches!(p.extension().and_then(|x| x.to_str()), Some("mpk" | "bin" | "safetensors"))
        })
    });
    has_weights && dir.join("config.json").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_model_only_with_config_and_weights() {
        let root = tempfile::tempdir().unwrap();
        let eac = root.path().join("eac");
        std::fs::create_dir(&eac).unwrap();
        std::fs::write(eac.join("config.json"), "{}").unwrap();
        let dirs = vec![root.path().to_path_buf()];
        assert!(find_models(&dirs).iter().all(|s| s.found.is_none()), "config alone is not a model");
        std::fs::write(eac.join("weights.mpk"), [0u8; 4]).unwrap();
        let found = find_models(&dirs);
        assert_eq!(found[0].found.as_deref(), Some(eac.as_path()));
        assert!(found[1..].iter().all(|s| s.found.is_none()));
    }
}
