//! Video clips: the H.264 track of an MP4 file decoded to RGBA frames, and a writer for tests.
//!
//! No system library: the `mp4` crate demuxes and muxes, `openh264` decodes and encodes with the
//! OpenH264 C++ source it bundles (BSD-2, built by `cc`). See [`VideoClip`] for what decodes.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use image::RgbaImage;
use mp4::{AvcConfig, MediaConfig, Mp4Config, Mp4Reader, Mp4Sample, Mp4Track, Mp4Writer, TrackConfig, TrackType};
use openh264::OpenH264API;
use openh264::decoder::{DecodedYUV, Decoder, DecoderConfig, Flush};
use openh264::encoder::{Encoder, EncoderConfig, FrameRate, IntraFramePeriod, RateControlMode};
use openh264::formats::{RgbaSliceU8, YUVBuffer, YUVSource};

/// The Annex B start code put in front of every NAL unit handed to the decoder.
const START_CODE: [u8; 4] = [0, 0, 0, 1];

/// Everything that can go wrong reading or writing a video clip; each variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VideoError {
    /// The file could not be opened, read or written.
    #[error("{path}: cannot read or write the file: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not an MP4 file the demuxer can read, or its tables are inconsistent.
    #[error("{path}: not a readable MP4 file: {reason}")]
    Container {
        /// The file.
        path: PathBuf,
        /// What the demuxer (or the sample table check) said.
        reason: String,
    },
    /// The MP4 has no video track.
    #[error("{path}: the MP4 file has no video track")]
    NoVideoTrack {
        /// The file.
        path: PathBuf,
    },
    /// The video track is not H.264 in an `avc1` sample entry.
    #[error("{path}: unsupported video codec {codec} (only H.264 in `avc1` is decoded)")]
    UnsupportedCodec {
        /// The file.
        path: PathBuf,
        /// The codec (sample entry) that was found.
        codec: String,
    },
    /// The sample table points past the end of the file.
    #[error("{path}: the file is truncated: sample {index} lies past its end ({len} bytes)")]
    Truncated {
        /// The file.
        path: PathBuf,
        /// The sample (0-based) that is missing.
        index: usize,
        /// The file's length in bytes.
        len: u64,
    },
    /// A sample could not be decoded.
    #[error("{path}: cannot decode video sample {index}: {reason}")]
    Decode {
        /// The file.
        path: PathBuf,
        /// The sample (0-based; for frames flushed at the end, the sample count).
        index: usize,
        /// What OpenH264 (or the NAL unit parser) said.
        reason: String,
    },
    /// A frame could not be encoded or the MP4 could not be written.
    #[error("{path}: cannot encode video frame {index}: {reason}")]
    Encode {
        /// The file being written.
        path: PathBuf,
        /// The frame (0-based).
        index: usize,
        /// What OpenH264 or the muxer said.
        reason: String,
    },
    /// The frames or parameters handed to [`write_mp4`] cannot be encoded.
    #[error("{path}: invalid frames to encode: {reason}")]
    InvalidInput {
        /// The file that was to be written.
        path: PathBuf,
        /// What is wrong (odd or mismatched sizes, no frames, a zero frame rate).
        reason: String,
    },
}

/// An H.264 video track of an MP4 file, decoded sequentially into RGBA frames.
///
/// OpenH264 documents Constrained Baseline decoding; its parser also takes Main, Extended and
/// High profile (CABAC, B slices, 8×8 transform). It refuses High 10, High 4:2:2 and 4:4:4 (and
/// CAVLC 4:4:4) profiles, bit depths above 8, chroma other than 4:2:0 or 4:0:0, interlaced coding
/// (`frame_mbs_only_flag = 0`: fields, MBAFF) and slice-group map types above 1; OpenH264
/// reports those as errors, which surface as [`VideoError::Decode`]. `avc3` (in-band parameter sets) and fragmented MP4 are not read.
pub struct VideoClip {
    path: PathBuf,
    file: File,
    file_len: u64,
    width: u32,
    height: u32,
    fps: f64,
    /// Each sample's byte offset and size, in decoding order.
    samples: Vec<(u64, u32)>,
    /// Bytes per NAL unit length prefix in the samples (1, 2, 3 or 4; from `avcC`).
    length_size: usize,
    /// SPS and PPS from `avcC`, in Annex B form, fed before the first sample.
    parameter_sets: Vec<u8>,
    decoder: Decoder,
    next_sample: usize,
    flushed: VecDeque<RgbaImage>,
    done: bool,
}

impl VideoClip {
    /// Opens `path`, parses the MP4 and picks its first H.264 (`avc1`) video track.
    ///
    /// # Errors
    ///
    /// [`VideoError::Io`], [`VideoError::Container`], [`VideoError::NoVideoTrack`],
    /// [`VideoError::UnsupportedCodec`], or [`VideoError::Decode`] if no decoder can be made.
    pub fn open(path: &Path) -> Result<Self, VideoError> {
        let io = |source| VideoError::Io { path: path.to_path_buf(), source };
        let container = |reason: String| VideoError::Container { path: path.to_path_buf(), reason };
        let file = File::open(path).map_err(io)?;
        let file_len = file.metadata().map_err(io)?.len();
        let mut reader = BufReader::new(&file);
        check_boxes(&mut reader, 0, file_len, 0, false).map_err(container)?;
        reader.rewind().map_err(io)?;
        // mp4 0.14 can still panic (underflow, overflow) on some malformed boxes: keep that typed.
        let parsed = catch_unwind(AssertUnwindSafe(|| Mp4Reader::read_header(reader, file_len)));
        let mp4 = match parsed {
            Ok(Ok(mp4)) => mp4,
            Ok(Err(e)) => return Err(container(e.to_string())),
            Err(_) => return Err(container("the MP4 demuxer panicked on a malformed box".into())),
        };
        if mp4.is_fragmented() {
            return Err(container("fragmented MP4 (moof boxes) is not supported".into()));
        }
        let mut tracks: Vec<&Mp4Track> = mp4.tracks().values().collect();
        tracks.sort_by_key(|t| t.track_id());
        let video: Vec<&Mp4Track> =
            tracks.into_iter().filter(|t| matches!(t.track_type(), Ok(TrackType::Video))).collect();
        let Some((track, avc1)) = video.iter().find_map(|t| Some((*t, t.trak.mdia.minf.stbl.stsd.avc1.as_ref()?)))
        else {
            let first = video.first().ok_or_else(|| VideoError::NoVideoTrack { path: path.to_path_buf() })?;
            let stsd = &first.trak.mdia.minf.stbl.stsd;
            let codec = if stsd.hev1.is_some() {
                "hev1 (H.265)"
            } else if stsd.vp09.is_some() {
                "vp09 (VP9)"
            } else {
                "an unrecognised sample entry (not avc1, hev1 or vp09: e.g. avc3, hvc1, av01)"
            };
            return Err(VideoError::UnsupportedCodec { path: path.to_path_buf(), codec: codec.into() });
        };
        let mut parameter_sets = Vec::new();
        for nal in avc1.avcc.sequence_parameter_sets.iter().chain(&avc1.avcc.picture_parameter_sets) {
            parameter_sets.extend_from_slice(&START_CODE);
            parameter_sets.extend_from_slice(&nal.bytes);
        }
        let samples = sample_table(track, file_len).map_err(|r| container(r.into()))?;
        let fps = track_fps(track, samples.len())
            .ok_or_else(|| container("no frame rate: zero duration and time scale".into()))?;
        let (width, height) = (u32::from(avc1.width), u32::from(avc1.height));
        let length_size = usize::from(avc1.avcc.length_size_minus_one & 3) + 1;
        drop(mp4);
        let decoder_config = DecoderConfig::new().flush_after_decode(Flush::NoFlush);
        let decoder = Decoder::with_api_config(OpenH264API::from_source(), decoder_config)
            .map_err(|e| VideoError::Decode { path: path.to_path_buf(), index: 0, reason: e.to_string() })?;
        Ok(Self {
            path: path.to_path_buf(),
            file,
            file_len,
            width,
            height,
            fps,
            samples,
            length_size,
            parameter_sets,
            decoder,
            next_sample: 0,
            flushed: VecDeque::new(),
            done: false,
        })
    }

    /// Width and height in pixels as the `avc1` sample entry announces them (each decoded frame
    /// has the size its SPS gives).
    pub fn dimensions(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The number of video samples (frames) in the track.
    pub fn frame_count(&self) -> usize {
        self.samples.len()
    }

    /// Frames per second: the sample count over the track's duration, or the time scale over the
    /// first sample's duration (`stts`) when the track's duration is zero.
    pub fn fps(&self) -> f64 {
        self.fps
    }

    /// Decodes the next frame; `None` after the last one. Frames come in presentation order
    /// (OpenH264 reorders B-frame streams itself; the pictures it holds back are flushed at the end).
    ///
    /// A sample that fails gives one error; the next call goes on with the following sample.
    pub fn next_frame(&mut self) -> Option<Result<RgbaImage, VideoError>> {
        while let Some(&(offset, size)) = self.samples.get(self.next_sample) {
            let index = self.next_sample;
            self.next_sample += 1;
            match self.decode_sample(index, offset, size) {
                Ok(Some(frame)) => return Some(Ok(frame)),
                Ok(None) => {} // the decoder is buffering
                Err(e) => return Some(Err(e)),
            }
        }
        if !self.done {
            self.done = true;
            let index = self.samples.len();
            let path = &self.path;
            let frames = match self.decoder.flush_remaining() {
                Ok(frames) => frames.iter().map(|yuv| to_rgba(yuv, path, index)).collect::<Result<Vec<_>, _>>(),
                Err(e) => Err(VideoError::Decode { path: path.clone(), index, reason: e.to_string() }),
            };
            match frames {
                Ok(frames) => self.flushed.extend(frames),
                Err(e) => return Some(Err(e)),
            }
        }
        self.flushed.pop_front().map(Ok)
    }

    /// The remaining frames, decoded one by one (see [`VideoClip::next_frame`]).
    pub fn frames(&mut self) -> impl Iterator<Item = Result<RgbaImage, VideoError>> + '_ {
        std::iter::from_fn(move || self.next_frame())
    }

    /// Reads sample `index`, converts it from AVCC to Annex B and decodes it.
    fn decode_sample(&mut self, index: usize, offset: u64, size: u32) -> Result<Option<RgbaImage>, VideoError> {
        let decode_err = |reason: String| VideoError::Decode { path: self.path.clone(), index, reason };
        if offset.checked_add(u64::from(size)).is_none_or(|end| end > self.file_len) {
            return Err(VideoError::Truncated { path: self.path.clone(), index, len: self.file_len });
        }
        let mut sample = vec![0u8; size as usize];
        let io = |source| VideoError::Io { path: self.path.clone(), source };
        self.file.seek(SeekFrom::Start(offset)).map_err(io)?;
        self.file.read_exact(&mut sample).map_err(io)?;
        let mut annex_b = if index == 0 { self.parameter_sets.clone() } else { Vec::new() };
        avcc_to_annex_b(&sample, self.length_size, &mut annex_b).map_err(decode_err)?;
        if annex_b.is_empty() {
            return Ok(None); // an empty sample: OpenH264 would read an empty packet as end of stream
        }
        match self.decoder.decode(&annex_b) {
            Ok(Some(yuv)) => to_rgba(&yuv, &self.path, index).map(Some),
            Ok(None) => Ok(None),
            Err(e) => Err(decode_err(e.to_string())),
        }
    }
}

/// Decodes every frame of the first H.264 track of `path`; returns them with the frame rate.
///
/// # Errors
///
/// Any [`VideoError`] of [`VideoClip::open`] or of a sample's decoding.
pub fn decode_all(path: &Path) -> Result<(Vec<RgbaImage>, f64), VideoError> {
    let mut clip = VideoClip::open(path)?;
    let frames = clip.frames().collect::<Result<Vec<_>, _>>()?;
    Ok((frames, clip.fps()))
}

/// The boxes whose children mp4 0.14 reads in a loop (the children of `ilst` are looped over too).
const CONTAINERS: [&[u8; 4]; 13] = [
    b"moov", b"trak", b"mdia", b"minf", b"stbl", b"dinf", b"edts", b"mvex", b"udta", b"moof", b"traf", b"meta", b"ilst",
];

/// Checks that every box in `at..end`, and in the containers mp4 0.14 walks, is at least a header
/// long and fits its parent exactly: mp4 0.14 loops forever on a nested box of size 0 (or on a
/// container with a few trailing bytes) and allocates whatever a box inside `meta` claims.
fn check_boxes(r: &mut (impl Read + Seek), mut at: u64, end: u64, depth: u32, in_ilst: bool) -> Result<(), String> {
    while end - at >= 8 {
        let mut head = [0u8; 16];
        r.seek(SeekFrom::Start(at)).and_then(|_| r.read_exact(&mut head[..8])).map_err(|e| e.to_string())?;
        let kind = [head[4], head[5], head[6], head[7]];
        let (size, header) = match u32::from_be_bytes([head[0], head[1], head[2], head[3]]) {
            0 if depth == 0 => (end - at, 8), // the last top-level box runs to the end of the file
            1 => {
                r.read_exact(&mut head[8..]).map_err(|e| e.to_string())?;
                (u64::from_be_bytes([head[8], head[9], head[10], head[11], head[12], head[13], head[14], head[15]]), 16)
            }
            n => (u64::from(n), 8),
        };
        let name = String::from_utf8_lossy(&kind);
        let cut = depth == 0 && size > end - at; // a truncated file: its last box runs past the end
        if size < header || (size > end - at && !cut) {
            return Err(format!("box `{name}` at byte {at} claims {size} bytes ({} left in its parent)", end - at));
        }
        if depth < 16 && (in_ilst || CONTAINERS.contains(&&kind)) {
            let mut version = [0u8; 4]; // `meta` is a full box in ISO files, a plain one in QuickTime files
            let skip = kind == *b"meta" && r.read_exact(&mut version).is_ok() && version == [0; 4];
            let box_end = at + size.min(end - at);
            check_boxes(
                r,
                (at + header + if skip { 4 } else { 0 }).min(box_end),
                box_end,
                depth + 1,
                kind == *b"ilst",
            )?;
        }
        if cut {
            return Ok(()); // samples past the end are reported as `Truncated` when they are reached
        }
        at += size;
    }
    match end - at {
        0 => Ok(()),
        n if depth == 0 => Err(format!("{n} stray bytes at the end of the file")),
        n => Err(format!("{n} stray bytes at the end of a box at byte {at}")),
    }
}

/// Each sample's (offset, size) from `stsz`, `stsc` and `stco`/`co64`, with checked arithmetic.
fn sample_table(track: &Mp4Track, file_len: u64) -> Result<Vec<(u64, u32)>, &'static str> {
    let stbl = &track.trak.mdia.minf.stbl;
    if u64::from(stbl.stsz.sample_count) > file_len {
        return Err("stsz announces more samples than the file has bytes");
    }
    let count = stbl.stsz.sample_count as usize;
    let size_of = |i: usize| match stbl.stsz.sample_size {
        0 => stbl.stsz.sample_sizes.get(i).copied(),
        fixed => Some(fixed),
    };
    let chunks: Vec<u64> = match (&stbl.stco, &stbl.co64) {
        (Some(stco), _) => stco.entries.iter().map(|&o| u64::from(o)).collect(),
        (None, Some(co64)) => co64.entries.clone(),
        (None, None) => return Err("the video track has no chunk offsets (stco/co64)"),
    };
    let mut samples = Vec::with_capacity(count.min(chunks.len().saturating_mul(64)));
    let entries = &stbl.stsc.entries;
    for (i, entry) in entries.iter().enumerate() {
        let first = (entry.first_chunk as usize).checked_sub(1).ok_or("stsc chunk numbers start at 1")?;
        let end = entries.get(i + 1).map_or(chunks.len(), |next| (next.first_chunk as usize).saturating_sub(1));
        for chunk in chunks.get(first..end.min(chunks.len())).unwrap_or_default() {
            let mut offset = *chunk;
            for _ in 0..entry.samples_per_chunk {
                if samples.len() == count {
                    return Ok(samples);
                }
                let size = size_of(samples.len()).ok_or("stsz has fewer sizes than samples")?;
                samples.push((offset, size));
                offset = offset.checked_add(u64::from(size)).ok_or("sample offsets overflow")?;
            }
        }
    }
    if samples.len() < count { Err("the sample-to-chunk table does not cover every sample") } else { Ok(samples) }
}

/// Frames per second from the media duration, or else from the first `stts` delta.
fn track_fps(track: &Mp4Track, samples: usize) -> Option<f64> {
    let mdhd = &track.trak.mdia.mdhd;
    let timescale = f64::from(mdhd.timescale);
    if mdhd.timescale == 0 {
        return None;
    }
    if mdhd.duration > 0 && samples > 0 {
        return Some(samples as f64 * timescale / mdhd.duration as f64);
    }
    let delta = track.trak.mdia.minf.stbl.stts.entries.first()?.sample_delta;
    (delta > 0).then(|| timescale / f64::from(delta))
}

/// Appends the length-prefixed (AVCC) NAL units of `sample` to `out` with Annex B start codes.
fn avcc_to_annex_b(mut sample: &[u8], length_size: usize, out: &mut Vec<u8>) -> Result<(), String> {
    while !sample.is_empty() {
        let (prefix, rest) = sample
            .split_at_checked(length_size)
            .ok_or_else(|| format!("{} trailing bytes are too short for a NAL length", sample.len()))?;
        let len = prefix.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        let (nal, rest) = rest
            .split_at_checked(len)
            .ok_or_else(|| format!("NAL unit of {len} bytes overruns the sample ({} left)", rest.len()))?;
        if !nal.is_empty() {
            out.extend_from_slice(&START_CODE);
            out.extend_from_slice(nal);
        }
        sample = rest;
    }
    Ok(())
}

/// Converts a decoded YUV 4:2:0 picture into an RGBA image.
fn to_rgba(yuv: &DecodedYUV<'_>, path: &Path, index: usize) -> Result<RgbaImage, VideoError> {
    let err = |reason: &str| VideoError::Decode { path: path.to_path_buf(), index, reason: reason.into() };
    let ((w, h), (sy, su, sv)) = (yuv.dimensions(), yuv.strides());
    let (Ok(w32), Ok(h32)) = (u32::try_from(w), u32::try_from(h)) else { return Err(err("picture too large")) };
    // write_rgba8 indexes the planes by stride; refuse (rather than panic on) planes that are short.
    let fits = |plane: &[u8], stride: usize, pw: usize, ph: usize| {
        (ph - 1)
            .checked_mul(stride)
            .and_then(|n| n.checked_add(pw))
            .is_some_and(|end| stride >= pw && end <= plane.len())
    };
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    if w == 0 || h == 0 || !fits(yuv.y(), sy, w, h) || !fits(yuv.u(), su, cw, ch) || !fits(yuv.v(), sv, cw, ch) {
        return Err(err("decoded picture planes do not match its size"));
    }
    let mut rgba = vec![0u8; w.checked_mul(h).and_then(|n| n.checked_mul(4)).ok_or_else(|| err("picture too large"))?];
    yuv.write_rgba8(&mut rgba);
    RgbaImage::from_raw(w32, h32, rgba).ok_or_else(|| err("picture buffer size mismatch"))
}

/// Encodes `frames` as H.264 (Constrained Baseline, fixed QP 26, an IDR frame every two seconds)
/// at `fps` and writes them to an MP4 at `path` (`mdat` first, `moov` last).
///
/// Every frame must have the same even, non-zero size of at most 3840×2160 (or 2160×3840).
///
/// # Errors
///
/// [`VideoError::InvalidInput`] for bad frames or `fps`, [`VideoError::Encode`] if OpenH264 or
/// the muxer fails, [`VideoError::Io`] if the file cannot be written.
pub fn write_mp4(path: &Path, frames: &[RgbaImage], fps: u32) -> Result<(), VideoError> {
    let invalid = |reason: String| VideoError::InvalidInput { path: path.to_path_buf(), reason };
    let first = frames.first().ok_or_else(|| invalid("no frames".into()))?;
    let (w, h) = first.dimensions();
    if w == 0 || h == 0 || w % 2 == 1 || h % 2 == 1 || w.max(h) > 3840 || w.min(h) > 2160 {
        return Err(invalid(format!("frame size {w}×{h} must be even, non-zero and at most 3840×2160")));
    }
    if let Some((i, f)) = frames.iter().enumerate().find(|(_, f)| f.dimensions() != (w, h)) {
        return Err(invalid(format!("frame {i} is {}×{}, frame 0 is {w}×{h}", f.width(), f.height())));
    }
    let timescale = fps
        .checked_mul(1000)
        .filter(|_| (1..=1000).contains(&fps))
        .ok_or_else(|| invalid(format!("fps {fps} is not in 1..=1000")))?;
    let enc = |index: usize, reason: String| VideoError::Encode { path: path.to_path_buf(), index, reason };
    let config = EncoderConfig::new()
        .skip_frames(false)
        .max_frame_rate(FrameRate::from_hz(fps as f32))
        .rate_control_mode(RateControlMode::Off)
        .intra_frame_period(IntraFramePeriod::from_num_frames(fps.saturating_mul(2)));
    let mut encoder =
        Encoder::with_api_config(OpenH264API::from_source(), config).map_err(|e| enc(0, e.to_string()))?;
    let (mut sps, mut pps, mut samples) = (None, None, Vec::with_capacity(frames.len()));
    for (index, frame) in frames.iter().enumerate() {
        // An ImageBuffer may hold a longer Vec than its pixels; RgbaSliceU8 asserts the exact length.
        let raw = frame
            .as_raw()
            .get(..4 * w as usize * h as usize)
            .ok_or_else(|| invalid(format!("frame {index} is short")))?;
        let yuv = YUVBuffer::from_rgba8_source(RgbaSliceU8::new(raw, (w as usize, h as usize)));
        let stream = encoder.encode(&yuv).map_err(|e| enc(index, e.to_string()))?;
        let (mut sample, mut is_sync) = (Vec::new(), false);
        for layer in (0..stream.num_layers()).filter_map(|l| stream.layer(l)) {
            for nal in (0..layer.nal_count()).filter_map(|n| layer.nal_unit(n)).map(strip_start_code) {
                match nal.first().map(|b| b & 0x1f) {
                    Some(7) => sps = sps.or_else(|| Some(nal.to_vec())),
                    Some(8) => pps = pps.or_else(|| Some(nal.to_vec())),
                    Some(t) => {
                        is_sync |= t == 5;
                        let len = u32::try_from(nal.len()).map_err(|_| enc(index, "NAL unit over 4 GiB".into()))?;
                        sample.extend_from_slice(&len.to_be_bytes());
                        sample.extend_from_slice(nal);
                    }
                    None => {}
                }
            }
        }
        if sample.is_empty() {
            return Err(enc(index, "the encoder produced no picture for this frame".into()));
        }
        samples.push((sample, is_sync));
    }
    let (Some(seq_param_set), Some(pic_param_set)) = (sps, pps) else {
        return Err(enc(0, "the bitstream has no SPS or no PPS".into()));
    };
    if seq_param_set.len() < 4 {
        return Err(enc(0, "SPS shorter than 4 bytes".into()));
    }
    let mux = |e: mp4::Error| enc(frames.len(), format!("MP4 muxer: {e}"));
    let file = File::create(path).map_err(|source| VideoError::Io { path: path.to_path_buf(), source })?;
    let brands = [*b"isom", *b"iso2", *b"avc1", *b"mp41"].map(mp4::FourCC::from);
    let config =
        Mp4Config { major_brand: brands[0], minor_version: 512, compatible_brands: brands.to_vec(), timescale: 1000 };
    let mut mp4 = Mp4Writer::write_start(BufWriter::new(file), &config).map_err(mux)?;
    let avc = AvcConfig { width: w as u16, height: h as u16, seq_param_set, pic_param_set };
    let media_conf = MediaConfig::AvcConfig(avc);
    mp4.add_track(&TrackConfig { track_type: TrackType::Video, timescale, language: "und".into(), media_conf })
        .map_err(mux)?;
    for (index, (bytes, is_sync)) in samples.into_iter().enumerate() {
        let start_time = index as u64 * 1000;
        let sample = Mp4Sample { start_time, duration: 1000, rendering_offset: 0, is_sync, bytes: bytes.into() };
        mp4.write_sample(1, &sample).map_err(mux)?;
    }
    mp4.write_end().map_err(mux)?;
    mp4.into_writer().flush().map_err(|source| VideoError::Io { path: path.to_path_buf(), source })
}

/// A NAL unit without its Annex B start code (`00 00 01` or `00 00 00 01`).
fn strip_start_code(nal: &[u8]) -> &[u8] {
    let zeros = nal.iter().take_while(|&&b| b == 0).count();
    match nal.get(zeros) {
        Some(1) if zeros >= 2 => &nal[zeros + 1..],
        _ => nal,
    }
}

#[cfg(test)]
mod tests;
