//! The portrait's skin with its own creases low-passed out ([`smooth_skin`]), which a
//! portrait's own expression relaxes towards ([`super::SkinShading`]).

use glam::Vec2;

use super::SMOOTH_SIGMA;

/// The portrait's skin, low-passed: RGB is a Gaussian blur (σ = `sigma` × `scale` pixels,
/// `sigma` in face-mesh units ([`smooth_sigma`](super::smooth_sigma)), `scale` the fit's pixels
/// per face-mesh unit) of the skin alone, so the lips, eyes and lower nose
/// (the polygons of `landmarks`' outer lip contour and eye contours, and `nose_hole`) do not
/// bleed into it; alpha is how much a pixel is skin (0 on them, 1 a [`SMOOTH_SIGMA`] blur's
/// width away, whatever `sigma`), which keeps the relaxing off them: a photograph's broad smile
/// relaxes over a band that reaches the nose's wings, and its wide low-pass smeared the wings and
/// nostrils into the cheeks (the nose lost its shape). Nor is what lies beyond the jaw line skin
/// (`face_region`): a smile relaxed near the jaw drew the background into the cheek, a grey
/// haze along a painted character's jaw.
pub fn smooth_skin(image: &image::RgbaImage, landmarks: &[Vec2], sigma: f32, scale: f32) -> image::RgbaImage {
    let (w, h) = image.dimensions();
    let holes: Vec<Vec<Vec2>> = [48..60, 36..42, 42..48]
        .into_iter()
        .filter(|r| r.end <= landmarks.len())
        .map(|r| landmarks[r].to_vec())
        .chain((landmarks.len() > 35).then(|| nose_hole(landmarks)))
        .collect();
    let face = face_region(landmarks);
    let mut pre = image::Rgba32FImage::new(w, h);
    for (x, y, px) in pre.enumerate_pixels_mut() {
        let q = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
        let beyond = face.as_ref().is_some_and(|f| !crate::face::cpu_render::inside(f, q));
        let m = if beyond || holes.iter().any(|poly| crate::face::cpu_render::inside(poly, q)) { 0.0 } else { 1.0 };
        let c = image.get_pixel(x, y).0;
        *px = image::Rgba([c[0] as f32 * m / 255.0, c[1] as f32 * m / 255.0, c[2] as f32 * m / 255.0, m]);
    }
    let narrow = (SMOOTH_SIGMA * scale).max(0.5);
    let sigma = (sigma * scale).max(0.5);
    let blurred = image::imageops::blur(&pre, sigma);
    // Skin-ness ramps over the narrow blur whatever the colour's: a wide low-pass would keep the
    // relaxing off the skin beside the lips (the corners of a smile) as far as it reaches.
    let ramp = if sigma > narrow {
        let mask = image::ImageBuffer::<image::Luma<f32>, Vec<f32>>::from_fn(w, h, |x, y| {
            image::Luma([pre.get_pixel(x, y).0[3]])
        });
        Some(image::imageops::blur(&mask, narrow))
    } else {
        None
    };
    let mut out = image::RgbaImage::new(w, h);
    for (x, y, px) in out.enumerate_pixels_mut() {
        let b = blurred.get_pixel(x, y).0;
        let own = image.get_pixel(x, y).0;
        let m = pre.get_pixel(x, y).0[3];
        let rgb: [f32; 3] = if b[3] > 1e-3 { [b[0] / b[3], b[1] / b[3], b[2] / b[3]] } else { [0.0; 3] };
        let q = |i: usize| if b[3] > 1e-3 { (rgb[i] * 255.0).round().clamp(0.0, 255.0) as u8 } else { own[i] };
        // Skin-ness: off inside the holes, rising to 1 over the narrow blur's half-width outside them.
        let near = ramp.as_ref().map_or(b[3], |r| r.get_pixel(x, y).0[0]);
        let skin = m * ((near - 0.5) / 0.45).clamp(0.0, 1.0);
        *px = image::Rgba([q(0), q(1), q(2), (skin * 255.0).round() as u8]);
    }
    out
}

/// The face within its jaw line: the jaw contour (0–16) closed over the head by its two ends
/// carried up past the forehead (twice the chin-to-bridge height, 8 to 27, along the face's
/// up), so the background beside and below the jaw and the neck are not skin; `None` when the
/// landmarks hold no jaw line that encloses anything.
fn face_region(lm: &[Vec2]) -> Option<Vec<Vec2>> {
    if lm.len() < 28 {
        return None;
    }
    let up = (lm[27] - lm[8]) * 2.0;
    let mut poly = lm[0..=16].to_vec();
    poly.extend([lm[16] + up, lm[0] + up]);
    let area = poly.iter().zip(poly.iter().cycle().skip(1)).map(|(a, b)| a.perp_dot(*b)).sum::<f32>() / 2.0;
    (area.abs() >= 1.0).then_some(poly)
}

/// The lower nose, its wings and nostrils, as a polygon of the 68 landmarks: from the middle of
/// the bridge (29) down the wings (31 and 35 moved a quarter of their distance from 33 outwards,
/// and raised), along the nostrils' base to just under the tip (33).
fn nose_hole(lm: &[Vec2]) -> Vec<Vec2> {
    let down = lm[33] - lm[30];
    let wide = |i: usize| lm[i] + (lm[i] - lm[33]) * 0.25;
    vec![lm[29], wide(31) - down * 0.6, wide(31), lm[32], lm[33] + down * 0.1, lm[34], wide(35), wide(35) - down * 0.6]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smoothed_skin_keeps_lips_eyes_and_nose_out() {
        // Skin, with a red mouth (the outer lip polygon) and dark eyes, and a lower nose (its
        // wings and nostrils: a broad smile's wide low-pass smeared them, #14's thirteenth pass).
        let (skin, red) = ([200u8, 150, 130, 255], [150u8, 30, 40, 255]);
        let mut img = image::RgbaImage::from_pixel(120, 120, image::Rgba(skin));
        let mut lm = vec![Vec2::ZERO; 68];
        for k in 0..12 {
            let a = k as f32 / 12.0 * std::f32::consts::TAU;
            lm[48 + k] = Vec2::new(60.0 + 16.0 * a.cos(), 80.0 + 6.0 * a.sin());
        }
        for (e, cx) in [(36usize, 35.0f32), (42, 85.0)] {
            for k in 0..6 {
                let a = k as f32 / 6.0 * std::f32::consts::TAU;
                lm[e + k] = Vec2::new(cx + 8.0 * a.cos(), 40.0 + 3.0 * a.sin());
            }
        }
        for (i, x, y) in [(29, 60.0, 50.0), (30, 60.0, 58.0), (31, 52.0, 64.0), (32, 56.0, 65.0), (33, 60.0, 66.0)] {
            lm[i] = Vec2::new(x, y);
            // The wings' mirror images: 31 ↔ 35, 32 ↔ 34.
            if i > 30 {
                lm[66 - i] = Vec2::new(120.0 - x, y);
            }
        }
        for (x, y, px) in img.enumerate_pixels_mut() {
            let q = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            if crate::face::cpu_render::inside(&lm[48..60], q) {
                *px = image::Rgba(red);
            } else if crate::face::cpu_render::inside(&lm[36..42], q) || crate::face::cpu_render::inside(&lm[42..48], q)
            {
                *px = image::Rgba([20, 20, 20, 255]);
            }
        }
        // 3.5 mm at 40 px per face-mesh unit: a blur of about 1.6 px.
        let out = smooth_skin(&img, &lm, SMOOTH_SIGMA, 40.0);
        for (x, y) in [(60u32, 88u32), (78, 80), (35, 45), (60, 20)] {
            let p = out.get_pixel(x, y).0;
            assert!((0..3).all(|i| (p[i] as i32 - skin[i] as i32).abs() <= 3), "({x}, {y}): {p:?} is not skin");
            assert!(p[3] > 128, "({x}, {y}) is skin: {}", p[3]);
        }
        assert_eq!(out.get_pixel(60, 80).0[3], 0, "the mouth is not skin");
        assert_eq!(out.get_pixel(35, 40).0[3], 0, "an eye is not skin");
        assert_eq!(out.get_pixel(60, 63).0[3], 0, "the nose tip is not skin");
        assert_eq!(out.get_pixel(52, 61).0[3], 0, "a nose wing is not skin");
        assert!(out.get_pixel(60, 38).0[3] > 128, "the bridge is skin");
    }

    #[test]
    fn what_lies_beyond_the_jaw_line_is_not_skin() {
        // A face (skin) on a grey background: the jaw contour a half-ellipse round (60, 50), the
        // bridge (27) above the chin (8). Smoothed widely (the band a broad smile relaxes), the
        // skin beside the jaw keeps its colour and the background is not skin.
        let (skin, grey) = ([120u8, 80, 55, 255], [150u8, 150, 155, 255]);
        let mut lm = vec![Vec2::ZERO; 68];
        for (k, p) in lm[0..=16].iter_mut().enumerate() {
            let a = std::f32::consts::PI * k as f32 / 16.0;
            *p = Vec2::new(60.0 - 40.0 * a.cos(), 50.0 + 55.0 * a.sin());
        }
        lm[27] = Vec2::new(60.0, 45.0);
        let mut img = image::RgbaImage::from_pixel(120, 120, image::Rgba(grey));
        for (x, y, px) in img.enumerate_pixels_mut() {
            if crate::face::cpu_render::inside(
                &face_region(&lm).expect("a jaw line"),
                Vec2::new(x as f32 + 0.5, y as f32 + 0.5),
            ) {
                *px = image::Rgba(skin);
            }
        }
        let out = smooth_skin(&img, &lm, 3.0 * SMOOTH_SIGMA, 40.0);
        // Just inside the jaw, low on the cheek: skin's colour, not mixed with the background.
        let p = out.get_pixel(30, 85).0;
        assert!((0..3).all(|i| (p[i] as i32 - skin[i] as i32).abs() <= 2), "{p:?} is not the skin's colour");
        // Beyond the jaw: not skin, so nothing there is relaxed.
        assert_eq!(out.get_pixel(10, 100).0[3], 0, "the background is not skin");
        assert_eq!(out.get_pixel(60, 112).0[3], 0, "below the chin is not skin");
        assert!(out.get_pixel(60, 60).0[3] > 200, "the cheek is skin");
        assert!(out.get_pixel(60, 25).0[3] > 200, "the forehead, above the jaw's ends, is skin");
    }
}
