//! The typed error of the audio boundary.

use std::path::PathBuf;

/// Everything that can go wrong between an audio file and its features.
///
/// Each variant names the source (`path`: the file, or the label given to
/// [`load_bytes`](super::load_bytes)) and says what was wrong, so the message can be shown to the
/// person who supplied the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AudioError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read the file: {source}")]
    Io {
        /// The source.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The file has no bytes at all.
    #[error("{path}: the file is empty (0 bytes)")]
    Empty {
        /// The source.
        path: PathBuf,
    },
    /// The bytes are not a container format we can read (WAV, OGG, FLAC or MP3).
    #[error("{path}: not a supported audio file (WAV, OGG/Vorbis, FLAC or MP3): {reason}")]
    NotAudio {
        /// The source.
        path: PathBuf,
        /// What the demuxer said.
        reason: String,
    },
    /// The container has no audio track, or one whose codec is not supported.
    #[error("{path}: no decodable audio track: {reason}")]
    NoAudioTrack {
        /// The source.
        path: PathBuf,
        /// What was missing.
        reason: String,
    },
    /// The stream ends before the length its header promises.
    #[error(
        "{path}: the file is truncated: decoded {decoded_seconds:.3} s{}",
        expected_seconds.map(|s| format!(" of the {s:.3} s its header announces")).unwrap_or_default()
    )]
    Truncated {
        /// The source.
        path: PathBuf,
        /// How much audio could be decoded before the data ran out.
        decoded_seconds: f64,
        /// The length the header announced, if it announced one.
        expected_seconds: Option<f64>,
    },
    /// A packet could not be decoded.
    #[error("{path}: corrupt audio data at {at_seconds:.3} s: {reason}")]
    Corrupt {
        /// The source.
        path: PathBuf,
        /// Where the bad packet starts.
        at_seconds: f64,
        /// What the decoder said.
        reason: String,
    },
    /// The file is valid but holds no samples.
    #[error("{path}: the file contains no audio samples")]
    NoSamples {
        /// The source.
        path: PathBuf,
    },
    /// The sample rate is missing or outside what the front-end accepts.
    #[error(
        "{path}: sample rate {rate} Hz is not supported (accepted: {min}..={max} Hz)",
        min = super::MIN_SOURCE_RATE, max = super::MAX_SOURCE_RATE
    )]
    SampleRate {
        /// The source.
        path: PathBuf,
        /// The rate the file declares (0 when it declares none).
        rate: u32,
    },
    /// A sample is NaN or infinite (only floating-point files can hold one).
    #[error("{path}: sample {frame} of channel {channel} (at {seconds:.4} s) is {value}, not a finite number")]
    NonFinite {
        /// The source.
        path: PathBuf,
        /// Index of the sample frame in the source's own rate.
        frame: u64,
        /// The channel that holds it.
        channel: usize,
        /// Time of the sample.
        seconds: f64,
        /// The value found (NaN, inf or -inf).
        value: f32,
    },
    /// A feature or resampler configuration is invalid.
    #[error("invalid audio configuration: {0}")]
    Config(String),
}
