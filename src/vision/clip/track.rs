//! A face followed through a [`Clip`]: landmarks, head pose and (optionally) expression per
//! frame.
//!
//! **Tracking.** The first frame, and any frame after the face was lost, runs the detector
//! ([`FacePerception::detect`]); every other frame places the landmark net's crop from the
//! previous frame's landmarks ([`refinement_box`], the box the detector would have drawn), which
//! is a tenth of the cost and does not jump between faces. A frame whose landmarks the mean face
//! does not fit (head-pose residual above [`TrackOptions::lost_rms_iod`]) is looked for again
//! with the detector in the same frame; a frame where no face is found is a gap, and the frame
//! after it detects afresh.
//!
//! **Smoothing.** Landmark nets jitter by a pixel or two from frame to frame, which is a degree
//! or two of head angle. Each angle goes through a One-Euro filter (Casiez, Roussel & Vogel,
//! CHI 2012): a low-pass whose cut-off rises with the signal's speed, `f_c = f_min + β·|ẋ|`, so
//! a still head is steady and a turning one does not lag. Defaults `f_min` 1.5 Hz, `β` 0.05 per
//! °/s, derivative cut-off 1 Hz, chosen on the filter's own behaviour at 25 fps (a unit test):
//! ±1.5° of jitter on a still head falls to under 0.5° RMS, a 40°/s turn lags by under 2.5°.
//! A gap restarts the filter.

use std::ops::Range;

use burn::prelude::Backend;

use super::{Clip, ClipError};
use crate::face::cpu_render::HeadPose;
use crate::vision::headpose::{Camera, PoseFit, fit_head_pose};
use crate::vision::perceive::{DetectOptions, FacePerception, refinement_box};
use crate::vision::RgbF32;

/// How a clip is tracked.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackOptions {
    /// The camera the clip was filmed with; `None`: [`Camera::webcam`] at the frame size.
    pub camera: Option<Camera>,
    /// A fit worse than this (RMS, inter-ocular distances) means the landmarks lost the face.
    pub lost_rms_iod: f32,
    /// Also read the expression of every tracked frame (one more network per frame).
    pub expressions: bool,
    /// One-Euro minimum cut-off, Hz.
    pub min_cutoff_hz: f32,
    /// One-Euro speed coefficient, per degree per second.
    pub beta: f32,
    /// How faces are detected when the track starts or is lost.
    pub detect: DetectOptions,
}

impl Default for TrackOptions {
    fn default() -> Self {
        Self {
            camera: None,
            lost_rms_iod: 0.12,
            expressions: false,
            min_cutoff_hz: 1.5,
            beta: 0.05,
            detect: DetectOptions::default(),
        }
    }
}

/// One frame where the face was found.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackedFrame {
    /// The 68 landmarks, pixels.
    pub landmarks: [[f32; 2]; 68],
    /// The head pose fitted to them, unsmoothed.
    pub fit: PoseFit,
    /// The smoothed head angles (degrees).
    pub pose: HeadPose,
    /// The expression probabilities ([`crate::vision::Expression::ALL`] order), when asked for.
    pub expressions: Option<[f32; 7]>,
    /// Whether this frame ran the detector (the first, and each after the face was lost).
    pub detected: bool,
}

/// A tracked clip.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipTrack {
    /// The clip's frame rate.
    pub fps: f64,
    /// Per frame: the face, or `None` where it was not found.
    pub frames: Vec<Option<TrackedFrame>>,
}

impl ClipTrack {
    /// The runs of frames where the face was not found.
    pub fn gaps(&self) -> Vec<Range<usize>> {
        let mut gaps = Vec::new();
        let mut start = None;
        for (i, f) in self.frames.iter().enumerate() {
            match (f.is_none(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    gaps.push(s..i);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            gaps.push(s..self.frames.len());
        }
        gaps
    }

    /// The smoothed pose of every frame, a gap holding the last pose before it (the first pose
    /// found, for a gap at the start). `None` when the face was never found.
    pub fn poses(&self) -> Option<Vec<HeadPose>> {
        let first = self.frames.iter().flatten().next()?.pose;
        let mut last = first;
        Some(
            self.frames
                .iter()
                .map(|f| {
                    if let Some(f) = f {
                        last = f.pose;
                    }
                    last
                })
                .collect(),
        )
    }

    /// How many frames ran the detector.
    pub fn detections(&self) -> usize {
        self.frames.iter().flatten().filter(|f| f.detected).count()
    }
}

/// Tracks the face of `clip` (see the module docs). Frames that cannot be read are errors that
/// name them; a clip in which no frame shows a face is [`ClipError::NoFace`].
pub fn track_clip<B: Backend>(
    clip: &Clip,
    perception: &FacePerception<B>,
    options: &TrackOptions,
) -> Result<ClipTrack, ClipError> {
    let dt = 1.0 / clip.fps() as f32;
    let mut filters: Option<[OneEuro; 3]> = None;
    let mut previous: Option<[[f32; 2]; 68]> = None;
    let mut frames = Vec::with_capacity(clip.len());
    let mut size = None;
    for (index, rgba) in clip.frames()?.enumerate() {
        let rgba = rgba?;
        let dims = rgba.dimensions();
        let expected = *size.get_or_insert(dims);
        if dims != expected {
            let path = clip.frame_path(index).unwrap_or(clip.path()).to_path_buf();
            return Err(ClipError::SizeChanged { path, index, got: dims, expected });
        }
        let camera = options.camera.unwrap_or(Camera::webcam(dims.0, dims.1));
        let img = RgbF32::from_rgba(&rgba);
        let good = |pts: [[f32; 2]; 68]| {
            fit_head_pose(&pts, camera).filter(|f| f.rms_iod <= options.lost_rms_iod).map(|f| (pts, f))
        };
        // Follow the previous frame's face; detect when there is none or it was lost.
        let mut detected = false;
        let mut found = previous.and_then(|prev| perception.landmarks(&img, &refinement_box(&prev), false)).and_then(good);
        if found.is_none() {
            detected = true;
            found = perception
                .detect(&img, &options.detect)
                .into_iter()
                .find_map(|(d, _)| perception.landmarks(&img, &d.rect, options.detect.refine).and_then(good));
        }
        let Some((landmarks, fit)) = found else {
            frames.push(None);
            previous = None;
            filters = None;
            continue;
        };
        let raw = [fit.pose.yaw, fit.pose.pitch, fit.pose.roll];
        let f = filters.get_or_insert_with(|| raw.map(|x| OneEuro::new(x, options.min_cutoff_hz, options.beta)));
        let [yaw, pitch, roll] = std::array::from_fn(|k| f[k].filter(raw[k], dt));
        let expressions = if options.expressions { perception.expressions(&img, &landmarks).map(|(_, p)| p) } else { None };
        frames.push(Some(TrackedFrame {
            landmarks,
            fit,
            pose: HeadPose { yaw, pitch, roll, ..HeadPose::default() },
            expressions,
            detected,
        }));
        previous = Some(landmarks);
    }
    if frames.iter().all(Option::is_none) {
        return Err(ClipError::NoFace { path: clip.path().to_path_buf(), frames: frames.len() });
    }
    Ok(ClipTrack { fps: clip.fps(), frames })
}

/// A One-Euro filter of one signal (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneEuro {
    min_cutoff: f32,
    beta: f32,
    d_cutoff: f32,
    x: f32,
    dx: f32,
}

impl OneEuro {
    /// A filter starting at `x`, with minimum cut-off `min_cutoff_hz` and speed coefficient
    /// `beta` (the derivative's cut-off is 1 Hz).
    pub fn new(x: f32, min_cutoff_hz: f32, beta: f32) -> Self {
        Self { min_cutoff: min_cutoff_hz, beta, d_cutoff: 1.0, x, dx: 0.0 }
    }

    /// The filtered value after a new sample `dt` seconds after the last.
    pub fn filter(&mut self, x: f32, dt: f32) -> f32 {
        let alpha = |cutoff: f32| {
            let tau = 1.0 / (std::f32::consts::TAU * cutoff);
            1.0 / (1.0 + tau / dt.max(1e-6))
        };
        let dx = (x - self.x) / dt.max(1e-6);
        self.dx += alpha(self.d_cutoff) * (dx - self.dx);
        let cutoff = self.min_cutoff + self.beta * self.dx.abs();
        self.x += alpha(cutoff) * (x - self.x);
        self.x
    }
}

#[cfg(test)]
mod tests {
    use super::OneEuro;

    #[test]
    fn one_euro_steadies_a_still_signal_and_follows_a_moving_one() {
        let mut seed = 3u32;
        let mut noise = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((seed >> 8) as f32 / (1 << 24) as f32 - 0.5) * 3.0
        };
        // Still at 10° with ±1.5° of jitter (0.87° RMS): under 0.5° RMS once settled.
        let mut f = OneEuro::new(10.0, 1.5, 0.05);
        let still: Vec<f32> = (0..400).map(|_| f.filter(10.0 + noise(), 0.04)).collect();
        let rms = (still[25..].iter().map(|v| (v - 10.0).powi(2)).sum::<f32>() / 375.0).sqrt();
        assert!(rms < 0.5, "a still head jitters by {rms}° RMS");
        // A 40°/s turn: once settled it lags by under 2.5°.
        let mut f = OneEuro::new(0.0, 1.5, 0.05);
        let mut last = 0.0;
        for i in 1..=50 {
            last = f.filter(40.0 * i as f32 * 0.04, 0.04);
        }
        assert!(80.0 - last < 2.5 && last <= 80.0, "a turning head lags: {last} for 80");
    }
}
