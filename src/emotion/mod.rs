//! The emotion space (AME), Bevy-free: everything a writer, a reference face or a voice can say
//! about emotion, mapped into one embedding.
//!
//! Built so far: [`spec`] parses what writers type (`"happy:2.5"`, `"sadly surprised"`,
//! `"50% angry, 50% sad"`) into weighted terms with exact diagnostics; [`space`] defines
//! `z_emo`, its decoding into the 8-class mixture and valence/arousal/dominance, blending, and the
//! face it implies; [`image`] reads the emotion off a reference face. The lexicon that gives
//! words their meaning, and the audio and ONNX encoders, build on these.

pub mod audio;
pub mod image;
pub mod lexicon;
pub mod resolve;
pub mod space;
pub mod spec;
pub mod text;

pub use image::{FaceEmotion, encode_face};
pub use lexicon::{Lexicon, LexiconEntry, LexiconError};
pub use resolve::{EmotionEncoders, EmotionError, EmotionSource, EmotionSpec, ResolvedEmotion};
pub use space::{EmotionEmbedding, N_CLASSES, Z_DIM};
pub use spec::{ParsedSpec, SpecError, SpecTerm, parse_spec};
pub use text::{SemanticEncoder, TextReading, read_spec};
