//! Reference clips (SPEAK's pose and emotion references): a face's motion read from a sequence
//! of frames, as control signals for a talking head.
//!
//! - [`Clip`]: the frames of a clip, decoded one at a time in order: a directory of PNG or JPEG
//!   images in name order, at a frame rate given by the caller, or an MP4 video with an H.264
//!   track at its own rate ([`video`]: OpenH264's decoder, built from its bundled source, and a
//!   pure-Rust MP4 demuxer; no system library);
//! - [`track`]: the face followed through the frames (detected once, then its landmarks placed
//!   by the previous frame's, re-detected when the fit says it was lost), its head pose fitted
//!   per frame ([`super::headpose`]) and smoothed with a One-Euro filter.

pub mod track;
pub mod video;

use std::path::{Path, PathBuf};

use image::RgbaImage;

/// Frames per second a directory of frames plays at unless told.
pub const DEFAULT_CLIP_FPS: f64 = 25.0;

/// Why a clip cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClipError {
    /// The path cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A directory without a single PNG or JPEG frame, or a video without a frame.
    #[error("{path}: no frames in it (a clip directory holds PNG or JPEG images, played in name order)")]
    Empty {
        /// The directory.
        path: PathBuf,
    },
    /// A frame that is not a readable image.
    #[error("{path}: frame {index} cannot be read: {reason}")]
    Frame {
        /// The frame's file.
        path: PathBuf,
        /// Its place in the clip.
        index: usize,
        /// What the decoder said.
        reason: String,
    },
    /// A frame whose size differs from the first's.
    #[error("{path}: frame {index} is {got:?} pixels, the clip's first frame {expected:?}")]
    SizeChanged {
        /// The frame's file.
        path: PathBuf,
        /// Its place in the clip.
        index: usize,
        /// Its size.
        got: (u32, u32),
        /// The first frame's size.
        expected: (u32, u32),
    },
    /// A file that is neither a directory of frames nor a video this version reads.
    #[error("{path}: not a clip (a directory of PNG/JPEG frames, or an MP4 video with an H.264 track)")]
    Unsupported {
        /// The file.
        path: PathBuf,
    },
    /// A video file that cannot be demuxed or decoded.
    #[error(transparent)]
    Video(#[from] video::VideoError),
    /// No frame of the clip shows a face.
    #[error("{path}: no face found in any of its {frames} frames")]
    NoFace {
        /// The clip.
        path: PathBuf,
        /// Its frames.
        frames: usize,
    },
    /// A frame rate that is not a positive number up to 240.
    #[error("clip frame rate must be in (0, 240], got {fps}")]
    BadFps {
        /// The rate given.
        fps: f64,
    },
}

/// The extensions of the frames a clip directory may hold.
pub const FRAME_EXTENSIONS: [&str; 3] = ["png", "jpg", "jpeg"];

/// The extensions read as video files.
pub const VIDEO_EXTENSIONS: [&str; 3] = ["mp4", "m4v", "mov"];

/// A clip's frames, decoded on demand (see the module docs).
#[derive(Debug, Clone)]
pub struct Clip {
    path: PathBuf,
    source: Source,
    fps: f64,
    len: usize,
}

#[derive(Debug, Clone)]
enum Source {
    Frames(Vec<PathBuf>),
    Video,
}

impl Clip {
    /// Opens a clip: a directory of PNG or JPEG frames (sorted by file name, so `0001.png`,
    /// `0002.png`, …) that plays at `fps`, or a video file (`.mp4`, `.m4v`, `.mov` with an H.264
    /// track), which plays at its own rate (`fps` is then only checked).
    pub fn open(path: impl AsRef<Path>, fps: f64) -> Result<Self, ClipError> {
        let path = path.as_ref().to_path_buf();
        if !(fps.is_finite() && fps > 0.0 && fps <= 240.0) {
            return Err(ClipError::BadFps { fps });
        }
        let meta = std::fs::metadata(&path).map_err(|source| ClipError::Io { path: path.clone(), source })?;
        let has_ext = |p: &Path, exts: &[&str]| {
            p.extension().and_then(|x| x.to_str()).is_some_and(|x| exts.iter().any(|e| x.eq_ignore_ascii_case(e)))
        };
        if !meta.is_dir() {
            if !has_ext(&path, &VIDEO_EXTENSIONS) {
                return Err(ClipError::Unsupported { path });
            }
            let video = video::VideoClip::open(&path)?;
            if video.frame_count() == 0 {
                return Err(ClipError::Empty { path });
            }
            let (fps, len) = (video.fps(), video.frame_count());
            return Ok(Self { path, source: Source::Video, fps, len });
        }
        let entries = std::fs::read_dir(&path).map_err(|source| ClipError::Io { path: path.clone(), source })?;
        let mut frames: Vec<PathBuf> =
            entries.flatten().map(|e| e.path()).filter(|p| p.is_file() && has_ext(p, &FRAME_EXTENSIONS)).collect();
        if frames.is_empty() {
            return Err(ClipError::Empty { path });
        }
        frames.sort();
        let len = frames.len();
        Ok(Self { path, source: Source::Frames(frames), fps, len })
    }

    /// Where it was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of frames (a video's: as its container says).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it has no frames (never, once opened).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Frames per second.
    pub fn fps(&self) -> f64 {
        self.fps
    }

    /// Its length in seconds.
    pub fn duration(&self) -> f64 {
        self.len as f64 / self.fps
    }

    /// Whether it is a video file (decoded in order) rather than a directory of frames.
    pub fn is_video(&self) -> bool {
        matches!(self.source, Source::Video)
    }

    /// The frames in order, each decoded when reached: a frame that cannot be read is an error
    /// naming it (its file, or the video and the frame's number).
    pub fn frames(&self) -> Result<ClipFrames<'_>, ClipError> {
        let video = match self.source {
            Source::Video => Some(video::VideoClip::open(&self.path)?),
            Source::Frames(_) => None,
        };
        Ok(ClipFrames { clip: self, video, next: 0 })
    }

    /// Frame `index`, decoded (a video is decoded from its start up to it).
    pub fn frame(&self, index: usize) -> Result<RgbaImage, ClipError> {
        let out_of_range = || ClipError::Frame {
            path: self.path.clone(),
            index,
            reason: format!("the clip has {} frames", self.len),
        };
        self.frames()?.nth(index).ok_or_else(out_of_range)?
    }

    /// The file of frame `index` (a directory's frame), or the video file.
    pub fn frame_path(&self, index: usize) -> Option<&Path> {
        match &self.source {
            Source::Frames(f) => f.get(index).map(PathBuf::as_path),
            Source::Video => (index < self.len).then_some(self.path.as_path()),
        }
    }
}

/// A clip's frames in order ([`Clip::frames`]).
pub struct ClipFrames<'a> {
    clip: &'a Clip,
    video: Option<video::VideoClip>,
    next: usize,
}

impl Iterator for ClipFrames<'_> {
    type Item = Result<RgbaImage, ClipError>;

    fn next(&mut self) -> Option<Self::Item> {
        let index = self.next;
        self.next += 1;
        if let Some(video) = &mut self.video {
            return video.next_frame().map(|r| r.map_err(ClipError::from));
        }
        let Source::Frames(files) = &self.clip.source else { return None };
        let path = files.get(index)?;
        Some(
            image::open(path)
                .map(|i| i.to_rgba8())
                .map_err(|e| ClipError::Frame { path: path.clone(), index, reason: e.to_string() }),
        )
    }
}
