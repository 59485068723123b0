//! Face model speed: fitting a portrait, deforming the mesh, and a full 512 × 512 CPU frame.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use emotalk::face::{BlendshapeBasis, EmotionPreset, FaceFit, HeadPose, MeshDeformer, PortraitRig, PreparedPortrait};

fn face(c: &mut Criterion) {
    let rig = PortraitRig::from_json(emotalk::bundled::NPC_3_RIG, "npc_3.rig.json".as_ref()).unwrap();
    let image = image::load_from_memory(emotalk::bundled::NPC_3_PNG).unwrap().to_rgba8();
    let basis = BlendshapeBasis::default_basis();
    let npc = PreparedPortrait::new(image.clone(), &rig, basis).unwrap();
    let mut w = EmotionPreset::Happy.weights(2.0);
    w[emotalk::face::blendshapes::index_of("jawOpen").unwrap()] = 0.5;
    let mut g = c.benchmark_group("face_npc3_512");
    g.bench_function("fit (similarity + 52-weight FISTA)", |b| {
        b.iter(|| FaceFit::fit(black_box(&rig.points()), basis))
    });
    g.bench_function("deform mesh (basis + harmonic spread)", |b| {
        b.iter(|| MeshDeformer::get().deform(&basis.displacements(black_box(&w))))
    });
    g.bench_function("render frame (expression + yaw 8)", |b| {
        b.iter(|| npc.render(black_box(&w), &HeadPose { yaw: 8.0, ..Default::default() }, basis))
    });
    g.bench_function("prepare portrait (fit + place + depth)", |b| {
        b.iter(|| PreparedPortrait::new(black_box(image.clone()), &rig, basis))
    });
    g.finish();

    // The plugin's main-thread work per talking face per frame (systems `animate` and
    // `upload_faces`, without the ECS): sample the line's track and blend a retarget, add the
    // blink and the head motion, then pack the shader's face row (weights, pose, mouth contour).
    let warp = emotalk::face::warp::WarpRig::new(&npc, basis);
    let fps = 25.0;
    let frames: Vec<[f32; 52]> = (0..250).map(|f| w.map(|v| v * (0.5 + 0.5 * (f as f32 * 0.3).sin()))).collect();
    let n = frames.len();
    let track = std::sync::Arc::new(emotalk::anim::ExpressionTrack { fps, frames, sigma: vec![0.0; n] });
    let mut animator = emotalk::anim::FaceAnimator::new([0.0; 52], Default::default(), Default::default(), 0.12, 7);
    animator.retarget(emotalk::anim::FaceSource::Line(track), None, 0.0);
    let mut t = 0.0f32;
    let mut g = c.benchmark_group("plugin_main_thread_per_face");
    g.bench_function("animate + pack face row (mid-retarget)", |b| {
        b.iter(|| {
            // Stay inside the retarget (both sources sampled): the costlier case.
            t = (t + 0.001) % 0.3;
            let frame = animator.frame(t, t as f64 + 1.0);
            black_box(warp.face_params(&frame.weights, &frame.pose))
        })
    });
    g.finish();
}

criterion_group!(benches, face);
criterion_main!(benches);
