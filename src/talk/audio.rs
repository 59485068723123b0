//! The audio part: lines play through kira (`bevy_kira_audio`), and the face follows the audio's
//! playback position, so it cannot drift.

use bevy::app::{App, Plugin, Update};
use bevy::asset::{Assets, Handle};
use bevy::ecs::lifecycle::{Discard, Remove};
use bevy::ecs::prelude::*;
use bevy_kira_audio::prelude::{AudioControl, Frame, StaticSoundData, StaticSoundSettings};
use bevy_kira_audio::{Audio, AudioInstance, AudioSource, AudioTween, PlaybackState};

use super::assets::SpeechClip;
use super::components::{Speech, TalkingHead};
use super::{EmoTalkSystems, animate, ensure_core};

/// Plays lines through kira (adding `bevy_kira_audio`'s `AudioPlugin` when it is missing) and
/// drives the faces' clocks from the playback position; pause, resume and seek on [`Speech`] go
/// to the audio. Without this part (or without a sound card) lines run on a virtual clock driven
/// by [`Time`](bevy::time::Time).
#[derive(Debug, Clone, Copy, Default)]
pub struct SpeechAudioPlugin;

impl Plugin for SpeechAudioPlugin {
    fn build(&self, app: &mut App) {
        ensure_core(app);
        if !app.is_plugin_added::<bevy_kira_audio::AudioPlugin>() {
            app.add_plugins(bevy_kira_audio::AudioPlugin);
        }
        app.add_observer(stop_discarded_line)
            .add_observer(stop_removed_head)
            .add_systems(Update, sync_audio.in_set(EmoTalkSystems::Animate).before(animate));
    }
}

/// The sound a head's current line plays (on the head while it plays).
#[derive(Component, Debug)]
pub struct SpeechAudio {
    /// The kira instance (volume, panning: the game may adjust it).
    pub instance: Handle<AudioInstance>,
    /// The line's samples as kira's source.
    pub source: Handle<AudioSource>,
}

/// Stops `entity`'s sound, if it plays one, and forgets it.
fn stop_line_audio(
    entity: Entity,
    playing: &Query<&SpeechAudio>,
    instances: &mut Assets<AudioInstance>,
    commands: &mut Commands,
) {
    let Ok(audio) = playing.get(entity) else { return };
    if let Some(mut instance) = instances.get_mut(&audio.instance) {
        instance.stop(AudioTween::default());
    }
    if let Ok(mut entity) = commands.get_entity(entity) {
        entity.try_remove::<SpeechAudio>();
    }
}

/// Observer: the line's [`Speech`] ended, was removed or replaced, or its head despawned: its
/// sound stops at once.
fn stop_discarded_line(
    discard: On<Discard, Speech>,
    playing: Query<&SpeechAudio>,
    mut instances: ResMut<Assets<AudioInstance>>,
    mut commands: Commands,
) {
    stop_line_audio(discard.entity, &playing, &mut instances, &mut commands);
}

/// Observer: an entity that stops being a head stops speaking.
fn stop_removed_head(
    remove: On<Remove, TalkingHead>,
    playing: Query<&SpeechAudio>,
    mut instances: ResMut<Assets<AudioInstance>>,
    mut commands: Commands,
) {
    stop_line_audio(remove.entity, &playing, &mut instances, &mut commands);
}

/// Plays started lines through kira and reads their playback position back; pause, resume and
/// seek go to the audio.
#[allow(clippy::type_complexity)]
pub fn sync_audio(
    audio: Option<Res<Audio>>,
    clips: Res<Assets<SpeechClip>>,
    mut sources: ResMut<Assets<AudioSource>>,
    mut instances: ResMut<Assets<AudioInstance>>,
    mut heads: Query<(Entity, &mut Speech, Option<&SpeechAudio>), With<TalkingHead>>,
    mut commands: Commands,
) {
    let Some(audio) = audio else { return };
    for (entity, mut speech, playing) in &mut heads {
        // Reset only when set: writing a `Speech` that has not started would mark it changed
        // every frame.
        if speech.audio_clock {
            speech.audio_clock = false;
        }
        if !speech.started {
            continue;
        }
        let Some(playing) = playing else {
            let Some(clip) = clips.get(&speech.clip) else { continue };
            let sound = StaticSoundData {
                sample_rate: crate::audio::SAMPLE_RATE,
                frames: clip.samples.iter().map(|s| Frame::from_mono(*s)).collect(),
                settings: StaticSoundSettings::default(),
                slice: None,
            };
            let source = sources.add(AudioSource { sound });
            let mut play = audio.play(source.clone());
            play.start_from(speech.position);
            if speech.paused {
                play.paused();
            }
            let instance = play.handle();
            commands.entity(entity).insert(SpeechAudio { instance, source });
            speech.pause_changed = false;
            continue;
        };
        let Some(mut instance) = instances.get_mut(&playing.instance) else { continue };
        if let Some(to) = speech.pending_seek.take() {
            instance.seek_to(to);
            speech.position = to;
        }
        if std::mem::take(&mut speech.pause_changed) {
            if speech.paused {
                instance.pause(AudioTween::default());
            } else {
                instance.resume(AudioTween::default());
            }
        }
        match instance.state() {
            PlaybackState::Stopped => speech.audio_ended = true,
            state => {
                if let Some(p) = state.position() {
                    speech.position = p;
                    speech.audio_clock = true;
                }
            }
        }
    }
}
