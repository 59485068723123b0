//! The whole perception pipeline on one image: faces (at several detector sizes, merged),
//! 68 landmarks and the expression of each.
//!
//! It follows face-api's `detectAllFaces(…).withFaceLandmarks().withFaceExpressions()`: the
//! landmark net sees the detection box (clipped to the image and floored), its points are
//! shifted back by the box's unfloored corner, and the expression net sees the landmarks'
//! bounding box grown by 20 % (`FaceLandmarks.align()`).

use burn::prelude::Backend;

use super::detector::{Detection, suppress};
use super::features::Expression;
use super::image::{Rect, RgbF32};
use super::weights::VisionNets;

/// The detector sizes tried by default: the tiny detector misses at one size faces it finds at
/// another, so every size runs and the boxes are merged.
pub const DEFAULT_SIZES: [usize; 4] = [320, 416, 512, 608];

/// How faces are looked for.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectOptions {
    /// Detector input sizes (multiples of 32).
    pub sizes: Vec<usize>,
    /// The detector score a box needs (face-api's default: 0.5).
    pub threshold: f32,
    /// Boxes from different sizes overlapping by more than this are one face.
    pub merge_iou: f32,
    /// Re-run the landmark net on a crop placed by its own first answer (see
    /// [`FacePerception::landmarks`]). Off by default: measured, it does not lower the error
    /// (held-out NPC seeds 100–149: mean NME 0.0348 → 0.0356; the astronaut: 0.0272 → 0.0323).
    pub refine: bool,
}

impl Default for DetectOptions {
    fn default() -> Self {
        Self { sizes: DEFAULT_SIZES.to_vec(), threshold: 0.5, merge_iou: 0.4, refine: false }
    }
}

/// One face seen in an image.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceReading {
    /// The merged detection.
    pub detection: Detection,
    /// How many detector sizes found it.
    pub sizes_found: usize,
    /// The 68 landmarks (iBUG order) in the image's pixels.
    pub landmarks: [[f32; 2]; 68],
    /// The box the expression net saw.
    pub expression_box: Rect,
    /// The expression probabilities, [`Expression::ALL`] order.
    pub expressions: [f32; 7],
}

impl FaceReading {
    /// The most probable expression and its probability.
    pub fn top_expression(&self) -> (Expression, f32) {
        top(&self.expressions)
    }
}

/// NME, the landmark error the face-alignment literature reports: the mean distance between
/// `ours` and `reference` over the inner 51 points (17–67, the jaw line left out) divided by the
/// reference's outer-eye-corner distance (36–45). `NaN` unless both hold 68 points.
pub fn nme(ours: &[[f32; 2]], reference: &[[f32; 2]]) -> f32 {
    if ours.len() != 68 || reference.len() != 68 {
        return f32::NAN;
    }
    let d = |a: [f32; 2], b: [f32; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
    let iod = d(reference[36], reference[45]);
    (17..68).map(|i| d(ours[i], reference[i])).sum::<f32>() / 51.0 / iod
}

/// The most probable class of a probability vector in [`Expression::ALL`] order.
pub fn top(p: &[f32; 7]) -> (Expression, f32) {
    let (i, v) = p.iter().enumerate().fold((0, f32::MIN), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
    (Expression::ALL[i], v)
}

/// The face-api networks, ready to look at images.
#[derive(Debug, Clone)]
pub struct FacePerception<B: Backend> {
    /// The networks.
    pub nets: VisionNets<B>,
    /// The device they run on.
    pub device: B::Device,
}

/// face-api's `FaceLandmarks.align()` box: the points' bounding box grown by 20 % of its size
/// (10 % each side). Like face-api, the box starts from the origin for its maximum.
pub fn aligned_box(points: &[[f32; 2]; 68]) -> Rect {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::INFINITY, f32::INFINITY, 0.0f32, 0.0f32);
    for &[x, y] in points {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let (w, h) = (x1 - x0, y1 - y0);
    Rect { x: x0 - 0.1 * w, y: y0 - 0.1 * h, width: 1.2 * w, height: 1.2 * h }
}

impl<B: Backend> FacePerception<B> {
    /// The shipped networks on `device`.
    pub fn shipped(device: &B::Device) -> Result<Self, crate::model::weights::ModelFileError> {
        Ok(Self { nets: VisionNets::shipped(device)?, device: device.clone() })
    }

    /// Faces at one detector size, as face-api's `detectAllFaces` with
    /// `TinyFaceDetectorOptions { inputSize, scoreThreshold }` finds them.
    pub fn detect_at(&self, img: &RgbF32, size: usize, threshold: f32) -> Vec<Detection> {
        self.nets.detector.detect(img, size, threshold, &self.device)
    }

    /// Faces at every size of `options`, merged: overlapping boxes from different sizes become
    /// one face whose box is their score-weighted mean and whose score is their best. Returns
    /// each face with the number of sizes that found it, strongest first.
    pub fn detect(&self, img: &RgbF32, options: &DetectOptions) -> Vec<(Detection, usize)> {
        let all: Vec<Detection> = options.sizes.iter().flat_map(|&s| self.detect_at(img, s, options.threshold)).collect();
        let leaders = suppress(all.clone(), options.merge_iou);
        leaders
            .into_iter()
            .map(|lead| {
                let group: Vec<&Detection> = all.iter().filter(|d| d.rect.iou(&lead.rect) > options.merge_iou).collect();
                let total: f32 = group.iter().map(|d| d.score).sum();
                let mean = |f: fn(&Rect) -> f32| group.iter().map(|d| f(&d.rect) * d.score).sum::<f32>() / total;
                let rect = Rect { x: mean(|r| r.x), y: mean(|r| r.y), width: mean(|r| r.width), height: mean(|r| r.height) };
                (Detection { rect, score: lead.score }, group.len())
            })
            .collect()
    }

    /// The 68 landmarks of the face in `face_box`, in image pixels, as face-api computes them
    /// (`None` when the box lies outside the image). With `refine`, the net runs a second time
    /// on a box of the first answer's size and place (the face's landmark box grown to the shape
    /// the detector's boxes have), which centres the face in the net's 112 px input.
    pub fn landmarks(&self, img: &RgbF32, face_box: &Rect, refine: bool) -> Option<[[f32; 2]; 68]> {
        let first = self.landmarks_in(img, face_box)?;
        if !refine {
            return Some(first);
        }
        let b = refinement_box(&first);
        Some(self.landmarks_in(img, &b).unwrap_or(first))
    }

    fn landmarks_in(&self, img: &RgbF32, r: &Rect) -> Option<[[f32; 2]; 68]> {
        let crop = img.crop(r)?;
        let pts = self.nets.landmarks.landmarks(&crop, &self.device);
        Some(pts.map(|[x, y]| [x + r.x, y + r.y]))
    }

    /// The expression probabilities of the face whose landmarks are `points`.
    pub fn expressions(&self, img: &RgbF32, points: &[[f32; 2]; 68]) -> Option<(Rect, [f32; 7])> {
        let b = aligned_box(points);
        let crop = img.crop(&b)?;
        Some((b, self.nets.expression.probabilities(&crop, &self.device)))
    }

    /// Every face in the image with its landmarks and expression, strongest first.
    pub fn analyse(&self, img: &RgbF32, options: &DetectOptions) -> Vec<FaceReading> {
        self.detect(img, options)
            .into_iter()
            .filter_map(|(detection, sizes_found)| {
                let landmarks = self.landmarks(img, &detection.rect, options.refine)?;
                let (expression_box, expressions) = self.expressions(img, &landmarks)?;
                Some(FaceReading { detection, sizes_found, landmarks, expression_box, expressions })
            })
            .collect()
    }
}

/// The box the refinement pass crops: centred on the landmarks' box, [`REFINE_SCALE`] times
/// their span, which is where the tiny detector puts its box around a face's landmarks on
/// average (measured on NPC seeds 0–49 with `examples/vision_eval.rs --calibrate`: 1.266 ×
/// 1.204, centres within 1 % of the box; seeds from 100 on are held out for the evaluation).
pub fn refinement_box(points: &[[f32; 2]; 68]) -> Rect {
    let a = aligned_box(points);
    let (w, h) = (a.width / 1.2, a.height / 1.2);
    let (cx, cy) = (a.x + a.width / 2.0, a.y + a.height / 2.0);
    let (bw, bh) = (w * REFINE_SCALE[0], h * REFINE_SCALE[1]);
    Rect { x: cx - bw / 2.0, y: cy - bh / 2.0 - REFINE_SHIFT * bh, width: bw, height: bh }
}

/// Width and height of the refinement crop over the landmarks' span.
pub const REFINE_SCALE: [f32; 2] = [1.266, 1.204];
/// Upward shift of the refinement crop, a fraction of its height.
pub const REFINE_SHIFT: f32 = 0.007;
