//! 2D similarity transforms (uniform scale, rotation, translation) and their least-squares fit.

use glam::Vec2;

/// `p ↦ s·R(θ)·p + t`, stored as the complex factor `a = s·(cos θ, sin θ)` and `t`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// Scale times the unit rotation, as a complex number `(s cos θ, s sin θ)`.
    pub a: Vec2,
    /// Translation.
    pub t: Vec2,
}

impl Similarity {
    /// The identity.
    pub const IDENTITY: Similarity = Similarity { a: Vec2::X, t: Vec2::ZERO };

    /// Maps a point.
    pub fn apply(&self, p: Vec2) -> Vec2 {
        self.a.rotate(p) + self.t
    }

    /// Uniform scale factor.
    pub fn scale(&self) -> f32 {
        self.a.length()
    }

    /// Rotation angle in radians (positive turns `x` towards `y`).
    pub fn angle(&self) -> f32 {
        self.a.to_angle()
    }

    /// The inverse map (`None` for a zero scale).
    pub fn inverse(&self) -> Option<Similarity> {
        let n = self.a.length_squared();
        (n > 0.0).then(|| {
            let inv_a = Vec2::new(self.a.x, -self.a.y) / n;
            Similarity { a: inv_a, t: -inv_a.rotate(self.t) }
        })
    }

    /// The similarity minimising `Σ |S(src_i) − dst_i|²` (Umeyama's closed form in 2D); `None` when
    /// the source points all coincide.
    pub fn fit(src: &[Vec2], dst: &[Vec2]) -> Option<Similarity> {
        let n = src.len().min(dst.len());
        if n == 0 {
            return None;
        }
        let (cs, cd) = (src[..n].iter().sum::<Vec2>() / n as f32, dst[..n].iter().sum::<Vec2>() / n as f32);
        let (mut num, mut den) = (Vec2::ZERO, 0.0f32);
        for (s, d) in src[..n].iter().zip(&dst[..n]) {
            let (s, d) = (*s - cs, *d - cd);
            // d · conj(s), summed: the complex least-squares factor's numerator.
            num += Vec2::new(d.x * s.x + d.y * s.y, d.y * s.x - d.x * s.y);
            den += s.length_squared();
        }
        (den > 0.0).then(|| {
            let a = num / den;
            Similarity { a, t: cd - a.rotate(cs) }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_recovers_a_known_similarity_and_inverts() {
        let truth = Similarity { a: Vec2::from_angle(0.3) * 2.5, t: Vec2::new(10.0, -4.0) };
        let src: Vec<Vec2> = (0..10).map(|i| Vec2::new(i as f32, (i * i) as f32 * 0.1)).collect();
        let dst: Vec<Vec2> = src.iter().map(|&p| truth.apply(p)).collect();
        let fit = Similarity::fit(&src, &dst).unwrap();
        assert!((fit.scale() - 2.5).abs() < 1e-4 && (fit.angle() - 0.3).abs() < 1e-5);
        assert!(fit.t.distance(truth.t) < 1e-3);
        let inv = fit.inverse().unwrap();
        assert!(src.iter().all(|&p| inv.apply(fit.apply(p)).distance(p) < 1e-4));
        assert!(Similarity::fit(&[Vec2::ONE; 3], &[Vec2::ZERO; 3]).is_none());
    }
}
