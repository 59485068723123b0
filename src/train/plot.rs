//! A PNG plot of training curves (tiny-skia, already used for portraits): log-scale y, one
//! polyline per series, light grid lines at each power of ten.

use std::path::{Path, PathBuf};

use tiny_skia::{Color, Paint, PathBuilder, Pixmap, Stroke, Transform};

/// Why a plot could not be drawn or written ([`loss_curve_png`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// The image size is too large for a pixmap.
    #[error("bad image size {width}×{height}")]
    ImageSize {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// No series holds a positive, finite value.
    #[error("nothing to plot")]
    NothingToPlot,
    /// The image could not be encoded as PNG.
    #[error("{path}: cannot encode the PNG: {message}")]
    Encode {
        /// The PNG file.
        path: PathBuf,
        /// What the encoder said.
        message: String,
    },
    /// The PNG file could not be written (the operating system's error already names the file).
    #[error("{source}")]
    Io {
        /// The PNG file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

/// Draws `series` (name, colour as RGB, values per step; non-positive and non-finite values are
/// skipped) on a log scale into a `width`×`height` PNG at `path`.
pub fn loss_curve_png(
    path: &Path,
    series: &[(&str, [u8; 3], Vec<f32>)],
    width: u32,
    height: u32,
) -> Result<(), PlotError> {
    let (width, height) = (width.max(64), height.max(64));
    let mut pixmap = Pixmap::new(width, height).ok_or(PlotError::ImageSize { width, height })?;
    pixmap.fill(Color::WHITE);
    let (w, h) = (pixmap.width() as f32, pixmap.height() as f32);
    let margin = 24.0;
    let values = series.iter().flat_map(|s| s.2.iter().copied()).filter(|v| v.is_finite() && *v > 0.0);
    let (lo, hi) = values.fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        return Err(PlotError::NothingToPlot);
    }
    let (lo, hi) = (lo.log10().floor(), hi.log10().ceil().max(lo.log10().floor() + 1.0));
    let steps = series.iter().map(|s| s.2.len()).max().unwrap_or(1).max(2);
    let x_of = |i: usize| margin + (w - 2.0 * margin) * i as f32 / (steps - 1) as f32;
    let y_of = |v: f32| h - margin - (h - 2.0 * margin) * (v.log10() - lo) / (hi - lo);
    let mut grid = Paint::default();
    grid.set_color_rgba8(220, 220, 220, 255);
    let thin = Stroke { width: 1.0, ..Stroke::default() };
    let mut decade = lo;
    while decade <= hi {
        let y = y_of(10f32.powf(decade));
        let mut pb = PathBuilder::new();
        pb.move_to(margin, y);
        pb.line_to(w - margin, y);
        if let Some(p) = pb.finish() {
            pixmap.stroke_path(&p, &grid, &thin, Transform::identity(), None);
        }
        decade += 1.0;
    }
    for (_, rgb, values) in series {
        let mut paint = Paint::default();
        paint.set_color_rgba8(rgb[0], rgb[1], rgb[2], 255);
        paint.anti_alias = true;
        let mut pb = PathBuilder::new();
        let mut started = false;
        // Smooth over a window of 1 % of the steps, so the curve is readable.
        let k = (values.len() / 100).max(1);
        for (i, chunk) in values.chunks(k).enumerate() {
            let good: Vec<f32> = chunk.iter().copied().filter(|v| v.is_finite() && *v > 0.0).collect();
            if good.is_empty() {
                continue;
            }
            let v = good.iter().sum::<f32>() / good.len() as f32;
            let (x, y) = (x_of(i * k), y_of(v));
            if started {
                pb.line_to(x, y);
            } else {
                pb.move_to(x, y);
                started = true;
            }
        }
        if let Some(p) = pb.finish() {
            pixmap.stroke_path(&p, &paint, &Stroke { width: 1.5, ..Stroke::default() }, Transform::identity(), None);
        }
    }
    let bytes =
        pixmap.encode_png().map_err(|e| PlotError::Encode { path: path.to_path_buf(), message: e.to_string() })?;
    crate::io::write_atomically(path, |out| out.write_all(&bytes))
        .map_err(|source| PlotError::Io { path: path.to_path_buf(), source })
}
