//! A 2D thin-plate spline: the smoothest map (least bending energy) taking a set of source
//! points exactly onto target points, affine far from them (Bookstein 1989).
//!
//! `f(p) = a0 + A·p + Σ_i w_i · U(|p − s_i|)`, with `U(r) = r² ln r`.

use glam::{DVec2, Vec2};

/// A fitted thin-plate spline.
#[derive(Debug, Clone)]
pub struct ThinPlateSpline {
    sources: Vec<DVec2>,
    /// Per source point, the kernel weight (x and y components).
    weights: Vec<DVec2>,
    /// Affine part: constant, x coefficient, y coefficient.
    affine: [DVec2; 3],
}

fn kernel(r2: f64) -> f64 {
    if r2 <= 0.0 { 0.0 } else { 0.5 * r2 * r2.ln() } // r² ln r = ½ r² ln r²
}

impl ThinPlateSpline {
    /// Fits the spline taking `sources[i]` to `targets[i]`. `None` when the system is singular
    /// (fewer than three points, or all of them on one line).
    pub fn fit(sources: &[Vec2], targets: &[Vec2]) -> Option<Self> {
        let n = sources.len();
        if n < 3 || targets.len() != n {
            return None;
        }
        let s: Vec<DVec2> = sources.iter().map(|p| p.as_dvec2()).collect();
        let m = n + 3;
        // [K P; Pᵀ 0] [w; a] = [t; 0], solved for x and y at once.
        let mut a = vec![0.0f64; m * m];
        let mut rhs = vec![DVec2::ZERO; m];
        for i in 0..n {
            for j in 0..n {
                a[i * m + j] = kernel(s[i].distance_squared(s[j]));
            }
            let p = [1.0, s[i].x, s[i].y];
            for k in 0..3 {
                a[i * m + n + k] = p[k];
                a[(n + k) * m + i] = p[k];
            }
            rhs[i] = targets[i].as_dvec2();
        }
        let x = solve(&mut a, &mut rhs, m)?;
        Some(Self { sources: s, weights: x[..n].to_vec(), affine: [x[n], x[n + 1], x[n + 2]] })
    }

    /// Maps a point.
    pub fn apply(&self, p: Vec2) -> Vec2 {
        let p = p.as_dvec2();
        let mut out = self.affine[0] + self.affine[1] * p.x + self.affine[2] * p.y;
        for (s, w) in self.sources.iter().zip(&self.weights) {
            out += *w * kernel(p.distance_squared(*s));
        }
        out.as_vec2()
    }
}

/// Gaussian elimination with partial pivoting on an `m × m` row-major system with two
/// right-hand sides packed as `DVec2`.
fn solve(a: &mut [f64], b: &mut [DVec2], m: usize) -> Option<Vec<DVec2>> {
    let scale = a.iter().fold(0.0f64, |acc, v| acc.max(v.abs())).max(1e-300);
    for col in 0..m {
        let pivot = (col..m).max_by(|&r, &q| a[r * m + col].abs().total_cmp(&a[q * m + col].abs()))?;
        if a[pivot * m + col].abs() < 1e-12 * scale {
            return None;
        }
        if pivot != col {
            for k in 0..m {
                a.swap(pivot * m + k, col * m + k);
            }
            b.swap(pivot, col);
        }
        let d = a[col * m + col];
        for r in col + 1..m {
            let f = a[r * m + col] / d;
            if f != 0.0 {
                for k in col..m {
                    a[r * m + k] -= f * a[col * m + k];
                }
                let bc = b[col];
                b[r] -= bc * f;
            }
        }
    }
    let mut x = vec![DVec2::ZERO; m];
    for r in (0..m).rev() {
        let mut acc = b[r];
        for k in r + 1..m {
            acc -= x[k] * a[r * m + k];
        }
        x[r] = acc / a[r * m + r];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_exactly_and_reproduces_affine_maps() {
        let src: Vec<Vec2> = (0..20).map(|i| Vec2::new((i as f32 * 0.7).sin(), (i as f32 * 1.3).cos())).collect();
        // A bent target: every source lands exactly on its target.
        let tgt: Vec<Vec2> = src.iter().map(|p| Vec2::new(p.x + 0.2 * p.y * p.y, p.y - 0.1 * p.x)).collect();
        let tps = ThinPlateSpline::fit(&src, &tgt).unwrap();
        for (s, t) in src.iter().zip(&tgt) {
            assert!(tps.apply(*s).distance(*t) < 1e-4);
        }
        // An affine target is reproduced everywhere, far from the points too.
        let affine = |p: Vec2| Vec2::new(2.0 * p.x - 0.5 * p.y + 3.0, 0.3 * p.x + 1.5 * p.y - 1.0);
        let tps = ThinPlateSpline::fit(&src, &src.iter().map(|&p| affine(p)).collect::<Vec<_>>()).unwrap();
        for q in [Vec2::new(5.0, -4.0), Vec2::new(0.1, 0.2), Vec2::new(-10.0, 10.0)] {
            assert!(tps.apply(q).distance(affine(q)) < 1e-3, "{q}");
        }
    }

    #[test]
    fn collinear_points_are_rejected() {
        let line: Vec<Vec2> = (0..5).map(|i| Vec2::new(i as f32, 2.0 * i as f32)).collect();
        assert!(ThinPlateSpline::fit(&line, &line).is_none());
        assert!(ThinPlateSpline::fit(&line[..2], &line[..2]).is_none());
    }
}
