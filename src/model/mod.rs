//! Neural networks (burn, generic over the backend) and their weight files.
//!
//! - [`audio_emotion`]: the voice's prosody → `z_emo` (AME's audio encoder; trainable, no weights
//!   shipped yet);
//! - [`eac`]: audio + emotion + intensity → 52 blendshape weights per frame (EAC), offline and
//!   streaming, with weights shipped in `models/eac` ([`eac::saved`]);
//! - [`files`]: where model files live, so every binary finds and reports them the same way;
//! - [`weights`]: a network's folder (`config.json` + `model.mpk`), saved atomically and loaded
//!   with typed errors.
//!
//! - [`hef`]: the face generator as a learned residual on the mesh warp (HEF's network; its
//!   trainer and shipped weights are to come).

pub mod audio_emotion;
pub mod eac;
pub mod files;
pub mod hef;
pub mod weights;

pub use files::{ModelKind, ModelStatus, find_model, find_models, model_search_dirs};
