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
        let frames = values.chunks_exact(N_BLENDSHAPES).map(|c| std::array::from_fn(|k| c[k])).collect();
        (frames, sigma)
    }
}
