//! Emotion from a reference clip (SPEAK's emotion reference): the face tracked through the clip
//! ([`crate::vision::clip::track`]), each frame read as a still reference face is, and the
//! readings pooled.
//!
//! **Per frame.** The face model is fitted to the landmarks (its 52 blendshape weights are kept,
//! [`FrameReading::weights`]). Landmarks found by a network on a given face carry that face's
//! own shape and the network's own bias (on the painted NPCs, face-api's landmark net places the
//! mouth corners so that every frame's absolute fit reads "happy"), and both are the same in
//! every frame of a clip. So a frame is read by what moved: its weights beyond the clip's calmest
//! frame's (the one with the least weight in all), explained by the presets
//! ([`explain_weights`]), blended with face-api's expression net ([`blend_readings`]). The fit's
//! share grows with how far the frame moved, up to `fit_share` at [`FULL_MOTION`]; a clip that
//! holds one expression throughout is read by the net.
//!
//! **Pooling.** A clip of an expression usually starts from the face at rest and moves to its
//! apex, and a mean over every frame would mix the two (and read a smiling person's surprise
//! half as a smile). So the apex is found in the face model's terms: the calmest frame is the one
//! with the least blendshape weight in all, and the frames whose weights lie at or beyond the
//! median distance from it (L1) are the apex half; their class mixtures and intensities are
//! averaged. A clip that holds one expression throughout gives the same answer as any of its
//! frames; frames where no face was found take no part.

use glam::Vec2;

use super::image::{blend_readings, explain_weights};
use super::space::{EmotionEmbedding, N_CLASSES};
use crate::face::blendshapes::N_BLENDSHAPES;
use crate::face::{BlendshapeBasis, FaceFit, N_LANDMARKS};
use crate::vision::clip::track::ClipTrack;

/// One tracked frame's reading.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameReading {
    /// The frame's index in the clip.
    pub frame: usize,
    /// Its class mixture ([`crate::face::EmotionPreset::ALL`] order).
    pub mixture: [f32; N_CLASSES],
    /// Its intensity, 0–3.
    pub intensity: f32,
    /// The blendshape weights the face model fitted to its landmarks (ARKit order).
    pub weights: [f32; N_BLENDSHAPES],
}

/// What a clip says about emotion.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipEmotion {
    /// The pooled point in the emotion space.
    pub embedding: EmotionEmbedding,
    /// The pooled intensity, 0–3.
    pub intensity: f32,
    /// Every frame that could be read, in clip order.
    pub frames: Vec<FrameReading>,
    /// How many of them were pooled (the stronger half).
    pub pooled: usize,
}

/// The most of a clip frame's reading that comes from the face model's fit of what moved (the
/// rest from face-api's expression net). Measured on 18 rendered clips (the astronaut and NPCs 3
/// and 7, six emotions each, 2.5 at the apex): the net alone and shares of 0.25 and 0.5 give the
/// same dominant class in 17 of 18, and the intended class's share falls as the fit's rises
/// (it reads the landmark net's coarse mouth): 0.25 keeps a second, independent reading without
/// blurring the net's.
pub const CLIP_FIT_SHARE: f32 = 0.25;

/// How far (L1, blendshape weights) a frame must move from the clip's calmest for the face
/// model's reading of that move to count in full (half of the frame's reading); a frame that
/// moved less leaves more to the expression net.
pub const FULL_MOTION: f32 = 1.0;

/// Reads the emotion of a tracked clip (its frames' expressions read by the tracker, see
/// [`crate::vision::clip::track::TrackOptions::expressions`]; a frame without them uses the
/// fit alone), with up to `fit_share` of each frame's reading from the face model's fit (see the
/// module docs). `None` when no frame's face can be fitted.
pub fn read_clip(track: &ClipTrack, basis: &BlendshapeBasis, fit_share: f32) -> Option<ClipEmotion> {
    let fitted: Vec<(usize, [f32; N_BLENDSHAPES], Option<[f32; 7]>)> = track
        .frames
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let f = f.as_ref()?;
            let points: [Vec2; N_LANDMARKS] = f.landmarks.map(|[x, y]| Vec2::new(x, y));
            Some((i, FaceFit::fit(&points, basis)?.weights, f.expressions))
        })
        .collect();
    let calm = fitted.iter().map(|(_, w, _)| *w).min_by(|a, b| l1(a, &ZERO).total_cmp(&l1(b, &ZERO)))?;
    let frames: Vec<FrameReading> = fitted
        .iter()
        .map(|(i, w, net)| {
            let moved: [f32; N_BLENDSHAPES] = std::array::from_fn(|k| (w[k] - calm[k]).max(0.0));
            let fit = explain_weights(&moved);
            let share = fit_share.clamp(0.0, 1.0) * (l1(w, &calm) / FULL_MOTION).min(1.0);
            let (embedding, intensity) = blend_readings(&fit, net.as_ref(), 1.0 - share);
            FrameReading { frame: *i, mixture: embedding.mixture(), intensity, weights: *w }
        })
        .collect();
    let (embedding, intensity, pooled) = pool(&frames)?;
    Some(ClipEmotion { embedding, intensity, frames, pooled })
}

const ZERO: [f32; N_BLENDSHAPES] = [0.0; N_BLENDSHAPES];

fn l1(a: &[f32; N_BLENDSHAPES], b: &[f32; N_BLENDSHAPES]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum()
}

/// The apex half of the readings averaged (see the module docs): embedding, intensity and how
/// many were pooled; `None` for no readings.
pub fn pool(frames: &[FrameReading]) -> Option<(EmotionEmbedding, f32, usize)> {
    let calm = frames.iter().min_by(|a, b| l1(&a.weights, &ZERO).total_cmp(&l1(&b.weights, &ZERO)))?;
    let away: Vec<f32> = frames.iter().map(|f| l1(&f.weights, &calm.weights)).collect();
    let mut sorted = away.clone();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[sorted.len() / 2]; // the upper median: at most half pooled, rounding up
    let apex: Vec<&FrameReading> = frames.iter().zip(&away).filter(|(_, a)| **a >= median).map(|(f, _)| f).collect();
    let n = apex.len() as f32;
    let mixture: [f32; N_CLASSES] = std::array::from_fn(|k| apex.iter().map(|f| f.mixture[k]).sum::<f32>() / n);
    let intensity = apex.iter().map(|f| f.intensity).sum::<f32>() / n;
    Some((EmotionEmbedding::from_mixture(mixture), intensity, apex.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(frame: usize, class: usize, intensity: f32, moved: f32) -> FrameReading {
        let mut mixture = [0.0; N_CLASSES];
        mixture[class] = 1.0;
        let mut weights = [0.0; N_BLENDSHAPES];
        weights[0] = moved;
        FrameReading { frame, mixture, intensity, weights }
    }

    #[test]
    fn the_apex_half_is_pooled() {
        // The face at rest, read as happy (a smiling person), then surprised at its apex: the
        // frames that moved farthest from the calmest are pooled, whatever each one's intensity.
        let frames: Vec<FrameReading> = (0..10)
            .map(|i| if (3..8).contains(&i) { reading(i, 7, 2.0, 0.9) } else { reading(i, 5, 2.4, 0.1) })
            .collect();
        let (e, mu, n) = pool(&frames).unwrap();
        assert_eq!(n, 5);
        assert!((mu - 2.0).abs() < 1e-5, "{mu}");
        let m = e.mixture();
        assert!(m[7] > 0.99, "{m:?}");
        // One expression held throughout: the answer is that frame's.
        let held: Vec<FrameReading> = (0..6).map(|i| reading(i, 5, 1.5, 0.5)).collect();
        let (e, mu, n) = pool(&held).unwrap();
        assert_eq!((n, mu), (6, 1.5));
        assert!(e.mixture()[5] > 0.99);
        assert!(pool(&[]).is_none());
    }
}
