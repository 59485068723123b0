//! A 3D head driven through its morph targets: the shipped procedural head (the face model's
//! mean face with its 52 ARKit blendshapes as morph targets, `assets/heads/emotalk_head.glb`)
//! speaks a line, surprised, then angry mid-line; `MorphHead` writes `FaceState` into its
//! `MorphWeights` and turns it with the head pose. `cargo run --release --example morph_head`
//!
//! A glTF character of your own works the same: spawn its scene under an entity with
//! `TalkingHead::without_portrait()` and `MorphHead` (its morph targets named after ARKit
//! blendshapes or VRM expressions; Bevy's `bevy_gltf` feature loads it). Here the head's mesh is
//! built from the same generator as the `.glb`, so the example needs no glTF loader.

use bevy::mesh::morph::MeshMorphWeights;
use bevy::prelude::*;
use emotalk::face::head3d::default_head;
use emotalk::morph::{morph_mesh, rest_weights};
use emotalk::plugin::{EmoTalkPlugin, Emotion, MorphHead, Speech, SpeechFinished, SpeechStarted, TalkingHead};

#[path = "common/screenshot.rs"]
mod screenshot;

const ASSETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets");

fn main() {
    App::new()
        .add_plugins((
            DefaultPlugins.set(AssetPlugin { file_path: ASSETS.into(), ..default() }),
            EmoTalkPlugin::default(),
        ))
        .insert_resource(ClearColor(Color::srgb(0.16, 0.18, 0.22)))
        .add_systems(Startup, setup)
        .add_systems(Update, (turn_angry, speak_again))
        .add_plugins(screenshot::ScreenshotOnRequest(2.2))
        .run();
}

fn setup(
    mut commands: Commands,
    assets: Res<AssetServer>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    // The face is about 0.2 m wide around the origin, looking down +z.
    commands.spawn((
        Camera3d::default(),
        Transform::from_xyz(0.12, 0.02, 0.42).looking_at(Vec3::new(0.0, -0.01, 0.0), Vec3::Y),
    ));
    commands.spawn((
        DirectionalLight { illuminance: 6000.0, ..default() },
        Transform::from_xyz(0.6, 0.8, 1.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
    commands.spawn(AmbientLight { brightness: 400.0, ..default() });
    let mesh = meshes.add(morph_mesh(&default_head()));
    // Dark behind the eyes and the mouth (the mesh has holes there, as the face mesh does).
    commands.spawn((
        Mesh3d(meshes.add(Sphere::new(0.09))),
        MeshMaterial3d(materials.add(Color::srgb(0.06, 0.03, 0.03))),
        Transform::from_xyz(0.0, -0.01, -0.06).with_scale(Vec3::new(1.0, 1.25, 0.5)),
    ));
    commands
        .spawn((
            TalkingHead::without_portrait().with_seed(3),
            Emotion::text("surprised:2.5"),
            Speech::new(assets.load("lines/greeting.ogg")),
            MorphHead::default().with_pose_joint("emotalk_head"),
            Transform::default(),
            Visibility::default(),
        ))
        .with_children(|head| {
            let face = head
                .spawn((
                    Name::new("emotalk_head"),
                    Mesh3d(mesh.clone()),
                    MeshMaterial3d(materials.add(StandardMaterial { perceptual_roughness: 0.6, ..default() })),
                    rest_weights(mesh),
                ))
                .id();
            head.commands().entity(face).insert(MeshMorphWeights::Reference(face));
        });
}

/// 1.2 s into each line, the emotion changes mid-line, from surprised to furious.
fn turn_angry(
    time: Res<Time>,
    mut started: MessageReader<SpeechStarted>,
    mut at: Local<Option<f32>>,
    mut heads: Query<&mut Emotion, With<MorphHead>>,
) {
    if started.read().next().is_some() {
        *at = Some(time.elapsed_secs() + 1.2);
        for mut e in &mut heads {
            *e = Emotion::text("surprised:2.5");
        }
    }
    if at.is_some_and(|t| time.elapsed_secs() > t) {
        *at = None;
        for mut e in &mut heads {
            *e = Emotion::text("furious");
        }
    }
}

fn speak_again(mut finished: MessageReader<SpeechFinished>, mut commands: Commands, assets: Res<AssetServer>) {
    for m in finished.read() {
        commands.entity(m.entity).insert(Speech::new(assets.load("lines/greeting.ogg")));
    }
}
