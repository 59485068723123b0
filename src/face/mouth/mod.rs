//! The mouth opening in the reference CPU renderer (the GPU shader's `mouth_colour`,
//! `thin_opening_lips` and `seam_line` are the same): the portrait's own interior, its teeth
//! where the skull and the jaw hold them (a painted seam attached to each lip), a procedural
//! interior (cavity, tongue, teeth of their real size, the upper ones fixed to the skull and the
//! lower ones to the jaw, [`LipTravel`]) where the lips part wider than in the portrait or move
//! off what they covered, and the seam's shade and line where they barely part.

use glam::Vec2;
use image::RgbaImage;

use crate::face::cpu_render::{inside, raster, sample, to_rgba};
pub(crate) use edge::{MouthShape, grown_fan};

mod edge;
mod seam;

pub use edge::{FAN_GROWTH, FAN_MARGIN, SMOOTH_FROM, SMOOTH_FULL};
mod teeth;

pub use seam::{SEAM_OPENING, SEAM_SHADE, SEAM_SOFTNESS, SEAM_WIDTH};
use seam::{closing, seam_shadow};
pub(crate) use seam::{seam_colour, shade_seam_line};

pub use teeth::{
    CORNER_SHADE, INCISAL_SHADE, LIP_SHADOW, LIP_SHADOW_SHADE, LOWER_TEETH, LOWER_TEETH_AT_REST, LOWER_TEETH_SHADE,
    LOWER_TOOTH_EDGES, LipTravel, TEETH_MIN_OPENING, TOOTH_GAP, TOOTH_GAP_SHADE, TOOTH_NOTCH, TOOTH_NOTCH_DEPTH,
    TOOTH_ROUNDNESS, TOOTH_TINT, UPPER_TEETH, UPPER_TEETH_AT_REST, UPPER_TOOTH_EDGES, tooth_colour,
};
use teeth::{band_cover, mouth_interior};

/// Fills the mouth opening of the frame's inner lip contour `deformed` over the portrait's `rest`
/// (a fan of triangles from its centroid, grown to hold its smooth edge, [`edge`]; the edge
/// anti-aliased, [`MouthFrame::cover`]): the portrait's own interior at
/// its own scale, its upper teeth fixed to the skull and the rest to the jaw, or a painted seam's
/// halves attached to their lips ([`OwnInterior`]); where the lips part wider than in the portrait
/// or move off what they covered, the procedural interior, and where the portrait's own opening
/// is a pixel or thinner, more of it as the frame's opens from a pixel to [`THIN_OWN_OPENING`]
/// ([`thin_own_opening`]); where the lips meet, the lips drawn
/// before stay; where a mouth parted at rest closes (`closure`,
/// [`crate::face::cpu_render::lip_closure`]) and barely parts, the seam's shade, and where the
/// opening is thinner than a pixel, the portrait's own lip for the share of the pixel the opening
/// leaves (`(2·closure).min(1) · (1 − height)`; below half closed the centre-sampled opening still
/// shows through in part). Both take, where more, how far the lips close the portrait's own
/// opening at that place ([`closing`]). `scale`: pixels per face-model unit (the procedural teeth's size);
/// `travel`: how far the lips have moved from the portrait's rest, and how far the neutral face's
/// lips stand from it ([`crate::face::cpu_render::PreparedPortrait::rest_travel`]), which say how
/// much of the portrait's own teeth and of the procedural ones they uncover ([`LipTravel`]).
#[allow(clippy::too_many_arguments)]
pub(crate) fn fill_mouth(
    out: &mut RgbaImage,
    image: &RgbaImage,
    deformed: &MouthShape,
    rest: &MouthShape,
    lip_colour: [f32; 3],
    tooth: [f32; 3],
    scale: f32,
    closure: f32,
    travel: [&LipTravel; 2],
) {
    let [travel, rest_travel] = travel;
    let n = deformed.poly.len();
    let cd = deformed.poly.iter().sum::<Vec2>() / n as f32;
    let (w, h) = out.dimensions();
    // The fan over the landmarks' polygon grown to hold the smooth opening ([`edge`]).
    let fan = grown_fan(deformed);
    for k in 0..n {
        let (a, b) = (fan[k], fan[(k + 1) % n]);
        raster([cd, a, b], w, h, |x, y, _| {
            let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            let here = MouthFrame::new(deformed, p);
            if here.closed() {
                // Lips that meet or overlap here close the opening: the lips drawn before stay.
                return;
            }
            // How much of the pixel the opening covers; the portrait's own lip beyond its inner
            // edge takes the rest (at the portrait's own lips, the pixel itself). Inside the
            // landmarks' polygon there is nothing else (the skin mesh leaves it to the mouth);
            // beyond it the lips drawn before stay where the opening covers none of the pixel.
            let in_poly = inside(&deformed.poly, p);
            let cover = here.cover(p, in_poly);
            if cover <= 0.0 && !in_poly {
                return;
            }
            // The portrait's own opening at the same place along the mouth.
            let then = MouthFrame::at(rest, here.along);
            // A portrait's own opening narrower than SEAM_OPENING (a painted seam between closed
            // lips) holds no teeth of its own.
            let own_teeth = then.height() >= SEAM_OPENING * scale;
            let travel = travel.at(here.along);
            // The procedural teeth stand where the neutral face's lips cover them: a portrait that
            // shows its teeth poses an expression (a smile lifts its lips off them), and from its
            // lips a smile undone would uncover a band of lower teeth in every opening.
            let teeth_travel = if own_teeth {
                let neutral = rest_travel.at(here.along);
                (travel.0 - neutral.0, travel.1 - neutral.1)
            } else {
                travel
            };
            let procedural = || mouth_interior(&here, p, lip_colour, tooth, scale, teeth_travel);
            let (du, dl) = (here.depth_below_upper(p), here.height_above_lower(p));
            // The portrait's own opening and the procedural interior where the lips moved off it.
            let own = OwnInterior::new(&here, &then, own_teeth, travel, scale);
            let at = if own.upper_holds(du) {
                then.upper + then.down * own.upper_depth(du)
            } else {
                then.lower - then.down * own.lower_height(dl)
            };
            // Where the portrait's own opening is a pixel or thinner, its pixel is what the
            // portrait shows there while the frame's opening is thin too ([`THIN_OWN_OPENING`]).
            let band = own.procedural_cover(du, dl);
            let drawn = thin_own_opening(then.height(), here.height());
            let band = if drawn < 1.0 { 1.0 - (1.0 - band) * drawn } else { band };
            let colour = if band >= 1.0 {
                procedural()
            } else if band > 0.0 {
                mix(sample(image, at), procedural(), band)
            } else {
                sample(image, at)
            };
            // The closure is the mouth's as a whole, or, where more, how far the lips close the
            // portrait's own opening here ([`closing`]).
            let closing = closing(closure, &here, &then);
            let colour = mix(colour, seam_colour(lip_colour), seam_shadow(here.height(), scale, closing));
            // An opening thinner than a pixel covers only that part of it: the rest is the lips
            // (the portrait's own, a pixel beyond its inner edge), and `seam_line` is drawn over
            // it as over the lips beside it, so the line does not step where a pixel's centre
            // falls inside.
            let lips = (2.0 * closing).min(1.0) * (1.0 - here.height()).clamp(0.0, 1.0);
            let colour = if lips > 0.0 {
                let own_lip = if du <= dl {
                    sample(image, then.upper - then.down)
                } else {
                    sample(image, then.lower + then.down)
                };
                mix(colour, own_lip, lips)
            } else {
                colour
            };
            let colour =
                if cover >= 1.0 { colour } else { mix(here.lip_beyond(&then, p, |q| sample(image, q)), colour, cover) };
            out.put_pixel(x, y, to_rgba(colour));
        });
    }
}

/// How much a frame's opening `height` pixels tall draws of a portrait's own opening
/// `own_height` pixels tall at the same place, rather than the procedural interior: all of it
/// where it is over a pixel; at most a pixel, all of it while the frame's opening is a pixel or
/// less too, none from [`THIN_OWN_OPENING`] pixels up, and linearly between. A portrait's own
/// opening a pixel or thinner is a photograph's mouth corner or a painted seam: its pixel is
/// mostly lip, and lines an opening a few pixels tall with a dark edge over the teeth (NPC 7's
/// spoken smile: 51 → 46 of 74 frames happy to face-api with it drawn at any height). Until
/// #14's twenty-fourth pass it was never drawn: a smile parting a photograph's lips by a
/// fraction of a pixel at their corners, beyond its own opening a pixel tall, drew isolated dots
/// of the dark cavity (53 of 255 beside 105 on insightface's group photo).
fn thin_own_opening(own_height: f32, height: f32) -> f32 {
    if own_height > 1.0 { 1.0 } else { ((THIN_OWN_OPENING - height) / (THIN_OWN_OPENING - 1.0)).clamp(0.0, 1.0) }
}

/// From this frame opening up, pixels, a portrait's own opening a pixel or thinner is not drawn
/// (the procedural interior is, in full); from a frame opening of a pixel up to this, less and
/// less of it.
pub const THIN_OWN_OPENING: f32 = 2.0;
const _: () = assert!(THIN_OWN_OPENING > 1.0);

/// Where the portrait's own mouth interior is drawn in a frame's opening, at one place along the
/// mouth: a part of it is fixed to the skull and follows the upper lip's rest (`upper`, the
/// `split` nearest the upper lip), the rest to the jaw and follows the lower lip's (`lower`);
/// between them, and where a lip has moved off what it covered at rest, the procedural interior.
///
/// A painted seam (no teeth of its own) is split in half, each half attached to its lip: it is
/// the lips' own edge. A portrait that shows its teeth keeps them where the skull and the jaw
/// hold them, as the procedural teeth are ([`LipTravel`]): up to [`UPPER_TEETH`] of its opening
/// below the upper lip is its upper teeth, fixed to the skull, so a lip lowered over them covers
/// them and a lip raised uncovers the procedural teeth above them; the rest is fixed to the jaw,
/// and a lower lip pulled down beyond the jaw uncovers the procedural lower teeth. Until #14's
/// eleventh pass half of every opening followed each lip, so a smiling photograph that spoke
/// split its upper teeth into two rows, one on each lip, with the cavity between.
struct OwnInterior {
    /// How far the upper lip has risen from its rest, pixels (0 for a seam).
    risen: f32,
    /// How far the lower lip has dropped beyond the jaw, pixels (0 for a seam).
    dropped: f32,
    /// How much of the portrait's opening (from its upper lip) the upper part holds, pixels.
    split: f32,
    /// The portrait's opening here, pixels.
    height: f32,
    /// The procedural band between the parts, pixels below the frame's upper lip.
    gap: (f32, f32),
    /// Whether the portrait shows teeth of its own here (else its opening is a painted seam).
    own_teeth: bool,
}

impl OwnInterior {
    fn new(here: &MouthFrame, then: &MouthFrame, own_teeth: bool, travel: (f32, f32), scale: f32) -> Self {
        let height = then.height();
        let ((risen, dropped), split) =
            if own_teeth { (travel, (UPPER_TEETH * scale).min(height)) } else { ((0.0, 0.0), height / 2.0) };
        let gap = (risen + split, here.height() - dropped - (height - split));
        Self { risen, dropped, split, height, gap, own_teeth }
    }

    /// Whether the part fixed to the upper lip's rest draws a point `du` below the frame's upper
    /// lip: across the procedural band, the nearer part; where the parts overlap (lips closing),
    /// a painted seam's halves meet in the middle, and a portrait's own upper teeth, fixed to
    /// the skull, stand in front of what the jaw holds (the upper incisors overlap the lower
    /// ones), so they draw as far as they reach.
    fn upper_holds(&self, du: f32) -> bool {
        let (a, b) = self.gap;
        let middle = (a + b) / 2.0;
        du <= if self.own_teeth { a.max(middle) } else { middle }
    }

    /// How far below the portrait's upper lip to sample for a point `du` below the frame's.
    fn upper_depth(&self, du: f32) -> f32 {
        (du - self.risen).clamp(0.0, self.split)
    }

    /// How far above the portrait's lower lip to sample for a point `dl` above the frame's.
    fn lower_height(&self, dl: f32) -> f32 {
        (dl - self.dropped).clamp(0.0, self.height - self.split)
    }

    /// How much of a pixel `du` below the upper lip and `dl` above the lower one the procedural
    /// interior covers (0–1): the band between the parts, as much as it covers of the pixel's
    /// extent across the mouth (a band a pixel or more wide, the pixels whose centre it holds; a
    /// thinner one drew isolated pixels of the cavity between the teeth), and the band the lip
    /// of the part drawn here uncovered by moving off its rest ([`band_cover`]: none at rest).
    fn procedural_cover(&self, du: f32, dl: f32) -> f32 {
        let (a, b) = self.gap;
        let band = if b - a >= 1.0 {
            if (a..=b).contains(&du) { 1.0 } else { 0.0 }
        } else {
            ((du + 0.5).min(b) - (du - 0.5).max(a)).clamp(0.0, 1.0)
        };
        let uncovered = if self.upper_holds(du) {
            band_cover(du, self.risen.max(0.0))
        } else {
            band_cover(dl, self.dropped.max(0.0))
        };
        band.max(uncovered)
    }
}

/// Where a point sits in a mouth opening (inner lip contour, iBUG order 60–67): how far along
/// from the right corner to the left (0–1), the upper and lower inner lip points there, and how
/// wide the mouth is (which places the teeth from its middle, [`MouthFrame::across`]).
struct MouthFrame {
    along: f32,
    /// The distance between the mouth's corners (60, 64), pixels.
    width: f32,
    upper: Vec2,
    lower: Vec2,
    /// Unit vector across the mouth, pointing down the face.
    down: Vec2,
    /// The slopes of the upper and lower lips' edges here, across the mouth per pixel along it.
    slopes: (f32, f32),
    /// How far the edges are the smooth curves ([`edge::smoothness`]).
    curved: f32,
}

impl MouthFrame {
    fn new(shape: &MouthShape, p: Vec2) -> Self {
        Self::at(shape, shape.along(p).clamp(0.0, 1.0))
    }

    /// The lips' inner edges `along` the mouth: the more open of the smooth curve through the
    /// landmarks and their polygon ([`MouthShape::edges_at`]). A mouth barely parted keeps its
    /// landmarks' polygon ([`MouthShape::curved`]), wider ones take the edges.
    fn at(shape: &MouthShape, along: f32) -> Self {
        let poly = &shape.poly;
        let polygon = (
            lerp_contour(&[poly[0], poly[1], poly[2], poly[3], poly[4]], along),
            lerp_contour(&[poly[0], poly[7], poly[6], poly[5], poly[4]], along),
        );
        let (s, width, down) = (shape.curved, shape.width, shape.down);
        if s <= 0.0 {
            return Self { along, width, upper: polygon.0, lower: polygon.1, down, slopes: (0.0, 0.0), curved: 0.0 };
        }
        let x = along * width;
        let [(yu, su), (yl, sl)] = shape.edges_at(x);
        let base = shape.origin + shape.axis * x;
        Self {
            along,
            width,
            upper: polygon.0.lerp(base + down * yu, s),
            lower: polygon.1.lerp(base + down * yl, s),
            down,
            slopes: (su * s, sl * s),
            curved: s,
        }
    }

    /// How much of the pixel at `p` the opening covers (0–1): its distance inside the nearer
    /// lip's edge, plus half a pixel (the edge anti-aliased), where the opening is three pixels
    /// or more; openings under a pixel keep the landmarks' polygon (`in_poly`: whether `p` is in
    /// it), whose thin openings and seams [`fill_mouth`] and the seam line shade, with a smooth
    /// change between.
    fn cover(&self, p: Vec2, in_poly: bool) -> f32 {
        let below_upper = (p - self.upper).dot(self.down) / (1.0 + self.slopes.0 * self.slopes.0).sqrt();
        let above_lower = (self.lower - p).dot(self.down) / (1.0 + self.slopes.1 * self.slopes.1).sqrt();
        let edge = (below_upper.min(above_lower) + 0.5).clamp(0.0, 1.0);
        let polygon = if in_poly { 1.0 } else { 0.0 };
        let t = ((self.height() - 1.0) / 2.0).clamp(0.0, 1.0);
        polygon + (edge - polygon) * t * t * (3.0 - 2.0 * t) * self.curved
    }

    /// The portrait's own lip beyond its inner edge for a point `p` near or beyond the frame's,
    /// sampled by `sample` in the portrait `then` (at this place along the mouth) as far beyond
    /// its edge as `p` is beyond the frame's, at least half a pixel: at the portrait's own lips
    /// `p` itself, and never its mouth's inside.
    fn lip_beyond(&self, then: &MouthFrame, p: Vec2, sample: impl Fn(Vec2) -> [f32; 3]) -> [f32; 3] {
        let (above, below) = ((self.upper - p).dot(self.down), (p - self.lower).dot(self.down));
        if above >= below {
            sample(then.upper - then.down * above.max(0.5))
        } else {
            sample(then.lower + then.down * below.max(0.5))
        }
    }

    /// How far from the middle of the mouth (half way between its corners) this place lies
    /// along it, pixels, positive towards the left corner.
    fn across(&self) -> f32 {
        (self.along - 0.5) * self.width
    }

    fn height(&self) -> f32 {
        (self.lower - self.upper).dot(self.down).max(0.0)
    }

    /// Whether the lips meet or overlap here (a sealed or pressed mouth folds its contour over).
    fn closed(&self) -> bool {
        (self.lower - self.upper).dot(self.down) <= 0.0
    }

    fn depth_below_upper(&self, p: Vec2) -> f32 {
        (p - self.upper).dot(self.down).max(0.0)
    }

    fn height_above_lower(&self, p: Vec2) -> f32 {
        (self.lower - p).dot(self.down).max(0.0)
    }
}

/// A value along five points of the inner lip contour (corner, three inner points, corner) at
/// `t` from 0 to 1, piecewise linear: contour points (a mouth barely parted, [`edge::smoothness`]),
/// or per-point values ([`LipTravel`]).
fn lerp_contour<T>(pts: &[T; 5], t: f32) -> T
where
    T: Copy + std::ops::Add<Output = T> + std::ops::Sub<Output = T> + std::ops::Mul<f32, Output = T>,
{
    let s = t * 4.0;
    let k = (s.floor() as usize).min(3);
    pts[k] + (pts[k + 1] - pts[k]) * (s - k as f32)
}

pub(crate) fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

#[cfg(test)]
pub(crate) mod tests;
