//! The mean face: the 68 landmarks of an average adult face in 3D, in the normalised frame.
//!
//! **Frame.** `x` to the image right (the subject's left), `y` down, `z` towards the viewer, all
//! in units of the inter-ocular distance (IOD): the outer eye corners (36, 45) sit at
//! `x = ∓0.5`, `y = 0`, so they are exactly 1 apart. The origin is the midpoint between them.
//!
//! **Where the numbers come from.** Each point is written below in millimetres, from adult
//! anthropometric norms (Farkas, *Anthropometry of the Head and Face*, 1994; averages of male and
//! female norms, rounded) and then divided by the outer canthal width `ex–ex = 90 mm`:
//!
//! | Measure | Value | Landmarks |
//! |---|---|---|
//! | outer canthal width ex–ex | 90 mm | 36–45 |
//! | inner canthal width en–en | 33 mm | 39–42 |
//! | palpebral fissure height | 10 mm | 37/38 – 41/40 |
//! | bizygomatic width zy–zy | 136 mm | jaw 0–16 at eye level |
//! | bigonial width go–go | 104 mm | jaw 4–12 |
//! | nose width al–al | 34 mm | 31–35 |
//! | eye line to subnasale | 47 mm | 33 |
//! | subnasale to stomion | 22 mm | 62/66 |
//! | mouth width ch–ch | 50 mm | 48–54 |
//! | upper / lower vermilion height | 7 / 9 mm | 51–62, 66–57 |
//! | stomion to soft-tissue gnathion | 40 mm | 8 |
//! | brow height above the eye line | 15–23 mm | 17–26 |
//! | nose tip protrusion in front of the outer canthi | 38 mm | 30 |
//! | jaw angle behind the outer canthi | 20–40 mm | 0–4, 12–16 |
//!
//! Depths (`z`) are measured from the coronal plane through the outer eye corners. The mouth is
//! closed with a 1 mm gap between the inner lips, so the mouth opening is a (thin) polygon.

use glam::Vec3;

use super::N_LANDMARKS;

/// Outer canthal width in millimetres: the unit of the normalised frame.
pub const IOD_MM: f32 = 90.0;

/// The right half (image left, `x ≤ 0`) and midline of the mean face, in millimetres:
/// `(landmark, x, y, z)`. The left half is its mirror image.
const RIGHT_HALF_MM: [(usize, f32, f32, f32); 39] = [
    // Jaw, from the right ear (tragus level) to the chin.
    (0, -68.0, 6.0, -40.0),
    (1, -67.0, 21.0, -37.0),
    (2, -65.0, 36.0, -33.0),
    (3, -61.0, 51.0, -27.0),
    (4, -52.0, 65.0, -20.0),
    (5, -45.0, 78.0, -11.0),
    (6, -34.0, 90.0, -2.0),
    (7, -19.0, 99.0, 6.0),
    (8, 0.0, 103.0, 10.0),
    // Right brow, outer to inner.
    (17, -53.0, -15.0, 0.0),
    (18, -45.0, -21.0, 7.0),
    (19, -35.0, -23.0, 12.0),
    (20, -25.0, -22.0, 16.0),
    (21, -14.0, -19.0, 18.0),
    // Nose bridge, nasion to tip.
    (27, 0.0, 0.0, 19.0),
    (28, 0.0, 12.0, 24.0),
    (29, 0.0, 24.0, 30.0),
    (30, 0.0, 35.0, 38.0),
    // Nostrils: right wing, inner right, subnasale.
    (31, -17.0, 42.0, 18.0),
    (32, -9.0, 45.0, 24.0),
    (33, 0.0, 47.0, 27.0),
    // Right eye: outer corner, upper lid, inner corner, lower lid.
    (36, -45.0, 0.0, 0.0),
    (37, -35.5, -5.0, 6.0),
    (38, -25.5, -5.5, 8.0),
    (39, -16.5, 0.0, 7.0),
    (40, -25.5, 4.0, 7.0),
    (41, -35.5, 3.5, 5.0),
    // Outer lips: right corner, upper lip to the midline, lower lip from the midline.
    (48, -25.0, 69.5, 12.0),
    (49, -16.0, 64.5, 20.0),
    (50, -6.5, 61.5, 26.0),
    (51, 0.0, 62.5, 27.0),
    (57, 0.0, 78.0, 23.0),
    (58, -7.5, 77.0, 22.0),
    (59, -16.5, 74.5, 18.0),
    // Inner lips: right corner, upper inner lip to the midline, lower inner lip.
    (60, -21.0, 69.5, 14.0),
    (61, -8.0, 68.5, 21.0),
    (62, 0.0, 69.0, 22.0),
    (66, 0.0, 70.0, 22.0),
    (67, -8.0, 69.5, 21.0),
];

/// The 68 mean-face landmarks in the normalised frame (see the module docs).
pub fn mean_face() -> [Vec3; N_LANDMARKS] {
    let mut pts = [Vec3::NAN; N_LANDMARKS];
    for &(i, x, y, z) in &RIGHT_HALF_MM {
        let p = Vec3::new(x, y, z) / IOD_MM;
        pts[i] = p;
        pts[super::MIRROR[i]] = Vec3::new(-p.x, p.y, p.z);
    }
    pts
}

/// The mean face seen from the front (orthographic): its `x, y` coordinates.
pub fn mean_face_2d() -> [glam::Vec2; N_LANDMARKS] {
    mean_face().map(|p| p.truncate())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::layout::point;

    #[test]
    fn every_landmark_is_defined_and_the_face_is_symmetric() {
        let f = mean_face();
        for (i, p) in f.iter().enumerate() {
            assert!(p.is_finite(), "landmark {i} undefined");
            let m = f[crate::face::MIRROR[i]];
            assert!((p.x + m.x).abs() < 1e-6 && (p.y - m.y).abs() < 1e-6 && (p.z - m.z).abs() < 1e-6, "{i}");
        }
        assert!((f[point::LEFT_EYE_OUTER].x - f[point::RIGHT_EYE_OUTER].x - 1.0).abs() < 1e-6, "IOD = 1");
    }

    #[test]
    fn proportions_follow_the_table() {
        let f = mean_face();
        let mm = |a: usize, b: usize| (f[a] - f[b]).truncate().length() * IOD_MM;
        assert!((mm(39, 42) - 33.0).abs() < 0.5, "inner canthal width");
        assert!((mm(31, 35) - 34.0).abs() < 0.5, "nose width");
        assert!((mm(48, 54) - 50.0).abs() < 0.5, "mouth width");
        assert!((mm(0, 16) - 136.0).abs() < 0.5, "bizygomatic width");
        assert!((mm(4, 12) - 104.0).abs() < 0.5, "bigonial width");
        // The nose tip is the most forward point; the jaw near the ears the furthest back.
        let front = (0..68).max_by(|&a, &b| f[a].z.total_cmp(&f[b].z)).unwrap();
        assert_eq!(front, point::NOSE_TIP);
        // The mouth is closed but open by 1 mm between the inner lips, upper above lower.
        assert!((f[66].y - f[62].y) * IOD_MM - 1.0 < 1e-4 && f[66].y > f[62].y);
        // Every closed contour (eyes, lips) is a simple polygon with a positive area.
        use crate::face::Region;
        for r in [Region::RightEye, Region::LeftEye, Region::OuterLips, Region::InnerLips] {
            let pts: Vec<_> = r.range().map(|i| f[i].truncate()).collect();
            let area: f32 = (0..pts.len()).map(|k| pts[k].perp_dot(pts[(k + 1) % pts.len()])).sum::<f32>() / 2.0;
            assert!(area.abs() > 1e-5, "{r:?} has no area");
        }
    }
}
