//! Neural networks (burn, generic over the backend) and their weight files.
//!
//! The networks themselves arrive with their issues (EAC, the audio emotion encoder, HEF); this
//! module already owns where their files live, so every binary reports and finds them the same
//! way.

pub mod audio_emotion;
pub mod files;

pub use files::{ModelKind, ModelStatus, find_models, model_search_dirs};
