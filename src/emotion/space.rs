//! `z_emo`, the one emotion space every encoder maps into (AME, Xu et al. Sec. 3.1).
//!
//! The paper's space is CLIP's (512-d), which needs weights that cannot be had offline. Ours is
//! small and interpretable, so that text, a reference face and a voice can all land in it with
//! nothing downloaded, and a learned encoder (audio, or a CLIP projection through `onnx`) can be
//! trained to it:
//!
//! | dims | meaning |
//! |---|---|
//! | 0–7 | mixture over the 8 MEAD classes in [`EmotionPreset::ALL`] order (non-negative, sums to 1) |
//! | 8 | valence (pleasure), −1 … 1 |
//! | 9 | arousal, −1 … 1 |
//! | 10 | dominance, −1 … 1 |
//!
//! Blending is the weighted mean, so a compound lies between its parts (the paper's compound
//! styles are means of CLIP embeddings); its face is not the mean of its parts' faces but takes
//! each region from the part that leads it there ([`crate::face::compound`]). Intensity is *not*
//! part of `z_emo`: an emotion spec carries it separately, as the paper's intensity token does.
//!
//! Class positions in valence/arousal/dominance follow Russell & Mehrabian's PAD ratings (1977),
//! rounded; contempt, which they did not rate, is placed by us (unpleasant, calm, dominant).

use crate::face::EmotionPreset;
use crate::face::blendshapes::N_BLENDSHAPES;

/// Number of emotion classes (MEAD).
pub const N_CLASSES: usize = 8;
/// Dimension of `z_emo`.
pub const Z_DIM: usize = N_CLASSES + 3;

/// Valence, arousal, dominance of each class, in [`EmotionPreset::ALL`] order.
pub const CLASS_VAD: [[f32; 3]; N_CLASSES] = [
    [0.0, 0.0, 0.0],       // neutral
    [-0.51, 0.59, 0.25],   // angry
    [-0.45, 0.15, 0.55],   // contempt (ours)
    [-0.60, 0.35, 0.11],   // disgusted
    [-0.64, 0.60, -0.43],  // fear (afraid)
    [0.81, 0.51, 0.46],    // happy
    [-0.63, -0.27, -0.33], // sad
    [0.40, 0.67, -0.13],   // surprised
];

/// A point of the emotion space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmotionEmbedding([f32; Z_DIM]);

impl EmotionEmbedding {
    /// Builds an embedding from a class mixture (any non-negative weights, normalised here; all
    /// zero means neutral) and valence/arousal/dominance (clamped to [−1, 1]).
    pub fn from_parts(mixture: [f32; N_CLASSES], vad: [f32; 3]) -> Self {
        let clean = mixture.map(|m| if m.is_finite() { m.max(0.0) } else { 0.0 });
        let total: f32 = clean.iter().sum();
        let mut z = [0.0; Z_DIM];
        if total > 0.0 {
            z[..N_CLASSES].iter_mut().zip(clean).for_each(|(z, m)| *z = m / total);
        } else {
            z[0] = 1.0;
        }
        for (k, v) in vad.iter().enumerate() {
            z[N_CLASSES + k] = if v.is_finite() { v.clamp(-1.0, 1.0) } else { 0.0 };
        }
        Self(z)
    }

    /// A class mixture with the valence/arousal/dominance it implies (the mixture-weighted mean
    /// of the classes' positions).
    pub fn from_mixture(mixture: [f32; N_CLASSES]) -> Self {
        let shape = Self::from_parts(mixture, [0.0; 3]);
        let m = shape.mixture();
        let vad = std::array::from_fn(|d| (0..N_CLASSES).map(|k| m[k] * CLASS_VAD[k][d]).sum());
        Self::from_parts(m, vad)
    }

    /// The embedding of one MEAD class.
    pub fn preset(p: EmotionPreset) -> Self {
        let mut m = [0.0; N_CLASSES];
        m[class_index(p)] = 1.0;
        Self::from_mixture(m)
    }

    /// The raw vector.
    pub fn as_array(&self) -> [f32; Z_DIM] {
        self.0
    }

    /// The vector back from [`as_array`](Self::as_array) (re-normalised and clamped).
    pub fn from_array(z: [f32; Z_DIM]) -> Self {
        Self::from_parts(std::array::from_fn(|k| z[k]), [z[N_CLASSES], z[N_CLASSES + 1], z[N_CLASSES + 2]])
    }

    /// The class mixture (sums to 1).
    pub fn mixture(&self) -> [f32; N_CLASSES] {
        std::array::from_fn(|k| self.0[k])
    }

    /// Valence, −1 (unpleasant) … 1 (pleasant).
    pub fn valence(&self) -> f32 {
        self.0[N_CLASSES]
    }

    /// Arousal, −1 (calm) … 1 (excited).
    pub fn arousal(&self) -> f32 {
        self.0[N_CLASSES + 1]
    }

    /// Dominance, −1 (submissive) … 1 (in control).
    pub fn dominance(&self) -> f32 {
        self.0[N_CLASSES + 2]
    }

    /// The class with the largest share.
    pub fn dominant(&self) -> EmotionPreset {
        let m = self.mixture();
        let k = (0..N_CLASSES).max_by(|&a, &b| m[a].total_cmp(&m[b])).unwrap_or(0);
        EmotionPreset::ALL[k]
    }

    /// The weighted mean of embeddings (weights need not sum to 1; non-positive ones are
    /// ignored; nothing left means neutral).
    pub fn blend(parts: &[(EmotionEmbedding, f32)]) -> Self {
        let total: f32 = parts.iter().map(|(_, w)| w.max(0.0)).filter(|w| w.is_finite()).sum();
        if total <= 0.0 {
            return Self::preset(EmotionPreset::Neutral);
        }
        let mut z = [0.0; Z_DIM];
        for (e, w) in parts {
            let w = if w.is_finite() { w.max(0.0) / total } else { 0.0 };
            z.iter_mut().zip(e.0).for_each(|(z, v)| *z += v * w);
        }
        Self::from_array(z)
    }

    /// Euclidean distance in the space.
    pub fn distance(&self, other: &EmotionEmbedding) -> f32 {
        self.0.iter().zip(other.0).map(|(a, b)| (a - b) * (a - b)).sum::<f32>().sqrt()
    }

    /// The face of this emotion at intensity `mu` (0–3): its class mixture's presets, each region
    /// of the face (brows and eyes, mouth) taken mostly from the class that leads it in a compound
    /// ([`crate::face::compound`]); a pure class is its preset, a neutral share scales the rest
    /// down. Each weight is clamped to [0, 1].
    pub fn blendshape_weights(&self, mu: f32) -> [f32; N_BLENDSHAPES] {
        crate::face::compound::compound_face(&self.mixture(), mu)
    }
}

/// The position of a class in [`EmotionPreset::ALL`] (and in the mixture).
pub fn class_index(p: EmotionPreset) -> usize {
    p.index()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::blendshapes::index_of;

    #[test]
    fn presets_decode_to_themselves_and_compounds_lie_between() {
        for p in EmotionPreset::ALL {
            let z = EmotionEmbedding::preset(p);
            assert_eq!(z.dominant(), p);
            assert_eq!(z.mixture()[class_index(p)], 1.0);
            assert_eq!([z.valence(), z.arousal(), z.dominance()], CLASS_VAD[class_index(p)]);
        }
        let (sad, surprised) =
            (EmotionEmbedding::preset(EmotionPreset::Sad), EmotionEmbedding::preset(EmotionPreset::Surprised));
        let mid = EmotionEmbedding::blend(&[(sad, 1.0), (surprised, 1.0)]);
        let (a, b) = (mid.distance(&sad), mid.distance(&surprised));
        assert!((a - b).abs() < 1e-5 && (a + b - sad.distance(&surprised)).abs() < 1e-5, "the mean is halfway");
        assert!(mid.valence() > sad.valence() && mid.valence() < surprised.valence());
        assert_eq!(mid.mixture()[class_index(EmotionPreset::Sad)], 0.5);
    }

    #[test]
    fn bad_numbers_fall_back_safely() {
        let z =
            EmotionEmbedding::from_parts([f32::NAN, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [5.0, f32::INFINITY, -2.0]);
        assert_eq!(z.dominant(), EmotionPreset::Neutral);
        assert_eq!([z.valence(), z.arousal(), z.dominance()], [1.0, 0.0, -1.0]);
        assert_eq!(EmotionEmbedding::blend(&[]).dominant(), EmotionPreset::Neutral);
        let z = EmotionEmbedding::preset(EmotionPreset::Happy);
        assert_eq!(EmotionEmbedding::from_array(z.as_array()), z);
    }

    #[test]
    fn the_face_of_an_embedding_is_its_presets_compounded() {
        let happy = EmotionEmbedding::preset(EmotionPreset::Happy);
        assert_eq!(happy.blendshape_weights(2.0), EmotionPreset::Happy.weights(2.0));
        let half = EmotionEmbedding::blend(&[(happy, 1.0), (EmotionEmbedding::preset(EmotionPreset::Neutral), 1.0)]);
        let (h, f) = (EmotionPreset::Happy.weights(3.0), half.blendshape_weights(3.0));
        assert!(h.iter().zip(f).all(|(a, b)| (a / 2.0 - b).abs() < 1e-6));
        // "Sadly surprised": sadness's lowered brows, surprise's dropped jaw, each whole.
        let sad = EmotionEmbedding::preset(EmotionPreset::Sad);
        let both = EmotionEmbedding::blend(&[(sad, 1.0), (EmotionEmbedding::preset(EmotionPreset::Surprised), 1.0)]);
        let (f, brow, jaw) = (both.blendshape_weights(3.0), index_of("browDownLeft"), index_of("jawOpen"));
        let (brow, jaw) = (brow.unwrap(), jaw.unwrap());
        assert_eq!(f[brow], EmotionPreset::Sad.weights(3.0)[brow]);
        assert_eq!(f[jaw], EmotionPreset::Surprised.weights(3.0)[jaw]);
    }
}
