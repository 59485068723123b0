//! From log-mel frames to EAC's per-frame input, and offline inference over a whole line.

use burn::prelude::Backend;
use burn::tensor::{Tensor, TensorData};

use super::{Eac, EacConfig, MEL_FPS};
use crate::anim::ExpressionTrack;
use crate::audio::FeatureMatrix;
use crate::emotion::space::{EmotionEmbedding, Z_DIM};
use crate::face::blendshapes::N_BLENDSHAPES;

/// Output frames spanning `n_mel` mel frames at `fps`: frame `t` is at `t / fps` seconds, and
/// frames run while that time lies within the mel frames' span.
pub fn n_output_frames(n_mel: usize, fps: f64) -> usize {
    if n_mel == 0 {
        return 0;
    }
    ((n_mel - 1) as f64 / MEL_FPS * fps).floor() as usize + 1
}

/// The mel frame at output frame `t`'s time.
pub fn mel_centre(t: usize, fps: f64) -> usize {
    (t as f64 * MEL_FPS / fps).round() as usize
}

/// EAC's input rows for output frames `frames` (each `context_width` numbers: the mel frames
/// from `mel_past` before to `mel_ahead` after the frame's time, repeating the first and last
/// frame beyond the ends). `mel` must hold at least one frame.
pub fn mel_context(mel: &FeatureMatrix, config: &EacConfig, frames: std::ops::Range<usize>) -> Vec<f32> {
    mel_context_with(mel.n_frames(), |k| mel.row(k), config, frames)
}

/// [`mel_context`] over any store of mel rows: `n_mel` frames so far, `row(k)` the `k`-th.
pub fn mel_context_with<'a>(
    n_mel: usize,
    row: impl Fn(usize) -> &'a [f32],
    config: &EacConfig,
    frames: std::ops::Range<usize>,
) -> Vec<f32> {
    let mut out = Vec::with_capacity(frames.len() * config.context_width());
    for t in frames {
        let c = mel_centre(t, config.fps) as i64;
        for k in c - config.mel_past as i64..=c + config.mel_ahead as i64 {
            out.extend_from_slice(row(k.clamp(0, n_mel as i64 - 1) as usize));
        }
    }
    out
}

/// Frames computed per pass in [`Eac::infer`] (plus their receptive margins).
pub const CHUNK_FRAMES: usize = 256;

impl<B: Backend> Eac<B> {
    /// The expression track of a whole line: its log-mel frames (80 bands, 100 per second), the
    /// emotion, and the intensity (0–3). Long lines run in chunks of [`CHUNK_FRAMES`] with their
    /// receptive margins, which gives the same numbers as one pass.
    pub fn infer(
        &self,
        mel: &FeatureMatrix,
        config: &EacConfig,
        emotion: &EmotionEmbedding,
        intensity: f32,
        device: &B::Device,
    ) -> ExpressionTrack {
        let n = n_output_frames(mel.n_frames(), config.fps);
        let mut track = ExpressionTrack { fps: config.fps, frames: Vec::with_capacity(n), sigma: Vec::new() };
        let mut start = 0;
        while start < n {
            let end = (start + CHUNK_FRAMES).min(n);
            let from = start.saturating_sub(config.receptive_past());
            let to = (end + config.band_ahead).min(n);
            let rows = mel_context(mel, config, from..to);
            let (coeffs, sigma) = self.run_rows(rows, config, emotion, intensity, from..to, start..end, device);
            track.frames.extend(coeffs);
            track.sigma = sigma;
            start = end;
        }
        track
    }

    /// Runs the input rows of frames `span` and returns the coefficients of frames `keep` (inside
    /// `span`) and `sigma'`.
    pub(crate) fn run_rows(
        &self,
        rows: Vec<f32>,
        config: &EacConfig,
        emotion: &EmotionEmbedding,
        intensity: f32,
        span: std::ops::Range<usize>,
        keep: std::ops::Range<usize>,
        device: &B::Device,
    ) -> (Vec<[f32; N_BLENDSHAPES]>, Vec<f32>) {
        let audio = Tensor::<B, 3>::from_data(TensorData::new(rows, [1, span.len(), config.context_width()]), device);
        let z = Tensor::<B, 2>::from_data(TensorData::new(emotion.as_array().to_vec(), [1, Z_DIM]), device);
        let mu = Tensor::<B, 1>::from_data(TensorData::new(vec![intensity.clamp(0.0, 3.0)], [1]), device);
        let out = self.forward(audio, z, mu);
        let values = out
            .coefficients
            .narrow(1, keep.start - span.start, keep.len())
            .into_data()
            .to_vec::<f32>()
            .unwrap_or_default();
        let sigma = out.sigma.into_data().to_vec::<f32>().unwrap_or_default();
        let mut frames: Vec<[f32; N_BLENDSHAPES]> =
            values.chunks_exact(N_BLENDSHAPES).map(|c| std::array::from_fn(|k| c[k])).collect();
        with_emotion_eyes(&mut frames, emotion, intensity);
        (frames, sigma)
    }
}

/// The eye channels that speech never moves, taken from the emotion's face: the gaze
/// (`eyeLook*`) is the emotion's, and the lids close at least as far as the emotion droops them
/// (`eyeBlink*`: the network's own value, or the emotion's where that is more; blinks are added
/// downstream). The network learns these only from the emotion, and slowly: its sigmoid output
/// sat near 0 on channels its first targets never used, so after #14's fourth pass sad's lowered
/// gaze stayed at 0 and its drooping lids at 0.04 of 0.35 through a fine-tune, and a sad face
/// would lift its eyes at every line's start and lower them again at its end (the face at rest
/// shows the emotion's own weights).
pub fn with_emotion_eyes(frames: &mut [[f32; N_BLENDSHAPES]], emotion: &EmotionEmbedding, intensity: f32) {
    let face = emotion.blendshape_weights(intensity.clamp(0.0, 3.0));
    for (k, name) in crate::face::blendshapes::NAMES.iter().enumerate() {
        if name.starts_with("eyeLook") {
            frames.iter_mut().for_each(|f| f[k] = face[k]);
        } else if name.starts_with("eyeBlink") {
            frames.iter_mut().for_each(|f| f[k] = f[k].max(face[k]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::EmotionPreset;
    use crate::face::blendshapes::index_of;

    #[test]
    fn the_gaze_is_the_emotions_and_the_lids_droop_at_least_as_far() {
        let (down, lid) = (index_of("eyeLookDownLeft").unwrap(), index_of("eyeBlinkRight").unwrap());
        let jaw = index_of("jawOpen").unwrap();
        let mut frames = [[0.0f32; N_BLENDSHAPES]; 3];
        frames[1][lid] = 0.9; // the network closed this lid further
        frames[2][down] = 0.5; // and looked further down than the emotion does
        frames.iter_mut().for_each(|f| f[jaw] = 0.4);
        let sad = EmotionPreset::Sad.weights(2.5);
        with_emotion_eyes(&mut frames, &EmotionEmbedding::preset(EmotionPreset::Sad), 2.5);
        assert!(sad[down] > 0.2 && sad[lid] > 0.2);
        assert!(frames.iter().all(|f| f[down] == sad[down] && f[jaw] == 0.4));
        assert_eq!([frames[0][lid], frames[1][lid]], [sad[lid], 0.9]);
        // A neutral line looks ahead with its lids as the network has them.
        let mut neutral = [[0.0f32; N_BLENDSHAPES]; 1];
        neutral[0][down] = 0.5;
        neutral[0][lid] = 0.1;
        with_emotion_eyes(&mut neutral, &EmotionEmbedding::preset(EmotionPreset::Neutral), 2.5);
        assert_eq!([neutral[0][down], neutral[0][lid]], [0.0, 0.1]);
    }
}
