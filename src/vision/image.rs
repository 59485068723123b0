//! Image preparation exactly as face-api does it in TensorFlow.js: crop a box (clipped to the
//! image and floored), pad to a square with black, resize bilinearly (`resizeBilinear` with
//! `alignCorners = false`, `halfPixelCenters = false`), subtract a mean colour, divide by 255.

use burn::prelude::{Backend, Tensor};
use image::RgbaImage;

/// An RGB image of `f32` samples (0–255), row-major, 3 samples a pixel; alpha is dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct RgbF32 {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `height × width × 3` samples.
    pub data: Vec<f32>,
}

/// A rectangle in pixels, `x, y` its top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

impl Rect {
    /// The right edge.
    pub fn right(&self) -> f32 {
        self.x + self.width
    }

    /// The bottom edge.
    pub fn bottom(&self) -> f32 {
        self.y + self.height
    }

    /// Its area (0 when empty).
    pub fn area(&self) -> f32 {
        self.width.max(0.0) * self.height.max(0.0)
    }

    /// Its centre, `(x, y)`.
    pub fn centre(&self) -> (f32, f32) {
        (self.x + self.width / 2.0, self.y + self.height / 2.0)
    }

    /// Whether the point `(x, y)` lies in it (edges included).
    pub fn holds(&self, (x, y): (f32, f32)) -> bool {
        self.x <= x && x <= self.right() && self.y <= y && y <= self.bottom()
    }

    /// Intersection over union with `other`.
    pub fn iou(&self, other: &Rect) -> f32 {
        let w = (self.right().min(other.right()) - self.x.max(other.x)).max(0.0);
        let h = (self.bottom().min(other.bottom()) - self.y.max(other.y)).max(0.0);
        let inter = w * h;
        let union = self.area() + other.area() - inter;
        if union > 0.0 { inter / union } else { 0.0 }
    }

    /// face-api's `clipAtImageBorders`: clipped to `width × height`, every field floored.
    pub fn clip_floor(&self, width: usize, height: usize) -> Rect {
        let x = self.x.max(0.0);
        let y = self.y.max(0.0);
        let w = (self.right() - x).min(width as f32 - x);
        let h = (self.bottom() - y).min(height as f32 - y);
        Rect { x: x.floor(), y: y.floor(), width: w.floor(), height: h.floor() }
    }
}

impl RgbF32 {
    /// The RGB samples of an RGBA image.
    pub fn from_rgba(img: &RgbaImage) -> Self {
        let data = img.pixels().flat_map(|p| [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])]).collect();
        Self { width: img.width() as usize, height: img.height() as usize, data }
    }

    /// The pixels inside `r` after [`Rect::clip_floor`] (`None` when that is empty).
    pub fn crop(&self, r: &Rect) -> Option<RgbF32> {
        let c = r.clip_floor(self.width, self.height);
        if !(c.width >= 1.0 && c.height >= 1.0) {
            return None;
        }
        let (x0, y0, w, h) = (c.x as usize, c.y as usize, c.width as usize, c.height as usize);
        let mut data = Vec::with_capacity(w * h * 3);
        for y in y0..y0 + h {
            let row = (y * self.width + x0) * 3;
            data.extend_from_slice(&self.data[row..row + w * 3]);
        }
        Some(RgbF32 { width: w, height: h, data })
    }

    /// The image with `margin` pixels added on every side, each a copy of the nearest edge pixel
    /// (a face cut by the frame carries on as skin and hair, not as a black border, which the
    /// detector would take for the face's outline).
    pub fn extend_edges(&self, margin: usize) -> RgbF32 {
        let (w, h) = (self.width + 2 * margin, self.height + 2 * margin);
        let mut data = Vec::with_capacity(w * h * 3);
        if self.width == 0 || self.height == 0 {
            return RgbF32 { width: w, height: h, data: vec![0.0; w * h * 3] };
        }
        for y in 0..h {
            let sy = y.saturating_sub(margin).min(self.height - 1);
            for x in 0..w {
                let sx = x.saturating_sub(margin).min(self.width - 1);
                let i = (sy * self.width + sx) * 3;
                data.extend_from_slice(&self.data[i..i + 3]);
            }
        }
        RgbF32 { width: w, height: h, data }
    }

    /// face-api's `padToSquare` then `resizeBilinear` to `size × size` (the resize is skipped
    /// when the square already has that size). `centered` puts half the padding before the
    /// image (`round(diff / 2)` after it, the rest before); otherwise all of it goes after.
    pub fn to_square(&self, size: usize, centered: bool) -> RgbF32 {
        let side = self.width.max(self.height);
        let diff = self.width.abs_diff(self.height);
        let before = if centered { diff - (diff as f64 * 0.5).round() as usize } else { 0 };
        let (ox, oy) = if self.width < self.height { (before, 0) } else { (0, before) };
        // The padded square's sample at (x, y): the image, or black around it.
        let at = |x: usize, y: usize, c: usize| -> f32 {
            match (x.checked_sub(ox), y.checked_sub(oy)) {
                (Some(ix), Some(iy)) if ix < self.width && iy < self.height => {
                    self.data[(iy * self.width + ix) * 3 + c]
                }
                _ => 0.0,
            }
        };
        let mut data = Vec::with_capacity(size * size * 3);
        if side == size {
            for y in 0..size {
                for x in 0..size {
                    data.extend((0..3).map(|c| at(x, y, c)));
                }
            }
            return RgbF32 { width: size, height: size, data };
        }
        let ratio = side as f64 / size as f64;
        let axis = |o: usize| {
            let src = ratio * o as f64;
            let lo = src.floor().max(0.0);
            let hi = (src.ceil() as usize).min(side - 1);
            (lo as usize, hi, (src - lo) as f32)
        };
        let cols: Vec<_> = (0..size).map(axis).collect();
        for y in 0..size {
            let (y0, y1, fy) = axis(y);
            for &(x0, x1, fx) in &cols {
                for c in 0..3 {
                    let (tl, tr) = (at(x0, y0, c), at(x1, y0, c));
                    let (bl, br) = (at(x0, y1, c), at(x1, y1, c));
                    let top = tl + (tr - tl) * fx;
                    let bottom = bl + (br - bl) * fx;
                    data.push(top + (bottom - top) * fy);
                }
            }
        }
        RgbF32 { width: size, height: size, data }
    }

    /// The image as a `[1, 3, h, w]` tensor of `(sample − mean) / 255`.
    pub fn to_tensor<B: Backend>(&self, mean: [f32; 3], device: &B::Device) -> Tensor<B, 4> {
        let n = self.width * self.height;
        let mut planar = vec![0.0f32; n * 3];
        for (i, px) in self.data.chunks_exact(3).enumerate() {
            for c in 0..3 {
                planar[c * n + i] = (px[c] - mean[c]) / 255.0;
            }
        }
        Tensor::<B, 1>::from_floats(planar.as_slice(), device).reshape([1, 3, self.height, self.width])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(w: usize, h: usize) -> RgbF32 {
        let data = (0..w * h).flat_map(|i| [(i % w) as f32, (i / w) as f32, 7.0]).collect();
        RgbF32 { width: w, height: h, data }
    }

    #[test]
    fn resize_samples_at_integer_multiples_of_the_ratio() {
        // 4 → 2 with halfPixelCenters = false samples source pixels 0 and 2.
        let sq = ramp(4, 4).to_square(2, false);
        assert_eq!(sq.data[..3], [0.0, 0.0, 7.0]);
        assert_eq!(sq.data[3..6], [2.0, 0.0, 7.0]);
        // 2 → 4 interpolates halfway, and the last column repeats the edge.
        let up = ramp(2, 2).to_square(4, false);
        let xs: Vec<f32> = (0..4).map(|x| up.data[x * 3]).collect();
        assert_eq!(xs, [0.0, 0.5, 1.0, 1.0]);
    }

    #[test]
    fn padding_goes_after_or_around_the_image() {
        // A 2-wide, 5-tall image padded to 5 × 5: 3 black columns after, or 1 before and 2 after
        // when centered (round(3 / 2) = 2 after).
        let img = RgbF32 { width: 2, height: 5, data: vec![100.0; 30] };
        let after = img.to_square(5, false);
        let row: Vec<f32> = (0..5).map(|x| after.data[x * 3]).collect();
        assert_eq!(row, [100.0, 100.0, 0.0, 0.0, 0.0]);
        let centered = img.to_square(5, true);
        let row: Vec<f32> = (0..5).map(|x| centered.data[x * 3]).collect();
        assert_eq!(row, [0.0, 100.0, 100.0, 0.0, 0.0]);
    }

    #[test]
    fn extended_edges_copy_the_nearest_pixel() {
        let img = ramp(3, 2);
        let e = img.extend_edges(2);
        assert_eq!((e.width, e.height), (7, 6));
        let at = |x: usize, y: usize| [e.data[(y * 7 + x) * 3], e.data[(y * 7 + x) * 3 + 1]];
        // The image itself sits at (2, 2); corners and sides copy its nearest pixel.
        assert_eq!(at(2, 2), [0.0, 0.0]);
        assert_eq!(at(4, 3), [2.0, 1.0]);
        assert_eq!(at(0, 0), [0.0, 0.0]);
        assert_eq!(at(6, 5), [2.0, 1.0]);
        assert_eq!(at(3, 0), [1.0, 0.0]);
        assert_eq!(at(0, 4), [0.0, 1.0]);
        assert_eq!(img.extend_edges(0), img);
        let empty = RgbF32 { width: 0, height: 0, data: vec![] }.extend_edges(1);
        assert_eq!((empty.width, empty.height, empty.data.len()), (2, 2, 12));
    }

    #[test]
    fn crops_clip_and_floor_like_face_api() {
        let img = ramp(10, 8);
        let r = Rect { x: -2.5, y: 3.7, width: 6.0, height: 10.0 };
        let c = r.clip_floor(10, 8);
        assert_eq!((c.x, c.y, c.width, c.height), (0.0, 3.0, 3.0, 4.0));
        let crop = img.crop(&r).unwrap();
        assert_eq!((crop.width, crop.height), (3, 4));
        assert_eq!(crop.data[..2], [0.0, 3.0]);
        assert!(img.crop(&Rect { x: 20.0, y: 0.0, width: 5.0, height: 5.0 }).is_none());
        let (cx, cy) = r.centre();
        assert!((cx - 0.5).abs() < 1e-6 && (cy - 8.7).abs() < 1e-5);
        assert!(r.holds((3.4, 13.6)) && r.holds((-2.5, 3.7)) && !r.holds((3.6, 5.0)) && !r.holds((0.0, 3.6)));
        let a = Rect { x: 0.0, y: 0.0, width: 2.0, height: 2.0 };
        assert!((a.iou(&Rect { x: 1.0, y: 0.0, width: 2.0, height: 2.0 }) - 1.0 / 3.0).abs() < 1e-6);
    }
}
