//! The face mesh: one fixed triangulation over the face, its surroundings and two outer rings,
//! shared by every portrait (so the GPU draws all heads with one index buffer).
//!
//! Vertices, in this order:
//! 1. the 68 landmarks;
//! 2. support vertices inside the face and on the forehead, symmetric, that make the mesh dense
//!    enough for a smooth warp (cheeks, temples, forehead, chin, nose sides);
//! 3. an inner ring around the head (hair, ears, neck) and an outer ring further out, where every
//!    deformation has faded to zero.
//!
//! The triangulation is a constrained Delaunay triangulation (spade) of the mean face with the
//! landmark contours (jaw, brows, nose, eyes, lips) as constraint edges; the triangles inside the
//! eyes and inside the mouth opening are removed, so those are holes: the upper and lower lips
//! share no triangle and move independently, and eyelids can close over an eye without
//! dragging the skin around it.
//!
//! On a portrait, landmarks are placed where the rig says, and the other vertices follow from
//! the mean face ([`MeshDeformer::place`](super::deform::MeshDeformer::place)).

use std::sync::OnceLock;

use glam::Vec2;
use spade::{ConstrainedDelaunayTriangulation, Point2, Triangulation};

use super::N_LANDMARKS;
use super::layout::{Region, contour_edges};
use super::mean::mean_face_2d;

/// What a mesh vertex is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VertexKind {
    /// One of the 68 landmarks (its index).
    Landmark(usize),
    /// A support vertex inside the face or on the forehead.
    Support,
    /// On the inner ring around the head.
    InnerRing,
    /// On the outer ring, where deformation is zero.
    OuterRing,
}

/// The face mesh on the mean face (normalised frame, see [`super::mean`]).
#[derive(Debug, Clone)]
pub struct FaceMesh {
    /// Vertex positions on the mean face.
    pub rest: Vec<Vec2>,
    /// What each vertex is.
    pub kinds: Vec<VertexKind>,
    /// How much each vertex follows a head pose, 0–1 ([`head_follow`]): 1 on the face, the
    /// forehead and the inner ring around the skull, less on the neck, 0 on the outer ring, so
    /// a turning head moves the head, not the picture.
    pub head: Vec<f32>,
    /// Triangles as vertex indices, each with a positive signed area `(b − a) × (c − a) > 0` in
    /// the `y`-down frame.
    pub triangles: Vec<[u32; 3]>,
}

/// Support vertices of the right half (`x < 0`), mirrored onto the left; then midline ones.
const SUPPORT_RIGHT: [[f32; 2]; 13] = [
    [-0.30, 0.16],  // under the eye
    [-0.47, 0.30],  // cheekbone
    [-0.20, 0.30],  // beside the nose
    [-0.46, 0.50],  // mid cheek
    [-0.34, 0.62],  // beside the mouth corner (nasolabial fold)
    [-0.40, 0.82],  // lower cheek
    [-0.18, 0.96],  // chin, beside the midline
    [-0.66, -0.17], // temple
    [-0.58, 0.02],  // outer eye corner to ear
    [-0.34, -0.42], // forehead, above the brow
    [-0.62, -0.50], // forehead, outer
    [-0.36, -0.80], // upper forehead
    [-0.68, -0.82], // hairline side
];
const SUPPORT_MID: [[f32; 2]; 5] = [
    [0.0, -0.16], // glabella
    [0.0, -0.45], // mid forehead
    [0.0, -0.90], // hairline
    [0.0, 0.96],  // chin, above the jaw line
    [0.0, 0.58],  // philtrum, between the nose and the upper lip
];

/// Centre and half-axes of the rings (ellipses around the head), in IOD units.
const RING_CENTRE: [f32; 2] = [0.0, 0.15];
const INNER_RING: ([f32; 2], usize) = ([1.15, 1.35], 24);
const OUTER_RING: ([f32; 2], usize) = ([1.9, 2.1], 24);

impl FaceMesh {
    /// The crate's face mesh, built once.
    pub fn get() -> &'static FaceMesh {
        static MESH: OnceLock<FaceMesh> = OnceLock::new();
        MESH.get_or_init(|| Self::build().expect("the mean face triangulates"))
    }

    fn build() -> Result<Self, String> {
        let mut rest: Vec<Vec2> = mean_face_2d().to_vec();
        let mut kinds: Vec<VertexKind> = (0..N_LANDMARKS).map(VertexKind::Landmark).collect();
        for [x, y] in SUPPORT_RIGHT {
            rest.extend([Vec2::new(x, y), Vec2::new(-x, y)]);
            kinds.extend([VertexKind::Support; 2]);
        }
        for [x, y] in SUPPORT_MID {
            rest.push(Vec2::new(x, y));
            kinds.push(VertexKind::Support);
        }
        for (([ax, ay], n), kind) in [(INNER_RING, VertexKind::InnerRing), (OUTER_RING, VertexKind::OuterRing)] {
            for k in 0..n {
                let t = std::f32::consts::TAU * k as f32 / n as f32;
                rest.push(Vec2::new(RING_CENTRE[0] + ax * t.cos(), RING_CENTRE[1] + ay * t.sin()));
                kinds.push(kind);
            }
        }
        let points: Vec<Point2<f64>> = rest.iter().map(|p| Point2::new(p.x as f64, p.y as f64)).collect();
        let edges: Vec<[usize; 2]> = contour_edges().map(|(a, b)| [a, b]).collect();
        let cdt: ConstrainedDelaunayTriangulation<Point2<f64>> =
            ConstrainedDelaunayTriangulation::bulk_load_cdt(points, edges).map_err(|e| format!("{e:?}"))?;
        let holes: Vec<Vec<Vec2>> = [Region::RightEye, Region::LeftEye, Region::InnerLips]
            .iter()
            .map(|r| r.range().map(|i| rest[i]).collect())
            .collect();
        let mut triangles = Vec::new();
        for face in cdt.inner_faces() {
            let v = face.vertices().map(|h| h.fix().index() as u32);
            let [a, b, c] = v.map(|i| rest[i as usize]);
            let centroid = (a + b + c) / 3.0;
            if holes.iter().any(|h| point_in_polygon(centroid, h)) {
                continue;
            }
            let area2 = (b - a).perp_dot(c - a);
            triangles.push(if area2 > 0.0 { v } else { [v[0], v[2], v[1]] });
        }
        let head = rest.iter().zip(&kinds).map(|(p, k)| head_follow(*k, *p)).collect();
        Ok(Self { rest, kinds, head, triangles })
    }

    /// Number of vertices.
    pub fn n_vertices(&self) -> usize {
        self.rest.len()
    }

    /// The landmark nearest a vertex on the mean face (to name a place in messages).
    pub fn nearest_landmark(&self, vertex: usize) -> usize {
        match self.kinds[vertex] {
            VertexKind::Landmark(i) => i,
            _ => (0..N_LANDMARKS)
                .min_by(|&a, &b| {
                    self.rest[a]
                        .distance_squared(self.rest[vertex])
                        .total_cmp(&self.rest[b].distance_squared(self.rest[vertex]))
                })
                .unwrap_or(0),
        }
    }
}

/// How much of the neck's ring follows the head: the neck twists and bends a little with it,
/// the shoulders below not at all.
pub const NECK_FOLLOW: f32 = 0.3;

/// Where the ring's follow starts to fall from 1 (the jaw angle, y in IOD) and where it reaches
/// [`NECK_FOLLOW`] (below the chin, which sits at 1.14).
const NECK_BLEND: [f32; 2] = [0.6, 1.25];

/// How much a vertex of `kind` at `p` (mean face, IOD) follows the head pose: 1 for the face,
/// its support and the inner ring around the skull and hair; on the inner ring below the jaw
/// (the neck) it falls smoothly to [`NECK_FOLLOW`]; 0 on the outer ring. Between rings the warp
/// blends, so the background and body beyond the outer ring never move and the band between the
/// rings stretches where a turned head uncovers or covers it.
pub fn head_follow(kind: VertexKind, p: Vec2) -> f32 {
    match kind {
        VertexKind::Landmark(_) | VertexKind::Support => 1.0,
        VertexKind::OuterRing => 0.0,
        VertexKind::InnerRing => {
            let t = ((p.y - NECK_BLEND[0]) / (NECK_BLEND[1] - NECK_BLEND[0])).clamp(0.0, 1.0);
            let s = t * t * (3.0 - 2.0 * t);
            1.0 - (1.0 - NECK_FOLLOW) * s
        }
    }
}

/// Even-odd rule point-in-polygon test.
pub(crate) fn point_in_polygon(p: Vec2, poly: &[Vec2]) -> bool {
    let mut inside = false;
    let mut j = poly.len() - 1;
    for i in 0..poly.len() {
        let (a, b) = (poly[i], poly[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mesh_covers_the_head_with_holes_for_eyes_and_mouth() {
        let m = FaceMesh::get();
        assert_eq!(m.n_vertices(), N_LANDMARKS + 2 * SUPPORT_RIGHT.len() + SUPPORT_MID.len() + 48);
        // Every vertex is used and every triangle is positively oriented and not degenerate.
        let mut used = vec![false; m.n_vertices()];
        for t in &m.triangles {
            let [a, b, c] = t.map(|i| m.rest[i as usize]);
            assert!((b - a).perp_dot(c - a) > 1e-5, "{t:?}");
            t.iter().for_each(|&i| used[i as usize] = true);
        }
        assert!(used.iter().all(|&u| u), "unused vertices");
        // The total area is the outer ring's polygon: no gaps except the three holes.
        let area: f32 = m
            .triangles
            .iter()
            .map(|t| {
                let [a, b, c] = t.map(|i| m.rest[i as usize]);
                (b - a).perp_dot(c - a) / 2.0
            })
            .sum();
        let ring: Vec<Vec2> =
            (0..m.n_vertices()).filter(|&i| m.kinds[i] == VertexKind::OuterRing).map(|i| m.rest[i]).collect();
        let ring_area = (0..ring.len()).map(|k| ring[k].perp_dot(ring[(k + 1) % ring.len()])).sum::<f32>().abs() / 2.0;
        let holes: f32 = [Region::RightEye, Region::LeftEye, Region::InnerLips]
            .iter()
            .map(|r| {
                let p: Vec<Vec2> = r.range().map(|i| m.rest[i]).collect();
                (0..p.len()).map(|k| p[k].perp_dot(p[(k + 1) % p.len()])).sum::<f32>().abs() / 2.0
            })
            .sum();
        assert!((area + holes - ring_area).abs() < 1e-3 * ring_area, "area {area} + holes {holes} vs ring {ring_area}");
        // No triangle joins the upper and the lower inner lip across the mouth opening.
        let upper = [61usize, 62, 63];
        let lower = [65usize, 66, 67];
        for t in &m.triangles {
            let has = |set: &[usize]| t.iter().any(|&i| set.contains(&(i as usize)));
            assert!(!(has(&upper) && has(&lower)), "{t:?} bridges the mouth");
        }
    }

    #[test]
    fn the_head_follows_the_pose_and_the_neck_less() {
        let m = FaceMesh::get();
        for (i, k) in m.kinds.iter().enumerate() {
            let h = m.head[i];
            match k {
                VertexKind::Landmark(_) | VertexKind::Support => assert_eq!(h, 1.0),
                VertexKind::OuterRing => assert_eq!(h, 0.0),
                VertexKind::InnerRing if m.rest[i].y < 0.6 => assert_eq!(h, 1.0, "skull ring {i}"),
                VertexKind::InnerRing if m.rest[i].y > 1.25 => assert_eq!(h, NECK_FOLLOW, "neck ring {i}"),
                VertexKind::InnerRing => assert!((NECK_FOLLOW..=1.0).contains(&h), "ring {i}: {h}"),
            }
        }
    }

    #[test]
    fn the_first_support_vertex_sits_under_the_right_eye() {
        let m = FaceMesh::get();
        assert_eq!(m.nearest_landmark(N_LANDMARKS), 40, "the first support vertex sits under the right eye");
    }
}
