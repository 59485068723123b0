//! Where the creases are: the authored table of [`super::Creases`], in millimetres on the mean
//! face (the module table in [`super`] says which action units drive each group).

use glam::Vec2;

use super::{Creases, Segment};
use crate::face::mean::IOD_MM;

/// Creases of the subject's right half in millimetres (`x < 0`), mirrored for the left.
pub(super) fn author() -> Creases {
    let mut segments = Vec::new();
    let mm = |v: [f32; 2]| Vec2::new(v[0], v[1]) / IOD_MM;
    // `pts` in mm for the subject's right side; `right`/`left` groups.
    let mut crease = |pts: &[[f32; 2]], width_mm: f32, depth: f32, lit: f32, right: u32, left: u32| {
        for (g, sx) in [(right, 1.0f32), (left, -1.0)] {
            let mut p: Vec<Vec2> = pts.iter().map(|&v| mm([v[0] * sx, v[1]])).collect();
            if sx < 0.0 {
                // Keep the lit side on the same anatomical side after mirroring.
                p.reverse();
            }
            for k in 0..p.len() - 1 {
                segments.push(Segment { a: p[k], b: p[k + 1], width: width_mm / IOD_MM, depth, lit, group: g });
            }
        }
    };
    use super::group::*;
    // Forehead: three lines above the brows (brows at y −15…−23 mm), the lower ones longer.
    for (k, y) in [-33.0f32, -41.0, -49.0].into_iter().enumerate() {
        let reach = 40.0 - 6.0 * k as f32;
        let sag = 2.5; // the lines dip a little towards the temples
        crease(
            &[[-reach, y + sag], [-reach * 0.6, y + 0.6], [-reach * 0.3, y]],
            1.6,
            0.13,
            0.5,
            FOREHEAD_RIGHT,
            FOREHEAD_LEFT,
        );
        crease(&[[-reach * 0.3, y], [0.0, y - 0.5]], 1.6, 0.13, 0.5, FOREHEAD_CENTRE, FOREHEAD_CENTRE);
    }
    // Frown lines: beside the midline between the inner brow ends (x = ±14 mm), top outwards.
    crease(&[[-4.0, -8.0], [-5.0, -16.0], [-7.0, -25.0]], 1.6, 0.22, 0.6, FROWN_RIGHT, FROWN_LEFT);
    crease(&[[-9.0, -11.0], [-11.0, -20.0]], 1.4, 0.12, 0.4, FROWN_RIGHT, FROWN_LEFT);
    // Procerus line across the root of the nose, and nose wrinkles over the bridge.
    crease(&[[-7.0, -3.0], [0.0, -4.0]], 1.4, 0.14, 0.3, NOSE, NOSE);
    for (y, r) in [(6.0f32, 8.0f32), (10.0, 9.0), (14.0, 10.0)] {
        crease(&[[-r, y + 2.0], [-r * 0.4, y], [0.0, y - 0.3]], 1.3, 0.15, 0.4, NOSE, NOSE);
    }
    // Crow's feet: three lines fanning out from the outer eye corner (±45 mm, 0).
    for (dy0, dy1) in [(-2.0f32, -8.0f32), (0.5, 0.5), (3.0, 9.0)] {
        crease(&[[-49.0, dy0], [-58.0, dy1]], 1.3, 0.14, 0.4, CROWS_RIGHT, CROWS_LEFT);
    }
    // Cheek raise: the lower-lid crease under the eye and the lit apple of the cheek.
    crease(&[[-37.0, 9.0], [-30.0, 11.5], [-21.0, 10.5]], 1.8, 0.11, 0.0, CHEEK_RIGHT, CHEEK_LEFT);
    crease(&[[-33.0, 22.0], [-27.0, 23.0]], 7.0, -0.10, 0.0, CHEEK_RIGHT, CHEEK_LEFT);
    // Nasolabial fold: from the nose wing past the outside of the mouth corner; lit on the cheek.
    crease(
        &[[-19.0, 38.0], [-25.0, 48.0], [-29.5, 60.0], [-31.0, 73.0]],
        2.6,
        0.20,
        0.6,
        NASOLABIAL_RIGHT,
        NASOLABIAL_LEFT,
    );
    // A broad smile's fold is broad on a photograph: the groove, the bulge of the cheek pushed
    // up beside it and its shadow, often lateral to the authored line. This band draws nothing
    // (depth 0) but relaxes such a fold over 9 + 8 mm each side of its line.
    crease(&[[-20.0, 36.0], [-27.0, 48.0], [-32.0, 60.0], [-34.0, 74.0]], 9.0, 0.0, 0.0, SMILE_FOLDS, SMILE_FOLDS);
    // Marionette line: from the mouth corner down towards the jaw.
    crease(&[[-27.0, 72.0], [-28.5, 80.0], [-29.0, 89.0]], 2.6, 0.10, 0.5, MARIONETTE_RIGHT, MARIONETTE_LEFT);
    // Chin: the mentolabial crease deepens and the chin dimples.
    crease(&[[-14.0, 82.0], [-7.0, 85.5], [0.0, 86.5]], 2.6, 0.12, 0.6, CHIN, CHIN);
    for (x, y) in [(-6.0f32, 93.0f32), (-11.0, 96.0), (-3.0, 98.5)] {
        crease(&[[x, y], [x - 1.0, y + 0.5]], 2.0, 0.08, 0.0, CHIN, CHIN);
    }
    Creases { segments }
}
