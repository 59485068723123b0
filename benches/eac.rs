//! EAC speed on one core (burn's Flex backend), with random weights at the default sizes:
//! a 10 s line offline, and decode + features + EAC end to end.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use emotalk::audio::{MelConfig, log_mel};
use emotalk::emotion::space::EmotionEmbedding;
use emotalk::face::EmotionPreset;
use emotalk::model::eac::EacConfig;

type B = burn::backend::Flex;

/// mimalloc (feature `mimalloc`, default): EAC's megabyte attention tensors are reused instead of
/// page-faulted in afresh on every pass (BENCHMARKS.md, "EAC speed").
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn eac(c: &mut Criterion) {
    let config = EacConfig::new().with_dropout(0.0);
    let device = Default::default();
    let eac = config.init::<B>(&device);
    let line = emotalk::audio::load_bytes(emotalk::bundled::GREETING_OGG, "greeting.ogg").unwrap();
    let ten_s: Vec<f32> = line.samples.iter().cycle().take(16_000 * 10).copied().collect();
    let mel = log_mel(&ten_s, &MelConfig::default()).unwrap();
    let happy = EmotionEmbedding::preset(EmotionPreset::Happy);
    let mut g = c.benchmark_group("eac_default_flex_1core");
    g.sample_size(20);
    g.bench_function("EAC, 10 s line (250 frames)", |b| {
        b.iter(|| eac.infer(black_box(&mel), &config, &happy, 2.0, &device))
    });
    g.bench_function("decode + log-mel + EAC, bundled 4.94 s OGG", |b| {
        b.iter(|| {
            let a = emotalk::audio::load_bytes(emotalk::bundled::GREETING_OGG, "greeting.ogg").unwrap();
            let m = log_mel(&a.samples, &MelConfig::default()).unwrap();
            eac.infer(&m, &config, &happy, 2.0, &device)
        })
    });
    g.finish();
}

criterion_group!(benches, eac);
criterion_main!(benches);
