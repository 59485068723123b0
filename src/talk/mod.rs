//! The talking core of the Bevy integration (feature `bevy`): the types every part shares
//! (components, messages, assets, system sets) and the two parts that make faces talk.
//!
//! Parts depend one way: [`TalkCorePlugin`] (types, assets, messages, sets) ←
//! [`FaceAnimationPlugin`] (inference and animation: writes [`FaceState`]) ← the parts that
//! consume it: [`SpeechAudioPlugin`] (kira), [`crate::render::FaceRenderPlugin`] (the GPU face),
//! [`crate::dialogue::runner::DialoguePlugin`] (scripts), [`crate::morph::MorphTargetPlugin`]
//! (a 3D character's morph targets). No module here imports those. [`crate::plugin::EmoTalkPlugin`]
//! adds them all; games that want only some add the parts themselves.
//!
//! Per frame, in [`Update`], the sets run in this order:
//!
//! 1. [`EmoTalkSystems::Ingest`]: new lines and emotion changes become inference tasks on the
//!    async compute pool (decoding already happened in the asset loader, on the IO pool).
//! 2. [`EmoTalkSystems::Infer`]: finished tasks hand their expression track to the face; a line
//!    whose track is ready starts its audio (kira) and sends [`SpeechStarted`].
//! 3. [`EmoTalkSystems::Animate`]: playback clocks advance (from kira's playback position when
//!    audio plays, else from [`Time`](bevy::time::Time)), faces are sampled, blinks and head
//!    motion added, [`FaceState`] written; finished lines send [`SpeechFinished`].
//! 4. [`EmoTalkSystems::Render`]: [`FaceState`] goes to what shows it (the GPU face, morph
//!    targets).
//!
//! The lifecycle of heads and lines is observed, not polled: adding a [`TalkingHead`] gives it
//! its runtime state, and removing or replacing a [`Speech`] (or despawning its head) ends the
//! line with [`SpeechOutcome::Interrupted`] and stops its audio at once.
//!
//! Games that write [`FaceState`] themselves add [`ManualFace`] to the head, or order their
//! systems `.after(EmoTalkSystems::Animate).before(EmoTalkSystems::Render)`.

mod animate;
mod live;
mod assets;
mod audio;
mod components;
mod infer;
mod messages;
mod runtime;

use bevy::app::{App, Plugin, Update};
use bevy::asset::{AssetApp, AssetPath};
use bevy::ecs::resource::Resource;
use bevy::ecs::schedule::{IntoScheduleConfigs, SystemSet};

pub use animate::animate;
pub use live::{LiveSpeech, drive_live_speech};
pub(crate) use assets::read_text;
pub use assets::{
    BareImagePortraitLoader, EacWeights, EacWeightsLoader, Portrait, PortraitLoadError, PortraitLoader, SpeechClip,
    SpeechClipLoader,
};
pub use audio::{SpeechAudio, SpeechAudioPlugin, sync_audio};
pub use components::{
    Emotion, FaceState, FaceSurface, HeadMotion, ManualFace, PoseTrack, ResolvedFaceEmotion, Speech, TalkingHead,
};
pub use infer::{ExpressionNetwork, load_weights, receive_inference, request_inference};
pub use messages::{EmotionChanged, SpeechError, SpeechFinished, SpeechOutcome, SpeechStarted};
pub use runtime::FaceRuntime;

use crate::anim::DEFAULT_RETARGET_TAU;
use crate::anim::motion::{BlinkConfig, HeadMotionConfig};

/// The burn backend the plugin infers with: Flex, the pure-Rust CPU backend, on the async
/// compute pool (see STACK.md for sharing Bevy's wgpu device instead).
pub type FaceBackend = burn::backend::Flex;

/// The system sets, in [`Update`], chained in this order (see the module docs).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmoTalkSystems {
    /// New lines and emotion changes start inference tasks.
    Ingest,
    /// Finished tasks reach the faces; lines start.
    Infer,
    /// Clocks advance; [`FaceState`] is written.
    Animate,
    /// [`FaceState`] goes to the GPU or the morph targets.
    Render,
}

/// The shared types: the [`Portrait`], [`SpeechClip`] and [`EacWeights`] assets with their
/// loaders, the messages, and the [`EmoTalkSystems`] sets. Every other part needs it and adds it
/// when it is missing. Needs Bevy's `AssetPlugin`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TalkCorePlugin;

impl Plugin for TalkCorePlugin {
    fn build(&self, app: &mut App) {
        app.init_asset::<Portrait>()
            .init_asset::<SpeechClip>()
            .init_asset::<EacWeights>()
            .register_asset_loader(PortraitLoader)
            .register_asset_loader(BareImagePortraitLoader)
            .register_asset_loader(SpeechClipLoader)
            .register_asset_loader(EacWeightsLoader)
            .add_message::<SpeechStarted>()
            .add_message::<SpeechFinished>()
            .add_message::<EmotionChanged>()
            .configure_sets(
                Update,
                (EmoTalkSystems::Ingest, EmoTalkSystems::Infer, EmoTalkSystems::Animate, EmoTalkSystems::Render)
                    .chain(),
            );
    }
}

/// Adds [`TalkCorePlugin`] unless it is there already (each part calls it from its `build`).
pub(crate) fn ensure_core(app: &mut App) {
    if !app.is_plugin_added::<TalkCorePlugin>() {
        app.add_plugins(TalkCorePlugin);
    }
}

/// How faces move, read by the animation systems (the resource [`FaceAnimationPlugin`] inserts;
/// change it at run time to retune every head).
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct AnimationSettings {
    /// Time constant of emotion changes and of moving between lines and rest, seconds
    /// ([`crate::anim`]).
    pub retarget_tau: f32,
    /// Blink timing.
    pub blinks: BlinkConfig,
    /// Head sway and nods.
    pub head_motion: HeadMotionConfig,
}

impl Default for AnimationSettings {
    fn default() -> Self {
        Self {
            retarget_tau: DEFAULT_RETARGET_TAU,
            blinks: BlinkConfig::default(),
            head_motion: HeadMotionConfig::default(),
        }
    }
}

/// Inference and animation: lines and emotions become expression tracks (EAC, off the main
/// thread), and every [`TalkingHead`]'s [`FaceState`] is written each frame.
#[derive(Debug, Clone, Default)]
pub struct FaceAnimationPlugin {
    /// How faces move (inserted as the [`AnimationSettings`] resource).
    pub settings: AnimationSettings,
    /// EAC weights to load as an asset (`"models/eac/model.mpk"`, with its `config.json`
    /// beside it); `None` uses the weights shipped in the crate.
    pub eac_weights: Option<AssetPath<'static>>,
}

impl Plugin for FaceAnimationPlugin {
    fn build(&self, app: &mut App) {
        ensure_core(app);
        app.insert_resource(self.settings)
            .insert_resource(ExpressionNetwork::new(self.eac_weights.clone()))
            .add_observer(animate::attach_runtime)
            .add_observer(animate::detach_runtime)
            .add_observer(animate::interrupt_replaced_speech)
            .add_systems(
                Update,
                (
                    (load_weights, request_inference).chain().in_set(EmoTalkSystems::Ingest),
                    receive_inference.in_set(EmoTalkSystems::Infer),
                    (live::drive_live_speech, animate).chain().in_set(EmoTalkSystems::Animate),
                ),
            );
    }
}
