//! Emotion from a reference face: fit the face model to its landmarks, then explain the
//! expression it shows with the 8 MEAD presets.
//!
//! The fitted blendshape weights `w` (see [`FaceFit`]) are approximated by a non-negative
//! combination of the 7 expressive presets at full intensity, `w ≈ Σ c_k · preset_k(3)`,
//! `c_k ∈ [0, 1]` (bounded least squares). The normalised shares are the class mixture (which
//! emotion); neutral takes a share only when the shares add up to less than 0.15 (a face with
//! almost no expression); the intensity (how strongly) is read back through the presets'
//! intensity curve from the largest `c_k`.
//!
//! The reading is linear; the face drawn from it is not: a mixture's face takes each region from
//! the class that leads it there ([`crate::face::compound`]). So a reference face read as a mixture
//! is redrawn as that compound, not reproduced blendshape for blendshape (a reading of happy 0.7
//! and surprised 0.3 is drawn with 60 % of surprise's raised brows over happiness's whole mouth,
//! and without surprise's dropped jaw). What the reading is for is the emotion, not a copy of the face.

use glam::Vec2;

use super::space::{EmotionEmbedding, N_CLASSES};
use crate::face::blendshapes::{N_BLENDSHAPES, NAMES, index_of};
use crate::face::fit::bounded_ridge;
use crate::face::presets::{INTENSITY_GAMMA, MAX_INTENSITY};
use crate::face::{BlendshapeBasis, EmotionPreset, FaceFit, N_LANDMARKS};

/// Ridge penalty of the preset decomposition (weight units²).
const RIDGE: f32 = 0.05;
/// Below this total preset share a face counts as (partly) neutral.
const NEUTRAL_BELOW: f32 = 0.15;

/// What a reference face says about emotion.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceEmotion {
    /// Where it lands in the emotion space.
    pub embedding: EmotionEmbedding,
    /// How strongly it is shown, 0–3.
    pub intensity: f32,
    /// The blendshape weights the face model read off the face.
    pub weights: [f32; N_BLENDSHAPES],
}

/// Reads the emotion of a face from its 68 landmarks (pixels). `None` for degenerate landmarks.
pub fn encode_face(landmarks: &[Vec2; N_LANDMARKS], basis: &BlendshapeBasis) -> Option<FaceEmotion> {
    let fit = FaceFit::fit(landmarks, basis)?;
    Some(explain_weights(&fit.weights))
}

/// Explains blendshape weights with the presets (see the module docs): the emotion they show
/// and how strongly.
pub fn explain_weights(weights: &[f32; N_BLENDSHAPES]) -> FaceEmotion {
    // One column per expressive class; contempt, being one-sided, is seen only in asymmetry:
    // two columns (left minus right, right minus left), so a symmetric smile is not contempt.
    let mut columns: Vec<Vec<f32>> = Vec::new();
    let mut class_of: Vec<usize> = Vec::new();
    for (k, p) in EmotionPreset::ALL.iter().enumerate().skip(1) {
        let w = p.weights(MAX_INTENSITY);
        if *p == EmotionPreset::Contempt {
            let m = mirror_weights(&w);
            columns.push(w.iter().zip(&m).map(|(a, b)| a - b).collect());
            columns.push(w.iter().zip(&m).map(|(a, b)| b - a).collect());
            class_of.extend([k, k]);
        } else {
            columns.push(w.to_vec());
            class_of.push(k);
        }
    }
    let solved = bounded_ridge(&columns, weights, &vec![RIDGE; columns.len()], 400);
    let mut shares = [0.0f32; N_CLASSES - 1];
    for (c, &k) in solved.iter().zip(&class_of) {
        shares[k - 1] += c;
    }
    let strongest = shares.iter().copied().fold(0.0f32, f32::max);
    // Which emotion is the mixture, how strongly is the intensity: neutral only takes a share
    // when the face is nearly expressionless.
    let total: f32 = shares.iter().sum();
    let neutral = ((NEUTRAL_BELOW - total) / NEUTRAL_BELOW).clamp(0.0, 1.0);
    let mut mixture = [0.0; N_CLASSES];
    mixture[0] = neutral;
    if total > 0.0 {
        mixture[1..].iter_mut().zip(&shares).for_each(|(m, c)| *m = c / total * (1.0 - neutral));
    }
    FaceEmotion {
        embedding: EmotionEmbedding::from_mixture(mixture),
        intensity: MAX_INTENSITY * strongest.powf(1.0 / INTENSITY_GAMMA),
        weights: *weights,
    }
}

/// The same weights with left and right exchanged (`mouthSmileLeft` ↔ `mouthSmileRight`, …).
fn mirror_weights(w: &[f32; N_BLENDSHAPES]) -> [f32; N_BLENDSHAPES] {
    std::array::from_fn(|i| {
        let name = NAMES[i];
        let other = if let Some(base) = name.strip_suffix("Left") {
            format!("{base}Right")
        } else if let Some(base) = name.strip_suffix("Right") {
            format!("{base}Left")
        } else {
            name.to_string()
        };
        index_of(&other).map_or(w[i], |j| w[j])
    })
}

/// The 8 MEAD classes' mixture (in [`EmotionPreset::ALL`] order) of face-api's 7 expression
/// probabilities ([`crate::vision::Expression::ALL`] order); contempt, which face-api lacks,
/// gets none.
pub fn mixture_of_expressions(p: &[f32; 7]) -> [f32; N_CLASSES] {
    use crate::vision::Expression as E;
    let of = |e: E| p[E::ALL.iter().position(|&x| x == e).unwrap_or(0)];
    EmotionPreset::ALL.map(|c| match c {
        EmotionPreset::Neutral => of(E::Neutral),
        EmotionPreset::Angry => of(E::Angry),
        EmotionPreset::Contempt => 0.0,
        EmotionPreset::Disgusted => of(E::Disgusted),
        EmotionPreset::Fear => of(E::Fearful),
        EmotionPreset::Happy => of(E::Happy),
        EmotionPreset::Sad => of(E::Sad),
        EmotionPreset::Surprised => of(E::Surprised),
    })
}

/// Blends the face model's reading of a face with the expression net's probabilities (`share`
/// of the net, 0–1): the mixtures are averaged; the intensity averages the fit's with the net's
/// confidence that the face is not neutral (`3 · (1 − p_neutral)`).
pub fn blend_readings(fit: &FaceEmotion, net: Option<&[f32; 7]>, share: f32) -> (EmotionEmbedding, f32) {
    let Some(p) = net else { return (fit.embedding, fit.intensity) };
    let s = share.clamp(0.0, 1.0);
    let (a, b) = (fit.embedding.mixture(), mixture_of_expressions(p));
    let mixture = std::array::from_fn(|i| (1.0 - s) * a[i] + s * b[i]);
    let net_intensity = MAX_INTENSITY * (1.0 - b[0]).clamp(0.0, 1.0);
    (EmotionEmbedding::from_mixture(mixture), (1.0 - s) * fit.intensity + s * net_intensity)
}
