//! The rendered geometry image of the deformed face: the paper's `I_rd`, the 3DMM rendering that
//! conditions the neural stage (HEF), here as three channels per pixel.
//!
//! * **R: region label** × [`LABEL_STEP`]: 0 outside the mesh, 1 head surroundings (hair, ears,
//!   neck: triangles touching the rings), 2 face skin, 3 lips, 4 eye, 5 mouth opening.
//! * **G: shading**: Lambert `max(0, n·l)` with per-vertex normals of the deformed 3D mesh and a
//!   light from the upper left front ([`LIGHT`]), 255 = fully lit.
//! * **B: depth**: `z` towards the viewer, scaled so the mesh's nearest point is 255 and the
//!   farthest 0.

use glam::{Vec2, Vec3};
use image::{Rgba, RgbaImage};

use super::blendshapes::BlendshapeBasis;
use super::cpu_render::{HeadPose, PreparedPortrait, raster};
use super::layout::Region;
use super::mesh::{FaceMesh, VertexKind};

/// Label values are multiplied by this in the red channel.
pub const LABEL_STEP: u8 = 40;
/// Direction towards the light (normalised in use): up-left-front, in the `y`-down frame.
pub const LIGHT: Vec3 = Vec3::new(-0.35, -0.5, 0.8);

/// A pixel's region in the geometry image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum GeometryLabel {
    /// Outside the mesh.
    Background = 0,
    /// Hair, ears and neck around the face.
    Surroundings = 1,
    /// Face skin.
    Skin = 2,
    /// Lips.
    Lips = 3,
    /// Inside an eye.
    Eye = 4,
    /// Inside the mouth opening.
    Mouth = 5,
}

impl GeometryLabel {
    /// The label a red-channel value encodes.
    pub fn from_red(r: u8) -> Option<Self> {
        [Self::Background, Self::Surroundings, Self::Skin, Self::Lips, Self::Eye, Self::Mouth]
            .into_iter()
            .find(|l| *l as u8 * LABEL_STEP == r)
    }

    /// Whether this is the face: skin and what it holds (lips, eyes, mouth). These are the labels
    /// from [`Self::Skin`] up, so a red channel at or above [`Self::FACE_RED`] is face.
    pub fn is_face(self) -> bool {
        self as u8 >= Self::Skin as u8
    }

    /// The smallest red-channel value of a face label ([`Self::is_face`]).
    pub const FACE_RED: u8 = Self::Skin as u8 * LABEL_STEP;
}

fn triangle_label(mesh: &FaceMesh, t: &[u32; 3]) -> GeometryLabel {
    let lips = Region::OuterLips.range().start..Region::InnerLips.range().end;
    let kinds = t.map(|i| mesh.kinds[i as usize]);
    if kinds.iter().any(|k| matches!(k, VertexKind::InnerRing | VertexKind::OuterRing)) {
        GeometryLabel::Surroundings
    } else if kinds.iter().all(|k| matches!(k, VertexKind::Landmark(l) if lips.contains(l))) {
        GeometryLabel::Lips
    } else {
        GeometryLabel::Skin
    }
}

impl PreparedPortrait {
    /// The geometry image for an expression and a pose (same size as the portrait).
    pub fn geometry_image(&self, weights: &[f32], pose: &HeadPose, basis: &BlendshapeBasis) -> RgbaImage {
        let mesh = FaceMesh::get();
        let v = self.deformed_vertices_3d(weights, pose, basis);
        let mut normals = vec![Vec3::ZERO; v.len()];
        for t in &mesh.triangles {
            let [a, b, c] = t.map(|i| v[i as usize]);
            // In this frame (x right, y down, z to the viewer) (b − a) × (c − a) of our positively
            // oriented triangles points to the viewer.
            let n = (b - a).cross(c - a);
            t.iter().for_each(|&i| normals[i as usize] += n);
        }
        let light = LIGHT.normalize();
        let shade: Vec<f32> = normals.iter().map(|n| n.normalize_or(Vec3::Z).dot(light).max(0.0)).collect();
        let (zmin, zmax) = v.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.z), hi.max(p.z)));
        let depth = |z: f32| ((z - zmin) / (zmax - zmin).max(1e-3)).clamp(0.0, 1.0);
        let (w, h) = self.image().dimensions();
        let mut out = RgbaImage::from_pixel(w, h, Rgba([0, 0, 0, 255]));
        let mut put = |tri: [Vec2; 3], label: GeometryLabel, value: &dyn Fn(Vec3) -> (f32, f32)| {
            raster(tri, w, h, |x, y, l| {
                let (s, d) = value(l);
                out.put_pixel(x, y, Rgba([label as u8 * LABEL_STEP, (s * 255.0) as u8, (d * 255.0) as u8, 255]));
            });
        };
        for t in &mesh.triangles {
            let [a, b, c] = t.map(|i| v[i as usize]);
            let [sa, sb, sc] = t.map(|i| shade[i as usize]);
            put([a.truncate(), b.truncate(), c.truncate()], triangle_label(mesh, t), &|l| {
                (sa * l.x + sb * l.y + sc * l.z, depth(a.z * l.x + b.z * l.y + c.z * l.z))
            });
        }
        for (contour, label, lit) in [
            (mesh.eye_contours[0].to_vec(), GeometryLabel::Eye, 0.9),
            (mesh.eye_contours[1].to_vec(), GeometryLabel::Eye, 0.9),
            (Region::InnerLips.range().collect(), GeometryLabel::Mouth, 0.15),
        ] {
            let pts: Vec<Vec3> = contour.iter().map(|&i| v[i]).collect();
            let c = pts.iter().sum::<Vec3>() / pts.len() as f32;
            for k in 0..pts.len() {
                let (a, b) = (pts[k], pts[(k + 1) % pts.len()]);
                put([c.truncate(), a.truncate(), b.truncate()], label, &|l| {
                    (lit, depth(c.z * l.x + a.z * l.y + b.z * l.z))
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{GeometryLabel, LABEL_STEP};

    #[test]
    fn the_face_labels_are_those_at_or_above_the_face_red() {
        for red in 0..=u8::MAX {
            if let Some(label) = GeometryLabel::from_red(red) {
                assert_eq!(label.is_face(), red >= GeometryLabel::FACE_RED, "{label:?}");
                let face = matches!(
                    label,
                    GeometryLabel::Skin | GeometryLabel::Lips | GeometryLabel::Eye | GeometryLabel::Mouth
                );
                assert_eq!(label.is_face(), face, "{label:?}");
            }
        }
        assert_eq!(GeometryLabel::from_red(GeometryLabel::FACE_RED), Some(GeometryLabel::Skin));
        assert_eq!(GeometryLabel::FACE_RED % LABEL_STEP, 0);
    }
}
