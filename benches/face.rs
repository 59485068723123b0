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
}

criterion_group!(benches, face);
criterion_main!(benches);
