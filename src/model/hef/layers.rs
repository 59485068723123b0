//! HEF's building blocks: StyleGAN2's modulated and demodulated convolution, a fixed-blur ×2
//! upsampling that trains on every backend, and warping by a flow field.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::prelude::Backend;
use burn::tensor::Tensor;
use burn::tensor::activation::leaky_relu;
use burn::tensor::module::{conv2d, interpolate};
use burn::tensor::ops::{ConvOptions, GridSampleOptions, GridSamplePaddingMode, InterpolateMode, InterpolateOptions};

/// The slope of every leaky ReLU in HEF (StyleGAN2's).
pub const LEAK: f64 = 0.2;

/// A [`StyleConv`]'s sizes.
#[derive(Config, Debug, PartialEq)]
pub struct StyleConvConfig {
    /// Input channels.
    pub channels_in: usize,
    /// Output channels.
    pub channels_out: usize,
    /// Style code width.
    pub style: usize,
    /// Kernel size (odd).
    #[config(default = 3)]
    pub kernel: usize,
}

/// StyleGAN2's style convolution (Karras et al. 2020, Eq. 1 and 3): the style code scales each
/// input channel (`s = A(z) + 1`), the weights are demodulated so each output keeps unit
/// variance, written without per-sample weights as STACK.md suggests:
///
/// `y = conv(x ⊙ s, W) ⊙ (s² · Σ_k W² + ε)^−½`,
///
/// then a bias and a leaky ReLU. Multiplications, one convolution and a matrix product only,
/// so it trains on every backend.
#[derive(Module, Debug)]
pub struct StyleConv<B: Backend> {
    /// Weights `[out, in, k, k]`.
    pub weight: Param<Tensor<B, 4>>,
    /// Bias `[out]`.
    pub bias: Param<Tensor<B, 1>>,
    /// The affine map from the style code to the channel scales.
    pub affine: Linear<B>,
    kernel: usize,
}

impl StyleConvConfig {
    /// A style convolution with He-initialised weights and scales that start at 1.
    pub fn init<B: Backend>(&self, device: &B::Device) -> StyleConv<B> {
        let fan_in = (self.channels_in * self.kernel * self.kernel) as f64;
        let weight = Initializer::Normal { mean: 0.0, std: (2.0 / fan_in).sqrt() }
            .init([self.channels_out, self.channels_in, self.kernel, self.kernel], device);
        let bias = Initializer::Zeros.init([self.channels_out], device);
        // s = A(z) + 1: the affine starts small so the first steps see plain convolutions.
        let affine = LinearConfig::new(self.style, self.channels_in)
            .with_initializer(Initializer::Normal { mean: 0.0, std: 0.01 })
            .init(device);
        StyleConv { weight, bias, affine, kernel: self.kernel }
    }
}

impl<B: Backend> StyleConv<B> {
    /// `x [b, in, h, w]`, `style [b, style]` → `[b, out, h, w]`.
    pub fn forward(&self, x: Tensor<B, 4>, style: Tensor<B, 2>) -> Tensor<B, 4> {
        let [b, c_in, _, _] = x.dims();
        let s = self.affine.forward(style) + 1.0; // [b, in]
        let w = self.weight.val();
        let c_out = w.dims()[0];
        let x = x * s.clone().reshape([b, c_in, 1, 1]);
        let pad = self.kernel / 2;
        let y = conv2d(x, w.clone(), None, ConvOptions::new([1, 1], [pad, pad], [1, 1], 1));
        // Demodulation: for each sample and output channel, 1/sqrt(Σ_in s_in² Σ_k W²).
        let energy = (w.clone() * w).sum_dim(3).sum_dim(2).reshape([c_out, c_in]); // [out, in]
        let d = (s.clone() * s).matmul(energy.transpose()).add_scalar(1e-8).sqrt().recip(); // [b, out]
        let y = y * d.reshape([b, c_out, 1, 1]) + self.bias.val().reshape([1, c_out, 1, 1]);
        leaky_relu(y, LEAK)
    }
}

/// ×2 upsampling: nearest neighbour, then the fixed `[1, 2, 1]²/16` blur per channel (a
/// bilinear-like result whose backward every backend has; burn's bilinear `interpolate` has none
/// on wgpu/cuda, STACK.md).
pub fn upsample2<B: Backend>(x: Tensor<B, 4>) -> Tensor<B, 4> {
    let [_, c, h, w] = x.dims();
    let up = interpolate(x, [2 * h, 2 * w], InterpolateOptions::new(InterpolateMode::Nearest));
    blur(up, c)
}

fn blur<B: Backend>(x: Tensor<B, 4>, c: usize) -> Tensor<B, 4> {
    let device = x.device();
    let k = [1.0f32, 2.0, 1.0, 2.0, 4.0, 2.0, 1.0, 2.0, 1.0].map(|v| v / 16.0);
    let kernel: Tensor<B, 4> = Tensor::<B, 1>::from_floats(k, &device).reshape([1, 1, 3, 3]).repeat_dim(0, c);
    // Edges replicated, so a constant field stays constant (a flow does not shrink at the border).
    let padded = replicate_pad(x);
    conv2d(padded, kernel, None, ConvOptions::new([1, 1], [0, 0], [1, 1], c))
}

/// Pads one pixel on every side by repeating the edge.
fn replicate_pad<B: Backend>(x: Tensor<B, 4>) -> Tensor<B, 4> {
    let [_, _, h, w] = x.dims();
    let x = Tensor::cat(vec![x.clone().narrow(2, 0, 1), x.clone(), x.narrow(2, h - 1, 1)], 2);
    Tensor::cat(vec![x.clone().narrow(3, 0, 1), x.clone(), x.narrow(3, w - 1, 1)], 3)
}

/// Average-pools by 2 in each direction (the pyramid of a flow or an image).
pub fn downsample2<B: Backend>(x: Tensor<B, 4>) -> Tensor<B, 4> {
    burn::tensor::module::avg_pool2d(x, [2, 2], [2, 2], [0, 0], true, false)
}

/// The identity sampling grid at `h × w` (`[1, h, w, 2]`, `x` then `y`, in [−1, 1] at pixel
/// centres: `align_corners = false`).
pub fn identity_grid<B: Backend>(h: usize, w: usize, device: &B::Device) -> Tensor<B, 4> {
    let mut g = Vec::with_capacity(h * w * 2);
    for y in 0..h {
        for x in 0..w {
            g.push((2 * x + 1) as f32 / w as f32 - 1.0);
            g.push((2 * y + 1) as f32 / h as f32 - 1.0);
        }
    }
    Tensor::<B, 1>::from_floats(g.as_slice(), device).reshape([1, h, w, 2])
}

/// Samples `x [b, c, h, w]` where `flow [b, 2, h', w']` (normalised units, `x` then `y`) moves
/// the identity grid: output pixel `p` shows `x` at `p + flow(p)`, bilinear, the border repeated.
/// A zero flow at the input's own size returns the input (pixel centres sampled exactly).
pub fn warp<B: Backend>(x: Tensor<B, 4>, flow: Tensor<B, 4>) -> Tensor<B, 4> {
    let [b, _, h, w] = flow.dims();
    let grid = identity_grid::<B>(h, w, &flow.device()).repeat_dim(0, b) + flow.permute([0, 2, 3, 1]);
    let options = GridSampleOptions::new(InterpolateMode::Bilinear).with_padding_mode(GridSamplePaddingMode::Border);
    x.grid_sample_2d(grid, options)
}
