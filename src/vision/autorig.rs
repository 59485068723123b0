//! Auto-rigging: a [`PortraitRig`] from a bare image.
//!
//! The face is found at every detector size of [`DetectOptions`] and merged; several faces keep
//! the largest (with a warning); the 68 landmarks become the rig after a closed mouth's crossed
//! inner lips are closed ([`close_crossed_inner_lips`]), a smile's inner-lip corners that fold the mesh
//! are tucked in ([`tuck_inner_lip_corners`]) and points a hair outside the image are
//! pulled onto its edge. Images larger than [`WORK_SIDE`] are looked at shrunk (the networks see
//! at most 608 px anyway) and the points scaled back.

use std::path::{Path, PathBuf};

use burn::prelude::Backend;
use image::RgbaImage;

use super::image::RgbF32;
use super::perceive::{DetectOptions, FacePerception, FaceReading};
use crate::face::import::{close_crossed_inner_lips, tuck_inner_lip_corners};
use crate::face::rig::{PortraitRig, RIG_VERSION, RigError, RigHints};
use crate::model::weights::ModelFileError;

/// The smallest image side looked at.
pub const MIN_IMAGE_SIDE: u32 = 32;
/// The largest image side accepted (a 20000-pixel image would take gigabytes to decode).
pub const MAX_IMAGE_SIDE: u32 = 16384;
/// Images are looked at with their longer side shrunk to this.
pub const WORK_SIDE: u32 = 1024;
/// A face box narrower than this (pixels of the original image) is too small to rig: the
/// landmarks would be guesses.
pub const MIN_FACE_SIDE: f32 = 40.0;

/// Why an image could not be rigged or read. Each variant names the file (or the label given
/// for an in-memory image).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VisionError {
    /// The file is not an image this build decodes.
    #[error("{path}: not a readable image: {message}")]
    Image {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        message: String,
    },
    /// The image is too small or too large to look for a face in.
    #[error("{path}: a {width}×{height} image is {why}")]
    ImageSize {
        /// The file.
        path: PathBuf,
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
        /// `"too small (each side needs at least 32 px)"` or the like.
        why: String,
    },
    /// No face was found.
    #[error("{path}: no face found (detector sizes {sizes:?}, score above {threshold})")]
    NoFace {
        /// The file.
        path: PathBuf,
        /// The detector sizes tried.
        sizes: Vec<usize>,
        /// The score a face needed.
        threshold: f32,
    },
    /// The face found is too small to place 68 landmarks on.
    #[error("{path}: the face found is {width:.0} px wide; a rig needs at least {MIN_FACE_SIDE} px")]
    FaceTooSmall {
        /// The file.
        path: PathBuf,
        /// The face box's width.
        width: f32,
    },
    /// The landmarks found do not make a usable rig.
    #[error("the detected landmarks do not make a usable rig: {0}")]
    Rig(#[from] RigError),
    /// The networks' weights could not be loaded.
    #[error(transparent)]
    Weights(#[from] ModelFileError),
}

/// A rig found in an image, with what was seen and any warnings.
#[derive(Debug, Clone)]
pub struct AutoRig {
    /// The rig (validated).
    pub rig: PortraitRig,
    /// The face it was made from, in the image's pixels.
    pub reading: FaceReading,
    /// How many faces the image had.
    pub faces: usize,
    /// What the caller should hear about (several faces, lips closed), one sentence each.
    pub warnings: Vec<String>,
}

/// Reads an image file for perception: grey, 16-bit and alpha PNGs all become RGBA8; its size is
/// checked before it is decoded.
pub fn read_image(path: &Path) -> Result<RgbaImage, VisionError> {
    let bad = |message: String| VisionError::Image { path: path.to_path_buf(), message };
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let reader = || image::ImageReader::new(std::io::Cursor::new(&bytes)).with_guessed_format();
    let (w, h) = reader().map_err(|e| bad(e.to_string()))?.into_dimensions().map_err(|e| bad(e.to_string()))?;
    check_size(w, h, path)?;
    let img = reader().map_err(|e| bad(e.to_string()))?.decode().map_err(|e| bad(e.to_string()))?;
    Ok(img.to_rgba8())
}

fn check_size(width: u32, height: u32, path: &Path) -> Result<(), VisionError> {
    let why = if width.min(height) < MIN_IMAGE_SIDE {
        format!("too small (each side needs at least {MIN_IMAGE_SIDE} px)")
    } else if width.max(height) > MAX_IMAGE_SIDE {
        format!("too large (at most {MAX_IMAGE_SIDE} px a side)")
    } else {
        return Ok(());
    };
    Err(VisionError::ImageSize { path: path.to_path_buf(), width, height, why })
}

impl<B: Backend> FacePerception<B> {
    /// Rigs the largest face of `img`; `label` names the image in errors and warnings.
    pub fn rig(&self, img: &RgbaImage, label: &Path, options: &DetectOptions) -> Result<AutoRig, VisionError> {
        let (w, h) = img.dimensions();
        check_size(w, h, label)?;
        let shrink = (WORK_SIDE as f32 / w.max(h) as f32).min(1.0);
        let rgb = if shrink < 1.0 {
            let (sw, sh) = (((w as f32 * shrink).round() as u32).max(1), ((h as f32 * shrink).round() as u32).max(1));
            RgbF32::from_rgba(&image::imageops::resize(img, sw, sh, image::imageops::FilterType::Triangle))
        } else {
            RgbF32::from_rgba(img)
        };
        let mut readings = self.analyse(&rgb, options);
        let faces = readings.len();
        if faces == 0 {
            return Err(VisionError::NoFace { path: label.to_path_buf(), sizes: options.sizes.clone(), threshold: options.threshold });
        }
        readings.sort_by(|a, b| b.detection.rect.area().total_cmp(&a.detection.rect.area()));
        let mut reading = readings.swap_remove(0);
        let up = 1.0 / shrink;
        let r = &mut reading.detection.rect;
        (r.x, r.y, r.width, r.height) = (r.x * up, r.y * up, r.width * up, r.height * up);
        reading.landmarks = reading.landmarks.map(|[x, y]| [x * up, y * up]);
        if reading.detection.rect.width < MIN_FACE_SIDE {
            return Err(VisionError::FaceTooSmall { path: label.to_path_buf(), width: reading.detection.rect.width });
        }
        let mut warnings = Vec::new();
        if faces > 1 {
            warnings.push(format!("{}: {faces} faces found; rigged the largest", label.display()));
        }
        let mut points: Vec<[f32; 2]> =
            reading.landmarks.iter().map(|&[x, y]| [x.clamp(0.0, w as f32), y.clamp(0.0, h as f32)]).collect();
        if let Some(w) = close_crossed_inner_lips(&mut points) {
            warnings.push(format!("{}: {w}", label.display()));
        }
        let b = reading.detection.rect.clip_floor(w as usize, h as usize);
        let face_box = [b.x, b.y, b.x + b.width, b.y + b.height];
        let mut rig = PortraitRig {
            version: RIG_VERSION,
            image: label.file_name().map(|n| n.to_string_lossy().into_owned()),
            width: w,
            height: h,
            landmarks: points,
            face_box: (b.width > 0.0 && b.height > 0.0).then_some(face_box),
            hints: RigHints::default(),
        };
        warnings
            .extend(tuck_inner_lip_corners(&mut rig, label).into_iter().map(|w| format!("{}: {w}", label.display())));
        rig.validate(label)?;
        Ok(AutoRig { rig, reading, faces, warnings })
    }
}

#[cfg(feature = "flex")]
impl PortraitRig {
    /// Finds the face in a portrait and rigs it, with the shipped face-api networks on the CPU
    /// (burn's Flex backend) and the default [`DetectOptions`]. For another backend or options,
    /// use [`FacePerception::rig`].
    pub fn detect(image: &RgbaImage) -> Result<AutoRig, VisionError> {
        let perception = FacePerception::<burn::backend::Flex>::shipped(&Default::default())?;
        perception.rig(image, Path::new("<image>"), &DetectOptions::default())
    }

    /// [`detect`](Self::detect) on an image file (errors and warnings name it).
    pub fn detect_file(path: &Path) -> Result<AutoRig, VisionError> {
        let image = read_image(path)?;
        let perception = FacePerception::<burn::backend::Flex>::shipped(&Default::default())?;
        perception.rig(&image, path, &DetectOptions::default())
    }
}
