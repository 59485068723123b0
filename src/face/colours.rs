//! Colours a portrait's renderers take from the portrait itself: its eyes' sclera and the teeth
//! the procedural mouth interior draws.

use glam::Vec2;
use image::RgbaImage;

use crate::face::cpu_render::raster;

/// How much of the measured sclera's chroma (its distance from the grey of its own luminance) the
/// uncovered sclera keeps. A photograph's eye is a few dozen pixels, and its whitest pixels still
/// mix in the iris, the lashes and the lids' skin: taken as they were, fear's uncovered sclera
/// on face-api's held-out photographs was a flat brown slab above the iris (#14, fifteenth pass).
pub const SCLERA_CHROMA: f32 = 0.35;

/// The uncovered sclera's least luminance, as a share of the skin's just below the eye. The
/// sclera reflects more of the light than skin does (it is white), so under the same light it is
/// no darker than the skin beside it, less the shade of the lids that overhang it
/// (drawn, it darkens to [`crate::face::cpu_render::SCLERA_SHADE`] of this under the lid,
/// [`crate::face::cpu_render::SCLERA_SHADOW`]).
pub const SCLERA_FLOOR: f32 = 0.9;

/// The sclera's colour when an eye is too small to sample (0–1 RGB of the sRGB bytes).
const OFF_WHITE: [f32; 3] = [0.86, 0.84, 0.80];

/// Rec. 709 luma of a colour (0–1 RGB of the sRGB bytes).
pub(crate) fn luma(c: [f32; 3]) -> f32 {
    0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
}

/// The sclera's colour in a rest eye (`eye`: its six contour points, iBUG order, pixels): the
/// mean of the whitest sixth of its opening's pixels (the contour shrunk by
/// [`crate::face::cpu_render::EYE_OPENING`], ranked by luma less chroma: the sclera is bright
/// and nearly grey, the iris, pupil, lashes and lids darker or coloured), kept at
/// [`SCLERA_CHROMA`] of its chroma and at least [`SCLERA_FLOOR`] of the luma of the skin below
/// the eye; a plain off-white for an eye too small to sample. Until #14's fifteenth pass the
/// mean of the whole contour's brightest third: on a photograph whose eyes show little white it
/// was the lids' brown.
pub(crate) fn sclera_colour(image: &RgbaImage, eye: &[Vec2]) -> [f32; 3] {
    let mut px = pixels_in(image, &crate::face::cpu_render::eye_opening(eye));
    if px.len() < 6 {
        return OFF_WHITE;
    }
    let whiteness = |c: &[f32; 3]| luma(*c) - (c[0].max(c[1]).max(c[2]) - c[0].min(c[1]).min(c[2]));
    px.sort_by(|a, b| whiteness(b).total_cmp(&whiteness(a)));
    let measured = mean(&px[..px.len().div_ceil(6)]);
    let y = luma(measured);
    let grey: [f32; 3] = measured.map(|v| y + (v - y) * SCLERA_CHROMA);
    // Lifted to the floor as a grey is (every channel alike), so it stays as near grey.
    let lift = skin_below(image, eye).map_or(0.0, |s| (SCLERA_FLOOR * luma(s) - y).max(0.0));
    grey.map(|v| (v + lift).clamp(0.0, 1.0))
}

/// The median colour (per channel) of the skin below an eye: the band from 0.3 to 0.8 of the
/// eye's width below its lower lid, or `None` where it holds no pixel.
fn skin_below(image: &RgbaImage, eye: &[Vec2]) -> Option<[f32; 3]> {
    let axis = eye[3] - eye[0];
    let mut down = Vec2::new(-axis.y, axis.x);
    if down.y < 0.0 {
        down = -down;
    }
    // The lower lid's points (iBUG 40–41 / 46–47: contour points 4 and 5).
    let (a, b) = (eye[5], eye[4]);
    let band = [a + down * 0.3, b + down * 0.3, b + down * 0.8, a + down * 0.8];
    median(&pixels_in(image, &band))
}

/// The median (per channel) of some colours, or `None` for none.
fn median(px: &[[f32; 3]]) -> Option<[f32; 3]> {
    if px.is_empty() {
        return None;
    }
    Some(std::array::from_fn(|i| {
        let mut v: Vec<f32> = px.iter().map(|c| c[i]).collect();
        v.sort_by(f32::total_cmp);
        v[v.len() / 2]
    }))
}

/// The pixels (0–1 RGB of the sRGB bytes) whose centres lie inside `contour` (a fan from its
/// centroid).
fn pixels_in(image: &RgbaImage, contour: &[Vec2]) -> Vec<[f32; 3]> {
    let mut px: Vec<[f32; 3]> = Vec::new();
    let c = contour.iter().sum::<Vec2>() / contour.len() as f32;
    for k in 0..contour.len() {
        raster([c, contour[k], contour[(k + 1) % contour.len()]], image.width(), image.height(), |x, y, _| {
            let q = image.get_pixel(x, y).0;
            px.push([q[0] as f32 / 255.0, q[1] as f32 / 255.0, q[2] as f32 / 255.0]);
        });
    }
    px
}

/// The mean of some colours (not empty).
pub(crate) fn mean(px: &[[f32; 3]]) -> [f32; 3] {
    let n = px.len() as f32;
    px.iter().fold([0.0; 3], |s, c| [s[0] + c[0] / n, s[1] + c[1] / n, s[2] + c[2] / n])
}

/// The mean colour of the brightest third of the pixels inside `contour` (a fan from its
/// centroid), or `None` for fewer than 6 pixels.
fn brightest_third(image: &RgbaImage, contour: &[Vec2]) -> Option<[f32; 3]> {
    brightest_third_of(pixels_in(image, contour))
}

/// The mean colour of the brightest third of `px`, or `None` for fewer than 6.
fn brightest_third_of(mut px: Vec<[f32; 3]>) -> Option<[f32; 3]> {
    if px.len() < 6 {
        return None;
    }
    px.sort_by(|a, b| (b[0] + b[1] + b[2]).total_cmp(&(a[0] + a[1] + a[2])));
    Some(mean(&px[..px.len().div_ceil(3)]))
}

/// The procedural teeth's least brightness, as a share of the skin's below the mouth: the luma of
/// teeth the portrait does not show is lifted (as a grey, every channel alike) to at least this
/// times the brightest channel of that skin. Enamel reflects about as much of every colour as the
/// lightest skin reflects of red, so under the same light teeth are at least as bright as the
/// skin's brightest channel (the lit teeth of the photographs here that show theirs read 0.99 and
/// 1.15 of it, [`teeth_reading`]: face_recognition's Obama test photos; the astronaut's 1.00);
/// the shade of the lips and the mouth's corners is drawn on them
/// ([`crate::face::mouth::LIP_SHADOW_SHADE`], [`crate::face::mouth::CORNER_SHADE`]). From a
/// photograph's eyes alone, a face whose eyes show little white in shadow (face_recognition's
/// Biden test photo, #14's seventeenth pass) had teeth of luma 0.32 beside skin whose red was
/// 0.54: an open mouth was a flat grey wedge. 0.9 until #14's twenty-third pass, which with the
/// shading drawn on them left a photograph's lit procedural teeth at 0.72–0.80 of its skin's
/// brightest channel, grey beside it. A painted character's white eyes give teeth above the
/// floor: it leaves them as they were.
pub const TEETH_FLOOR: f32 = 1.0;

/// The least luma of a portrait's own opening's brightest third, as a share of the brightest
/// channel of the skin below the mouth, for it to be taken as the portrait's own teeth: a mouth
/// parted at rest that shows no teeth (the lips' inner edges, the dark inside) gives its lips'
/// colour, which taken as teeth drew them dark red (a photograph's parted lips, luma 0.31 beside
/// skin whose red was 0.55) or orange.
pub const OWN_TEETH_FLOOR: f32 = 0.8;

/// The median colour (per channel) of the skin below the mouth (`lm`: the 68 landmarks, pixels):
/// the band as wide as the lower lip's middle (iBUG 58 to 56) from 0.3 to 0.6 of the way from the
/// lower lip (57) to the chin (8), or `None` where it holds no pixel.
fn skin_below_mouth(image: &RgbaImage, lm: &[Vec2]) -> Option<[f32; 3]> {
    let down = lm[8] - lm[57];
    let (a, b) = (lm[58], lm[56]);
    median(&pixels_in(image, &[a + down * 0.3, b + down * 0.3, b + down * 0.6, a + down * 0.6]))
}

/// The procedural teeth's colour for a portrait whose landmarks at rest are `lm` (68, pixels;
/// `scale` pixels per face-model unit): a portrait that shows its own teeth (its inner lips' opening
/// at the middle at least [`crate::face::mouth::SEAM_OPENING`], the brightest third of it at least
/// [`OWN_TEETH_FLOOR`] of the skin below the mouth) gives theirs, so the teeth a lip uncovers match
/// the ones it shows; any other, its eyes' ([`crate::face::mouth::tooth_colour`]), no darker than
/// [`TEETH_FLOOR`] of that skin. From the eyes alone, the astronaut's lower teeth were grey (her eyes
/// are in shadow) beside her own white upper teeth.
pub(crate) fn teeth_colour(image: &RgbaImage, lm: &[Vec2], scale: f32, sclera: &[[f32; 3]; 2]) -> [f32; 3] {
    let mouth = &lm[60..68];
    let axis = (mouth[4] - mouth[0]).normalize_or_zero();
    let opening = (mouth[6] - mouth[2]).dot(Vec2::new(-axis.y, axis.x));
    let skin = skin_below_mouth(image, lm).map(|s| s[0].max(s[1]).max(s[2]));
    let own = (opening >= crate::face::mouth::SEAM_OPENING * scale)
        .then(|| brightest_third(image, mouth))
        .flatten()
        .filter(|t| skin.is_none_or(|s| luma(*t) >= OWN_TEETH_FLOOR * s));
    own.unwrap_or_else(|| {
        let t = crate::face::mouth::tooth_colour(sclera);
        let lift = skin.map_or(0.0, |s| (TEETH_FLOOR * s - luma(t)).max(0.0));
        t.map(|v| (v + lift).clamp(0.0, 1.0))
    })
}

/// How bright a mouth opening's teeth are beside the face's skin ([`teeth_reading`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TeethReading {
    /// The luma of the opening's brightest third (its lit teeth), as a share of the brightest
    /// channel of the skin below the mouth: real teeth under the same light read about 1
    /// (the astronaut's own 1.00), and more beside darker skin.
    pub lit: f32,
    /// The brightest third's colour over its channels' mean: enamel is near grey, a little warm.
    pub tint: [f32; 3],
    /// The opening's pixels (those whose centres a fan of triangles from its centroid covers).
    pub pixels: usize,
}

/// The darkest skin (its brightest channel, 0–1) [`teeth_reading`] measures beside: below it the
/// ratio says nothing.
const DARKEST_SKIN: f32 = 0.02;

/// How bright the teeth in the mouth opening `opening` (a polygon in `frame`'s pixels: the inner
/// lips' 8 points, iBUG 60–67) are beside the skin below the mouth of the portrait `rest` at its
/// landmarks `lm` (68, pixels): the measure that says whether drawn teeth look like the
/// portrait's own would (`examples/photo_eval.rs --teeth`). `None` for fewer than 68 landmarks,
/// an opening of fewer than 6 pixels, or no skin below the mouth brighter than 0.02.
pub fn teeth_reading(frame: &RgbaImage, opening: &[Vec2], rest: &RgbaImage, lm: &[Vec2]) -> Option<TeethReading> {
    if lm.len() < crate::face::N_LANDMARKS {
        return None;
    }
    let px = pixels_in(frame, opening);
    let pixels = px.len();
    let teeth = brightest_third_of(px)?;
    let skin = skin_below_mouth(rest, lm)?;
    let skin = skin[0].max(skin[1]).max(skin[2]);
    if skin < DARKEST_SKIN {
        return None;
    }
    let m = (teeth[0] + teeth[1] + teeth[2]) / 3.0;
    Some(TeethReading { lit: luma(teeth) / skin, tint: teeth.map(|v| v / m.max(1e-3)), pixels })
}

#[cfg(test)]
mod tests {
    use image::{Rgba, RgbaImage};

    use super::{luma, sclera_colour, teeth_colour};
    use crate::face::mouth::tests::contour as mouth;
    use crate::face::mouth::tooth_colour;

    /// 68 landmarks (pixels) with the inner lips `mouth(gap)` at (100..180, 100), the lower lip's
    /// middle (iBUG 56 to 58) 12 px below them and the chin (8) 60 px below: the skin below the
    /// mouth is the band from y = 123 to y = 137 between x = 120 and 160. Other points are unused.
    fn face(gap: f32) -> Vec<glam::Vec2> {
        let mut lm = vec![glam::Vec2::new(140.0, 100.0); 68];
        lm[60..68].copy_from_slice(&mouth(gap));
        let low = 100.0 + gap / 2.0 + 12.0;
        (lm[56], lm[57], lm[58]) =
            (glam::Vec2::new(160.0, low), glam::Vec2::new(140.0, low), glam::Vec2::new(120.0, low));
        lm[8] = glam::Vec2::new(140.0, low + 60.0);
        lm
    }

    #[test]
    fn a_portrait_showing_its_teeth_lends_them_their_colour_and_a_painted_seam_the_eyes() {
        // Pale yellow teeth over the upper part of the opening, a dark cavity below them.
        let mut image = RgbaImage::from_pixel(280, 200, Rgba([200, 120, 110, 255]));
        for y in 90..110 {
            for x in 100..180 {
                let c = if y < 100 { [240, 230, 200, 255] } else { [40, 20, 20, 255] };
                image.put_pixel(x, y, Rgba(c));
            }
        }
        let sclera = [[0.9, 0.9, 0.9]; 2];
        // 100 px per face-model unit: an opening of 16 px is well over SEAM_OPENING (5 px).
        let own = teeth_colour(&image, &face(16.0), 100.0, &sclera);
        assert!(own.iter().zip([240.0, 230.0, 200.0]).all(|(c, t)| (c * 255.0 - t).abs() < 1.0), "{own:?}");
        // Lips 3 px apart are a painted seam: the eyes' colour, as for a closed mouth.
        assert_eq!(teeth_colour(&image, &face(3.0), 100.0, &sclera), tooth_colour(&sclera));
    }

    #[test]
    fn teeth_are_no_darker_than_the_skins_brightest_channel_and_parted_lips_are_not_teeth() {
        // Ruddy skin (red 0.55), lips parted 16 px at rest over a dark inside: no teeth showing.
        let skin = [140u8, 80, 70];
        let mut image = RgbaImage::from_pixel(280, 200, Rgba([skin[0], skin[1], skin[2], 255]));
        for y in 92..108 {
            for x in 100..180 {
                let c = if (96..104).contains(&y) { [60, 30, 30, 255] } else { [120, 60, 60, 255] };
                image.put_pixel(x, y, Rgba(c));
            }
        }
        // Eyes in shadow: a dark grey sclera.
        let sclera = [[0.33, 0.32, 0.32]; 2];
        let t = teeth_colour(&image, &face(16.0), 100.0, &sclera);
        let red = 140.0 / 255.0;
        assert!((luma(t) - super::TEETH_FLOOR * red).abs() < 0.01, "lifted to the skin's red: {t:?}");
        // Lifted as a grey: the eyes' near-grey hue kept, not the lips' red.
        let (hi, lo) = (t.iter().cloned().fold(0.0f32, f32::max), t.iter().cloned().fold(1.0f32, f32::min));
        assert!(hi - lo < 0.05, "{t:?}");
        // Bright eyes are not darkened by the floor.
        let white = [[0.95, 0.95, 0.95]; 2];
        assert_eq!(teeth_colour(&image, &face(16.0), 100.0, &white), tooth_colour(&white));
    }

    /// An eye (iBUG order: outer corner, upper lid, inner corner, lower lid) 60 px wide at
    /// (100, 100), in skin of `skin`, its opening of `lids` with an iris and, where `white` is
    /// given, sclera beside the iris.
    fn eye_image(skin: [u8; 3], lids: [u8; 3], white: Option<[u8; 3]>) -> (RgbaImage, Vec<glam::Vec2>) {
        let mut image = RgbaImage::from_pixel(200, 200, Rgba([skin[0], skin[1], skin[2], 255]));
        for y in 88..113 {
            for x in 70..131 {
                let (dx, dy) = (x as f32 - 100.0, y as f32 - 100.0);
                let c = if dx * dx + dy * dy < 100.0 {
                    [40, 30, 25]
                } else if white.is_some() && dx.abs() < 22.0 && dy.abs() < 6.0 {
                    white.unwrap()
                } else {
                    lids
                };
                image.put_pixel(x, y, Rgba([c[0], c[1], c[2], 255]));
            }
        }
        let eye = [(70.0, 100.0), (85.0, 89.0), (115.0, 89.0), (130.0, 100.0), (115.0, 111.0), (85.0, 111.0)];
        (image, eye.iter().map(|&(x, y)| glam::Vec2::new(x, y)).collect())
    }

    #[test]
    fn the_sclera_is_the_eyes_white_or_a_grey_as_light_as_the_skin_where_the_eye_shows_none() {
        let skin = [200, 140, 110];
        let skin_luma = luma(skin.map(|v| v as f32 / 255.0));
        // Grey whites beside the iris, brown lids: the whites, not the lids' brown.
        let (image, eye) = eye_image(skin, [120, 80, 60], Some([170, 170, 168]));
        let s = sclera_colour(&image, &eye);
        assert!(s.iter().all(|v| (v * 255.0 - 170.0).abs() < 4.0), "{s:?}");
        // An eye showing no white (lids and iris only, as a small photographed eye in shadow): a
        // near-grey no darker than SCLERA_FLOOR of the skin, not the lids' brown.
        let (image, eye) = eye_image(skin, [120, 80, 60], None);
        let s = sclera_colour(&image, &eye);
        let chroma = s.iter().cloned().fold(0.0f32, f32::max) - s.iter().cloned().fold(1.0f32, f32::min);
        assert!(chroma < 0.35 * (120.0 - 60.0) / 255.0 + 0.01, "{s:?}");
        assert!((luma(s) - super::SCLERA_FLOOR * skin_luma).abs() < 0.01, "{s:?} against skin {skin_luma}");
        // Painted white eyes stay white.
        let (image, eye) = eye_image(skin, [235, 235, 235], None);
        let s = sclera_colour(&image, &eye);
        assert!(s.iter().all(|v| (v * 255.0 - 235.0).abs() < 2.0), "{s:?}");
    }
}
