//! Auto-rigging: a [`PortraitRig`] from a bare image.
//!
//! The face is found at every detector size of [`DetectOptions`] and merged; several faces keep
//! the largest (with a warning); the 68 landmarks become the rig after a closed mouth's crossed
//! inner lips are closed ([`close_crossed_inner_lips`]) and a smile's inner-lip corners that fold
//! the mesh are tucked in ([`tuck_inner_lip_corners`]). A face that fills the frame (none found,
//! or the largest reaching an edge) is looked at again in the image with its edge pixels carried
//! on ([`EDGE_MARGIN`]), as the detector and the landmark net need room round a face. Points
//! outside the image are pulled onto its edge (with a warning when more than a hair outside), and
//! where that leaves no usable mesh the error is [`VisionError::FaceCut`]. Images larger than
//! [`WORK_SIDE`] are looked at shrunk (the networks see at most 608 px anyway) and the points
//! scaled back.

use std::path::{Path, PathBuf};

use burn::prelude::Backend;
use image::RgbaImage;

use super::image::{Rect, RgbF32};
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

/// A face whose detector box comes nearer an edge of the image than this fraction of the box's
/// side (or crosses it) is looked at again with the image's edges carried on (see
/// [`EDGE_MARGIN`]).
pub const EDGE_NEAR: f32 = 0.15;
/// How far the image's edge pixels are carried on, a fraction of its longer side, when no face
/// is found or the largest reaches an edge: the tiny detector misses a face that fills the frame
/// (it was trained on faces with room round them), and the landmark net, given a box cut by the
/// image's edge, places the points in a squashed crop.
pub const EDGE_MARGIN: f32 = 0.3;
/// Detections of the two looks overlapping by more than this are the same face.
const SAME_FACE_IOU: f32 = 0.3;

/// Whether `r` comes within [`EDGE_NEAR`] of its side of a `width × height` image's edge.
fn near_edge(r: &Rect, width: usize, height: usize) -> bool {
    let m = EDGE_NEAR * r.width.max(r.height);
    r.x < m || r.y < m || r.right() > width as f32 - m || r.bottom() > height as f32 - m
}

/// Sorts faces largest (detector box area) first.
fn largest_first(readings: &mut [FaceReading]) {
    readings.sort_by(|a, b| b.detection.rect.area().total_cmp(&a.detection.rect.area()));
}

/// `reading` moved by `d` pixels on both axes.
fn shifted(mut reading: FaceReading, d: f32) -> FaceReading {
    for r in [&mut reading.detection.rect, &mut reading.expression_box] {
        (r.x, r.y) = (r.x + d, r.y + d);
    }
    reading.landmarks = reading.landmarks.map(|[x, y]| [x + d, y + d]);
    reading
}

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
    /// The face is cut off by the image's edge: landmarks beyond it were pulled onto it, and
    /// what that made is no usable rig.
    #[error(
        "{path}: the face is cut off by the image's {edges} ({points} of its 68 landmarks lie beyond the frame); pulled onto it they make no usable rig ({rig}); give the portrait some room round the face"
    )]
    FaceCut {
        /// The file.
        path: PathBuf,
        /// The edges the face crosses (`"top edge"`, `"bottom and left edges"`, …).
        edges: String,
        /// How many of the 68 landmarks lie beyond them.
        points: usize,
        /// Why the rig was refused.
        rig: RigError,
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
    /// What the caller should hear about (several faces, lips closed, a face reaching the edge
    /// looked at again), one sentence each.
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
        largest_first(&mut readings);
        let mut warnings = Vec::new();
        if readings.first().is_none_or(|r| near_edge(&r.detection.rect, rgb.width, rgb.height)) {
            let margin = (EDGE_MARGIN * rgb.width.max(rgb.height) as f32).round() as usize;
            let again = self.look_again(&rgb, margin, options);
            let carried = format!("with the image's edge pixels carried on {} px", (margin as f32 / shrink).round());
            match readings.first_mut() {
                Some(first) => {
                    if let Some(r) = same_face(again, first) {
                        let what = "the face reaches the image's edge; it was looked at again";
                        warnings.push(format!("{}: {what} {carried}", label.display()));
                        *first = r;
                    }
                }
                None if !again.is_empty() => {
                    warnings.push(format!("{}: no face found at first; found {carried}", label.display()));
                    readings = again;
                }
                None => {}
            }
        }
        let faces = readings.len();
        if faces == 0 {
            return Err(VisionError::NoFace {
                path: label.to_path_buf(),
                sizes: options.sizes.clone(),
                threshold: options.threshold,
            });
        }
        let mut reading = readings.swap_remove(0);
        let up = 1.0 / shrink;
        for r in [&mut reading.detection.rect, &mut reading.expression_box] {
            (r.x, r.y, r.width, r.height) = (r.x * up, r.y * up, r.width * up, r.height * up);
        }
        reading.landmarks = reading.landmarks.map(|[x, y]| [x * up, y * up]);
        if reading.detection.rect.width < MIN_FACE_SIDE {
            return Err(VisionError::FaceTooSmall { path: label.to_path_buf(), width: reading.detection.rect.width });
        }
        if faces > 1 {
            warnings.push(format!("{}: {faces} faces found; rigged the largest", label.display()));
        }
        // Points a hair outside (2 % of the face) are the net's noise, not a cut.
        let cut = cut_edges(&reading.landmarks, w as f32, h as f32, 0.02 * reading.detection.rect.width);
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
        match rig.validate(label) {
            Ok(()) => {
                if cut.1 > 0 {
                    warnings.push(format!(
                        "{}: the face reaches beyond the image's {} ({} of its 68 landmarks); they were pulled onto the frame",
                        label.display(),
                        cut.0,
                        cut.1
                    ));
                }
                Ok(AutoRig { rig, reading, faces, warnings })
            }
            Err(rig_error) if cut.1 > 0 => {
                Err(VisionError::FaceCut { path: label.to_path_buf(), edges: cut.0, points: cut.1, rig: rig_error })
            }
            Err(rig_error) => Err(rig_error.into()),
        }
    }

    /// The second look at an image whose largest face reaches its edge (or that showed none):
    /// the faces found in it with its edge pixels carried on `margin` pixels, in the image's own
    /// pixels, those whose box is centred inside the image only, largest first.
    fn look_again(&self, rgb: &RgbF32, margin: usize, options: &DetectOptions) -> Vec<FaceReading> {
        let image = Rect { x: 0.0, y: 0.0, width: rgb.width as f32, height: rgb.height as f32 };
        let mut again: Vec<FaceReading> = self
            .analyse(&rgb.extend_edges(margin), options)
            .into_iter()
            .map(|r| shifted(r, -(margin as f32)))
            .filter(|r| image.holds(r.detection.rect.centre()))
            .collect();
        largest_first(&mut again);
        again
    }
}

/// The face of the second look that is `first` seen again: the one overlapping it most (IoU above
/// 0.3) or, failing that, one holding its centre.
fn same_face(again: Vec<FaceReading>, first: &FaceReading) -> Option<FaceReading> {
    again
        .into_iter()
        .map(|r| (r.detection.rect.iou(&first.detection.rect), r))
        .filter(|(iou, r)| *iou > SAME_FACE_IOU || r.detection.rect.holds(first.detection.rect.centre()))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, r)| r)
}

/// Which edges of a `width × height` image the points lie beyond by more than `slack` pixels
/// (`"top edge"`, `"bottom and left edges"`; empty when none) and how many points do.
fn cut_edges(points: &[[f32; 2]], width: f32, height: f32, slack: f32) -> (String, usize) {
    let sides: [(&str, &dyn Fn(&[f32; 2]) -> bool); 4] = [
        ("top", &|p| p[1] < -slack),
        ("bottom", &|p| p[1] > height + slack),
        ("left", &|p| p[0] < -slack),
        ("right", &|p| p[0] > width + slack),
    ];
    let edges: Vec<&str> = sides.iter().filter(|(_, beyond)| points.iter().any(beyond)).map(|(e, _)| *e).collect();
    let n = points.iter().filter(|p| sides.iter().any(|(_, beyond)| beyond(p))).count();
    let named = match edges.as_slice() {
        [] => String::new(),
        [one] => format!("{one} edge"),
        [init @ .., last] => format!("{} and {last} edges", init.join(", ")),
    };
    (named, n)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_edges_name_the_edges_beyond_the_slack() {
        let mut pts = [[50.0f32, 50.0]; 68];
        assert_eq!(cut_edges(&pts, 100.0, 80.0, 1.0), (String::new(), 0));
        pts[0] = [-0.5, 40.0]; // within the slack
        assert_eq!(cut_edges(&pts, 100.0, 80.0, 1.0), (String::new(), 0));
        pts[1] = [30.0, -3.0];
        assert_eq!(cut_edges(&pts, 100.0, 80.0, 1.0), ("top edge".to_string(), 1));
        pts[2] = [120.0, 90.0]; // beyond two edges, one point
        pts[3] = [10.0, 85.0];
        assert_eq!(cut_edges(&pts, 100.0, 80.0, 1.0), ("top, bottom and right edges".to_string(), 3));
    }

    #[test]
    fn a_box_near_an_edge_is_seen_and_a_reading_moves_whole() {
        let r = |x, y, s| Rect { x, y, width: s, height: s };
        assert!(!near_edge(&r(20.0, 20.0, 60.0), 100, 100));
        assert!(near_edge(&r(5.0, 20.0, 60.0), 100, 100)); // 5 < 0.15 · 60
        assert!(near_edge(&r(20.0, 35.0, 60.0), 100, 100)); // bottom at 95
        assert!(near_edge(&r(-10.0, 20.0, 60.0), 100, 100));
        let reading = FaceReading {
            detection: crate::vision::Detection { rect: r(10.0, 20.0, 30.0), score: 0.9 },
            sizes_found: 2,
            landmarks: [[15.0, 25.0]; 68],
            expression_box: r(12.0, 22.0, 26.0),
            expressions: [0.0; 7],
        };
        let moved = shifted(reading, -10.0);
        assert_eq!((moved.detection.rect.x, moved.detection.rect.y), (0.0, 10.0));
        assert_eq!((moved.expression_box.x, moved.expression_box.y), (2.0, 12.0));
        assert_eq!(moved.landmarks[67], [5.0, 15.0]);
        assert_eq!(moved.detection.rect.width, 30.0);
    }
}
