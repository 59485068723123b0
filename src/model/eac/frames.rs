//! From log-mel frames to EAC's per-frame input, and offline inference over a whole line.

use burn::prelude::Backend;
use burn::tensor::{Tensor, TensorData};

use super::{Eac, EacConfig, MEL_FPS};
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

/// An expression track: blendshape weights per frame.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpressionTrack {
    /// Frames per second.
    pub fps: f64,
    /// The 52 weights of each frame.
    pub frames: Vec<[f32; N_BLENDSHAPES]>,
    /// The updated intensity token `sigma'` (HEF's input).
    pub sigma: Vec<f32>,
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

impl ExpressionTrack {
    /// Duration in seconds (frames / fps).
    pub fn duration(&self) -> f64 {
        self.frames.len() as f64 / self.fps
    }

    /// The weights at time `t` seconds, linearly interpolated between frames (held at the ends).
    pub fn sample(&self, t: f64) -> [f32; N_BLENDSHAPES] {
        let Some(last) = self.frames.len().checked_sub(1) else { return [0.0; N_BLENDSHAPES] };
        let x = (t * self.fps).clamp(0.0, last as f64);
        let (i, u) = (x.floor() as usize, (x - x.floor()) as f32);
        let (a, b) = (&self.frames[i], &self.frames[(i + 1).min(last)]);
        std::array::from_fn(|k| a[k] + u * (b[k] - a[k]))
    }

    /// The same motion at another frame rate, covering the same duration
    /// (`ceil(duration · fps)` frames, linear interpolation).
    pub fn resampled(&self, fps: f64) -> ExpressionTrack {
        let n = if self.frames.is_empty() {
            0
        } else {
            ((self.frames.len() - 1) as f64 / self.fps * fps).floor() as usize + 1
        };
        ExpressionTrack {
            fps,
            frames: (0..n).map(|f| self.sample(f as f64 / fps)).collect(),
            sigma: self.sigma.clone(),
        }
    }

    /// Writes the CLI contract's `track.csv`: a header `t`, the 52 ARKit names, `headPitch`,
    /// `headYaw`, `headRoll` (radians), then one row per frame (`t` in seconds).
    /// `tools/lipsync/score.py` and the trainer's `targets` manifests read this format.
    ///
    /// EAC predicts no head motion, so the pose columns hold the rest pose (0) here; see
    /// [`write_csv_with_pose`](Self::write_csv_with_pose).
    pub fn write_csv(&self, out: impl std::io::Write) -> std::io::Result<()> {
        self.write_csv_with_pose(out, &[])
    }

    /// [`write_csv`](Self::write_csv) with head angles per frame (pitch, yaw, roll in radians,
    /// for example from [`crate::face::motion::head_motion`]); frames past `pose` get 0.
    pub fn write_csv_with_pose(&self, mut out: impl std::io::Write, pose: &[[f32; 3]]) -> std::io::Result<()> {
        write!(out, "t")?;
        for name in crate::face::blendshapes::NAMES {
            write!(out, ",{name}")?;
        }
        writeln!(out, ",headPitch,headYaw,headRoll")?;
        for (f, w) in self.frames.iter().enumerate() {
            write!(out, "{:.4}", f as f64 / self.fps)?;
            for v in w {
                write!(out, ",{v:.5}")?;
            }
            let [p, y, r] = pose.get(f).copied().unwrap_or_default();
            writeln!(out, ",{p:.5},{y:.5},{r:.5}")?;
        }
        Ok(())
    }
}
