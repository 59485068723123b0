//! The bundled NPC speaks the bundled line, happy at first and furious from 2 s on, again and
//! again. `cargo run --release --example talking_portrait` (needs a display and a sound card;
//! without them `emotalk render` draws the same through the same renderer).

use bevy::prelude::*;
use emotalk::plugin::{EmoTalkPlugin, Emotion, Speech, SpeechFinished, TalkingHead};

#[path = "common/screenshot.rs"]
mod screenshot;

const ASSETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets");

fn main() {
    App::new()
        .add_plugins((
            DefaultPlugins.set(AssetPlugin { file_path: ASSETS.into(), ..default() }),
            EmoTalkPlugin::default(),
        ))
        .add_systems(Startup, setup)
        .add_systems(Update, (get_angry, speak_again))
        .add_plugins(screenshot::ScreenshotOnRequest(4.2))
        .run();
}

fn setup(mut commands: Commands, assets: Res<AssetServer>) {
    commands.spawn(Camera2d);
    commands.spawn((
        TalkingHead::new(assets.load("portraits/npc_3.rig.json")),
        Emotion::text("happy"),
        Speech::new(assets.load("lines/greeting.ogg")),
    ));
}

/// Mid-line, the emotion changes; the audio goes on and the face follows smoothly.
fn get_angry(mut heads: Query<(&Speech, &mut Emotion)>, mut done: Local<bool>) {
    for (speech, mut emotion) in &mut heads {
        if speech.position() > 2.0 && !*done {
            *emotion = Emotion::text("furious");
            *done = true;
        }
    }
}

fn speak_again(mut finished: MessageReader<SpeechFinished>, mut commands: Commands, assets: Res<AssetServer>) {
    for m in finished.read() {
        commands.entity(m.entity).insert((Emotion::text("happy"), Speech::new(assets.load("lines/greeting.ogg"))));
    }
}
