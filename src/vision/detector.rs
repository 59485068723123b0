//! face-api's tiny face detector: a Tiny-YOLOv2 with depthwise separable convolutions, 5
//! anchors, one class, over a square input of 32·k pixels (the image padded at the bottom or
//! right, then resized).
//!
//! Layers (`tinyYolov2/TinyYolov2Base.ts`, `runMobilenet`): a 3×3 convolution (no padding),
//! then five separable 3×3 convolutions (one pixel of zero padding each), each followed by a
//! leaky ReLU and a 2×2 max pool (stride 2, the last stride 1), and a 1×1 convolution to
//! `5 anchors × (x, y, w, h, score)`. Boxes are decoded as YOLOv2 does and merged by
//! non-maximum suppression at IoU 0.4.

use burn::module::Module;
use burn::prelude::{Backend, Tensor};

use super::image::{Rect, RgbF32};
use super::layers::{Conv, Padding, SeparableConv, leaky, max_pool_same};
use super::tfjs::{TfjsError, TfjsWeights};

/// The mean colour the detector subtracts (`tinyFaceDetector/const.ts`).
pub const MEAN_RGB: [f32; 3] = [117.001, 114.697, 97.404];
/// The anchors in grid cells (`tinyFaceDetector/const.ts`).
pub const ANCHORS: [[f32; 2]; 5] =
    [[1.603231, 2.094468], [6.041143, 7.080126], [2.882459, 3.518061], [4.266906, 5.178857], [9.041765, 10.66308]];
/// Boxes overlapping more than this are merged.
pub const IOU_THRESHOLD: f32 = 0.4;
const CHANNELS: [usize; 7] = [3, 16, 32, 64, 128, 256, 512];

/// A face found by the detector, in the image's pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// The box.
    pub rect: Rect,
    /// The detector's confidence (0–1).
    pub score: f32,
}

/// The tiny face detector network.
#[derive(Module, Debug)]
pub struct TinyFaceDetector<B: Backend> {
    conv0: Conv<B>,
    convs: Vec<SeparableConv<B>>,
    conv8: Conv<B>,
}

impl<B: Backend> TinyFaceDetector<B> {
    /// A network of the right shape with zero weights (weights are loaded into it).
    pub fn zeros(device: &B::Device) -> Self {
        Self {
            conv0: Conv::zeros(3, 16, 3, device),
            convs: (1..6).map(|i| SeparableConv::zeros(CHANNELS[i], CHANNELS[i + 1], device)).collect(),
            conv8: Conv::zeros(512, 25, 1, device),
        }
    }

    /// The network from face-api's `tiny_face_detector_model` weights.
    pub fn from_tfjs(w: &TfjsWeights, device: &B::Device) -> Result<Self, TfjsError> {
        Ok(Self {
            conv0: Conv::from_tfjs(w, "conv0", 3, 16, 3, device)?,
            convs: (1..6)
                .map(|i| SeparableConv::from_tfjs(w, &format!("conv{i}"), CHANNELS[i], CHANNELS[i + 1], device))
                .collect::<Result<_, _>>()?,
            conv8: Conv::from_tfjs(w, "conv8", 512, 25, 1, device)?,
        })
    }

    /// The raw output grid for a `[1, 3, s, s]` input: `[1, 25, s/32, s/32]`.
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        let mut out = max_pool_same(leaky(self.conv0.forward(x, 1, Padding::Valid)), 2);
        for (i, conv) in self.convs.iter().enumerate() {
            let stride = if i == self.convs.len() - 1 { 1 } else { 2 };
            out = max_pool_same(leaky(conv.forward(out, 1, Padding::One)), stride);
        }
        self.conv8.forward(out, 1, Padding::Valid)
    }

    /// The faces in `img` at one input size (a multiple of 32), scoring above `threshold`, after
    /// non-maximum suppression, strongest first.
    pub fn detect(&self, img: &RgbF32, input_size: usize, threshold: f32, device: &B::Device) -> Vec<Detection> {
        let input = img.to_square(input_size, false).to_tensor::<B>(MEAN_RGB, device);
        let grid = self.forward(input);
        let [_, _, cells, _] = grid.dims();
        let values = grid.into_data().convert::<f32>().into_vec::<f32>().unwrap_or_default();
        decode(&values, cells, img.width, img.height, input_size, threshold)
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Decodes a `[25, cells, cells]` output (channel-major, as burn lays it out) into boxes in the
/// pixels of a `width × height` image, then suppresses overlaps (`extractBoxes` + `detect`).
pub fn decode(values: &[f32], cells: usize, width: usize, height: usize, input_size: usize, threshold: f32) -> Vec<Detection> {
    if values.len() < 25 * cells * cells || width == 0 || height == 0 {
        return Vec::new();
    }
    // The padded image occupies `round(w · s / max)` of the input's columns
    // (`computeReshapedDimensions`): the box is relative to that part.
    let scale = input_size as f64 / width.max(height) as f64;
    let (rw, rh) = ((width as f64 * scale).round(), (height as f64 * scale).round());
    let side = rw.max(rh);
    let (fx, fy) = ((side / rw) as f32, (side / rh) as f32);
    let at = |ch: usize, row: usize, col: usize| values[(ch * cells + row) * cells + col];
    let n = cells as f32;
    let mut found = Vec::new();
    for row in 0..cells {
        for col in 0..cells {
            for (a, anchor) in ANCHORS.iter().enumerate() {
                let score = sigmoid(at(a * 5 + 4, row, col));
                if score <= threshold {
                    continue;
                }
                let cx = (col as f32 + sigmoid(at(a * 5, row, col))) / n * fx;
                let cy = (row as f32 + sigmoid(at(a * 5 + 1, row, col))) / n * fy;
                let w = at(a * 5 + 2, row, col).exp() * anchor[0] / n * fx;
                let h = at(a * 5 + 3, row, col).exp() * anchor[1] / n * fy;
                let rel = Rect { x: cx - w / 2.0, y: cy - h / 2.0, width: w, height: h };
                found.push(Detection {
                    rect: Rect {
                        x: rel.x * width as f32,
                        y: rel.y * height as f32,
                        width: rel.width * width as f32,
                        height: rel.height * height as f32,
                    },
                    score,
                });
            }
        }
    }
    suppress(found, IOU_THRESHOLD)
}

/// Greedy non-maximum suppression: the strongest box stays, the ones overlapping it by more
/// than `iou` go; strongest first.
pub fn suppress(mut boxes: Vec<Detection>, iou: f32) -> Vec<Detection> {
    boxes.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Detection> = Vec::new();
    for d in boxes {
        if kept.iter().all(|k| k.rect.iou(&d.rect) <= iou) {
            kept.push(d);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppression_keeps_the_strongest_of_overlapping_boxes() {
        let d = |x: f32, score: f32| Detection { rect: Rect { x, y: 0.0, width: 10.0, height: 10.0 }, score };
        let kept = suppress(vec![d(0.0, 0.6), d(1.0, 0.9), d(30.0, 0.7)], IOU_THRESHOLD);
        assert_eq!(kept, vec![d(1.0, 0.9), d(30.0, 0.7)]);
    }

    #[test]
    fn decoding_places_a_cell_centred_box() {
        // One confident anchor-0 box in cell (row 1, col 2) of a 4 × 4 grid with zero offsets.
        let cells = 4;
        let mut v = vec![-20.0f32; 25 * cells * cells];
        let idx = |ch: usize| (ch * cells + 1) * cells + 2;
        for ch in 0..4 {
            v[idx(ch)] = 0.0;
        }
        v[idx(4)] = 5.0;
        let found = decode(&v, cells, 128, 128, 128, 0.5);
        assert_eq!(found.len(), 1);
        let r = found[0].rect;
        let (cx, cy) = (r.x + r.width / 2.0, r.y + r.height / 2.0);
        assert!((cx - 2.5 / 4.0 * 128.0).abs() < 1e-3 && (cy - 1.5 / 4.0 * 128.0).abs() < 1e-3, "{r:?}");
        assert!((r.width - ANCHORS[0][0] / 4.0 * 128.0).abs() < 1e-3);
    }
}
