//! Dense deformation: from landmark displacements to a displacement of every mesh vertex.
//!
//! Landmarks move as given, the outer ring stays put, the lid vertices move as their fixed
//! combination of their lid's landmarks ([`LidPoint`]), and every other vertex (support vertices,
//! inner ring) takes the *harmonic* interpolation of its neighbours: each is the weighted mean
//! of the vertices it shares a triangle edge with (weights: inverse edge length on the mean
//! face). This is the smoothest fall-off from the face into hair, neck and background that the
//! mesh allows, and because no triangle crosses the mouth opening or the eyes, the upper and lower
//! lip (and the lids) move independently: opening the jaw does not drag the upper lip down.
//!
//! The interpolation is linear in the landmark displacements, so it is precomputed once as a
//! matrix `free vertices × 68`; deforming a face is one small matrix product.

use std::sync::OnceLock;

use glam::{Vec2, Vec3};

use super::N_LANDMARKS;
use super::mesh::{FaceMesh, LidPoint, VertexKind};
use super::similarity::Similarity;

/// The precomputed harmonic interpolation of the crate's face mesh.
#[derive(Debug, Clone)]
pub struct MeshDeformer {
    /// Free (interpolated) vertex indices.
    free: Vec<usize>,
    /// Row-major `free.len() × 68` weights.
    weights: Vec<f32>,
    n_vertices: usize,
    /// The mesh's rest positions (the mean face), for [`Self::place`].
    rest: Vec<Vec2>,
    /// The lid vertices and their combinations of landmarks.
    lids: Vec<(usize, LidPoint)>,
}

impl MeshDeformer {
    /// The deformer of [`FaceMesh::get`], built once.
    pub fn get() -> &'static MeshDeformer {
        static D: OnceLock<MeshDeformer> = OnceLock::new();
        D.get_or_init(|| Self::new(FaceMesh::get()))
    }

    fn new(mesh: &FaceMesh) -> Self {
        let n = mesh.n_vertices();
        let free: Vec<usize> =
            (0..n).filter(|&i| matches!(mesh.kinds[i], VertexKind::Support | VertexKind::InnerRing)).collect();
        let slot: Vec<Option<usize>> = (0..n).map(|i| free.iter().position(|&f| f == i)).collect();
        // Symmetric edge weights from the triangles. The lid vertices take no part: they follow
        // their landmarks, and the skin around them spreads as it does from the landmarks alone.
        let lid = |v: usize| matches!(mesh.kinds[v], VertexKind::Lid(_));
        let mut w = vec![0.0f64; n * n];
        for t in &mesh.triangles {
            for k in 0..3 {
                let (a, b) = (t[k] as usize, t[(k + 1) % 3] as usize);
                if lid(a) || lid(b) {
                    continue;
                }
                let len = mesh.rest[a].distance(mesh.rest[b]).max(1e-6) as f64;
                w[a * n + b] = 1.0 / len;
                w[b * n + a] = 1.0 / len;
            }
        }
        // L_FF u_F = W_FL u_L  (outer-ring terms vanish: their displacement is zero).
        let f = free.len();
        let mut a = vec![0.0f64; f * f];
        let mut rhs = vec![0.0f64; f * N_LANDMARKS];
        for (r, &i) in free.iter().enumerate() {
            let mut diag = 0.0;
            for j in 0..n {
                let wij = w[i * n + j];
                if wij == 0.0 {
                    continue;
                }
                diag += wij;
                match (slot[j], mesh.kinds[j]) {
                    (Some(c), _) => a[r * f + c] -= wij,
                    (None, VertexKind::Landmark(l)) => rhs[r * N_LANDMARKS + l] += wij,
                    _ => {}
                }
            }
            a[r * f + r] += diag;
        }
        let weights = solve_many(&mut a, &mut rhs, f, N_LANDMARKS).into_iter().map(|v| v as f32).collect();
        let lids = (0..n)
            .filter_map(|v| match mesh.kinds[v] {
                VertexKind::Lid(k) => Some((v, mesh.lid_points[k])),
                _ => None,
            })
            .collect();
        Self { free, weights, n_vertices: n, rest: mesh.rest.clone(), lids }
    }

    /// Vertex positions on a face whose 68 landmarks are `landmarks` (any frame: pixels or
    /// normalised). Every vertex first follows the least-squares similarity from the mean face;
    /// then the landmarks' residuals (where this face differs from the mean in shape) spread to
    /// the support and inner-ring vertices by the same harmonic interpolation that deforms
    /// expressions ([`Self::deform`]), which never overshoots, so no triangle folds where the
    /// landmarks themselves are in order. The lid vertices land on their lids' cubics through
    /// these landmarks (their combinations are affine; a cubic can bulge a little beyond its
    /// landmarks, which the rig's fold check sees like any other vertex). `None` when the mean
    /// face cannot be mapped.
    pub fn place(&self, landmarks: &[Vec2; N_LANDMARKS]) -> Option<Vec<Vec2>> {
        let sim = Similarity::fit(&self.rest[..N_LANDMARKS], landmarks)?;
        let residual: [Vec3; N_LANDMARKS] =
            std::array::from_fn(|i| (landmarks[i] - sim.apply(self.rest[i])).extend(0.0));
        let spread = self.deform(&residual);
        Some(self.rest.iter().zip(&spread).map(|(&p, d)| sim.apply(p) + d.truncate()).collect())
    }

    /// Displacement of every mesh vertex for these landmark displacements.
    pub fn deform(&self, landmarks: &[Vec3; N_LANDMARKS]) -> Vec<Vec3> {
        let mut out = vec![Vec3::ZERO; self.n_vertices];
        out[..N_LANDMARKS].copy_from_slice(landmarks);
        for (v, p) in &self.lids {
            out[*v] = p.of(|l| landmarks[l]);
        }
        for (r, &v) in self.free.iter().enumerate() {
            let row = &self.weights[r * N_LANDMARKS..(r + 1) * N_LANDMARKS];
            out[v] = row.iter().zip(landmarks).map(|(w, d)| *d * *w).sum();
        }
        out
    }
}

/// Solves `A X = B` for `m` right-hand sides (A is `n × n`, symmetric positive definite here),
/// by Gaussian elimination with partial pivoting; returns X row-major `n × m`.
pub(crate) fn solve_many(a: &mut [f64], b: &mut [f64], n: usize, m: usize) -> Vec<f64> {
    for col in 0..n {
        let pivot = (col..n).max_by(|&r, &q| a[r * n + col].abs().total_cmp(&a[q * n + col].abs())).unwrap_or(col);
        if pivot != col {
            for k in 0..n {
                a.swap(pivot * n + k, col * n + k);
            }
            for k in 0..m {
                b.swap(pivot * m + k, col * m + k);
            }
        }
        let d = a[col * n + col];
        for r in col + 1..n {
            let f = a[r * n + col] / d;
            if f != 0.0 {
                for k in col..n {
                    a[r * n + k] -= f * a[col * n + k];
                }
                for k in 0..m {
                    b[r * m + k] -= f * b[col * m + k];
                }
            }
        }
    }
    let mut x = vec![0.0f64; n * m];
    for r in (0..n).rev() {
        for k in 0..m {
            let mut acc = b[r * m + k];
            for c in r + 1..n {
                acc -= a[r * n + c] * x[c * m + k];
            }
            x[r * m + k] = acc / a[r * n + r];
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation_spreads_and_fades_to_the_outer_ring() {
        let d = MeshDeformer::get();
        let mesh = FaceMesh::get();
        let moved = d.deform(&[Vec3::new(0.1, 0.0, 0.0); N_LANDMARKS]);
        for (i, v) in moved.iter().enumerate() {
            match mesh.kinds[i] {
                VertexKind::Landmark(_) => assert_eq!(*v, Vec3::new(0.1, 0.0, 0.0)),
                VertexKind::OuterRing => assert_eq!(*v, Vec3::ZERO),
                // A harmonic function lies between its boundary values.
                _ => assert!(v.x > 0.0 && v.x <= 0.1 + 1e-6 && v.y.abs() < 1e-6, "vertex {i}: {v}"),
            }
        }
        // Each interpolation row sums to at most 1 (the rest of the weight goes to the ring).
        assert!(d.weights.chunks(N_LANDMARKS).all(|r| r.iter().sum::<f32>() <= 1.0 + 1e-4));
    }

    #[test]
    fn placing_on_the_mean_face_is_the_identity_and_follows_a_similarity() {
        let (m, d) = (FaceMesh::get(), MeshDeformer::get());
        let lm: [Vec2; N_LANDMARKS] = std::array::from_fn(|i| m.rest[i]);
        let placed = d.place(&lm).unwrap();
        assert!(placed.iter().zip(&m.rest).all(|(a, b)| a.distance(*b) < 1e-4));
        // Scaled by 100, rotated 10°, shifted: every vertex follows exactly.
        let (s, r, t) = (100.0, 10f32.to_radians(), Vec2::new(256.0, 200.0));
        let sim = |p: Vec2| Vec2::from_angle(r).rotate(p) * s + t;
        let placed = d.place(&lm.map(sim)).unwrap();
        assert!(placed.iter().zip(&m.rest).all(|(a, b)| a.distance(sim(*b)) < 1e-2));
    }

    #[test]
    fn lid_vertices_follow_their_lids_cubic_when_placed_and_deformed() {
        let (m, d) = (FaceMesh::get(), MeshDeformer::get());
        // A face whose right upper lid stands higher than the mean face's.
        let mut lm: [Vec2; N_LANDMARKS] = std::array::from_fn(|i| m.rest[i] * 120.0 + Vec2::splat(250.0));
        lm[37].y -= 6.0;
        lm[38].y -= 5.0;
        let placed = d.place(&lm).unwrap();
        let lift: [Vec3; N_LANDMARKS] = std::array::from_fn(|i| Vec3::new(0.0, -2.0 * (i == 37) as u8 as f32, 0.0));
        let moved = d.deform(&lift);
        let mut lids = 0;
        for (v, kind) in m.kinds.iter().enumerate() {
            if let VertexKind::Lid(k) = kind {
                let p = m.lid_points[*k];
                assert!(placed[v].distance(p.of(|l| lm[l])) < 1e-3, "vertex {v}");
                assert!(moved[v].distance(p.of(|l| lift[l])) < 1e-6, "vertex {v}");
                lids += 1;
            }
        }
        assert_eq!(lids, 24);
        // The lifted landmark's neighbours on the lid rise with it, the other eye's do not.
        let [right, left] = m.eye_contours;
        assert!(moved[right[2]].y < -1.0 && moved[right[4]].y < -1.0);
        assert!(left.iter().all(|&v| moved[v] == Vec3::ZERO));
    }
}
