//! One face's animation over time, Bevy-free: what the plugin's main-thread systems run per face
//! per frame, kept here so it is tested without an engine.
//!
//! A [`FaceAnimator`] blends *sources* (an expression track sampled at the line's playback
//! position, or a resting face) and adds procedural blinks and head motion:
//!
//! - **Retargeting.** Setting a new source (the same line re-inferred under a new emotion, a new
//!   line, or rest when a line ends) does not jump: the face moves from the old source to the new
//!   one along a *critically damped* step, `α(t) = 1 − (1 + t/τ)·e^(−t/τ)` ([`critically_damped`]),
//!   the response of a spring-damper with no overshoot, both sources sampled at the same
//!   playback position so that lip sync holds throughout. `τ` is [`DEFAULT_RETARGET_TAU`]
//!   (0.12 s: the blend is 34 % done after τ, 90 % after 3.9 τ ≈ 0.47 s).
//! - **Blinks** ([`BlinkSchedule`]): gamma-distributed intervals from [`motion::blink_times`], on
//!   the face's own clock, generated a minute at a time so they never repeat.
//! - **Head motion**: the idle sway runs on the face's own clock; nods follow the stressed
//!   syllables of the line being spoken, on its playback clock ([`HeadMotionModel`]).

pub mod motion;
pub mod pose;
pub mod stream;
mod track;

use std::sync::Arc;

pub use track::{ExpressionTrack, write_csv_header, write_csv_row};

use crate::face::blendshapes::{N_BLENDSHAPES, index_of};
use crate::face::cpu_render::HeadPose;
use motion::{BlinkConfig, HeadMotionConfig, HeadMotionModel};

/// Default time constant of emotion and line retargeting, seconds.
pub const DEFAULT_RETARGET_TAU: f32 = 0.12;

/// Blink schedules are generated this many seconds at a time.
const BLINK_CHUNK_SECONDS: f32 = 60.0;

/// Progress (0–1) of a critically damped step `t` seconds after it started, time constant `tau`.
pub fn critically_damped(t: f32, tau: f32) -> f32 {
    if t <= 0.0 {
        return 0.0;
    }
    let x = t / tau.max(1e-4);
    1.0 - (1.0 + x) * (-x).exp()
}

/// What a face shows before blinks and pose.
#[derive(Debug, Clone)]
pub enum FaceSource {
    /// A resting expression (the emotion's face with the mouth closed).
    Rest([f32; N_BLENDSHAPES]),
    /// A line's expression track, sampled at the line's playback position.
    Line(Arc<ExpressionTrack>),
}

impl FaceSource {
    /// The weights at playback position `t` (seconds; rests ignore it).
    pub fn sample(&self, t: f64) -> [f32; N_BLENDSHAPES] {
        match self {
            FaceSource::Rest(w) => *w,
            FaceSource::Line(track) => track.sample(t.clamp(0.0, track.duration())),
        }
    }
}

/// An endless, seeded blink schedule on one face's clock.
#[derive(Debug, Clone)]
pub struct BlinkSchedule {
    config: BlinkConfig,
    seed: u64,
    chunk: Option<u64>,
    times: Vec<f32>,
}

impl BlinkSchedule {
    /// A schedule with this seed.
    pub fn new(config: BlinkConfig, seed: u64) -> Self {
        Self { config, seed, chunk: None, times: Vec::new() }
    }

    /// Lid closure (0–1) at `t` seconds on the face's clock.
    pub fn weight(&mut self, t: f32) -> f32 {
        let t = t.max(0.0);
        let chunk = (t / BLINK_CHUNK_SECONDS) as u64;
        if self.chunk != Some(chunk) {
            let start = chunk as f32 * BLINK_CHUNK_SECONDS;
            let seed = self.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(chunk);
            self.times =
                motion::blink_times(BLINK_CHUNK_SECONDS, &self.config, seed).into_iter().map(|b| b + start).collect();
            self.chunk = Some(chunk);
        }
        motion::blink_weight(t, &self.times, &self.config)
    }
}

/// One face's weights and pose at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceFrame {
    /// The 52 blendshape weights, ARKit order.
    pub weights: [f32; N_BLENDSHAPES],
    /// The head pose (degrees).
    pub pose: HeadPose,
}

/// One face's animation state (see the module docs).
#[derive(Debug, Clone)]
pub struct FaceAnimator {
    /// Retargeting time constant, seconds.
    pub tau: f32,
    current: FaceSource,
    /// The source being left and when (face clock), while a transition runs.
    previous: Option<(FaceSource, f32)>,
    blinks: BlinkSchedule,
    sway: HeadMotionModel,
    nods: Option<Arc<HeadMotionModel>>,
}

impl FaceAnimator {
    /// A face at rest (`rest`), seeded for its blinks and sway.
    pub fn new(rest: [f32; N_BLENDSHAPES], blink: BlinkConfig, motion: HeadMotionConfig, tau: f32, seed: u64) -> Self {
        Self {
            tau,
            current: FaceSource::Rest(rest),
            previous: None,
            blinks: BlinkSchedule::new(blink, seed),
            sway: HeadMotionModel::new(&[], &motion, seed),
            nods: None,
        }
    }

    /// Moves to `source` from whatever the face shows, starting at `now` (face clock). `nods`
    /// are the line's nods (none for a rest).
    pub fn retarget(&mut self, source: FaceSource, nods: Option<Arc<HeadMotionModel>>, now: f32) {
        let old = std::mem::replace(&mut self.current, source);
        self.previous = Some((old, now));
        self.nods = nods;
    }

    /// Replaces the current source without a transition (the first track of a line, when the
    /// face already shows that line's rest).
    pub fn set(&mut self, source: FaceSource, nods: Option<Arc<HeadMotionModel>>) {
        self.current = source;
        self.nods = nods;
    }

    /// The current source.
    pub fn current(&self) -> &FaceSource {
        &self.current
    }

    /// Whether a transition is still running at `now`.
    pub fn transitioning(&self, now: f32) -> bool {
        self.previous.as_ref().is_some_and(|(_, start)| critically_damped(now - start, self.tau) < 0.999)
    }

    /// The face at `now` (face clock), with the line at playback position `speech_t` (seconds;
    /// ignored by rests).
    pub fn frame(&mut self, now: f32, speech_t: f64) -> FaceFrame {
        let target = self.current.sample(speech_t);
        let mut weights = match &self.previous {
            Some((from, start)) => {
                let a = critically_damped(now - start, self.tau);
                if a >= 0.999 {
                    self.previous = None;
                    target
                } else {
                    let from = from.sample(speech_t);
                    std::array::from_fn(|k| from[k] + (target[k] - from[k]) * a)
                }
            }
            None => target,
        };
        let blink = self.blinks.weight(now);
        for k in [index_of("eyeBlinkLeft"), index_of("eyeBlinkRight")].into_iter().flatten() {
            weights[k] = weights[k].max(blink);
        }
        let [mut pitch, yaw, roll] = self.sway.sway_at(now);
        if let Some(nods) = &self.nods {
            pitch += nods.nod_at(speech_t as f32);
        }
        FaceFrame { weights, pose: HeadPose { pitch, yaw, roll, ..Default::default() } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(value: f32, seconds: f64) -> Arc<ExpressionTrack> {
        let fps = 25.0;
        let n = (seconds * fps) as usize;
        Arc::new(ExpressionTrack { fps, frames: vec![[value; N_BLENDSHAPES]; n], sigma: vec![0.0; n] })
    }

    #[test]
    fn critically_damped_step_is_monotone_without_overshoot() {
        let tau = 0.12;
        assert_eq!(critically_damped(0.0, tau), 0.0);
        assert!((critically_damped(tau, tau) - (1.0 - 2.0 / std::f32::consts::E)).abs() < 1e-6);
        let mut last = 0.0;
        for i in 1..200 {
            let a = critically_damped(i as f32 * 0.01, tau);
            assert!(a >= last && a < 1.0);
            last = a;
        }
        assert!(critically_damped(3.9 * tau, tau) > 0.9);
    }

    #[test]
    fn retargeting_blends_smoothly_at_the_same_playback_position() {
        let jaw = index_of("jawOpen").unwrap();
        let mut a = FaceAnimator::new([0.0; N_BLENDSHAPES], BlinkConfig::default(), Default::default(), 0.12, 1);
        a.set(FaceSource::Line(track(0.2, 10.0)), None);
        assert!((a.frame(1.0, 1.0).weights[jaw] - 0.2).abs() < 1e-6);
        a.retarget(FaceSource::Line(track(0.8, 10.0)), None, 1.0);
        let mut last = 0.2;
        let mut steps = Vec::new();
        for i in 1..=150 {
            let w = a.frame(1.0 + i as f32 / 100.0, 1.0 + i as f64 / 100.0).weights[jaw];
            assert!(w >= last - 1e-6 && w <= 0.8 + 1e-6, "no overshoot: {w}");
            steps.push(w - last);
            last = w;
        }
        // Continuous: no step bigger than a few percent of the change per 10 ms.
        assert!(steps.iter().all(|s| *s < 0.05 * 0.6), "{steps:?}");
        assert!((last - 0.8).abs() < 1e-3);
        assert!(!a.transitioning(2.5));
    }

    #[test]
    fn blinks_never_repeat_across_chunks() {
        let mut s = BlinkSchedule::new(BlinkConfig::default(), 5);
        let closed = |s: &mut BlinkSchedule, from: f32| {
            (0..6000).map(|i| s.weight(from + i as f32 * 0.01) > 0.5).collect::<Vec<bool>>()
        };
        let first = closed(&mut s, 0.0);
        let second = closed(&mut s, 60.0);
        assert_ne!(first, second);
        let blinks = first.windows(2).filter(|w| !w[0] && w[1]).count();
        assert!((8..=30).contains(&blinks), "{blinks} blinks a minute");
    }
}
