//! The emotion space (AME), Bevy-free: everything a writer, a reference face or a voice can say
//! about emotion, mapped into one embedding, `z_emo` ([`space`]), plus an intensity.
//!
//! - [`resolve`]: [`EmotionSpec`] (a preset, text, a reference face, a reference voice, an
//!   embedding, or a weighted blend, each with an optional intensity) and its resolution through
//!   [`EmotionEncoders`].
//! - [`spec`] parses what writers type (`"happy:2.5"`, `"sadly surprised"`, `"50% angry, 50% sad"`)
//!   with exact diagnostics; [`lexicon`] holds 470 words and phrases written for emotalk
//!   (`models/emotion/lexicon.txt`) and finds inflections and near spellings; [`text`] reads a
//!   spec's words compositionally (compounds, intensifiers and diminishers, negation, optional
//!   semantic neighbours).
//! - [`image`] reads the emotion off a reference face (face-model fit, then the presets);
//!   [`clip`] off a reference clip (the face tracked, each frame read, the stronger half pooled).
//! - [`audio`] reads the voice's prosody and, with trained weights (none ship yet), estimates its
//!   emotion with the network in [`crate::model::audio_emotion`].
//! - `onnx` (feature `onnx`): CLIP-style text and image encoders through ONNX Runtime with a
//!   projection into `z_emo` learnt from the lexicon. No CLIP weights ship or can be had here; the
//!   path is tested on a stand-in model of the same signature.

pub mod audio;
pub mod clip;
pub mod image;
pub mod lexicon;
#[cfg(feature = "onnx")]
pub mod onnx;
pub mod resolve;
pub mod space;
pub mod spec;
pub mod text;

pub use image::{FaceEmotion, encode_face, explain_weights};
pub use lexicon::{Lexicon, LexiconEntry, LexiconError};
pub use resolve::{EmotionEncoders, EmotionError, EmotionSource, EmotionSpec, ResolvedEmotion};
pub use space::{EmotionEmbedding, N_CLASSES, Z_DIM};
pub use spec::{ParsedSpec, SpecError, SpecTerm, parse_spec};
pub use text::{EncoderError, SemanticEncoder, TextReading, read_spec};
