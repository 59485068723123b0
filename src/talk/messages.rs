//! Messages the plugin writes (read them with `MessageReader`).

use bevy::asset::AssetId;
use bevy::ecs::entity::Entity;
use bevy::ecs::message::Message;

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
    /// Its audio could not be used (the message says why).
    Failed(String),
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
