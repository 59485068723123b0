//! Streaming EAC: audio in as it arrives (a microphone, a line being decoded), expression frames
//! out as soon as the audio they depend on is there, [`EacConfig::lookahead_ms`] behind.
//!
//! Each frame is computed over its receptive field ([`EacConfig::receptive_past`] frames before
//! it, `band_ahead` after), so the numbers equal [`Eac::infer`]'s on the whole line (a test
//! checks). Memory stays bounded: only the mel frames still needed are kept.

use std::collections::VecDeque;

use burn::prelude::Backend;

use super::frames::{mel_centre, mel_context_with, n_output_frames};
use super::{Eac, EacConfig};
use crate::audio::{AudioError, FeatureMatrix, MelConfig, MelExtractor};
use crate::emotion::space::EmotionEmbedding;
use crate::face::blendshapes::N_BLENDSHAPES;

/// A running stream (see the module docs).
pub struct EacStream<'a, B: Backend> {
    eac: &'a Eac<B>,
    config: &'a EacConfig,
    emotion: EmotionEmbedding,
    intensity: f32,
    device: B::Device,
    extractor: MelExtractor,
    scratch: FeatureMatrix,
    /// Mel rows kept, the first being mel frame `first_mel`.
    mel: VecDeque<Vec<f32>>,
    first_mel: usize,
    n_mel: usize,
    emitted: usize,
    finished: bool,
}

impl<'a, B: Backend> EacStream<'a, B> {
    /// A stream for 16 kHz mono audio, with the emotion and intensity (changeable with
    /// [`set_emotion`](Self::set_emotion)).
    pub fn new(
        eac: &'a Eac<B>,
        config: &'a EacConfig,
        emotion: EmotionEmbedding,
        intensity: f32,
        device: &B::Device,
    ) -> Result<Self, AudioError> {
        let mel_config = MelConfig::default();
        Ok(Self {
            eac,
            config,
            emotion,
            intensity,
            device: device.clone(),
            extractor: MelExtractor::new(&mel_config)?,
            scratch: FeatureMatrix::new(mel_config.n_mels),
            mel: VecDeque::new(),
            first_mel: 0,
            n_mel: 0,
            emitted: 0,
            finished: false,
        })
    }

    /// Changes the emotion for the frames still to come.
    pub fn set_emotion(&mut self, emotion: EmotionEmbedding, intensity: f32) {
        self.emotion = emotion;
        self.intensity = intensity;
    }

    /// Frames emitted so far.
    pub fn emitted(&self) -> usize {
        self.emitted
    }

    /// Mel rows held (bounded by the receptive field, whatever the stream's length).
    pub fn mel_rows_held(&self) -> usize {
        self.mel.len()
    }

    /// Feeds samples; returns the frames that became ready.
    pub fn push(&mut self, samples: &[f32]) -> Vec<[f32; N_BLENDSHAPES]> {
        if self.finished {
            return Vec::new();
        }
        self.scratch = FeatureMatrix::new(self.scratch.n_cols());
        self.extractor.push(samples, &mut self.scratch);
        self.take_mel();
        // Frame t is ready when the mel frames of frame t + band_ahead, up to mel_ahead after
        // its time, exist.
        let mut ready = self.emitted;
        while mel_centre(ready + self.config.band_ahead, self.config.fps) + self.config.mel_ahead < self.n_mel {
            ready += 1;
        }
        let n_known = n_output_frames(self.n_mel, self.config.fps);
        self.emit(ready.min(n_known), n_known)
    }

    /// Ends the stream; returns the last frames.
    pub fn finish(&mut self) -> Vec<[f32; N_BLENDSHAPES]> {
        if self.finished {
            return Vec::new();
        }
        self.scratch = FeatureMatrix::new(self.scratch.n_cols());
        self.extractor.finish(&mut self.scratch);
        self.take_mel();
        self.finished = true;
        let n = n_output_frames(self.n_mel, self.config.fps);
        self.emit(n, n)
    }

    fn take_mel(&mut self) {
        for row in self.scratch.rows() {
            self.mel.push_back(row.to_vec());
            self.n_mel += 1;
        }
    }

    /// Emits frames `emitted..ready` of a line known to have at least `n` frames.
    fn emit(&mut self, ready: usize, n: usize) -> Vec<[f32; N_BLENDSHAPES]> {
        if ready <= self.emitted || self.n_mel == 0 {
            return Vec::new();
        }
        let (start, end) = (self.emitted, ready);
        let from = start.saturating_sub(self.config.receptive_past());
        let to = (end + self.config.band_ahead).min(n);
        let (mel, first, n_mel) = (&self.mel, self.first_mel, self.n_mel);
        let rows = mel_context_with(n_mel, |k| mel[k - first].as_slice(), self.config, from..to);
        let (frames, _) =
            self.eac.run_rows(rows, self.config, &self.emotion, self.intensity, from..to, start..end, &self.device);
        self.emitted = end;
        // Drop the mel rows no later frame reads.
        let keep_from = mel_centre(self.emitted.saturating_sub(self.config.receptive_past()), self.config.fps)
            .saturating_sub(self.config.mel_past);
        while self.first_mel < keep_from && self.mel.len() > 1 {
            self.mel.pop_front();
            self.first_mel += 1;
        }
        frames
    }
}
