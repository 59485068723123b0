//! The procedural teeth ([`super`]'s interior where the lips part wider than the portrait's own
//! opening or move off what they covered): their colour, where the skull and the jaw hold them
//! ([`LipTravel`]), how much of them shows, and the row of single teeth they make
//! ([`UPPER_TOOTH_EDGES`], [`LOWER_TOOTH_EDGES`]).

use glam::Vec2;

use super::{MouthFrame, lerp_contour, mix};

/// The procedural teeth's colour, for a portrait that shows no teeth of its own, as a fraction of
/// its sclera colour, channel by channel: teeth are lit as the eyes are (the same light, the
/// same painter), and enamel is a little yellower than the white of the eye. A portrait that
/// shows its teeth lends them their own colour (`face::colours::teeth_colour`).
pub const TOOTH_TINT: [f32; 3] = [1.0, 0.97, 0.9];

/// The colour of the procedural teeth of a portrait that shows no teeth of its own and whose
/// eyes' sclera colours are `sclera`
/// (0–1 RGB of the sRGB bytes, [`crate::face::cpu_render::PreparedPortrait::sclera`]): their mean
/// times [`TOOTH_TINT`]. A fixed off-white (the first passes' `[0.90, 0.88, 0.82]`), shaded
/// towards the cavity's colour, looked grey beside a painted character's white eyes and bright
/// skin, the bared teeth darker than the skin around them.
pub fn tooth_colour(sclera: &[[f32; 3]; 2]) -> [f32; 3] {
    std::array::from_fn(|i| ((sclera[0][i] + sclera[1][i]) / 2.0 * TOOTH_TINT[i]).clamp(0.0, 1.0))
}

/// How much of the cavity's colour the lower teeth take (they stand in the upper lip's and upper
/// teeth's shadow); a third until #14's eighth pass, which left them grey beside bright skin.
pub const LOWER_TEETH_SHADE: f32 = 0.15;

/// How much of the cavity's colour the upper teeth take right under the upper lip, which stands
/// before them and shades their top ([`LIP_SHADOW`]). Photographs that show their teeth have a
/// darker row under the lip, then the lit teeth (the astronaut: 0.6–0.8 of the lit teeth's luma in
/// the top row; face_recognition's Obama test photo alike).
pub const LIP_SHADOW_SHADE: f32 = 0.35;
/// How far below the upper lip its shadow on the upper teeth reaches, face-model units (1.8 mm),
/// fading to none there.
pub const LIP_SHADOW: f32 = 0.02;
/// How much of the cavity's colour the upper teeth take at their incisal edge, rising as the
/// square of the way down to it: the enamel there is thin and lets the dark mouth through.
pub const INCISAL_SHADE: f32 = 0.12;
/// How much of the cavity's colour the teeth take in the corners of the mouth, where the arch
/// turns them away from the light: `CORNER_SHADE · (1 − 4a(1 − a))^1.5` at `a` along the mouth
/// (none in the middle, a tenth a quarter of the way, half a tenth of the way). Until #14's
/// twenty-third pass the teeth took a tenth of it in the middle too, and more of it towards the
/// corners (`1 − 0.9·√(4a(1 − a))`: a fifth a quarter of the way): with the rest of their
/// shading, a photograph's lit teeth were 0.72–0.80 of its skin's brightest channel where its
/// own teeth read 0.99–1.15 ([`crate::face::teeth_reading`]).
pub const CORNER_SHADE: f32 = 0.9;

/// The most of the upper front teeth that shows below the upper lip, face-model units (IOD): the
/// central incisor's crown is about 10 mm, most of it showing in a broad smile.
pub const UPPER_TEETH: f32 = 0.1;
/// How far the upper incisors' edge hangs below the resting upper lip, face-model units: 1.9 mm
/// in men and 3.4 mm in women at rest (Vig & Brundo, "The kinetics of anterior tooth display",
/// *J Prosthet Dent* 39:502–504, 1978). The teeth are fixed to the skull: a lip raised by
/// `mouthUpperUp` or a smile uncovers more of them, a dropped jaw none.
pub const UPPER_TEETH_AT_REST: f32 = 0.03;
/// Lips parted less than this (face-model units, 1.8 mm) show a dark line between them, no teeth.
pub const TEETH_MIN_OPENING: f32 = 0.02;
/// The most of the lower front teeth that shows above the lower lip, face-model units.
pub const LOWER_TEETH: f32 = 0.06;
/// How far the lower incisors' edge stands above the resting lower lip, face-model units (0.9 mm):
/// under a millimetre at rest, 0.5 mm in women and 1.2 mm in men (Vig & Brundo, as above). The
/// lower teeth are fixed to the jaw, which carries the lower lip with them: only a lip pulled
/// down beyond the jaw (`mouthLowerDown`, AU16) uncovers more of them. Until #14's tenth pass
/// every opening showed [`LOWER_TEETH`] of them (5.4 mm), so a face speaking happily bared two
/// rows of teeth, which both judges read as anger (`examples/talking_judge.rs`; BENCHMARKS.md,
/// #14's tenth pass, has the numbers).
pub const LOWER_TEETH_AT_REST: f32 = 0.01;

/// Where the upper front teeth meet, seen from the front: the midline, then the far edge of the
/// central incisor, the lateral incisor, the canine and the two premolars, face-model units from
/// the middle of the mouth (IOD = 90 mm). The central incisor's crown is 8.6 mm wide; seen from
/// the front, the arch turns the others away, and of the six front teeth's apparent width the
/// central incisors take 22.5 %, the laterals 15 % and the canines 12.5 % each (Kalia, "An
/// analysis of the aesthetic proportions of anterior maxillary teeth in a UK population",
/// *Br Dent J* 228:449–455, 2020, 509 smiles photographed): edges at 8.6, 14.3 and 19.1 mm; the
/// premolars, turned further, about 3.3 and 2.9 mm more. The teeth are fixed to the skull: a
/// smile widens the mouth over them and uncovers more of the row, it does not stretch them.
pub const UPPER_TOOTH_EDGES: [f32; 6] = [0.0, 0.0956, 0.1592, 0.2122, 0.2489, 0.2811];
/// Where the lower front teeth meet, face-model units from the middle of the mouth: the
/// mandibular incisors' crowns are 5.0 (central) and 5.5 mm (lateral) wide, the canine's 7.0 mm,
/// about 4.5 mm of it seen from the front (Nelson, *Wheeler's Dental Anatomy, Physiology and
/// Occlusion*, 10th ed., 2015, crown dimensions).
pub const LOWER_TOOTH_EDGES: [f32; 4] = [0.0, 0.0556, 0.1167, 0.1667];
/// The line where two teeth touch, face-model units wide (0.7 mm): the dark embrasure between
/// their rounded sides.
pub const TOOTH_GAP: f32 = 0.008;
/// How much wider that line opens at the incisal edge, each side, face-model units (0.7 mm): the
/// incisal embrasure, the notch between two teeth's rounded corners, over [`TOOTH_NOTCH_DEPTH`].
pub const TOOTH_NOTCH: f32 = 0.008;
/// How far from the incisal edge the notch between two teeth reaches, face-model units (1.4 mm).
pub const TOOTH_NOTCH_DEPTH: f32 = 0.015;
/// How much of the cavity's colour the line between two teeth takes.
pub const TOOTH_GAP_SHADE: f32 = 0.3;
/// How much of the cavity's colour a tooth takes at its sides, where it turns away from the light
/// into the embrasure (none in its middle, as the square of the distance from it: its face is convex).
pub const TOOTH_ROUNDNESS: f32 = 0.08;

/// How much of the cavity's colour a tooth of the row whose edges are `edges` (face-model units
/// from the middle of the mouth) takes at `across` pixels from the middle of the mouth and
/// `to_edge` pixels from its incisal edge: the line between two teeth, opening into a notch at the
/// incisal edge and anti-aliased (the share of the pixel it covers), and the tooth's rounded sides
/// either side of it. `scale`: pixels per face-model unit.
pub(super) fn tooth_shade(edges: &[f32], across: f32, to_edge: f32, scale: f32) -> f32 {
    // From the middle of the mouth, in pixels and in face-model units.
    let (u, v) = (across.abs(), across.abs() / scale.max(1e-3));
    let notch = TOOTH_NOTCH * scale * (1.0 - to_edge / (TOOTH_NOTCH_DEPTH * scale).max(1e-3)).clamp(0.0, 1.0);
    let half = TOOTH_GAP * scale / 2.0 + notch;
    let mut gap = 0.0f32;
    let mut side = 0.0;
    for (i, &e) in edges.iter().enumerate() {
        gap = gap.max(line_cover(u - e * scale, half));
        if let Some(&next) = edges.get(i + 1)
            && (e..next).contains(&v)
        {
            let t = (v - e) / (next - e);
            side = (2.0 * t - 1.0).powi(2);
        }
    }
    TOOTH_GAP_SHADE * gap + TOOTH_ROUNDNESS * side * (1.0 - gap)
}

/// How much of a pixel whose centre is `d` pixels from the middle of a line `2·half` pixels wide
/// the line covers (the pixel `[d − ½, d + ½]` over the line `[−half, half]`): over a row of
/// pixels the line's cover adds up to its width, wherever it falls between their centres.
fn line_cover(d: f32, half: f32) -> f32 {
    ((d + 0.5).min(half) - (d - 0.5).max(-half)).clamp(0.0, 1.0)
}

/// How far a frame's inner lips have moved down the face from the portrait's rest, before the
/// head pose, in pixels (negative: up): the upper contour (iBUG 60, 61, 62, 63, 64) as it moved,
/// the lower one (60, 67, 66, 65, 64) net of the jaw's drop. The upper teeth are fixed to the
/// skull and the lower ones to the jaw, so this is what says how much of each the lips uncover
/// in the procedural mouth interior; taken before the pose, a nod does not change it. The CPU
/// renderer computes it per frame ([`crate::face::cpu_render::PreparedPortrait::lip_travel`]), the GPU
/// gets it in its face parameters ([`crate::face::warp::WarpRig::face_params`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LipTravel {
    /// Down-the-face travel of the upper inner lip, right corner to left.
    pub upper: [f32; 5],
    /// Down-the-face travel of the lower inner lip beyond the jaw's, right corner to left.
    pub lower: [f32; 5],
}

impl LipTravel {
    /// From the inner lips' displacements `moved(i)` (iBUG index 60–67, pixels, before the pose),
    /// the part of them the jaw makes, `jaw(i)`, and the face's `down` direction (unit).
    pub fn new(moved: impl Fn(usize) -> Vec2, jaw: impl Fn(usize) -> Vec2, down: Vec2) -> Self {
        Self {
            upper: [60, 61, 62, 63, 64].map(|i| moved(i).dot(down)),
            lower: [60, 67, 66, 65, 64].map(|i| (moved(i) - jaw(i)).dot(down)),
        }
    }

    /// At `along` the mouth (0 right corner, 1 left): how far the upper lip has risen (pixels)
    /// and how far the lower lip has dropped beyond the jaw.
    pub fn at(&self, along: f32) -> (f32, f32) {
        let along = along.clamp(0.0, 1.0);
        (-lerp_contour(&self.upper, along), lerp_contour(&self.lower, along))
    }
}

/// How much of a pixel `d` pixels from where a band `h` pixels deep begins the band covers: the
/// band's far edge anti-aliased over a pixel, and a band thinner than a pixel covering only its
/// share.
pub(super) fn band_cover(d: f32, h: f32) -> f32 {
    (h - d + 0.5).clamp(0.0, 1.0) * h.clamp(0.0, 1.0)
}

/// The procedural mouth interior at `p` (see [`MouthFrame`]), its teeth of colour `tooth`
/// ([`tooth_colour`]), wherever the portrait's own interior does not cover the opening
/// (`super::OwnInterior`): the upper teeth are fixed to the skull, their edge
/// [`UPPER_TEETH_AT_REST`] below the resting upper lip (for a portrait that shows its own teeth,
/// its neutral face's: [`crate::face::cpu_render::PreparedPortrait::rest_travel`]), so that they
/// show as far as the lip has risen (`travel.0`, pixels) plus that, up to [`UPPER_TEETH`]; the
/// lower teeth are fixed to the jaw, [`LOWER_TEETH_AT_REST`] above the resting lower lip, and show
/// as far as the lip has dropped beyond the jaw (`travel.1`) plus that, up to [`LOWER_TEETH`]
/// ([`LipTravel`]). Their edges are anti-aliased. `scale` is the portrait's pixels per face-model
/// unit; the teeth narrow into the dark corners of the mouth, and each row is a row of single
/// teeth of their real widths, measured from the middle of the mouth ([`tooth_shade`]; until
/// #14's eighteenth pass one band of one colour: at a photograph's scale a bared row was a pale
/// slab); between them a dark cavity tinted by the lips and a tongue hint low in the opening. A
/// smile's small opening is filled by the upper teeth; a dropped jaw shows the cavity between
/// them.
pub(super) fn mouth_interior(
    here: &MouthFrame,
    p: Vec2,
    lip: [f32; 3],
    tooth: [f32; 3],
    scale: f32,
    travel: (f32, f32),
) -> [f32; 3] {
    let (opening, below_upper) = (here.height(), here.depth_below_upper(p));
    let teeth = opening >= TEETH_MIN_OPENING * scale;
    let above_lower = here.height_above_lower(p);
    let depth = (below_upper / opening.max(1e-3)).clamp(0.0, 1.0);
    let cavity = lip.map(|c| 0.08 + 0.25 * c);
    let tongue = [0.55 * lip[0] + 0.25, 0.3 * lip[1] + 0.08, 0.3 * lip[2] + 0.08];
    let edge = 4.0 * here.along * (1.0 - here.along); // teeth and tongue fade towards the corners
    let span = edge.sqrt();
    let back = if depth > 0.7 { mix(cavity, tongue, ((depth - 0.7) / 0.3) * edge) } else { cavity };
    if !teeth {
        return back;
    }
    let upper_show = (UPPER_TEETH_AT_REST * scale + travel.0).clamp(0.0, UPPER_TEETH * scale);
    let lower_show = (LOWER_TEETH_AT_REST * scale + travel.1).clamp(0.0, LOWER_TEETH * scale);
    let (upper_h, lower_h) = (upper_show * span, lower_show * span);
    // Lit in the middle of the mouth, shaded into its corners; the upper teeth under the upper
    // lip's shadow and at their thin incisal edge, the lower ones in the upper teeth's shadow.
    let turned = (1.0 - edge).max(0.0);
    let corner = CORNER_SHADE * turned * turned.sqrt();
    let t = (below_upper / upper_h.max(1e-3)).min(1.0);
    let shadow = LIP_SHADOW_SHADE * (1.0 - below_upper / (LIP_SHADOW * scale).max(1e-3)).clamp(0.0, 1.0);
    let lit = (1.0 - corner) * (1.0 - shadow) * (1.0 - INCISAL_SHADE * t * t);
    let upper = mix(tooth, cavity, 1.0 - lit);
    let lower = mix(tooth, cavity, 1.0 - (1.0 - corner) * (1.0 - LOWER_TEETH_SHADE));
    // One tooth beside the next, fixed to the skull and the jaw: the row is measured from the
    // middle of the mouth, not stretched with it.
    let across = here.across();
    let upper = mix(upper, cavity, tooth_shade(&UPPER_TOOTH_EDGES, across, upper_h - below_upper, scale));
    let lower = mix(lower, cavity, tooth_shade(&LOWER_TOOTH_EDGES, across, lower_h - above_lower, scale));
    let c = mix(back, lower, band_cover(above_lower, lower_h));
    mix(c, upper, band_cover(below_upper, upper_h))
}

#[cfg(test)]
mod tests {
    use glam::Vec2;

    use super::super::tests::contour;
    use super::super::{MouthFrame, MouthShape};
    use super::{
        CORNER_SHADE, INCISAL_SHADE, LIP_SHADOW, LIP_SHADOW_SHADE, LOWER_TOOTH_EDGES, TOOTH_GAP, TOOTH_GAP_SHADE,
        TOOTH_ROUNDNESS, TOOTH_TINT, UPPER_TOOTH_EDGES, band_cover, line_cover, mouth_interior, tooth_colour,
        tooth_shade,
    };

    #[test]
    fn teeth_are_lit_as_the_eyes_and_a_little_yellower() {
        // White painted eyes give near-white teeth, yellower than the eyes.
        let t = tooth_colour(&[[0.96, 0.96, 0.96], [0.94, 0.94, 0.94]]);
        assert!((t[0] - 0.95).abs() < 1e-6 && t[2] < t[1] && t[1] < t[0], "{t:?}");
        // A dim photograph's eyes (one in shadow) give dim teeth, from both eyes.
        let dim = tooth_colour(&[[0.6, 0.5, 0.4], [0.4, 0.4, 0.4]]);
        assert!((dim[0] - 0.5).abs() < 1e-6 && (dim[1] - 0.45 * TOOTH_TINT[1]).abs() < 1e-6, "{dim:?}");
        assert!(dim.iter().all(|&v| v < 0.51));
        // Never brighter than white.
        assert_eq!(tooth_colour(&[[1.0; 3]; 2])[0], 1.0);
        assert!(tooth_colour(&[[1.2; 3]; 2]).iter().all(|&v| v <= 1.0));
    }

    /// The upper teeth are fixed to the skull, the lower ones to the jaw: lips parted by the jaw
    /// alone show the upper teeth's rest display and under a millimetre of the lower ones; a
    /// lower lip pulled down beyond the jaw (AU16) uncovers as much more of them, up to
    /// `LOWER_TEETH`; the teeth's edges are anti-aliased.
    #[test]
    fn the_lower_teeth_show_as_far_as_the_lower_lip_drops_beyond_the_jaw() {
        // 90 px per face-model unit (1 px per mm); the lips 30 px apart at the middle; a column
        // 2.5 mm off it, inside a tooth of each row.
        let (scale, lip, tooth) = (90.0, [0.8, 0.5, 0.5], [0.95, 0.95, 0.95]);
        let poly = contour(30.0);
        let column = |travel: (f32, f32)| -> Vec<f32> {
            (85..115)
                .map(|y| {
                    let p = Vec2::new(137.5, y as f32 + 0.5);
                    mouth_interior(&MouthFrame::new(&MouthShape::new(&poly), p), p, lip, tooth, scale, travel)[1]
                })
                .collect()
        };
        let teeth_px = |c: &[f32], from_bottom: bool| {
            let it: Box<dyn Iterator<Item = &f32>> =
                if from_bottom { Box::new(c.iter().rev()) } else { Box::new(c.iter()) };
            it.take_while(|&&g| g > 0.5).count()
        };
        let jaw_only = column((0.0, 0.0));
        assert_eq!(teeth_px(&jaw_only, false), 3, "the upper teeth's rest display (2.7 mm): {jaw_only:?}");
        assert!(teeth_px(&jaw_only, true) <= 1, "under a millimetre of the lower teeth: {jaw_only:?}");
        let pulled = column((0.0, 3.0));
        assert_eq!(teeth_px(&pulled, true), 4, "the lower lip 3 mm down uncovers 3 mm more: {pulled:?}");
        let far = column((0.0, 20.0));
        assert_eq!(teeth_px(&far, true), 5, "at most LOWER_TEETH (5.4 mm): {far:?}");
        // The upper teeth's edge falls between pixel rows: that row is part teeth, part cavity.
        let raised = column((2.8, 0.0));
        assert!(raised[5] > 0.35 && raised[5] < 0.6, "the incisal edge anti-aliased: {raised:?}");
        assert!(raised[4] > 0.7 && raised[6] < 0.25, "{raised:?}");
    }

    /// An open mouth whose corners are `width` pixels apart, centred at x = `centre`, y = 100, the
    /// lips 30 px apart (the upper one at y = 85, the lower at 115), and the green of its
    /// interior along the row at `y` at each pixel from `centre − 40` to `centre + 40`, the upper
    /// lip raised 5 px and the lower one pulled 4 px down beyond the jaw.
    fn teeth_row(width: f32, centre: f32, y: f32) -> Vec<(f32, f32)> {
        let (scale, lip, tooth) = (90.0, [0.8, 0.5, 0.5], [0.95, 0.95, 0.95]);
        let poly: Vec<Vec2> =
            contour(30.0).iter().map(|p| Vec2::new(centre + (p.x - 140.0) * width / 80.0, p.y)).collect();
        (-40..40)
            .map(|dx| {
                let p = Vec2::new(centre.floor() + dx as f32 + 0.5, y);
                let here = MouthFrame::new(&MouthShape::new(&poly), p);
                (p.x - centre, mouth_interior(&here, p, lip, tooth, scale, (5.0, 4.0))[1])
            })
            .collect()
    }

    /// Whether every edge of `edges` (face-model units, 90 px each) is a line in `row`, either
    /// side of the middle: the pixels within half a pixel of it darker than the teeth a pixel and
    /// a half either side of it (the teeth's rounded sides alone shade smoothly).
    fn lines_at(row: &[(f32, f32)], edges: &[f32]) -> Result<(), String> {
        let at = |x: f32| row.iter().min_by(|a, b| (a.0 - x).abs().total_cmp(&(b.0 - x).abs())).unwrap().1;
        for &e in edges {
            for side in [-1.0, 1.0] {
                let x = side * e * 90.0;
                let line = row.iter().filter(|(px, _)| (px - x).abs() <= 0.5).map(|p| p.1).fold(1.0, f32::min);
                let beside = at(x - 1.5).min(at(x + 1.5));
                if line >= beside - 0.03 {
                    return Err(format!("no line {x} px out: {line} vs {beside}: {row:?}"));
                }
            }
        }
        Ok(())
    }

    /// The teeth are rows of teeth of their real widths, the upper fixed to the skull and the
    /// lower to the jaw: a darker line where two meet (upper: the midline, 8.6, 14.3, 19.1 and
    /// 22.4 mm out; lower: the midline, 5.0 and 10.5 mm), at the same distances from the middle of
    /// a mouth 80 or 100 px wide; each line covers its share of the pixels, wherever it falls
    /// between their centres.
    #[test]
    fn the_teeth_meet_in_lines_fixed_to_the_skull_and_the_jaw() {
        for width in [80.0, 100.0] {
            // 3 px below the upper lip, 2 px above the lower one.
            lines_at(&teeth_row(width, 140.0, 88.0), &UPPER_TOOTH_EDGES[..5]).unwrap();
            lines_at(&teeth_row(width, 140.0, 113.0), &LOWER_TOOTH_EDGES[..3]).unwrap();
        }
        // Each row its own: the upper teeth have no line where the lower ones meet.
        assert!(lines_at(&teeth_row(80.0, 140.0, 88.0), &LOWER_TOOTH_EDGES[1..2]).is_err());
        // Wherever a line falls between pixel centres, the pixels' cover of it adds up to its width.
        for half in [0.3, 0.8, 1.7] {
            for offset in [0.0, 0.2, 0.5, 0.75] {
                let sum: f32 = (-4..=4).map(|k| line_cover(k as f32 + offset, half)).sum();
                assert!((sum - 2.0 * half).abs() < 1e-5, "{half} at {offset}: {sum}");
            }
        }
    }

    #[test]
    fn the_line_between_two_teeth_opens_into_a_notch_at_their_edge() {
        let scale = 90.0;
        let deep = tooth_shade(&UPPER_TOOTH_EDGES, 0.0, 5.0, scale);
        let edge = tooth_shade(&UPPER_TOOTH_EDGES, 0.0, 0.0, scale);
        // 0.7 px of the pixel is the line, the rest the two central incisors' rounded sides.
        let line = TOOTH_GAP * scale;
        let expected = TOOTH_GAP_SHADE * line + TOOTH_ROUNDNESS * (1.0 - line);
        assert!((deep - expected).abs() < 1e-4, "{deep} vs {expected}");
        assert!((edge - TOOTH_GAP_SHADE).abs() < 1e-4, "the notch covers the pixel: {edge}");
        // A tooth's middle takes no shade; a side a little.
        let middle = tooth_shade(&UPPER_TOOTH_EDGES, UPPER_TOOTH_EDGES[1] * scale / 2.0, 5.0, scale);
        let side = tooth_shade(&UPPER_TOOTH_EDGES, UPPER_TOOTH_EDGES[1] * scale - 1.5, 5.0, scale);
        assert!(middle < 1e-6 && side > 0.3 * TOOTH_ROUNDNESS && side < TOOTH_ROUNDNESS, "{middle} {side}");
    }

    /// The upper teeth are lit in the middle of the mouth: a column in the middle of a central
    /// incisor is the tooth's own colour below the upper lip's shadow and above the thin incisal
    /// edge, takes `LIP_SHADOW_SHADE` of the cavity right under the lip, and the teeth darken
    /// into the corners (`CORNER_SHADE`): none in the middle, a tenth a quarter of the way.
    #[test]
    fn teeth_are_lit_in_the_middle_and_shaded_under_the_lip_and_into_the_corners() {
        // 90 px per face-model unit; the lips 30 px apart; the upper lip raised 5 px, so 7.7 px
        // of upper teeth show (the rest display plus the rise).
        let (scale, lip, tooth) = (90.0, [0.8, 0.5, 0.5], [0.95, 0.95, 0.95]);
        let poly = contour(30.0);
        let shape = MouthShape::new(&poly);
        let at = |x: f32, y: f32| {
            let p = Vec2::new(x, y);
            mouth_interior(&MouthFrame::new(&shape, p), p, lip, tooth, scale, (5.0, 0.0))[1]
        };
        let cavity = 0.08 + 0.25 * lip[1];
        let middle = 140.0 + UPPER_TOOTH_EDGES[1] * scale / 2.0;
        let column: Vec<f32> = (85..93).map(|y| at(middle, y as f32 + 0.5)).collect();
        let lit = column.iter().copied().fold(0.0, f32::max);
        assert!((lit - tooth[1]).abs() < 0.015, "lit at the tooth's own colour: {column:?}");
        // The pixel under the lip: 0.5 px into a shadow fading over LIP_SHADOW (1.8 px).
        let shade = LIP_SHADOW_SHADE * (1.0 - 0.5 / (LIP_SHADOW * scale));
        let top = tooth[1] + (cavity - tooth[1]) * shade;
        assert!((column[0] - top).abs() < 0.02, "the lip's shadow on the teeth: {} vs {top}: {column:?}", column[0]);
        assert!(column[0] < lit - 0.15, "{column:?}");
        // Towards the corners (the mouth 80 px wide from x = 100): a quarter of the way (the
        // canine's middle) the teeth keep most of their light, a tenth of the way (beyond the
        // premolars) about half of it.
        // (The upper lip curves down towards the corners: at x = 108.5 it is at y = 91.)
        let brightest = |x: f32, rows: std::ops::Range<i32>| rows.map(|y| at(x, y as f32 + 0.5)).fold(0.0, f32::max);
        let canine = 140.0 - (UPPER_TOOTH_EDGES[3] + UPPER_TOOTH_EDGES[4]) * scale / 2.0;
        let (quarter, tenth) = (brightest(canine, 86..91), brightest(108.5, 92..98));
        let turned = |a: f32| 1.0 - 4.0 * a * (1.0 - a);
        let lit_at = |a: f32| tooth[1] + (cavity - tooth[1]) * CORNER_SHADE * turned(a).powf(1.5);
        assert!(quarter > 0.82 && quarter < lit, "a quarter of the way: {quarter}");
        assert!((tenth - lit_at(0.1)).abs() < 0.05 && tenth < 0.7, "a tenth of the way: {tenth} vs {}", lit_at(0.1));
        // The thin incisal edge: the last row the teeth cover whole (y = 91.5, 6.5 px down their
        // 7.7) is darker than the lit middle, by INCISAL_SHADE · (6.5 / 7.7)² of the cavity.
        let incisal = tooth[1] + (cavity - tooth[1]) * INCISAL_SHADE * (6.5f32 / 7.7).powi(2);
        assert!(
            column[6] < lit - 0.03 && (column[6] - incisal).abs() < 0.02,
            "the incisal edge: {} vs {incisal}: {column:?}",
            column[6]
        );
    }

    #[test]
    fn a_band_covers_its_share_of_the_pixel_at_its_edge() {
        assert_eq!(band_cover(0.5, 3.0), 1.0);
        assert_eq!(band_cover(3.5, 3.0), 0.0);
        assert!((band_cover(3.0, 3.0) - 0.5).abs() < 1e-6, "a pixel centred on the edge is half covered");
        let thin = band_cover(0.0, 0.4);
        assert!(thin > 0.3 && thin <= 0.4, "a band thinner than a pixel covers about its share: {thin}");
        assert_eq!(band_cover(1.0, 0.0), 0.0);
    }
}
