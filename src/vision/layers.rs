//! The layers face-api's networks are made of, with TensorFlow's padding rules.
//!
//! TensorFlow's `'same'` padding puts the odd pixel at the end (bottom/right), so a stride-2
//! convolution over an even size pads `(0, 1)`, not `(1, 1)`: [`same_padding`] computes it and
//! the convolutions use burn's asymmetric padding. Weights are kept in burn's layout: a
//! convolution's `[out, in, kh, kw]`, a depthwise filter's `[channels, 1, kh, kw]`, a dense
//! layer's `[in, out]`.

use burn::module::{Module, Param};
use burn::prelude::{Backend, Tensor};
use burn::tensor::activation::relu;
use burn::tensor::module::{conv2d, max_pool2d};
use burn::tensor::ops::{PadMode, PaddedConvOptions};

use super::tfjs::{TfjsError, TfjsWeights};

/// TensorFlow's `'same'` padding `(before, after)` of one axis of `size` for a window `kernel`
/// moved by `stride`.
pub fn same_padding(size: usize, kernel: usize, stride: usize) -> (usize, usize) {
    let out = size.div_ceil(stride);
    let total = ((out.saturating_sub(1)) * stride + kernel).saturating_sub(size);
    (total / 2, total - total / 2)
}

/// How a layer pads its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// No padding.
    Valid,
    /// TensorFlow's `'same'`.
    Same,
    /// One pixel of zeros on every side (`tf.pad` before a valid convolution).
    One,
}

fn conv_options(x_dims: [usize; 4], kernel: [usize; 2], stride: usize, padding: Padding, groups: usize) -> PaddedConvOptions<2> {
    let [_, _, h, w] = x_dims;
    let (start, end) = match padding {
        Padding::Valid => ([0, 0], [0, 0]),
        Padding::One => ([1, 1], [1, 1]),
        Padding::Same => {
            let (t, b) = same_padding(h, kernel[0], stride);
            let (l, r) = same_padding(w, kernel[1], stride);
            ([t, l], [b, r])
        }
    };
    PaddedConvOptions::asymmetric([stride, stride], start, end, [1, 1], groups)
}

/// A plain convolution with bias.
#[derive(Module, Debug)]
pub struct Conv<B: Backend> {
    /// `[out, in, kh, kw]`.
    pub weight: Param<Tensor<B, 4>>,
    /// `[out]`.
    pub bias: Param<Tensor<B, 1>>,
}

impl<B: Backend> Conv<B> {
    /// A zero layer of these sizes (weights are loaded into it).
    pub fn zeros(c_in: usize, c_out: usize, k: usize, device: &B::Device) -> Self {
        Self {
            weight: Param::from_tensor(Tensor::zeros([c_out, c_in, k, k], device)),
            bias: Param::from_tensor(Tensor::zeros([c_out], device)),
        }
    }

    /// The layer from tfjs weights `PREFIX/filters` (`[kh, kw, in, out]`) and `PREFIX/bias`.
    pub fn from_tfjs(w: &TfjsWeights, prefix: &str, c_in: usize, c_out: usize, k: usize, device: &B::Device) -> Result<Self, TfjsError> {
        let f = w.get(&format!("{prefix}/filters"), &[k, k, c_in, c_out])?;
        let b = w.get(&format!("{prefix}/bias"), &[c_out])?;
        Ok(Self {
            weight: Param::from_tensor(hwio_to_oihw::<B>(&f.values, [k, k, c_in, c_out], device)),
            bias: Param::from_tensor(Tensor::from_floats(b.values.as_slice(), device)),
        })
    }

    /// Applies the convolution.
    pub fn forward(&self, x: Tensor<B, 4>, stride: usize, padding: Padding) -> Tensor<B, 4> {
        let [_, _, kh, kw] = self.weight.dims();
        let options = conv_options(x.dims(), [kh, kw], stride, padding, 1);
        conv2d(x, self.weight.val(), Some(self.bias.val()), options)
    }
}

/// A depthwise 3×3 convolution followed by a pointwise one, with the bias after both
/// (`tf.separableConv2d` + bias).
#[derive(Module, Debug)]
pub struct SeparableConv<B: Backend> {
    /// `[channels, 1, 3, 3]`.
    pub depthwise: Param<Tensor<B, 4>>,
    /// `[out, in, 1, 1]`.
    pub pointwise: Param<Tensor<B, 4>>,
    /// `[out]`.
    pub bias: Param<Tensor<B, 1>>,
}

impl<B: Backend> SeparableConv<B> {
    /// A zero layer of these sizes.
    pub fn zeros(c_in: usize, c_out: usize, device: &B::Device) -> Self {
        Self {
            depthwise: Param::from_tensor(Tensor::zeros([c_in, 1, 3, 3], device)),
            pointwise: Param::from_tensor(Tensor::zeros([c_out, c_in, 1, 1], device)),
            bias: Param::from_tensor(Tensor::zeros([c_out], device)),
        }
    }

    /// The layer from tfjs weights `PREFIX/depthwise_filter` (`[3, 3, in, 1]`),
    /// `PREFIX/pointwise_filter` (`[1, 1, in, out]`) and `PREFIX/bias`.
    pub fn from_tfjs(w: &TfjsWeights, prefix: &str, c_in: usize, c_out: usize, device: &B::Device) -> Result<Self, TfjsError> {
        let d = w.get(&format!("{prefix}/depthwise_filter"), &[3, 3, c_in, 1])?;
        let p = w.get(&format!("{prefix}/pointwise_filter"), &[1, 1, c_in, c_out])?;
        let b = w.get(&format!("{prefix}/bias"), &[c_out])?;
        Ok(Self {
            // [kh, kw, C, 1] read as HWIO with I = C, O = 1 gives [C, 1, kh, kw] after the
            // transpose below (depthwise: output channel c reads input channel c).
            depthwise: Param::from_tensor(hwio_to_oihw::<B>(&d.values, [3, 3, c_in, 1], device).swap_dims(0, 1)),
            pointwise: Param::from_tensor(hwio_to_oihw::<B>(&p.values, [1, 1, c_in, c_out], device)),
            bias: Param::from_tensor(Tensor::from_floats(b.values.as_slice(), device)),
        })
    }

    /// Applies the layer.
    pub fn forward(&self, x: Tensor<B, 4>, stride: usize, padding: Padding) -> Tensor<B, 4> {
        let channels = x.dims()[1];
        let options = conv_options(x.dims(), [3, 3], stride, padding, channels);
        let x = conv2d(x, self.depthwise.val(), None, options);
        conv2d(x, self.pointwise.val(), Some(self.bias.val()), PaddedConvOptions::asymmetric([1, 1], [0, 0], [0, 0], [1, 1], 1))
    }
}

/// A fully connected layer, `x · W + b`.
#[derive(Module, Debug)]
pub struct Dense<B: Backend> {
    /// `[in, out]`.
    pub weight: Param<Tensor<B, 2>>,
    /// `[out]`.
    pub bias: Param<Tensor<B, 1>>,
}

impl<B: Backend> Dense<B> {
    /// A zero layer.
    pub fn zeros(c_in: usize, c_out: usize, device: &B::Device) -> Self {
        Self {
            weight: Param::from_tensor(Tensor::zeros([c_in, c_out], device)),
            bias: Param::from_tensor(Tensor::zeros([c_out], device)),
        }
    }

    /// The layer from tfjs weights `PREFIX/weights` (`[in, out]`) and `PREFIX/bias`.
    pub fn from_tfjs(w: &TfjsWeights, prefix: &str, c_in: usize, c_out: usize, device: &B::Device) -> Result<Self, TfjsError> {
        let m = w.get(&format!("{prefix}/weights"), &[c_in, c_out])?;
        let b = w.get(&format!("{prefix}/bias"), &[c_out])?;
        Ok(Self {
            weight: Param::from_tensor(Tensor::<B, 1>::from_floats(m.values.as_slice(), device).reshape([c_in, c_out])),
            bias: Param::from_tensor(Tensor::from_floats(b.values.as_slice(), device)),
        })
    }

    /// `[batch, in]` → `[batch, out]`.
    pub fn forward(&self, x: Tensor<B, 2>) -> Tensor<B, 2> {
        x.matmul(self.weight.val()) + self.bias.val().unsqueeze::<2>()
    }
}

/// TensorFlow's leaky ReLU as face-api writes it: `relu(x − 0.1x) + 0.1x`.
pub fn leaky<B: Backend>(x: Tensor<B, 4>) -> Tensor<B, 4> {
    let min = x.clone() * 0.100_000_001_490_116_12;
    relu(x - min.clone()) + min
}

/// `tf.maxPool(x, [2, 2], [stride, stride], 'same')`: TensorFlow ignores the padding, which
/// repeating the edge reproduces for a maximum.
pub fn max_pool_same<B: Backend>(x: Tensor<B, 4>, stride: usize) -> Tensor<B, 4> {
    max_pool_same_window(x, 2, stride)
}

/// `tf.maxPool(x, [k, k], [stride, stride], 'same')` for any window `k` (Keras's
/// `MaxPooling2D(padding='same')`), the padding ignored as TensorFlow does.
pub fn max_pool_same_window<B: Backend>(x: Tensor<B, 4>, k: usize, stride: usize) -> Tensor<B, 4> {
    let [_, _, h, w] = x.dims();
    let (t, b) = same_padding(h, k, stride);
    let (l, r) = same_padding(w, k, stride);
    let x = if t + b + l + r > 0 { x.pad((l, r, t, b), PadMode::Edge) } else { x };
    max_pool2d(x, [k, k], [stride, stride], [0, 0], [1, 1], false)
}

/// A tfjs `[kh, kw, in, out]` filter as burn's `[out, in, kh, kw]`.
fn hwio_to_oihw<B: Backend>(values: &[f32], [kh, kw, ci, co]: [usize; 4], device: &B::Device) -> Tensor<B, 4> {
    Tensor::<B, 1>::from_floats(values, device).reshape([kh, kw, ci, co]).permute([3, 2, 0, 1])
}

#[cfg(test)]
mod tests {
    use super::same_padding;

    #[test]
    fn same_padding_puts_the_odd_pixel_last() {
        assert_eq!(same_padding(112, 3, 2), (0, 1));
        assert_eq!(same_padding(112, 3, 1), (1, 1));
        assert_eq!(same_padding(207, 2, 2), (0, 1));
        assert_eq!(same_padding(208, 2, 2), (0, 0));
        assert_eq!(same_padding(13, 2, 1), (0, 1));
        assert_eq!(same_padding(7, 3, 2), (1, 1));
    }
}
