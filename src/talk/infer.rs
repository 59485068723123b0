//! Inference: emotion changes and new lines become expression tracks on the async compute pool.

use std::sync::Arc;

use bevy::asset::{AssetPath, AssetServer, Assets, Handle, LoadState};
use bevy::ecs::prelude::*;
use bevy::log::{error, warn};
use bevy::tasks::{AsyncComputeTaskPool, futures::check_ready};

use crate::anim::FaceSource;
use crate::anim::motion::{HeadMotionConfig, HeadMotionModel};
use crate::audio::{MelConfig, log_mel};
use crate::emotion::{EmotionEncoders, EmotionSpec};
use crate::model::eac::saved::EacModel;

use super::assets::{EacWeights, SpeechClip};
use super::components::{Emotion, ResolvedFaceEmotion, Speech, TalkingHead};
use super::messages::{EmotionChanged, SpeechError, SpeechFinished, SpeechOutcome, SpeechStarted};
use super::runtime::{FaceRuntime, Inferred};
use super::{AnimationSettings, FaceBackend};

/// The EAC network that turns speech into expression, and the emotion encoders that resolve
/// specs (built once, shared by every inference task). Not to be confused with the face model
/// of [`crate::face`] (mean face and blendshapes), which the network's output drives.
#[derive(Resource)]
pub struct ExpressionNetwork {
    /// The network in use (the shipped weights until an asset replaces them).
    pub model: Option<EacModel<FaceBackend>>,
    /// The built-in lexicon and face model.
    pub encoders: Arc<EmotionEncoders<FaceBackend>>,
    /// The weights asset requested in the plugin's configuration.
    pub requested: Option<AssetPath<'static>>,
    handle: Option<Handle<EacWeights>>,
}

impl ExpressionNetwork {
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

/// Replaces the shipped weights with the configured asset once it loads; a failure keeps the
/// shipped weights (Bevy reports the failure with the file and reason).
pub fn load_weights(
    mut network: ResMut<ExpressionNetwork>,
    server: Option<Res<AssetServer>>,
    weights: Res<Assets<EacWeights>>,
) {
    if network.handle.is_none()
        && let (Some(path), Some(server)) = (network.requested.clone(), server)
    {
        network.handle = Some(server.load(path));
    }
    let loaded = network.handle.as_ref().and_then(|h| weights.get(h)).map(|w| w.model.clone());
    if let Some(m) = loaded {
        network.model = Some(m);
        network.requested = None;
        network.handle = None;
    }
}

/// Starts an inference task when a head's emotion changes or a new line's audio is loaded.
#[allow(clippy::type_complexity)]
pub fn request_inference(
    settings: Res<AnimationSettings>,
    network: Res<ExpressionNetwork>,
    clips: Res<Assets<SpeechClip>>,
    server: Option<Res<AssetServer>>,
    mut heads: Query<(Entity, &TalkingHead, Ref<Emotion>, Option<&Speech>, &mut FaceRuntime)>,
    mut commands: Commands,
    mut finished: MessageWriter<SpeechFinished>,
) {
    for (entity, head, emotion, speech, mut rt) in &mut heads {
        let rt = &mut *rt;
        // A line ended, removed or replaced clears `rt.line` (see the observers): a Speech
        // without a line is new.
        let new_line = speech.is_some() && rt.line.is_none();
        if !(emotion.is_changed() || new_line) {
            continue;
        }
        rt.emotion_pending |= emotion.is_changed();
        let mut samples = None;
        if let Some(speech) = speech {
            match clips.get(&speech.clip) {
                Some(clip) => samples = Some(clip.samples.clone()),
                None => {
                    // Not loaded yet (try again next frame), or failed (end the line).
                    let failed = server.as_ref().and_then(|s| match s.load_state(&speech.clip) {
                        LoadState::Failed(e) => Some(e),
                        _ => None,
                    });
                    if let Some(error) = failed {
                        let error = SpeechError::ClipLoad(error);
                        warn!("emotalk: {entity}: {error}");
                        finished.write(SpeechFinished {
                            entity,
                            clip: speech.clip.id(),
                            outcome: SpeechOutcome::Failed(error),
                        });
                        commands.entity(entity).remove::<Speech>();
                    } else if emotion.is_changed() && rt.line.is_none() {
                        // The emotion still applies at rest meanwhile.
                        spawn(rt, &network, emotion.spec.clone(), None, &settings.head_motion, head.seed);
                    }
                    continue;
                }
            }
            if new_line {
                rt.line = Some(speech.clip.id());
                rt.duration = samples.as_ref().map_or(0.0, |s| s.len() as f64 / crate::audio::SAMPLE_RATE as f64);
            }
        }
        spawn(rt, &network, emotion.spec.clone(), samples, &settings.head_motion, head.seed);
    }
}

/// Starts inference for `spec` (and the line's `samples`, if any) on the async compute pool.
fn spawn(
    rt: &mut FaceRuntime,
    network: &ExpressionNetwork,
    spec: EmotionSpec,
    samples: Option<Arc<[f32]>>,
    motion: &HeadMotionConfig,
    seed: u64,
) {
    rt.generation += 1;
    let generation = rt.generation;
    let motion = *motion;
    let encoders = network.encoders.clone();
    // The network is only needed (and cloned: its tensors are shared) for a line.
    let model = samples.as_ref().and(network.model.clone());
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
) -> Result<Inferred, SpeechError> {
    let resolved = spec.resolve(encoders).map_err(|e| SpeechError::Emotion(Arc::new(e)))?;
    let rest = resolved.embedding.blendshape_weights(resolved.intensity);
    let line = match samples {
        None => None,
        Some(samples) => {
            let model = model.ok_or(SpeechError::NoWeights)?;
            let mel = log_mel(&samples, &MelConfig::default()).map_err(|e| SpeechError::Audio(Arc::new(e)))?;
            let device = Default::default();
            let track = model.infer(&mel, &resolved.embedding, resolved.intensity, &device);
            let nuclei = crate::audio::prosody::prosody_with_mel(&samples, &mel).nuclei;
            Some((Arc::new(track), Arc::new(HeadMotionModel::new(&nuclei, motion, seed))))
        }
    };
    Ok(Inferred { resolved, rest, line, generation })
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
            Err(error) => {
                warn!("emotalk: {entity}: {error}");
                if let (Some(speech), Some(clip)) = (speech, rt.line)
                    && !speech.started
                {
                    // Cleared first: the removal is not an interruption.
                    rt.line = None;
                    finished.write(SpeechFinished { entity, clip, outcome: SpeechOutcome::Failed(error) });
                    commands.entity(entity).remove::<Speech>();
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
