//! Video clips: an MP4 (ISO BMFF) file's H.264 track decoded to RGBA frames, and RGBA frames
//! encoded to one (what tests and tools make clips with).
//!
//! Crates, chosen so that nothing needs a system library or a download: [`mp4`] (MIT, pure Rust)
//! demuxes the container; [`openh264`] (BSD-2) decodes and encodes H.264 with Cisco's OpenH264,
//! compiled from the source bundled in its `-sys` crate (a C++ build of about a minute here).
//! OpenH264 decodes the Constrained Baseline profile fully and the Main/High profiles' CAVLC
//! subset; a video using CABAC entropy coding or B-frames (what most cameras and encoders write by
//! default at Main or High profile) is refused with [`VideoError::Decode`] naming the frame, and
//! needs converting first (for example `ffmpeg -i in.mp4 -c:v libx264 -profile:v baseline
//! out.mp4`).
//!
//! MP4 stores each sample's NAL units with a length prefix (AVCC); the decoder takes a byte
//! stream with start codes (Annex B), so the samples are rewritten, the track's sequence and
//! picture parameter sets first. Demuxing runs behind [`std::panic::catch_unwind`], so a
//! malformed file is an error naming it even where the demuxer would panic.

use std::fs::File;
use std::io::BufReader;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use image::RgbaImage;
use openh264::OpenH264API;
use openh264::decoder::{Decoder, DecoderConfig};
use openh264::encoder::{BitRate, Encoder, EncoderConfig, FrameRate, FrameType};
use openh264::formats::{RgbaSliceU8, YUVBuffer, YUVSource};

/// Why a video cannot be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VideoError {
    /// The file cannot be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// Not an MP4 file, or a damaged one.
    #[error("{path}: not a readable MP4 file: {reason}")]
    Container {
        /// The file.
        path: PathBuf,
        /// What the demuxer said.
        reason: String,
    },
    /// An MP4 file without a video track.
    #[error("{path}: the file has no video track")]
    NoVideoTrack {
        /// The file.
        path: PathBuf,
    },
    /// A video track in a codec other than H.264.
    #[error("{path}: its video is {codec}; clips are read in H.264 only")]
    Codec {
        /// The file.
        path: PathBuf,
        /// The codec found.
        codec: String,
    },
    /// A frame that cannot be decoded (or, when writing, encoded).
    #[error("{path}: frame {index}: {reason}")]
    Decode {
        /// The file.
        path: PathBuf,
        /// The frame's place in the video, from 0.
        index: usize,
        /// What went wrong.
        reason: String,
    },
    /// Frames that cannot be encoded as they are (odd or changing sizes, no frames, a bad rate).
    #[error("{path}: cannot encode these frames: {reason}")]
    Frames {
        /// The file to be written.
        path: PathBuf,
        /// What is wrong with them.
        reason: String,
    },
}

/// An MP4 file's H.264 video track, decoded frame by frame in order ([`VideoClip::next_frame`]).
pub struct VideoClip {
    path: PathBuf,
    reader: mp4::Mp4Reader<BufReader<File>>,
    track: u32,
    samples: u32,
    next: u32,
    decoder: Decoder,
    length_size: usize,
    width: u32,
    height: u32,
    fps: f64,
    /// Frames the decoder gave back at the end (its buffer flushed), oldest last.
    flushed: Vec<RgbaImage>,
    finished: bool,
}

impl std::fmt::Debug for VideoClip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoClip")
            .field("path", &self.path)
            .field("frames", &self.samples)
            .field("size", &(self.width, self.height))
            .field("fps", &self.fps)
            .finish()
    }
}

impl VideoClip {
    /// Opens `path`: reads the container's header and finds its first video track, which must
    /// be H.264.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, VideoError> {
        let path = path.as_ref().to_path_buf();
        let io = |source| VideoError::Io { path: path.clone(), source };
        let file = File::open(&path).map_err(io)?;
        let size = file.metadata().map_err(io)?.len();
        let container = |reason: String| VideoError::Container { path: path.clone(), reason };
        let reader = catch_unwind(AssertUnwindSafe(|| mp4::Mp4Reader::read_header(BufReader::new(file), size)))
            .map_err(|_| container("its boxes are malformed".into()))?
            .map_err(|e| container(e.to_string()))?;
        let mut video: Vec<&mp4::Mp4Track> =
            reader.tracks().values().filter(|t| matches!(t.track_type(), Ok(mp4::TrackType::Video))).collect();
        video.sort_by_key(|t| t.track_id());
        let track = *video.first().ok_or_else(|| VideoError::NoVideoTrack { path: path.clone() })?;
        match track.media_type() {
            Ok(mp4::MediaType::H264) => {}
            Ok(other) => return Err(VideoError::Codec { path, codec: other.to_string() }),
            Err(e) => return Err(VideoError::Codec { path, codec: format!("unknown ({e})") }),
        }
        let avc =
            track.trak.mdia.minf.stbl.stsd.avc1.as_ref().ok_or_else(|| container("no avc1 sample entry".into()))?;
        let length_size = (avc.avcc.length_size_minus_one & 3) as usize + 1;
        let samples = track.sample_count();
        let seconds = track.duration().as_secs_f64();
        let fps = if seconds > 0.0 && samples > 0 { samples as f64 / seconds } else { 0.0 };
        if !(fps.is_finite() && fps > 0.0 && fps <= 240.0) {
            return Err(container(format!("{samples} frames over {seconds} s is not a frame rate (0, 240]")));
        }
        // The parameter sets, as the decoder's first input.
        let mut headers = Vec::new();
        for set in avc.avcc.sequence_parameter_sets.iter().chain(&avc.avcc.picture_parameter_sets) {
            headers.extend_from_slice(&[0, 0, 0, 1]);
            headers.extend_from_slice(set.bytes.as_ref());
        }
        let (width, height) = (u32::from(track.width()), u32::from(track.height()));
        let track = track.track_id();
        let decode_error = |reason: String| VideoError::Decode { path: path.clone(), index: 0, reason };
        let mut decoder = Decoder::with_api_config(OpenH264API::from_source(), DecoderConfig::new())
            .map_err(|e| decode_error(format!("the decoder cannot start: {e}")))?;
        if !headers.is_empty() {
            decoder.decode(&headers).map_err(|e| decode_error(format!("bad parameter sets: {e}")))?;
        }
        Ok(Self {
            path,
            reader,
            track,
            samples,
            next: 1,
            decoder,
            length_size,
            width,
            height,
            fps,
            flushed: Vec::new(),
            finished: false,
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Frames in the track, as the container says.
    pub fn len(&self) -> usize {
        self.samples as usize
    }

    /// Whether the track has no frames.
    pub fn is_empty(&self) -> bool {
        self.samples == 0
    }

    /// Frames per second: the track's frames over its duration.
    pub fn fps(&self) -> f64 {
        self.fps
    }

    /// Width and height in pixels, as the container says.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The next frame in display order, decoded; `None` after the last.
    pub fn next_frame(&mut self) -> Option<Result<RgbaImage, VideoError>> {
        while self.next <= self.samples {
            let id = self.next;
            self.next += 1;
            let index = id as usize - 1;
            let path = self.path.clone();
            let error = |reason: String| VideoError::Decode { path, index, reason };
            let read = catch_unwind(AssertUnwindSafe(|| self.reader.read_sample(self.track, id)));
            let sample = match read {
                Err(_) => return Some(Err(error("its sample is malformed".into()))),
                Ok(Err(e)) => return Some(Err(error(e.to_string()))),
                Ok(Ok(None)) => return Some(Err(error("its sample is missing".into()))),
                Ok(Ok(Some(s))) => s,
            };
            let annex_b = match to_annex_b(&sample.bytes, self.length_size) {
                Some(b) => b,
                None => return Some(Err(error("a NAL unit runs past the end of its sample".into()))),
            };
            match self.decoder.decode(&annex_b) {
                Err(e) => {
                    return Some(Err(error(format!(
                        "{e} (OpenH264 reads Constrained Baseline H.264 and the CAVLC subset of Main/High; CABAC and B-frames are not read)"
                    ))));
                }
                Ok(Some(yuv)) => return Some(Ok(to_rgba(&yuv))),
                Ok(None) => {} // the decoder wants more before it shows a picture
            }
        }
        if !self.finished {
            self.finished = true;
            match self.decoder.flush_remaining() {
                Ok(frames) => self.flushed = frames.iter().rev().map(to_rgba).collect(),
                Err(e) => {
                    let index = self.samples as usize;
                    return Some(Err(VideoError::Decode { path: self.path.clone(), index, reason: e.to_string() }));
                }
            }
        }
        self.flushed.pop().map(Ok)
    }

    /// Every frame of `path` and the video's frame rate.
    pub fn decode_all(path: impl AsRef<Path>) -> Result<(Vec<RgbaImage>, f64), VideoError> {
        let mut clip = Self::open(path)?;
        let mut frames = Vec::with_capacity(clip.len());
        while let Some(frame) = clip.next_frame() {
            frames.push(frame?);
        }
        Ok((frames, clip.fps))
    }
}

/// A decoded picture as RGBA.
fn to_rgba(yuv: &openh264::decoder::DecodedYUV<'_>) -> RgbaImage {
    let (w, h) = yuv.dimensions();
    let mut rgba = vec![0u8; w * h * 4];
    yuv.write_rgba8(&mut rgba);
    RgbaImage::from_raw(w as u32, h as u32, rgba).unwrap_or_else(|| RgbaImage::new(w as u32, h as u32))
}

/// Length-prefixed NAL units (`length_size` bytes, big-endian) to a start-code byte stream;
/// `None` when a length runs past the end.
fn to_annex_b(sample: &[u8], length_size: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(sample.len() + 16);
    let mut at = 0;
    while at < sample.len() {
        let len_bytes = sample.get(at..at + length_size)?;
        let len = len_bytes.iter().fold(0usize, |n, b| (n << 8) | *b as usize);
        at += length_size;
        let nal = sample.get(at..at.checked_add(len)?)?;
        out.extend_from_slice(&[0, 0, 0, 1]);
        out.extend_from_slice(nal);
        at += len;
    }
    Some(out)
}

/// The NAL units of an Annex B byte stream (start codes removed).
fn nal_units(stream: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= stream.len() {
        if stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1 {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let end = starts.get(k + 1).map_or(stream.len(), |&n| n - 3);
            // A four-byte start code leaves one zero before the next three.
            let end = if end > s && starts.get(k + 1).is_some() && stream[end - 1] == 0 { end - 1 } else { end };
            &stream[s..end]
        })
        .filter(|n| !n.is_empty())
        .collect()
}

/// Encodes `frames` (all of one even width and height) as H.264 (Constrained Baseline, one
/// keyframe a second) in an MP4 file at `fps` frames per second.
pub fn write_mp4(path: impl AsRef<Path>, frames: &[RgbaImage], fps: u32) -> Result<(), VideoError> {
    let path = path.as_ref().to_path_buf();
    let bad = |reason: String| VideoError::Frames { path: path.clone(), reason };
    let first = frames.first().ok_or_else(|| bad("no frames".into()))?;
    let (w, h) = first.dimensions();
    if w % 2 != 0 || h % 2 != 0 || w == 0 || h == 0 || w > u32::from(u16::MAX) || h > u32::from(u16::MAX) {
        return Err(bad(format!("{w}x{h}: H.264 4:2:0 needs even sizes")));
    }
    if !(1..=240).contains(&fps) {
        return Err(bad(format!("{fps} frames per second")));
    }
    let encode_error = |index: usize, e: String| VideoError::Decode { path: path.clone(), index, reason: e };
    let config = EncoderConfig::new()
        .bitrate(BitRate::from_bps((w * h * fps).clamp(250_000, 20_000_000)))
        .max_frame_rate(FrameRate::from_hz(fps as f32));
    let mut encoder =
        Encoder::with_api_config(OpenH264API::from_source(), config).map_err(|e| encode_error(0, e.to_string()))?;
    let io = |source| VideoError::Io { path: path.clone(), source };
    let file = File::create(&path).map_err(io)?;
    let mp4_config = mp4::Mp4Config {
        major_brand: mp4::FourCC::from(*b"isom"),
        minor_version: 512,
        compatible_brands: [*b"isom", *b"iso2", *b"avc1", *b"mp41"].map(mp4::FourCC::from).to_vec(),
        timescale: 1000,
    };
    let container = |e: mp4::Error| VideoError::Container { path: path.clone(), reason: e.to_string() };
    let mut writer = mp4::Mp4Writer::write_start(std::io::BufWriter::new(file), &mp4_config).map_err(container)?;
    let timescale = fps * 1000;
    let mut track_added = false;
    for (index, frame) in frames.iter().enumerate() {
        if frame.dimensions() != (w, h) {
            return Err(bad(format!("frame {index} is {:?}, the first {w}x{h}", frame.dimensions())));
        }
        let yuv = YUVBuffer::from_rgba8_source(RgbaSliceU8::new(frame.as_raw(), (w as usize, h as usize)));
        let stream = encoder.encode(&yuv).map_err(|e| encode_error(index, e.to_string()))?;
        let is_sync = matches!(stream.frame_type(), FrameType::IDR | FrameType::I);
        let bytes = stream.to_vec();
        let mut sample = Vec::with_capacity(bytes.len());
        let (mut sps, mut pps) = (None, None);
        for nal in nal_units(&bytes) {
            match nal[0] & 0x1f {
                7 => sps = Some(nal.to_vec()),
                8 => pps = Some(nal.to_vec()),
                _ => {
                    sample.extend_from_slice(&(nal.len() as u32).to_be_bytes());
                    sample.extend_from_slice(nal);
                }
            }
        }
        if !track_added {
            let (Some(seq_param_set), Some(pic_param_set)) = (sps, pps) else {
                return Err(encode_error(index, "the encoder's first frame has no parameter sets".into()));
            };
            let media_conf = mp4::MediaConfig::AvcConfig(mp4::AvcConfig {
                width: w as u16,
                height: h as u16,
                seq_param_set,
                pic_param_set,
            });
            let track =
                mp4::TrackConfig { track_type: mp4::TrackType::Video, timescale, language: "und".into(), media_conf };
            writer.add_track(&track).map_err(container)?;
            track_added = true;
        }
        let sample = mp4::Mp4Sample {
            start_time: index as u64 * 1000,
            duration: 1000,
            rendering_offset: 0,
            is_sync,
            bytes: bytes::Bytes::from(sample),
        };
        writer.write_sample(1, &sample).map_err(container)?;
    }
    writer.write_end().map_err(container)?;
    use std::io::Write;
    writer.into_writer().flush().map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_prefixed_units_become_a_start_code_stream_and_back() {
        let sample = [0, 0, 0, 2, 0x65, 0xAA, 0, 0, 0, 1, 0x41];
        let stream = to_annex_b(&sample, 4).unwrap();
        assert_eq!(stream, [0, 0, 0, 1, 0x65, 0xAA, 0, 0, 0, 1, 0x41]);
        assert_eq!(nal_units(&stream), vec![&[0x65, 0xAA][..], &[0x41][..]]);
        // A length past the end of the sample is refused, not read past.
        assert!(to_annex_b(&[0, 0, 0, 9, 0x65], 4).is_none());
        assert!(to_annex_b(&[0, 0], 4).is_none());
        assert_eq!(to_annex_b(&[0, 1, 0x09], 2).unwrap(), [0, 0, 0, 1, 0x09]);
    }

    #[test]
    fn frames_go_through_h264_and_back() {
        let (w, h) = (128u32, 96u32);
        let frames: Vec<RgbaImage> = (0..20u32)
            .map(|i| {
                RgbaImage::from_fn(w, h, |x, y| {
                    let (sx, sy) = (20 + 4 * i, 30);
                    if (sx..sx + 16).contains(&x) && (sy..sy + 16).contains(&y) {
                        image::Rgba([250, 250, 250, 255])
                    } else {
                        image::Rgba([(x * 2) as u8, (y * 2) as u8, 60, 255])
                    }
                })
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("square.mp4");
        write_mp4(&path, &frames, 25).unwrap();
        let clip = VideoClip::open(&path).unwrap();
        assert_eq!((clip.len(), clip.size()), (20, (w, h)));
        assert!((clip.fps() - 25.0).abs() < 1e-6, "{}", clip.fps());
        let (decoded, _) = VideoClip::decode_all(&path).unwrap();
        assert_eq!(decoded.len(), 20);
        for (i, (a, b)) in frames.iter().zip(&decoded).enumerate() {
            let mad = a
                .pixels()
                .zip(b.pixels())
                .map(|(p, q)| (0..3).map(|c| (p.0[c] as f32 - q.0[c] as f32).abs()).sum::<f32>())
                .sum::<f32>()
                / (w * h * 3) as f32;
            assert!(mad < 6.0, "frame {i}: mean difference {mad}");
            // The bright square is where it was drawn.
            let (mut sx, mut n) = (0.0, 0.0);
            for (x, _, p) in b.enumerate_pixels() {
                if p.0[0] > 200 && p.0[1] > 200 {
                    sx += x as f32;
                    n += 1.0;
                }
            }
            let want = 20.0 + 4.0 * i as f32 + 7.5;
            assert!(n > 100.0 && (sx / n - want).abs() < 2.0, "frame {i}: square at {} for {want}", sx / n);
        }
    }

    #[test]
    fn what_is_not_an_mp4_is_a_typed_error() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.mp4");
        std::fs::write(&junk, (0..4000u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<_>>()).unwrap();
        let e = VideoClip::open(&junk).unwrap_err();
        assert!(matches!(e, VideoError::Container { .. }) && e.to_string().contains("junk.mp4"), "{e}");
        assert!(matches!(VideoClip::open(dir.path().join("none.mp4")), Err(VideoError::Io { .. })));
        let odd = vec![RgbaImage::new(15, 10)];
        assert!(matches!(write_mp4(dir.path().join("odd.mp4"), &odd, 25), Err(VideoError::Frames { .. })));
        assert!(matches!(write_mp4(dir.path().join("none.mp4"), &[], 25), Err(VideoError::Frames { .. })));
    }
}
