//! The components a game puts on its characters, and the one the plugin writes back.

use bevy::asset::Handle;
use bevy::ecs::component::Component;

use crate::emotion::{EmotionSpec, ResolvedEmotion};
use crate::face::blendshapes::N_BLENDSHAPES;
use crate::face::cpu_render::HeadPose;
pub use crate::anim::pose::PoseTrack;

use super::assets::{Portrait, SpeechClip};

/// A character whose face talks: its portrait. The plugin adds [`FaceState`] and [`Emotion`]
/// when they are missing, and, with rendering, the mesh and material that draw the face.
#[derive(Component, Clone, Debug)]
#[require(FaceState, Emotion)]
pub struct TalkingHead {
    /// The portrait (`asset_server.load("npc.rig.json")`).
    pub portrait: Handle<Portrait>,
    /// Where the face is drawn.
    pub surface: FaceSurface,
    /// Seed of this face's blinks and idle sway (faces with different seeds never blink in step).
    pub seed: u64,
    /// Gain on this head's expressions when drawn, on top of its portrait's own
    /// (`hints.expressiveness` in the rig): 1 is the calibrated human range, stylised
    /// characters read better at 1.3–2. Values outside 0–3 are clamped.
    pub expressiveness: f32,
}

impl TalkingHead {
    /// A head drawn as a 2D mesh (`Mesh2d`), one world unit per portrait pixel.
    pub fn new(portrait: Handle<Portrait>) -> Self {
        Self { portrait, surface: FaceSurface::Mesh2d, seed: 0, expressiveness: 1.0 }
    }

    /// The same head as a flat card in a 3D scene (`Mesh3d`), one world unit per portrait pixel:
    /// scale it with the entity's `Transform`.
    pub fn card_3d(portrait: Handle<Portrait>) -> Self {
        Self { portrait, surface: FaceSurface::Mesh3d, seed: 0, expressiveness: 1.0 }
    }

    /// A head with no portrait and nothing drawn ([`FaceSurface::None`]): it talks, and only its
    /// [`FaceState`] is computed (a 3D character's morph targets, see [`crate::morph`]).
    pub fn without_portrait() -> Self {
        Self { portrait: Handle::default(), surface: FaceSurface::None, seed: 0, expressiveness: 1.0 }
    }

    /// The same head with another blink and sway seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The same head with an expressiveness gain (see [`Self::expressiveness`]).
    pub fn with_expressiveness(mut self, gain: f32) -> Self {
        self.expressiveness = gain;
        self
    }

    /// [`Self::expressiveness`] as the renderer uses it: clamped to 0–3, 1 when not finite.
    pub fn gain(&self) -> f32 {
        if self.expressiveness.is_finite() {
            self.expressiveness.clamp(crate::face::rig::MIN_EXPRESSIVENESS, crate::face::rig::MAX_EXPRESSIVENESS)
        } else {
            1.0
        }
    }
}

/// How a [`TalkingHead`] is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FaceSurface {
    /// A 2D mesh (`Mesh2d` + `MeshMaterial2d`), for 2D cameras.
    #[default]
    Mesh2d,
    /// A quad in a 3D scene (`Mesh3d` + `MeshMaterial3d`), unlit.
    Mesh3d,
    /// Not drawn by the plugin (only [`FaceState`] is computed).
    None,
}

/// The emotion a character speaks and rests with. Changing it mid-line retargets the face
/// smoothly (see [`crate::anim`]) and does not restart the audio.
#[derive(Component, Clone, Debug)]
pub struct Emotion {
    /// What the emotion is: text such as `"sadly surprised:2"`, a preset, a reference face or
    /// voice, or a blend.
    pub spec: EmotionSpec,
}

impl Default for Emotion {
    fn default() -> Self {
        Self::text("neutral")
    }
}

impl Emotion {
    /// An emotion from text, as writers type it (`"furious"`, `"happy:2"`, `"50% sad, 50% angry"`).
    pub fn text(text: impl Into<String>) -> Self {
        Self { spec: EmotionSpec::text(text) }
    }
}

/// A line being spoken. Insert it to start a line (inserting a new one over a running line
/// interrupts that line, even for the same clip); the plugin removes it when the line ends
/// (after sending [`SpeechFinished`](super::messages::SpeechFinished)). The face follows the
/// audio's playback position; [`pause`](Self::pause), [`resume`](Self::resume) and
/// [`seek`](Self::seek) act on the audio and the face together.
#[derive(Component, Clone, Debug)]
pub struct Speech {
    /// The voice line.
    pub clip: Handle<SpeechClip>,
    pub(crate) position: f64,
    pub(crate) paused: bool,
    pub(crate) pending_seek: Option<f64>,
    pub(crate) pause_changed: bool,
    pub(crate) started: bool,
    /// The audio part set [`Self::position`] from the playing sound this frame.
    pub(crate) audio_clock: bool,
    /// The playing sound reached its end.
    pub(crate) audio_ended: bool,
}

impl Speech {
    /// Speaks `clip` from its start.
    pub fn new(clip: Handle<SpeechClip>) -> Self {
        Self {
            clip,
            position: 0.0,
            paused: false,
            pending_seek: None,
            pause_changed: false,
            started: false,
            audio_clock: false,
            audio_ended: false,
        }
    }

    /// Playback position in seconds (0 until the line starts).
    pub fn position(&self) -> f64 {
        self.position
    }

    /// Whether the line has started playing (its expression track is ready).
    pub fn started(&self) -> bool {
        self.started
    }

    /// Whether playback is paused.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Pauses the audio and the face.
    pub fn pause(&mut self) {
        self.pause_changed |= !self.paused;
        self.paused = true;
    }

    /// Resumes after [`pause`](Self::pause).
    pub fn resume(&mut self) {
        self.pause_changed |= self.paused;
        self.paused = false;
    }

    /// Jumps to `seconds` into the line.
    pub fn seek(&mut self, seconds: f64) {
        self.pending_seek = Some(seconds.max(0.0));
    }
}

/// A face's current expression and pose, written by the plugin every frame (unless the entity
/// has [`ManualFace`]) and read by the renderer. Games may read it, or write it themselves.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct FaceState {
    /// The 52 ARKit-named blendshape weights ([`crate::face::BLENDSHAPE_NAMES`] order).
    pub weights: [f32; N_BLENDSHAPES],
    /// The head pose, degrees.
    pub pose: HeadPose,
}

impl Default for FaceState {
    fn default() -> Self {
        Self { weights: [0.0; N_BLENDSHAPES], pose: HeadPose::default() }
    }
}

/// Marks a face the game drives itself: the plugin renders its [`FaceState`] but never writes it.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct ManualFace;

/// How the head moves. Without this component: [`HeadMotion::Procedural`].
#[derive(Component, Clone, Debug, Default, PartialEq)]
pub enum HeadMotion {
    /// Idle sway plus nods on the stressed syllables of the line being spoken.
    #[default]
    Procedural,
    /// The procedural motion plus a fixed offset (added angles and the offset's translation and
    /// scale): a character looking aside while it talks.
    Offset(HeadPose),
    /// A fixed pose, no procedural motion.
    Fixed(HeadPose),
    /// A recorded pose track, sampled at the line's playback position (and held at its ends).
    Track(PoseTrack),
}

/// The emotion a head currently shows, once resolved (read-only for games: change [`Emotion`]).
#[derive(Component, Clone, Debug)]
pub struct ResolvedFaceEmotion(pub ResolvedEmotion);
