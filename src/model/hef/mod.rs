//! HEF, the High-fidelity Emotional Face generator (Xu et al. 2023, Sec. 3.4, Eq. 7–10), as a
//! learned residual on emotalk's mesh warp, in burn, generic over the backend.
//!
//! The paper's block, with `F^s` the source's feature pyramid, `F^rd` the driving geometry's and
//! `z_sty` the style code:
//!
//! ```text
//! z_sty   = Linear([weights, pose, intensity, identity])                   (Eq. 7)
//! F_{i+1} = [T(φ_i, F^s_i), StyleConv(F_i, z_sty), F^rd_i]                 (Eq. 8)
//! φ_{i+1} = Flow(F_{i+1}) + Up(φ_i)                                        (Eq. 9)
//! I_{i+1} = RGB(F_{i+1}) + Up(I_i)                                         (Eq. 10)
//! ```
//!
//! Here it refines what the warp renderer already made rather than drawing from nothing:
//! - the **driving geometry** `E_rd` reads is the warp's own output stack: the warped image, the
//!   geometry image (region labels, shading, depth), the mouth and eye masks and the warp's flow;
//! - `T(φ_i, F^s_i)` samples the source's features where the warp's flow plus the learned
//!   residual flow `φ_i` point;
//! - `φ` and `I` are **residuals** that start at zero: the flow and RGB heads are zero-initialised,
//!   so the untrained network returns the warp exactly (a test), and the output is
//!   `T(φ_N, I_warp) + I_N`: the warped image, moved by the learned flow, plus a learned image;
//! - the identity in `z_sty` is the source encoder's coarsest features, pooled (one-shot, as the
//!   paper's `α_s` is a fitted identity);
//! - `StyleConv` is StyleGAN2's modulated, demodulated convolution ([`layers::StyleConv`]); `Up`
//!   is nearest ×2 plus a fixed blur ([`layers::upsample2`]) and warping is `grid_sample`, both
//!   with a backward on every backend (burn's bilinear `interpolate` has none on wgpu/cuda).
//!
//! Sizes ([`HefConfig`]): 256 px face crops, five levels from 16 to 256 px (four HEF blocks);
//! [`Hef::parameter_count`] and [`HefConfig::flops_per_frame`] report the cost, which
//! models/hef/README.md lists.

pub mod frame;
pub mod layers;
pub mod refine;
pub mod saved;

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Initializer, Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::Backend;
use burn::tensor::Tensor;
use burn::tensor::activation::leaky_relu;

use crate::face::blendshapes::N_BLENDSHAPES;
use layers::{LEAK, StyleConv, StyleConvConfig, downsample2, upsample2, warp};

/// Numbers in the per-frame style input: the 52 weights, the pose (yaw, pitch, roll in
/// radians) and the intensity over 3.
pub const STYLE_INPUTS: usize = N_BLENDSHAPES + 4;

/// The intensity in the style code of every frame: the trainer gives every pair this one
/// (`train::hef::make_pair`), so the weights carry the expression and inference must match.
pub const STYLE_INTENSITY: f32 = 2.0;

/// The flow heads' output scale: a unit of head output moves a pixel by 1 % of the frame, so
/// that Adam's first steps (about the learning rate on every weight of a zero head) nudge the
/// warp by a fraction of a pixel instead of tearing it.
pub const FLOW_GAIN: f32 = 0.01;
/// The RGB heads' output scale, for the same reason.
pub const RGB_GAIN: f32 = 0.1;

/// HEF's sizes.
#[derive(Config, Debug, PartialEq)]
pub struct HefConfig {
    /// Width and height of the face crop, pixels (a multiple of 2^(levels − 1)).
    #[config(default = 256)]
    pub size: usize,
    /// Feature channels per level, from full resolution to the coarsest (five levels: 256, 128,
    /// 64, 32, 16 px at the default size).
    #[config(default = "vec![16, 24, 32, 48, 64]")]
    pub channels: Vec<usize>,
    /// Style code width.
    #[config(default = 128)]
    pub style: usize,
    /// Channels of the geometry stack besides the warped image and the flow: the geometry
    /// image (3), the mouth mask and the eye mask.
    #[config(default = 5)]
    pub geometry_channels: usize,
}

/// One batch of HEF's inputs, all `size × size`, values 0–1 unless said.
#[derive(Debug, Clone)]
pub struct HefInput<B: Backend> {
    /// The portrait's face crop at rest, `[b, 3, s, s]`.
    pub source: Tensor<B, 4>,
    /// The warp renderer's output for the frame, `[b, 3, s, s]`.
    pub warped: Tensor<B, 4>,
    /// The geometry image and the masks, `[b, geometry_channels, s, s]`.
    pub geometry: Tensor<B, 4>,
    /// Where each output pixel samples the source in the warp, as an offset from the identity
    /// grid in normalised units (`x` then `y`), `[b, 2, s, s]`.
    pub flow: Tensor<B, 4>,
    /// Weights, pose and intensity ([`STYLE_INPUTS`]), `[b, STYLE_INPUTS]`.
    pub style: Tensor<B, 2>,
}

/// What HEF makes.
#[derive(Debug, Clone)]
pub struct HefOutput<B: Backend> {
    /// The frame, `[b, 3, s, s]`.
    pub image: Tensor<B, 4>,
    /// The learned residual flow at full resolution, `[b, 2, s, s]`.
    pub flow: Tensor<B, 4>,
    /// The learned image residual, `[b, 3, s, s]`.
    pub residual: Tensor<B, 4>,
}

/// A feature pyramid encoder: a stem at full resolution, then a stride-2 convolution per level.
#[derive(Module, Debug)]
pub struct Encoder<B: Backend> {
    stem: Conv2d<B>,
    down: Vec<Conv2d<B>>,
}

impl<B: Backend> Encoder<B> {
    fn new(channels_in: usize, channels: &[usize], device: &B::Device) -> Self {
        let conv = |i, o, stride| {
            Conv2dConfig::new([i, o], [3, 3])
                .with_stride([stride, stride])
                .with_padding(PaddingConfig2d::Explicit(1, 1, 1, 1))
                .init(device)
        };
        let stem = conv(channels_in, channels[0], 1);
        let down = channels.windows(2).map(|w| conv(w[0], w[1], 2)).collect();
        Self { stem, down }
    }

    /// The pyramid, full resolution first.
    fn forward(&self, x: Tensor<B, 4>) -> Vec<Tensor<B, 4>> {
        let mut out = vec![leaky_relu(self.stem.forward(x), LEAK)];
        for conv in &self.down {
            let last = out.last().cloned().expect("the stem's output");
            out.push(leaky_relu(conv.forward(last), LEAK));
        }
        out
    }
}

/// One HEF block (Eq. 8–10), from one level to the next finer one.
#[derive(Module, Debug)]
pub struct HefBlock<B: Backend> {
    style_conv: StyleConv<B>,
    fuse: Conv2d<B>,
    to_flow: Conv2d<B>,
    to_rgb: Conv2d<B>,
}

/// HEF (see the module docs).
#[derive(Module, Debug)]
pub struct Hef<B: Backend> {
    source_encoder: Encoder<B>,
    geometry_encoder: Encoder<B>,
    style_in: Linear<B>,
    style_out: Linear<B>,
    start: Conv2d<B>,
    blocks: Vec<HefBlock<B>>,
}

impl HefConfig {
    /// The network, its flow and RGB heads at zero (it starts as the warp).
    pub fn init<B: Backend>(&self, device: &B::Device) -> Hef<B> {
        let c = &self.channels;
        let levels = c.len();
        assert!(levels >= 2 && self.size % (1 << (levels - 1)) == 0, "HEF sizes: {self:?}");
        let conv = |i, o, k: usize| {
            let p = k / 2;
            Conv2dConfig::new([i, o], [k, k]).with_padding(PaddingConfig2d::Explicit(p, p, p, p)).init(device)
        };
        let zero = |i, o, k: usize| {
            let p = k / 2;
            Conv2dConfig::new([i, o], [k, k])
                .with_padding(PaddingConfig2d::Explicit(p, p, p, p))
                .with_initializer(Initializer::Zeros)
                .init(device)
        };
        let blocks = (0..levels - 1)
            .rev()
            .map(|fine| {
                let (from, to) = (c[fine + 1], c[fine]);
                HefBlock {
                    style_conv: StyleConvConfig::new(from, to, self.style).init(device),
                    // [warped source features, styled features, geometry features].
                    fuse: conv(3 * to, to, 3),
                    to_flow: zero(to, 2, 3),
                    to_rgb: zero(to, 3, 1),
                }
            })
            .collect();
        let coarse = c[levels - 1];
        Hef {
            source_encoder: Encoder::new(3, c, device),
            geometry_encoder: Encoder::new(3 + self.geometry_channels + 2, c, device),
            style_in: LinearConfig::new(STYLE_INPUTS + coarse, self.style).init(device),
            style_out: LinearConfig::new(self.style, self.style).init(device),
            start: conv(2 * coarse, coarse, 3),
            blocks,
        }
    }

    /// Multiply-adds × 2 of one frame's forward pass (convolutions, the style convolutions'
    /// modulation and the linear layers; element-wise work and sampling left out).
    pub fn flops_per_frame(&self) -> u64 {
        let c = &self.channels;
        let res = |level: usize| (self.size >> level) as u64;
        let conv = |i: usize, o: usize, k: u64, r: u64| 2 * i as u64 * o as u64 * k * k * r * r;
        let mut f = 0;
        for (channels_in, _) in [(3, ()), (3 + self.geometry_channels + 2, ())] {
            f += conv(channels_in, c[0], 3, res(0));
            for l in 1..c.len() {
                f += conv(c[l - 1], c[l], 3, res(l));
            }
        }
        let coarse = c[c.len() - 1];
        f += 2 * ((STYLE_INPUTS + coarse) * self.style + self.style * self.style) as u64;
        f += conv(2 * coarse, coarse, 3, res(c.len() - 1));
        for fine in (0..c.len() - 1).rev() {
            let (from, to, r) = (c[fine + 1], c[fine], res(fine));
            f += conv(from, to, 3, r) + 2 * (self.style * from) as u64;
            f += conv(3 * to, to, 3, r) + conv(to, 2, 3, r) + conv(to, 3, 1, r);
        }
        f
    }
}

impl<B: Backend> Hef<B> {
    /// Number of trainable numbers.
    pub fn parameter_count(&self) -> usize {
        self.num_params()
    }

    /// One batch of frames (see [`HefInput`]).
    pub fn forward(&self, input: HefInput<B>) -> HefOutput<B> {
        let HefInput { source, warped, geometry, flow, style } = input;
        let source_features = self.source_encoder.forward(source);
        let geometry_features =
            self.geometry_encoder.forward(Tensor::cat(vec![warped.clone(), geometry, flow.clone()], 1));
        let levels = source_features.len();
        // The warp's own flow at every level (normalised units keep their meaning at any size).
        let mut flows = vec![flow];
        for _ in 1..levels {
            let last = flows.last().cloned().expect("the full-resolution flow");
            flows.push(downsample2(last));
        }
        // Eq. 7: the style from the weights, pose, intensity and the pooled source identity.
        let coarse_s = source_features[levels - 1].clone();
        let [b, c, _, _] = coarse_s.dims();
        let identity = coarse_s.clone().mean_dim(3).mean_dim(2).reshape([b, c]);
        let z = leaky_relu(self.style_in.forward(Tensor::cat(vec![style, identity], 1)), LEAK);
        let z = self.style_out.forward(z);
        // The coarsest level: source and geometry side by side; no residual yet.
        let mut features =
            leaky_relu(self.start.forward(Tensor::cat(vec![coarse_s, geometry_features[levels - 1].clone()], 1)), LEAK);
        let [_, _, h, w] = features.dims();
        let device = features.device();
        let mut phi = Tensor::<B, 4>::zeros([b, 2, h, w], &device);
        let mut rgb = Tensor::<B, 4>::zeros([b, 3, h, w], &device);
        for (k, block) in self.blocks.iter().enumerate() {
            let level = levels - 2 - k;
            let (phi_up, rgb_up) = (upsample2(phi), upsample2(rgb));
            let styled = block.style_conv.forward(upsample2(features), z.clone());
            // Eq. 8: the source's features where the warp plus the residual flow point.
            let sampled = warp(source_features[level].clone(), flows[level].clone() + phi_up.clone());
            features = leaky_relu(
                block.fuse.forward(Tensor::cat(vec![sampled, styled, geometry_features[level].clone()], 1)),
                LEAK,
            );
            phi = block.to_flow.forward(features.clone()) * FLOW_GAIN + phi_up; // Eq. 9
            rgb = block.to_rgb.forward(features.clone()) * RGB_GAIN + rgb_up; // Eq. 10
        }
        let image = warp(warped, phi.clone()) + rgb.clone();
        HefOutput { image, flow: phi, residual: rgb }
    }
}

#[cfg(test)]
mod tests;
