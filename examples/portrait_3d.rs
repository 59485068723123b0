//! The talking face on a card in a 3D scene: a framed portrait on a plinth, seen in perspective,
//! slowly orbited. `cargo run --release --example portrait_3d`

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
        .add_systems(Update, (orbit, speak_again))
        .add_plugins(screenshot::ScreenshotOnRequest(3.0))
        .run();
}

fn setup(
    mut commands: Commands,
    assets: Res<AssetServer>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    commands
        .spawn((Camera3d::default(), Transform::from_xyz(1.2, 1.6, 3.2).looking_at(Vec3::new(0.0, 1.1, 0.0), Vec3::Y)));
    commands.spawn((DirectionalLight::default(), Transform::from_xyz(2.0, 4.0, 3.0).looking_at(Vec3::ZERO, Vec3::Y)));
    commands.spawn((
        Mesh3d(meshes.add(Plane3d::default().mesh().size(8.0, 8.0))),
        MeshMaterial3d(materials.add(Color::srgb(0.3, 0.32, 0.28))),
    ));
    let wood = materials.add(Color::srgb(0.35, 0.22, 0.12));
    commands.spawn((
        Mesh3d(meshes.add(Cuboid::new(1.2, 0.5, 0.4))),
        MeshMaterial3d(wood.clone()),
        Transform::from_xyz(0.0, 0.25, 0.0),
    ));
    commands.spawn((
        Mesh3d(meshes.add(Cuboid::new(1.14, 1.14, 0.06))),
        MeshMaterial3d(wood),
        Transform::from_xyz(0.0, 1.1, -0.04),
    ));
    // One world unit per portrait pixel: 512 px → 1 m.
    commands.spawn((
        TalkingHead::card_3d(assets.load("portraits/npc_7.rig.json")),
        Emotion::text("cheerful"),
        Speech::new(assets.load("lines/greeting.ogg")),
        Transform::from_xyz(0.0, 1.1, 0.0).with_scale(Vec3::splat(1.0 / 512.0)),
    ));
}

fn orbit(time: Res<Time>, mut camera: Single<&mut Transform, With<Camera3d>>) {
    let a = 0.35 * (0.2 * time.elapsed_secs()).sin();
    camera.translation = Vec3::new(3.4 * a.sin(), 1.6, 3.4 * a.cos());
    camera.look_at(Vec3::new(0.0, 1.1, 0.0), Vec3::Y);
}

fn speak_again(mut finished: MessageReader<SpeechFinished>, mut commands: Commands, assets: Res<AssetServer>) {
    for m in finished.read() {
        commands.entity(m.entity).insert(Speech::new(assets.load("lines/greeting.ogg")));
    }
}
