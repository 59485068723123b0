#!/usr/bin/env python3
"""Golden values for the audio front-end, computed with librosa.

Writes, next to this script:
  signals/*.wav        synthetic 16 kHz test signals (float32 WAV): tones, a chirp, silence,
                       clicks, quiet noise; odd lengths so the last hop is partial
  golden/*.f32         log-mel and MFCC of each clip, little-endian float32, row-major (frames x cols)
  golden.json          manifest: versions, parameters, and per clip its wav, shape and files

The real clips are read from ../shared/data/speech (beside the repository), never copied.

The reference computation (see src/audio/mel.rs and mfcc.rs for the same definition):
  mel = librosa.feature.melspectrogram(y=y, sr=16000, n_fft=1280, hop_length=160,
        win_length=1280, window="hann", center=True, pad_mode="constant", power=2.0,
        n_mels=80, fmin=0.0, fmax=8000.0, htk=False, norm="slaney", dtype=np.float64)
  log_mel = np.log(np.maximum(mel, 1e-10))
  mfcc = librosa.feature.mfcc(S=librosa.power_to_db(mel, ref=1.0, amin=1e-10, top_db=None),
                              n_mfcc=13, dct_type=2, norm="ortho", lifter=0)
Everything runs in float64 (y is read as float64; the filterbank is built in float64).

Usage: python3 tests/reference/make_golden.py      (needs: pip install librosa soundfile)
"""
import json
import pathlib

import librosa
import numpy as np
import scipy.signal
import soundfile as sf

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
SR = 16000
PARAMS = dict(n_fft=1280, hop_length=160, win_length=1280, window="hann", center=True,
              pad_mode="constant", power=2.0, n_mels=80, fmin=0.0, fmax=8000.0, htk=False,
              norm="slaney")
LOG_FLOOR = 1e-10
N_MFCC = 13
REAL_CLIPS = ["cards_001", "goforward"]


def synthetic():
    rng = np.random.default_rng(20261121)
    t = lambda n: np.arange(n) / SR
    n = 9601  # 0.6 s + 1 sample: a partial last hop
    sig = {}
    sig["tone_440"] = 0.5 * np.sin(2 * np.pi * 440.0 * t(n))
    sig["tones_mix"] = sum(a * np.sin(2 * np.pi * f * t(n) + p)
                           for f, a, p in [(150, 0.3, 0.0), (1000, 0.2, 1.0), (3000, 0.1, 2.0), (7000, 0.05, 0.5)])
    sig["chirp"] = 0.4 * scipy.signal.chirp(t(n), f0=80.0, t1=n / SR, f1=7800.0, method="logarithmic")
    sig["silence"] = np.zeros(8003)
    clicks = np.zeros(n)
    clicks[::1600] = 0.9
    clicks[4321] = -0.7
    sig["clicks"] = clicks
    sig["quiet_noise"] = 1e-4 * rng.standard_normal(n)
    # Stored as float32 WAV: cast here so Python and Rust see the very same samples.
    return {k: v.astype(np.float32) for k, v in sig.items()}


def features(y):
    mel = librosa.feature.melspectrogram(y=y.astype(np.float64), sr=SR, dtype=np.float64, **PARAMS)
    log_mel = np.log(np.maximum(mel, LOG_FLOOR))
    S_db = librosa.power_to_db(mel, ref=1.0, amin=LOG_FLOOR, top_db=None)
    mfcc = librosa.feature.mfcc(S=S_db, n_mfcc=N_MFCC, dct_type=2, norm="ortho", lifter=0)
    return log_mel.T, mfcc.T  # frames x cols


def write(name, wav_rel, y, clips):
    log_mel, mfcc = features(y)
    (HERE / "golden").mkdir(exist_ok=True)
    log_mel.astype("<f4").tofile(HERE / "golden" / f"{name}.logmel.f32")
    mfcc.astype("<f4").tofile(HERE / "golden" / f"{name}.mfcc.f32")
    clips.append(dict(name=name, wav=wav_rel, samples=int(len(y)), frames=int(log_mel.shape[0]),
                      log_mel=f"tests/reference/golden/{name}.logmel.f32",
                      mfcc=f"tests/reference/golden/{name}.mfcc.f32"))


def main():
    clips = []
    (HERE / "signals").mkdir(exist_ok=True)
    for name, y in synthetic().items():
        path = HERE / "signals" / f"{name}.wav"
        sf.write(path, y, SR, subtype="FLOAT")
        back, _ = sf.read(path, dtype="float64")
        write(name, f"tests/reference/signals/{name}.wav", back, clips)
    for name in REAL_CLIPS:
        rel = f"../shared/data/speech/{name}.wav"
        y, sr = sf.read(REPO / rel, dtype="float64")
        assert sr == SR and y.ndim == 1, (name, sr, y.shape)
        write(name, rel, y, clips)
    manifest = dict(librosa=librosa.__version__, numpy=np.__version__, sample_rate=SR, log_floor=LOG_FLOOR,
                    n_mfcc=N_MFCC, params=PARAMS, clips=clips)
    (HERE / "golden.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {len(clips)} clips (librosa {librosa.__version__})")


if __name__ == "__main__":
    main()
