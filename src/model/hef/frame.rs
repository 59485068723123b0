//! One frame's inputs for HEF, made by the warp renderer: the source, the warped frame, its
//! geometry image and masks, and its backward map as a flow ([`PreparedPortrait::source_map`]).
//!
//! The portrait is taken whole, so it must be square; a procedural NPC painted at the network's
//! size is one. Any other portrait goes through [`super::refine`], which crops its face to the
//! network's framing and size first.

use burn::prelude::Backend;
use burn::tensor::{Tensor, TensorData};
use image::RgbaImage;

use super::{HefInput, STYLE_INPUTS};
use crate::face::blendshapes::N_BLENDSHAPES;
use crate::face::geometry::{GeometryLabel, LABEL_STEP};
use crate::face::{BlendshapeBasis, HeadPose, PreparedPortrait};

/// One frame's images and flow (see the module docs).
#[derive(Debug, Clone)]
pub struct HefFrame {
    /// The portrait at rest.
    pub source: RgbaImage,
    /// The warp renderer's frame.
    pub warped: RgbaImage,
    /// Its geometry image (labels, shading, depth).
    pub geometry: RgbaImage,
    /// Per pixel (row-major), where the warp samples the source, as an offset from the pixel
    /// in normalised units (2 / size per pixel), `x` then `y`.
    pub flow: Vec<[f32; 2]>,
    /// The style inputs ([`style_inputs`]).
    pub style: [f32; STYLE_INPUTS],
}

/// Why a frame cannot be made.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum HefFrameError {
    /// The portrait is not square.
    #[error("HEF takes square portraits, this one is {width}x{height}")]
    NotSquare {
        /// Width.
        width: u32,
        /// Height.
        height: u32,
    },
}

/// The per-frame style inputs: the 52 weights, yaw, pitch and roll in radians, intensity / 3.
pub fn style_inputs(weights: &[f32], pose: &HeadPose, intensity: f32) -> [f32; STYLE_INPUTS] {
    let mut s = [0.0; STYLE_INPUTS];
    for (o, w) in s.iter_mut().zip(weights.iter().take(N_BLENDSHAPES)) {
        *o = if w.is_finite() { *w } else { 0.0 };
    }
    s[N_BLENDSHAPES] = pose.yaw.to_radians();
    s[N_BLENDSHAPES + 1] = pose.pitch.to_radians();
    s[N_BLENDSHAPES + 2] = pose.roll.to_radians();
    s[N_BLENDSHAPES + 3] = intensity / 3.0;
    s
}

/// Renders one frame's inputs.
pub fn hef_frame(
    portrait: &PreparedPortrait,
    weights: &[f32],
    pose: &HeadPose,
    intensity: f32,
    basis: &BlendshapeBasis,
) -> Result<HefFrame, HefFrameError> {
    let (width, height) = portrait.image().dimensions();
    if width != height {
        return Err(HefFrameError::NotSquare { width, height });
    }
    let size = width as f32;
    let map = portrait.source_map(weights, pose, basis);
    let flow = map
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (x, y) = ((i as u32 % width) as f32 + 0.5, (i as u32 / width) as f32 + 0.5);
            [(s.x - x) * 2.0 / size, (s.y - y) * 2.0 / size]
        })
        .collect();
    Ok(HefFrame {
        source: portrait.image().clone(),
        warped: portrait.render(weights, pose, basis),
        geometry: portrait.geometry_image(weights, pose, basis),
        flow,
        style: style_inputs(weights, pose, intensity),
    })
}

/// An image's RGB as `[3, h, w]` floats 0–1, appended to `out`.
fn push_rgb(img: &RgbaImage, out: &mut Vec<f32>) {
    let (w, h) = img.dimensions();
    for c in 0..3 {
        for y in 0..h {
            for x in 0..w {
                out.push(img.get_pixel(x, y).0[c] as f32 / 255.0);
            }
        }
    }
}

/// Frames of one size as a batch for [`super::Hef::forward`] (geometry: the geometry image's
/// three channels, then the mouth and the eye masks from its labels).
pub fn batch<B: Backend>(frames: &[HefFrame], device: &B::Device) -> HefInput<B> {
    let n = frames.len();
    let s = frames.first().map_or(0, |f| f.source.width() as usize);
    let (mut source, mut warped, mut geometry, mut flow, mut style) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for f in frames {
        push_rgb(&f.source, &mut source);
        push_rgb(&f.warped, &mut warped);
        push_rgb(&f.geometry, &mut geometry);
        for label in [GeometryLabel::Mouth, GeometryLabel::Eye] {
            let red = label as u8 * LABEL_STEP;
            geometry.extend(f.geometry.pixels().map(|p| if p.0[0] == red { 1.0f32 } else { 0.0 }));
        }
        for k in 0..2 {
            flow.extend(f.flow.iter().map(|v| v[k]));
        }
        style.extend_from_slice(&f.style);
    }
    let t = |data: Vec<f32>, c: usize| Tensor::<B, 4>::from_data(TensorData::new(data, [n, c, s, s]), device);
    HefInput {
        source: t(source, 3),
        warped: t(warped, 3),
        geometry: t(geometry, 5),
        flow: t(flow, 2),
        style: Tensor::from_data(TensorData::new(style, [n, STYLE_INPUTS]), device),
    }
}
