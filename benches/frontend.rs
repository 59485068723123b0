//! Front-end speed: decode + resample + log-mel on a real clip, and each stage alone.
//! Compare with `benches/reference/librosa_frontend.py` on the same clip (BENCHMARKS.md).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use emotalk::audio::{self, MelConfig, StreamResampler, log_mel};

const CLIP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/speech/goforward.wav");

fn frontend(c: &mut Criterion) {
    let bytes = std::fs::read(CLIP).expect("the benchmark reads ../shared/data/speech/goforward.wav");
    let samples = audio::load(CLIP).unwrap().samples;
    let cfg = MelConfig::default();
    let mut g = c.benchmark_group("frontend_goforward_2.79s");
    g.bench_function("decode+log_mel (wav bytes -> 80x280)", |b| {
        b.iter(|| {
            let a = audio::load_bytes(black_box(bytes.clone()), "goforward.wav").unwrap();
            log_mel(&a.samples, &cfg).unwrap()
        })
    });
    g.bench_function("log_mel (16 kHz samples -> 80x280)", |b| b.iter(|| log_mel(black_box(&samples), &cfg).unwrap()));
    g.bench_function("resample 44.1k->16k (2.79 s)", |b| {
        let x: Vec<f32> = (0..123_039).map(|i| (i as f32 * 0.01).sin()).collect();
        b.iter(|| {
            let mut rs = StreamResampler::new(44_100, 16_000).unwrap();
            let mut out = Vec::with_capacity(45_000);
            rs.push(black_box(&x), &mut out).unwrap();
            rs.finish(&mut out).unwrap();
            out
        })
    });
    g.finish();
}

criterion_group!(benches, frontend);
criterion_main!(benches);
