//! An expression track: the 52 blendshape weights per frame that EAC predicts for a line (or a
//! recording holds), sampled at any time, resampled, and written as the CLI's `track.csv`.

use crate::face::blendshapes::N_BLENDSHAPES;

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
    /// for example from [`super::motion::head_motion`]); frames past `pose` get 0.
    pub fn write_csv_with_pose(&self, mut out: impl std::io::Write, pose: &[[f32; 3]]) -> std::io::Result<()> {
        write_csv_header(&mut out)?;
        for (f, w) in self.frames.iter().enumerate() {
            write_csv_row(&mut out, f as f64 / self.fps, w, pose.get(f).copied().unwrap_or_default())?;
        }
        Ok(())
    }
}

/// The header line of `track.csv` (see [`ExpressionTrack::write_csv`]).
pub fn write_csv_header(mut out: impl std::io::Write) -> std::io::Result<()> {
    write!(out, "t")?;
    for name in crate::face::blendshapes::NAMES {
        write!(out, ",{name}")?;
    }
    writeln!(out, ",headPitch,headYaw,headRoll")
}

/// One row of `track.csv`: the time in seconds, the 52 weights, the head angles (radians): what a
/// track streamed frame by frame writes ([`super::stream::LineStream`]).
pub fn write_csv_row(
    mut out: impl std::io::Write,
    t: f64,
    weights: &[f32; N_BLENDSHAPES],
    [p, y, r]: [f32; 3],
) -> std::io::Result<()> {
    write!(out, "{t:.4}")?;
    for v in weights {
        write!(out, ",{v:.5}")?;
    }
    writeln!(out, ",{p:.5},{y:.5},{r:.5}")
}
