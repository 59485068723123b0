//! The front-end against librosa: golden values from `tests/reference/make_golden.py`, on
//! synthetic signals (tones, a chirp, silence, clicks, quiet noise) and real speech from
//! `../shared/data/speech`; and the decoders of every container against the WAV original.

use std::path::{Path, PathBuf};

use emotalk::audio::{self, AudioReader, FeatureMatrix, MelConfig, MelExtractor, Mfcc, log_mel};

/// The bound: max abs error on the natural-log mel scale.
const LOG_MEL_TOL: f32 = 1e-3;
/// The same bound carried through the dB conversion (×4.34) and the orthonormal DCT (≤ √80 gain
/// for a systematic error): MFCCs are in dB and reach several hundred in magnitude.
const MFCC_TOL: f32 = 1e-3 * 4.343 * 8.95;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_f32(path: &Path) -> Vec<f32> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

#[test]
fn log_mel_and_mfcc_match_librosa() {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("tests/reference/golden.json")).unwrap()).unwrap();
    let clips = manifest["clips"].as_array().unwrap();
    assert!(clips.len() >= 8, "the manifest lists {} clips", clips.len());
    let cfg = MelConfig::default();
    let mfcc = Mfcc::new(80, manifest["n_mfcc"].as_u64().unwrap() as usize).unwrap();
    let mut report = Vec::new();
    for clip in clips {
        let name = clip["name"].as_str().unwrap();
        let decoded = audio::load(repo().join(clip["wav"].as_str().unwrap())).unwrap();
        assert_eq!(decoded.samples.len() as u64, clip["samples"].as_u64().unwrap(), "{name}: sample count");
        let ours = log_mel(&decoded.samples, &cfg).unwrap();
        assert_eq!(ours.n_frames() as u64, clip["frames"].as_u64().unwrap(), "{name}: frame count");
        let want = read_f32(&repo().join(clip["log_mel"].as_str().unwrap()));
        let err = max_abs_diff(ours.as_slice(), &want);
        let want_mfcc = read_f32(&repo().join(clip["mfcc"].as_str().unwrap()));
        let err_mfcc = max_abs_diff(mfcc.apply(&ours).unwrap().as_slice(), &want_mfcc);
        report.push(format!("{name}: log-mel {err:.2e}, mfcc {err_mfcc:.2e}"));
        assert!(err <= LOG_MEL_TOL, "{name}: log-mel max abs error {err}");
        assert!(err_mfcc <= MFCC_TOL, "{name}: MFCC max abs error {err_mfcc}");
    }
    println!("{}", report.join("\n"));
}

#[test]
fn streaming_from_the_file_equals_the_whole_clip() {
    let path = repo().join("../shared/data/speech/goforward.wav");
    let whole = log_mel(&audio::load(&path).unwrap().samples, &MelConfig::default()).unwrap();
    let mut reader = AudioReader::open(&path).unwrap();
    let mut ex = MelExtractor::new(&MelConfig::default()).unwrap();
    let (mut chunk, mut frames) = (Vec::new(), FeatureMatrix::new(80));
    let mut more = true;
    while more {
        more = reader.read_chunk(&mut chunk).unwrap();
        ex.push(&chunk, &mut frames);
        chunk.clear();
    }
    ex.finish(&mut frames);
    assert_eq!(frames, whole);
}

/// The dominant mel band of frame `t`.
fn peak_band(m: &FeatureMatrix, t: usize) -> usize {
    let row = m.row(t);
    (0..row.len()).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap()
}

/// The frame (10 ms each) where the top mel bands (> 5 kHz: only the click reaches them) peak.
fn click_frame(m: &FeatureMatrix) -> usize {
    let high = |t: usize| m.row(t)[70..].iter().sum::<f32>();
    (0..m.n_frames()).max_by(|&a, &b| high(a).total_cmp(&high(b))).unwrap()
}

/// The shift of `got` against `reference` (in samples, within ±`max`) that correlates best.
fn best_lag(got: &[f32], reference: &[f32], max: i64) -> i64 {
    let corr = |lag: i64| -> f64 {
        (1000..reference.len() - 1000).map(|i| reference[i] as f64 * got[(i as i64 + lag) as usize] as f64).sum()
    };
    (-max..=max).max_by(|&a, &b| corr(a).total_cmp(&corr(b))).unwrap()
}

#[test]
fn every_container_decodes_like_the_wav_original() {
    let fixtures = repo().join("tests/fixtures");
    let reference = audio::load(fixtures.join("stereo_44k.wav")).unwrap();
    assert_eq!((reference.info.sample_rate, reference.info.channels), (44_100, 2));
    // 0.5 s at 44.1 kHz -> exactly 8000 samples at 16 kHz.
    assert_eq!(reference.samples.len(), 8000);
    let ref_mel = log_mel(&reference.samples, &MelConfig::default()).unwrap();
    assert_eq!(click_frame(&ref_mel), 25, "the click at 0.25 s is in frame 25");
    for (ext, lossless) in [("flac", true), ("ogg", false), ("mp3", false)] {
        let path = fixtures.join(format!("stereo_44k.{ext}"));
        let got = audio::load(&path).unwrap_or_else(|e| panic!("{ext}: {e}"));
        assert_eq!((got.info.sample_rate, got.info.channels), (44_100, 2), "{ext}");
        if lossless {
            assert_eq!(got.samples, reference.samples, "{ext} is lossless");
            continue;
        }
        // Lossy codecs: same length and no shift (encoder delay and padding trimmed), the click
        // in its frame, the same spectrum in the steady part.
        assert!((got.samples.len() as i64 - 8000).abs() <= 16, "{ext}: {} samples", got.samples.len());
        let lag = best_lag(&got.samples, &reference.samples, 64);
        assert!(lag.abs() <= 2, "{ext}: shifted by {lag} samples against the WAV");
        let mel = log_mel(&got.samples, &MelConfig::default()).unwrap();
        assert_eq!(click_frame(&mel), 25, "{ext}: the click moved");
        for t in [10, 20, 35] {
            assert_eq!(peak_band(&mel, t), peak_band(&ref_mel, t), "{ext}: frame {t}");
            // Bands within 20 dB of the frame's loudest carry the signal; quieter ones hold codec
            // noise, which a lossy codec is free to shape.
            let (ours, want) = (mel.row(t), ref_mel.row(t));
            let loudest = want.iter().fold(f32::MIN, |m, &v| m.max(v));
            let err = (0..80)
                .filter(|&b| want[b] > loudest - 100f32.ln())
                .map(|b| (ours[b] - want[b]).abs())
                .fold(0.0, f32::max);
            assert!(err < 0.25, "{ext}: frame {t} differs by {err} (log) in its loud bands");
        }
    }
}

#[test]
fn the_bundled_line_decodes() {
    let line = audio::load_bytes(emotalk::bundled::GREETING_OGG, emotalk::bundled::GREETING_LABEL).unwrap();
    assert_eq!((line.info.sample_rate, line.info.channels), (16_000, 1));
    assert!((line.duration_seconds() - 4.94).abs() < 0.01, "{} s", line.duration_seconds());
    let peak = line.samples.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!((0.8..=1.0).contains(&peak), "normalised to -1 dBFS, got peak {peak}");
}
