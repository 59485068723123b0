#!/usr/bin/env python3
"""Times librosa on the job of emotalk's front-end, for BENCHMARKS.md.

The same clip and the same definition as benches/frontend.rs ("decode+log_mel"): read the WAV,
80-band log-mel with n_fft 1280, hop 160, float64 (as the golden values in tests/reference).
Also times the float32 variant (librosa's default dtype), which is faster and less exact.

Usage: python3 benches/reference/librosa_frontend.py [clip.wav]   (pip install -r tests/reference/requirements.txt)
"""
import sys
import timeit

import librosa
import numpy as np

CLIP = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/speech/goforward.wav"
P = dict(sr=16000, n_fft=1280, hop_length=160, win_length=1280, window="hann", center=True,
         pad_mode="constant", power=2.0, n_mels=80, fmin=0.0, fmax=8000.0, htk=False, norm="slaney")


def job(dtype):
    y, _ = librosa.load(CLIP, sr=16000, mono=True, dtype=dtype)
    mel = librosa.feature.melspectrogram(y=y, dtype=dtype, **P)
    return np.log(np.maximum(mel, 1e-10))


def mel_only(y, dtype):
    return np.log(np.maximum(librosa.feature.melspectrogram(y=y, dtype=dtype, **P), 1e-10))


for dtype in (np.float64, np.float32):
    job(dtype)  # warm-up: imports, caches
    n, reps = 50, 7
    t = min(timeit.repeat(lambda: job(dtype), number=n, repeat=reps)) / n
    y, _ = librosa.load(CLIP, sr=16000, dtype=dtype)
    t_mel = min(timeit.repeat(lambda: mel_only(y, dtype), number=n, repeat=reps)) / n
    print(f"librosa {librosa.__version__} {np.dtype(dtype).name}: load+log_mel {t * 1e3:.3f} ms, "
          f"log_mel {t_mel * 1e3:.3f} ms  ({len(y) / 16000:.2f} s clip, best of {reps}x{n})")
