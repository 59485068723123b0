//! The plugin's systems (wired by [`EmoTalkPlugin`](super::EmoTalkPlugin); public so games can
//! order their own systems against them).

use std::sync::Arc;

use bevy::asset::{AssetId, AssetPath, AssetServer, Assets, Handle};
use bevy::ecs::prelude::*;
use bevy::log::{error, warn};
use bevy::tasks::{AsyncComputeTaskPool, Task, futures::check_ready};
use bevy::time::Time;

use crate::anim::{FaceAnimator, FaceSource};
use crate::audio::{MelConfig, log_mel};
use crate::emotion::{EmotionEncoders, EmotionSpec, ResolvedEmotion};
use crate::face::blendshapes::N_BLENDSHAPES;
use crate::face::motion::{HeadMotionConfig, HeadMotionModel};
use crate::face::render::HeadPose;
use crate::model::eac::frames::ExpressionTrack;
use crate::model::eac::saved::EacModel;

use super::assets::{EacWeights, SpeechClip};
use super::components::{Emotion, FaceState, HeadMotion, ManualFace, ResolvedFaceEmotion, Speech, TalkingHead};
use super::messages::{EmotionChanged, SpeechFinished, SpeechOutcome, SpeechStarted};
use super::{EmoTalkSettings, FaceBackend};

/// The EAC network the plugin infers with, and the emotion encoders that resolve specs (built
/// once, shared by every inference task).
#[derive(Resource)]
pub struct FaceModel {
    /// The network in use (the shipped weights until an asset replaces them).
    pub model: Option<EacModel<FaceBackend>>,
    /// The built-in lexicon and face model.
    pub encoders: Arc<EmotionEncoders<FaceBackend>>,
    /// The weights asset requested in the plugin's configuration.
    pub requested: Option<AssetPath<'static>>,
    handle: Option<Handle<EacWeights>>,
}

impl FaceModel {
    /// The shipped weights, to be replaced by `requested` once it loads.
    pub fn new(requested: Option<AssetPath<'static>>) -> Self {
        let model = match EacModel::shipped(&Default::default()) {
            Ok(m) => Some(m),
            Err(e) => {
                error!("emotalk: the shipped EAC weights do not load: {e}");
                None
            }
        };
        Self { model, encoders: Arc::new(EmotionEncoders::builtin()), requested, handle: None }
    }
}

/// What one inference task produces.
struct Inferred {
    resolved: ResolvedEmotion,
    rest: [f32; N_BLENDSHAPES],
    line: Option<(Arc<ExpressionTrack>, Arc<HeadMotionModel>)>,
    generation: u64,
}

/// Per-head state the plugin keeps (added to every [`TalkingHead`]).
#[derive(Component)]
pub struct FaceRuntime {
    animator: FaceAnimator,
    /// The face's own clock, seconds.
    clock: f32,
    /// Bumped on every emotion change or new line.
    generation: u64,
    /// The line the current track belongs to.
    line: Option<AssetId<SpeechClip>>,
    /// The [`Speech`] it came from.
    speech_id: u64,
    /// The line's duration, once known.
    duration: f64,
    task: Option<(u64, Task<Result<Inferred, String>>)>,
    /// An emotion change not yet announced with [`EmotionChanged`].
    emotion_pending: bool,
    /// The latest resolved emotion's resting face.
    rest: [f32; N_BLENDSHAPES],
    pub(crate) audio: Option<Handle<bevy_kira_audio::AudioInstance>>,
    /// Audio of lines that ended early, to stop.
    pub(crate) stop_audio: Vec<Handle<bevy_kira_audio::AudioInstance>>,
    pub(crate) audio_source: Option<Handle<bevy_kira_audio::AudioSource>>,
    /// Whether kira reported the position this frame.
    pub(crate) kira_clock: bool,
    pub(crate) audio_finished: bool,
}

impl FaceRuntime {
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
}

/// Replaces the shipped weights with the configured asset once it loads; a failure keeps the
/// shipped weights (Bevy reports the failure with the file and reason).
pub fn load_weights(mut model: ResMut<FaceModel>, server: Option<Res<AssetServer>>, weights: Res<Assets<EacWeights>>) {
    if model.handle.is_none()
        && let (Some(path), Some(server)) = (model.requested.clone(), server)
    {
        model.handle = Some(server.load(path));
    }
    let loaded = model.handle.as_ref().and_then(|h| weights.get(h)).map(|w| w.model.clone());
    if let Some(m) = loaded {
        model.model = Some(m);
        model.requested = None;
        model.handle = None;
    }
}

/// Gives every new [`TalkingHead`] its runtime state.
pub fn attach_runtime(
    mut commands: Commands,
    settings: Res<EmoTalkSettings>,
    heads: Query<(Entity, &TalkingHead), Without<FaceRuntime>>,
) {
    for (entity, head) in &heads {
        let animator = FaceAnimator::new(
            [0.0; N_BLENDSHAPES],
            settings.blinks,
            settings.head_motion,
            settings.retarget_tau,
            head.seed,
        );
        commands.entity(entity).insert(FaceRuntime {
            animator,
            clock: 0.0,
            generation: 0,
            line: None,
            speech_id: 0,
            duration: 0.0,
            task: None,
            emotion_pending: false,
            rest: [0.0; N_BLENDSHAPES],
            audio: None,
            stop_audio: Vec::new(),
            audio_source: None,
            kira_clock: false,
            audio_finished: false,
        });
    }
}

/// Starts an inference task when a head's emotion changes or a new line's audio is loaded.
#[allow(clippy::type_complexity)]
pub fn request_inference(
    settings: Res<EmoTalkSettings>,
    model: Res<FaceModel>,
    clips: Res<Assets<SpeechClip>>,
    server: Option<Res<AssetServer>>,
    mut heads: Query<(Entity, &TalkingHead, Ref<Emotion>, Option<&mut Speech>, &mut FaceRuntime)>,
    mut commands: Commands,
    mut finished: MessageWriter<SpeechFinished>,
) {
    for (entity, head, emotion, speech, mut rt) in &mut heads {
        let rt = &mut *rt;
        // A line removed by the game: back to rest.
        if speech.is_none()
            && let Some(clip) = rt.line.take()
        {
            finished.write(SpeechFinished { entity, clip, outcome: SpeechOutcome::Interrupted });
            stop_line(rt);
        }
        // A Speech inserted anew (even for the same clip) is a new line: the old one stops.
        if speech.as_ref().is_some_and(|s| s.id != rt.speech_id)
            && let Some(clip) = rt.line.take()
        {
            finished.write(SpeechFinished { entity, clip, outcome: SpeechOutcome::Interrupted });
            stop_line(rt);
        }
        let new_line = speech.as_ref().is_some_and(|s| rt.line.is_none() || s.id != rt.speech_id);
        if !(emotion.is_changed() || new_line) {
            continue;
        }
        rt.emotion_pending |= emotion.is_changed();
        let mut samples = None;
        if let Some(speech) = &speech {
            match clips.get(&speech.clip) {
                Some(clip) => samples = Some(clip.samples.clone()),
                None => {
                    // Not loaded yet (try again next frame), or failed (end the line).
                    let failed = server.as_ref().and_then(|s| match s.load_state(&speech.clip) {
                        bevy::asset::LoadState::Failed(e) => Some(e.to_string()),
                        _ => None,
                    });
                    if let Some(message) = failed {
                        warn!("emotalk: {message}");
                        finished.write(SpeechFinished {
                            entity,
                            clip: speech.clip.id(),
                            outcome: SpeechOutcome::Failed(message),
                        });
                        commands.entity(entity).remove::<Speech>();
                    } else if emotion.is_changed() && rt.line.is_none() {
                        // The emotion still applies at rest meanwhile.
                        spawn(rt, &model, emotion.spec.clone(), None, &settings.head_motion, head.seed);
                    }
                    continue;
                }
            }
            if new_line {
                rt.line = Some(speech.clip.id());
                rt.speech_id = speech.id;
                rt.duration = samples.as_ref().map_or(0.0, |s| s.len() as f64 / crate::audio::SAMPLE_RATE as f64);
                rt.audio_finished = false;
            }
        }
        spawn(rt, &model, emotion.spec.clone(), samples, &settings.head_motion, head.seed);
    }
}

/// Starts inference for `spec` (and the line's `samples`, if any) on the async compute pool.
fn spawn(
    rt: &mut FaceRuntime,
    face_model: &FaceModel,
    spec: EmotionSpec,
    samples: Option<Arc<[f32]>>,
    motion: &HeadMotionConfig,
    seed: u64,
) {
    rt.generation += 1;
    let generation = rt.generation;
    let motion = *motion;
    let encoders = face_model.encoders.clone();
    // The network is only needed (and cloned: its tensors are shared) for a line.
    let model = samples.as_ref().and(face_model.model.clone());
    let task = AsyncComputeTaskPool::get()
        .spawn(async move { infer(&encoders, spec, samples, model, &motion, seed, generation) });
    // Dropping an older task cancels it.
    rt.task = Some((generation, task));
}

/// The off-thread work: resolve the emotion, then (for a line) features, EAC and prosody.
fn infer(
    encoders: &EmotionEncoders<FaceBackend>,
    spec: EmotionSpec,
    samples: Option<Arc<[f32]>>,
    model: Option<EacModel<FaceBackend>>,
    motion: &HeadMotionConfig,
    seed: u64,
    generation: u64,
) -> Result<Inferred, String> {
    let resolved = spec.resolve(encoders).map_err(|e| e.to_string())?;
    let rest = resolved.embedding.blendshape_weights(resolved.intensity);
    let line = match samples {
        None => None,
        Some(samples) => {
            let model = model.ok_or("no EAC weights are loaded")?;
            let mel = log_mel(&samples, &MelConfig::default()).map_err(|e| e.to_string())?;
            let device = Default::default();
            let track = model.infer(&mel, &resolved.embedding, resolved.intensity, &device);
            let nuclei = crate::audio::prosody::prosody_with_mel(&samples, &mel).nuclei;
            Some((Arc::new(track), Arc::new(HeadMotionModel::new(&nuclei, motion, seed))))
        }
    };
    Ok(Inferred { resolved, rest, line, generation })
}

fn stop_line(rt: &mut FaceRuntime) {
    let now = rt.clock;
    rt.animator.retarget(FaceSource::Rest(rt.rest), None, now);
    rt.line = None;
    rt.stop_audio.extend(rt.audio.take());
    rt.audio_source = None;
    rt.kira_clock = false;
}

/// Hands finished inference to the faces; a line whose first track is ready starts.
pub fn receive_inference(
    mut heads: Query<(Entity, &mut FaceRuntime, Option<&mut Speech>)>,
    mut commands: Commands,
    mut started: MessageWriter<SpeechStarted>,
    mut finished: MessageWriter<SpeechFinished>,
    mut changed: MessageWriter<EmotionChanged>,
) {
    for (entity, mut rt, speech) in &mut heads {
        let rt = &mut *rt;
        let Some(result) = rt.task.as_mut().and_then(|(_, task)| check_ready(task)) else {
            continue;
        };
        rt.task = None;
        match result {
            Err(message) => {
                warn!("emotalk: {entity}: {message}");
                if let (Some(speech), Some(clip)) = (speech, rt.line)
                    && !speech.started
                {
                    finished.write(SpeechFinished { entity, clip, outcome: SpeechOutcome::Failed(message) });
                    commands.entity(entity).remove::<Speech>();
                    rt.line = None;
                }
            }
            Ok(inferred) if inferred.generation == rt.generation => {
                if std::mem::take(&mut rt.emotion_pending) {
                    changed.write(EmotionChanged {
                        entity,
                        dominant: inferred.resolved.embedding.dominant().name(),
                        intensity: inferred.resolved.intensity,
                        warnings: inferred.resolved.warnings.clone(),
                    });
                }
                rt.rest = inferred.rest;
                let now = rt.clock;
                match (inferred.line, speech) {
                    (Some((track, nods)), Some(mut speech)) => {
                        rt.animator.retarget(FaceSource::Line(track), Some(nods), now);
                        if !speech.started {
                            speech.started = true;
                            speech.position = speech.pending_seek.take().unwrap_or(0.0);
                            if let Some(clip) = rt.line {
                                started.write(SpeechStarted { entity, clip, duration: rt.duration });
                            }
                        }
                    }
                    _ => rt.animator.retarget(FaceSource::Rest(inferred.rest), None, now),
                }
                commands.entity(entity).insert(ResolvedFaceEmotion(inferred.resolved));
            }
            Ok(_) => {} // superseded by a newer request
        }
    }
}

/// The kira sound each head is playing (to stop it when the head is despawned).
#[derive(Resource, Default)]
pub struct PlayingAudio(std::collections::HashMap<Entity, Handle<bevy_kira_audio::AudioInstance>>);

/// Stops the sound of heads that were despawned (or lost their [`TalkingHead`]) mid-line.
pub fn stop_audio_of_removed_heads(
    mut removed: RemovedComponents<FaceRuntime>,
    mut playing: ResMut<PlayingAudio>,
    mut instances: ResMut<Assets<bevy_kira_audio::AudioInstance>>,
) {
    for entity in removed.read() {
        if let Some(mut instance) = playing.0.remove(&entity).and_then(|h| instances.get_mut(&h)) {
            instance.stop(bevy_kira_audio::AudioTween::default());
        }
    }
}

/// Plays started lines through kira and reads their playback position back (the face follows
/// the audio, so it cannot drift); pause, resume and seek go to the audio.
pub fn sync_audio(
    audio: Option<Res<bevy_kira_audio::Audio>>,
    clips: Res<Assets<SpeechClip>>,
    mut sources: ResMut<Assets<bevy_kira_audio::AudioSource>>,
    mut instances: ResMut<Assets<bevy_kira_audio::AudioInstance>>,
    mut playing: ResMut<PlayingAudio>,
    mut heads: Query<(Entity, Option<&mut Speech>, &mut FaceRuntime)>,
) {
    use bevy_kira_audio::prelude::{AudioControl, Frame, StaticSoundData, StaticSoundSettings};
    use bevy_kira_audio::{AudioTween, PlaybackState};
    let Some(audio) = audio else { return };
    for (entity, speech, mut rt) in &mut heads {
        if rt.audio.is_none() {
            playing.0.remove(&entity);
        }
        for old in std::mem::take(&mut rt.stop_audio) {
            if let Some(mut instance) = instances.get_mut(&old) {
                instance.stop(AudioTween::default());
            }
        }
        rt.kira_clock = false;
        let Some(mut speech) = speech else { continue };
        if !speech.started {
            continue;
        }
        if rt.audio.is_none() {
            let Some(clip) = clips.get(&speech.clip) else { continue };
            let sound = StaticSoundData {
                sample_rate: crate::audio::SAMPLE_RATE,
                frames: clip.samples.iter().map(|s| Frame::from_mono(*s)).collect(),
                settings: StaticSoundSettings::default(),
                slice: None,
            };
            let source = sources.add(bevy_kira_audio::AudioSource { sound });
            let mut play = audio.play(source.clone());
            play.start_from(speech.position);
            if speech.paused {
                play.paused();
            }
            let instance = play.handle();
            playing.0.insert(entity, instance.clone());
            rt.audio = Some(instance);
            rt.audio_source = Some(source);
            speech.pause_changed = false;
            continue;
        }
        let Some(mut instance) = rt.audio.as_ref().and_then(|h| instances.get_mut(h)) else { continue };
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
            PlaybackState::Stopped => rt.audio_finished = true,
            state => {
                if let Some(p) = state.position() {
                    speech.position = p;
                    rt.kira_clock = true;
                }
            }
        }
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
            if !rt.kira_clock {
                if let Some(to) = speech.pending_seek.take() {
                    speech.position = to;
                } else if !speech.paused {
                    speech.position += dt;
                }
                speech.pause_changed = false;
            }
            position = speech.position;
            if position >= rt.duration || rt.audio_finished {
                if let Some(clip) = rt.line {
                    finished.write(SpeechFinished { entity, clip, outcome: SpeechOutcome::Completed });
                }
                commands.entity(entity).remove::<Speech>();
                stop_line(rt);
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
