//! Golden images: the GPU face warp (the plugin's material, rendered offline through Bevy on
//! whatever adapter wgpu finds; lavapipe in CI) against the reference CPU renderer.

#![cfg(feature = "bevy")]

use emotalk::face::blendshapes::{BlendshapeBasis, N_BLENDSHAPES, index_of};
use emotalk::face::render::{HeadPose, psnr};
use emotalk::plugin::Portrait;
use emotalk::render::offline::OfflineRenderer;

fn weights(pairs: &[(&str, f32)]) -> [f32; N_BLENDSHAPES] {
    let mut w = [0.0; N_BLENDSHAPES];
    for (name, v) in pairs {
        w[index_of(name).unwrap_or_else(|| panic!("{name}"))] = *v;
    }
    w
}

#[test]
fn gpu_warp_matches_the_cpu_renderer() {
    let portrait = Portrait::bundled();
    let prepared = portrait.prepared.clone();
    let basis = BlendshapeBasis::default_basis();
    let mut gpu = OfflineRenderer::new(portrait);
    let out = std::env::var_os("EMOTALK_GOLDEN_OUT").map(std::path::PathBuf::from);
    let cases: Vec<(&str, [f32; N_BLENDSHAPES], HeadPose)> = vec![
        ("rest", [0.0; N_BLENDSHAPES], HeadPose::default()),
        (
            "open_smile",
            weights(&[("jawOpen", 0.7), ("mouthSmileLeft", 0.6), ("mouthSmileRight", 0.6)]),
            HeadPose::default(),
        ),
        (
            "blink_brows",
            weights(&[("eyeBlinkLeft", 1.0), ("eyeBlinkRight", 0.5), ("browInnerUp", 0.8)]),
            HeadPose::default(),
        ),
        ("funnel_close", weights(&[("jawOpen", 0.4), ("mouthClose", 0.3), ("mouthFunnel", 0.6)]), HeadPose::default()),
        (
            "posed_surprise",
            weights(&[("jawOpen", 0.5), ("browOuterUpLeft", 0.7), ("eyeWideRight", 0.6)]),
            HeadPose { yaw: 10.0, pitch: 5.0, roll: -4.0, ..Default::default() },
        ),
    ];
    for (name, w, pose) in cases {
        let cpu = prepared.render(&w, &pose, basis);
        let got = gpu.render(&w, &pose).expect("the GPU renders");
        let db = psnr(&cpu, &got);
        if let Some(dir) = &out {
            std::fs::create_dir_all(dir).unwrap();
            cpu.save(dir.join(format!("{name}_cpu.png"))).unwrap();
            got.save(dir.join(format!("{name}_gpu.png"))).unwrap();
        }
        eprintln!("{name}: PSNR {db:.2} dB");
        assert!(db >= 35.0, "{name}: GPU vs CPU PSNR {db:.2} dB < 35 dB");
    }
}
