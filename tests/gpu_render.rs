//! Golden images: the GPU face warp (the plugin's material, rendered offline through Bevy on
//! whatever adapter wgpu finds; lavapipe in CI) against the reference CPU renderer.

#![cfg(feature = "bevy")]

use emotalk::face::EmotionPreset;
use emotalk::face::blendshapes::{BlendshapeBasis, N_BLENDSHAPES, index_of};
use emotalk::face::cpu_render::{HeadPose, psnr};
use emotalk::plugin::offline::OfflineRenderer;
use emotalk::plugin::{FaceSurface, Portrait};

/// GPU against CPU around the mouth (`mouth_crop`), the procedural teeth of the presets that bare
/// them included: 60.8–63.0 dB on lavapipe; the GPU's teeth without the notch between two
/// (`TOOTH_NOTCH`) read 49.3 dB on the open smile, while the whole frame still read 68 dB.
const MOUTH_DB: f64 = 55.0;

/// GPU against CPU round the eyes (`eyes_crop`): the eyeball, the lids' fringe it leaves behind
/// and the shaded sclera a widened lid uncovers (`cpu_render::LID_FRINGE`, `SCLERA_SHADOW`).
const EYES_DB: f64 = 55.0;

/// [`EYES_DB`] on a photograph (the astronaut): its textured skin, warped, rounds differently on
/// the GPU in a fifth of the eyes' channel values, by one step of 255 at most, which alone reads
/// 55.0 dB.
const PHOTO_EYES_DB: f64 = 50.0;

/// GPU against CPU on a photograph's cheeks (`cheeks_crop`), where a smiling portrait made
/// neutral, sad or angry relaxes its folds and takes back its raised cheek's highlight
/// (`wrinkles::SkinShading::colour`, the shader's `relaxed`): a few hundred pixels a few levels
/// apart there leave the whole frame's PSNR above 60 dB. Bar as [`PHOTO_EYES_DB`] (the same
/// rounding of textured skin): 55.2–55.7 dB on lavapipe; with the shader still taking the
/// highlight back as the thirtieth pass did (the inverse of a lift towards white) the neutral
/// face's cheeks read 44.0 dB and its whole frame 60.2 dB.
const PHOTO_CHEEKS_DB: f64 = 50.0;

fn weights(pairs: &[(&str, f32)]) -> [f32; N_BLENDSHAPES] {
    let mut w = [0.0; N_BLENDSHAPES];
    for (name, v) in pairs {
        w[index_of(name).unwrap_or_else(|| panic!("{name}"))] = *v;
    }
    w
}

fn mix(a: [f32; N_BLENDSHAPES], b: [f32; N_BLENDSHAPES]) -> [f32; N_BLENDSHAPES] {
    std::array::from_fn(|k| a[k].max(b[k]))
}

#[test]
fn gpu_warp_matches_the_cpu_renderer_in_2d() {
    golden(FaceSurface::Mesh2d);
}

#[test]
fn gpu_warp_matches_the_cpu_renderer_on_a_3d_card() {
    golden(FaceSurface::Mesh3d);
}

/// The astronaut photograph and its rig.
fn astronaut() -> (image::RgbaImage, emotalk::face::PortraitRig) {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/portraits");
    let rig = emotalk::face::import::import_rig(&dir.join("astronaut.png"), &dir.join("astronaut.landmarks68.json"))
        .expect("astronaut rig");
    (image::open(dir.join("astronaut.png")).expect("astronaut.png").to_rgba8(), rig)
}

/// The smiling photo, made neutral, sad and angry: its own creases relaxed towards its smoothed
/// skin, its parted lips closed (the inner lips' sampling moved into the lips, the seam shaded,
/// the folded-over opening left to the lips), through the GPU as on the CPU; and surprised, its
/// widened eyes drawn from the eyeball layers built at 3× its 17 px eyes (`Eyeballs::scale`).
#[test]
fn gpu_undoes_a_photos_own_smile_as_the_cpu_renderer_does() {
    let (image, rig) = astronaut();
    let portrait = Portrait::new(image, &rig).expect("astronaut portrait");
    let prepared = portrait.prepared.clone();
    assert_eq!(prepared.eyeballs().scale(), 3, "the astronaut's eye layers are enlarged");
    let basis = BlendshapeBasis::default_basis();
    let mut gpu = OfflineRenderer::with_surface(portrait, FaceSurface::Mesh2d);
    let out = std::env::var_os("EMOTALK_GOLDEN_OUT").map(std::path::PathBuf::from);
    for (name, w) in [
        ("neutral", EmotionPreset::Neutral.weights(2.5)),
        ("sad", EmotionPreset::Sad.weights(2.5)),
        ("angry", EmotionPreset::Angry.weights(2.5)),
        ("surprised", EmotionPreset::Surprised.weights(2.5)),
    ] {
        let cpu = prepared.render(&w, &HeadPose::default(), basis);
        let got = gpu.render(&w, &HeadPose::default()).expect("the GPU renders");
        if let Some(dir) = &out {
            std::fs::create_dir_all(dir).unwrap();
            cpu.save(dir.join(format!("astronaut_{name}_cpu.png"))).unwrap();
            got.save(dir.join(format!("astronaut_{name}_gpu.png"))).unwrap();
        }
        let db = psnr(&cpu, &got);
        eprintln!("astronaut {name}: PSNR {db:.2} dB");
        assert!(db >= 35.0, "astronaut {name}: GPU vs CPU PSNR {db:.2} dB < 35 dB");
        let eyes = psnr(&eyes_crop(&cpu, &rig.landmarks), &eyes_crop(&got, &rig.landmarks));
        eprintln!("astronaut {name}: eyes PSNR {eyes:.2} dB");
        assert!(eyes >= PHOTO_EYES_DB, "astronaut {name}: GPU vs CPU eyes PSNR {eyes:.2} dB < {PHOTO_EYES_DB} dB");
        let cheeks = psnr(&cheeks_crop(&cpu, &rig.landmarks), &cheeks_crop(&got, &rig.landmarks));
        eprintln!("astronaut {name}: cheeks PSNR {cheeks:.2} dB");
        assert!(
            cheeks >= PHOTO_CHEEKS_DB,
            "astronaut {name}: GPU vs CPU cheeks PSNR {cheeks:.2} dB < {PHOTO_CHEEKS_DB} dB"
        );
    }
}

/// GPU against CPU on a painted character's cheeks (`cheeks_crop`) as [`MOUTH_DB`]: flat paint,
/// no texture to round differently. The bundled NPC 3's (`golden`) read 60.9–63.0 dB on
/// lavapipe; with the shader still clipping each channel of a fold's lit side at white (until
/// #14's thirty-third pass) its disgusted, angry, happy and open-smile faces read 39.3, 48.4, 37.7
/// and 45.1 dB, their whole frames still well above the frame's 35 dB bar.
const PAINTED_CHEEKS_DB: f64 = 55.0;

/// A painted smile (NPC 304 painted smiling, held out) made neutral and sad: its cheeks hold
/// none of the highlight a raised cheek would draw (`wrinkles::own_highlight`), so none is
/// taken back, through the GPU as on the CPU.
#[test]
fn gpu_takes_back_only_the_highlight_a_portrait_shows() {
    let basis = BlendshapeBasis::default_basis();
    let npc = emotalk::face::npc::generate_at(304, 512, &EmotionPreset::Happy.weights(3.0), basis);
    let portrait = Portrait::new(npc.image, &npc.rig).expect("NPC 304 painted smiling");
    let prepared = portrait.prepared.clone();
    let shown = prepared.own_highlight();
    let cheeks = [emotalk::face::wrinkles::group::CHEEK_LEFT, emotalk::face::wrinkles::group::CHEEK_RIGHT];
    assert!(cheeks.iter().all(|&g| shown[g as usize] < 0.2), "a painted smile shows no highlight: {shown:?}");
    assert!(cheeks.iter().all(|&g| prepared.rest_creases()[g as usize] > 0.5), "its cheeks are raised");
    let mut gpu = OfflineRenderer::with_surface(portrait, FaceSurface::Mesh2d);
    let landmarks = &npc.rig.landmarks;
    for (name, w) in [("neutral", EmotionPreset::Neutral.weights(2.5)), ("sad", EmotionPreset::Sad.weights(2.5))] {
        let cpu = prepared.render(&w, &HeadPose::default(), basis);
        let got = gpu.render(&w, &HeadPose::default()).expect("the GPU renders");
        let db = psnr(&cheeks_crop(&cpu, landmarks), &cheeks_crop(&got, landmarks));
        eprintln!("painted smile {name}: cheeks PSNR {db:.2} dB, whole frame {:.2} dB", psnr(&cpu, &got));
        assert!(
            db >= PAINTED_CHEEKS_DB,
            "painted smile {name}: GPU vs CPU cheeks PSNR {db:.2} dB < {PAINTED_CHEEKS_DB} dB"
        );
    }
}

/// A soft photograph (the astronaut blurred by 3 px, as a face upscaled from a small one is):
/// its drawn creases widen by its own blur (`wrinkles::image_softness`), through the GPU as on
/// the CPU.
#[test]
fn gpu_softens_creases_with_a_soft_photograph_as_the_cpu_renderer_does() {
    let (sharp, rig) = astronaut();
    let soft = image::imageops::blur(&sharp, 3.0);
    let basis = BlendshapeBasis::default_basis();
    let soft_portrait = Portrait::new(soft, &rig).expect("soft astronaut portrait");
    let sharp_soft = Portrait::new(sharp, &rig).expect("astronaut portrait").prepared.crease_soft();
    let prepared = soft_portrait.prepared.clone();
    assert!(prepared.crease_soft() > 2.0 * sharp_soft, "{} vs {sharp_soft}", prepared.crease_soft());
    let mut gpu = OfflineRenderer::with_surface(soft_portrait, FaceSurface::Mesh2d);
    let w = EmotionPreset::Angry.weights(2.5);
    let cpu = prepared.render(&w, &HeadPose::default(), basis);
    let got = gpu.render(&w, &HeadPose::default()).expect("the GPU renders");
    let db = psnr(&cpu, &got);
    eprintln!("soft astronaut angry: PSNR {db:.2} dB");
    // Creases left sharp on the GPU read 53.8 dB here.
    assert!(db >= 60.0, "soft astronaut angry: GPU vs CPU PSNR {db:.2} dB < 60 dB");
}

/// The mouth's share of a frame: the rest lip landmarks' box (iBUG 48–67), widened by half its
/// size each way (the lips move within it), where the procedural teeth are drawn.
fn mouth_crop(image: &image::RgbaImage, landmarks: &[[f32; 2]]) -> image::RgbaImage {
    let lips = &landmarks[48..68];
    let (x0, x1) = lips.iter().fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p[0]), b.max(p[0])));
    let (y0, y1) = lips.iter().fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p[1]), b.max(p[1])));
    let (w, h) = (x1 - x0, y1 - y0);
    let (x, y) = ((x0 - w / 2.0).max(0.0) as u32, (y0 - h / 2.0).max(0.0) as u32);
    image::imageops::crop_imm(image, x, y, (2.0 * w) as u32, (2.0 * h) as u32).to_image()
}

/// Both eyes with their lids' travel and a posed case's move: the eye landmarks' box (36–47),
/// its height above and below and a tenth of its width either side.
fn eyes_crop(image: &image::RgbaImage, landmarks: &[[f32; 2]]) -> image::RgbaImage {
    let eyes = &landmarks[36..48];
    let (x0, x1) = eyes.iter().fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p[0]), b.max(p[0])));
    let (y0, y1) = eyes.iter().fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p[1]), b.max(p[1])));
    let (w, h) = (x1 - x0, (y1 - y0).max(1.0));
    let (x, y) = ((x0 - w / 10.0).max(0.0) as u32, (y0 - h).max(0.0) as u32);
    image::imageops::crop_imm(image, x, y, (1.2 * w) as u32, (3.0 * h) as u32).to_image()
}

/// Both cheeks and the folds beside the mouth: from the lowest eye landmark (36–47) to the lower
/// lip's lowest point (57), between the jaw line's landmarks 2 and 14.
fn cheeks_crop(image: &image::RgbaImage, landmarks: &[[f32; 2]]) -> image::RgbaImage {
    let y0 = landmarks[36..48].iter().fold(f32::MIN, |a, p| a.max(p[1]));
    let (x0, x1, y1) = (landmarks[2][0].max(0.0), landmarks[14][0], landmarks[57][1]);
    image::imageops::crop_imm(image, x0 as u32, y0 as u32, (x1 - x0).max(1.0) as u32, (y1 - y0).max(1.0) as u32)
        .to_image()
}

fn golden(surface: FaceSurface) {
    let portrait = Portrait::bundled();
    let landmarks = portrait.rig.landmarks.clone();
    let prepared = portrait.prepared.clone();
    let basis = BlendshapeBasis::default_basis();
    let mut gpu = OfflineRenderer::with_surface(portrait, surface);
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
        // Lids widened in full and a gaze: the eyeball slides under them, uncovering sclera.
        (
            "wide_eyes",
            weights(&[("eyeWideLeft", 1.0), ("eyeWideRight", 1.0), ("eyeLookUpLeft", 0.5), ("eyeLookOutRight", 0.6)]),
            HeadPose::default(),
        ),
        (
            "posed_surprise",
            weights(&[("jawOpen", 0.5), ("browOuterUpLeft", 0.7), ("eyeWideRight", 0.6)]),
            HeadPose { yaw: 10.0, pitch: 5.0, roll: -4.0, ..Default::default() },
        ),
        // Whole presets: wrinkle maps (forehead, frown, nose, nasolabial, chin) and the
        // procedural teeth of a broad smile.
        ("disgusted", EmotionPreset::Disgusted.weights(3.0), HeadPose::default()),
        ("angry", EmotionPreset::Angry.weights(2.5), HeadPose::default()),
        ("happy", EmotionPreset::Happy.weights(3.0), HeadPose { yaw: -8.0, ..Default::default() }),
        (
            "surprised_sad",
            mix(EmotionPreset::Surprised.weights(2.0), EmotionPreset::Sad.weights(3.0)),
            HeadPose::default(),
        ),
    ];
    for (name, w, pose) in cases {
        let cpu = prepared.render(&w, &pose, basis);
        let got = gpu.render(&w, &pose).expect("the GPU renders");
        let db = psnr(&cpu, &got);
        if let Some(dir) = &out {
            std::fs::create_dir_all(dir).unwrap();
            cpu.save(dir.join(format!("{name}_cpu.png"))).unwrap();
            got.save(dir.join(format!("{name}_gpu_{surface:?}.png"))).unwrap();
        }
        eprintln!("{surface:?} {name}: PSNR {db:.2} dB");
        assert!(db >= 35.0, "{surface:?} {name}: GPU vs CPU PSNR {db:.2} dB < 35 dB");
        // The mouth alone, where the procedural teeth are: the whole frame's bar would let a
        // wrong row of teeth through (a small share of the pixels).
        let mouth = psnr(&mouth_crop(&cpu, &landmarks), &mouth_crop(&got, &landmarks));
        eprintln!("{surface:?} {name}: mouth PSNR {mouth:.2} dB");
        assert!(mouth >= MOUTH_DB, "{surface:?} {name}: GPU vs CPU mouth PSNR {mouth:.2} dB < {MOUTH_DB} dB");
        let eyes = psnr(&eyes_crop(&cpu, &landmarks), &eyes_crop(&got, &landmarks));
        eprintln!("{surface:?} {name}: eyes PSNR {eyes:.2} dB");
        assert!(eyes >= EYES_DB, "{surface:?} {name}: GPU vs CPU eyes PSNR {eyes:.2} dB < {EYES_DB} dB");
        // The folds beside the mouth, whose lit side on this near-white skin runs to white and
        // mixes towards it in the skin's hue (`wrinkles::apply`, the shader's `creased`).
        let cheeks = psnr(&cheeks_crop(&cpu, &landmarks), &cheeks_crop(&got, &landmarks));
        eprintln!("{surface:?} {name}: cheeks PSNR {cheeks:.2} dB");
        assert!(
            cheeks >= PAINTED_CHEEKS_DB,
            "{surface:?} {name}: GPU vs CPU cheeks PSNR {cheeks:.2} dB < {PAINTED_CHEEKS_DB} dB"
        );
    }
    // Drawn by the surface asked for.
    let head = gpu.head();
    let world = gpu.app_mut().world();
    assert_eq!(world.get::<bevy::mesh::Mesh3d>(head).is_some(), surface == FaceSurface::Mesh3d);
    assert_eq!(world.get::<bevy::mesh::Mesh2d>(head).is_some(), surface == FaceSurface::Mesh2d);
}

/// Many faces in one draw: two heads share the portrait (one mesh, one material, instanced) and
/// each shows its own state, read from its own row of the face table.
#[test]
fn heads_sharing_a_portrait_show_their_own_faces() {
    use bevy::prelude::*;
    use emotalk::plugin::{FaceState, ManualFace, TalkingHead};
    let portrait = Portrait::bundled();
    let mut gpu = OfflineRenderer::new(portrait);
    let first = gpu.head();
    let handle = gpu.app_mut().world().get::<TalkingHead>(first).unwrap().portrait.clone();
    // Both heads at half size, side by side.
    gpu.app_mut()
        .world_mut()
        .entity_mut(first)
        .insert(Transform::from_xyz(-128.0, 0.0, 0.0).with_scale(Vec3::splat(0.5)));
    let second = gpu
        .app_mut()
        .world_mut()
        .spawn((
            TalkingHead::new(handle),
            ManualFace,
            Transform::from_xyz(128.0, 0.0, 1.0).with_scale(Vec3::splat(0.5)),
        ))
        .id();
    let rest = [0.0; N_BLENDSHAPES];
    let same = gpu.render(&rest, &HeadPose::default()).unwrap();
    let half = |img: &image::RgbaImage, x0: u32| image::imageops::crop_imm(img, x0, 128, 256, 256).to_image();
    assert!(psnr(&half(&same, 0), &half(&same, 256)) > 60.0, "identical heads render identically");
    let open = weights(&[("jawOpen", 0.8)]);
    gpu.app_mut().world_mut().entity_mut(second).insert(FaceState { weights: open, pose: HeadPose::default() });
    let differ = gpu.render(&rest, &HeadPose::default()).unwrap();
    assert!(psnr(&half(&differ, 0), &half(&same, 0)) > 60.0, "the first head did not change");
    let db = psnr(&half(&differ, 256), &half(&same, 256));
    assert!(db < 35.0, "the second head opened its mouth ({db:.1} dB from rest)");
}

/// A portrait replaced in its asset (what hot reload does) is drawn anew: new mesh, basis and
/// texture.
#[test]
fn a_reloaded_portrait_is_drawn_anew() {
    use bevy::prelude::*;
    use emotalk::face::rig::PortraitRig;
    use emotalk::plugin::TalkingHead;
    let mut gpu = OfflineRenderer::new(Portrait::bundled());
    let rest = [0.0; N_BLENDSHAPES];
    let before = gpu.render(&rest, &HeadPose::default()).unwrap();
    let rig = PortraitRig::from_json(emotalk::bundled::NPC_7_RIG, "npc_7.rig.json".as_ref()).unwrap();
    let image = image::load_from_memory(emotalk::bundled::NPC_7_PNG).unwrap().to_rgba8();
    let other = Portrait::new(image, &rig).unwrap();
    let cpu = other.prepared.render(&rest, &HeadPose::default(), BlendshapeBasis::default_basis());
    let head = gpu.head();
    let handle = gpu.app_mut().world().get::<TalkingHead>(head).unwrap().portrait.clone();
    let _ = gpu.app_mut().world_mut().resource_mut::<Assets<Portrait>>().insert(&handle, other);
    // A few frames for the new GPU assets.
    let mut after = gpu.render(&rest, &HeadPose::default()).unwrap();
    for _ in 0..5 {
        if psnr(&after, &cpu) >= 35.0 {
            break;
        }
        after = gpu.render(&rest, &HeadPose::default()).unwrap();
    }
    assert!(psnr(&before, &cpu) < 25.0, "the two portraits differ");
    assert!(psnr(&after, &cpu) >= 35.0, "the new portrait is drawn: {:.1} dB", psnr(&after, &cpu));
}

/// `EmoTalkPlugin` added before `DefaultPlugins` still draws: its parts wait for the render
/// plugins (`Plugin::finish`), so the order does not matter.
#[test]
fn the_plugin_may_come_before_default_plugins() {
    use bevy::app::PluginsState;
    use bevy::prelude::*;
    use emotalk::plugin::{EmoTalkPlugin, FaceRenderPlugin, TalkingHead};
    let mut app = App::new();
    app.add_plugins((
        EmoTalkPlugin::headless(),
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: None,
                exit_condition: bevy::window::ExitCondition::DontExit,
                ..Default::default()
            })
            .disable::<bevy::winit::WinitPlugin>()
            .disable::<bevy::render::pipelined_rendering::PipelinedRenderingPlugin>(),
    ));
    while app.plugins_state() == PluginsState::Adding {
        bevy::tasks::tick_global_task_pools_on_main_thread();
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    app.finish();
    app.cleanup();
    assert!(app.is_plugin_added::<FaceRenderPlugin>());
    let portrait = app.world_mut().resource_mut::<Assets<Portrait>>().add(Portrait::bundled());
    app.world_mut().spawn(Camera2d);
    let head = app.world_mut().spawn(TalkingHead::new(portrait)).id();
    for _ in 0..5 {
        app.update();
    }
    assert!(app.world().get::<Mesh2d>(head).is_some(), "the head is drawn");
}
