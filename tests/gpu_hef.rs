//! HEF heads in the render part (`FaceRenderer::Hef`): the frame Bevy draws (offline, on
//! whatever adapter wgpu finds; lavapipe in CI) is the CPU reference's warp refined by HEF.
//! With the `wgpu` feature the network runs on Bevy's own device and its change reaches the
//! face texture by a GPU copy; without it, on the CPU.

#![cfg(feature = "bevy")]

use emotalk::face::cpu_render::{HeadPose, psnr};
use emotalk::face::{BlendshapeBasis, EmotionPreset, npc};
use emotalk::model::hef::refine::HefRefiner;
use emotalk::model::hef::saved::HefModel;
use emotalk::plugin::Portrait;
use emotalk::plugin::offline::OfflineRenderer;
use emotalk::render::hef::HefHead;
use emotalk::render::{FaceRenderer, HefDevice};

#[test]
fn a_hef_head_draws_the_warp_refined_by_hef() {
    hef_head(HefDevice::Auto, cfg!(feature = "wgpu"));
}

#[test]
fn a_hef_head_kept_on_the_cpu_draws_the_same() {
    hef_head(HefDevice::Cpu, false);
}

fn hef_head(device_choice: HefDevice, on_gpu: bool) {
    let c = npc::generate(203, 256);
    let portrait = Portrait::new(c.image.clone(), &c.rig).unwrap();
    let prepared = portrait.prepared.clone();
    let basis = BlendshapeBasis::default_basis();
    let device = Default::default();
    let reference =
        HefRefiner::<burn::backend::Flex>::new(HefModel::shipped(&device).unwrap(), &c.image, &c.rig, basis, &device)
            .unwrap();
    let mut gpu = OfflineRenderer::new(portrait);
    gpu.app_mut().world_mut().insert_resource(device_choice);
    gpu.set_renderer(FaceRenderer::Hef);
    let pose = HeadPose { yaw: 8.0, ..Default::default() };
    for preset in [EmotionPreset::Happy, EmotionPreset::Surprised] {
        let w = preset.weights(2.5);
        let warp = prepared.render(&w, &pose, basis);
        let mut refined = warp.clone();
        reference.refine(&mut refined, &w, &pose, basis).unwrap();
        let got = gpu.render(&w, &pose).expect("the GPU renders");
        let (to_hef, to_warp, hef_vs_warp) = (psnr(&got, &refined), psnr(&got, &warp), psnr(&refined, &warp));
        eprintln!(
            "{preset:?}: GPU vs CPU HEF {to_hef:.2} dB, vs the bare warp {to_warp:.2} dB (HEF vs warp {hef_vs_warp:.2})"
        );
        assert!(hef_vs_warp < 48.0, "HEF changes this frame: {hef_vs_warp:.2} dB");
        assert!(to_hef >= 35.0 && to_hef > to_warp + 1.0, "{preset:?}: {to_hef:.2} vs {to_warp:.2} dB");
    }
    let entity = gpu.head();
    let head = gpu.app_mut().world().get::<HefHead>(entity).expect("a HEF head");
    assert_eq!(head.on_gpu(), on_gpu, "where the network runs ({device_choice:?})");
    assert!(head.refined >= 2);
}

#[test]
fn a_head_switched_back_to_the_warp_draws_the_warp_again() {
    let c = npc::generate(204, 256);
    let portrait = Portrait::new(c.image.clone(), &c.rig).unwrap();
    let prepared = portrait.prepared.clone();
    let basis = BlendshapeBasis::default_basis();
    let mut gpu = OfflineRenderer::new(portrait);
    gpu.set_renderer(FaceRenderer::Hef);
    let w = EmotionPreset::Surprised.weights(2.5);
    let pose = HeadPose::default();
    let warp = prepared.render(&w, &pose, basis);
    let with_hef = gpu.render(&w, &pose).expect("the GPU renders");
    gpu.set_renderer(FaceRenderer::Warp);
    let _ = gpu.render(&w, &pose).expect("the GPU renders");
    let back = gpu.render(&w, &pose).expect("the GPU renders");
    let (hef_db, back_db) = (psnr(&with_hef, &warp), psnr(&back, &warp));
    eprintln!("against the CPU warp: HEF head {hef_db:.2} dB, back to the warp {back_db:.2} dB");
    assert!(back_db >= 50.0 && back_db > hef_db + 5.0, "HEF {hef_db:.2} dB, back {back_db:.2} dB");
    let entity = gpu.head();
    assert!(gpu.app_mut().world().get::<HefHead>(entity).is_none());
}
