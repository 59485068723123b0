//! The face mesh: one fixed triangulation over the face, its surroundings and two outer rings,
//! shared by every portrait (so the GPU draws all heads with one index buffer).
//!
//! Vertices, in this order:
//! 1. the 68 landmarks;
//! 2. support vertices inside the face and on the forehead, symmetric, that make the mesh dense
//!    enough for a smooth warp (cheeks, temples, forehead, chin, nose sides);
//! 3. an inner ring around the head (hair, ears, neck) and an outer ring further out, where every
//!    deformation has faded to zero;
//! 4. lid vertices: [`LID_INSERTED`] points on each segment of the eye contours between two
//!    landmarks, on the lid's cubic through its four landmarks ([`LidPoint`]), so that the lids,
//!    their lash lines and the eye openings bend smoothly where the landmarks move (a widened eye
//!    draws a rounded lid, not a tent with corners at the six landmarks).
//!
//! The triangulation is a constrained Delaunay triangulation (spade) of the mean face with the
//! landmark contours (jaw, brows, nose, eyes, lips) as constraint edges; the triangles inside the
//! eyes and inside the mouth opening are removed, so those are holes: the upper and lower lips
//! share no triangle and move independently, and eyelids can close over an eye without
//! dragging the skin around it. Last, each eye-contour edge's skin triangle is split into a fan
//! from its third vertex through the edge's lid vertices, so the landmarks' triangulation is
//! otherwise kept.
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
    /// On an eye's contour between two landmarks: the fixed combination
    /// [`FaceMesh::lid_points`]`[k]` of its lid's landmarks, in every frame.
    Lid(usize),
}

/// Points inserted on each segment of an eye contour between two landmarks.
pub const LID_INSERTED: usize = 2;
/// Vertices round one eye's contour: its six landmarks and the points between them.
pub const EYE_CONTOUR: usize = 6 * (1 + LID_INSERTED);
/// Each eye's lids as runs of landmarks from corner to corner (right eye, then left; upper lid,
/// then lower), in contour order.
const LIDS: [[[usize; 4]; 2]; 2] = [[[36, 37, 38, 39], [39, 40, 41, 36]], [[42, 43, 44, 45], [45, 46, 47, 42]]];

/// A lid vertex as a combination of its lid's four landmarks: the uniform Catmull–Rom cubic
/// through them (tangents: half the difference of the neighbours; at a corner, the chord to
/// the next landmark, so the corners stay pointed). The weights sum to 1, so the point is the
/// same combination of the landmarks in any frame (pixels, a deformed face, displacements).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LidPoint {
    /// The lid's landmarks, corner to corner.
    pub landmarks: [usize; 4],
    /// Their weights.
    pub weights: [f32; 4],
}

impl LidPoint {
    /// The point at `t` (0–1) of segment `k` (0–2) of the lid `landmarks`.
    pub fn new(landmarks: [usize; 4], k: usize, t: f32) -> Self {
        // Hermite basis on the segment from knot k to k + 1.
        let (t2, t3) = (t * t, t * t * t);
        let (h00, h10, h01, h11) = (2.0 * t3 - 3.0 * t2 + 1.0, t3 - 2.0 * t2 + t, -2.0 * t3 + 3.0 * t2, t3 - t2);
        // The tangent at knot i as weights over the four landmarks.
        let tangent = |i: usize| -> [f32; 4] {
            let mut m = [0.0; 4];
            match i {
                0 => (m[0], m[1]) = (-1.0, 1.0),
                3 => (m[2], m[3]) = (-1.0, 1.0),
                _ => (m[i - 1], m[i + 1]) = (-0.5, 0.5),
            }
            m
        };
        let (m0, m1) = (tangent(k), tangent(k + 1));
        let mut weights = [0.0; 4];
        for j in 0..4 {
            weights[j] = h10 * m0[j] + h11 * m1[j];
        }
        weights[k] += h00;
        weights[k + 1] += h01;
        Self { landmarks, weights }
    }

    /// This combination of `points` (indexed by landmark).
    pub fn of<T>(&self, points: impl Fn(usize) -> T) -> T
    where
        T: std::ops::Mul<f32, Output = T> + std::ops::Add<Output = T>,
    {
        let [a, b, c, d] = self.landmarks.map(&points);
        a * self.weights[0] + b * self.weights[1] + c * self.weights[2] + d * self.weights[3]
    }
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
    /// The lid vertices' combinations ([`VertexKind::Lid`]).
    pub lid_points: Vec<LidPoint>,
    /// The vertices round each eye (right, then left), in the order of its landmarks (iBUG
    /// 36–41, 42–47), the lid vertices between them.
    pub eye_contours: [[usize; EYE_CONTOUR]; 2],
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
        // The lid vertices, each eye contour edge's skin triangle split into a fan from its third
        // vertex through them: the rest of the triangulation is the landmarks' own.
        let mut lid_points = Vec::new();
        let mut eye_contours = [[0; EYE_CONTOUR]; 2];
        for (e, lids) in LIDS.iter().enumerate() {
            let mut contour = Vec::with_capacity(EYE_CONTOUR);
            for lid in lids {
                for k in 0..3 {
                    let mut run = vec![lid[k]];
                    for j in 1..=LID_INSERTED {
                        let point = LidPoint::new(*lid, k, j as f32 / (LID_INSERTED + 1) as f32);
                        let at = point.of(|i| rest[i]);
                        run.push(rest.len());
                        rest.push(at);
                        kinds.push(VertexKind::Lid(lid_points.len()));
                        lid_points.push(point);
                    }
                    run.push(lid[k + 1]);
                    split_edge(&mut triangles, &run)?;
                    contour.extend(&run[..run.len() - 1]);
                }
            }
            eye_contours[e] = contour.try_into().map_err(|_| "an eye contour of the wrong length".to_string())?;
        }
        let head = rest.iter().zip(&kinds).map(|(p, k)| head_follow(*k, *p)).collect();
        Ok(Self { rest, kinds, head, triangles, lid_points, eye_contours })
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
        VertexKind::Landmark(_) | VertexKind::Support | VertexKind::Lid(_) => 1.0,
        VertexKind::OuterRing => 0.0,
        VertexKind::InnerRing => {
            let t = ((p.y - NECK_BLEND[0]) / (NECK_BLEND[1] - NECK_BLEND[0])).clamp(0.0, 1.0);
            let s = t * t * (3.0 - 2.0 * t);
            1.0 - (1.0 - NECK_FOLLOW) * s
        }
    }
}

/// Replaces the triangle with the edge `run[0]`–`run[last]` by a fan from its third vertex through
/// the points of `run` in order (its orientation kept).
fn split_edge(triangles: &mut Vec<[u32; 3]>, run: &[usize]) -> Result<(), String> {
    let (a, b) = (run[0] as u32, run[run.len() - 1] as u32);
    let (at, t) = triangles
        .iter()
        .enumerate()
        .find_map(|(i, t)| (t.contains(&a) && t.contains(&b)).then_some((i, *t)))
        .ok_or_else(|| format!("no triangle on the eye contour edge {a}-{b}"))?;
    let c = t.into_iter().find(|&v| v != a && v != b).ok_or("a degenerate triangle")?;
    // The triangle is positively oriented: its edge runs a -> b or b -> a before c.
    let forward = (0..3).any(|k| t[k] == a && t[(k + 1) % 3] == b);
    triangles.remove(at);
    for w in run.windows(2) {
        let (p, q) = (w[0] as u32, w[1] as u32);
        triangles.push(if forward { [p, q, c] } else { [q, p, c] });
    }
    Ok(())
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
        assert_eq!(m.n_vertices(), N_LANDMARKS + 2 * SUPPORT_RIGHT.len() + SUPPORT_MID.len() + 48 + 24);
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
        let holes: f32 = m
            .eye_contours
            .iter()
            .map(|c| c.to_vec())
            .chain([Region::InnerLips.range().collect()])
            .map(|r| {
                let p: Vec<Vec2> = r.iter().map(|&i| m.rest[i]).collect();
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
                VertexKind::Landmark(_) | VertexKind::Support | VertexKind::Lid(_) => assert_eq!(h, 1.0),
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

    #[test]
    fn a_lid_point_is_an_affine_combination_that_meets_its_landmarks() {
        let lid = [36, 37, 38, 39];
        for k in 0..3 {
            for t in [0.0, 0.2, 0.5, 0.9, 1.0] {
                let p = LidPoint::new(lid, k, t);
                assert!((p.weights.iter().sum::<f32>() - 1.0).abs() < 1e-6, "{k} {t}: {:?}", p.weights);
            }
            // The ends of a segment are its landmarks.
            let (a, b) = (LidPoint::new(lid, k, 0.0), LidPoint::new(lid, k, 1.0));
            for j in 0..4 {
                assert!((a.weights[j] - (j == k) as u8 as f32).abs() < 1e-6);
                assert!((b.weights[j] - (j == k + 1) as u8 as f32).abs() < 1e-6);
            }
        }
        // The curve is smooth through the middle landmarks: the slopes either side agree.
        let pts = [Vec2::new(0.0, 0.0), Vec2::new(1.0, -0.6), Vec2::new(2.2, -0.5), Vec2::new(3.0, 0.1)];
        let at = |k: usize, t: f32| LidPoint::new([0, 1, 2, 3], k, t).of(|i| pts[i]);
        for k in 1..3 {
            let (before, after) = ((at(k - 1, 1.0) - at(k - 1, 0.999)) / 0.001, (at(k, 0.001) - at(k, 0.0)) / 0.001);
            assert!(before.distance(after) < 0.01, "knot {k}: {before} vs {after}");
        }
        // A straight, evenly spaced lid stays straight.
        let line = [Vec2::ZERO, Vec2::new(1.0, 0.0), Vec2::new(2.0, 0.0), Vec2::new(3.0, 0.0)];
        let p = LidPoint::new([0, 1, 2, 3], 1, 0.5).of(|i| line[i]);
        assert!(p.distance(Vec2::new(1.5, 0.0)) < 1e-6, "{p}");
    }

    #[test]
    fn the_lid_vertices_round_each_eye_outwards() {
        let m = FaceMesh::get();
        for (e, contour) in m.eye_contours.iter().enumerate() {
            let start = if e == 0 { 36 } else { 42 };
            let hexagon: Vec<Vec2> = (start..start + 6).map(|i| m.rest[i]).collect();
            for (k, &v) in contour.iter().enumerate() {
                if k % (LID_INSERTED + 1) == 0 {
                    assert_eq!(v, start + k / (LID_INSERTED + 1), "the landmarks keep their order");
                    continue;
                }
                assert!(matches!(m.kinds[v], VertexKind::Lid(_)));
                // The mean face's eyes are convex: the cubic bulges out of the hexagon.
                assert!(!point_in_polygon(m.rest[v], &hexagon), "eye {e}, contour vertex {k}");
            }
        }
    }
}
