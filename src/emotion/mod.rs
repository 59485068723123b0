//! The emotion space (AME), Bevy-free: everything a writer, a reference face or a voice can say
//! about emotion, mapped into one embedding.
//!
//! This release holds the first piece: [`spec`], which parses what writers type (`"happy:2.5"`,
//! `"sadly surprised"`, `"50% angry, 50% sad"`) into weighted terms with exact diagnostics. The
//! embedding `z_emo`, the lexicon that gives the words their meaning, and the image, audio and
//! ONNX encoders build on it.

pub mod spec;

pub use spec::{ParsedSpec, SpecError, SpecTerm, parse_spec};
