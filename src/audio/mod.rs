//! The audio front-end: decoding, down-mixing, resampling and the paper's log-mel features.
//!
//! Everything here is pure Rust with no Bevy and no burn: functions in, numbers out.
//!
//! | Step | Module | What it does |
//! |---|---|---|
//! | decode | [`decode`] | WAV, OGG/Vorbis, FLAC and MP3 through `symphonia`, streamed packet by packet |
//! | down-mix | [`decode`] | the mean of all channels (so a mono source is untouched) |
//! | resample | [`resample`] | any rate from 8 kHz to 192 kHz to [`SAMPLE_RATE`] through `rubato`, delay-compensated |
//! | log-mel | [`mel`] | 80 mel bins, window 1280, hop 160 (100 frames/s), the parameters of Xu et al. |
//! | MFCC | [`mfcc`](mod@mfcc) | DCT-II of the log-mel spectrum in dB |
//! | prosody | [`prosody`](mod@prosody) | pitch (YIN), loudness, spectral tilt, speaking rate |
//!
//! Every stage streams: [`AudioReader`] yields 16 kHz mono chunks as it decodes and
//! [`MelExtractor`] turns chunks into frames, so a one-hour file never needs more than a few
//! kilobytes of working memory. The whole-clip helpers ([`load`], [`log_mel`]) are built from the
//! same streaming pieces, so both paths give identical numbers.
//!
//! ```
//! use emotalk::audio::{log_mel, MelConfig, SAMPLE_RATE};
//!
//! // One second of a 440 Hz tone at 16 kHz.
//! let tone: Vec<f32> = (0..SAMPLE_RATE)
//!     .map(|i| (2.0 * std::f32::consts::PI * 440.0 * i as f32 / SAMPLE_RATE as f32).sin() * 0.5)
//!     .collect();
//! let mel = log_mel(&tone, &MelConfig::default()).unwrap();
//! assert_eq!(mel.n_frames(), 101); // 1 + samples / hop
//! assert_eq!(mel.n_cols(), 80);
//! ```

pub mod decode;
mod error;
pub mod features;
pub mod mel;
pub mod mfcc;
pub mod prosody;
pub mod resample;

pub use decode::{AudioInfo, AudioReader, DecodedAudio, load, load_bytes};
pub use error::AudioError;
pub use features::FeatureMatrix;
pub use mel::{MelConfig, MelExtractor, MelFilterbank, log_mel};
pub use mfcc::{Mfcc, mfcc};
pub use prosody::{Nucleus, Prosody, prosody};
pub use resample::StreamResampler;

/// The sample rate every model in the crate consumes, in Hz (Xu et al.: 16 kHz audio).
pub const SAMPLE_RATE: u32 = 16_000;
/// FFT size and window length in samples (80 ms at 16 kHz), from Xu et al.
pub const N_FFT: usize = 1280;
/// Hop between analysis frames in samples (10 ms at 16 kHz, so 100 frames per second).
pub const HOP_LENGTH: usize = 160;
/// Number of mel bands.
pub const N_MELS: usize = 80;
/// Feature frames per second of audio (`SAMPLE_RATE / HOP_LENGTH`).
pub const FRAMES_PER_SECOND: u32 = SAMPLE_RATE / HOP_LENGTH as u32;
/// Lowest source sample rate accepted, in Hz. Below this speech loses the formants that carry
/// visemes (telephone speech is 8 kHz).
pub const MIN_SOURCE_RATE: u32 = 8_000;
/// Highest source sample rate accepted, in Hz (covers 176.4 and 192 kHz studio masters).
pub const MAX_SOURCE_RATE: u32 = 192_000;
