//! Colours a portrait's renderers take from the portrait itself: its eyes' sclera and the teeth
//! the procedural mouth interior draws.

use glam::Vec2;
use image::RgbaImage;

use crate::face::cpu_render::raster;

/// The sclera's colour in a rest eye: the mean of the brightest third of its pixels (the iris,
/// pupil and lash line are darker), or a plain off-white for an eye too small to sample.
pub(crate) fn sclera_colour(image: &RgbaImage, eye: &[Vec2]) -> [f32; 3] {
    brightest_third(image, eye).unwrap_or([0.86, 0.84, 0.80])
}

/// The mean colour of the brightest third of the pixels inside `contour` (a fan from its
/// centroid), or `None` for fewer than 6 pixels.
fn brightest_third(image: &RgbaImage, contour: &[Vec2]) -> Option<[f32; 3]> {
    let mut px: Vec<[f32; 3]> = Vec::new();
    let c = contour.iter().sum::<Vec2>() / contour.len() as f32;
    for k in 0..contour.len() {
        raster([c, contour[k], contour[(k + 1) % contour.len()]], image.width(), image.height(), |x, y, _| {
            let q = image.get_pixel(x, y).0;
            px.push([q[0] as f32 / 255.0, q[1] as f32 / 255.0, q[2] as f32 / 255.0]);
        });
    }
    if px.len() < 6 {
        return None;
    }
    px.sort_by(|a, b| (b[0] + b[1] + b[2]).total_cmp(&(a[0] + a[1] + a[2])));
    let top = &px[..px.len().div_ceil(3)];
    let n = top.len() as f32;
    Some(top.iter().fold([0.0; 3], |s, c| [s[0] + c[0] / n, s[1] + c[1] / n, s[2] + c[2] / n]))
}

/// The procedural teeth's colour for a portrait whose inner lips at rest are `mouth` (iBUG
/// 60–67, pixels; `scale` pixels per face-model unit): a portrait that shows its own teeth (its
/// opening at the middle at least [`crate::face::mouth::SEAM_OPENING`]) gives theirs, the brightest third
/// of its opening, so the teeth a lip uncovers match the ones it shows; any other, its eyes'
/// ([`crate::face::mouth::tooth_colour`]). From the eyes alone, the astronaut's lower teeth were grey
/// (her eyes are in shadow) beside her own white upper teeth.
pub(crate) fn teeth_colour(image: &RgbaImage, mouth: &[Vec2], scale: f32, sclera: &[[f32; 3]; 2]) -> [f32; 3] {
    let axis = (mouth[4] - mouth[0]).normalize_or_zero();
    let opening = (mouth[6] - mouth[2]).dot(Vec2::new(-axis.y, axis.x));
    let own = (opening >= crate::face::mouth::SEAM_OPENING * scale).then(|| brightest_third(image, mouth)).flatten();
    own.unwrap_or_else(|| crate::face::mouth::tooth_colour(sclera))
}

#[cfg(test)]
mod tests {
    use image::{Rgba, RgbaImage};

    use super::teeth_colour;
    use crate::face::mouth::tests::contour as mouth;
    use crate::face::mouth::tooth_colour;

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
        let sclera = [[0.6, 0.6, 0.6]; 2];
        // 100 px per face-model unit: an opening of 16 px is well over SEAM_OPENING (5 px).
        let own = teeth_colour(&image, &mouth(16.0), 100.0, &sclera);
        assert!(own.iter().zip([240.0, 230.0, 200.0]).all(|(c, t)| (c * 255.0 - t).abs() < 1.0), "{own:?}");
        // Lips 3 px apart are a painted seam: the eyes' colour, as for a closed mouth.
        assert_eq!(teeth_colour(&image, &mouth(3.0), 100.0, &sclera), tooth_colour(&sclera));
    }
}
