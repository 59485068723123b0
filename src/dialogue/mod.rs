#![doc = include_str!("../../docs/dialogue.md")]
//!
//! The parser is [`script`] (pure Rust, no Bevy).

#[cfg(feature = "bevy")]
pub mod runner;
pub mod script;

pub use script::{Diagnostic, EmotionChange, Item, Line, Script, Severity, Speaker, parse, to_source};
