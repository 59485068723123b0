//! Training (feature `train`): everything the `emotalk-train` binary is built from.
//!
//! Builds without Bevy: `cargo build --no-default-features --features train,flex`.

pub mod audio_emotion;
pub mod tools;
