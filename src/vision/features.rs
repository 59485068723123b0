//! face-api's face feature extractor (`faceFeatureExtractor/`), the backbone of both the
//! 68-landmark net and the expression net, and the two heads on it.
//!
//! Input: a face crop padded to a centred square and resized to 112 × 112, minus the mean colour
//! [`MEAN_RGB`], over 255. Four dense blocks (32, 64, 128, 256 channels; each halves the size):
//! a strided convolution (a plain 3×3 one in the first block, separable after) and three
//! separable convolutions, each fed the ReLU of the sum of all earlier outputs in the block;
//! then a 7×7 average pool to a 256-vector and a dense layer.

use burn::module::Module;
use burn::prelude::{Backend, Tensor};
use burn::tensor::activation::{relu, softmax};
use burn::tensor::module::avg_pool2d;

use super::image::RgbF32;
use super::layers::{Conv, Dense, Padding, SeparableConv};
use super::tfjs::{TfjsError, TfjsWeights};

/// The mean colour the backbone subtracts (`FaceFeatureExtractor.ts`).
pub const MEAN_RGB: [f32; 3] = [122.782, 117.001, 104.298];
/// The backbone's input size.
pub const INPUT_SIZE: usize = 112;
const WIDTHS: [usize; 5] = [3, 32, 64, 128, 256];

/// The first layer of a dense block.
#[derive(Module, Debug)]
enum FirstLayer<B: Backend> {
    Plain(Conv<B>),
    Separable(SeparableConv<B>),
}

/// One dense block: a strided first layer and three separable convolutions.
#[derive(Module, Debug)]
pub struct DenseBlock<B: Backend> {
    first: FirstLayer<B>,
    rest: Vec<SeparableConv<B>>,
}

impl<B: Backend> DenseBlock<B> {
    fn zeros(c_in: usize, c_out: usize, plain: bool, device: &B::Device) -> Self {
        let first = if plain {
            FirstLayer::Plain(Conv::zeros(c_in, c_out, 3, device))
        } else {
            FirstLayer::Separable(SeparableConv::zeros(c_in, c_out, device))
        };
        Self { first, rest: (0..3).map(|_| SeparableConv::zeros(c_out, c_out, device)).collect() }
    }

    fn from_tfjs(w: &TfjsWeights, prefix: &str, c_in: usize, c_out: usize, plain: bool, device: &B::Device) -> Result<Self, TfjsError> {
        let first = if plain {
            FirstLayer::Plain(Conv::from_tfjs(w, &format!("{prefix}/conv0"), c_in, c_out, 3, device)?)
        } else {
            FirstLayer::Separable(SeparableConv::from_tfjs(w, &format!("{prefix}/conv0"), c_in, c_out, device)?)
        };
        let rest = (1..4)
            .map(|i| SeparableConv::from_tfjs(w, &format!("{prefix}/conv{i}"), c_out, c_out, device))
            .collect::<Result<_, _>>()?;
        Ok(Self { first, rest })
    }

    fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 4> {
        let out1 = relu(match &self.first {
            FirstLayer::Plain(c) => c.forward(x, 2, Padding::Same),
            FirstLayer::Separable(c) => c.forward(x, 2, Padding::Same),
        });
        // `denseBlock4`: in_k = relu(out1 + … + out_{k-1}); the block's output is relu of the
        // sum of all four.
        let mut sum = out1.clone();
        let mut input = out1;
        for conv in &self.rest {
            let out = conv.forward(input, 1, Padding::Same);
            sum = sum + out;
            input = relu(sum.clone());
        }
        input
    }
}

/// The face feature extractor: a 112 × 112 face → 256 features.
#[derive(Module, Debug)]
pub struct FaceFeatureExtractor<B: Backend> {
    blocks: Vec<DenseBlock<B>>,
}

impl<B: Backend> FaceFeatureExtractor<B> {
    /// Zero weights of the right shape.
    pub fn zeros(device: &B::Device) -> Self {
        Self { blocks: (0..4).map(|i| DenseBlock::zeros(WIDTHS[i], WIDTHS[i + 1], i == 0, device)).collect() }
    }

    /// The backbone from a face-api manifest holding `dense0/…` to `dense3/…`.
    pub fn from_tfjs(w: &TfjsWeights, device: &B::Device) -> Result<Self, TfjsError> {
        let blocks = (0..4)
            .map(|i| DenseBlock::from_tfjs(w, &format!("dense{i}"), WIDTHS[i], WIDTHS[i + 1], i == 0, device))
            .collect::<Result<_, _>>()?;
        Ok(Self { blocks })
    }

    /// `[n, 3, 112, 112]` → `[n, 256]`.
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 2> {
        let out = self.blocks.iter().fold(x, |x, b| b.forward(x));
        let pooled = avg_pool2d(out, [7, 7], [2, 2], [0, 0], false, false);
        let [n, c, _, _] = pooled.dims();
        pooled.reshape([n, c])
    }
}

/// The network input for a face crop (a centred square, 112 px, normalised).
pub fn face_input<B: Backend>(crop: &RgbF32, device: &B::Device) -> Tensor<B, 4> {
    crop.to_square(INPUT_SIZE, true).to_tensor(MEAN_RGB, device)
}

/// face-api's 68-point landmark net (`face_landmark_68_model`).
#[derive(Module, Debug)]
pub struct LandmarkNet<B: Backend> {
    backbone: FaceFeatureExtractor<B>,
    fc: Dense<B>,
}

impl<B: Backend> LandmarkNet<B> {
    /// Zero weights of the right shape.
    pub fn zeros(device: &B::Device) -> Self {
        Self { backbone: FaceFeatureExtractor::zeros(device), fc: Dense::zeros(256, 136, device) }
    }

    /// The network from face-api's `face_landmark_68_model` weights.
    pub fn from_tfjs(w: &TfjsWeights, device: &B::Device) -> Result<Self, TfjsError> {
        Ok(Self { backbone: FaceFeatureExtractor::from_tfjs(w, device)?, fc: Dense::from_tfjs(w, "fc", 256, 136, device)? })
    }

    /// `[n, 3, 112, 112]` → `[n, 136]`: interleaved `x, y` of the 68 points, relative to the
    /// 112-pixel square.
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 2> {
        self.fc.forward(self.backbone.forward(x))
    }

    /// The 68 points of a face crop, in the crop's pixels (`FaceLandmark68NetBase.postProcess`:
    /// the square's centring padding is taken off as `|w − h| / 2`).
    pub fn landmarks(&self, crop: &RgbF32, device: &B::Device) -> [[f32; 2]; 68] {
        let out = self.forward(face_input(crop, device)).into_data().convert::<f32>().into_vec::<f32>().unwrap_or_default();
        let (w, h) = (crop.width as f32, crop.height as f32);
        let scale = INPUT_SIZE as f32 / w.max(h);
        let (sw, sh) = (w * scale, h * scale);
        let (px, py) = (if sw < sh { (sh - sw) / 2.0 } else { 0.0 }, if sh < sw { (sw - sh) / 2.0 } else { 0.0 });
        std::array::from_fn(|i| {
            let (x, y) = (out.get(2 * i).copied().unwrap_or(f32::NAN), out.get(2 * i + 1).copied().unwrap_or(f32::NAN));
            [(x * INPUT_SIZE as f32 - px) / sw * w, (y * INPUT_SIZE as f32 - py) / sh * h]
        })
    }
}

/// The seven classes of face-api's expression net, in its output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expression {
    /// No expression.
    Neutral,
    /// Happy.
    Happy,
    /// Sad.
    Sad,
    /// Angry.
    Angry,
    /// Fearful.
    Fearful,
    /// Disgusted.
    Disgusted,
    /// Surprised.
    Surprised,
}

impl Expression {
    /// Every class in the net's output order (`FACE_EXPRESSION_LABELS`).
    pub const ALL: [Expression; 7] = [
        Expression::Neutral,
        Expression::Happy,
        Expression::Sad,
        Expression::Angry,
        Expression::Fearful,
        Expression::Disgusted,
        Expression::Surprised,
    ];

    /// The class's name as face-api writes it.
    pub fn name(self) -> &'static str {
        match self {
            Expression::Neutral => "neutral",
            Expression::Happy => "happy",
            Expression::Sad => "sad",
            Expression::Angry => "angry",
            Expression::Fearful => "fearful",
            Expression::Disgusted => "disgusted",
            Expression::Surprised => "surprised",
        }
    }

    /// The class of a name (face-api's, or a common synonym such as `fear`, `disgust`,
    /// `surprise`).
    pub fn from_name(name: &str) -> Option<Expression> {
        let n = name.trim().to_ascii_lowercase();
        Some(match n.as_str() {
            "neutral" => Expression::Neutral,
            "happy" | "happiness" => Expression::Happy,
            "sad" | "sadness" => Expression::Sad,
            "angry" | "anger" => Expression::Angry,
            "fearful" | "fear" => Expression::Fearful,
            "disgusted" | "disgust" => Expression::Disgusted,
            "surprised" | "surprise" => Expression::Surprised,
            _ => return None,
        })
    }
}

/// face-api's 7-class expression net (`face_expression_model`), on the same backbone as the
/// landmark net (its own weights).
#[derive(Module, Debug)]
pub struct ExpressionNet<B: Backend> {
    backbone: FaceFeatureExtractor<B>,
    fc: Dense<B>,
}

impl<B: Backend> ExpressionNet<B> {
    /// Zero weights of the right shape.
    pub fn zeros(device: &B::Device) -> Self {
        Self { backbone: FaceFeatureExtractor::zeros(device), fc: Dense::zeros(256, 7, device) }
    }

    /// The network from face-api's `face_expression_model` weights.
    pub fn from_tfjs(w: &TfjsWeights, device: &B::Device) -> Result<Self, TfjsError> {
        Ok(Self { backbone: FaceFeatureExtractor::from_tfjs(w, device)?, fc: Dense::from_tfjs(w, "fc", 256, 7, device)? })
    }

    /// `[n, 3, 112, 112]` → `[n, 7]` class probabilities.
    pub fn forward(&self, x: Tensor<B, 4>) -> Tensor<B, 2> {
        softmax(self.fc.forward(self.backbone.forward(x)), 1)
    }

    /// The class probabilities of a face crop, in [`Expression::ALL`] order.
    pub fn probabilities(&self, crop: &RgbF32, device: &B::Device) -> [f32; 7] {
        let out = self.forward(face_input(crop, device)).into_data().convert::<f32>().into_vec::<f32>().unwrap_or_default();
        std::array::from_fn(|i| out.get(i).copied().unwrap_or(f32::NAN))
    }
}
