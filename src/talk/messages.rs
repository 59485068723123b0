//! Messages the plugin writes (read them with `MessageReader`).

use std::sync::Arc;

use bevy::asset::{AssetId, AssetLoadError};
use bevy::ecs::entity::Entity;
use bevy::ecs::message::Message;

use crate::audio::AudioError;
use crate::emotion::EmotionError;

use super::assets::SpeechClip;

/// A line started playing: its expression track is ready and the audio (or the virtual clock
/// of a headless app) runs.
#[derive(Message, Clone, Debug, PartialEq)]
pub struct SpeechStarted {
    /// The speaking head.
    pub entity: Entity,
    /// The line.
    pub clip: AssetId<SpeechClip>,
    /// Its duration in seconds.
    pub duration: f64,
}

/// A line ended: it played to the end, was removed, or could not be inferred.
#[derive(Message, Clone, Debug, PartialEq)]
pub struct SpeechFinished {
    /// The head.
    pub entity: Entity,
    /// The line.
    pub clip: AssetId<SpeechClip>,
    /// How it ended.
    pub outcome: SpeechOutcome,
}

/// How a line ended.
#[derive(Clone, Debug, PartialEq)]
pub enum SpeechOutcome {
    /// It played to its end.
    Completed,
    /// The game removed the [`Speech`](super::Speech) component (or despawned the head) first.
    Interrupted,
    /// It could not be played: [`SpeechError`] says why.
    Failed(SpeechError),
}

/// Why a line could not be played (in [`SpeechOutcome::Failed`]; also logged). Errors are shared
/// ([`Arc`]) so that the message can be cloned to every reader.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum SpeechError {
    /// The voice line's file did not load (missing, unreadable, not audio); Bevy's error names
    /// the file and the reason.
    #[error("the voice line did not load: {0}")]
    ClipLoad(Arc<AssetLoadError>),
    /// The head's [`Emotion`](super::Emotion) could not be resolved (an unknown reference image, a
    /// failing encoder; text always resolves, with warnings).
    #[error("the emotion could not be resolved: {0}")]
    Emotion(Arc<EmotionError>),
    /// The line's audio could not be analysed (too short, not finite).
    #[error("the voice line's audio could not be analysed: {0}")]
    Audio(Arc<AudioError>),
    /// No EAC network is loaded (the shipped weights failed to load: the log says why at start).
    #[error("no EAC weights are loaded")]
    NoWeights,
}

/// Errors are equal when they are of the same kind and say the same.
impl PartialEq for SpeechError {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other) && self.to_string() == other.to_string()
    }
}

/// A head's emotion changed (the [`Emotion`](super::Emotion) component was set) and has been
/// resolved; the face is moving to it.
#[derive(Message, Clone, Debug, PartialEq)]
pub struct EmotionChanged {
    /// The head.
    pub entity: Entity,
    /// The dominant basic emotion of the new state (`"happy"`, `"sad"`, …).
    pub dominant: &'static str,
    /// Its intensity, 0–3.
    pub intensity: f32,
    /// Words the resolver did not know or guessed.
    pub warnings: Vec<String>,
}
