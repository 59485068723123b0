//! Mel-frequency cepstral coefficients from the log-mel spectrogram.
//!
//! Definition (librosa's, with the dB conversion made clip-independent):
//!
//! ```python
//! S_db = librosa.power_to_db(mel, ref=1.0, amin=1e-10, top_db=None)   # 10·log10(max(mel, 1e-10))
//! mfcc = librosa.feature.mfcc(S=S_db, n_mfcc=13, dct_type=2, norm="ortho", lifter=0)
//! ```
//!
//! i.e. `c_k = s_k · Σ_n dB_n · cos(π k (2n + 1) / (2N))` with `s_0 = √(1/N)`, `s_k = √(2/N)`.
//! librosa's own `mfcc(y=…)` applies `top_db=80` relative to the loudest frame of the clip; we do
//! not, so that a frame's coefficients depend on that frame alone (streaming equals whole-clip).

use super::{AudioError, FeatureMatrix};

/// Default number of coefficients (the usual choice for speech).
pub const N_MFCC: usize = 13;

/// A DCT-II (orthonormal) from `n_mels` log-mel values to `n_mfcc` cepstral coefficients.
#[derive(Debug, Clone)]
pub struct Mfcc {
    n_mels: usize,
    n_mfcc: usize,
    /// Row-major `n_mfcc × n_mels` basis, already scaled by 10 / ln 10 (natural log → dB).
    basis: Vec<f64>,
}

impl Mfcc {
    /// A transform from `n_mels` bands to `n_mfcc ≤ n_mels` coefficients.
    pub fn new(n_mels: usize, n_mfcc: usize) -> Result<Self, AudioError> {
        if n_mfcc == 0 || n_mfcc > n_mels {
            return Err(AudioError::Config(format!("n_mfcc must be in 1..={n_mels}, got {n_mfcc}")));
        }
        let n = n_mels as f64;
        let to_db = 10.0 / std::f64::consts::LN_10;
        let basis = (0..n_mfcc)
            .flat_map(|k| {
                let scale = if k == 0 { (1.0 / n).sqrt() } else { (2.0 / n).sqrt() } * to_db;
                (0..n_mels)
                    .map(move |i| scale * (std::f64::consts::PI * k as f64 * (2 * i + 1) as f64 / (2.0 * n)).cos())
            })
            .collect();
        Ok(Self { n_mels, n_mfcc, basis })
    }

    /// Number of coefficients per frame.
    pub fn n_mfcc(&self) -> usize {
        self.n_mfcc
    }

    /// Coefficients of one frame of natural-log mel values (`log_mel.len() == n_mels`).
    pub fn frame(&self, log_mel: &[f32], out: &mut [f32]) {
        debug_assert_eq!(log_mel.len(), self.n_mels);
        for (o, basis_row) in out.iter_mut().zip(self.basis.chunks_exact(self.n_mels)) {
            *o = basis_row.iter().zip(log_mel).map(|(b, &x)| b * x as f64).sum::<f64>() as f32;
        }
    }

    /// Coefficients of every frame of a log-mel matrix.
    pub fn apply(&self, log_mel: &FeatureMatrix) -> Result<FeatureMatrix, AudioError> {
        if log_mel.n_cols() != self.n_mels {
            return Err(AudioError::Config(format!(
                "MFCC expects {} mel bands, the matrix has {}",
                self.n_mels,
                log_mel.n_cols()
            )));
        }
        let mut out = vec![0.0; log_mel.n_frames() * self.n_mfcc];
        for (row, o) in log_mel.rows().zip(out.chunks_exact_mut(self.n_mfcc)) {
            self.frame(row, o);
        }
        Ok(FeatureMatrix::from_vec(self.n_mfcc, out).expect("sized above"))
    }
}

/// `n_mfcc` coefficients per frame of a natural-log mel matrix (see the module docs).
pub fn mfcc(log_mel: &FeatureMatrix, n_mfcc: usize) -> Result<FeatureMatrix, AudioError> {
    Mfcc::new(log_mel.n_cols(), n_mfcc)?.apply(log_mel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_is_orthonormal_up_to_the_db_scale() {
        let m = Mfcc::new(80, 80).unwrap();
        let to_db = 10.0 / std::f64::consts::LN_10;
        for a in 0..80 {
            for b in 0..80 {
                let dot: f64 =
                    (0..80).map(|i| m.basis[a * 80 + i] * m.basis[b * 80 + i]).sum::<f64>() / (to_db * to_db);
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-9, "({a},{b}) = {dot}");
            }
        }
    }

    #[test]
    fn flat_spectrum_has_only_c0() {
        let log_mel = FeatureMatrix::from_vec(80, vec![-2.0; 160]).unwrap();
        let c = mfcc(&log_mel, 13).unwrap();
        assert_eq!((c.n_frames(), c.n_cols()), (2, 13));
        let want_c0 = -2.0 * 10.0 / std::f64::consts::LN_10 * 80f64.sqrt();
        assert!((c.row(0)[0] as f64 - want_c0).abs() < 1e-3);
        assert!(c.row(1)[1..].iter().all(|v| v.abs() < 1e-4));
        assert!(Mfcc::new(80, 81).is_err());
    }
}
