//! The seam where a mouth's lips meet or barely part: the lips' shadow between them and the line
//! drawn over them ([`super::fill_mouth`] and the GPU shader's `seam`, `seam_line`).

use glam::Vec2;
use image::RgbaImage;

use super::{MouthFrame, MouthShape};
use crate::face::cpu_render::to_rgba;
use crate::face::mouth::mix;

/// Below this opening (face-model units, 4.5 mm) the lips shade what is between them: a mouth
/// just parted shows a dark seam, not its teeth in full light.
pub const SEAM_OPENING: f32 = 0.05;
/// The seam's darkness: its colour is the lip colour with green (most of the luminance) at this
/// fraction, red and blue as skin shadows are (`seam::seam_colour`).
pub const SEAM_SHADE: f32 = 0.5;

/// How far the lips close at one place along the mouth (0–1): the mouth's `closure` as a whole
/// ([`crate::face::cpu_render::lip_closure`]), or, where more, how far they close the portrait's
/// own opening there (`here`: the frame's, `then`: the portrait's; none where the portrait's is
/// closed). A neutral face narrows the ends of a photograph's parted lips while its middle
/// opens; shaded by the mouth's closure alone (none), those ends showed single dark pixels of the
/// cavity and a dotted line of the portrait's seam (#14, fifteenth pass).
pub(super) fn closing(closure: f32, here: &MouthFrame, then: &MouthFrame) -> f32 {
    let own = if then.height() > 1e-3 { 1.0 - here.height() / then.height() } else { 0.0 };
    closure.max(own).clamp(0.0, 1.0)
}

/// How much of the seam's shade covers a mouth interior whose opening is `height` pixels
/// (`scale`: pixels per face-model unit) in a frame that closes a mouth parted at rest by
/// `closure` ([`crate::face::cpu_render::lip_closure`]): all of it where the lips touch once the mouth
/// is half closed, none from [`SEAM_OPENING`] up, and none at rest (so the rest pose reproduces
/// the portrait). As the lips close, what shows between them is their shadow, not the teeth:
/// with at most 0.7, in proportion to the closure, a neutral face made from a smiling photo kept
/// a pale line of its teeth between the lips, which face-api read as a smile (neutral 0.03;
/// 0.34 with the full shade, and sad 0.59 → 0.79).
pub(super) fn seam_shadow(height: f32, scale: f32, closure: f32) -> f32 {
    (2.0 * closure).min(1.0) * (1.0 - height / (SEAM_OPENING * scale).max(1e-3)).clamp(0.0, 1.0)
}

/// The width of the line where closed lips meet, face-model units (about 1 mm): the shadow in the
/// fold between them, which a closed mouth shows whether its lips just touch or press together.
pub const SEAM_WIDTH: f32 = 0.012;

/// How far the seam line's edges fade, pixels, centred on each edge: about as soft as a
/// photograph's own edges at a face's scale (at 1 pixel, the astronaut's closed mouth showed a
/// hard, stepped line; `tools/sheets/mouth_closeups.sh`).
pub const SEAM_SOFTNESS: f32 = 1.5;

/// How much of the seam's shade a pixel at `p` beside the mouth opening takes: the line where
/// closing lips meet, drawn over the lips themselves. `deformed` is the frame's inner lip contour
/// (iBUG 60–67), `scale` pixels per face-model unit, `closure` as in [`seam_shadow`], whose
/// strength it has. The line runs through the middle of the lips' meeting, [`SEAM_WIDTH`] wide
/// or as wide as the opening there, its edges fading over [`SEAM_SOFTNESS`]. Inside the opening,
/// which [`super::fill_mouth`] shades itself, it takes `1 − height` of that (all of it between lips a
/// hair apart, none from a pixel up), so it neither steps where a pixel's centre falls inside a
/// thin opening nor where the opening grows past a pixel. Without it, a mouth closed over a
/// portrait's teeth showed its seam only where a pixel's centre fell inside an opening thinner
/// than a pixel: a broken, stepped line, and none where the lips overlap. `rest` is the
/// portrait's inner lip contour: where the lips close its own opening, the line is as strong as
/// that closure if the mouth's is less ([`closing`]).
pub(crate) fn seam_line(deformed: &MouthShape, rest: &MouthShape, p: Vec2, scale: f32, closure: f32) -> f32 {
    if deformed.width < 1e-3 {
        return 0.0;
    }
    let t = deformed.along(p);
    if !(0.0..=1.0).contains(&t) {
        return 0.0;
    }
    let here = MouthFrame::at(deformed, t);
    let opening = here.height();
    let off = (p - (here.upper + here.lower) / 2.0).dot(here.down).abs();
    // Across the line's width and fade first: most pixels beside the mouth are beyond it, and
    // the closing needs the portrait's contour too.
    let half = (SEAM_WIDTH * scale).max(opening) / 2.0;
    let across = ((half + SEAM_SOFTNESS / 2.0 - off) / SEAM_SOFTNESS).clamp(0.0, 1.0);
    let inside = if off < opening / 2.0 { (1.0 - opening).clamp(0.0, 1.0) } else { 1.0 };
    if across <= 0.0 || inside <= 0.0 {
        return 0.0;
    }
    inside * across * seam_shadow(opening, scale, closing(closure, &here, &MouthFrame::at(rest, t)))
}

/// Draws [`seam_line`] over the frame `out` (after [`super::fill_mouth`]); `lip_colour` as there.
pub(crate) fn shade_seam_line(
    out: &mut RgbaImage,
    deformed: &MouthShape,
    rest: &MouthShape,
    lip_colour: [f32; 3],
    scale: f32,
    closure: f32,
) {
    let margin = (SEAM_WIDTH * scale).max(SEAM_OPENING * scale) + 2.0;
    let (lo, hi) = deformed
        .poly
        .iter()
        .fold((Vec2::splat(f32::MAX), Vec2::splat(f32::MIN)), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let (w, h) = out.dimensions();
    let x0 = (lo.x - margin).floor().max(0.0) as u32;
    let y0 = (lo.y - margin).floor().max(0.0) as u32;
    let x1 = ((hi.x + margin).ceil().max(0.0) as u32).min(w);
    let y1 = ((hi.y + margin).ceil().max(0.0) as u32).min(h);
    let shade = seam_colour(lip_colour);
    for y in y0..y1 {
        for x in x0..x1 {
            let a = seam_line(deformed, rest, Vec2::new(x as f32 + 0.5, y as f32 + 0.5), scale, closure);
            if a > 0.0 {
                let px = out.get_pixel(x, y).0;
                let c = [px[0], px[1], px[2]].map(|v| v as f32 / 255.0);
                out.put_pixel(x, y, to_rgba(mix(c, shade, a)));
            }
        }
    }
}

/// The seam's colour: the lips' own colour in shadow, [`SEAM_SHADE`] of it in green (most of the
/// luminance) and redder, as skin shadows are ([`crate::face::wrinkles::SHADOW_TINT`]).
pub(crate) fn seam_colour(lip_colour: [f32; 3]) -> [f32; 3] {
    crate::face::wrinkles::apply(lip_colour, (1.0 - SEAM_SHADE, 0.0))
}

#[cfg(test)]
mod tests {
    use glam::Vec2;
    use image::{Rgba, RgbaImage};

    use super::super::tests::contour;
    use super::{
        MouthShape, SEAM_OPENING, SEAM_SHADE, SEAM_SOFTNESS, SEAM_WIDTH, seam_colour, seam_shadow, shade_seam_line,
    };

    /// [`super::seam_line`] of two inner lip contours.
    fn seam_line(deformed: &[Vec2], rest: &[Vec2], p: Vec2, scale: f32, closure: f32) -> f32 {
        super::seam_line(&MouthShape::new(deformed), &MouthShape::new(rest), p, scale, closure)
    }

    /// Where a frame narrows the portrait's own opening, the lips close there whatever the mouth
    /// as a whole does (a neutral face narrows the ends of a photograph's parted lips while its
    /// middle opens): the seam line is drawn over them, as strong as that closing, and none at
    /// the portrait's own opening.
    #[test]
    fn lips_closing_the_portraits_own_opening_show_its_seam_line() {
        let scale = 120.0;
        let p = Vec2::new(140.5, 100.0);
        // The mouth as a whole does not close (closure 0); here the rest opening of 2 px narrows.
        assert_eq!(seam_line(&contour(2.0), &contour(2.0), p, scale, 0.0), 0.0);
        let half = seam_line(&contour(0.5), &contour(2.0), p, scale, 0.0);
        let shut = seam_line(&contour(0.0), &contour(2.0), p, scale, 0.0);
        assert!(shut > 0.9 && half > 0.3 && half < shut, "half closed {half}, closed {shut}");
        // A portrait closed at rest has no opening of its own to close.
        assert_eq!(seam_line(&contour(0.0), &contour(0.0), p, scale, 0.0), 0.0);
    }

    #[test]
    fn closed_lips_show_an_unbroken_seam_line() {
        let scale = 120.0; // SEAM_WIDTH: 1.44 px
        let lip = [0.8, 0.5, 0.5];
        for gap in [-1.5f32, 0.0, 0.4] {
            let mut img = RgbaImage::from_pixel(280, 200, Rgba([204, 127, 127, 255]));
            let shape = MouthShape::new(&contour(gap));
            shade_seam_line(&mut img, &shape, &shape, lip, scale, 1.0);
            // Every column between the corners has a pixel darkened at least halfway to the seam's
            // shade (before, only pixel centres inside an opening thinner than a pixel were: a
            // broken line, and none where the lips overlap).
            for x in 101..180 {
                let darkest = (90..110).map(|y| img.get_pixel(x, y).0[0]).min().unwrap();
                let half = (204.0 + 255.0 * seam_colour(lip)[0]) / 2.0;
                assert!((darkest as f32) <= half + 1.0, "gap {gap}: column {x} darkest {darkest}");
            }
            // Nothing beyond the corners or far from the line.
            assert_eq!(img.get_pixel(95, 100).0[0], 204);
            assert_eq!(img.get_pixel(185, 100).0[0], 204);
            assert_eq!(img.get_pixel(140, 104).0[0], 204);
        }
        // The line is about SEAM_WIDTH wide: its total darkening across a column is close to it.
        let across: f32 = (90..110)
            .map(|y| seam_line(&contour(0.0), &contour(0.0), Vec2::new(140.5, y as f32 + 0.5), scale, 1.0))
            .sum();
        assert!((across - SEAM_WIDTH * scale).abs() < 0.6, "{across}");
    }

    #[test]
    fn the_seam_line_is_absent_at_rest_inside_an_opening_and_between_parted_lips() {
        let scale = 120.0;
        let p = Vec2::new(140.5, 100.0);
        // At rest (no closure) the portrait is reproduced.
        assert_eq!(seam_line(&contour(0.0), &contour(0.0), p, scale, 0.0), 0.0);
        assert!(seam_line(&contour(0.0), &contour(0.0), p, scale, 1.0) > 0.9);
        // Inside an opening the mouth's own fill shades (`fill_mouth`), not the line: from a
        // pixel up not at all, and fading to nothing as the opening reaches a pixel (no step).
        assert_eq!(seam_line(&contour(4.0), &contour(4.0), p, scale, 1.0), 0.0);
        assert_eq!(seam_line(&contour(1.0), &contour(1.0), p, scale, 1.0), 0.0);
        assert!(seam_line(&contour(0.98), &contour(0.98), p, scale, 1.0) < 0.02);
        assert!(seam_line(&contour(0.5), &contour(0.5), p, scale, 1.0) > 0.4);
        // Lips parted SEAM_OPENING or more show no seam, even a pixel outside the opening.
        let gap = SEAM_OPENING * scale + 1.0;
        let wide = contour(gap);
        assert_eq!(seam_line(&wide, &wide, Vec2::new(140.5, 100.0 - gap / 2.0 - 1.0), scale, 1.0), 0.0);
        // Half SEAM_OPENING apart (seam shade 0.5), a point a quarter pixel outside the opening
        // is on the fading edge: 0.5 · (SEAM_SOFTNESS / 2 − 0.25) / SEAM_SOFTNESS.
        let narrow = contour(SEAM_OPENING * scale * 0.5);
        let edge =
            seam_line(&narrow, &narrow, Vec2::new(140.5, 100.0 - SEAM_OPENING * scale * 0.25 - 0.25), scale, 1.0);
        assert!((edge - 0.5 * (SEAM_SOFTNESS / 2.0 - 0.25) / SEAM_SOFTNESS).abs() < 1e-4, "{edge}");
    }

    #[test]
    fn the_seam_is_the_lips_in_shadow_and_redder() {
        let lip = [0.8, 0.5, 0.45];
        let c = seam_colour(lip);
        assert!((c[1] - 0.5 * SEAM_SHADE).abs() < 1e-6, "{c:?}");
        assert!(c[0] / c[1] > lip[0] / lip[1] && c[0] / c[2] > lip[0] / lip[2], "{c:?}");
    }

    #[test]
    fn closing_lips_shade_their_seam_in_full_and_the_rest_pose_not_at_all() {
        let scale = 100.0;
        // At rest (no closure) nothing is shaded, so the portrait is reproduced.
        assert_eq!(seam_shadow(0.0, scale, 0.0), 0.0);
        // Half closed or more, lips that touch show only their shadow between them.
        assert_eq!(seam_shadow(0.0, scale, 0.5), 1.0);
        assert_eq!(seam_shadow(0.0, scale, 0.9), 1.0);
        // Less closed, less shade; from SEAM_OPENING apart, none.
        assert!((seam_shadow(0.0, scale, 0.25) - 0.5).abs() < 1e-6);
        assert!((seam_shadow(SEAM_OPENING * scale / 2.0, scale, 1.0) - 0.5).abs() < 1e-6);
        assert_eq!(seam_shadow(SEAM_OPENING * scale, scale, 1.0), 0.0);
    }
}
