//! The Transformer layers of EAC: pre-norm self-attention over a band of frames with learned
//! relative position biases, and a GELU feed-forward block.
//!
//! Sequence layout: position 0 is the intensity token, positions 1… are output frames. Frame `i`
//! attends to the token and to frames `i − past ..= i + ahead` of its own layer input; the token
//! attends only to itself. So a frame's output depends on at most `layers · past` frames before
//! it and `layers · ahead` after it, whatever the sequence length: a long line runs in one pass,
//! and a stream that keeps that many frames gives exactly the same numbers (see
//! [`super::streaming`]). Positions enter as relative biases (one per head and offset, as in
//! Shaw et al. 2018 / T5), not the paper's absolute encoding, which would tie the result to where
//! a frame sits in its window.

use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, Gelu, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::Backend;
use burn::tensor::activation::softmax;
use burn::tensor::{Int, Tensor, TensorData};

/// What masked scores are set to before the softmax.
const MASKED: f32 = -1.0e9;

/// One Transformer layer (see the module docs).
#[derive(Module, Debug)]
pub struct BandLayer<B: Backend> {
    norm_attn: LayerNorm<B>,
    query: Linear<B>,
    key: Linear<B>,
    value: Linear<B>,
    out: Linear<B>,
    /// `[heads, past + ahead + 2]`: a bias per relative offset `−past ..= ahead`, then the
    /// frames-to-token bias.
    rel_bias: Param<Tensor<B, 2>>,
    norm_ff: LayerNorm<B>,
    ff_in: Linear<B>,
    ff_out: Linear<B>,
    dropout: Dropout,
    gelu: Gelu,
    heads: usize,
    past: usize,
    ahead: usize,
}

impl<B: Backend> BandLayer<B> {
    /// A fresh layer.
    pub fn new(
        d_model: usize,
        d_ff: usize,
        heads: usize,
        past: usize,
        ahead: usize,
        dropout: f64,
        device: &B::Device,
    ) -> Self {
        Self {
            norm_attn: LayerNormConfig::new(d_model).init(device),
            query: LinearConfig::new(d_model, d_model).init(device),
            key: LinearConfig::new(d_model, d_model).init(device),
            value: LinearConfig::new(d_model, d_model).init(device),
            out: LinearConfig::new(d_model, d_model).init(device),
            rel_bias: Param::from_tensor(Tensor::zeros([heads, past + ahead + 2], device)),
            norm_ff: LayerNormConfig::new(d_model).init(device),
            ff_in: LinearConfig::new(d_model, d_ff).init(device),
            ff_out: LinearConfig::new(d_ff, d_model).init(device),
            dropout: DropoutConfig::new(dropout).init(),
            gelu: Gelu::new(),
            heads,
            past,
            ahead,
        }
    }

    /// `x`: `[batch, 1 + frames, d_model]` → same shape.
    pub fn forward(&self, x: Tensor<B, 3>) -> Tensor<B, 3> {
        let index = self.band_index(x.dims()[1], &x.device());
        self.forward_banded(x, &index)
    }

    /// The band's bias-table index for a sequence of `len` (for each pair of positions, the
    /// bias column it reads, or the masked one): what [`forward_banded`](Self::forward_banded)
    /// takes, the same for every layer with the same band and table, so a network builds it
    /// once per pass.
    pub fn band_index(&self, len: usize, device: &B::Device) -> Tensor<B, 1, Int> {
        // The table's last column is the frames-to-token bias (its width fixed by the weights,
        // even when the band has been shortened: see `shorten_ahead`).
        let width = self.rel_bias.dims()[1];
        let (index, mask) = band_layout(len, self.past, self.ahead, width - 1);
        // Blocked pairs read an extra column of the bias table holding MASKED, so one gather
        // gives both the relative biases and the band mask.
        let blocked = width as i64;
        let index: Vec<i64> = index.into_iter().zip(mask).map(|(i, m)| if m { blocked } else { i }).collect();
        Tensor::from_data(TensorData::new(index, [len * len]), device)
    }

    /// The layer's band: frames before and after a frame that it attends to.
    pub fn band(&self) -> (usize, usize) {
        (self.past, self.ahead)
    }

    /// What its [`band_index`](Self::band_index) depends on besides the length: the band and
    /// the width of its bias table (which a shortened band keeps).
    pub(crate) fn band_key(&self) -> (usize, usize, usize) {
        (self.past, self.ahead, self.rel_bias.dims()[1])
    }

    /// Attends to at most `ahead` frames after each frame (no more than it was trained with):
    /// the later frames are masked as those beyond the band are, their biases left unused.
    pub fn shorten_ahead(&mut self, ahead: usize) {
        self.ahead = self.ahead.min(ahead);
    }

    /// [`forward`](Self::forward) with the band's index already built ([`band_index`](Self::band_index)).
    pub fn forward_banded(&self, x: Tensor<B, 3>, index: &Tensor<B, 1, Int>) -> Tensor<B, 3> {
        let [batch, len, d] = x.dims();
        let (h, dh) = (self.heads, d / self.heads);
        let n = self.norm_attn.forward(x.clone());
        // One product for queries, keys and values (their weights side by side): fewer, larger
        // operations, which is what the CPU backend is fastest at. The queries' 1/√dh is folded
        // into their weights (d × d numbers) rather than applied to the queries (len × d).
        let scale = 1.0 / (dh as f64).sqrt();
        let weight =
            Tensor::cat(vec![self.query.weight.val() * scale, self.key.weight.val(), self.value.weight.val()], 1);
        let mut qkv = n.matmul(weight.unsqueeze::<3>());
        if let (Some(bq), Some(bk), Some(bv)) = (&self.query.bias, &self.key.bias, &self.value.bias) {
            qkv = qkv + Tensor::cat(vec![bq.val() * scale, bk.val(), bv.val()], 0).reshape([1, 1, 3 * d]);
        }
        let split = |i: usize| qkv.clone().narrow(2, i * d, d).reshape([batch, len, h, dh]).swap_dims(1, 2);
        let (q, k, v) = (split(0), split(1), split(2)); // [b, h, len, dh]
        let attended = self.dense_attention(q, k, v, index).swap_dims(1, 2).reshape([batch, len, d]);
        let x = x + self.dropout.forward(self.out.forward(attended));
        let ff = self
            .ff_out
            .forward(self.dropout.forward(self.gelu.forward(self.ff_in.forward(self.norm_ff.forward(x.clone())))));
        x + self.dropout.forward(ff)
    }

    /// Attention as a masked `len × len` matrix; `q` already scaled. Returns `[b, h, len, dh]`.
    ///
    /// Computing only the band (each frame against its `past + 1 + ahead` neighbours, shifted
    /// copies of the keys) was measured slower on burn's Flex backend at EAC's lengths (≤ 283):
    /// 41.8 ms against 35.7 ms for a 10 s line, since it takes ~25 small tensor operations per
    /// layer where this takes two matrix products (BENCHMARKS.md).
    fn dense_attention(
        &self,
        q: Tensor<B, 4>,
        k: Tensor<B, 4>,
        v: Tensor<B, 4>,
        index: &Tensor<B, 1, Int>,
    ) -> Tensor<B, 4> {
        let [_, h, len, _] = q.dims();
        let scores = q.matmul(k.swap_dims(2, 3)); // [b, h, len, len]
        let device = scores.device();
        let table = Tensor::cat(vec![self.rel_bias.val(), Tensor::full([h, 1], MASKED, &device)], 1);
        let bias = table.select(1, index.clone()).reshape([1, h, len, len]);
        let weights = softmax(scores + bias, 3);
        self.dropout.forward(weights).matmul(v)
    }
}

/// Per pair of positions (row-major `len × len`): the bias-table column it reads (offset
/// `−past ..= ahead` at `offset + past`, the token at `token_column`) and whether it is masked.
pub(crate) fn band_layout(len: usize, past: usize, ahead: usize, token_column: usize) -> (Vec<i64>, Vec<bool>) {
    let token_column = token_column as i64;
    let mut index = vec![token_column; len * len];
    let mut mask = vec![true; len * len];
    mask[0] = false; // the token sees itself
    for i in 1..len {
        mask[i * len] = false; // every frame sees the token
        for j in 1..len {
            let offset = j as i64 - i as i64;
            if offset >= -(past as i64) && offset <= ahead as i64 {
                index[i * len + j] = offset + past as i64;
                mask[i * len + j] = false;
            }
        }
    }
    (index, mask)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_band_is_where_it_should_be() {
        let (index, mask) = super::band_layout(6, 2, 1, 4);
        let len = 6;
        // Row 3 (frame 3): token, frames 1..=4.
        let row: Vec<bool> = (0..len).map(|j| !mask[3 * len + j]).collect();
        assert_eq!(row, [true, true, true, true, true, false]);
        assert_eq!(index[3 * len + 1], 0); // offset −2
        assert_eq!(index[3 * len + 4], 3); // offset +1
        assert_eq!(index[3 * len], 4); // the token column
        // The token sees only itself.
        assert_eq!((0..len).filter(|&j| !mask[j]).collect::<Vec<_>>(), [0]);
        // Shortened to no look-ahead, the same table: frame 4 is masked for row 3, the token
        // still reads the table's last column.
        let (index, mask) = super::band_layout(6, 2, 0, 4);
        let row: Vec<bool> = (0..len).map(|j| !mask[3 * len + j]).collect();
        assert_eq!(row, [true, true, true, true, false, false]);
        assert_eq!(index[3 * len], 4);
    }
}
