//! Per-head runtime state, shared by inference (which fills it) and animation (which plays it).

use std::sync::Arc;

use bevy::asset::AssetId;
use bevy::ecs::component::Component;
use bevy::tasks::Task;

use crate::anim::motion::HeadMotionModel;
use crate::anim::{ExpressionTrack, FaceAnimator, FaceSource};
use crate::emotion::ResolvedEmotion;
use crate::face::blendshapes::N_BLENDSHAPES;

use super::AnimationSettings;
use super::assets::SpeechClip;
use super::messages::SpeechError;

/// Per-head state the animation part keeps (added to every [`TalkingHead`](super::TalkingHead) when it is added,
/// removed with it).
#[derive(Component)]
pub struct FaceRuntime {
    pub(super) animator: FaceAnimator,
    /// The face's own clock, seconds.
    pub(super) clock: f32,
    /// Bumped on every emotion change or new line.
    pub(super) generation: u64,
    /// The line the current track belongs to (`None` between lines).
    pub(super) line: Option<AssetId<SpeechClip>>,
    /// The line's duration, once known.
    pub(super) duration: f64,
    pub(super) task: Option<(u64, Task<Result<Inferred, SpeechError>>)>,
    /// An emotion change not yet announced with
    /// [`EmotionChanged`](super::messages::EmotionChanged).
    pub(super) emotion_pending: bool,
    /// The latest resolved emotion's resting face.
    pub(super) rest: [f32; N_BLENDSHAPES],
}

impl FaceRuntime {
    pub(super) fn new(settings: &AnimationSettings, seed: u64) -> Self {
        let animator =
            FaceAnimator::new([0.0; N_BLENDSHAPES], settings.blinks, settings.head_motion, settings.retarget_tau, seed);
        Self {
            animator,
            clock: 0.0,
            generation: 0,
            line: None,
            duration: 0.0,
            task: None,
            emotion_pending: false,
            rest: [0.0; N_BLENDSHAPES],
        }
    }

    /// The expression track of the line the face is speaking (or leaving), if any.
    pub fn current_track(&self) -> Option<&Arc<ExpressionTrack>> {
        match self.animator.current() {
            FaceSource::Line(track) => Some(track),
            FaceSource::Rest(_) => None,
        }
    }

    /// Whether inference for this face is running.
    pub fn inferring(&self) -> bool {
        self.task.is_some()
    }

    /// Leaves the current line for the resting face.
    pub(super) fn stop_line(&mut self) {
        let now = self.clock;
        self.animator.retarget(FaceSource::Rest(self.rest), None, now);
        self.line = None;
    }
}

/// What one inference task produces.
pub(super) struct Inferred {
    pub(super) resolved: ResolvedEmotion,
    pub(super) rest: [f32; N_BLENDSHAPES],
    pub(super) line: Option<(Arc<ExpressionTrack>, Arc<HeadMotionModel>)>,
    pub(super) generation: u64,
}
