//! Headless Bevy apps with `MinimalPlugins` + the plugin: components in, `FaceState` out.

#![cfg(feature = "bevy")]

use std::time::Duration;

use bevy::asset::{AssetPlugin, LoadState};
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use emotalk::face::blendshapes::index_of;
use emotalk::plugin::FaceRuntime;
use emotalk::plugin::{
    EmoTalkPlugin, Emotion, EmotionChanged, FaceState, Portrait, Speech, SpeechClip, SpeechError, SpeechFinished,
    SpeechOutcome, SpeechStarted, TalkingHead,
};

/// 20 ms per update.
const DT: f64 = 0.02;

#[derive(Resource, Default)]
struct Log(Vec<String>);

fn record(
    mut log: ResMut<Log>,
    mut started: MessageReader<SpeechStarted>,
    mut finished: MessageReader<SpeechFinished>,
    mut changed: MessageReader<EmotionChanged>,
) {
    // In one frame the plugin resolves the emotion before it starts the line.
    for m in changed.read() {
        log.0.push(format!("emotion {}", m.dominant));
    }
    for m in started.read() {
        log.0.push(format!("started {:.2}", m.duration));
    }
    for m in finished.read() {
        log.0.push(match &m.outcome {
            SpeechOutcome::Completed => "finished".to_string(),
            SpeechOutcome::Interrupted => "interrupted".to_string(),
            SpeechOutcome::Failed(why @ SpeechError::ClipLoad(_)) => format!("failed {why}"),
            SpeechOutcome::Failed(other) => format!("failed (not a load error) {other}"),
        });
    }
}

fn app(assets: &str) -> App {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        AssetPlugin { file_path: assets.to_string(), ..Default::default() },
        EmoTalkPlugin::headless(),
    ))
    .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_secs_f64(DT)))
    .init_resource::<Log>()
    .add_systems(PostUpdate, record);
    app
}

fn crate_assets() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/assets").to_string()
}

/// Updates until `done` holds (inference and loading run on other threads), at most `max`.
fn run_until(app: &mut App, max: usize, mut done: impl FnMut(&mut App) -> bool) -> usize {
    for i in 0..max {
        app.update();
        if done(app) {
            return i + 1;
        }
        if !app.world().resource::<Log>().0.iter().any(|l| l.starts_with("started")) {
            // Before the line starts, give the worker threads time (the clock is manual anyway).
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    panic!("condition not reached in {max} updates; log: {:?}", app.world().resource::<Log>().0);
}

fn log(app: &App) -> Vec<String> {
    app.world().resource::<Log>().0.clone()
}

#[test]
fn a_line_plays_the_emotion_changes_mid_line_and_the_line_finishes() {
    let mut app = app(&crate_assets());
    let server = app.world().resource::<AssetServer>().clone();
    // The bundled line three times (14.8 s): long enough that the line cannot end while a slow
    // machine re-infers it under the new emotion (the manual clock runs on meanwhile).
    let once = SpeechClip::bundled();
    let thrice: Vec<f32> = once.samples.iter().chain(once.samples.iter()).chain(once.samples.iter()).copied().collect();
    let clip = app
        .world_mut()
        .resource_mut::<Assets<SpeechClip>>()
        .add(SpeechClip { samples: thrice.into(), label: "x3".into() });
    let head = app
        .world_mut()
        .spawn((TalkingHead::new(server.load("portraits/npc_3.rig.json")), Emotion::text("happy"), Speech::new(clip)))
        .id();
    run_until(&mut app, 2000, |app| log(app).iter().any(|l| l.starts_with("started")));
    let (jaw, smile, brow) =
        (index_of("jawOpen").unwrap(), index_of("mouthSmileLeft").unwrap(), index_of("browDownLeft").unwrap());
    // The first 1.5 s: the jaw moves with the speech, the face smiles.
    let mut jaws = Vec::new();
    let mut last: Option<FaceState> = None;
    for _ in 0..75 {
        app.update();
        let state = *app.world().get::<FaceState>(head).unwrap();
        jaws.push(state.weights[jaw]);
        last = Some(state);
    }
    let spread = jaws.iter().cloned().fold(f32::MIN, f32::max) - jaws.iter().cloned().fold(f32::MAX, f32::min);
    assert!(spread > 0.2, "the jaw follows the speech (range {spread})");
    assert!(last.unwrap().weights[smile] > 0.2, "happy smiles: {}", last.unwrap().weights[smile]);
    let before = app.world().get::<Speech>(head).unwrap().position();
    assert!((before - 75.0 * DT).abs() < 2.0 * DT, "position {before}");
    // Change the emotion mid-line: the audio keeps its position; the face moves without a jump.
    app.world_mut().entity_mut(head).insert(Emotion::text("furious"));
    let mut prev = *app.world().get::<FaceState>(head).unwrap();
    let mut max_step: f32 = 0.0;
    let mut updates = 0;
    let mut resolved_at = None;
    while updates < 400 && resolved_at.is_none_or(|at| updates < at + 40) {
        app.update();
        updates += 1;
        if resolved_at.is_none() {
            if log(&app).contains(&"emotion angry".to_string()) {
                resolved_at = Some(updates);
            } else {
                // Re-inference runs on a worker thread; the manual clock does not move meanwhile.
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        let state = *app.world().get::<FaceState>(head).unwrap();
        max_step = max_step.max((state.weights[brow] - prev.weights[brow]).abs());
        prev = state;
    }
    let after = app.world().get::<Speech>(head).unwrap().position();
    assert!(
        (after - before - updates as f64 * DT).abs() < 2.0 * DT,
        "the line did not restart: {before} -> {after} in {updates} updates"
    );
    assert!(prev.weights[brow] > 0.3, "furious lowers the brows: {}", prev.weights[brow]);
    assert!(max_step < 0.15, "retargeting is smooth: largest brow step per frame {max_step}");
    assert!(log(&app).contains(&"emotion angry".to_string()), "{:?}", log(&app));
    // To the end: the finished message, and the Speech component is gone.
    run_until(&mut app, 1000, |app| log(app).contains(&"finished".to_string()));
    assert!(app.world().get::<Speech>(head).is_none());
    let l = log(&app);
    let order: Vec<&str> = l.iter().map(|s| s.split(' ').next().unwrap()).collect();
    assert_eq!(order, ["emotion", "started", "emotion", "finished"], "{l:?}");
    let duration: f64 = l[1].split(' ').nth(1).unwrap().parse().unwrap();
    assert!((duration - 3.0 * once.duration()).abs() < 0.01, "{duration}");
}

#[test]
fn pause_resume_and_seek_move_the_face_clock() {
    let mut app = app(&crate_assets());
    let server = app.world().resource::<AssetServer>().clone();
    let head = app
        .world_mut()
        .spawn((
            TalkingHead::new(server.load("portraits/npc_3.rig.json")),
            Speech::new(server.load("lines/greeting.ogg")),
        ))
        .id();
    run_until(&mut app, 2000, |app| log(app).iter().any(|l| l.starts_with("started")));
    let position = |app: &App| app.world().get::<Speech>(head).unwrap().position();
    app.world_mut().get_mut::<Speech>(head).unwrap().pause();
    app.update();
    let paused_at = position(&app);
    for _ in 0..20 {
        app.update();
    }
    assert_eq!(position(&app), paused_at);
    app.world_mut().get_mut::<Speech>(head).unwrap().resume();
    for _ in 0..10 {
        app.update();
    }
    assert!((position(&app) - paused_at - 10.0 * DT).abs() < 1e-6);
    app.world_mut().get_mut::<Speech>(head).unwrap().seek(3.0);
    app.update();
    assert!((position(&app) - 3.0).abs() < 1e-9, "{}", position(&app));
}

#[test]
fn a_sixty_second_line_ends_on_time() {
    let mut app = app(&crate_assets());
    let server = app.world().resource::<AssetServer>().clone();
    // 60 s of a 3 Hz amplitude-modulated tone: speech-like energy the network can follow.
    let samples: Vec<f32> = (0..16_000 * 60)
        .map(|i| {
            let t = i as f32 / 16_000.0;
            0.3 * (std::f32::consts::TAU * 3.0 * t).sin().max(0.0) * (std::f32::consts::TAU * 180.0 * t).sin()
        })
        .collect();
    let clip = app
        .world_mut()
        .resource_mut::<Assets<SpeechClip>>()
        .add(SpeechClip { samples: samples.into(), label: "tone".into() });
    let head =
        app.world_mut().spawn((TalkingHead::new(server.load("portraits/npc_3.rig.json")), Speech::new(clip))).id();
    run_until(&mut app, 2000, |app| log(app).iter().any(|l| l.starts_with("started")));
    // The face is the line's track sampled at the playback position, to the end of the line.
    let jaw = index_of("jawOpen").unwrap();
    let mut updates = 0;
    let mut checked = 0;
    while !log(&app).contains(&"finished".to_string()) && updates < 4000 {
        app.update();
        updates += 1;
        if updates % 250 == 0 && updates > 50 {
            let world = app.world();
            let (Some(speech), Some(rt)) = (world.get::<Speech>(head), world.get::<FaceRuntime>(head)) else {
                continue;
            };
            let track = rt.current_track().expect("speaking");
            let want = track.sample(speech.position())[jaw];
            let got = world.get::<FaceState>(head).unwrap().weights[jaw];
            assert!((got - want).abs() < 1e-5, "at {:.2} s: face {got} vs track {want}", speech.position());
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked} checks");
    // 60 s at 20 ms an update: 3000 updates, counted from the start (no drift, no early end).
    assert!((updates as i64 - 3000).abs() <= 1, "{updates} updates");
    assert!(app.world().get::<Speech>(head).is_none());
}

#[test]
fn broken_assets_are_reported_not_panicking() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.rig.json"), "{ \"width\": 512, ").unwrap();
    std::fs::write(dir.path().join("noise.ogg"), b"OggS but not really").unwrap();
    let mut app = app(dir.path().to_str().unwrap());
    let server = app.world().resource::<AssetServer>().clone();
    let missing: Handle<Portrait> = server.load("missing.rig.json");
    let broken: Handle<Portrait> = server.load("broken.rig.json");
    let head = app.world_mut().spawn((TalkingHead::new(broken.clone()), Speech::new(server.load("noise.ogg")))).id();
    let other =
        app.world_mut().spawn((TalkingHead::new(missing.clone()), Speech::new(server.load("missing.ogg")))).id();
    // Both failures logged and both handles' load states settled (the log line can come an
    // update before the asset server marks the handle failed: seen in a fresh-clone CI run).
    let settled = |h: &Handle<Portrait>| matches!(server.load_state(h), LoadState::Failed(_));
    run_until(&mut app, 2000, |app| {
        log(app).iter().filter(|l| l.starts_with("failed")).count() == 2 && settled(&missing) && settled(&broken)
    });
    let failure = |h: &Handle<Portrait>| match server.load_state(h) {
        LoadState::Failed(e) => e.to_string(),
        s => panic!("{s:?}"),
    };
    assert!(failure(&missing).contains("missing.rig.json"), "{}", failure(&missing));
    assert!(failure(&broken).contains("broken.rig.json"), "{}", failure(&broken));
    let l = log(&app).join("\n");
    assert!(l.contains("noise.ogg") && l.contains("missing.ogg"), "{l}");
    // The heads still exist and still have a face state (at rest).
    for e in [head, other] {
        assert!(app.world().get::<FaceState>(e).is_some());
        assert!(app.world().get::<Speech>(e).is_none());
    }
    app.update();
}

#[test]
fn a_new_speech_for_the_same_clip_restarts_the_line() {
    let mut app = app(&crate_assets());
    let server = app.world().resource::<AssetServer>().clone();
    let clip = server.load("lines/greeting.ogg");
    let head = app
        .world_mut()
        .spawn((TalkingHead::new(server.load("portraits/npc_3.rig.json")), Speech::new(clip.clone())))
        .id();
    run_until(&mut app, 2000, |app| log(app).iter().any(|l| l.starts_with("started")));
    for _ in 0..50 {
        app.update();
    }
    assert!(app.world().get::<Speech>(head).unwrap().position() > 0.9);
    app.world_mut().entity_mut(head).insert(Speech::new(clip));
    run_until(&mut app, 2000, |app| log(app).iter().filter(|l| l.starts_with("started")).count() == 2);
    assert!(log(&app).contains(&"interrupted".to_string()), "{:?}", log(&app));
    assert!(app.world().get::<Speech>(head).unwrap().position() < 0.1);
}

#[test]
fn broken_eac_weights_fail_to_load_and_the_shipped_ones_stay() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("eac")).unwrap();
    std::fs::write(dir.path().join("eac/config.json"), "{ \"d_model\": 3 }").unwrap();
    std::fs::write(dir.path().join("eac/model.mpk"), b"not weights").unwrap();
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/lines/greeting.ogg"), dir.path().join("line.ogg"))
        .unwrap();
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        AssetPlugin { file_path: dir.path().to_string_lossy().into(), ..Default::default() },
        EmoTalkPlugin::headless().with_eac_weights("eac/model.mpk"),
    ))
    .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_secs_f64(DT)))
    .init_resource::<Log>()
    .add_systems(PostUpdate, record);
    let server = app.world().resource::<AssetServer>().clone();
    let portrait = app.world_mut().resource_mut::<Assets<Portrait>>().add(Portrait::bundled());
    app.world_mut().spawn((TalkingHead::new(portrait), Speech::new(server.load("line.ogg"))));
    // The line still plays, on the shipped weights.
    run_until(&mut app, 2000, |app| log(app).iter().any(|l| l.starts_with("started")));
    let handle: Handle<emotalk::plugin::EacWeights> = server.load("eac/model.mpk");
    run_until(&mut app, 2000, |_| matches!(server.load_state(&handle), LoadState::Failed(_)));
    if let LoadState::Failed(e) = server.load_state(&handle) {
        assert!(e.to_string().contains("config.json"), "{e}");
    }
}

#[test]
fn head_motion_can_be_fixed_or_a_recorded_track() {
    use emotalk::face::HeadPose;
    use emotalk::plugin::{HeadMotion, PoseTrack};
    let mut app = app(&crate_assets());
    let portrait = app.world_mut().resource_mut::<Assets<Portrait>>().add(Portrait::bundled());
    let fixed = HeadPose { yaw: 12.0, ..Default::default() };
    let a = app.world_mut().spawn((TalkingHead::new(portrait.clone()), HeadMotion::Fixed(fixed))).id();
    let track =
        PoseTrack { fps: 10.0, frames: vec![HeadPose::default(), HeadPose { pitch: 10.0, ..Default::default() }] };
    let b = app.world_mut().spawn((TalkingHead::new(portrait.clone()), HeadMotion::Track(track))).id();
    let c = app.world_mut().spawn(TalkingHead::new(portrait)).id();
    for _ in 0..30 {
        app.update();
    }
    assert_eq!(app.world().get::<FaceState>(a).unwrap().pose, fixed);
    // No line: the track is held at its start.
    assert_eq!(app.world().get::<FaceState>(b).unwrap().pose, HeadPose::default());
    // Procedural: the idle sway moves the head a little.
    let sway = app.world().get::<FaceState>(c).unwrap().pose;
    assert!(sway != HeadPose::default() && sway.yaw.abs() < 3.0 && sway.pitch.abs() < 3.0, "{sway:?}");
}

/// With audio on and no sound card (CI, this machine), kira cannot start: lines still play, on
/// the virtual clock, and finish.
#[test]
fn without_a_sound_card_lines_fall_back_to_the_virtual_clock() {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        AssetPlugin { file_path: crate_assets(), ..Default::default() },
        EmoTalkPlugin { render: false, ..Default::default() },
    ))
    .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_secs_f64(DT)))
    .init_resource::<Log>()
    .add_systems(PostUpdate, record);
    let server = app.world().resource::<AssetServer>().clone();
    app.world_mut().spawn((
        TalkingHead::new(server.load("portraits/npc_3.rig.json")),
        Speech::new(server.load("lines/ada_01.ogg")),
    ));
    run_until(&mut app, 2000, |app| log(app).iter().any(|l| l.starts_with("started")));
    run_until(&mut app, 400, |app| log(app).contains(&"finished".to_string()));
}

#[test]
fn a_bare_image_is_rigged_off_the_main_thread_and_a_faceless_one_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hero.png"), emotalk::bundled::NPC_7_PNG).unwrap();
    image::RgbaImage::from_pixel(128, 128, image::Rgba([90, 90, 90, 255])).save(dir.path().join("wall.png")).unwrap();
    let mut app = app(dir.path().to_str().unwrap());
    let server = app.world().resource::<AssetServer>().clone();
    let hero: Handle<Portrait> = server.load("hero.png");
    let wall: Handle<Portrait> = server.load("wall.png");
    app.world_mut().spawn((TalkingHead::new(hero.clone()), Speech::new(server.load("missing.ogg"))));
    let settled = |s: LoadState| matches!(s, LoadState::Loaded | LoadState::Failed(_));
    run_until(&mut app, 20_000, |_| settled(server.load_state(&hero)) && settled(server.load_state(&wall)));
    assert!(matches!(server.load_state(&hero), LoadState::Loaded), "{:?}", server.load_state(&hero));
    let portraits = app.world().resource::<Assets<Portrait>>();
    let rig = emotalk::face::PortraitRig::from_json(emotalk::bundled::NPC_7_RIG, std::path::Path::new("npc_7")).unwrap();
    let fitted = portraits.get(&hero).unwrap().prepared.fit().landmarks_with(&[0.0; 52], emotalk::face::BlendshapeBasis::default_basis());
    let fitted: Vec<[f32; 2]> = fitted.iter().map(|p| [p.x, p.y]).collect();
    let err = emotalk::vision::perceive::nme(&fitted, &rig.landmarks);
    assert!(err < 0.15, "the detected rig's fitted face is {err} inter-ocular distances off");
    match server.load_state(&wall) {
        LoadState::Failed(e) => assert!(e.to_string().contains("wall.png") && e.to_string().contains("no face"), "{e}"),
        s => panic!("{s:?}"),
    }
}

/// Added before the plugins it needs, the plugin waits for them (its parts are added in
/// `finish`) and a line plays as usual.
#[test]
fn the_plugin_may_come_before_the_plugins_it_needs() {
    let mut app = App::new();
    app.add_plugins((
        EmoTalkPlugin::headless(),
        MinimalPlugins,
        AssetPlugin { file_path: crate_assets(), ..Default::default() },
    ))
    .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_secs_f64(DT)))
    .init_resource::<Log>()
    .add_systems(PostUpdate, record);
    app.finish();
    app.cleanup();
    assert!(app.is_plugin_added::<emotalk::plugin::FaceAnimationPlugin>());
    let server = app.world().resource::<AssetServer>().clone();
    let head = app
        .world_mut()
        .spawn((TalkingHead::new(server.load("portraits/npc_3.rig.json")), Speech::new(server.load("lines/ada_01.ogg"))))
        .id();
    run_until(&mut app, 4000, |app| log(app).iter().any(|l| l == "finished"));
    assert!(app.world().get::<FaceRuntime>(head).is_some());
}

/// Despawning a head mid-line ends the line as interrupted (an observer, not a poll), and a head
/// that loses its `TalkingHead` loses its runtime state.
#[test]
fn despawning_a_speaking_head_interrupts_its_line() {
    let mut app = app(&crate_assets());
    let server = app.world().resource::<AssetServer>().clone();
    let portrait = app.world_mut().resource_mut::<Assets<Portrait>>().add(Portrait::bundled());
    let head = app.world_mut().spawn((TalkingHead::new(portrait.clone()), Speech::new(server.load("lines/ada_01.ogg")))).id();
    let other = app.world_mut().spawn(TalkingHead::new(portrait)).id();
    app.update();
    assert!(app.world().get::<FaceRuntime>(other).is_some(), "runtime state is attached on add");
    run_until(&mut app, 2000, |app| log(app).iter().any(|l| l.starts_with("started")));
    app.world_mut().despawn(head);
    app.update();
    assert_eq!(log(&app).iter().filter(|l| *l == "interrupted").count(), 1, "{:?}", log(&app));
    app.world_mut().entity_mut(other).remove::<TalkingHead>();
    app.update();
    assert!(app.world().get::<FaceRuntime>(other).is_none());
}

/// A head with live speech follows the pipeline's frames as they come, blinks on top, and
/// reports the end of its input.
#[test]
fn live_speech_drives_the_face_as_frames_arrive() {
    use emotalk::emotion::space::EmotionEmbedding;
    use emotalk::face::EmotionPreset;
    use emotalk::face::blendshapes::index_of;
    use emotalk::live::{EAC_RATE, LivePipeline, Pace, VirtualInput};
    use emotalk::model::eac::saved::EacModel;
    use emotalk::plugin::LiveSpeech;
    let mut app = app(&crate_assets());
    let portrait = app.world_mut().resource_mut::<Assets<Portrait>>().add(Portrait::bundled());
    let samples = emotalk::audio::load("../shared/data/speech/alsa_Front_Center.wav").unwrap().samples;
    let model = EacModel::<burn::backend::Flex>::shipped(&Default::default()).unwrap();
    let (tx, rx) = crossbeam_channel::unbounded();
    let emotion = EmotionEmbedding::preset(EmotionPreset::Happy);
    let pipeline = LivePipeline::spawn(model, emotion, 2.0, Default::default(), rx);
    let head = app.world_mut().spawn((TalkingHead::new(portrait), LiveSpeech::new(pipeline))).id();
    let _input = VirtualInput::play(samples, EAC_RATE, Duration::from_millis(10), Pace::RealTime, tx);
    let (mut opened, mut checked, mut shown_newest) = (0.0f32, 0, 0);
    let jaw = index_of("jawOpen").unwrap();
    for i in 0..5000 {
        app.update();
        let live = app.world().get::<LiveSpeech>(head).unwrap();
        // After the face's first transition (the head's resting emotion, tau 0.12 s on the face clock).
        if let Some(f) = live.latest().filter(|_| i as f64 * DT > 1.0) {
            let shown = app.world().get::<FaceState>(head).unwrap().weights;
            // The face shows the newest frame (the jaw is not a blink), but for the moments a
            // retarget (the head's emotion resolving, on a loaded machine later than 1 s) blends.
            checked += 1;
            shown_newest += usize::from((shown[jaw] - f.weights[jaw]).abs() < 1e-4);
            opened = opened.max(shown[jaw]);
        }
        if live.ended() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let live = app.world().get::<LiveSpeech>(head).unwrap();
    assert!(live.ended() && live.lost().is_none(), "the input ends");
    // Every frame shown carries its capture-to-face time, never less than capture to ready.
    let newest = live.latest().unwrap().latency_from_capture();
    assert!(live.face_latencies().len() > 20, "{} frames timed", live.face_latencies().len());
    assert!(live.face_latencies().last().unwrap() >= newest);
    assert!(opened > 0.2, "speech opens the jaw: {opened}");
    assert!(checked > 20 && shown_newest * 10 >= checked * 8, "{shown_newest} of {checked} updates showed the newest frame");
}
