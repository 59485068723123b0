//! Decoding any supported file to 16 kHz mono `f32`, streamed packet by packet.
//!
//! Formats: WAV (PCM 8/16/24/32-bit and float), OGG/Vorbis, FLAC and MP3, through `symphonia`
//! (encoder delay and padding of MP3/Vorbis are trimmed, so sample 0 is the first real sample).
//! Channels are down-mixed to their mean; the rate is converted by [`StreamResampler`].
//!
//! Memory: [`AudioReader`] holds one packet and one resampler chunk at a time, so streaming a
//! one-hour file costs kilobytes. [`load`] returns the whole clip in a single buffer sized up
//! front from the header, and never holds a second full copy (no source-rate or stereo copy).

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use symphonia::core::codecs::CodecParameters;
use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;

use super::{AudioError, MAX_SOURCE_RATE, MIN_SOURCE_RATE, SAMPLE_RATE, StreamResampler};

/// What the file's header says about its audio.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioInfo {
    /// Sample rate of the source in Hz.
    pub sample_rate: u32,
    /// Number of channels in the source (mixed down to one).
    pub channels: usize,
    /// Length in source sample frames, when the header announces it.
    pub frames: Option<u64>,
}

impl AudioInfo {
    /// Announced duration in seconds, when known.
    pub fn duration_seconds(&self) -> Option<f64> {
        self.frames.map(|f| f as f64 / self.sample_rate as f64)
    }
}

/// A whole clip, decoded, mixed to mono and resampled to [`SAMPLE_RATE`].
#[derive(Debug, Clone)]
pub struct DecodedAudio {
    /// 16 kHz mono samples, nominally in [-1, 1].
    pub samples: Vec<f32>,
    /// The source's properties.
    pub info: AudioInfo,
}

impl DecodedAudio {
    /// Duration in seconds.
    pub fn duration_seconds(&self) -> f64 {
        self.samples.len() as f64 / SAMPLE_RATE as f64
    }
}

/// Streams 16 kHz mono samples out of an audio file or an in-memory encoded clip.
///
/// ```no_run
/// use emotalk::audio::{AudioReader, FeatureMatrix, MelConfig, MelExtractor};
/// let mut reader = AudioReader::open("line.ogg")?;
/// let mut mel = MelExtractor::new(&MelConfig::default())?;
/// let (mut chunk, mut frames) = (Vec::new(), FeatureMatrix::new(80));
/// while reader.read_chunk(&mut chunk)? {
///     mel.push(&chunk, &mut frames);
///     chunk.clear();
/// }
/// mel.finish(&mut frames);
/// # Ok::<(), emotalk::audio::AudioError>(())
/// ```
pub struct AudioReader {
    path: PathBuf,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    info: AudioInfo,
    resampler: StreamResampler,
    interleaved: Vec<f32>,
    mono: Vec<f32>,
    frames_decoded: u64,
    finished: bool,
}

impl AudioReader {
    /// Opens a file; the container is recognised from its bytes (the extension is only a hint).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, AudioError> {
        let path = path.as_ref().to_path_buf();
        let io_err = |source| AudioError::Io { path: path.clone(), source };
        let mut file = std::fs::File::open(&path).map_err(io_err)?;
        let len = file.metadata().map_err(io_err)?.len();
        let mut head = [0u8; MAGIC_LEN];
        let n = file.read(&mut head).map_err(io_err)?;
        file.seek(SeekFrom::Start(0)).map_err(io_err)?;
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_owned);
        Self::from_source(Box::new(file), len, &head[..n], path, ext.as_deref())
    }

    /// Reads an encoded clip held in memory (an embedded asset, say). `label` names it in errors.
    pub fn from_bytes(bytes: impl AsRef<[u8]> + Send + Sync + 'static, label: &str) -> Result<Self, AudioError> {
        let len = bytes.as_ref().len() as u64;
        let head = bytes.as_ref()[..bytes.as_ref().len().min(MAGIC_LEN)].to_vec();
        let ext = Path::new(label).extension().and_then(|e| e.to_str()).map(str::to_owned);
        Self::from_source(Box::new(Cursor::new(bytes)), len, &head, PathBuf::from(label), ext.as_deref())
    }

    fn from_source(
        source: Box<dyn MediaSource>,
        byte_len: u64,
        head: &[u8],
        path: PathBuf,
        ext: Option<&str>,
    ) -> Result<Self, AudioError> {
        if byte_len == 0 {
            return Err(AudioError::Empty { path });
        }
        let mut hint = Hint::new();
        if let Some(ext) = ext {
            hint.with_extension(ext);
        }
        let mss = MediaSourceStream::new(source, Default::default());
        let format = symphonia::default::get_probe()
            .probe(&hint, mss, FormatOptions::default(), MetadataOptions::default())
            .map_err(|e| match e {
                // The probe reads headers (and, for OGG, the last page): running out of data
                // in a file that starts like a known container means it was cut short.
                SymphoniaError::IoError(ref io)
                    if io.kind() == std::io::ErrorKind::UnexpectedEof && container_magic(head).is_some() =>
                {
                    AudioError::Truncated { path: path.clone(), decoded_seconds: 0.0, expected_seconds: None }
                }
                SymphoniaError::Unsupported(_) => AudioError::NotAudio {
                    path: path.clone(),
                    reason: match container_magic(head) {
                        Some(kind) => format!("it starts like {kind} but its stream cannot be read"),
                        None => "its bytes match no known audio container".into(),
                    },
                },
                other => AudioError::NotAudio { path: path.clone(), reason: other.to_string() },
            })?;
        let no_track = |reason: &str| AudioError::NoAudioTrack { path: path.clone(), reason: reason.into() };
        let track =
            format.default_track(TrackType::Audio).ok_or_else(|| no_track("the container holds no audio track"))?;
        let Some(CodecParameters::Audio(params)) = track.codec_params.as_ref() else {
            return Err(no_track("the audio track has no codec parameters"));
        };
        let sample_rate = params.sample_rate.unwrap_or(0);
        if !(MIN_SOURCE_RATE..=MAX_SOURCE_RATE).contains(&sample_rate) {
            return Err(AudioError::SampleRate { path, rate: sample_rate });
        }
        let channels = params.channels.as_ref().map_or(0, |c| c.count());
        let decoder = symphonia::default::get_codecs()
            .make_audio_decoder(params, &AudioDecoderOptions::default())
            .map_err(|e| no_track(&format!("unsupported codec: {e}")))?;
        let info = AudioInfo { sample_rate, channels, frames: track.num_frames };
        let track_id = track.id;
        let resampler = StreamResampler::new(sample_rate, SAMPLE_RATE)?;
        Ok(Self {
            path,
            format,
            decoder,
            track_id,
            info,
            resampler,
            interleaved: Vec::new(),
            mono: Vec::new(),
            frames_decoded: 0,
            finished: false,
        })
    }

    /// The source's properties.
    pub fn info(&self) -> &AudioInfo {
        &self.info
    }

    /// The name used in errors (the file path or the in-memory label).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of 16 kHz samples the whole clip will give, when the header announces its length.
    pub fn output_len_hint(&self) -> Option<u64> {
        self.info.frames.map(|f| self.resampler.output_len(f))
    }

    /// Decodes the next packet and appends its 16 kHz mono samples to `out` (possibly none, while
    /// the resampler fills). Returns `Ok(false)` once the stream has ended and everything,
    /// including the resampler's tail, has been delivered.
    pub fn read_chunk(&mut self, out: &mut Vec<f32>) -> Result<bool, AudioError> {
        if self.finished {
            return Ok(false);
        }
        loop {
            let packet = match self.format.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => return self.end_of_stream(out),
                Err(SymphoniaError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Err(self.truncated());
                }
                Err(e) => return Err(self.corrupt(e)),
            };
            if packet.track_id != self.track_id {
                continue;
            }
            let buf = match self.decoder.decode(&packet) {
                Ok(buf) => buf,
                Err(SymphoniaError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Err(self.truncated());
                }
                Err(e) => return Err(self.corrupt(e)),
            };
            let channels = buf.spec().channels().count().max(1);
            buf.copy_to_vec_interleaved::<f32>(&mut self.interleaved);
            if let Some(i) = self.interleaved.iter().position(|v| !v.is_finite()) {
                let frame = self.frames_decoded + (i / channels) as u64;
                return Err(AudioError::NonFinite {
                    path: self.path.clone(),
                    frame,
                    channel: i % channels,
                    seconds: frame as f64 / self.info.sample_rate as f64,
                    value: self.interleaved[i],
                });
            }
            self.mono.clear();
            let scale = 1.0 / channels as f32;
            self.mono.extend(self.interleaved.chunks_exact(channels).map(|f| f.iter().sum::<f32>() * scale));
            self.frames_decoded += self.mono.len() as u64;
            self.resampler.push(&self.mono, out)?;
            return Ok(true);
        }
    }

    fn end_of_stream(&mut self, out: &mut Vec<f32>) -> Result<bool, AudioError> {
        if let Some(expected) = self.info.frames.filter(|&n| self.frames_decoded < n) {
            // Containers that announce a length (WAV, FLAC, Vorbis, MP3 with a Xing header) and
            // end early were cut short.
            return Err(AudioError::Truncated {
                path: self.path.clone(),
                decoded_seconds: self.seconds(self.frames_decoded),
                expected_seconds: Some(self.seconds(expected)),
            });
        }
        if self.frames_decoded == 0 {
            return Err(AudioError::NoSamples { path: self.path.clone() });
        }
        self.resampler.finish(out)?;
        self.finished = true;
        Ok(false)
    }

    fn seconds(&self, frames: u64) -> f64 {
        frames as f64 / self.info.sample_rate as f64
    }

    fn truncated(&self) -> AudioError {
        AudioError::Truncated {
            path: self.path.clone(),
            decoded_seconds: self.seconds(self.frames_decoded),
            expected_seconds: self.info.duration_seconds(),
        }
    }

    fn corrupt(&self, e: SymphoniaError) -> AudioError {
        AudioError::Corrupt {
            path: self.path.clone(),
            at_seconds: self.seconds(self.frames_decoded),
            reason: e.to_string(),
        }
    }
}

/// Bytes needed to recognise a container by its signature.
const MAGIC_LEN: usize = 12;

/// The container a file's first bytes announce, if any: RIFF/WAVE, OGG, FLAC, or MP3 (an ID3v2
/// tag or an MPEG audio frame sync).
fn container_magic(head: &[u8]) -> Option<&'static str> {
    match head {
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'A', b'V', b'E', ..] => Some("WAV"),
        [b'O', b'g', b'g', b'S', ..] => Some("OGG"),
        [b'f', b'L', b'a', b'C', ..] => Some("FLAC"),
        [b'I', b'D', b'3', ..] => Some("MP3"),
        [0xFF, b, ..] if b & 0xE0 == 0xE0 => Some("MP3"),
        _ => None,
    }
}

/// Decodes a whole file to 16 kHz mono (see the module docs for formats and memory).
pub fn load(path: impl AsRef<Path>) -> Result<DecodedAudio, AudioError> {
    read_all(AudioReader::open(path)?)
}

/// Decodes a whole in-memory clip to 16 kHz mono; `label` names it in errors.
pub fn load_bytes(bytes: impl AsRef<[u8]> + Send + Sync + 'static, label: &str) -> Result<DecodedAudio, AudioError> {
    read_all(AudioReader::from_bytes(bytes, label)?)
}

fn read_all(mut reader: AudioReader) -> Result<DecodedAudio, AudioError> {
    let mut samples = Vec::new();
    if let Some(n) = reader.output_len_hint() {
        // One exact allocation: the buffer never doubles, so no transient second copy.
        samples.reserve_exact(n as usize);
    }
    while reader.read_chunk(&mut samples)? {}
    Ok(DecodedAudio { samples, info: reader.info.clone() })
}

#[cfg(test)]
mod tests {
    use super::container_magic;

    #[test]
    fn containers_are_recognised_by_their_signature() {
        assert_eq!(container_magic(b"RIFF\x24\0\0\0WAVEfmt "), Some("WAV"));
        assert_eq!(container_magic(b"OggS\0\x02"), Some("OGG"));
        assert_eq!(container_magic(b"fLaC\0\0\0\x22"), Some("FLAC"));
        assert_eq!(container_magic(b"ID3\x04\0"), Some("MP3"));
        assert_eq!(container_magic(&[0xFF, 0xFB, 0x90, 0x64]), Some("MP3"));
        assert_eq!(container_magic(b"RIFF\x24\0\0\0AVI LIST"), None);
        assert_eq!(container_magic(b"hello"), None);
        assert_eq!(container_magic(b""), None);
    }
}
