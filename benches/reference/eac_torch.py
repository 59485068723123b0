#!/usr/bin/env python3
"""PyTorch reference for EAC's speed: the same architecture and sizes as src/model/eac
(EacConfig defaults), random weights, CPU, one thread by default.

    python3 benches/reference/eac_torch.py [--threads 1] [--frames 250] [--repeats 50]

Times one offline pass over a 10 s line (250 output frames at 25 fps, as `cargo bench --bench
eac` does with burn's Flex backend): the per-frame mel context (9 x 80 = 720 numbers) through the
audio MLP, the intensity token, the emotion MLP, 4 pre-norm layers of banded self-attention
(8 frames back, 2 ahead in the first layer, 0 after; relative position biases; the token sees
only itself), the output MLP and the sigmoid. Prints the median and the minimum in ms.
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

D, HEADS, LAYERS, D_FF, PAST, AHEAD, N_MELS, CTX, Z = 128, 4, 4, 256, 8, 2, 80, 9, 11


def band_layout(n, past, ahead):
    """(index [n, n] into the bias table, mask [n, n] True where attention is blocked)."""
    token_col = past + ahead + 1
    i = torch.arange(n).view(n, 1)
    j = torch.arange(n).view(1, n)
    off = j - i
    inside = (off >= -past) & (off <= ahead) & (i >= 1) & (j >= 1)
    index = torch.where(inside, off + past, torch.full_like(off, token_col))
    mask = ~inside
    mask[0, 0] = False          # the token sees itself
    mask[1:, 0] = False         # every frame sees the token
    return index, mask


class BandLayer(nn.Module):
    def __init__(self, ahead):
        super().__init__()
        self.norm_attn, self.norm_ff = nn.LayerNorm(D), nn.LayerNorm(D)
        self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
        self.rel_bias = nn.Parameter(torch.randn(HEADS, PAST + ahead + 2) * 0.02)
        self.ff_in, self.ff_out = nn.Linear(D, D_FF), nn.Linear(D_FF, D)
        self.ahead = ahead

    def forward(self, x):
        b, n, d = x.shape
        dh = d // HEADS
        h = self.norm_attn(x)
        split = lambda t: t.view(b, n, HEADS, dh).transpose(1, 2)
        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        index, mask = band_layout(n, PAST, self.ahead)
        bias = self.rel_bias[:, index]                       # [heads, n, n]
        scores = q @ k.transpose(2, 3) / dh ** 0.5 + bias
        scores = scores.masked_fill(mask, -1e9)
        att = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, n, d)
        x = x + self.o(att)
        return x + self.ff_out(F.gelu(self.ff_in(self.norm_ff(x))))


class Eac(nn.Module):
    def __init__(self):
        super().__init__()
        self.audio_in, self.audio_hidden = nn.Linear(CTX * N_MELS, D), nn.Linear(D, D)
        self.emotion_in, self.emotion_hidden = nn.Linear(Z, D), nn.Linear(D, D)
        self.sigma_base = nn.Parameter(torch.randn(D) * 0.02)
        self.layers = nn.ModuleList(BandLayer(AHEAD if i == 0 else 0) for i in range(LAYERS))
        self.norm = nn.LayerNorm(D)
        self.out_hidden, self.out = nn.Linear(D, D), nn.Linear(D, 52)

    def forward(self, audio, z, mu):
        b = audio.shape[0]
        a = self.audio_hidden(F.gelu(self.audio_in(audio)))
        sigma = self.sigma_base.view(1, 1, D) * mu.view(b, 1, 1)
        e = self.emotion_hidden(F.gelu(self.emotion_in(z))).view(b, 1, D)
        x = torch.cat([sigma, a], 1) + e
        for layer in self.layers:
            x = layer(x)
        x = self.norm(x)
        return torch.sigmoid(self.out(F.gelu(self.out_hidden(x[:, 1:])))), x[:, 0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--frames", type=int, default=250)
    ap.add_argument("--repeats", type=int, default=50)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = Eac().eval()
    params = sum(p.numel() for p in model.parameters())
    audio = torch.randn(1, args.frames, CTX * N_MELS)
    z, mu = torch.zeros(1, Z), torch.tensor([2.0])
    times = []
    with torch.inference_mode():
        for _ in range(5):
            model(audio, z, mu)
        for _ in range(args.repeats):
            t = time.perf_counter()
            model(audio, z, mu)
            times.append((time.perf_counter() - t) * 1000)
    print(f"torch {torch.__version__}, {args.threads} thread(s), {params} parameters, {args.frames} frames: "
          f"median {statistics.median(times):.2f} ms, min {min(times):.2f} ms")


if __name__ == "__main__":
    main()
