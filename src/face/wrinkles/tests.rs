//! Unit tests of the crease maps ([`super`]).
use super::*;
use crate::face::presets::EmotionPreset;

/// A portrait that shows every highlight its expression models ([`own_highlight`]).
const ALL_SHOWN: [f32; N_GROUPS] = [1.0; N_GROUPS];

#[test]
fn creases_follow_their_action_units() {
    let rest = activations(&[0.0; N_BLENDSHAPES]);
    assert!(rest.iter().all(|&a| a == 0.0), "a neutral face has no creases");
    let happy = activations(&EmotionPreset::Happy.weights(3.0));
    let angry = activations(&EmotionPreset::Angry.weights(3.0));
    let surprised = activations(&EmotionPreset::Surprised.weights(3.0));
    assert!(happy[group::CROWS_LEFT as usize] > 0.5 && happy[group::NASOLABIAL_RIGHT as usize] > 0.5);
    assert!(angry[group::FROWN_LEFT as usize] > 0.5 && angry[group::FOREHEAD_CENTRE as usize] == 0.0);
    assert!(surprised[group::FOREHEAD_CENTRE as usize] > 0.5 && surprised[group::FROWN_LEFT as usize] == 0.0);
}

#[test]
fn a_frown_wrinkles_the_nose_root_unless_the_inner_brows_rise() {
    // Anger's brow lowerer folds the root of the nose; sadness and fear lower the brows
    // under raised inner ends (AU1 + AU4), which hold that skin up.
    let nose = |e: EmotionPreset| activations(&e.weights(3.0))[group::NOSE as usize];
    assert!(nose(EmotionPreset::Angry) > 0.4);
    assert!(nose(EmotionPreset::Disgusted) > 0.9);
    assert_eq!(nose(EmotionPreset::Sad), 0.0);
    assert_eq!(nose(EmotionPreset::Fear), 0.0);
    let sad = activations(&EmotionPreset::Sad.weights(3.0));
    assert!(sad[group::FROWN_LEFT as usize] > 0.4, "the frown lines stay");
}

#[test]
fn a_portraits_own_creases_relax_only_where_the_frame_has_fewer() {
    let smile = EmotionPreset::Happy.weights(3.0);
    let rest = rest_activations(&smile);
    let neutral = SkinShading::new(&[0.0; N_BLENDSHAPES], &rest, &ALL_SHOWN, 0.0);
    // On the nasolabial fold of a smiling portrait made neutral: relaxed all but fully.
    let fold = Vec2::new(-25.0, 48.0) / IOD_MM;
    let (blend, _) = relax(fold, &neutral.relax, &ALL_SHOWN);
    assert!(blend > 0.8, "{blend}");
    // The raised cheek's highlight is taken back; the forehead, far from any of its creases, is untouched.
    assert!(relax(Vec2::new(-30.0, 22.5) / IOD_MM, &neutral.relax, &ALL_SHOWN).1 > 0.04);
    assert_eq!(relax(Vec2::new(0.0, -60.0) / IOD_MM, &neutral.relax, &ALL_SHOWN), (0.0, 0.0));
    // At the portrait's own expression, or on a portrait without one, nothing relaxes.
    assert!(SkinShading::new(&smile, &rest, &ALL_SHOWN, 0.0).relax.iter().all(|&r| r == 0.0));
    let plain = rest_activations(&[0.0; N_BLENDSHAPES]);
    assert!(SkinShading::new(&[0.0; N_BLENDSHAPES], &plain, &ALL_SHOWN, 0.0).is_flat());
    // The colour goes to the smoothed skin, as far as the pixel is skin.
    let (c, smooth) = ([0.40, 0.30, 0.30], [0.80, 0.60, 0.50, 1.0]);
    let skin = neutral.colour(fold, c, smooth);
    assert!(skin[0] > 0.7 && skin[1] > 0.5, "{skin:?}");
    let lip = neutral.colour(fold, c, [0.80, 0.60, 0.50, 0.0]);
    assert!((lip[0] - 0.40).abs() < 0.02, "{lip:?}");
}

#[test]
fn a_portraits_own_highlight_is_taken_back_by_the_same_share_of_every_skin() {
    // A smiling portrait made neutral: on its raised cheek the highlight is taken back. The
    // smoothed skin is the pixel's own, so only the highlight's inverse acts.
    let rest = rest_activations(&EmotionPreset::Happy.weights(3.0));
    let neutral = SkinShading::new(&[0.0; N_BLENDSHAPES], &rest, &ALL_SHOWN, 0.0);
    let cheek = Vec2::new(-30.0, 22.5) / IOD_MM;
    let (_, unlight) = relax(cheek, &neutral.relax, &ALL_SHOWN);
    assert!(unlight > 0.04, "{unlight}");
    assert_eq!(shade(cheek, &neutral.draw, 0.0), (0.0, 0.0), "a neutral frame draws nothing there");
    let share = 1.0 / (1.0 + LIT_GAIN * unlight);
    for c in [[0.85, 0.68, 0.58], [0.30, 0.20, 0.15]] {
        let out = neutral.colour(cheek, c, [c[0], c[1], c[2], 1.0]);
        for i in 0..3 {
            // Dark skin loses the same share as light skin (the inverse of a lift towards white
            // took 26 % off a channel at 0.3 and 1 % off one at 0.9 for a highlight of 0.1).
            assert!((out[i] / c[i] - share).abs() < 1e-5, "{c:?} -> {out:?}");
        }
        // Drawing the same highlight again (`apply`'s lit side) gives the portrait back.
        let back = apply(out, (0.0, unlight));
        assert!(back.iter().zip(&c).all(|(b, c)| (b - c).abs() < 1e-5), "{back:?}");
        // Where the low-passed skin says the pixel is not skin, nothing is taken back.
        assert_eq!(neutral.colour(cheek, c, [c[0], c[1], c[2], 0.0]), c);
    }
}

#[test]
fn a_broad_smile_of_its_own_widens_the_low_pass_and_a_painted_face_keeps_it_narrow() {
    // A broad photographed smile: the corners at the basis's full action, the upper lip
    // raised off the teeth (the astronaut fits 1.0 and 0.7-0.8).
    let mut smile = [0.0f32; N_BLENDSHAPES];
    for (name, w) in
        [("mouthSmileLeft", 1.0), ("mouthSmileRight", 1.0), ("mouthUpperUpLeft", 0.5), ("mouthUpperUpRight", 0.5)]
    {
        smile[index_of(name).unwrap()] = w;
    }
    let broad = rest_activations(&smile);
    assert!((smooth_sigma(&broad) - SMILE_SMOOTH_SIGMA).abs() < 1e-6, "{broad:?}");
    // Its fold band relaxes in full against a neutral frame and not at all against itself.
    assert_eq!(
        SkinShading::new(&[0.0; N_BLENDSHAPES], &broad, &ALL_SHOWN, 0.0).relax[group::SMILE_FOLDS as usize],
        1.0
    );
    assert_eq!(SkinShading::new(&smile, &broad, &ALL_SHOWN, 0.0).relax[group::SMILE_FOLDS as usize], 0.0);
    // It is never drawn.
    assert_eq!(SkinShading::new(&smile, &broad, &ALL_SHOWN, 0.0).draw[group::SMILE_FOLDS as usize], 0.0);
    assert_eq!(smooth_sigma(&[0.0; N_GROUPS]), SMOOTH_SIGMA);
    let mut half = [0.0; N_GROUPS];
    half[group::NASOLABIAL_RIGHT as usize] = 0.5;
    assert_eq!(smooth_sigma(&half), SMOOTH_SIGMA);
    half[group::NASOLABIAL_LEFT as usize] = 0.75;
    let mid = smooth_sigma(&half);
    assert!(mid > SMOOTH_SIGMA && mid < SMILE_SMOOTH_SIGMA, "{mid}");
}

#[test]
fn a_crease_darkens_on_its_line_and_fades_off_it() {
    let mut a = [0.0; N_GROUPS];
    a[group::NASOLABIAL_RIGHT as usize] = 1.0;
    let on = Vec2::new(-25.0, 48.0) / IOD_MM;
    let (d_on, _) = shade(on, &a, 0.0);
    let (d_off, _) = shade(on + Vec2::new(-12.0, 0.0) / IOD_MM, &a, 0.0);
    let (d_mirror, _) = shade(Vec2::new(25.0, 48.0) / IOD_MM, &a, 0.0);
    assert!(d_on > 0.15 && d_off < 0.01 && d_mirror == 0.0, "{d_on} {d_off} {d_mirror}");
    // The lit side of the fold is the cheek (outwards), on both sides.
    let mut both = a;
    both[group::NASOLABIAL_LEFT as usize] = 1.0;
    let lit = |x: f32| shade(Vec2::new(x, 48.0) / IOD_MM, &both, 0.0).1;
    assert!(lit(-29.7) > lit(-20.3) && lit(29.7) > lit(20.3), "{} {}", lit(-29.7), lit(-20.3));
    // Colour: darker, green (most of the luminance) by the darkening, and redder than the
    // skin around it (red over green and over blue both rise).
    let (skin, (dark, light)) = ([0.8, 0.6, 0.5], shade(on, &a, 0.0));
    let c = apply(skin, (dark, 0.0));
    assert!(c[0] < 0.75 && (c[1] - 0.6 * (1.0 - dark)).abs() < 1e-6, "{c:?}");
    assert!(c[0] / c[1] > 0.8 / 0.6 + 0.02 && c[0] / c[2] > 0.8 / 0.5 + 0.1, "{c:?}");
    assert_eq!(apply(skin, (0.0, 0.0)), skin, "no crease, no change");
    assert!(apply(skin, (dark, light))[0] >= c[0], "the lit side only lifts");
    // The lit side is the same skin brighter: every channel by one share, so dark skin keeps its
    // hue and is not lifted towards grey (a lift towards white took dark skin's blue up most).
    for skin in [[0.6f32, 0.45, 0.35], [0.3, 0.2, 0.15]] {
        let lit = apply(skin, (0.0, 0.4));
        let gain: [f32; 3] = std::array::from_fn(|i| lit[i] / skin[i]);
        assert!(gain.iter().all(|g| (g - (1.0 + 0.4 * LIT_GAIN)).abs() < 1e-6), "{skin:?} -> {lit:?}");
    }
    // Near white, the lift runs until the brightest channel is white and the rest of it mixes
    // the colour towards white: the lit side still shows, in the skin's hue (HSV hue: the
    // channels' differences keep their proportions). Clipping each channel at 1 turned the ridges
    // on near-white skin yellow-white ([1, 0.9, 0.78] lifted by 0.2: [1, 1, 0.94]).
    let hue = |c: [f32; 3]| {
        let (hi, lo) = (c.into_iter().fold(0.0f32, f32::max), c.into_iter().fold(1.0f32, f32::min));
        c.map(|v| (hi - v) / (hi - lo))
    };
    let luma = crate::face::colours::luma;
    for (skin, dark, light) in [
        ([0.95f32, 0.9, 0.8], 0.0, 0.5),
        ([1.0, 0.9, 0.78], 0.0, 0.2),
        ([1.0, 0.9, 0.78], 0.0, 0.5),
        ([0.9, 0.8, 0.7], 0.05, 0.5),
    ] {
        let (shaded, lit) = (apply(skin, (dark, 0.0)), apply(skin, (dark, light)));
        let top = lit.into_iter().fold(0.0f32, f32::max);
        assert!(top <= 1.0 && top > 1.0 - 1e-5, "{skin:?} -> {lit:?}: the lift runs to white");
        assert!(luma(lit) > luma(shaded) + 0.01, "{skin:?} -> {lit:?}: the lit side shows");
        let (h0, h1) = (hue(shaded), hue(lit));
        assert!((0..3).all(|i| (h0[i] - h1[i]).abs() < 1e-4), "{skin:?} -> {lit:?}: hue kept");
    }
}

#[test]
fn a_crease_softens_with_the_portrait_and_keeps_its_darkening() {
    let mut a = [0.0; N_GROUPS];
    a[group::NASOLABIAL_RIGHT as usize] = 1.0;
    let at = |x: f32, soft: f32| shade(Vec2::new(x, 48.0) / IOD_MM, &a, soft).0;
    // On a portrait blurred by 2 mm: shallower and wider, as much darkening across it.
    let soft = 2.0 / IOD_MM;
    let across = |soft: f32| (0..400).map(|k| at(-45.0 + 0.1 * k as f32, soft) * 0.1).sum::<f32>();
    assert!(at(-25.0, soft) < 0.8 * at(-25.0, 0.0), "{} {}", at(-25.0, soft), at(-25.0, 0.0));
    assert!(at(-22.0, soft) > at(-22.0, 0.0), "a blurred crease reaches farther");
    let (sharp, blurred) = (across(0.0), across(soft));
    assert!((blurred / sharp - 1.0).abs() < 0.05, "integrated darkening {sharp} -> {blurred}");
    // A portrait's blur in pixels, as the creases' widths measure it.
    // A portrait's blur in pixels beyond the crisp pixel, as the creases' widths measure it.
    let five_thirds = (25.0f32 / 9.0 - 1.0).sqrt();
    assert!((crease_softness(5.0 / 3.0, 40.0) - std::f32::consts::SQRT_2 * five_thirds / 40.0).abs() < 1e-6);
    assert_eq!(crease_softness(CRISP_BLUR_PX, 40.0), 0.0);
    assert_eq!(crease_softness(0.5, 40.0), 0.0);
    assert_eq!(crease_softness(2.0, 0.0), 0.0);
}

#[test]
fn the_shadow_tint_is_the_one_measured_on_the_photographs_folds() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/skin-shadow/fold_shadow.json");
    let measured: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let e: Vec<f32> = measured["exponent"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect();
    assert_eq!(e.len(), 3);
    assert!(e.iter().zip(SHADOW_TINT).all(|(m, t)| (m - t).abs() < 1e-6), "measured {e:?}, used {SHADOW_TINT:?}");
    // The measurement itself says what skin shadows are: blue darkens most, red least.
    assert!(e[0] < e[1] && e[1] < e[2], "{e:?}");
}

#[test]
fn a_crease_is_deepest_along_its_middle_and_fades_out_at_its_ends() {
    // The nasolabial fold (subject's right): authored from the nose wing (-19, 38) mm, where it
    // starts at full depth, to below the mouth corner (-31, 73) mm, fading out over 8 mm centred
    // on that point.
    let mut a = [0.0; N_GROUPS];
    a[group::NASOLABIAL_RIGHT as usize] = 1.0;
    let at = |p: Vec2| shade(p, &a, 0.0).0;
    let mm = |x: f32, y: f32| Vec2::new(x, y) / IOD_MM;
    let middle = at(mm(-25.0, 48.0));
    assert!(middle > 0.19, "full depth along its middle: {middle}");
    assert_eq!(at(mm(-19.0, 38.0)), middle, "full depth from the nose wing");
    let fold: Vec<&Segment> = Creases::get().segments.iter().filter(|s| s.group == group::NASOLABIAL_RIGHT).collect();
    let (start, end) = (fold[0].a, fold[fold.len() - 1].b);
    assert!(start.distance(mm(-19.0, 38.0)) < 1e-6, "{start}");
    assert!((end.distance(mm(-31.0, 73.0)) * IOD_MM - 4.0).abs() < 1e-3, "{end}");
    assert_eq!(at(end), 0.0, "nothing at its last point");
    // A stroke's round cap would be as dark half a width beyond its end as beside its middle.
    assert_eq!(at(end + (end - fold[fold.len() - 1].a).normalize() * 1.3 / IOD_MM), 0.0);
    // Half as deep at the authored end, where a stroke ended at full depth.
    let half = at(mm(-31.0, 73.0)) / middle;
    assert!((half - 0.5).abs() < 0.01, "{half}");
    // The mirrored fold (subject's left) fades at the same anatomical end.
    let mut left = [0.0; N_GROUPS];
    left[group::NASOLABIAL_LEFT as usize] = 1.0;
    let at_left = |x: f32, y: f32| shade(mm(x, y), &left, 0.0).0;
    assert_eq!(at_left(19.0, 38.0), middle, "full depth from the left nose wing");
    assert!((at_left(31.0, 73.0) / middle - 0.5).abs() < 0.01, "{}", at_left(31.0, 73.0));
    // Between its authored points, for painters that stroke it at one depth.
    let authored: Vec<(Vec2, Vec2)> = fold.iter().filter_map(|s| s.authored()).collect();
    assert_eq!(authored.len(), fold.len());
    assert!(authored[0].0.distance(mm(-19.0, 38.0)) < 1e-6, "{:?}", authored[0]);
    assert!(authored[authored.len() - 1].1.distance(mm(-31.0, 73.0)) < 1e-5, "{:?}", authored[authored.len() - 1]);
    // The frown lines fade at both ends: nothing where each starts and ends.
    let mut frown = [0.0; N_GROUPS];
    frown[group::FROWN_RIGHT as usize] = 1.0;
    let lines = Creases::get().segments.iter().filter(|s| s.group == group::FROWN_RIGHT);
    let ends: Vec<Vec2> = lines.flat_map(|s| [s.a, s.b]).collect();
    let lone = ends.iter().filter(|p| ends.iter().filter(|q| q == p).count() == 1);
    for p in lone {
        // (The other line's Gaussian reaches 4 mm across by a ten-thousandth.)
        assert!(shade(*p, &frown, 0.0).0 < 1e-3, "{}", *p * IOD_MM);
    }
}

#[test]
fn creases_taper_continuously_from_segment_to_segment() {
    let segments = &Creases::get().segments;
    let mut joints = 0;
    for (k, s) in segments.iter().enumerate() {
        // The next segment of the same crease starts where this one ends, as deep.
        if let Some(next) = segments.get(k + 1).filter(|n| n.group == s.group && n.a == s.b) {
            assert!((s.taper(1.0) - next.taper(0.0)).abs() < 1e-5, "{s:?} {next:?}");
            joints += 1;
        }
    }
    assert!(joints > 20, "{joints} joints");
    // Each frown line fades in from nothing and out to nothing, on both sides.
    for g in [group::FROWN_LEFT, group::FROWN_RIGHT] {
        let frown: Vec<&Segment> = segments.iter().filter(|s| s.group == g).collect();
        let starts = frown.iter().filter(|s| !frown.iter().any(|o| o.b == s.a)).count();
        assert_eq!(starts, 2, "two frown lines a side");
        for s in &frown {
            if !frown.iter().any(|o| o.b == s.a) {
                assert_eq!(s.taper(0.0), 0.0);
            }
            if !frown.iter().any(|o| o.a == s.b) {
                assert_eq!(s.taper(1.0), 0.0);
            }
        }
    }
    // Pieces that go on into the other half's (the forehead's and chin's middles) do not fade there.
    let centre = segments.iter().filter(|s| s.group == group::FOREHEAD_CENTRE);
    assert!(centre.clone().count() > 0 && centre.clone().all(|s| s.taper(0.0) == 1.0 && s.taper(1.0) == 1.0));
}

#[test]
fn the_gpu_words_carry_each_segment_and_its_fades() {
    let c = Creases::get();
    let words = c.gpu_words();
    assert_eq!(words.len(), SEGMENT_WORDS * c.segments.len());
    for (s, w) in c.segments.iter().zip(words.chunks(SEGMENT_WORDS)) {
        assert_eq!(w[..8], [s.a.x, s.a.y, s.b.x, s.b.y, s.width, s.depth, s.lit, s.group as f32]);
        assert_eq!(w[8..], [s.fade_in[0], s.fade_in[1], s.fade_out[0], s.fade_out[1]]);
    }
}

#[test]
fn the_highlight_taken_back_is_the_one_the_portrait_shows() {
    // A smiling portrait's rest creases, on the mean face 100 px between the eyes' outer corners.
    let rest = rest_activations(&EmotionPreset::Happy.weights(3.0));
    let mesh = crate::face::mesh::FaceMesh::get();
    let at = |p: Vec2| p * 100.0 + Vec2::new(128.0, 110.0);
    let mesh_rest: Vec<Vec2> = mesh.rest.iter().map(|p| at(*p)).collect();
    let skin = image::RgbaImage::from_pixel(256, 256, image::Rgba([200, 150, 120, 255]));
    // The skin lit by `gain` times the cheek highlight the rest creases model (as `apply` draws
    // it; a negative gain darkens, as a painted blush does).
    let painted = |gain: f32| {
        let apples: Vec<_> = Creases::get()
            .segments
            .iter()
            .filter(|s| s.depth < 0.0)
            .filter_map(|s| s.authored().map(|ab| (s, ab)))
            .collect();
        image::RgbaImage::from_fn(256, 256, |x, y| {
            let p = (Vec2::new(x as f32 + 0.5, y as f32 + 0.5) - Vec2::new(128.0, 110.0)) / 100.0;
            let h = apples
                .iter()
                .map(|(s, (a, b))| {
                    let d = segment_distance(p, *a, *b).0 / s.width;
                    -rest[s.group as usize] * s.depth * (-d * d).exp()
                })
                .fold(0.0f32, f32::max);
            let c = [200.0f32, 150.0, 120.0].map(|v| (v * (1.0 + LIT_GAIN * gain * h)).round().clamp(0.0, 255.0) as u8);
            image::Rgba([c[0], c[1], c[2], 255])
        })
    };
    let cheeks = [group::CHEEK_LEFT as usize, group::CHEEK_RIGHT as usize];
    let share = |img: &image::RgbaImage| own_highlight(img, &skin, &mesh_rest, &rest);
    // Flat paint shows none, a blush less than none: nothing is taken back.
    for flat in [share(&skin), share(&painted(-1.0))] {
        assert!(cheeks.iter().all(|&g| flat[g] < 0.05), "{flat:?}");
    }
    // The modelled highlight, painted in, is taken back in full; half of it, by half.
    let full = share(&painted(1.0));
    let half = share(&painted(0.5));
    for g in cheeks {
        assert!(full[g] > 0.85, "{full:?}");
        assert!((half[g] - 0.5).abs() < 0.15, "{half:?}");
    }
    // Groups with no highlight keep 1; so does a face too small to measure.
    assert!((0..N_GROUPS).filter(|g| !cheeks.contains(g)).all(|g| full[g] == 1.0));
    let tiny: Vec<Vec2> = mesh.rest.iter().map(|p| *p * 2.0 + Vec2::splat(128.0)).collect();
    assert_eq!(own_highlight(&skin, &skin, &tiny, &rest), [1.0; N_GROUPS]);
    let empty = image::RgbaImage::new(0, 0);
    assert_eq!(own_highlight(&empty, &empty, &mesh_rest, &rest), [1.0; N_GROUPS], "an empty image measures nothing");
    // And what relaxes takes back that share: none of it from the flat paint.
    let neutral = SkinShading::new(&[0.0; N_BLENDSHAPES], &rest, &share(&skin), 0.0);
    let cheek = Vec2::new(-30.0, 22.5) / IOD_MM;
    assert_eq!(relax(cheek, &neutral.relax, &neutral.shown).1, 0.0);
    let c = [0.78, 0.59, 0.47];
    assert_eq!(neutral.colour(cheek, c, [c[0], c[1], c[2], 1.0]), c);
}
