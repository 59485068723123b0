//! The Bevy surface (feature `bevy`): [`EmoTalkPlugin`], the one thing a game adds, and the
//! types games use (re-exported from the parts).
//!
//! ```no_run
//! use bevy::prelude::*;
//! use emotalk::prelude::*;
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
//! [`EmoTalkPlugin`] adds the parts, which depend one way (see [`crate::talk`] for the frame's
//! order and the lifecycle):
//!
//! | part | what it does | off with |
//! |---|---|---|
//! | [`TalkCorePlugin`] | assets, messages, system sets | (always) |
//! | [`FaceAnimationPlugin`] | inference (EAC) and animation: writes [`FaceState`] | (always; configure it in [`EmoTalkPlugin::animation`]) |
//! | [`SpeechAudioPlugin`] | lines play through kira; the face follows the audio | `audio: false` |
//! | [`FaceRenderPlugin`] | the GPU face on a 2D mesh or a 3D card | `render: false` |
//! | [`DialoguePlugin`] | dialogue scripts on heads, subtitles | `dialogue: false` |
//! | [`MorphTargetPlugin`] | a 3D character's ARKit morph targets follow [`FaceState`] | `morph_targets: false` |
//!
//! To replace a part, turn it off and add your own systems in the same [`EmoTalkSystems`] set.
//! The order of `EmoTalkPlugin` and `DefaultPlugins` does not matter: added first, it waits for
//! them (`Plugin::finish`). A part whose prerequisite is missing (rendering without Bevy's
//! `RenderPlugin`) is left out and says so in the log.

pub mod offline;

use bevy::app::{App, Plugin};
use bevy::asset::{AssetPath, AssetPlugin};
use bevy::log::{error, info, warn};

pub use crate::dialogue::runner::{DialogueFinished, DialoguePlugin, DialogueRunner, EmotionCue, LineFinished, LineStarted};
pub use crate::morph::{MorphHead, MorphTargetPlugin};
pub use crate::render::FaceRenderPlugin;
pub use crate::talk::{
    AnimationSettings, BareImagePortraitLoader, EacWeights, EacWeightsLoader, EmoTalkSystems, Emotion, EmotionChanged,
    ExpressionNetwork, FaceAnimationPlugin, FaceBackend, FaceRuntime, FaceState, FaceSurface, HeadMotion, LiveSpeech, ManualFace,
    PoseTrack, Portrait, PortraitLoadError, PortraitLoader, ResolvedFaceEmotion, Speech, SpeechAudio, SpeechAudioPlugin,
    SpeechClip, SpeechClipLoader, SpeechError, SpeechFinished, SpeechOutcome, SpeechStarted, TalkCorePlugin,
    TalkingHead,
};

/// Talking faces for Bevy: adds the parts (see the module docs). [`Default`] suits a game with
/// a window and a sound card, [`EmoTalkPlugin::headless`] a server, a test or an offline
/// renderer.
#[derive(Debug, Clone)]
pub struct EmoTalkPlugin {
    /// Inference and animation: how faces move, and which EAC weights they use.
    pub animation: FaceAnimationPlugin,
    /// Play lines through kira ([`SpeechAudioPlugin`]). Without audio, lines run on a virtual
    /// clock driven by [`Time`](bevy::time::Time).
    pub audio: bool,
    /// Draw [`TalkingHead`]s on the GPU ([`FaceRenderPlugin`]; needs Bevy's render plugins,
    /// left out with a log line without them).
    pub render: bool,
    /// Play dialogue scripts ([`DialoguePlugin`]).
    pub dialogue: bool,
    /// Drive 3D characters' morph targets ([`MorphTargetPlugin`]).
    pub morph_targets: bool,
}

impl Default for EmoTalkPlugin {
    fn default() -> Self {
        Self { animation: FaceAnimationPlugin::default(), audio: true, render: true, dialogue: true, morph_targets: true }
    }
}

impl EmoTalkPlugin {
    /// No audio device: lines run on the virtual clock. Rendering stays on when Bevy's render
    /// plugins are present (offline rendering), and is left out otherwise.
    pub fn headless() -> Self {
        Self { audio: false, ..Self::default() }
    }

    /// The same plugin loading EAC weights from an asset (`"models/eac/model.mpk"`, with its
    /// `config.json` beside it) instead of the shipped ones.
    pub fn with_eac_weights(mut self, path: impl Into<AssetPath<'static>>) -> Self {
        self.animation.eac_weights = Some(path.into());
        self
    }

    fn add_parts(&self, app: &mut App) {
        app.add_plugins((TalkCorePlugin, self.animation.clone()));
        if self.audio {
            app.add_plugins(SpeechAudioPlugin);
        }
        if self.dialogue {
            app.add_plugins(DialoguePlugin);
        }
        if self.morph_targets {
            app.add_plugins(MorphTargetPlugin);
        }
        if self.render {
            if app.is_plugin_added::<bevy::render::RenderPlugin>() {
                app.add_plugins(FaceRenderPlugin);
            } else if app.is_plugin_added::<bevy::window::WindowPlugin>() {
                warn!(
                    "emotalk: heads are not drawn: Bevy's RenderPlugin is missing (add DefaultPlugins, or set `render: false`)"
                );
            } else {
                info!("emotalk: no RenderPlugin: heads compute FaceState but are not drawn");
            }
        }
    }
}

impl Plugin for EmoTalkPlugin {
    fn build(&self, app: &mut App) {
        // Added before DefaultPlugins, the parts would find no asset server or renderer yet:
        // `finish` adds them once every plugin is built.
        if app.is_plugin_added::<AssetPlugin>() {
            self.add_parts(app);
        }
    }

    fn finish(&self, app: &mut App) {
        if app.is_plugin_added::<FaceAnimationPlugin>() {
            return;
        }
        if app.is_plugin_added::<AssetPlugin>() {
            self.add_parts(app);
        } else {
            error!(
                "emotalk: EmoTalkPlugin needs Bevy's AssetPlugin (in DefaultPlugins; or MinimalPlugins + AssetPlugin): nothing was added"
            );
        }
    }
}
