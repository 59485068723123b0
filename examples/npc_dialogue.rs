//! Two NPCs hold the scripted exchange of `assets/scripts/gate.talk`, with its emotion tags and
//! a timed change, and subtitles. Space skips a line, P pauses. Edit the script while it runs:
//! the runner picks the change up (hot reload). `cargo run --release --example npc_dialogue`

use bevy::prelude::*;
use emotalk::dialogue::runner::{DialogueFinished, DialogueRunner, SubtitleText};
use emotalk::plugin::EmoTalkPlugin;

#[path = "common/screenshot.rs"]
mod screenshot;

const ASSETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets");

fn main() {
    App::new()
        .add_plugins((
            DefaultPlugins.set(AssetPlugin {
                file_path: ASSETS.into(),
                watch_for_changes_override: Some(true),
                ..default()
            }),
            EmoTalkPlugin::default(),
        ))
        .add_systems(Startup, setup)
        .add_systems(Update, (controls, play_again))
        .add_plugins(screenshot::ScreenshotOnRequest(4.5))
        .run();
}

fn setup(mut commands: Commands, assets: Res<AssetServer>) {
    commands.spawn((
        Camera2d,
        Projection::Orthographic(OrthographicProjection { scale: 2.0, ..OrthographicProjection::default_2d() }),
    ));
    let runner = commands.spawn(DialogueRunner::new(assets.load("scripts/gate.talk"))).id();
    commands.spawn((
        Text::new(""),
        TextFont { font_size: FontSize::Px(28.0), ..default() },
        SubtitleText { runner },
        Node { position_type: PositionType::Absolute, bottom: px(40), left: px(60), right: px(60), ..default() },
    ));
}

fn controls(keys: Res<ButtonInput<KeyCode>>, mut runners: Query<&mut DialogueRunner>, mut paused: Local<bool>) {
    for mut runner in &mut runners {
        if keys.just_pressed(KeyCode::Space) {
            runner.skip();
        }
        if keys.just_pressed(KeyCode::KeyP) {
            *paused = !*paused;
            if *paused { runner.pause() } else { runner.resume() }
        }
    }
}

fn play_again(mut done: MessageReader<DialogueFinished>, mut commands: Commands, runners: Query<&DialogueRunner>) {
    for m in done.read() {
        if let Ok(r) = runners.get(m.runner) {
            let again = DialogueRunner::new(r.script.clone())
                .with_speaker("ada", r.speaker("ada").unwrap_or(Entity::PLACEHOLDER))
                .with_speaker("tom", r.speaker("tom").unwrap_or(Entity::PLACEHOLDER));
            commands.entity(m.runner).insert(again);
        }
    }
}
