//! Procedural NPC portraits: valid exact rigs, reproducible, and the drawing agrees with the rig.

use std::path::Path;

use emotalk::face::npc::generate;
use emotalk::face::cpu_render::{psnr, sample};
use emotalk::face::{BlendshapeBasis, HeadPose, PreparedPortrait};
use glam::Vec2;

fn close(a: [f32; 3], b: [f32; 3], tol: f32) -> bool {
    (0..3).all(|i| (a[i] - b[i]).abs() <= tol)
}

#[test]
fn every_seed_gives_a_valid_rig_that_matches_the_drawing() {
    for seed in 0..24 {
        let npc = generate(seed, 512);
        assert_eq!(npc.image.dimensions(), (512, 512));
        npc.rig.validate(Path::new(&format!("npc_{seed}"))).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let lm = npc.rig.points();
        let at = |p: Vec2| sample(&npc.image, p);
        // Lower lip (between the lower inner and outer lip midpoints) is lip-coloured.
        let lip = at(lm[57].lerp(lm[66], 0.5));
        assert!(close(lip, npc.params.lips, 0.12), "seed {seed}: lower lip {lip:?} vs {:?}", npc.params.lips);
        // The eye centre is iris or pupil: darker than the sclera, and not skin.
        let eye = (36..42).map(|i| lm[i]).sum::<Vec2>() / 6.0;
        assert!(!close(at(eye), npc.params.skin, 0.1), "seed {seed}: skin in the eye");
        // A cheek (between eye and mouth corner, beside the nose) is close to skin.
        let cheek = lm[41].lerp(lm[48], 0.5);
        assert!(
            close(at(cheek), npc.params.skin, 0.2),
            "seed {seed}: cheek {:?} vs skin {:?}",
            at(cheek),
            npc.params.skin
        );
    }
}

#[test]
fn the_same_seed_draws_the_same_character() {
    let (a, b, c) = (generate(7, 512), generate(7, 512), generate(8, 512));
    assert_eq!(a.image, b.image);
    assert_eq!(a.rig, b.rig);
    assert_ne!(a.image, c.image);
    assert_ne!(a.params, c.params);
}

#[test]
fn an_npc_renders_at_rest_and_talks() {
    let npc = generate(3, 512);
    let basis = BlendshapeBasis::default_basis();
    let p = PreparedPortrait::new(npc.image.clone(), &npc.rig, basis).unwrap();
    assert!(psnr(&p.render(&p.fit().weights, &HeadPose::default(), basis), &npc.image) >= 40.0);
    let mut w = [0.0; 52];
    w[emotalk::face::blendshapes::index_of("jawOpen").unwrap()] = 0.7;
    let open = p.render(&w, &HeadPose::default(), basis);
    assert!(psnr(&open, &npc.image) < 35.0, "opening the jaw changes the picture");
}

#[test]
fn the_bundled_portraits_are_what_the_generator_draws() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/portraits");
    for seed in [3u64, 7] {
        let npc = generate(seed, 512);
        let shipped = image::open(dir.join(format!("npc_{seed}.png"))).unwrap().to_rgba8();
        assert_eq!(shipped, npc.image, "assets/portraits/npc_{seed}.png is stale: rerun the command in its README");
        let rig = emotalk::face::PortraitRig::load(dir.join(format!("npc_{seed}.rig.json"))).unwrap();
        assert_eq!(rig, npc.rig);
    }
}
