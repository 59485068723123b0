//! Recorded head motion: a [`PoseTrack`] of head angles per frame (from a file, or from a
//! reference clip's tracked face, [`PoseTrack::from_clip`]), and fitting it to a line of another
//! length ([`Retime`]).

use crate::face::cpu_render::HeadPose;
use crate::vision::clip::track::ClipTrack;

/// A recorded head pose track.
#[derive(Clone, Debug, PartialEq)]
pub struct PoseTrack {
    /// Frames per second.
    pub fps: f64,
    /// One pose per frame.
    pub frames: Vec<HeadPose>,
}

/// How a pose track is fitted to a line of another length ([`PoseTrack::retimed`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Retime {
    /// Played as recorded: cut where the line ends, its last pose held if the line is longer.
    Trim,
    /// Played again and again, each repeat cross-fading from the recording's last `crossfade`
    /// seconds into its start, so that the head never jumps (the default, 0.5 s).
    Loop {
        /// Seconds of the recording's end blended into its start.
        crossfade: f64,
    },
    /// Slowed down or sped up to last exactly as long as the line.
    Stretch,
}

impl Default for Retime {
    fn default() -> Self {
        Retime::Loop { crossfade: 0.5 }
    }
}

impl PoseTrack {
    /// The smoothed head angles of a tracked clip, frame by frame (a frame where the face was
    /// lost holds the last pose: see [`ClipTrack::poses`]); `None` when it never found a face.
    pub fn from_clip(track: &ClipTrack) -> Option<Self> {
        Some(Self { fps: track.fps, frames: track.poses()? })
    }

    /// The same motion about the track's mean angles (yaw, pitch and roll each less its mean):
    /// a reference filmed from a little above, or a subject who sits turned, moves a portrait
    /// about the portrait's own pose instead of turning it for good.
    pub fn centred(&self) -> PoseTrack {
        let n = self.frames.len().max(1) as f32;
        let mean = |f: fn(&HeadPose) -> f32| self.frames.iter().map(f).sum::<f32>() / n;
        let (yaw, pitch, roll) = (mean(|p| p.yaw), mean(|p| p.pitch), mean(|p| p.roll));
        let frames = self
            .frames
            .iter()
            .map(|p| HeadPose { yaw: p.yaw - yaw, pitch: p.pitch - pitch, roll: p.roll - roll, ..*p })
            .collect();
        PoseTrack { fps: self.fps, frames }
    }

    /// Its length in seconds (frames / fps).
    pub fn duration(&self) -> f64 {
        self.frames.len() as f64 / self.fps
    }

    /// The pose at `t` seconds (linear between frames; held at the ends).
    pub fn sample(&self, t: f64) -> HeadPose {
        let Some(last) = self.frames.len().checked_sub(1) else {
            return HeadPose::default();
        };
        let x = (t * self.fps).max(0.0).min(last as f64); // NaN (a bad rate) gives frame 0
        let x = if x.is_nan() { 0.0 } else { x };
        let (i, f) = (x.floor() as usize, (x - x.floor()) as f32);
        blend(self.frames[i], self.frames[(i + 1).min(last)], f)
    }

    /// The pose at `t` seconds of a line `duration` long, the track fitted to it by `how`.
    pub fn sample_retimed(&self, t: f64, duration: f64, how: Retime) -> HeadPose {
        let length = self.frames.len().saturating_sub(1) as f64 / self.fps;
        if !(length > 0.0 && length.is_finite()) {
            return self.sample(t); // one frame, or no usable rate: nothing to fit
        }
        match how {
            Retime::Trim => self.sample(t),
            Retime::Stretch if duration > 0.0 => self.sample(t / duration * length),
            Retime::Stretch => self.sample(0.0),
            Retime::Loop { crossfade } => {
                // Period P = length − c: the first pass plays [0, P) as recorded; every later
                // one starts where the last ended, the recording's tail [P, length) cross-fading
                // into its start [0, c).
                let c = crossfade.clamp(0.0, length / 2.0);
                let period = length - c;
                if t < period || period <= 0.0 {
                    return self.sample(t);
                }
                let tau = (t - period).rem_euclid(period);
                if tau < c {
                    blend(self.sample(tau + period), self.sample(tau), (tau / c) as f32)
                } else {
                    self.sample(tau)
                }
            }
        }
    }

    /// The track resampled at `fps` over `duration` seconds, fitted by `how`.
    pub fn retimed(&self, duration: f64, fps: f64, how: Retime) -> PoseTrack {
        let n = (duration * fps).round().max(0.0) as usize;
        PoseTrack { fps, frames: (0..n).map(|f| self.sample_retimed(f as f64 / fps, duration, how)).collect() }
    }
}

fn blend(a: HeadPose, b: HeadPose, f: f32) -> HeadPose {
    let l = |p: f32, q: f32| p + (q - p) * f;
    HeadPose {
        yaw: l(a.yaw, b.yaw),
        pitch: l(a.pitch, b.pitch),
        roll: l(a.roll, b.roll),
        translation: a.translation.lerp(b.translation, f),
        scale: l(a.scale, b.scale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(n: usize) -> PoseTrack {
        PoseTrack { fps: 10.0, frames: (0..n).map(|i| HeadPose { yaw: i as f32, ..HeadPose::default() }).collect() }
    }

    #[test]
    fn retiming_trims_stretches_and_loops_without_jumps() {
        let track = ramp(21); // yaw 0..=20 over 2 s
        // Trim: as recorded, then held.
        assert_eq!(track.sample_retimed(1.0, 5.0, Retime::Trim).yaw, 10.0);
        assert_eq!(track.sample_retimed(4.0, 5.0, Retime::Trim).yaw, 20.0);
        // Stretch: the whole recording over the line.
        assert!((track.sample_retimed(2.5, 5.0, Retime::Stretch).yaw - 10.0).abs() < 1e-4);
        assert!((track.sample_retimed(5.0, 5.0, Retime::Stretch).yaw - 20.0).abs() < 1e-4);
        // Loop: the first pass as recorded, then repeats that never jump by more than a frame's
        // motion (the ramp moves 1° per frame; at 100 fps, 0.1° a step).
        let looped = track.retimed(9.0, 100.0, Retime::Loop { crossfade: 0.5 });
        assert_eq!(looped.frames.len(), 900);
        assert!((looped.frames[100].yaw - 10.0).abs() < 1e-4, "first pass as recorded");
        let worst = looped.frames.windows(2).map(|w| (w[1].yaw - w[0].yaw).abs()).fold(0.0, f32::max);
        assert!(worst < 0.45, "a loop jumps by {worst}°");
        assert!(looped.frames[150..].iter().any(|p| p.yaw < 6.0), "it comes round again");
    }
}
