//! The Bevy surface (feature `bevy`): [`EmoTalkPlugin`], its components, messages, assets and
//! systems.
//!
//! ```no_run
//! use bevy::prelude::*;
//! use emotalk::plugin::{EmoTalkPlugin, Emotion, Speech, TalkingHead};
//!
//! fn setup(mut commands: Commands, assets: Res<AssetServer>) {
//!     commands.spawn(Camera2d);
//!     commands.spawn((
//!         TalkingHead::new(assets.load("portraits/npc_3.rig.json")),
//!         Emotion::text("sadly surprised"),
//!         Speech::new(assets.load("lines/greeting.ogg")),
//!     ));
//! }
//!
//! App::new().add_plugins((DefaultPlugins, EmoTalkPlugin::default())).add_systems(Startup, setup).run();
//! ```
//!
//! Per frame, in [`Update`], the plugin's sets run in this order:
//!
//! 1. [`EmoTalkSystems::Ingest`]: new lines and emotion changes become inference tasks on the
//!    async compute pool (decoding already happened in the asset loader, on the IO pool).
//! 2. [`EmoTalkSystems::Infer`]: finished tasks hand their expression track to the face; a line
//!    whose track is ready starts its audio (kira) and sends [`SpeechStarted`].
//! 3. [`EmoTalkSystems::Animate`]: playback clocks advance (from kira's playback position when
//!    audio plays, else from [`Time`](bevy::time::Time)), faces are sampled, blinks and head
//!    motion added, [`FaceState`] written; finished lines send [`SpeechFinished`].
//! 4. [`EmoTalkSystems::Render`]: [`FaceState`]s go to the GPU (one small row per face; no image
//!    work on the CPU).
//!
//! Games that write [`FaceState`] themselves add [`ManualFace`] to the head, or order their
//! systems `.after(EmoTalkSystems::Animate).before(EmoTalkSystems::Render)`.

mod assets;
mod components;
mod messages;
pub mod systems;

use bevy::app::{App, Plugin, Update};
use bevy::asset::{AssetApp, AssetPath};
use bevy::ecs::schedule::{IntoScheduleConfigs, SystemSet};

pub(crate) use assets::read_text;
pub use assets::{
    BareImagePortraitLoader, EacWeights, EacWeightsLoader, Portrait, PortraitLoadError, PortraitLoader, SpeechClip, SpeechClipLoader,
};
pub use components::{
    Emotion, FaceState, FaceSurface, HeadMotion, ManualFace, PoseTrack, ResolvedFaceEmotion, Speech, TalkingHead,
};
pub use messages::{EmotionChanged, SpeechFinished, SpeechOutcome, SpeechStarted};

use crate::anim::DEFAULT_RETARGET_TAU;
use crate::dialogue::runner::{
    DialogueFinished, DialogueScript, DialogueScriptLoader, EmotionCue, LineFinished, LineStarted, run_dialogues,
    show_subtitles,
};
use crate::face::motion::{BlinkConfig, HeadMotionConfig};

/// The burn backend the plugin infers with: Flex, the pure-Rust CPU backend, on the async
/// compute pool (see STACK.md for sharing Bevy's wgpu device instead).
pub type FaceBackend = burn::backend::Flex;

/// The plugin's system sets, in [`Update`], chained in this order (see the module docs).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmoTalkSystems {
    /// New lines and emotion changes start inference tasks.
    Ingest,
    /// Finished tasks reach the faces; lines start.
    Infer,
    /// Clocks advance; [`FaceState`] is written.
    Animate,
    /// [`FaceState`] goes to the GPU.
    Render,
}

/// Talking faces for Bevy. Fields are the configuration; [`Default`] suits a game with a window
/// and a sound card, [`EmoTalkPlugin::headless`] a server, a test or an offline renderer.
#[derive(Debug, Clone)]
pub struct EmoTalkPlugin {
    /// Play lines through kira (`bevy_kira_audio`'s `AudioPlugin` is added when missing). Without
    /// audio, lines run on a virtual clock driven by [`Time`](bevy::time::Time).
    pub audio: bool,
    /// Draw [`TalkingHead`]s (needs Bevy's render plugins; skipped without them).
    pub render: bool,
    /// Time constant of emotion changes and of moving between lines and rest, seconds
    /// ([`crate::anim`]).
    pub retarget_tau: f32,
    /// Blink timing.
    pub blinks: BlinkConfig,
    /// Head sway and nods.
    pub head_motion: HeadMotionConfig,
    /// EAC weights to load as an asset (`"models/eac/model.mpk"`, with its `config.json`
    /// beside it); `None` uses the weights shipped in the crate.
    pub eac_weights: Option<AssetPath<'static>>,
}

impl Default for EmoTalkPlugin {
    fn default() -> Self {
        Self {
            audio: true,
            render: true,
            retarget_tau: DEFAULT_RETARGET_TAU,
            blinks: BlinkConfig::default(),
            head_motion: HeadMotionConfig::default(),
            eac_weights: None,
        }
    }
}

impl EmoTalkPlugin {
    /// No audio device: lines run on the virtual clock. Rendering stays on when Bevy's render
    /// plugins are present (offline rendering), and is skipped otherwise.
    pub fn headless() -> Self {
        Self { audio: false, ..Self::default() }
    }
}

/// The plugin's configuration as a resource (what the systems read).
#[derive(bevy::ecs::resource::Resource, Debug, Clone)]
pub struct EmoTalkSettings {
    /// See [`EmoTalkPlugin::retarget_tau`].
    pub retarget_tau: f32,
    /// See [`EmoTalkPlugin::blinks`].
    pub blinks: BlinkConfig,
    /// See [`EmoTalkPlugin::head_motion`].
    pub head_motion: HeadMotionConfig,
    /// Whether lines play through kira.
    pub audio: bool,
}

impl Plugin for EmoTalkPlugin {
    fn build(&self, app: &mut App) {
        app.init_asset::<Portrait>()
            .init_asset::<SpeechClip>()
            .init_asset::<EacWeights>()
            .register_asset_loader(PortraitLoader)
            .register_asset_loader(BareImagePortraitLoader)
            .register_asset_loader(SpeechClipLoader)
            .register_asset_loader(EacWeightsLoader)
            .init_asset::<DialogueScript>()
            .register_asset_loader(DialogueScriptLoader)
            .add_message::<LineStarted>()
            .add_message::<EmotionCue>()
            .add_message::<LineFinished>()
            .add_message::<DialogueFinished>()
            .add_message::<SpeechStarted>()
            .add_message::<SpeechFinished>()
            .add_message::<EmotionChanged>()
            .insert_resource(EmoTalkSettings {
                retarget_tau: self.retarget_tau,
                blinks: self.blinks,
                head_motion: self.head_motion,
                audio: self.audio,
            })
            .insert_resource(systems::FaceModel::new(self.eac_weights.clone()))
            .configure_sets(
                Update,
                (EmoTalkSystems::Ingest, EmoTalkSystems::Infer, EmoTalkSystems::Animate, EmoTalkSystems::Render)
                    .chain(),
            )
            .add_systems(
                Update,
                (
                    (run_dialogues, systems::load_weights, systems::attach_runtime, systems::request_inference)
                        .chain()
                        .in_set(EmoTalkSystems::Ingest),
                    show_subtitles.after(EmoTalkSystems::Ingest),
                    systems::receive_inference.in_set(EmoTalkSystems::Infer),
                    systems::animate.in_set(EmoTalkSystems::Animate),
                ),
            );
        if self.audio {
            if !app.is_plugin_added::<bevy_kira_audio::AudioPlugin>() {
                app.add_plugins(bevy_kira_audio::AudioPlugin);
            }
            app.init_resource::<systems::PlayingAudio>().add_systems(
                Update,
                (
                    systems::sync_audio.in_set(EmoTalkSystems::Animate).before(systems::animate),
                    systems::stop_audio_of_removed_heads.in_set(EmoTalkSystems::Ingest),
                ),
            );
        }
        if self.render && app.is_plugin_added::<bevy::render::RenderPlugin>() {
            app.add_plugins(crate::render::FaceRenderPlugin);
        }
    }
}
