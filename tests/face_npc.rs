//! Procedural NPC portraits: valid exact rigs, reproducible, and the drawing agrees with the rig.

use std::path::Path;

use emotalk::face::npc::{generate, generate_at};
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

/// Weights with `pairs` set (ARKit names).
fn weights(pairs: &[(&str, f32)]) -> [f32; 52] {
    let mut w = [0.0; 52];
    for (name, v) in pairs {
        w[emotalk::face::blendshapes::index_of(name).unwrap()] = *v;
    }
    w
}

#[test]
fn painting_at_the_zero_expression_is_the_neutral_painting() {
    let basis = BlendshapeBasis::default_basis();
    for seed in 0..6 {
        let (neutral, at_rest) = (generate(seed, 256), generate_at(seed, 256, &[0.0; 52], basis));
        assert!(neutral.image == at_rest.image, "seed {seed}: the zero expression repaints the neutral bytes");
        assert_eq!(neutral.rig.points(), at_rest.rig.points());
    }
}

#[test]
fn a_target_is_painted_at_its_expression_with_teeth_and_an_unsquashed_iris() {
    let basis = BlendshapeBasis::default_basis();
    let seed = 3;
    let neutral = generate(seed, 512);
    let p = &neutral.params;
    // The rig is the face model's landmarks at the expression, placed as the neutral face is.
    let w = weights(&[("jawOpen", 0.6), ("mouthUpperUpLeft", 0.5), ("mouthUpperUpRight", 0.5)]);
    let target = generate_at(seed, 512, &w, basis);
    assert_eq!(target.image.dimensions(), neutral.image.dimensions());
    let d = basis.displacements(&w);
    let sim = p.placement();
    for (i, (a, b)) in neutral.rig.points().iter().zip(target.rig.points()).enumerate() {
        let want = *a + sim.a.rotate(d[i].truncate());
        assert!(want.distance(b) < 1e-3, "landmark {i}: {b} for {want}");
    }
    // Teeth inside the open mouth: light, not lip- or skin-coloured pixels, and none at rest.
    let lm = target.rig.points();
    let teeth = |img: &image::RgbaImage| {
        let (lo, hi) = ((60..68).map(|i| lm[i]).fold(Vec2::MAX, Vec2::min), (60..68).map(|i| lm[i]).fold(Vec2::MIN, Vec2::max));
        let mut n = 0;
        for y in lo.y as u32..=hi.y as u32 {
            for x in lo.x as u32..=hi.x as u32 {
                let c = img.get_pixel(x, y).0;
                let (hi, lo) = (c[0].max(c[1]).max(c[2]), c[0].min(c[1]).min(c[2]));
                if lo > 180 && hi - lo < 32 {
                    n += 1;
                }
            }
        }
        n
    };
    let (shown, at_rest) = (teeth(&target.image), teeth(&neutral.image));
    println!("teeth pixels: {shown} open, {at_rest} at rest");
    assert!(shown > 40 && at_rest == 0, "teeth: {shown} open, {at_rest} at rest");
    // A squint covers the iris, it does not shrink it: on every row the lids leave open, the
    // iris is as wide as on the same row at rest; a wide eye shows sclera above the iris.
    let rest_lm = neutral.rig.points();
    let iris_row = |img: &image::RgbaImage, y: u32| {
        let (x0, x1) = (rest_lm[36].x as u32, rest_lm[39].x as u32 + 1);
        (x0..=x1).filter(|&x| close(sample(img, Vec2::new(x as f32 + 0.5, y as f32 + 0.5)), p.iris, 0.06)).count()
    };
    let squint = generate_at(seed, 512, &weights(&[("eyeSquintRight", 1.0), ("eyeSquintLeft", 1.0)]), basis);
    let (y0, y1) = ((36..42).map(|i| rest_lm[i].y).fold(f32::MAX, f32::min), (36..42).map(|i| rest_lm[i].y).fold(f32::MIN, f32::max));
    let mut rows = 0;
    for y in y0 as u32..=y1 as u32 {
        let (a, b) = (iris_row(&neutral.image, y), iris_row(&squint.image, y));
        if b >= 4 {
            rows += 1;
            assert!(b + 2 >= a, "row {y}: the squinting iris is {b} px wide, {a} at rest");
        }
    }
    println!("{rows} rows of iris left open by the squint");
    assert!(rows >= 3, "the squint left {rows} rows of iris");
    let wide = generate_at(seed, 512, &weights(&[("eyeWideRight", 1.0), ("eyeWideLeft", 1.0)]), basis);
    let wl = wide.rig.points();
    let top = (wl[37].y + wl[38].y) / 2.0;
    let c = (36..42).map(|i| neutral.rig.points()[i]).sum::<Vec2>() / 6.0;
    let above = sample(&wide.image, Vec2::new(c.x, top + 2.0));
    assert!(close(above, [0.96, 0.95, 0.92], 0.08), "white above the iris of a wide eye: {above:?}");
}
