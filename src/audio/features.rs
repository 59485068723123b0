//! [`FeatureMatrix`]: a dense frames × columns matrix of `f32`, the currency between the front-end
//! and the networks.

/// A row-major matrix with one row per analysis frame (100 rows per second for the default
/// front-end) and a fixed number of columns (80 mel bins, or the MFCC count).
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureMatrix {
    n_cols: usize,
    data: Vec<f32>,
}

impl FeatureMatrix {
    /// An empty matrix with `n_cols` columns.
    pub fn new(n_cols: usize) -> Self {
        Self { n_cols, data: Vec::new() }
    }

    /// Wraps row-major `data`; `None` when its length is not a multiple of `n_cols`.
    pub fn from_vec(n_cols: usize, data: Vec<f32>) -> Option<Self> {
        (n_cols > 0 && data.len() % n_cols == 0).then_some(Self { n_cols, data })
    }

    /// Number of rows (frames).
    pub fn n_frames(&self) -> usize {
        if self.n_cols == 0 { 0 } else { self.data.len() / self.n_cols }
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// Row `t`. Panics when `t >= n_frames()`, like slice indexing.
    pub fn row(&self, t: usize) -> &[f32] {
        &self.data[t * self.n_cols..(t + 1) * self.n_cols]
    }

    /// Iterates over the rows in time order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[f32]> {
        self.data.chunks_exact(self.n_cols.max(1))
    }

    /// The row-major values.
    pub fn as_slice(&self) -> &[f32] {
        &self.data
    }

    /// Mutable access to the row-major values (for in-place normalisation).
    pub fn as_mut_slice(&mut self) -> &mut [f32] {
        &mut self.data
    }

    /// Gives back the row-major values.
    pub fn into_vec(self) -> Vec<f32> {
        self.data
    }

    /// Appends rows taken from a row-major slice (its length must be a multiple of `n_cols`).
    pub(crate) fn extend_rows(&mut self, rows: &[f32]) {
        debug_assert_eq!(rows.len() % self.n_cols, 0);
        self.data.extend_from_slice(rows);
    }

    /// Writes the matrix as CSV: a header of `prefix_00 … prefix_NN`, then one line per frame.
    pub fn write_csv(&self, prefix: &str, mut out: impl std::io::Write) -> std::io::Result<()> {
        let header: Vec<String> = (0..self.n_cols).map(|c| format!("{prefix}_{c:02}")).collect();
        writeln!(out, "{}", header.join(","))?;
        let mut line = String::new();
        for row in self.rows() {
            line.clear();
            for (i, v) in row.iter().enumerate() {
                if i > 0 {
                    line.push(',');
                }
                // Shortest round-trip representation: the CSV reads back bit-exactly.
                line.push_str(&v.to_string());
            }
            writeln!(out, "{line}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_csv_round_trip() {
        let m = FeatureMatrix::from_vec(3, vec![1.0, 2.5, -3.0, 0.1, 1e-7, 4.0]).unwrap();
        assert_eq!(m.n_frames(), 2);
        assert_eq!(m.row(1), &[0.1, 1e-7, 4.0]);
        let mut csv = Vec::new();
        m.write_csv("mel", &mut csv).unwrap();
        let text = String::from_utf8(csv).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("mel_00,mel_01,mel_02"));
        let back: Vec<f32> =
            lines.flat_map(|l| l.split(',').map(|v| v.parse::<f32>().unwrap()).collect::<Vec<_>>()).collect();
        assert_eq!(back, m.as_slice());
        assert!(FeatureMatrix::from_vec(3, vec![1.0; 4]).is_none());
    }
}
