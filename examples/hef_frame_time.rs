//! HEF's frame time, part by part and end to end, on this machine: the CPU half (the face
//! crop's warp, geometry and flow at the network's size), the network on the CPU (Flex) and,
//! with `--features wgpu`, on burn's wgpu device; then whole frames of the render part drawn
//! offline (warp alone, a HEF head on the CPU, a HEF head on Bevy's device), each frame waiting
//! for its own refinement.
//!
//! `cargo run --features wgpu --example hef_frame_time -- [FRAMES]` (20 frames by default).

use std::time::Instant;

use emotalk::face::{BlendshapeBasis, EmotionPreset, HeadPose, PortraitRig, blendshapes::index_of};
use emotalk::model::hef::refine::HefRefiner;
use emotalk::model::hef::saved::HefModel;
use emotalk::plugin::Portrait;
use emotalk::plugin::offline::OfflineRenderer;
use emotalk::render::{FaceRenderer, HefDevice};

type Cpu = burn::backend::Flex;

fn ms(t: Instant, n: usize) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0 / n as f64
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args().nth(1).map(|s| s.parse()).transpose()?.unwrap_or(20);
    let rig = PortraitRig::from_json(emotalk::bundled::NPC_3_RIG, "npc_3.rig.json".as_ref())?;
    let image = image::load_from_memory(emotalk::bundled::NPC_3_PNG)?.to_rgba8();
    let basis = BlendshapeBasis::default_basis();
    let jaw = index_of("jawOpen").ok_or("jawOpen")?;
    let frames: Vec<[f32; 52]> = (0..n)
        .map(|f| {
            let mut w = EmotionPreset::Happy.weights(2.5);
            w[jaw] = 0.3 + 0.3 * (f as f32 * 0.7).sin();
            w
        })
        .collect();
    let pose = HeadPose::default();
    let device = Default::default();
    let cpu = HefRefiner::<Cpu>::new(HefModel::shipped(&device)?, &image, &rig, basis, &device)?;
    println!("npc_3 ({}x{} px), HEF at {} px, {n} frames", image.width(), image.height(), cpu.size());
    let t = Instant::now();
    let inputs: Vec<_> = frames.iter().map(|w| cpu.frame(w, &pose, basis)).collect::<Result<_, _>>()?;
    println!("CPU inputs (crop warp + geometry + flow): {:.1} ms/frame", ms(t, n));
    let _ = cpu.refine_tensor(&inputs[0]).into_data();
    let t = Instant::now();
    for f in &inputs {
        let _ = cpu.refine_tensor(f).into_data();
    }
    println!("network on the CPU (Flex): {:.1} ms/frame", ms(t, n));
    #[cfg(feature = "wgpu")]
    {
        use burn::prelude::Backend;
        type Gpu = emotalk::render::hef_gpu::GpuBackend;
        let device = burn::backend::wgpu::WgpuDevice::default();
        let gpu = HefRefiner::<Gpu>::new(HefModel::shipped(&device)?, &image, &rig, basis, &device)?;
        let _ = gpu.refine_tensor(&inputs[0]).into_data();
        let t = Instant::now();
        for f in &inputs {
            let _ = gpu.refine_tensor(f);
            let _ = Gpu::sync(&device);
        }
        println!("network on burn's wgpu device (its default adapter): {:.1} ms/frame", ms(t, n));
    }
    for (label, renderer, place) in [
        ("warp", FaceRenderer::Warp, HefDevice::Auto),
        ("HEF head, network on the CPU", FaceRenderer::Hef, HefDevice::Cpu),
        ("HEF head, network on Bevy's device (CPU without `wgpu`)", FaceRenderer::Hef, HefDevice::Auto),
    ] {
        let mut r = OfflineRenderer::new(Portrait::new(image.clone(), &rig)?);
        r.app_mut().world_mut().insert_resource(place);
        r.set_renderer(renderer);
        r.render(&frames[0], &pose)?;
        let t = Instant::now();
        for w in &frames {
            r.render(w, &pose)?;
        }
        println!("offline frame, {label}: {:.1} ms/frame (with the frame's read-back)", ms(t, n));
    }
    Ok(())
}
