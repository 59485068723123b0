//! The mouth opening's edge: each lip's inner contour as a smooth curve through its landmarks,
//! not their polygon.
//!
//! The 68-point landmarks give each lip's inner edge three points between the corners (iBUG
//! 61–63 above, 65–67 below). Joined by straight lines, an open mouth is a hexagon with a V at the
//! upper lip's middle and straight wedges into the corners, plain at a close-up's size (#14's
//! nineteenth pass). Here each edge is the monotone cubic through its five points in the
//! mouth's own frame (across the mouth from the right corner, 60, to the left, 64, and down
//! the face): the Fritsch–Carlson interpolant (Fritsch & Carlson, "Monotone piecewise cubic
//! interpolation", *SIAM J. Numer. Anal.* 17:238–246, 1980), which passes through every
//! landmark, has no kink, and does not overshoot between two of them: an edge's highest point
//! is a landmark, so a lip never dips past where the landmarks put it. Where the opening is
//! convex the curve bulges beyond the landmarks' polygon (by up to 0.385 of the rise between two
//! of them), so the pixels [`super::fill_mouth`] visits (and the shader's mouth fan covers) are
//! the polygon grown by [`fan_growth`].
//!
//! Where the upper lip's middle dips between its neighbours (the tubercle), the curve is flat
//! at the dip and would lower the lip over the teeth beside it, so each edge is the more open
//! of the curve and the polygon ([`MouthShape::edges_at`]): the curve rounds the wedges into the
//! corners and never covers what the landmarks uncover.
//!
//! A contour's slopes are computed once ([`MouthShape`]), on the CPU for both renderers: the
//! GPU shader (`src/render/mouth.wgsl`, `lip_edge`, `grown_fan_point`) takes them with the
//! contour ([`MouthShape::gpu_words`]) and evaluates the same cubic per fragment.

use glam::Vec2;

/// One lip's inner edge in the mouth's frame: `y(x)` through five points, `x` from 0 (the right
/// corner) to the mouth's width (the left), `y` down the face.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LipEdge {
    x: [f32; 5],
    y: [f32; 5],
    /// The slope `dy/dx` at each point.
    m: [f32; 5],
}

impl LipEdge {
    /// The edge through `(x[i], y[i])`; `x` is made non-decreasing between the corners (a
    /// landmark that lies before the one before it along the mouth is taken at that one's place,
    /// one beyond a corner at the corner's).
    pub(crate) fn new(mut x: [f32; 5], y: [f32; 5]) -> Self {
        let (lo, hi) = (x[0], x[4].max(x[0]));
        for i in 1..5 {
            x[i] = x[i].max(lo).min(hi).max(x[i - 1]);
        }
        let h: [f32; 4] = std::array::from_fn(|k| x[k + 1] - x[k]);
        let d: [f32; 4] = std::array::from_fn(|k| if h[k] > 1e-4 { (y[k + 1] - y[k]) / h[k] } else { 0.0 });
        let mut m = [0.0f32; 5];
        for k in 1..4 {
            // The weighted harmonic mean of the slopes either side (Fritsch & Butland's form of
            // the Fritsch–Carlson condition); flat at a peak, a trough or a flat stretch.
            if d[k - 1] * d[k] > 0.0 {
                let (w1, w2) = (2.0 * h[k] + h[k - 1], h[k] + 2.0 * h[k - 1]);
                m[k] = (w1 + w2) / (w1 / d[k - 1] + w2 / d[k]);
            }
        }
        // At the corners, Fritsch & Carlson's three-point estimate. (The polygon's side's slope,
        // which keeps a corner as sharp as its landmarks, was measured in #14's twentieth pass
        // and not kept: NPC 3's smile read happy at intensity 1 and a painted character's
        // disgust read angry.)
        m[0] = end_slope(h[0], h[1], d[0], d[1]);
        m[4] = end_slope(h[3], h[2], d[3], d[2]);
        Self { x, y, m }
    }

    /// The interval between two landmarks that holds `x` (clamped to the edge's span): its
    /// first landmark `k`, its width `h` and how far across it `x` lies (0–1); else the height
    /// there, where the landmarks stand at one place along the mouth. At a corner whose
    /// neighbour lies at or beyond it along the mouth, the corner: the mouth stays closed there
    /// (taking the neighbour opened the frame of every pixel beyond the corner).
    fn interval(&self, x: f32) -> Result<(usize, f32, f32), f32> {
        let x = x.max(self.x[0]).min(self.x[4]);
        if x <= self.x[0] && self.x[1] - self.x[0] <= 1e-4 {
            return Err(self.y[0]);
        }
        if x >= self.x[4] && self.x[4] - self.x[3] <= 1e-4 {
            return Err(self.y[4]);
        }
        let k = (0..4).find(|&k| x <= self.x[k + 1] && self.x[k + 1] - self.x[k] > 1e-4).unwrap_or(3);
        let h = self.x[k + 1] - self.x[k];
        if h > 1e-4 { Ok((k, h, ((x - self.x[k]) / h).clamp(0.0, 1.0))) } else { Err(self.y[4]) }
    }

    /// `(y, dy/dx)` at `x`, which is clamped to the edge's span.
    pub(crate) fn at(&self, x: f32) -> (f32, f32) {
        let (k, h, t) = match self.interval(x) {
            Ok(at) => at,
            Err(y) => return (y, 0.0),
        };
        let (t2, t3) = (t * t, t * t * t);
        let (y0, y1, m0, m1) = (self.y[k], self.y[k + 1], self.m[k] * h, self.m[k + 1] * h);
        let y =
            (2.0 * t3 - 3.0 * t2 + 1.0) * y0 + (t3 - 2.0 * t2 + t) * m0 + (-2.0 * t3 + 3.0 * t2) * y1 + (t3 - t2) * m1;
        let dy = (6.0 * t2 - 6.0 * t) * y0
            + (3.0 * t2 - 4.0 * t + 1.0) * m0
            + (6.0 * t - 6.0 * t2) * y1
            + (3.0 * t2 - 2.0 * t) * m1;
        (y, dy / h)
    }

    /// `(y, dy/dx)` at `x` of the landmarks' polygon (straight between two of them), `x` clamped
    /// to the edge's span.
    pub(crate) fn linear_at(&self, x: f32) -> (f32, f32) {
        let (k, h, t) = match self.interval(x) {
            Ok(at) => at,
            Err(y) => return (y, 0.0),
        };
        let slope = (self.y[k + 1] - self.y[k]) / h;
        (self.y[k] + (self.y[k + 1] - self.y[k]) * t, slope)
    }
}

/// The slope at an end point: the three-point estimate, kept to the end interval's sign and to
/// three times its slope where the data turn (Fritsch–Carlson's bound, no overshoot).
fn end_slope(h0: f32, h1: f32, d0: f32, d1: f32) -> f32 {
    if h0 + h1 <= 1e-4 {
        return 0.0;
    }
    let m = ((2.0 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
    if m * d0 <= 0.0 {
        0.0
    } else if d0 * d1 <= 0.0 && m.abs() > 3.0 * d0.abs() {
        3.0 * d0
    } else {
        m
    }
}

/// An inner lip contour (iBUG 60–67) with what its edges need, computed once per contour (not
/// per pixel): its frame (from the right corner, 60, towards the left, 64, and down the face),
/// both lips' smooth edges and how far they are followed ([`smoothness`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct MouthShape {
    /// The contour.
    pub(crate) poly: [Vec2; 8],
    /// The right corner (60).
    pub(crate) origin: Vec2,
    /// Unit vector from the right corner towards the left (zero when they coincide).
    pub(crate) axis: Vec2,
    /// Unit vector across the mouth, pointing down the face.
    pub(crate) down: Vec2,
    /// The corners' distance, pixels.
    pub(crate) width: f32,
    /// The upper and the lower lip's edges in the frame.
    edges: [LipEdge; 2],
    /// How far the edges are the smooth curves ([`smoothness`]).
    pub(crate) curved: f32,
}

impl MouthShape {
    /// The shape of `poly`'s first eight points (an inner lip contour).
    pub(crate) fn new(poly: &[Vec2]) -> Self {
        let poly: [Vec2; 8] = std::array::from_fn(|i| poly[i]);
        let axis = (poly[4] - poly[0]).normalize_or_zero();
        let (origin, down) = (poly[0], Vec2::new(-axis.y, axis.x));
        let local = |i: usize| ((poly[i] - origin).dot(axis), (poly[i] - origin).dot(down));
        let edges = [[0, 1, 2, 3, 4], [0, 7, 6, 5, 4]].map(|ids| {
            let pts = ids.map(local);
            LipEdge::new(pts.map(|p| p.0), pts.map(|p| p.1))
        });
        Self { poly, origin, axis, down, width: poly[0].distance(poly[4]), edges, curved: smoothness(&poly, down) }
    }

    /// How far along the mouth `p` lies, from the right corner (0) to the left (1), unclamped.
    pub(crate) fn along(&self, p: Vec2) -> f32 {
        (p - self.origin).dot(self.axis) / self.width.max(1e-3)
    }

    /// Each lip's edge `x` pixels along the mouth from the right corner, `(y, dy/dx)` in the
    /// frame: the more open of the smooth curve and the landmarks' polygon there, so a curve never
    /// covers what the polygon uncovered (where the upper lip's middle dips between its
    /// neighbours, the curve is flat at the dip and would lower the lip over the teeth beside
    /// it; a raised lip's bared teeth read angry).
    pub(crate) fn edges_at(&self, x: f32) -> [(f32, f32); 2] {
        let [upper, lower] = self.edges;
        let (cu, pu, cl, pl) = (upper.at(x), upper.linear_at(x), lower.at(x), lower.linear_at(x));
        [if cu.0 <= pu.0 { cu } else { pu }, if cl.0 >= pl.0 { cl } else { pl }]
    }

    /// The shader's twelve words for this shape (read by `edge_word` in `src/render/mouth.wgsl`): the
    /// upper edge's five slopes, the lower's, [`Self::curved`], and a word unused.
    pub(crate) fn gpu_words(&self) -> [f32; 12] {
        let mut out = [0.0; 12];
        out[..5].copy_from_slice(&self.edges[0].m);
        out[5..10].copy_from_slice(&self.edges[1].m);
        out[10] = self.curved;
        out
    }
}

/// Below this opening (pixels, the widest of the three places between the corners) a mouth keeps
/// its landmarks' polygon (`edge::smoothness`): a mouth barely parted is drawn by the seam's
/// rules, tuned on it (#14's eighth and ninth passes), and a curve there uncovered a portrait's
/// own teeth between sad lips parted two pixels (the astronaut's, read fearful).
pub const SMOOTH_FROM: f32 = 3.0;
/// From this opening (pixels) a mouth's edges are the smooth curves in full (`edge::smoothness`).
pub const SMOOTH_FULL: f32 = 8.0;

/// How far a mouth's edges follow the smooth curves rather than the landmarks' polygon (0–1):
/// from [`SMOOTH_FROM`] to [`SMOOTH_FULL`] pixels of its widest opening, smoothly.
/// `down`: the unit vector across the mouth, pointing down the face.
fn smoothness(poly: &[Vec2; 8], down: Vec2) -> f32 {
    let open = [(1, 7), (2, 6), (3, 5)].iter().map(|&(u, l)| (poly[l] - poly[u]).dot(down)).fold(0.0f32, f32::max);
    let t = ((open - SMOOTH_FROM) / (SMOOTH_FULL - SMOOTH_FROM)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// The fan's margin beyond the landmarks' polygon for the anti-aliased edge, pixels
/// (`edge::fan_growth`).
pub const FAN_MARGIN: f32 = 1.5;
/// The fan's growth beyond the landmarks' polygon per pixel of the opening's height
/// (`edge::fan_growth`).
pub const FAN_GROWTH: f32 = 0.4;

/// How far [`fill_mouth`](super::fill_mouth)'s fan (and the shader's) is grown beyond the
/// landmarks' polygon, pixels: [`FAN_MARGIN`] for the anti-aliased edge, and [`FAN_GROWTH`] of
/// the opening's height (the curve through a convex opening's landmarks bulges beyond their
/// polygon by at most 0.385 of the rise between two of them, which is at most the height).
fn fan_growth(shape: &MouthShape) -> f32 {
    let (lo, hi) = shape.poly.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| {
        let y = (*p - shape.origin).dot(shape.down);
        (lo.min(y), hi.max(y))
    });
    FAN_MARGIN + FAN_GROWTH * (hi - lo).max(0.0)
}

/// The landmarks' polygon grown by [`fan_growth`]: the upper lip's three points moved up (against
/// `down`), the lower's down, each corner outward along the mouth; the fan over these covers the
/// smooth opening.
pub(crate) fn grown_fan(shape: &MouthShape) -> [Vec2; 8] {
    let (poly, axis, down) = (&shape.poly, shape.axis, shape.down);
    let g = fan_growth(shape);
    std::array::from_fn(|i| match i {
        0 => poly[0] - axis * g,
        4 => poly[4] + axis * g,
        1..=3 => poly[i] - down * g,
        _ => poly[i] + down * g,
    })
}

#[cfg(test)]
mod tests {
    use glam::Vec2;

    use super::{LipEdge, MouthShape, grown_fan};
    use crate::face::cpu_render::inside;

    #[test]
    fn the_edge_passes_through_every_landmark_without_overshooting_between_them() {
        // An upper lip: up from the corner, a peak at the middle, down to the other corner.
        let e = LipEdge::new([0.0, 15.0, 30.0, 45.0, 60.0], [0.0, -10.0, -12.0, -10.0, 0.0]);
        for (x, y) in [(0.0, 0.0), (15.0, -10.0), (30.0, -12.0), (45.0, -10.0), (60.0, 0.0)] {
            assert!((e.at(x).0 - y).abs() < 1e-4, "through ({x}, {y}): {}", e.at(x).0);
        }
        // Flat at the peak (no V), smooth across each landmark, never above the peak, and bulging
        // beyond the chord between the corner and the first point (a convex opening).
        assert!(e.at(30.0).1.abs() < 1e-5);
        for x in [15.0f32, 45.0] {
            let (a, b) = (e.at(x - 1e-3).1, e.at(x + 1e-3).1);
            assert!((a - b).abs() < 1e-2, "kink at {x}: {a} vs {b}");
        }
        assert!((0..=600).all(|i| e.at(i as f32 * 0.1).0 >= -12.0 - 1e-4));
        assert!(e.at(7.5).0 < -5.0 - 0.5, "{}", e.at(7.5).0);
        // A V at the middle (the upper lip's tubercle lower than its neighbours) is rounded: the
        // edge is flat at the V's tip instead of turning there.
        let v = LipEdge::new([0.0, 15.0, 30.0, 45.0, 60.0], [0.0, -12.0, -9.0, -12.0, 0.0]);
        assert!(v.at(30.0).1.abs() < 1e-5 && v.at(22.5).0 > -12.0 && v.at(22.5).0 < -9.0);
    }

    /// An inner lip contour (iBUG 60–67) of points given from (100, 100).
    fn at_100(pts: [(f32, f32); 8]) -> [Vec2; 8] {
        pts.map(|(x, y)| Vec2::new(100.0 + x, 100.0 + y))
    }

    /// An edge is never less open than the landmarks' polygon: where the upper lip's middle dips
    /// between its neighbours (the astronaut's angry mouth over her own teeth), the curve alone is
    /// flat at the dip and lowered the lip over the teeth beside it (read less angry, #14's
    /// nineteenth pass); the polygon's straight sides stay there, the curve's bulge elsewhere.
    #[test]
    fn the_edge_is_never_less_open_than_the_landmarks_polygon() {
        let poly = at_100([
            (0.0, 0.0),
            (15.0, -12.0),
            (30.0, -9.0),
            (45.0, -12.0),
            (60.0, 0.0),
            (45.0, 10.0),
            (30.0, 12.0),
            (15.0, 10.0),
        ]);
        let shape = MouthShape::new(&poly);
        let polygon = |x: f32, ids: [usize; 5]| {
            let k = ids.windows(2).position(|w| x <= poly[w[1]].x - 100.0).unwrap_or(3);
            let (a, b) = (poly[ids[k]] - Vec2::splat(100.0), poly[ids[k + 1]] - Vec2::splat(100.0));
            a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x)
        };
        for i in 0..=600 {
            let x = i as f32 * 0.1;
            let [(u, _), (l, _)] = shape.edges_at(x);
            assert!(u <= polygon(x, [0, 1, 2, 3, 4]) + 1e-4, "upper at {x}: {u}");
            assert!(l >= polygon(x, [0, 7, 6, 5, 4]) - 1e-4, "lower at {x}: {l}");
        }
        // Beside the dip, the polygon (the curve there: −9.31); beside the corner, the curve's bulge.
        assert!((shape.edges_at(27.0)[0].0 + 9.6).abs() < 1e-4, "{:?}", shape.edges_at(27.0));
        assert!(shape.edges_at(5.0)[0].0 < polygon(5.0, [0, 1, 2, 3, 4]) - 0.5);
        assert!(shape.edges_at(5.0)[1].0 > polygon(5.0, [0, 7, 6, 5, 4]) + 0.5);
    }

    /// A landmark beside a corner that lies beyond it along the mouth (a contour folded there)
    /// leaves the corner closed: pixels beyond it see lips that meet, not an opening.
    #[test]
    fn a_landmark_beyond_a_corner_does_not_open_it() {
        let poly = at_100([
            (0.0, 0.0),
            (-3.0, -8.0),
            (30.0, -10.0),
            (63.0, -8.0),
            (60.0, 0.0),
            (45.0, 8.0),
            (30.0, 10.0),
            (15.0, 8.0),
        ]);
        let shape = MouthShape::new(&poly);
        for x in [0.0, 60.0] {
            let [(u, _), (l, _)] = shape.edges_at(x);
            assert!(u.abs() < 1e-4 && l.abs() < 1e-4, "at {x}: {u}, {l}");
        }
        assert!(shape.edges_at(30.0)[1].0 - shape.edges_at(30.0)[0].0 > 19.0);
    }

    #[test]
    fn landmarks_out_of_order_along_the_mouth_do_not_break_the_edge() {
        let e = LipEdge::new([0.0, 20.0, 18.0, 45.0, 60.0], [0.0, -10.0, -12.0, -10.0, 0.0]);
        assert!((0..=600).all(|i| e.at(i as f32 * 0.1).0.is_finite()));
        let flat = LipEdge::new([0.0; 5], [0.0; 5]);
        assert_eq!(flat.at(3.0), (0.0, 0.0));
    }

    /// The grown fan holds the whole smooth opening, whatever its shape: open, tilted, lopsided.
    #[test]
    fn the_grown_fan_covers_the_smooth_opening() {
        let mut seed = 7u32;
        let mut rnd = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32
        };
        for _ in 0..300 {
            let (w, up, low, tilt) = (30.0 + 90.0 * rnd(), 25.0 * rnd(), 40.0 * rnd(), rnd() - 0.5);
            let (c, s) = (tilt.cos(), tilt.sin());
            let at = |x: f32, y: f32| Vec2::new(200.0 + c * x - s * y, 200.0 + s * x + c * y);
            let poly: Vec<Vec2> = [
                (0.0, 0.0),
                (w * (0.15 + 0.15 * rnd()), -up * (0.5 + 0.5 * rnd())),
                (w * (0.45 + 0.1 * rnd()), -up * rnd()),
                (w * (0.7 + 0.15 * rnd()), -up * (0.5 + 0.5 * rnd())),
                (w, 0.0),
                (w * (0.7 + 0.15 * rnd()), low * (0.5 + 0.5 * rnd())),
                (w * (0.45 + 0.1 * rnd()), low * rnd()),
                (w * (0.15 + 0.15 * rnd()), low * (0.5 + 0.5 * rnd())),
            ]
            .map(|(x, y)| at(x, y))
            .to_vec();
            let shape = MouthShape::new(&poly);
            let fan = grown_fan(&shape);
            for i in 1..200 {
                let x = w * i as f32 / 200.0;
                // The edge (the more open of the curve and the polygon), and where the opening is
                // a pixel or more (its edge anti-aliased, `MouthFrame::cover`) the half pixel
                // beyond it that the edge reaches.
                let [upper, lower] = shape.edges_at(x);
                let open = lower.0 - upper.0 >= 1.0;
                for (y, out) in [(upper.0, -0.5), (lower.0, 0.5)] {
                    let y = y + if open { out } else { 0.0 };
                    assert!(inside(&fan, at(x, y)), "{poly:?}: ({x}, {y}) outside the fan");
                }
            }
        }
    }
}
