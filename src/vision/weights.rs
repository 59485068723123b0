//! The converted face-api weights shipped in `models/vision/` (one folder per network, each a
//! `config.json` and a burn `model.mpk`; see `models/vision/README.md` for their provenance) and
//! the conversion from face-api's tfjs files.

use std::path::Path;

use burn::module::Module;
use burn::prelude::Backend;

use super::detector::TinyFaceDetector;
use super::features::{ExpressionNet, LandmarkNet};
use super::tfjs::{TfjsError, TfjsWeights};
use crate::model::weights::{self, ModelFileError};

/// One of the three face-api networks the crate uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisionNet {
    /// `tiny_face_detector_model`.
    Detector,
    /// `face_landmark_68_model`.
    Landmarks,
    /// `face_expression_model`.
    Expression,
}

impl VisionNet {
    /// Every network.
    pub const ALL: [VisionNet; 3] = [VisionNet::Detector, VisionNet::Landmarks, VisionNet::Expression];

    /// face-api's model name (its files are `NAME-weights_manifest.json` and `NAME.bin`), also
    /// the folder's name under `models/vision/`.
    pub fn model_name(self) -> &'static str {
        match self {
            VisionNet::Detector => "tiny_face_detector_model",
            VisionNet::Landmarks => "face_landmark_68_model",
            VisionNet::Expression => "face_expression_model",
        }
    }

    /// The `config.json` written beside the weights: which network and where it came from.
    pub fn config_json(self) -> String {
        serde_json::json!({
            "net": self.model_name(),
            "source": "@vladmandic/face-api 1.7.15 (MIT), model/",
            "format": "burn NamedMpk, full precision, dequantised from tfjs uint8",
        })
        .to_string()
    }

    fn shipped_bytes(self) -> &'static [u8] {
        match self {
            VisionNet::Detector => include_bytes!("../../models/vision/tiny_face_detector_model/model.mpk"),
            VisionNet::Landmarks => include_bytes!("../../models/vision/face_landmark_68_model/model.mpk"),
            VisionNet::Expression => include_bytes!("../../models/vision/face_expression_model/model.mpk"),
        }
    }
}

/// The three networks with their weights.
#[derive(Debug, Clone)]
pub struct VisionNets<B: Backend> {
    /// The face detector.
    pub detector: TinyFaceDetector<B>,
    /// The 68-point landmark net.
    pub landmarks: LandmarkNet<B>,
    /// The expression net.
    pub expression: ExpressionNet<B>,
}

fn load_one<B: Backend, M: Module<B>>(net: VisionNet, fresh: M, bytes: Vec<u8>, device: &B::Device) -> Result<M, ModelFileError> {
    let label = format!("models/vision/{}/model.mpk", net.model_name());
    weights::load_bytes(fresh, bytes, Path::new(&label), device)
}

impl<B: Backend> VisionNets<B> {
    /// The weights shipped inside the crate.
    pub fn shipped(device: &B::Device) -> Result<Self, ModelFileError> {
        let b = |n: VisionNet| n.shipped_bytes().to_vec();
        Ok(Self {
            detector: load_one(VisionNet::Detector, TinyFaceDetector::zeros(device), b(VisionNet::Detector), device)?,
            landmarks: load_one(VisionNet::Landmarks, LandmarkNet::zeros(device), b(VisionNet::Landmarks), device)?,
            expression: load_one(VisionNet::Expression, ExpressionNet::zeros(device), b(VisionNet::Expression), device)?,
        })
    }

    /// Networks from a folder laid out like `models/vision/` (one sub-folder per network).
    pub fn load(dir: &Path, device: &B::Device) -> Result<Self, ModelFileError> {
        let sub = |n: VisionNet| dir.join(n.model_name());
        Ok(Self {
            detector: weights::load_weights(TinyFaceDetector::zeros(device), &sub(VisionNet::Detector), device)?,
            landmarks: weights::load_weights(LandmarkNet::zeros(device), &sub(VisionNet::Landmarks), device)?,
            expression: weights::load_weights(ExpressionNet::zeros(device), &sub(VisionNet::Expression), device)?,
        })
    }

    /// The networks from face-api's `model/` folder (the tfjs manifests and shards).
    pub fn from_face_api(model_dir: &Path, device: &B::Device) -> Result<Self, TfjsError> {
        let read = |n: VisionNet| TfjsWeights::load(&model_dir.join(format!("{}-weights_manifest.json", n.model_name())));
        Ok(Self {
            detector: TinyFaceDetector::from_tfjs(&read(VisionNet::Detector)?, device)?,
            landmarks: LandmarkNet::from_tfjs(&read(VisionNet::Landmarks)?, device)?,
            expression: ExpressionNet::from_tfjs(&read(VisionNet::Expression)?, device)?,
        })
    }

    /// Writes the networks as `models/vision/` is laid out.
    pub fn save(&self, dir: &Path) -> Result<(), ModelFileError> {
        let sub = |n: VisionNet| dir.join(n.model_name());
        weights::save(&self.detector, &VisionNet::Detector.config_json(), &sub(VisionNet::Detector))?;
        weights::save(&self.landmarks, &VisionNet::Landmarks.config_json(), &sub(VisionNet::Landmarks))?;
        weights::save(&self.expression, &VisionNet::Expression.config_json(), &sub(VisionNet::Expression))
    }
}
