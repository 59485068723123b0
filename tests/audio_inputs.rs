//! Every kind of input a user can hand the decoder, good and bad, in one table.
//!
//! This binary holds a single test on purpose: it installs a peak-tracking allocator to show that
//! a one-hour file is decoded in bounded memory, and other tests running beside it would blur
//! the measurement.

use std::path::{Path, PathBuf};

use emotalk::audio::{self, AudioError, AudioReader, DecodedAudio, FeatureMatrix, MelConfig, MelExtractor};
use peak_alloc::PeakAlloc;

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

const MB: usize = 1 << 20;

/// Writes a WAV whose frame `i`, channel `c` is `f(i, c)`.
fn wav(path: &Path, rate: u32, channels: u16, frames: usize, float: bool, f: impl Fn(usize, usize) -> f32) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: if float { 32 } else { 16 },
        sample_format: if float { hound::SampleFormat::Float } else { hound::SampleFormat::Int },
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..frames {
        for c in 0..channels as usize {
            let v = f(i, c);
            if float { w.write_sample(v).unwrap() } else { w.write_sample((v * 32767.0) as i16).unwrap() }
        }
    }
    w.finalize().unwrap();
}

fn sine(rate: u32, hz: f32, amp: f32) -> impl Fn(usize, usize) -> f32 {
    move |i, _| amp * (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin()
}

fn copy_cut(from: &Path, to: &Path, keep: f64) {
    let bytes = std::fs::read(from).unwrap();
    std::fs::write(to, &bytes[..(bytes.len() as f64 * keep) as usize]).unwrap();
}

type Check = Box<dyn Fn(&Result<DecodedAudio, AudioError>) -> Result<(), String>>;

fn ok(check: impl Fn(&DecodedAudio) -> Result<(), String> + 'static) -> Check {
    Box::new(move |r| match r {
        Ok(a) => check(a),
        Err(e) => Err(format!("expected success, got: {e}")),
    })
}

fn err(want: impl Fn(&AudioError) -> bool + 'static) -> Check {
    Box::new(move |r| match r {
        Err(e) if want(e) => Ok(()),
        Err(e) => Err(format!("wrong error: {e:?}")),
        Ok(a) => Err(format!("expected an error, decoded {} samples", a.samples.len())),
    })
}

/// The 16 kHz length a clip of `frames` source frames at `rate` must give.
fn len16k(frames: usize, rate: u32) -> usize {
    (frames as u64 * 16_000).div_ceil(rate as u64) as usize
}

fn tone_check(frames: usize, rate: u32) -> Check {
    ok(move |a| {
        if a.samples.len() != len16k(frames, rate) {
            return Err(format!("{} samples, want {}", a.samples.len(), len16k(frames, rate)));
        }
        // The 1 kHz tone survives resampling with its amplitude (0.5) and frequency.
        let mid = &a.samples[800..a.samples.len() - 800];
        let peak = mid.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let crossings = mid.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count() as f32;
        let hz = crossings * 16_000.0 / mid.len() as f32;
        if (peak - 0.5).abs() > 0.02 || (hz - 1000.0).abs() > 15.0 {
            return Err(format!("tone came out at {hz} Hz, peak {peak}"));
        }
        Ok(())
    })
}

#[test]
fn every_input_gives_audio_or_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases: Vec<(String, PathBuf, Check)> = Vec::new();
    let mut case = |name: &str, path: PathBuf, check: Check| cases.push((name.to_string(), path, check));

    case("missing file", p("nope.wav"), err(|e| matches!(e, AudioError::Io { .. })));

    std::fs::write(p("empty.wav"), b"").unwrap();
    case("empty file", p("empty.wav"), err(|e| matches!(e, AudioError::Empty { .. })));

    std::fs::write(p("notes.wav"), "this is a text file, not a wave file\n".repeat(50)).unwrap();
    case("text file", p("notes.wav"), err(|e| matches!(e, AudioError::NotAudio { .. })));

    let noise: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    std::fs::write(p("noise.mp3"), &noise).unwrap();
    case("random bytes", p("noise.mp3"), err(|e| matches!(e, AudioError::NotAudio { .. })));

    wav(&p("full.wav"), 16_000, 1, 16_000, false, sine(16_000, 1000.0, 0.5));
    copy_cut(&p("full.wav"), &p("header_cut.wav"), 0.001);
    case("cut inside the header", p("header_cut.wav"), err(|e| matches!(e, AudioError::Truncated { .. })));
    copy_cut(&p("full.wav"), &p("half.wav"), 0.5);
    case(
        "truncated wav",
        p("half.wav"),
        err(|e| matches!(e, AudioError::Truncated { expected_seconds: Some(s), .. } if (s - 1.0).abs() < 1e-9)),
    );
    for ext in ["flac", "ogg", "mp3"] {
        let cut = p(&format!("cut.{ext}"));
        copy_cut(&fixtures.join(format!("stereo_44k.{ext}")), &cut, 0.6);
        case(&format!("truncated {ext}"), cut, err(|e| matches!(e, AudioError::Truncated { .. })));
    }

    wav(&p("zero.wav"), 16_000, 1, 0, false, |_, _| 0.0);
    case("zero samples", p("zero.wav"), err(|e| matches!(e, AudioError::NoSamples { .. })));

    for rate in [7_999u32, 200_000] {
        let path = p(&format!("rate_{rate}.wav"));
        wav(&path, rate, 1, 100, false, |_, _| 0.0);
        case(
            &format!("{rate} Hz"),
            path,
            err(move |e| matches!(e, AudioError::SampleRate { rate: r, .. } if *r == rate)),
        );
    }
    // Every common rate from 8 to 96 kHz, odd ones that need the sinc resampler, and 192 kHz.
    for rate in [
        8_000u32, 9_973, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 37_800, 44_100, 48_000, 88_200, 96_000,
        192_000,
    ] {
        let path = p(&format!("tone_{rate}.wav"));
        let frames = rate as usize * 3 / 10 + 7;
        wav(&path, rate, 1, frames, false, sine(rate, 1000.0, 0.5));
        case(&format!("{rate} Hz mono"), path, tone_check(frames, rate));
    }

    wav(&p("stereo.wav"), 44_100, 2, 13_230, false, |i, c| if c == 0 { sine(44_100, 1000.0, 1.0)(i, c) } else { 0.0 });
    case("stereo is averaged", p("stereo.wav"), tone_check(13_230, 44_100));

    wav(&p("surround.wav"), 16_000, 6, 1_600, true, |_, c| 0.1 * (c + 1) as f32);
    case(
        "5.1 is averaged",
        p("surround.wav"),
        ok(|a| match a.info.channels == 6 && a.samples.iter().all(|v| (v - 0.35).abs() < 1e-6) {
            true => Ok(()),
            false => Err(format!("{} channels, first sample {}", a.info.channels, a.samples[0])),
        }),
    );

    wav(&p("nan.wav"), 16_000, 1, 4_000, true, |i, _| if i == 1_234 { f32::NAN } else { 0.1 });
    case(
        "NaN sample",
        p("nan.wav"),
        err(|e| matches!(e, AudioError::NonFinite { frame: 1_234, channel: 0, value, .. } if value.is_nan())),
    );
    wav(&p("inf.wav"), 48_000, 2, 4_000, true, |i, c| if i == 77 && c == 1 { f32::INFINITY } else { 0.1 });
    case("infinite sample", p("inf.wav"), err(|e| matches!(e, AudioError::NonFinite { frame: 77, channel: 1, .. })));

    let mut failures = Vec::new();
    for (name, path, check) in &cases {
        let result = audio::load(path);
        if let Err(e) = &result {
            // Every error names the file it is about.
            let file_name = path.file_name().unwrap().to_string_lossy();
            if !e.to_string().contains(file_name.as_ref()) {
                failures.push(format!("{name}: the message does not name the file: {e}"));
            }
        }
        if let Err(why) = check(&result) {
            failures.push(format!("{name}: {why}"));
        }
    }

    // One hour of 8 kHz speech-band audio: 57.6 M samples at 16 kHz (230 MB as f32).
    let hour = p("hour.wav");
    let frames = 3_600 * 8_000;
    wav(&hour, 8_000, 1, frames, false, sine(8_000, 330.0, 0.3));
    let out_bytes = len16k(frames, 8_000) * 4;

    // Streaming: decode + resample + log-mel, frames consumed as they come: kilobytes, not hours.
    ALLOC.reset_peak_usage();
    let base = ALLOC.current_usage();
    let mut reader = AudioReader::open(&hour).unwrap();
    let mut ex = MelExtractor::new(&MelConfig::default()).unwrap();
    let (mut chunk, mut rows, mut n_frames) = (Vec::new(), FeatureMatrix::new(80), 0usize);
    let mut more = true;
    while more {
        more = reader.read_chunk(&mut chunk).unwrap();
        n_frames += ex.push(&chunk, &mut rows);
        rows = FeatureMatrix::new(80);
        chunk.clear();
    }
    n_frames += ex.finish(&mut rows);
    let streaming_peak = ALLOC.peak_usage() - base;
    drop((reader, ex));
    if n_frames != 1 + len16k(frames, 8_000) / 160 {
        failures.push(format!("one hour, streamed: {n_frames} frames"));
    }
    if streaming_peak > 8 * MB {
        failures.push(format!("one hour, streamed: peak {} MB", streaming_peak / MB));
    }

    // Whole clip: one exactly-sized output buffer and no second full copy.
    ALLOC.reset_peak_usage();
    let base = ALLOC.current_usage();
    let clip = audio::load(&hour).unwrap();
    let load_peak = ALLOC.peak_usage() - base;
    if clip.samples.len() * 4 != out_bytes {
        failures.push(format!("one hour, loaded: {} samples", clip.samples.len()));
    }
    if load_peak > out_bytes + 8 * MB {
        failures.push(format!("one hour, loaded: peak {} MB for {} MB of output", load_peak / MB, out_bytes / MB));
    }
    println!(
        "{} cases; one hour: streaming peak {:.2} MB, load peak {:.1} MB for {:.1} MB of samples",
        cases.len() + 2,
        streaming_peak as f64 / MB as f64,
        load_peak as f64 / MB as f64,
        out_bytes as f64 / MB as f64
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
