//! The bundled NPC follows your voice: the default microphone drives the streaming EAC on a
//! thread of its own (`emotalk::live`), the face shows each frame as it comes, blinks and idle
//! sway go on. Keys 1–8 change the emotion live (neutral, happy, sad, angry, surprised,
//! disgusted, fear, contempt); the window's title shows the measured latency.
//!
//! `cargo run --release --example live_mic` (needs a window and a microphone; with no
//! microphone, or with `EMOTALK_LIVE_FILE=voice.wav`, a file plays in at real-time pace instead).

use std::time::Duration;

use bevy::prelude::*;
use emotalk::emotion::space::EmotionEmbedding;
use emotalk::face::EmotionPreset;
use emotalk::live::{EAC_RATE, LivePipeline, Pace, SourceEvent, VirtualInput};
use emotalk::model::eac::saved::EacModel;
use emotalk::plugin::{EmoTalkPlugin, LiveSpeech, TalkingHead};

#[path = "common/screenshot.rs"]
mod screenshot;

const ASSETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets");
const KEYS: [(KeyCode, EmotionPreset); 8] = [
    (KeyCode::Digit1, EmotionPreset::Neutral),
    (KeyCode::Digit2, EmotionPreset::Happy),
    (KeyCode::Digit3, EmotionPreset::Sad),
    (KeyCode::Digit4, EmotionPreset::Angry),
    (KeyCode::Digit5, EmotionPreset::Surprised),
    (KeyCode::Digit6, EmotionPreset::Disgusted),
    (KeyCode::Digit7, EmotionPreset::Fear),
    (KeyCode::Digit8, EmotionPreset::Contempt),
];

/// Keeps the input alive: the microphone (not `Send` everywhere: a non-send resource) or the file.
enum Input {
    #[cfg(feature = "mic")]
    Mic(#[allow(dead_code)] emotalk::live::mic::Microphone),
    File(#[allow(dead_code)] VirtualInput),
}

fn main() {
    App::new()
        .add_plugins((
            DefaultPlugins.set(AssetPlugin { file_path: ASSETS.into(), ..default() }),
            EmoTalkPlugin::default(),
        ))
        .add_systems(Startup, setup)
        .add_systems(Update, (change_emotion, show_latency))
        .add_plugins(screenshot::ScreenshotOnRequest(3.0))
        .run();
}

fn open_input(tx: crossbeam_channel::Sender<SourceEvent>) -> Input {
    let file = std::env::var_os("EMOTALK_LIVE_FILE");
    #[cfg(feature = "mic")]
    if file.is_none() {
        match emotalk::live::mic::Microphone::open(None, tx.clone()) {
            Ok(mic) => {
                info!("listening to {} ({} Hz)", mic.name, mic.rate);
                return Input::Mic(mic);
            }
            Err(e) => warn!("{e}; playing the bundled line instead"),
        }
    }
    let samples = match &file {
        Some(path) => emotalk::audio::load(path).map(|a| a.samples),
        None => emotalk::audio::load_bytes(emotalk::bundled::GREETING_OGG, emotalk::bundled::GREETING_LABEL)
            .map(|a| a.samples),
    }
    .unwrap_or_else(|e| {
        error!("{e}");
        Vec::new()
    });
    Input::File(VirtualInput::play(samples, EAC_RATE, Duration::from_millis(10), Pace::RealTime, tx))
}

fn setup(world: &mut World) {
    world.spawn(Camera2d);
    let device = Default::default();
    // Live input looks one frame less ahead than a whole line does (100 ms instead of 140).
    let model = match EacModel::<burn::backend::Flex>::default_model(&device)
        .map_err(|e| e.to_string())
        .and_then(|m| m.with_lookahead_ms(emotalk::live::LIVE_LOOKAHEAD_MS).map_err(|e| e.to_string()))
    {
        Ok(m) => m,
        Err(e) => {
            error!("{e}");
            return;
        }
    };
    let (tx, rx) = crossbeam_channel::unbounded();
    let pipeline = LivePipeline::spawn(model, EmotionEmbedding::preset(EmotionPreset::Happy), 2.0, device, rx);
    let input = open_input(tx);
    world.insert_non_send(input);
    let portrait = world.resource::<AssetServer>().load("portraits/npc_3.rig.json");
    world.spawn((TalkingHead::new(portrait), LiveSpeech::new(pipeline)));
}

fn change_emotion(keys: Res<ButtonInput<KeyCode>>, heads: Query<&LiveSpeech>) {
    for (key, preset) in KEYS {
        if keys.just_pressed(key) {
            for live in &heads {
                live.pipeline().set_emotion(EmotionEmbedding::preset(preset), 2.5);
            }
            info!("emotion: {}", preset.name());
        }
    }
}

fn show_latency(
    heads: Query<&LiveSpeech>,
    mut windows: Query<&mut Window>,
    time: Res<Time>,
    mut frame_times: Local<Vec<f32>>,
    mut reported: Local<bool>,
) {
    // The last 10,000 frame times (a microphone never ends).
    if frame_times.len() == 10_000 {
        frame_times.remove(0);
    }
    frame_times.push(time.delta_secs() * 1000.0);
    // Once the input has ended: capture to face over the frames shown, and the app's frame time
    // (what the render adds on top), in the log.
    if let Some(live) = heads.iter().find(|l| l.ended()).filter(|_| !*reported) {
        let mut ms: Vec<f64> = live.face_latencies().map(|d| d.as_secs_f64() * 1000.0).collect();
        ms.sort_by(f64::total_cmp);
        let mut ft: Vec<f32> = frame_times.iter().skip(10).copied().collect();
        ft.sort_by(f32::total_cmp);
        if let (Some(&max), Some(&ft_median)) = (ms.last(), ft.get(ft.len() / 2)) {
            info!(
                "capture to face over {} frames: median {:.1} ms, max {:.1} ms; app frame time median {:.1} ms",
                ms.len(),
                ms[ms.len() / 2],
                max,
                ft_median
            );
        }
        *reported = true;
    }
    let Some(latency) = heads.iter().find_map(|l| l.face_latencies().last()) else { return };
    for mut window in &mut windows {
        window.title = format!(
            "emotalk live: {:.0} ms from capture to face (1-8: emotion)",
            latency.as_secs_f64() * 1000.0
        );
    }
}
