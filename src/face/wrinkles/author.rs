//! Where the creases are: the authored table of [`super::Creases`], in millimetres on the mean
//! face (the module table in [`super`] says which action units drive each group).

use glam::Vec2;

use super::{Creases, Segment};
use crate::face::mean::IOD_MM;

/// Creases of the subject's right half in millimetres (`x < 0`), mirrored for the left.
pub(super) fn author() -> Creases {
    let mut segments = Vec::new();
    let mm = |v: [f32; 2]| Vec2::new(v[0], v[1]) / IOD_MM;
    // `pts` in mm for the subject's right side; `right`/`left` groups; `fade` the lengths (mm)
    // over which the crease deepens at its first end and fades at its last, each centred on the
    // authored point (0: full depth to that point, where it goes on into another crease, or is
    // a spot).
    let mut crease = |pts: &[[f32; 2]], width_mm: f32, depth: f32, lit: f32, fade: [f32; 2], right: u32, left: u32| {
        if pts.len() < 2 {
            return;
        }
        for (g, sx) in [(right, 1.0f32), (left, -1.0)] {
            let mut p: Vec<Vec2> = pts.iter().map(|&v| mm([v[0] * sx, v[1]])).collect();
            let mut fade = fade.map(|f| f / IOD_MM);
            if sx < 0.0 {
                // Keep the lit side on the same anatomical side after mirroring.
                p.reverse();
                fade.reverse();
            }
            // A fading end goes on half its fade beyond the authored point, where the crease is
            // then half as deep: it reaches as far as authored, no longer to a round cap.
            let n = p.len();
            let (first, last) = ((p[0] - p[1]).normalize_or_zero(), (p[n - 1] - p[n - 2]).normalize_or_zero());
            p[0] += first * fade[0] * 0.5;
            p[n - 1] += last * fade[1] * 0.5;
            let along: Vec<f32> = std::iter::once(0.0)
                .chain(p.windows(2).scan(0.0, |s, w| {
                    *s += w[0].distance(w[1]);
                    Some(*s)
                }))
                .collect();
            let length = along[along.len() - 1];
            let ramp = |d: f32, over: f32| if over > 0.0 { d / over } else { 1.0 };
            for k in 0..p.len() - 1 {
                segments.push(Segment {
                    a: p[k],
                    b: p[k + 1],
                    width: width_mm / IOD_MM,
                    depth,
                    lit,
                    group: g,
                    fade_in: [ramp(along[k], fade[0]), ramp(along[k + 1], fade[0])],
                    fade_out: [ramp(length - along[k], fade[1]), ramp(length - along[k + 1], fade[1])],
                });
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
            [0.3 * 0.7 * reach, 0.0],
            FOREHEAD_RIGHT,
            FOREHEAD_LEFT,
        );
        crease(&[[-reach * 0.3, y], [0.0, y - 0.5]], 1.6, 0.13, 0.5, [0.0, 0.0], FOREHEAD_CENTRE, FOREHEAD_CENTRE);
    }
    // Frown lines: beside the midline between the inner brow ends (x = ±14 mm), top outwards.
    crease(&[[-4.0, -8.0], [-5.0, -16.0], [-7.0, -25.0]], 1.6, 0.22, 0.6, [2.0, 3.0], FROWN_RIGHT, FROWN_LEFT);
    crease(&[[-9.0, -11.0], [-11.0, -20.0]], 1.4, 0.12, 0.4, [2.0, 2.0], FROWN_RIGHT, FROWN_LEFT);
    // Procerus line across the root of the nose, and nose wrinkles over the bridge (tried at
    // the root instead, with oblique lines down the nose's side walls: face-api then read
    // disgust on none of the three tuned portraits, against all three).
    crease(&[[-7.0, -3.0], [0.0, -4.0]], 1.4, 0.14, 0.3, [2.0, 0.0], NOSE, NOSE);
    for (y, r) in [(6.0f32, 8.0f32), (10.0, 9.0), (14.0, 10.0)] {
        crease(&[[-r, y + 2.0], [-r * 0.4, y], [0.0, y - 0.3]], 1.3, 0.15, 0.4, [2.0, 0.0], NOSE, NOSE);
    }
    // Crow's feet: three lines fanning out from the outer eye corner (±45 mm, 0).
    for (dy0, dy1) in [(-2.0f32, -8.0f32), (0.5, 0.5), (3.0, 9.0)] {
        crease(&[[-49.0, dy0], [-58.0, dy1]], 1.3, 0.14, 0.4, [2.0, 5.0], CROWS_RIGHT, CROWS_LEFT);
    }
    // Cheek raise: the lower-lid crease under the eye and the lit apple of the cheek.
    crease(&[[-37.0, 9.0], [-30.0, 11.5], [-21.0, 10.5]], 1.8, 0.11, 0.0, [3.0, 3.0], CHEEK_RIGHT, CHEEK_LEFT);
    crease(&[[-33.0, 22.0], [-27.0, 23.0]], 7.0, -0.10, 0.0, [0.0, 0.0], CHEEK_RIGHT, CHEEK_LEFT);
    // Nasolabial fold: from the nose wing past the outside of the mouth corner; lit on the cheek.
    crease(
        &[[-19.0, 38.0], [-25.0, 48.0], [-29.5, 60.0], [-31.0, 73.0]],
        2.6,
        0.20,
        0.6,
        [0.0, 8.0],
        NASOLABIAL_RIGHT,
        NASOLABIAL_LEFT,
    );
    // A broad smile's fold is broad on a photograph: the groove, the bulge of the cheek pushed
    // up beside it and its shadow, often lateral to the authored line. This band draws nothing
    // (depth 0) but relaxes such a fold over 9 + 8 mm each side of its line.
    crease(
        &[[-20.0, 36.0], [-27.0, 48.0], [-32.0, 60.0], [-34.0, 74.0]],
        9.0,
        0.0,
        0.0,
        [0.0, 0.0],
        SMILE_FOLDS,
        SMILE_FOLDS,
    );
    // Marionette line: from the mouth corner down towards the jaw.
    crease(
        &[[-27.0, 72.0], [-28.5, 80.0], [-29.0, 89.0]],
        2.6,
        0.10,
        0.5,
        [4.0, 8.0],
        MARIONETTE_RIGHT,
        MARIONETTE_LEFT,
    );
    // Chin: the mentolabial crease deepens and the chin dimples.
    crease(&[[-14.0, 82.0], [-7.0, 85.5], [0.0, 86.5]], 2.6, 0.12, 0.6, [3.0, 0.0], CHIN, CHIN);
    for (x, y) in [(-6.0f32, 93.0f32), (-11.0, 96.0), (-3.0, 98.5)] {
        crease(&[[x, y], [x - 1.0, y + 0.5]], 2.0, 0.08, 0.0, [0.0, 0.0], CHIN, CHIN);
    }
    Creases { segments }
}
