//! A 3D head driven through its morph targets: the shipped procedural head (the face model's
//! mean face with its 52 ARKit blendshapes as morph targets, `assets/heads/emotalk_head.glb`)
//! speaks a line, surprised, then angry mid-line; `MorphHead` writes `FaceState` into its
//! `MorphWeights` and turns it with the head pose. `cargo run --release --example morph_head`
//!
//! With `--features gltf` the head is the `.glb` itself, loaded by Bevy's glTF loader (its
//! targets named in `extras.targetNames`), as a glTF character of your own would be: spawn its
//! scene under an entity with `TalkingHead::without_portrait()` and `MorphHead` (morph targets
//! named after ARKit blendshapes or VRM expressions). Without the feature the same mesh is built
//! by the generator that wrote the `.glb`, so the example needs no glTF loader.

#[cfg(not(feature = "gltf"))]
use bevy::mesh::morph::MeshMorphWeights;
use bevy::prelude::*;
#[cfg(not(feature = "gltf"))]
use emotalk::face::head3d::default_head;
#[cfg(not(feature = "gltf"))]
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
        Transform::from_xyz(0.1, 0.02, 0.33).looking_at(Vec3::new(0.0, -0.01, 0.0), Vec3::Y),
    ));
    commands.spawn((
        DirectionalLight { illuminance: 6000.0, ..default() },
        Transform::from_xyz(0.6, 0.8, 1.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
    commands.spawn(AmbientLight { brightness: 400.0, ..default() });
    // Eyeballs and a dark mouth cavity behind the holes the face mesh has there.
    let mean = emotalk::face::mean::mean_face();
    let metres = emotalk::face::mean::IOD_MM / 1000.0;
    let at = |points: std::ops::Range<usize>, back: f32| {
        let n = points.len() as f32;
        let c = points.map(|i| mean[i]).fold(Vec3::ZERO, |a, p| a + p) / n;
        Vec3::new(c.x, -c.y, c.z - back) * metres
    };
    let eye = meshes.add(Sphere::new(0.11 * metres));
    let dark = materials.add(Color::srgb(0.05, 0.04, 0.04));
    for range in [36..42, 42..48] {
        commands.spawn((
            Mesh3d(eye.clone()),
            MeshMaterial3d(dark.clone()),
            Transform::from_translation(at(range, 0.12)),
        ));
    }
    commands.spawn((
        Mesh3d(meshes.add(Sphere::new(0.25 * metres))),
        MeshMaterial3d(materials.add(Color::srgb(0.18, 0.05, 0.05))),
        Transform::from_translation(at(60..68, 0.3)).with_scale(Vec3::new(1.0, 0.6, 0.5)),
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
            #[cfg(feature = "gltf")]
            {
                head.spawn(WorldAssetRoot(assets.load(GltfAssetLabel::Scene(0).from_asset("heads/emotalk_head.glb"))));
            }
            #[cfg(not(feature = "gltf"))]
            {
                let mesh = meshes.add(morph_mesh(&default_head()));
                let face = head
                    .spawn((
                        Name::new("emotalk_head"),
                        Mesh3d(mesh.clone()),
                        MeshMaterial3d(materials.add(StandardMaterial {
                            perceptual_roughness: 0.6,
                            double_sided: true,
                            cull_mode: None,
                            ..default()
                        })),
                        rest_weights(mesh),
                    ))
                    .id();
                head.commands().entity(face).insert(MeshMorphWeights::Reference(face));
            }
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
