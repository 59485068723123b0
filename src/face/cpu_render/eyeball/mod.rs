//! The eyeball a portrait's lids hide: each eye as it would look with the lids drawn back, built
//! once per portrait from what its rest opening shows. A widened lid, a gaze or a neutral face
//! undoing a portrait's own squint uncovers eyeball the portrait never showed; the renderers draw
//! it from here ([`Eyeballs::sample`], the GPU's `eyeball_texture`) instead of one flat colour.
//!
//! Per eye, in the portrait's pixels at rest (enlarged for a small eye, [`EYE_LAYER_WIDTH`]):
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
//!
//! Until #14's twenty-eighth pass a small eye's layer was built at the portrait's own size, where
//! the lids' fringe leaves too few pixels to find an iris in (the astronaut's: 9), and a widened
//! eye showed a flat-topped iris under a flat grey-blue band in every photograph with small eyes.

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
/// The fewest pixels an eye's layer must show beyond the lids' fringe (both in the layer's
/// pixels, [`EYE_LAYER_WIDTH`]) for an iris to be looked for.
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
/// The least width (corner to corner, pixels) the eyes' layers are built at: a portrait whose
/// smaller eye is narrower has both built from its pixels enlarged (Catmull-Rom) a whole number
/// of times, at most [`MOST_LAYER_SCALE`] and no more than keeps the wider eye within
/// [`MOST_LAYER_SCALE`] × this ([`Eyeballs::scale`]). The lids' fringe covers most of
/// a small eye (the astronaut's are 17 px wide, 5 px high at rest: 9 of their 50 pixels lie
/// beyond it); enlarged, the iris is looked for past a fringe as wide in the layer's pixels as
/// [`LID_FRINGE`] (the same eye photographed that much larger), while the pixels the layer keeps
/// as the portrait shows them are still those beyond [`LID_FRINGE`] of the portrait's.
pub const EYE_LAYER_WIDTH: f32 = 48.0;
/// The most times an eye's layer is enlarged ([`EYE_LAYER_WIDTH`]).
pub const MOST_LAYER_SCALE: u32 = 4;

/// An iris found in a portrait's eye: its centre and radius, rest pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Iris {
    /// The centre.
    pub centre: Vec2,
    /// The radius.
    pub radius: f32,
}

/// Where one eye's layer lies in the portrait and in [`Eyeballs::atlas`] (whole pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EyeBox {
    /// The box's top-left corner in the portrait.
    pub origin: Vec2,
    /// Its width and height, portrait pixels.
    pub size: Vec2,
    /// Where its top-left corner lies in the atlas.
    pub at: Vec2,
    /// Atlas pixels per portrait pixel ([`Eyeballs::scale`]): the box covers `size * scale` of
    /// the atlas.
    pub scale: f32,
}

impl EyeBox {
    /// The atlas point that rest point `p` reads: `p` in the box's frame, scaled to the atlas,
    /// clamped half an atlas pixel inside the box so that bilinear filtering stays in it.
    pub fn atlas_point(&self, p: Vec2) -> Vec2 {
        let half = Vec2::splat(0.5 / self.scale);
        (p - self.origin).clamp(half, (self.size - half).max(half)) * self.scale + self.at
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
        let widths = corners.map(|[a, b]| a.distance(b));
        let usable: Vec<f32> = widths.into_iter().filter(|w| w.is_finite() && *w > 0.0).collect();
        let narrowest = usable.iter().copied().fold(f32::INFINITY, f32::min);
        let widest = usable.iter().copied().fold(0.0, f32::max);
        let scale = if narrowest.is_finite() {
            // The narrower eye sets the scale; the wider one is never built wider than
            // MOST_LAYER_SCALE × EYE_LAYER_WIDTH (one eye's landmarks collapsed on a turned head
            // does not enlarge the other 4×).
            let most = ((MOST_LAYER_SCALE as f32 * EYE_LAYER_WIDTH / widest).floor() as u32).max(1);
            ((EYE_LAYER_WIDTH / narrowest).ceil() as u32).clamp(1, MOST_LAYER_SCALE.min(most))
        } else {
            1
        };
        let layers: [(EyeLayer, Option<Iris>); 2] =
            std::array::from_fn(|e| eye_layer(image, &openings[e], widths[e], sclera[e], scale));
        let (w0, w1) = (layers[0].0.image.width(), layers[1].0.image.width());
        let height = layers[0].0.image.height().max(layers[1].0.image.height());
        let mut atlas = RgbaImage::new(w0 + 2 + w1, height);
        let at = [0, w0 + 2];
        let mut boxes = [EyeBox { origin: Vec2::ZERO, size: Vec2::ONE, at: Vec2::ZERO, scale: 1.0 }; 2];
        for (e, (layer, _)) in layers.iter().enumerate() {
            image::imageops::replace(&mut atlas, &layer.image, at[e] as i64, 0);
            boxes[e] = EyeBox {
                origin: layer.origin,
                size: Vec2::new(layer.image.width() as f32, layer.image.height() as f32) / scale as f32,
                at: Vec2::new(at[e] as f32, 0.0),
                scale: scale as f32,
            };
        }
        Eyeballs { atlas, boxes, irises: [layers[0].1, layers[1].1] }
    }

    /// How many times the portrait's pixels the eyes' layers are built at (1 unless the smaller
    /// eye is narrower than [`EYE_LAYER_WIDTH`]; at most [`MOST_LAYER_SCALE`]).
    pub fn scale(&self) -> u32 {
        self.boxes[0].scale as u32
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

/// Eye layer for one eye, built at `scale` times the portrait's pixels: see the module's text
/// and [`EYE_LAYER_WIDTH`]. The iris found is in the portrait's pixels.
fn eye_layer(
    image: &RgbaImage,
    opening: &[Vec2; EYE_CONTOUR],
    width: f32,
    sclera: [f32; 3],
    scale: u32,
) -> (EyeLayer, Option<Iris>) {
    let (iw, ih) = (image.width() as f32, image.height() as f32);
    if iw < 1.0 || ih < 1.0 || !opening.iter().all(|p| p.is_finite()) {
        let flat = RgbaImage::from_pixel(scale, scale, to_rgba(sclera));
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
    // The box's pixels at the layer's scale, and the opening and width in the layer's frame.
    let crop = image::imageops::crop_imm(image, x0 as u32, y0 as u32, bw, bh).to_image();
    let pixels = if scale > 1 {
        image::imageops::resize(&crop, bw * scale, bh * scale, image::imageops::FilterType::CatmullRom)
    } else {
        crop
    };
    let k = scale as f32;
    let opening: [Vec2; EYE_CONTOUR] = opening.map(|p| (p - origin) * k);
    let width = width * k;
    let (lw, lh) = (bw * scale, bh * scale);
    let centre_of = |x: u32, y: u32| Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
    let colour_at = |x: u32, y: u32| {
        let q = pixels.get_pixel(x, y).0;
        [q[0], q[1], q[2]].map(|v| v as f32 / 255.0)
    };
    // The opening's pixels beyond the fringe: the layer's fringe to look for the iris in and to
    // carry the sclera from (`seen`), the portrait's to keep as it shows them (`known`).
    let mut known = vec![false; (lw * lh) as usize];
    let mut seen = Vec::new();
    for y in 0..lh {
        for x in 0..lw {
            let p = centre_of(x, y);
            if !inside(&opening, p) {
                continue;
            }
            let d = edge_distance(&opening, p);
            if d >= LID_FRINGE {
                seen.push(Shown { p, c: colour_at(x, y) });
            }
            known[(y * lw + x) as usize] = d >= LID_FRINGE * k;
        }
    }
    let iris = fit_iris(&seen, &opening, width);
    let fill = Fill::new(&seen, iris.map(|i| i.0), sclera, width, iris.map_or(0.0, |i| i.1), k);
    let Some(iris) = fill.iris else {
        // No iris: the sclera colour throughout, the shown pixels too (as every eye was drawn
        // before: the lids' fringe turns to that colour, not to the portrait's own pixels).
        return (EyeLayer { image: RgbaImage::from_pixel(lw, lh, to_rgba(sclera)), origin }, None);
    };
    let layer = RgbaImage::from_fn(lw, lh, |x, y| {
        if known[(y * lw + x) as usize] {
            let q = pixels.get_pixel(x, y).0;
            return Rgba([q[0], q[1], q[2], 255]);
        }
        to_rgba(fill.colour(centre_of(x, y)))
    });
    let in_portrait = Iris { centre: origin + iris.centre / k, radius: iris.radius / k };
    (EyeLayer { image: layer, origin }, Some(in_portrait))
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
    /// The layer's pixels per portrait pixel: the iris's edge is anti-aliased over one
    /// portrait pixel.
    edge: f32,
}

/// The angle between two directions (radians, 0 to π).
fn angle_between(a: f32, b: f32) -> f32 {
    let d = (a - b).rem_euclid(std::f32::consts::TAU);
    d.min(std::f32::consts::TAU - d)
}

impl Fill {
    fn new(shown: &[Shown], iris: Option<Iris>, sclera: [f32; 3], width: f32, dark_below: f32, edge: f32) -> Self {
        let reach2 = (SCLERA_REACH * width).powi(2);
        let Some(iris) = iris else {
            return Fill { iris, sources: Vec::new(), polar: Vec::new(), iris_mean: sclera, sclera, reach2, edge };
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
            return Fill { iris: None, sources: Vec::new(), polar, iris_mean: sclera, sclera, reach2, edge };
        }
        let iris_mean = mean(&polar.iter().map(|p| p.2).collect::<Vec<_>>());
        Fill { iris: Some(iris), sources: thinned(&sources, MOST_SAMPLES), polar, iris_mean, sclera, reach2, edge }
    }

    /// The hidden eyeball at rest point `p`: the sclera ([`Self::white`]) and over it the iris
    /// where its circle covers `p` (anti-aliased over one of the portrait's pixels), taken from
    /// the shown iris at the same distance from its centre whose direction is nearest `p`'s
    /// mirrored across the horizontal diameter (its mirror image where that is shown, else the
    /// nearest shown part of its ring), or the shown iris's mean where no ring is shown.
    fn colour(&self, p: Vec2) -> [f32; 3] {
        let white = self.white(p);
        let Some(iris) = self.iris else { return white };
        let v = p - iris.centre;
        let d = v.length();
        let cover = ((iris.radius + 0.5 * self.edge - d) / self.edge).clamp(0.0, 1.0);
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
mod tests;
