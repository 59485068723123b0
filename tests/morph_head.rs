//! The morph-target part, headless: a 3D head's morph weights are its `FaceState`'s, ARKit names
//! in other spellings and VRM presets bind, unknown names are reported, the head joint turns
//! with the pose, and the shipped `.glb` is what the generator makes.

#![cfg(feature = "bevy")]

use bevy::asset::AssetPlugin;
use bevy::mesh::morph::MorphWeights;
use bevy::prelude::*;
use emotalk::face::HeadPose;
use emotalk::face::blendshapes::{N_BLENDSHAPES, NAMES, index_of};
use emotalk::face::head3d::{default_head, to_glb};
use emotalk::morph::{MorphBinding, morph_mesh, pose_rotation, rest_weights};
use emotalk::plugin::{EmoTalkPlugin, FaceState, ManualFace, MorphHead, TalkingHead};

fn app() -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, AssetPlugin::default(), EmoTalkPlugin::headless()));
    // No render plugins here: the mesh assets exist all the same.
    app.init_asset::<Mesh>();
    app
}

fn some_state() -> FaceState {
    let weights = std::array::from_fn(|k| ((k * 37) % 101) as f32 / 100.0);
    FaceState { weights, pose: HeadPose { yaw: 12.0, pitch: -5.0, roll: 3.0, ..Default::default() } }
}

#[test]
fn the_procedural_head_takes_the_face_state_weights_and_pose() {
    let mut app = app();
    let mesh = app.world_mut().resource_mut::<Assets<Mesh>>().add(morph_mesh(&default_head()));
    let state = some_state();
    let head = app
        .world_mut()
        .spawn((TalkingHead::without_portrait(), ManualFace, state, MorphHead::default().with_pose_joint("face")))
        .id();
    let face = app
        .world_mut()
        .spawn((Name::new("face"), Transform::default(), Mesh3d(mesh.clone()), rest_weights(mesh), ChildOf(head)))
        .id();
    for _ in 0..3 {
        app.update();
    }
    let applied = app.world().get::<MorphWeights>(face).unwrap().weights().to_vec();
    assert_eq!(applied.len(), N_BLENDSHAPES);
    assert_eq!(applied, state.weights.to_vec(), "the 52 targets carry FaceState's weights, in order");
    let rotation = app.world().get::<Transform>(face).unwrap().rotation;
    assert!(rotation.angle_between(pose_rotation(&state)) < 1e-5, "{rotation:?}");
    let binding = app.world().get::<MorphBinding>(head).unwrap();
    assert_eq!((binding.driven(), binding.unmatched().len()), (52, 0));
    // A new state next frame reaches the targets.
    let mut next = state;
    next.weights[index_of("jawOpen").unwrap()] = 0.25;
    *app.world_mut().get_mut::<FaceState>(head).unwrap() = next;
    app.update();
    let applied = app.world().get::<MorphWeights>(face).unwrap().weights()[index_of("jawOpen").unwrap()];
    assert_eq!(applied, 0.25);
}

/// A character with a few targets in other conventions, driven by another entity's face.
#[test]
fn vrm_and_exporter_names_bind_and_unknown_ones_are_reported() {
    let mut app = app();
    let names = ["happy", "Blink_L", "blendShape1.jawOpen", "Fcl_MTH_Custom", "mouthSmile_R"];
    let mut mesh = Mesh::new(bevy::mesh::PrimitiveTopology::TriangleList, Default::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, vec![[0.0f32, 0.0, 0.0]; 3]);
    mesh.set_morph_targets(vec![Default::default(); 3 * names.len()]);
    mesh.set_morph_target_names(names.iter().map(|n| n.to_string()).collect());
    let mesh = app.world_mut().resource_mut::<Assets<Mesh>>().add(mesh);
    let mut state = FaceState::default();
    for (name, w) in [("mouthSmileLeft", 0.9), ("mouthSmileRight", 0.5), ("eyeBlinkLeft", 1.0), ("jawOpen", 0.3)] {
        state.weights[index_of(name).unwrap()] = w;
    }
    state.pose.yaw = -20.0;
    let speaker = app.world_mut().spawn((TalkingHead::without_portrait(), ManualFace, state)).id();
    let mut untouched = MorphWeights::new(vec![0.0; names.len()], Some(mesh.clone())).unwrap();
    untouched.weights_mut()[3] = 0.42; // the game's own animation of its custom target
    let neck = app.world_mut().spawn(Transform::from_rotation(Quat::from_rotation_x(0.1))).id();
    let body = app
        .world_mut()
        .spawn((MorphHead::default().driven_by(speaker).with_pose_entity(neck), Mesh3d(mesh), untouched))
        .id();
    for _ in 0..3 {
        app.update();
    }
    let w = app.world().get::<MorphWeights>(body).unwrap().weights().to_vec();
    let expect = [0.7, 1.0, 0.3, 0.42, 0.5];
    for ((n, got), want) in names.iter().zip(&w).zip(expect) {
        assert!((got - want).abs() < 1e-6, "{n}: {got} (want {want})");
    }
    assert_eq!(app.world().get::<MorphBinding>(body).unwrap().unmatched(), ["Fcl_MTH_Custom".to_string()]);
    // The chosen entity turns with the pose, from its own rest rotation.
    let turned = app.world().get::<Transform>(neck).unwrap().rotation;
    let want = Quat::from_rotation_x(0.1) * pose_rotation(&state);
    assert!(turned.angle_between(want) < 1e-5, "{turned:?} vs {want:?}");
}

/// `assets/heads/emotalk_head.glb` is the generator's output (regenerate with
/// `cargo run --example make_head` after changing the basis or the mesh).
#[test]
fn the_shipped_head_is_what_the_generator_makes() {
    let shipped = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/heads/emotalk_head.glb")).unwrap();
    assert!(shipped == to_glb(&default_head(), "emotalk_head"), "assets/heads/emotalk_head.glb is stale");
    assert_eq!(NAMES.len(), 52);
}
