//! Reference clips (SPEAK's pose and emotion references): a face's motion read from a sequence
//! of frames, as control signals for a talking head.
//!
//! - [`Clip`]: the frames of a clip, read one at a time (a directory of PNG images in name
//!   order, at `fps`); video files are the next reader to come (issue #18's H.264 decoder), and
//!   are refused with [`ClipError::Unsupported`] until then;
//! - [`track`]: the face followed through the frames (detected once, then its landmarks placed
//!   by the previous frame's, re-detected when the fit says it was lost), its head pose fitted
//!   per frame ([`super::headpose`]) and smoothed with a One-Euro filter.

pub mod track;

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
    /// A directory without a single PNG frame.
    #[error("{path}: no frames in it (a clip directory holds PNG images, played in name order)")]
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
    /// A file this version does not read as a clip (video files, for now).
    #[error("{path}: not a clip this version reads (a directory of PNG frames; video decoding is yet to come)")]
    Unsupported {
        /// The file.
        path: PathBuf,
    },
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

/// A clip's frames, read on demand (see the module docs).
#[derive(Debug, Clone)]
pub struct Clip {
    path: PathBuf,
    frames: Vec<PathBuf>,
    fps: f64,
}

impl Clip {
    /// Opens a directory of PNG frames (sorted by file name, so `0001.png`, `0002.png`, …) that
    /// plays at `fps`.
    pub fn open(path: impl AsRef<Path>, fps: f64) -> Result<Self, ClipError> {
        let path = path.as_ref().to_path_buf();
        if !(fps.is_finite() && fps > 0.0 && fps <= 240.0) {
            return Err(ClipError::BadFps { fps });
        }
        let meta = std::fs::metadata(&path).map_err(|source| ClipError::Io { path: path.clone(), source })?;
        if !meta.is_dir() {
            return Err(ClipError::Unsupported { path });
        }
        let entries = std::fs::read_dir(&path).map_err(|source| ClipError::Io { path: path.clone(), source })?;
        let mut frames: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("png")))
            .collect();
        if frames.is_empty() {
            return Err(ClipError::Empty { path });
        }
        frames.sort();
        Ok(Self { path, frames, fps })
    }

    /// Where it was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of frames.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Whether it has no frames (never, once opened).
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Frames per second.
    pub fn fps(&self) -> f64 {
        self.fps
    }

    /// Its length in seconds.
    pub fn duration(&self) -> f64 {
        self.frames.len() as f64 / self.fps
    }

    /// Frame `index`, decoded.
    pub fn frame(&self, index: usize) -> Result<RgbaImage, ClipError> {
        let path = self.frames.get(index).ok_or_else(|| ClipError::Frame {
            path: self.path.clone(),
            index,
            reason: format!("the clip has {} frames", self.frames.len()),
        })?;
        let img = image::open(path)
            .map_err(|e| ClipError::Frame { path: path.clone(), index, reason: e.to_string() })?
            .to_rgba8();
        Ok(img)
    }

    /// The file of frame `index`.
    pub fn frame_path(&self, index: usize) -> Option<&Path> {
        self.frames.get(index).map(PathBuf::as_path)
    }
}
