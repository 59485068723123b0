//! Live voice on a head: [`LiveSpeech`] hands the frames of a [`LivePipeline`] (a microphone or a
//! file at real-time pace, see [`crate::live`]) to the head's animator as they arrive, so blinks
//! and idle head motion keep running on top of them.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bevy::ecs::prelude::*;

use crate::anim::FaceSource;
use crate::live::{LiveFrame, LivePipeline, PipelineEvent};

use super::runtime::FaceRuntime;

/// A head that follows live audio (replacing lines while it is there). The pipeline runs on its
/// own thread; each frame the newest of its frames becomes the face's target.
#[derive(Component)]
pub struct LiveSpeech {
    pipeline: LivePipeline,
    latest: Option<LiveFrame>,
    /// From each shown frame's capture to the app update that gave it to the face, the last
    /// [`FACE_LATENCIES_KEPT`].
    face_latencies: VecDeque<Duration>,
    lost: Option<String>,
    ended: bool,
}

/// How many capture-to-face latencies a [`LiveSpeech`] keeps.
pub const FACE_LATENCIES_KEPT: usize = 1000;

impl LiveSpeech {
    /// Follows `pipeline`'s frames.
    pub fn new(pipeline: LivePipeline) -> Self {
        Self { pipeline, latest: None, face_latencies: VecDeque::new(), lost: None, ended: false }
    }

    /// The pipeline (to change the emotion: [`LivePipeline::set_emotion`]).
    pub fn pipeline(&self) -> &LivePipeline {
        &self.pipeline
    }

    /// The newest frame the face shows.
    pub fn latest(&self) -> Option<&LiveFrame> {
        self.latest.as_ref()
    }

    /// For the latest frames shown (at most `FACE_LATENCIES_KEPT` (1000), oldest first): the time from
    /// the capture of the frame's audio to the app update that set it as the face's target. That
    /// update's render draws it: add the render's own time (one display frame with pipelined
    /// rendering) for photons.
    pub fn face_latencies(&self) -> impl ExactSizeIterator<Item = Duration> + '_ {
        self.face_latencies.iter().copied()
    }

    /// Why the input was lost, if it was.
    pub fn lost(&self) -> Option<&str> {
        self.lost.as_deref()
    }

    /// Whether the input ended (or was lost) and every frame is shown.
    pub fn ended(&self) -> bool {
        self.ended
    }
}

/// Drains every live head's pipeline and sets its animator's target to the newest frame.
pub fn drive_live_speech(mut heads: Query<(&mut LiveSpeech, &mut FaceRuntime)>) {
    for (mut live, mut rt) in &mut heads {
        let live = &mut *live;
        let mut newest = None;
        for event in live.pipeline.try_events() {
            match event {
                PipelineEvent::Frame(f) => newest = Some(f),
                PipelineEvent::Ended => live.ended = true,
                PipelineEvent::SourceLost(reason) => {
                    bevy::log::warn!("emotalk: live audio input lost: {reason}");
                    live.lost = Some(reason);
                    live.ended = true;
                }
            }
        }
        if let Some(f) = newest {
            rt.animator.set(FaceSource::Rest(f.weights), None);
            if live.face_latencies.len() == FACE_LATENCIES_KEPT {
                live.face_latencies.pop_front();
            }
            live.face_latencies.push_back(Instant::now().saturating_duration_since(f.captured));
            live.latest = Some(f);
        }
    }
}
