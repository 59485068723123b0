//! Training (feature `train`): everything the `emotalk-train` binary is built from.
//!
//! Builds without Bevy: `cargo build --no-default-features --features train,flex`.

pub mod audio_emotion;
pub mod augment;
pub mod checkpoint;
pub mod eac;
pub mod eac_data;
pub mod hef;
pub mod plot;
pub mod sentences;
pub mod synth;
pub mod tools;
pub mod tts;
