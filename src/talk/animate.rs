//! Animation: every head's runtime state (added and removed by observers), its clock, and the
//! [`FaceState`] written each frame.

use bevy::ecs::lifecycle::{Add, Discard, Remove};
use bevy::ecs::prelude::*;
use bevy::time::Time;

use crate::face::cpu_render::HeadPose;

use super::AnimationSettings;
use super::components::{FaceState, HeadMotion, ManualFace, Speech, TalkingHead};
use super::messages::{SpeechFinished, SpeechOutcome};
use super::runtime::FaceRuntime;

/// Observer: a new [`TalkingHead`] gets its runtime state.
pub(super) fn attach_runtime(
    add: On<Add, TalkingHead>,
    settings: Res<AnimationSettings>,
    heads: Query<&TalkingHead>,
    mut commands: Commands,
) {
    if let Ok(head) = heads.get(add.entity) {
        commands.entity(add.entity).insert(FaceRuntime::new(&settings, head.seed));
    }
}

/// Observer: an entity that stops being a head loses its runtime state (a despawned one loses it
/// anyway).
pub(super) fn detach_runtime(remove: On<Remove, TalkingHead>, mut commands: Commands) {
    if let Ok(mut entity) = commands.get_entity(remove.entity) {
        entity.try_remove::<FaceRuntime>();
    }
}

/// Observer: a [`Speech`] removed, replaced by a new one, or despawned with its head while its line
/// runs ends that line ([`SpeechOutcome::Interrupted`]); the face returns to rest. Lines that end
/// by themselves clear their line first, so they are not reported twice.
pub(super) fn interrupt_replaced_speech(
    discard: On<Discard, Speech>,
    mut heads: Query<&mut FaceRuntime>,
    mut finished: MessageWriter<SpeechFinished>,
) {
    let entity = discard.entity;
    if let Ok(mut rt) = heads.get_mut(entity)
        && let Some(clip) = rt.line
    {
        finished.write(SpeechFinished { entity, clip, outcome: SpeechOutcome::Interrupted });
        rt.stop_line();
    }
}

/// Advances clocks and writes every face's [`FaceState`].
#[allow(clippy::type_complexity)]
pub fn animate(
    time: Res<Time>,
    mut heads: Query<(
        Entity,
        &mut FaceRuntime,
        Option<&mut Speech>,
        &mut FaceState,
        Option<&HeadMotion>,
        Has<ManualFace>,
    )>,
    mut commands: Commands,
    mut finished: MessageWriter<SpeechFinished>,
) {
    let dt = time.delta_secs_f64();
    for (entity, mut rt, speech, mut state, motion, manual) in &mut heads {
        let rt = &mut *rt;
        rt.clock += dt as f32;
        let mut position = 0.0;
        if let Some(mut speech) = speech
            && speech.started
        {
            if !speech.audio_clock {
                if let Some(to) = speech.pending_seek.take() {
                    speech.position = to;
                } else if !speech.paused {
                    speech.position += dt;
                }
                speech.pause_changed = false;
            }
            position = speech.position;
            if position >= rt.duration || speech.audio_ended {
                if let Some(clip) = rt.line {
                    finished.write(SpeechFinished { entity, clip, outcome: SpeechOutcome::Completed });
                }
                rt.stop_line();
                commands.entity(entity).remove::<Speech>();
            }
        }
        if manual {
            continue;
        }
        let frame = rt.animator.frame(rt.clock, position);
        let pose = match motion {
            None | Some(HeadMotion::Procedural) => frame.pose,
            Some(HeadMotion::Offset(o)) => HeadPose {
                yaw: frame.pose.yaw + o.yaw,
                pitch: frame.pose.pitch + o.pitch,
                roll: frame.pose.roll + o.roll,
                translation: o.translation,
                scale: o.scale,
            },
            Some(HeadMotion::Fixed(p)) => *p,
            Some(HeadMotion::Track(track)) => track.sample(position),
        };
        *state = FaceState { weights: frame.weights, pose };
    }
}
