#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod anim;
pub mod audio;
pub mod build;
pub mod bundled;
pub mod dialogue;
pub mod emotion;
pub mod face;
pub mod io;
pub mod live;
pub mod model;
pub mod vision;
#[cfg(feature = "bevy")]
pub mod morph;
#[cfg(feature = "bevy")]
pub mod plugin;
#[cfg(feature = "bevy")]
pub mod render;
#[cfg(feature = "bevy")]
pub mod talk;
#[cfg(feature = "train")]
pub mod train;

/// The items most programs need, for `use emotalk::prelude::*`.
pub mod prelude {
    pub use crate::audio::{
        AudioError, AudioReader, DecodedAudio, FeatureMatrix, MelConfig, MelExtractor, load, load_bytes, log_mel, mfcc,
    };
    pub use crate::face::{BlendshapeBasis, EmotionPreset, HeadPose, PortraitRig, PreparedPortrait, RigError};
    #[cfg(feature = "bevy")]
    pub use crate::plugin::{
        DialoguePlugin, DialogueRunner, EmoTalkPlugin, EmoTalkSystems, Emotion, EmotionChanged, FaceAnimationPlugin,
        FaceRenderPlugin, FaceState, FaceSurface, HeadMotion, LiveSpeech, ManualFace, MorphHead, MorphTargetPlugin, Portrait,
        Speech, SpeechAudioPlugin, SpeechClip, SpeechError, SpeechFinished, SpeechOutcome, SpeechStarted,
        TalkCorePlugin, TalkingHead,
    };
    #[cfg(feature = "bevy")]
    pub use crate::render::{FaceRenderer, HefDevice, HefNetwork};
}
