//! Many talking heads (`cargo run --release --example crowd -- 128`): each speaks the bundled
//! line in a loop with its own blinks and sway; every 120 frames it prints the frame time and the
//! main-thread time of the plugin's sets per face.

use std::time::{Duration, Instant};

use bevy::prelude::*;
use emotalk::plugin::{EmoTalkPlugin, EmoTalkSystems, Emotion, Speech, SpeechFinished, TalkingHead};

const ASSETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets");
const EMOTIONS: [&str; 6] = ["happy", "sad", "furious", "surprised", "disgusted", "calm"];

#[derive(Resource, Default)]
struct Timing {
    start: Option<Instant>,
    plugin: Duration,
    frames: u32,
    since: Option<Instant>,
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(32);
    App::new()
        .add_plugins((
            DefaultPlugins.set(AssetPlugin { file_path: ASSETS.into(), ..default() }),
            EmoTalkPlugin { audio: false, ..default() },
        ))
        .insert_resource(Count(n))
        .init_resource::<Timing>()
        .add_systems(Startup, setup)
        .add_systems(Update, (start.before(EmoTalkSystems::Ingest), stop.after(EmoTalkSystems::Render), speak_again))
        .run();
}

#[derive(Resource)]
struct Count(usize);

fn setup(mut commands: Commands, assets: Res<AssetServer>, count: Res<Count>) {
    let side = (count.0 as f32).sqrt().ceil() as usize;
    let scale = 1.0 / side as f32;
    commands.spawn(Camera2d);
    for i in 0..count.0 {
        let (x, y) = ((i % side) as f32 - (side as f32 - 1.0) / 2.0, (i / side) as f32 - (side as f32 - 1.0) / 2.0);
        let portrait = if i % 2 == 0 { "portraits/npc_3.rig.json" } else { "portraits/npc_7.rig.json" };
        commands.spawn((
            TalkingHead::new(assets.load(portrait)).with_seed(i as u64),
            Emotion::text(EMOTIONS[i % EMOTIONS.len()]),
            Speech::new(assets.load("lines/greeting.ogg")),
            Transform::from_xyz(x * 720.0 * scale, -y * 720.0 * scale, 0.0).with_scale(Vec3::splat(1.4 * scale)),
        ));
    }
}

fn start(mut t: ResMut<Timing>) {
    t.start = Some(Instant::now());
}

fn stop(mut t: ResMut<Timing>, count: Res<Count>) {
    if let Some(s) = t.start.take() {
        t.plugin += s.elapsed();
    }
    t.frames += 1;
    let since = *t.since.get_or_insert_with(Instant::now);
    if t.frames == 120 {
        let frame = since.elapsed() / 120;
        let per_face = t.plugin / 120 / count.0 as u32;
        println!("{} faces: frame {frame:?}, plugin main-thread {per_face:?} per face", count.0);
        *t = Timing::default();
    }
}

fn speak_again(mut finished: MessageReader<SpeechFinished>, mut commands: Commands, assets: Res<AssetServer>) {
    for m in finished.read() {
        commands.entity(m.entity).insert(Speech::new(assets.load("lines/greeting.ogg")));
    }
}
