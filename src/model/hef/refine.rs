//! HEF on a portrait of any size: the face is cropped to the framing HEF was trained on, the
//! network runs on the crop at its own size, and what it changes (its frame less the warp's) is
//! added back onto the full-resolution warp frame.
//!
//! - **The crop** ([`FaceCrop`]): a square around the face, scaled so that the outer eye
//!   corners are [`CROP_IOD`] of its side apart and their midpoint sits at [`CROP_EYES`], the
//!   mean framing of the procedural characters HEF is trained on (a test holds these to the
//!   painter). A 512 px character's crop is its whole frame; a photo's is a square around the
//!   face, and may reach past the image's edges (those pixels repeat the edge).
//! - **The crop portrait**: the crop resampled to the network's size (area-averaged when it
//!   shrinks), rigged with the portrait's landmarks carried into the crop, and prepared like
//!   any portrait. It renders the same warp as the full portrait, only smaller.
//! - **The refinement** ([`Refinement`]): HEF's frame of the crop, and where it differs from
//!   the crop's warp (a mask: the largest channel difference ramped from [`MASK_FROM`] over
//!   [`MASK_RAMP`], dilated by a pixel and blurred over 3 × 3), only over the face and
//!   [`FACE_REACH`] pixels around it (the warp's geometry labels: hair, neck and clothes stay
//!   the warp's). On the full-resolution warp frame it replaces the warp where the mask says
//!   so, bilinearly resampled and faded out over the crop's last [`FEATHER`] pixels; elsewhere
//!   the warp keeps its full detail.
//!
//! Why replace rather than add HEF's change: the warp of the crop at the network's size is not
//! the full-resolution warp shrunk (the mouth's procedural interior and the creases depend on the
//! pixel size), so a change measured against the small warp, added to the large one, paints over
//! what the large one drew differently: on held-out characters painted at 512 px that lost
//! 0.6–1.0 dB in the mouth, where replacing gains 2–4 dB (BENCHMARKS.md, "HEF"). What HEF paints
//! is at the network's resolution: on a 512 px portrait its mouth is softer than the warp's.

use burn::prelude::Backend;
use burn::tensor::Tensor;
use burn::tensor::module::{avg_pool2d, max_pool2d};
use glam::Vec2;
use image::RgbaImage;

use super::STYLE_INTENSITY;
use super::frame::{HefFrame, HefFrameError, batch, hef_frame};
use super::saved::HefModel;
use crate::face::cpu_render::sample_rgba;
use crate::face::geometry::GeometryLabel;
use crate::face::{BlendshapeBasis, HeadPose, PortraitRig, PreparedPortrait, RigError};

/// The outer eye corners' distance as a fraction of the crop's side (the procedural
/// characters' mean: their scale is 0.20–0.25 of the frame).
pub const CROP_IOD: f32 = 0.225;
/// Where the midpoint of the outer eye corners sits in the crop, as fractions of its side
/// (the characters' mean placement).
pub const CROP_EYES: [f32; 2] = [0.5, 0.405];
/// Crop pixels (at the network's size) over which the refinement fades out at the crop's edge.
pub const FEATHER: f32 = 4.0;
/// The colour difference (0–1, largest channel) from which HEF's frame starts to replace the
/// warp's.
pub const MASK_FROM: f32 = 0.02;
/// The further difference over which the replacement ramps up to complete.
pub const MASK_RAMP: f32 = 0.06;
/// How far (crop pixels at the network's size) outside the face (the warp's geometry labels
/// skin, lips, eyes and mouth) HEF may still replace the warp: hair, neck, clothes and
/// background stay the warp's. HEF is trained on painted characters only; on a photograph,
/// weights fine-tuned on the current warp repainted the astronaut's collar below the chin as a
/// smooth blob (BENCHMARKS.md, "HEF").
pub const FACE_REACH: usize = 2;

/// A square around a face in the portrait's pixels (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceCrop {
    /// The crop's top-left corner, portrait pixels.
    pub origin: Vec2,
    /// Its side, portrait pixels.
    pub side: f32,
}

impl FaceCrop {
    /// The crop of a face with these 68 landmarks (outer eye corners 36 and 45).
    pub fn of_landmarks(landmarks: &[Vec2]) -> Self {
        let (a, b) = (landmarks[36], landmarks[45]);
        let side = (b - a).length().max(1e-3) / CROP_IOD;
        let origin = (a + b) / 2.0 - Vec2::from(CROP_EYES) * side;
        Self { origin, side }
    }

    /// The crop of a rigged portrait's face.
    pub fn of_rig(rig: &PortraitRig) -> Self {
        Self::of_landmarks(&rig.points())
    }

    /// A portrait point in the coordinates of the crop drawn at `size` pixels.
    pub fn to_crop(&self, p: Vec2, size: u32) -> Vec2 {
        (p - self.origin) * (size as f32 / self.side)
    }

    /// The crop's pixels at `size × size`, area-averaged where it shrinks the portrait.
    pub fn resample(&self, image: &RgbaImage, size: u32) -> RgbaImage {
        let step = self.side / size as f32;
        let k = step.ceil().max(1.0) as u32;
        RgbaImage::from_fn(size, size, |x, y| {
            let mut acc = [0.0f32; 4];
            for j in 0..k {
                for i in 0..k {
                    let o = Vec2::new((i as f32 + 0.5) / k as f32, (j as f32 + 0.5) / k as f32);
                    let p = self.origin + (Vec2::new(x as f32, y as f32) + o) * step;
                    let s = sample_rgba(image, p);
                    acc.iter_mut().zip(s).for_each(|(a, v)| *a += v);
                }
            }
            let n = (k * k) as f32;
            image::Rgba(acc.map(|v| (v / n * 255.0).round().clamp(0.0, 255.0) as u8))
        })
    }

    /// The rig of the crop drawn at `size × size` (landmarks, face box and hints carried over).
    pub fn rig(&self, rig: &PortraitRig, size: u32) -> PortraitRig {
        let map = |[x, y]: [f32; 2]| self.to_crop(Vec2::new(x, y), size).to_array();
        PortraitRig {
            image: None,
            width: size,
            height: size,
            landmarks: rig.landmarks.iter().map(|p| map(*p)).collect(),
            face_box: rig.face_box.map(|[x0, y0, x1, y1]| {
                let ([a, b], [c, d]) = (map([x0, y0]), map([x1, y1]));
                [a, b, c, d]
            }),
            ..rig.clone()
        }
    }
}

/// Why HEF cannot refine a portrait.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HefError {
    /// The face crop's rig did not prepare (a degenerate face).
    #[error("HEF's face crop: {0}")]
    Crop(#[from] RigError),
    /// A frame's inputs could not be made.
    #[error("HEF's frame: {0}")]
    Frame(#[from] HefFrameError),
}

/// What HEF makes of one frame over the face crop: its frame and where it replaces the warp's.
#[derive(Debug, Clone, PartialEq)]
pub struct Refinement {
    /// The crop it covers.
    pub crop: FaceCrop,
    /// Its side in pixels (the network's size).
    pub size: u32,
    /// `[4, size, size]`: HEF's frame (RGB, 0–1), then the mask (0–1: how much it replaces the
    /// warp's frame).
    pub rgba: Vec<f32>,
}

impl Refinement {
    /// The refinement at a point of the crop's pixels (bilinear, clamped; centres at +0.5).
    fn at(&self, u: Vec2) -> [f32; 4] {
        let n = self.size as usize;
        let x = (u.x - 0.5).clamp(0.0, n as f32 - 1.0);
        let y = (u.y - 0.5).clamp(0.0, n as f32 - 1.0);
        let (x0, y0) = (x.floor() as usize, y.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(n - 1), (y0 + 1).min(n - 1));
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        [0, 1, 2, 3].map(|c| {
            let v = |x: usize, y: usize| self.rgba[c * n * n + y * n + x];
            let top = v(x0, y0) * (1.0 - fx) + v(x1, y0) * fx;
            let bottom = v(x0, y1) * (1.0 - fx) + v(x1, y1) * fx;
            top * (1.0 - fy) + bottom * fy
        })
    }

    /// How much of the refinement applies at a crop point: 1 inside, falling to 0 over the last
    /// [`FEATHER`] pixels of the crop.
    fn weight(&self, u: Vec2) -> f32 {
        let n = self.size as f32;
        let edge = u.x.min(u.y).min(n - u.x).min(n - u.y);
        (edge / FEATHER).clamp(0.0, 1.0)
    }

    /// Puts HEF's frame into `frame`, the warp's frame of the whole portrait, where its mask
    /// says.
    pub fn apply(&self, frame: &mut RgbaImage) {
        if self.size == 0 || self.rgba.len() != 4 * (self.size * self.size) as usize {
            return;
        }
        let (w, h) = frame.dimensions();
        let (lo, hi) = (self.crop.origin, self.crop.origin + Vec2::splat(self.crop.side));
        let (x0, y0) = (lo.x.floor().max(0.0) as u32, lo.y.floor().max(0.0) as u32);
        let (x1, y1) = ((hi.x.ceil().max(0.0) as u32).min(w), (hi.y.ceil().max(0.0) as u32).min(h));
        for y in y0..y1 {
            for x in x0..x1 {
                let u = self.crop.to_crop(Vec2::new(x as f32 + 0.5, y as f32 + 0.5), self.size);
                let edge = self.weight(u);
                if edge <= 0.0 {
                    continue;
                }
                let r = self.at(u);
                let a = edge * r[3].clamp(0.0, 1.0);
                if a <= 0.0 {
                    continue;
                }
                let p = frame.get_pixel_mut(x, y);
                for c in 0..3 {
                    let v = p.0[c] as f32 * (1.0 - a) + r[c].clamp(0.0, 1.0) * 255.0 * a;
                    p.0[c] = v.round().clamp(0.0, 255.0) as u8;
                }
            }
        }
    }
}

/// HEF set up for one portrait: the network, the face crop and the crop's prepared portrait.
pub struct HefRefiner<B: Backend> {
    model: HefModel<B>,
    crop: FaceCrop,
    prepared: PreparedPortrait,
    device: B::Device,
}

impl<B: Backend> std::fmt::Debug for HefRefiner<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HefRefiner")
            .field("config", &self.model.config)
            .field("crop", &self.crop)
            .finish_non_exhaustive()
    }
}

impl<B: Backend> HefRefiner<B> {
    /// Sets HEF up for a portrait (its image and rig, as the warp renderer prepared them).
    pub fn new(
        model: HefModel<B>,
        image: &RgbaImage,
        rig: &PortraitRig,
        basis: &BlendshapeBasis,
        device: &B::Device,
    ) -> Result<Self, HefError> {
        let size = model.config.size as u32;
        let crop = FaceCrop::of_rig(rig);
        let prepared = PreparedPortrait::new(crop.resample(image, size), &crop.rig(rig, size), basis)?;
        Ok(Self { model, crop, prepared, device: device.clone() })
    }

    /// The face crop.
    pub fn crop(&self) -> FaceCrop {
        self.crop
    }

    /// The crop's prepared portrait at the network's size.
    pub fn crop_portrait(&self) -> &PreparedPortrait {
        &self.prepared
    }

    /// The crop's inputs for one frame (the CPU half: the warp at the network's size, its
    /// geometry and flow) at these weights (already scaled by any expressiveness gain) and pose.
    /// The style code's intensity is [`STYLE_INTENSITY`], the one the trainer gives every pair.
    pub fn frame(&self, weights: &[f32], pose: &HeadPose, basis: &BlendshapeBasis) -> Result<HefFrame, HefError> {
        Ok(hef_frame(&self.prepared, weights, pose, STYLE_INTENSITY, basis)?)
    }

    /// HEF's refinement of a frame, `[1, 4, size, size]` (its frame, then the mask; see
    /// [`Refinement`]), on the refiner's device (nothing is read back: a GPU backend leaves it
    /// on the GPU).
    pub fn refine_tensor(&self, frame: &HefFrame) -> Tensor<B, 4> {
        let input = batch::<B>(std::slice::from_ref(frame), &self.device);
        let warped = input.warped.clone();
        // The geometry image's red channel is the label (`GeometryLabel::is_face`).
        let face_from = (GeometryLabel::FACE_RED as f32 - 0.5) / 255.0;
        let face = input.geometry.clone().narrow(1, 0, 1).greater_elem(face_from).float();
        let image = self.model.net.forward(input).image.clamp(0.0, 1.0);
        let differs = (image.clone() - warped).abs().max_dim(1);
        let mask = ((differs - MASK_FROM) / MASK_RAMP).clamp(0.0, 1.0);
        let mask = max_pool2d(mask, [3, 3], [1, 1], [1, 1], [1, 1], false);
        let mask = avg_pool2d(mask, [3, 3], [1, 1], [1, 1], false, false);
        let r = FACE_REACH;
        let face = max_pool2d(face, [2 * r + 1, 2 * r + 1], [1, 1], [r, r], [1, 1], false);
        let face = avg_pool2d(face, [3, 3], [1, 1], [1, 1], false, false);
        Tensor::cat(vec![image, mask * face], 1)
    }

    /// HEF's refinement at these weights and pose ([`frame`](Self::frame), then
    /// [`refine_tensor`](Self::refine_tensor), read back).
    pub fn refinement(
        &self,
        weights: &[f32],
        pose: &HeadPose,
        basis: &BlendshapeBasis,
    ) -> Result<Refinement, HefError> {
        let rgba =
            self.refine_tensor(&self.frame(weights, pose, basis)?).into_data().to_vec::<f32>().unwrap_or_default();
        Ok(Refinement { crop: self.crop, size: self.size(), rgba })
    }

    /// The network's size (the refinement's side in pixels).
    pub fn size(&self) -> u32 {
        self.model.config.size as u32
    }

    /// The warp's frame refined by HEF: [`refinement`](Self::refinement) applied to `frame`.
    pub fn refine(
        &self,
        frame: &mut RgbaImage,
        weights: &[f32],
        pose: &HeadPose,
        basis: &BlendshapeBasis,
    ) -> Result<(), HefError> {
        self.refinement(weights, pose, basis)?.apply(frame);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::npc::NpcParams;

    #[test]
    fn the_crop_frames_faces_as_the_training_characters_are_framed() {
        // HEF learnt on whole procedural characters: their mean framing is the crop's.
        let (mut iod, mut eyes, n) = (0.0, Vec2::ZERO, 64);
        for seed in 1000..1000 + n {
            let params = NpcParams::from_seed(seed, 128);
            let sim = params.placement();
            let lm = params.shape().map(|p| sim.apply(p));
            iod += (lm[45] - lm[36]).length() / 128.0;
            eyes += (lm[36] + lm[45]) / 2.0 / 128.0;
        }
        let (iod, eyes) = (iod / n as f32, eyes / n as f32);
        assert!((iod / CROP_IOD - 1.0).abs() < 0.04, "characters' eye distance {iod}, crop's {CROP_IOD}");
        assert!((eyes - Vec2::from(CROP_EYES)).length() < 0.02, "characters' eyes at {eyes}, crop's {CROP_EYES:?}");
    }

    #[test]
    fn a_crop_carries_landmarks_and_pixels_together() {
        let rig = crate::face::npc::generate(3, 256).rig;
        let image = RgbaImage::from_fn(256, 256, |x, y| image::Rgba([x as u8, y as u8, 0, 255]));
        let crop = FaceCrop::of_rig(&rig);
        let small = crop.resample(&image, 64);
        let moved = crop.rig(&rig, 64);
        // Each landmark lands on the crop pixel that shows the portrait pixel it came from.
        for (p, q) in rig.landmarks.iter().zip(&moved.landmarks) {
            let px = small.get_pixel((q[0] as u32).min(63), (q[1] as u32).min(63));
            assert!((px.0[0] as f32 - p[0]).abs() <= crop.side / 64.0 + 1.0, "{p:?} -> {q:?}: {px:?}");
            assert!((px.0[1] as f32 - p[1]).abs() <= crop.side / 64.0 + 1.0, "{p:?} -> {q:?}: {px:?}");
        }
    }

    #[test]
    fn a_refinement_replaces_the_warp_where_its_mask_says_within_its_crop() {
        let crop = FaceCrop { origin: Vec2::new(16.0, 8.0), side: 32.0 };
        let n = 16 * 16;
        // HEF's frame is 0.6 grey; its mask is 1 on the left half of the crop, 0 on the right.
        let mut rgba = vec![0.6; 3 * n];
        rgba.extend((0..n).map(|i| if i % 16 < 8 { 1.0 } else { 0.0 }));
        let r = Refinement { crop, size: 16, rgba };
        let mut frame = RgbaImage::from_pixel(64, 64, image::Rgba([100, 100, 100, 255]));
        r.apply(&mut frame);
        assert_eq!(frame.get_pixel(8, 20).0, [100, 100, 100, 255], "outside the crop");
        assert_eq!(frame.get_pixel(24, 24).0, [153, 153, 153, 255], "masked: HEF's 0.6");
        assert_eq!(frame.get_pixel(44, 24).0, [100, 100, 100, 255], "unmasked: the warp");
        let edge = frame.get_pixel(16, 24).0[0];
        assert!(edge > 100 && edge < 110, "the first crop pixel fades: {edge}");
    }
}
