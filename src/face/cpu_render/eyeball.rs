//! The eyeball a portrait's lids hide: each eye as it would look with the lids drawn back, built
//! once per portrait from what its rest opening shows. A widened lid, a gaze or a neutral face
//! undoing a portrait's own squint uncovers eyeball the portrait never showed; the renderers draw
//! it from here ([`Eyeballs::sample`], the GPU's `eyeball_texture`) instead of one flat colour.
//!
//! Per eye, in the portrait's pixels at rest:
//! - what the rest opening shows beyond the lids' fringe ([`LID_FRINGE`]) is kept as it is;
//! - the iris is found as a circle ([`Iris`], `fit_iris`): the dark disc that best explains
//!   which of those pixels are darker than the midpoint of the eye's own dark and light (the
//!   lids cut it, so its width and the shown arcs fix it); an eye too small, too flat or too
//!   poorly explained by any disc ([`IRIS_MIN_SHOWN`], [`IRIS_CONTRAST`], [`IRIS_FIT`]) has none.
//!   Where the iris runs under a lid it is completed from its own shown pixels at the same
//!   distance from its centre, in the direction nearest its mirror image across the horizontal
//!   diameter (an iris is radially alike; the upper lid hides its top and the lower lid less of
//!   its bottom), the catchlights left out;
//! - the sclera elsewhere is the shown sclera's brightest quarter carried on smoothly (inverse
//!   squared distance weights, [`SCLERA_REACH`]), so it keeps the eye's own light across the
//!   eye, at [`SCLERA_FILL_CHROMA`] of its chroma and no darker than [`SCLERA_FILL_FLOOR`] of the
//!   eye's sclera colour (`face::colours`); an eye with no iris found is that colour
//!   throughout, as every eye was before.
//!
//! Until #14's twenty-sixth pass the uncovered eyeball was one flat grey: a widened eye showed a
//! flat-topped iris under a grey slab, and a photograph's neutral face (its own squint undone)
//! a grey crescent under the iris, darker than its own white (Kim, #14's twenty-fifth pass:
//! 135–140 of 255 against 150–165).
//!
//! The two eyes' layers sit side by side in one small image ([`Eyeballs::atlas`]), each in its
//! own box ([`EyeBox`]); a sample is clamped to its eye's box, so bilinear filtering never mixes
//! the eyes (the GPU samples the same texture the same way).

use glam::Vec2;
use image::{Rgba, RgbaImage};

use super::eyes::{LID_FRINGE, edge_distance};
use super::{inside, sample, to_rgba};
use crate::face::colours::{luma, mean};
use crate::face::mesh::EYE_CONTOUR;

/// The iris's least and greatest radius, as a share of the eye's width (corner to corner). A
/// person's iris is about 11.7 mm across and the eye's opening 27–33 mm wide (0.18–0.22); the
/// landmarks' corners and painted eyes vary more.
pub const IRIS_RADIUS: [f32; 2] = [0.12, 0.32];
/// The least difference of luma (0–1) between an eye's light and dark (its 85th and 15th
/// percentiles beyond the fringe) for an iris to be looked for: an eye with less shows no iris
/// against a sclera, and its uncovered eyeball is the sclera colour throughout.
pub const IRIS_CONTRAST: f32 = 0.12;
/// The uncovered sclera's least luma, as a share of the eye's sclera colour's
/// (`face::colours`): where the shown pixels it is carried from are in the lids' shadow
/// it stays no darker than that colour, less a little.
pub const SCLERA_FILL_FLOOR: f32 = 0.9;
/// How much of the shown sclera's chroma (its distance from the grey of its luma) the hidden
/// sclera keeps: the brightest of a small eye's pixels still mix in the iris, lashes and lids.
pub const SCLERA_FILL_CHROMA: f32 = 0.7;
/// How well the disc found must explain an eye for its iris to be taken ([`Iris`]): at most this
/// share of the shown pixels dark outside it, and at most this share of the shown pixels inside
/// it light (a photograph's catchlights and a light iris's flecks take up to a fifth). A disc
/// that explains less (a light iris in a shadowed eye, a face lit from the side) is not an iris,
/// and the eye's hidden eyeball is left one sclera colour.
pub const IRIS_FIT: [f32; 2] = [0.08, 0.25];
/// The fewest pixels an eye must show beyond the lids' fringe for an iris to be looked for.
pub const IRIS_MIN_SHOWN: usize = 40;
/// How far from an iris point's distance to its centre (pixels) the shown iris it is taken from
/// may lie.
const RING_WIDTH: f32 = 0.75;
/// How far (a share of the eye's width) the shown sclera's brightness carries before the fill
/// weighs farther pixels nearly alike (inverse squared distance, softened by this).
pub const SCLERA_REACH: f32 = 0.1;
/// How far (shares of the eye's width) each eye's box reaches beyond its rest opening: sideways,
/// up (a widened upper lid rises furthest) and down.
const BOX_REACH: [f32; 3] = [0.15, 0.5, 0.35];
/// The most shown pixels the iris search and the sclera fill weigh (a large portrait's eye is
/// thinned evenly to these).
const MOST_SAMPLES: usize = 700;

/// An iris found in a portrait's eye: its centre and radius, rest pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Iris {
    /// The centre.
    pub centre: Vec2,
    /// The radius.
    pub radius: f32,
}

/// Where one eye's layer lies in the portrait and in [`Eyeballs::atlas`] (pixels; whole numbers).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EyeBox {
    /// The box's top-left corner in the portrait.
    pub origin: Vec2,
    /// Its width and height.
    pub size: Vec2,
    /// Where its top-left corner lies in the atlas.
    pub at: Vec2,
}

impl EyeBox {
    /// The atlas point that rest point `p` reads: `p` in the box's frame, clamped half a pixel
    /// inside it so that bilinear filtering stays in the box.
    pub fn atlas_point(&self, p: Vec2) -> Vec2 {
        (p - self.origin).clamp(Vec2::splat(0.5), (self.size - 0.5).max(Vec2::splat(0.5))) + self.at
    }
}

/// A portrait's two eyeballs with the lids drawn back (see the module's text).
#[derive(Debug, Clone)]
pub struct Eyeballs {
    atlas: RgbaImage,
    boxes: [EyeBox; 2],
    irises: [Option<Iris>; 2],
}

impl Eyeballs {
    /// The eyeballs of `image` whose eyes' rest openings are `openings` (right, then left;
    /// [`super::PreparedPortrait::eye_opening`]), their (inner, outer) corners `corners` and their
    /// sclera colours `sclera` (0–1 of the sRGB bytes).
    pub fn new(
        image: &RgbaImage,
        openings: &[[Vec2; EYE_CONTOUR]; 2],
        corners: [[Vec2; 2]; 2],
        sclera: [[f32; 3]; 2],
    ) -> Self {
        let layers: [(EyeLayer, Option<Iris>); 2] =
            std::array::from_fn(|e| eye_layer(image, &openings[e], corners[e][0].distance(corners[e][1]), sclera[e]));
        let (w0, w1) = (layers[0].0.image.width(), layers[1].0.image.width());
        let height = layers[0].0.image.height().max(layers[1].0.image.height());
        let mut atlas = RgbaImage::new(w0 + 2 + w1, height);
        let at = [0, w0 + 2];
        let mut boxes = [EyeBox { origin: Vec2::ZERO, size: Vec2::ONE, at: Vec2::ZERO }; 2];
        for (e, (layer, _)) in layers.iter().enumerate() {
            image::imageops::replace(&mut atlas, &layer.image, at[e] as i64, 0);
            boxes[e] = EyeBox {
                origin: layer.origin,
                size: Vec2::new(layer.image.width() as f32, layer.image.height() as f32),
                at: Vec2::new(at[e] as f32, 0.0),
            };
        }
        Eyeballs { atlas, boxes, irises: [layers[0].1, layers[1].1] }
    }

    /// The eyeball of eye `e` (0 right, 1 left) at rest point `p` (bilinear, 0–1 RGB of the
    /// sRGB bytes); beyond the eye's box, the box's nearest edge.
    pub fn sample(&self, e: usize, p: Vec2) -> [f32; 3] {
        sample(&self.atlas, self.boxes[e.min(1)].atlas_point(p))
    }

    /// Both eyes' layers side by side (what the GPU's `eyeball_texture` holds).
    pub fn atlas(&self) -> &RgbaImage {
        &self.atlas
    }

    /// Where each eye's layer lies (right, then left).
    pub fn boxes(&self) -> [EyeBox; 2] {
        self.boxes
    }

    /// The iris found in eye `e`, or `None` where the eye shows too few pixels
    /// ([`IRIS_MIN_SHOWN`]), too little contrast ([`IRIS_CONTRAST`]) or no disc that explains it
    /// ([`IRIS_FIT`]); such an eye's hidden eyeball is its sclera colour throughout.
    pub fn iris(&self, e: usize) -> Option<Iris> {
        self.irises[e.min(1)]
    }
}

/// One eye's layer and where its top-left corner lies in the portrait.
struct EyeLayer {
    image: RgbaImage,
    origin: Vec2,
}

/// A pixel the rest opening shows beyond the lids' fringe: its centre and colour.
#[derive(Clone, Copy)]
struct Shown {
    p: Vec2,
    c: [f32; 3],
}

/// Eye layer for one eye: see the module's text.
fn eye_layer(
    image: &RgbaImage,
    opening: &[Vec2; EYE_CONTOUR],
    width: f32,
    sclera: [f32; 3],
) -> (EyeLayer, Option<Iris>) {
    let (iw, ih) = (image.width() as f32, image.height() as f32);
    if iw < 1.0 || ih < 1.0 || !opening.iter().all(|p| p.is_finite()) {
        let flat = RgbaImage::from_pixel(1, 1, to_rgba(sclera));
        return (EyeLayer { image: flat, origin: Vec2::ZERO }, None);
    }
    let (lo, hi) = opening.iter().fold((Vec2::MAX, Vec2::MIN), |(a, b), p| (a.min(*p), b.max(*p)));
    let width = if width.is_finite() && width > 0.0 { width } else { (hi.x - lo.x).max(1.0) };
    let [side, up, down] = BOX_REACH.map(|r| r * width);
    let x0 = (lo.x - side).floor().clamp(0.0, iw - 1.0);
    let y0 = (lo.y - up).floor().clamp(0.0, ih - 1.0);
    let x1 = (hi.x + side).ceil().clamp(x0 + 1.0, iw);
    let y1 = (hi.y + down).ceil().clamp(y0 + 1.0, ih);
    let origin = Vec2::new(x0, y0);
    let (bw, bh) = ((x1 - x0) as u32, (y1 - y0) as u32);
    let centre_of = |x: u32, y: u32| origin + Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
    let colour_at = |x: u32, y: u32| {
        let q = image.get_pixel(x0 as u32 + x, y0 as u32 + y).0;
        [q[0], q[1], q[2]].map(|v| v as f32 / 255.0)
    };
    // The opening's pixels beyond the fringe.
    let mut known = vec![false; (bw * bh) as usize];
    let mut shown = Vec::new();
    for y in 0..bh {
        for x in 0..bw {
            let p = centre_of(x, y);
            if inside(opening, p) && edge_distance(opening, p) >= LID_FRINGE {
                known[(y * bw + x) as usize] = true;
                shown.push(Shown { p, c: colour_at(x, y) });
            }
        }
    }
    let iris = fit_iris(&shown, opening, width);
    let fill = Fill::new(&shown, iris.map(|i| i.0), sclera, width, iris.map_or(0.0, |i| i.1));
    let Some(iris) = fill.iris else {
        // No iris: the sclera colour throughout, the shown pixels too (as every eye was drawn
        // before: the lids' fringe turns to that colour, not to the portrait's own pixels).
        return (EyeLayer { image: RgbaImage::from_pixel(bw, bh, to_rgba(sclera)), origin }, None);
    };
    let layer = RgbaImage::from_fn(bw, bh, |x, y| {
        if known[(y * bw + x) as usize] {
            let q = image.get_pixel(x0 as u32 + x, y0 as u32 + y).0;
            return Rgba([q[0], q[1], q[2], 255]);
        }
        let p = centre_of(x, y);
        to_rgba(fill.colour(p))
    });
    (EyeLayer { image: layer, origin }, Some(iris))
}

/// `all` thinned evenly to at most `most`.
fn thinned<T: Copy>(all: &[T], most: usize) -> Vec<T> {
    let step = all.len().div_ceil(most.max(1)).max(1);
    all.iter().step_by(step).copied().collect()
}

/// The disc that best explains which of `marks` (point, darker than the eye's midpoint) are
/// dark, over a grid of centres (`xs`, `ys`) and radii (`rs`) `step` apart: see [`fit_iris`].
fn best_disc(
    marks: &[(Vec2, bool)],
    cost: impl Fn(&[(Vec2, bool)], Vec2, f32) -> f32,
    xs: (f32, f32),
    ys: (f32, f32),
    rs: (f32, f32),
    step: f32,
) -> (Vec2, f32) {
    let n = |(a, b): (f32, f32)| ((b - a) / step).floor().max(0.0) as usize + 1;
    let mut best = (f32::INFINITY, Vec2::new(xs.0, ys.0), rs.0);
    for i in 0..n(xs) {
        for j in 0..n(ys) {
            for k in 0..n(rs) {
                let (c, r) = (Vec2::new(xs.0 + i as f32 * step, ys.0 + j as f32 * step), rs.0 + k as f32 * step);
                let v = cost(marks, c, r);
                if v < best.0 {
                    best = (v, c, r);
                }
            }
        }
    }
    (best.1, best.2)
}

/// The iris among an eye's shown pixels (`shown`; `opening`, the rest opening, and `width`, the
/// eye's corner-to-corner width, in pixels): the disc of radius within [`IRIS_RADIUS`] whose
/// inside best matches the pixels darker than the midpoint of the eye's 15th and 85th luma
/// percentiles (fewest disagreeing pixels, a coarse search over centre and radius, then a finer
/// one about the best), and that midpoint (the iris's own pixels are darker: a catchlight is
/// not copied round it). `None` for fewer than [`IRIS_MIN_SHOWN`] shown pixels, less contrast
/// than [`IRIS_CONTRAST`] or a best disc that explains the eye worse than [`IRIS_FIT`].
fn fit_iris(shown: &[Shown], opening: &[Vec2], width: f32) -> Option<(Iris, f32)> {
    if shown.len() < IRIS_MIN_SHOWN || width.is_nan() || width <= 0.0 {
        return None;
    }
    let mut l: Vec<f32> = shown.iter().map(|s| luma(s.c)).collect();
    l.sort_by(f32::total_cmp);
    let (dark, light) = (l[l.len() * 15 / 100], l[(l.len() * 85 / 100).min(l.len() - 1)]);
    if light - dark < IRIS_CONTRAST {
        return None;
    }
    let mid = (dark + light) / 2.0;
    let marks: Vec<(Vec2, bool)> = shown.iter().map(|s| (s.p, luma(s.c) < mid)).collect();
    let darks: Vec<Vec2> = marks.iter().filter(|m| m.1).map(|m| m.0).collect();
    let dark_mid = darks.iter().sum::<Vec2>() / darks.len().max(1) as f32;
    let (lo, hi) = opening.iter().fold((Vec2::MAX, Vec2::MIN), |(a, b), p| (a.min(*p), b.max(*p)));
    let [r_lo, r_hi] = IRIS_RADIUS.map(|k| k * width);
    // Disagreements, plus a tie-break towards the dark pixels' middle (a centre the shown pixels
    // cannot place, such as the height of an iris both lids cut, goes there).
    let cost = |marks: &[(Vec2, bool)], c: Vec2, r: f32| {
        let r2 = r * r;
        let miss = marks.iter().filter(|(p, d)| (p.distance_squared(c) < r2) != *d).count() as f32;
        (miss + 0.01 * c.distance(dark_mid) / width * marks.len() as f32) / marks.len() as f32
    };
    let step = (width / 40.0).max(0.5);
    let mid_y = (lo.y + hi.y) / 2.0;
    let coarse = thinned(&marks, MOST_SAMPLES);
    let (c, r) = best_disc(&coarse, cost, (lo.x, hi.x), (mid_y - r_hi, mid_y + r_hi), (r_lo, r_hi), step);
    let fine = thinned(&marks, 4 * MOST_SAMPLES);
    let rs = ((r - step).max(r_lo), (r + step).min(r_hi));
    let (centre, radius) = best_disc(&fine, cost, (c.x - step, c.x + step), (c.y - step, c.y + step), rs, step / 4.0);
    let r2 = radius * radius;
    let within = |p: &Vec2| p.distance_squared(centre) < r2;
    let dark_outside = marks.iter().filter(|(p, d)| *d && !within(p)).count() as f32;
    let light_inside = marks.iter().filter(|(p, d)| !*d && within(p)).count() as f32;
    let inside = marks.iter().filter(|(p, _)| within(p)).count() as f32;
    let fits = dark_outside <= IRIS_FIT[0] * marks.len() as f32 && light_inside <= IRIS_FIT[1] * inside;
    fits.then_some((Iris { centre, radius }, mid))
}

/// How the hidden eyeball is filled in for one eye.
struct Fill {
    iris: Option<Iris>,
    /// The shown sclera the fill carries on (its brightest quarter, at least six pixels, thinned).
    sources: Vec<Shown>,
    /// The shown iris in polar form about its centre: (distance, angle, colour), by distance.
    polar: Vec<(f32, f32, [f32; 3])>,
    /// The shown iris's mean colour.
    iris_mean: [f32; 3],
    sclera: [f32; 3],
    /// The fill's reach squared ([`SCLERA_REACH`] of the eye's width, pixels²).
    reach2: f32,
}

/// The angle between two directions (radians, 0 to π).
fn angle_between(a: f32, b: f32) -> f32 {
    let d = (a - b).rem_euclid(std::f32::consts::TAU);
    d.min(std::f32::consts::TAU - d)
}

impl Fill {
    fn new(shown: &[Shown], iris: Option<Iris>, sclera: [f32; 3], width: f32, dark_below: f32) -> Self {
        let reach2 = (SCLERA_REACH * width).powi(2);
        let Some(iris) = iris else {
            return Fill { iris, sources: Vec::new(), polar: Vec::new(), iris_mean: sclera, sclera, reach2 };
        };
        let d = |s: &Shown| s.p.distance(iris.centre);
        // The shown sclera's brightest quarter, at least six pixels (the rest is in the lids' and
        // the corners' shadow).
        let mut sources: Vec<Shown> = shown.iter().filter(|s| d(s) > iris.radius + 1.5).copied().collect();
        sources.sort_by(|a, b| luma(b.c).total_cmp(&luma(a.c)));
        sources.truncate(sources.len().div_ceil(4).max(6));
        let mut polar: Vec<(f32, f32, [f32; 3])> = shown
            .iter()
            .filter(|s| d(s) < iris.radius - 0.5 && luma(s.c) < dark_below)
            .map(|s| {
                let v = s.p - iris.centre;
                (v.length(), v.y.atan2(v.x), s.c)
            })
            .collect();
        polar.sort_by(|a, b| a.0.total_cmp(&b.0));
        // A disc with no dark pixel of its own inside is no iris.
        if polar.is_empty() {
            return Fill { iris: None, sources: Vec::new(), polar, iris_mean: sclera, sclera, reach2 };
        }
        let iris_mean = mean(&polar.iter().map(|p| p.2).collect::<Vec<_>>());
        Fill { iris: Some(iris), sources: thinned(&sources, MOST_SAMPLES), polar, iris_mean, sclera, reach2 }
    }

    /// The hidden eyeball at rest point `p`: the sclera ([`Self::white`]) and over it the iris
    /// where its circle covers `p` (anti-aliased over a pixel), taken from the shown iris at the
    /// same distance from its centre whose direction is nearest `p`'s mirrored across the
    /// horizontal diameter (its mirror image where that is shown, else the nearest shown part of
    /// its ring), or the shown iris's mean where no ring is shown.
    fn colour(&self, p: Vec2) -> [f32; 3] {
        let white = self.white(p);
        let Some(iris) = self.iris else { return white };
        let v = p - iris.centre;
        let d = v.length();
        let cover = (iris.radius + 0.5 - d).clamp(0.0, 1.0);
        if cover <= 0.0 {
            return white;
        }
        let d = d.min(iris.radius - 0.5);
        let mirrored = (-v.y).atan2(v.x);
        let from = self.polar.partition_point(|q| q.0 < d - RING_WIDTH);
        let own = self.polar[from..]
            .iter()
            .take_while(|q| q.0 <= d + RING_WIDTH)
            .min_by(|a, b| angle_between(a.1, mirrored).total_cmp(&angle_between(b.1, mirrored)))
            .map_or(self.iris_mean, |q| q.2);
        std::array::from_fn(|i| white[i] + (own[i] - white[i]) * cover)
    }

    /// The sclera at `p`: the brightest quarter of the shown sclera carried there (inverse squared
    /// distance weights, softened by [`SCLERA_REACH`]), its chroma kept at [`SCLERA_FILL_CHROMA`],
    /// its luma at least [`SCLERA_FILL_FLOOR`] of the eye's sclera colour's; that colour itself
    /// where the eye shows no iris or too little sclera.
    fn white(&self, p: Vec2) -> [f32; 3] {
        let base = luma(self.sclera);
        if self.sources.len() < 6 || base <= 0.0 {
            return self.sclera;
        }
        let (mut sum, mut weight) = ([0.0f32; 3], 0.0);
        for s in &self.sources {
            let w = 1.0 / (s.p.distance_squared(p) + self.reach2);
            for (t, c) in sum.iter_mut().zip(s.c) {
                *t += w * c;
            }
            weight += w;
        }
        let c = sum.map(|v| v / weight);
        let y = luma(c);
        let lift = (SCLERA_FILL_FLOOR * base - y).max(0.0);
        c.map(|v| (y + (v - y) * SCLERA_FILL_CHROMA + lift).clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white and the skin of the synthetic eyes.
    const WHITE: [f32; 3] = [0.9, 0.9, 0.88];
    const SKIN: [f32; 3] = [0.8, 0.6, 0.5];

    /// The colour of the synthetic iris at distance `d` from its centre, on its left (image left)
    /// or right half: brown on the left, green on the right, both lighter outwards.
    fn iris_colour(d: f32, left: bool) -> [f32; 3] {
        if left { [0.05 + 0.025 * d, 0.05 + 0.015 * d, 0.04] } else { [0.05, 0.04 + 0.025 * d, 0.05 + 0.01 * d] }
    }

    /// An almond opening (18 contour points on an ellipse) centred at `c`, `a` by `b` px half-axes.
    fn almond(c: Vec2, a: f32, b: f32) -> [Vec2; EYE_CONTOUR] {
        std::array::from_fn(|i| {
            let t = i as f32 / EYE_CONTOUR as f32 * std::f32::consts::TAU;
            c + Vec2::new(-a * t.cos(), -b * t.sin())
        })
    }

    /// A synthetic portrait with two eyes: at (50.5, 40.5) an almond 60 px wide and 14 px high
    /// with white sclera and an iris of radius 12 centred in it (the lids hide its top and bottom)
    /// and a catchlight on its lower left; at (150.5, 40.5) a smaller almond, 40 by 10 px, white
    /// only (no iris to find).
    fn portrait() -> (RgbaImage, [[Vec2; EYE_CONTOUR]; 2], Vec2, f32, Vec2) {
        let (c, r) = (Vec2::new(50.5, 40.5), 12.0);
        let light = c + Vec2::new(-5.0, 4.5);
        let eyes = [almond(c, 30.0, 7.0), almond(Vec2::new(150.5, 40.5), 20.0, 5.0)];
        let image = RgbaImage::from_fn(200, 80, |x, y| {
            let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            let rgb = if inside(&eyes[0], p) {
                if p.distance(light) < 1.5 {
                    [0.97, 0.97, 0.97]
                } else if p.distance(c) < r {
                    iris_colour(p.distance(c), p.x < c.x)
                } else {
                    WHITE
                }
            } else if inside(&eyes[1], p) {
                WHITE
            } else {
                SKIN
            };
            to_rgba(rgb)
        });
        (image, eyes, c, r, light)
    }

    fn near(a: [f32; 3], b: [f32; 3], tol: f32) -> bool {
        (0..3).all(|i| (a[i] - b[i]).abs() <= tol)
    }

    fn eyeballs(sclera: [[f32; 3]; 2]) -> (Eyeballs, [[Vec2; EYE_CONTOUR]; 2], Vec2, f32) {
        let (image, eyes, c, r, _) = portrait();
        let corners = eyes.map(|o| [o[0], o[EYE_CONTOUR / 2]]);
        (Eyeballs::new(&image, &eyes, corners, sclera), eyes, c, r)
    }

    #[test]
    fn the_iris_is_found_and_its_hidden_top_and_bottom_drawn_from_its_own_half() {
        // The sclera colour given is darker than the eye's own white: the fill takes the white.
        let (eyes, openings, c, r) = eyeballs([[0.7, 0.7, 0.69]; 2]);
        let found = eyes.iris(0).expect("an iris");
        assert!(found.centre.distance(c) < 0.6, "centre {} for {c}", found.centre);
        assert!((found.radius - r).abs() < 0.6, "radius {} for {r}", found.radius);
        // Above and below the opening (the lids hide them): inside the iris its own colour at that
        // distance from the centre and on that side (not the other half's, not the catchlight's),
        // outside it the eye's white.
        let (mut iris_checked, mut white_checked) = (0, 0);
        for y in 20..61 {
            for x in 30..71 {
                let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
                let d = p.distance(c);
                if inside(&openings[0], p) || (d - r).abs() < 1.5 || (p.x - c.x).abs() < 2.0 {
                    continue;
                }
                let got = eyes.sample(0, p);
                if d < r {
                    iris_checked += 1;
                    let want = iris_colour(d, p.x < c.x);
                    assert!(near(got, want, 0.04), "hidden iris at {p} (d {d:.1}): {got:?} for {want:?}");
                } else if d < r + 6.0 {
                    white_checked += 1;
                    assert!(near(got, WHITE, 0.03), "hidden sclera at {p}: {got:?}");
                }
            }
        }
        assert!(iris_checked > 40 && white_checked > 100, "{iris_checked} iris, {white_checked} sclera points");
    }

    #[test]
    fn an_eye_without_an_iris_is_its_sclera_colour_throughout() {
        // The second eye shows white only: nothing dark to find; its whole layer, the shown part
        // too, is the colour given (as every uncovered eye was drawn before).
        let sclera = [0.2, 0.2, 0.2];
        let (eyes, openings, ..) = eyeballs([WHITE, sclera]);
        assert_eq!(eyes.iris(1), None);
        let centre = openings[1].iter().sum::<Vec2>() / EYE_CONTOUR as f32;
        for p in [centre, centre + Vec2::new(0.0, -12.0), centre + Vec2::new(15.0, 3.0)] {
            assert!(near(eyes.sample(1, p), sclera, 0.5 / 255.0 + 1e-6), "{p}: {:?}", eyes.sample(1, p));
        }
    }

    #[test]
    fn samples_stay_in_their_eyes_box() {
        let sclera = [0.2, 0.2, 0.2];
        let (eyes, ..) = eyeballs([WHITE, sclera]);
        let [a, b] = eyes.boxes();
        assert!(a.at.x + a.size.x < b.at.x, "the boxes overlap in the atlas: {a:?} {b:?}");
        assert!(a.size.y != b.size.y, "the boxes differ in height: {a:?} {b:?}");
        // Far outside its box in any direction a sample reads the box's nearest edge: the
        // flat second eye reads its own grey everywhere, the first never reads that grey.
        for p in [Vec2::new(-500.0, 40.0), Vec2::new(900.0, 40.0), Vec2::new(50.0, 900.0), Vec2::new(150.0, -900.0)] {
            assert!(near(eyes.sample(1, p), sclera, 0.5 / 255.0 + 1e-6), "eye 1 at {p}: {:?}", eyes.sample(1, p));
            assert!(!near(eyes.sample(0, p), sclera, 0.1), "eye 0 at {p} reads eye 1: {:?}", eyes.sample(0, p));
            for (e, bx) in eyes.boxes().iter().enumerate() {
                let q = bx.atlas_point(p);
                assert!(q.cmpge(bx.at + 0.5).all() && q.cmple(bx.at + bx.size - 0.5).all(), "eye {e}: {p} -> {q}");
            }
        }
    }

    #[test]
    fn a_degenerate_eye_is_drawn_flat_without_panicking() {
        let (image, mut eyes, ..) = portrait();
        eyes[1][3] = Vec2::new(f32::NAN, 1.0);
        let corners = eyes.map(|o| [o[0], o[EYE_CONTOUR / 2]]);
        let balls = Eyeballs::new(&image, &eyes, corners, [WHITE, [0.3, 0.3, 0.3]]);
        assert_eq!(balls.iris(1), None);
        assert!(near(balls.sample(1, Vec2::new(150.0, 40.0)), [0.3, 0.3, 0.3], 0.01));
        let empty = Eyeballs::new(&RgbaImage::new(0, 0), &eyes, corners, [WHITE; 2]);
        assert_eq!(empty.iris(0), None);
        assert!(near(empty.sample(0, Vec2::ZERO), WHITE, 0.01));
    }
}
