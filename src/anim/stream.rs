//! A voice line to its track frame by frame, in bounded memory: what `emotalk coeffs` runs, so an
//! hour-long file costs no more memory than a sentence.
//!
//! [`LineStream`] takes 16 kHz samples as they are decoded and hands back [`TrackRow`]s: EAC's
//! expression ([`crate::model::eac::streaming::EacStream`], the same numbers as a whole-line
//! pass), resampled to the output rate, with the procedural blinks and head motion of
//! [`super::motion`] unless `still`. What it holds at any time:
//!
//! - EAC's receptive field of mel rows, and up to [`EAC_BLOCK_SAMPLES`] of audio gathered so that
//!   EAC runs over long stretches (a pass per 10 s, not per decoded packet: the receptive margins
//!   each pass recomputes stay a small share);
//! - the prosody block being gathered: syllable nuclei (which head nods follow) are found per
//!   [`PROSODY_BLOCK_SECONDS`] of audio, analysed with [`PROSODY_MARGIN_SECONDS`] of context on
//!   each side, its floor and loudest frame those of the block and its margins. A line no longer
//!   than one block and its margin is analysed whole, exactly as [`crate::audio::prosody()`] over
//!   the line finds them; a longer one adapts to level changes along it;
//! - the output rows still waiting for the nuclei before them (at most a block's worth).

use std::collections::VecDeque;

use burn::prelude::Backend;

use super::motion::{BlinkConfig, BlinkTimes, HeadMotionConfig, HeadMotionModel, blink_weight};
use crate::audio::prosody::nuclei_with_mel;
use crate::audio::{AudioError, HOP_LENGTH, MelConfig, Nucleus, SAMPLE_RATE, log_mel};
use crate::emotion::space::EmotionEmbedding;
use crate::face::blendshapes::{N_BLENDSHAPES, index_of};
use crate::model::eac::saved::EacModel;
use crate::model::eac::streaming::EacStream;

/// Audio gathered before each EAC pass: 256 frames of 40 ms.
pub const EAC_BLOCK_SAMPLES: usize = 256 * 640;
/// Syllable nuclei are found over blocks of this many seconds of audio.
pub const PROSODY_BLOCK_SECONDS: usize = 60;
/// Context analysed on each side of a prosody block, seconds.
pub const PROSODY_MARGIN_SECONDS: usize = 2;

/// How a line is animated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineOptions {
    /// Output frames per second.
    pub fps: f64,
    /// Seed of the blinks and the head sway.
    pub seed: u64,
    /// Only what EAC predicts: no blinks, and the head stays at rest (pose 0).
    pub still: bool,
    /// Blink timing.
    pub blinks: BlinkConfig,
    /// Head motion.
    pub motion: HeadMotionConfig,
}

impl Default for LineOptions {
    fn default() -> Self {
        Self { fps: 30.0, seed: 1, still: false, blinks: BlinkConfig::default(), motion: HeadMotionConfig::default() }
    }
}

/// One output frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackRow {
    /// Frame number at the output rate.
    pub frame: usize,
    /// The 52 weights, blinks included.
    pub weights: [f32; N_BLENDSHAPES],
    /// Head pitch, yaw and roll, radians (zeros when still).
    pub pose: [f32; 3],
}

impl TrackRow {
    /// The frame's time in seconds at `fps`.
    pub fn seconds(&self, fps: f64) -> f64 {
        self.frame as f64 / fps
    }
}

/// A line being streamed (see the module docs).
pub struct LineStream<'a, B: Backend> {
    eac: EacStream<'a, B>,
    eac_fps: f64,
    options: LineOptions,
    /// Audio not yet given to EAC.
    pending_audio: Vec<f32>,
    /// EAC frames kept for resampling; the first is EAC frame `first_eac`.
    eac_frames: VecDeque<[f32; N_BLENDSHAPES]>,
    first_eac: usize,
    /// Next output frame.
    next_out: usize,
    /// Output rows resampled and blinked, waiting for the nuclei before them.
    waiting: VecDeque<TrackRow>,
    prosody: NucleusStream,
    motion: HeadMotionModel,
    blink_times: BlinkTimes,
    /// Blink start times from the last one at or before the current frame on.
    blinks: Vec<f32>,
    eyelids: [Option<usize>; 2],
    samples_in: u64,
}

impl<'a, B: Backend> LineStream<'a, B> {
    /// A stream through `model` with this emotion and intensity (0–3).
    pub fn new(
        model: &'a EacModel<B>,
        emotion: EmotionEmbedding,
        intensity: f32,
        options: LineOptions,
        device: &B::Device,
    ) -> Result<Self, AudioError> {
        Ok(Self {
            eac: EacStream::new(&model.net, &model.config, emotion, intensity, device)?,
            eac_fps: model.config.fps,
            options,
            pending_audio: Vec::new(),
            eac_frames: VecDeque::new(),
            first_eac: 0,
            next_out: 0,
            waiting: VecDeque::new(),
            prosody: NucleusStream::default(),
            motion: HeadMotionModel::new(&[], &options.motion, options.seed),
            blink_times: BlinkTimes::new(&options.blinks, options.seed),
            blinks: Vec::new(),
            eyelids: [index_of("eyeBlinkLeft"), index_of("eyeBlinkRight")],
            samples_in: 0,
        })
    }

    /// Samples fed so far.
    pub fn samples_in(&self) -> u64 {
        self.samples_in
    }

    /// Feeds 16 kHz mono samples; appends the rows that became final to `out`.
    pub fn push(&mut self, samples: &[f32], out: &mut Vec<TrackRow>) {
        self.samples_in += samples.len() as u64;
        if !self.options.still {
            let nuclei = self.prosody.push(samples);
            self.motion.add_nuclei(&nuclei);
        }
        self.pending_audio.extend_from_slice(samples);
        // One EAC pass per block, however much came in at once (a pass's attention grows with
        // the square of its length).
        let mut start = 0;
        while self.pending_audio.len() - start >= EAC_BLOCK_SAMPLES {
            let frames = self.eac.push(&self.pending_audio[start..start + EAC_BLOCK_SAMPLES]);
            self.take_eac(frames, false);
            start += EAC_BLOCK_SAMPLES;
        }
        self.pending_audio.drain(..start);
        self.release(false, out);
    }

    /// Ends the line; appends the remaining rows to `out`.
    pub fn finish(&mut self, out: &mut Vec<TrackRow>) {
        if !self.options.still {
            let nuclei = self.prosody.finish();
            self.motion.add_nuclei(&nuclei);
        }
        // What is left is less than a block (push passed on every whole one).
        let mut frames = self.eac.push(&std::mem::take(&mut self.pending_audio));
        frames.extend(self.eac.finish());
        self.take_eac(frames, true);
        self.release(true, out);
    }

    /// Resamples the EAC frames known so far to the output rate (as
    /// [`super::ExpressionTrack::resampled`] does) and adds the blinks.
    fn take_eac(&mut self, frames: Vec<[f32; N_BLENDSHAPES]>, finished: bool) {
        self.eac_frames.extend(frames);
        let n_eac = self.first_eac + self.eac_frames.len();
        let Some(last) = n_eac.checked_sub(1) else { return };
        let fps = self.options.fps;
        let n_out = if finished { (last as f64 / self.eac_fps * fps).floor() as usize + 1 } else { usize::MAX };
        while self.next_out < n_out {
            let f = self.next_out;
            let x = (f as f64 / fps * self.eac_fps).clamp(0.0, last as f64);
            let (i, u) = (x.floor() as usize, (x - x.floor()) as f32);
            if !finished && i + 1 > last {
                break; // frame i + 1 is still to come
            }
            let (a, b) = (&self.eac_frames[i - self.first_eac], &self.eac_frames[(i + 1).min(last) - self.first_eac]);
            let mut weights: [f32; N_BLENDSHAPES] = std::array::from_fn(|k| a[k] + u * (b[k] - a[k]));
            if !self.options.still {
                let lid = self.blink_at((f as f64 / fps) as f32);
                for k in self.eyelids.into_iter().flatten() {
                    weights[k] = weights[k].max(lid);
                }
            }
            self.waiting.push_back(TrackRow { frame: f, weights, pose: [0.0; 3] });
            self.next_out += 1;
            // EAC frames before the one this frame started from are read no more.
            while self.first_eac < i && self.eac_frames.len() > 1 {
                self.eac_frames.pop_front();
                self.first_eac += 1;
            }
        }
    }

    /// Lid closure at `t` from the endless blink schedule (times only move forward).
    fn blink_at(&mut self, t: f32) -> f32 {
        while self.blinks.last().is_none_or(|&b| b <= t) {
            let Some(next) = self.blink_times.next() else { break };
            self.blinks.push(next);
        }
        // Keep the last start at or before t and the ones after it.
        let keep = self.blinks.partition_point(|&b| b <= t).saturating_sub(1);
        self.blinks.drain(..keep);
        blink_weight(t, &self.blinks, &self.options.blinks)
    }

    /// Hands on the waiting rows whose head motion is final: every row once the line has ended,
    /// else those before the audio whose nuclei are known.
    fn release(&mut self, finished: bool, out: &mut Vec<TrackRow>) {
        let known = if finished || self.options.still { f64::INFINITY } else { self.prosody.final_seconds() };
        let fps = self.options.fps;
        while let Some(row) = self.waiting.front() {
            if row.seconds(fps) >= known {
                break;
            }
            let mut row = self.waiting.pop_front().expect("a front row");
            if !self.options.still {
                row.pose = self.motion.at(row.frame as f32 / fps as f32);
            }
            out.push(row);
        }
    }
}

/// Syllable nuclei of a stream, block by block (see the module docs).
#[derive(Debug, Default)]
struct NucleusStream {
    /// Samples from `buf_start` on.
    buf: Vec<f32>,
    buf_start: usize,
    /// The next block to analyse starts here (samples).
    block_start: usize,
    total: usize,
}

const BLOCK: usize = PROSODY_BLOCK_SECONDS * SAMPLE_RATE as usize;
const MARGIN: usize = PROSODY_MARGIN_SECONDS * SAMPLE_RATE as usize;
// Blocks and margins fall on the 10 ms frame grid, so frame numbers only shift.
const _: () = assert!(BLOCK % HOP_LENGTH == 0 && MARGIN % HOP_LENGTH == 0);

impl NucleusStream {
    /// Seconds of audio before which every nucleus is known.
    fn final_seconds(&self) -> f64 {
        self.block_start as f64 / SAMPLE_RATE as f64
    }

    fn push(&mut self, samples: &[f32]) -> Vec<Nucleus> {
        self.buf.extend_from_slice(samples);
        self.total += samples.len();
        let mut found = Vec::new();
        // A block is analysed once its right margin is in, and only if more follows (the last
        // block, at `finish`, runs to the end).
        while self.total > self.block_start + BLOCK + MARGIN {
            let end = self.block_start + BLOCK;
            found.extend(self.analyse(end + MARGIN, end));
        }
        found
    }

    fn finish(&mut self) -> Vec<Nucleus> {
        if self.total <= self.block_start {
            return Vec::new();
        }
        self.analyse(self.total, usize::MAX)
    }

    /// Analyses `block_start − MARGIN .. to` and keeps the nuclei from `block_start` to before
    /// `keep_to` (all of them at the end of the line).
    fn analyse(&mut self, to: usize, keep_to: usize) -> Vec<Nucleus> {
        let from = self.block_start.saturating_sub(MARGIN);
        let block = &self.buf[from - self.buf_start..to - self.buf_start];
        let mel = log_mel(block, &MelConfig::default()).expect("the default configuration is valid");
        let (first, offset) = (self.block_start / HOP_LENGTH, from / HOP_LENGTH);
        let nuclei = nuclei_with_mel(block, &mel)
            .into_iter()
            .map(|n| Nucleus { frame: n.frame + offset, ..n })
            .filter(|n| n.frame >= first && n.frame * HOP_LENGTH < keep_to)
            .collect();
        self.block_start = keep_to.min(to);
        let drop = self.block_start.saturating_sub(MARGIN).saturating_sub(self.buf_start);
        self.buf.drain(..drop);
        self.buf_start += drop;
        nuclei
    }
}
