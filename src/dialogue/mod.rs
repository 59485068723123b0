#![doc = include_str!("../../docs/dialogue.md")]
//!
//! The parser is [`script`] (pure Rust, no Bevy).

pub mod script;

pub use script::{Diagnostic, EmotionChange, Item, Line, Script, Severity, Speaker, parse, to_source};
