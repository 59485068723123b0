//! The morph-target part (feature `bevy`): a 3D character whose meshes have morph targets named
//! after ARKit blendshapes (any subset, in the spellings exporters use) or VRM 0.x/1.0
//! expression presets follows its [`FaceState`] every frame, and its head joint follows the pose.
//!
//! ```no_run
//! use bevy::prelude::*;
//! use emotalk::prelude::*;
//!
//! fn setup(mut commands: Commands, assets: Res<AssetServer>) {
//!     commands.spawn((
//!         // A head with no portrait: it talks, and only its FaceState is computed.
//!         TalkingHead::without_portrait(),
//!         Speech::new(assets.load("lines/greeting.ogg")),
//!         MorphHead::default().with_pose_joint("Head"),
//!         // Any scene whose meshes carry morph targets: a glTF's `WorldAssetRoot` (Bevy's
//!         // `bevy_gltf` feature) as a child, or meshes of your own.
//!         Transform::default(),
//!     ));
//! }
//! ```
//!
//! The meshes are found among the head entity's descendants (and the entity itself): every
//! entity with [`MorphWeights`] whose first mesh has target names. Each target is bound once,
//! when its mesh has loaded; names that neither ARKit nor VRM know are reported once in the log
//! and in [`MorphBinding::unmatched`], and left for the game's own animation. The shipped
//! procedural head ([`crate::face::head3d`], `assets/heads/emotalk_head.glb`) has all 52.

pub mod names;

use bevy::app::{App, Plugin, Update};
use bevy::asset::{Assets, RenderAssetUsages};
use bevy::ecs::name::Name;
use bevy::ecs::prelude::*;
use bevy::log::warn;
use bevy::math::{EulerRot, Quat, Vec3};
use bevy::mesh::morph::{MorphAttributes, MorphWeights};
use bevy::mesh::{Indices, Mesh, PrimitiveTopology};
use bevy::transform::components::Transform;

use crate::face::blendshapes::N_BLENDSHAPES;
use crate::face::head3d::MorphMesh;
use crate::talk::{EmoTalkSystems, FaceState, ensure_core};

pub use names::{TargetMix, arkit_index, mix_weight, target_mix};

/// Drives [`MorphHead`]s from [`FaceState`] in [`EmoTalkSystems::Render`].
#[derive(Debug, Clone, Copy, Default)]
pub struct MorphTargetPlugin;

impl Plugin for MorphTargetPlugin {
    fn build(&self, app: &mut App) {
        ensure_core(app);
        app.add_systems(Update, drive_morph_targets.in_set(EmoTalkSystems::Render));
    }
}

/// A character whose morph targets follow a [`FaceState`]: its own (a [`crate::talk::TalkingHead`]
/// on the same entity), or that of [`Self::source`].
#[derive(Component, Debug, Clone, Default)]
pub struct MorphHead {
    /// The entity whose [`FaceState`] drives this character; `None`: this entity's own.
    pub source: Option<Entity>,
    /// What turns with the head pose.
    pub pose: PoseTarget,
    /// Targets bound by hand, before the built-in tables: `(target name, ARKit mix)`.
    pub overrides: Vec<(String, TargetMix)>,
}

impl MorphHead {
    /// The same head, driven by `source`'s [`FaceState`].
    pub fn driven_by(mut self, source: Entity) -> Self {
        self.source = Some(source);
        self
    }

    /// The same head, turning the joint named `name` with the head pose.
    pub fn with_pose_joint(mut self, name: impl Into<String>) -> Self {
        self.pose = PoseTarget::Joint(name.into());
        self
    }

    /// The same head, turning `entity`'s transform with the head pose.
    pub fn with_pose_entity(mut self, entity: Entity) -> Self {
        self.pose = PoseTarget::Entity(entity);
        self
    }

    /// The same head, binding `target` to `mix` whatever its name says.
    pub fn with_override(mut self, target: impl Into<String>, mix: TargetMix) -> Self {
        self.overrides.push((target.into(), mix));
        self
    }

    fn mix_of(&self, name: &str) -> Option<TargetMix> {
        self.overrides.iter().find(|(n, _)| n == name).map(|(_, m)| m.clone()).or_else(|| target_mix(name))
    }
}

/// What a [`MorphHead`]'s head pose turns: its rotation becomes the rest rotation (as found when
/// the head was bound) times [`pose_rotation`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PoseTarget {
    /// Nothing: the pose is left to the game.
    #[default]
    None,
    /// The descendant joint (or node) with this [`Name`] (`"Head"`, VRM's `"J_Bip_C_Head"`).
    Joint(String),
    /// This entity's [`Transform`].
    Entity(Entity),
}

/// What a [`MorphHead`]'s targets were bound to (added by the plugin once its meshes have loaded).
#[derive(Component, Debug, Clone, Default)]
pub struct MorphBinding {
    /// Per bound entity with [`MorphWeights`]: one mix per target (`None`: not driven).
    meshes: Vec<(Entity, Vec<Option<TargetMix>>)>,
    unmatched: Vec<String>,
    /// The pose joint and its rest rotation.
    joint: Option<(Entity, Quat)>,
}

impl MorphBinding {
    /// Target names no table knew (reported once when bound).
    pub fn unmatched(&self) -> &[String] {
        &self.unmatched
    }

    /// How many targets follow the face.
    pub fn driven(&self) -> usize {
        self.meshes.iter().flat_map(|(_, m)| m).filter(|m| m.is_some()).count()
    }
}

/// Binds new [`MorphHead`]s, then writes the weights (and the head joint's rotation) every frame.
#[allow(clippy::type_complexity)]
pub fn drive_morph_targets(
    mut commands: Commands,
    meshes: Option<Res<Assets<Mesh>>>,
    mut heads: Query<(Entity, &MorphHead, Option<&mut MorphBinding>)>,
    faces: Query<&FaceState>,
    children: Query<&Children>,
    mut weights: Query<&mut MorphWeights>,
    mut joints: Query<(Option<&Name>, &mut Transform)>,
) {
    for (entity, head, binding) in &mut heads {
        let Ok(state) = faces.get(head.source.unwrap_or(entity)) else { continue };
        let Some(mut binding) = binding else {
            if let Some(bound) = bind(entity, head, meshes.as_deref(), &children, &weights, &joints) {
                commands.entity(entity).insert(bound);
            }
            continue;
        };
        for (mesh_entity, mixes) in &binding.meshes {
            let Ok(mut w) = weights.get_mut(*mesh_entity) else { continue };
            for (slot, mix) in w.weights_mut().iter_mut().zip(mixes) {
                if let Some(mix) = mix {
                    *slot = mix_weight(mix, &state.weights);
                }
            }
        }
        if let Some((joint, rest)) = binding.joint {
            match joints.get_mut(joint) {
                Ok((_, mut transform)) => transform.rotation = rest * pose_rotation(state),
                Err(_) => binding.joint = None,
            }
        }
    }
}

/// The head pose as a rotation: yaw about `+y`, pitch about `+x`, roll about `+z` (degrees in
/// [`crate::face::HeadPose`]).
pub fn pose_rotation(state: &FaceState) -> Quat {
    let p = state.pose;
    Quat::from_euler(EulerRot::YXZ, p.yaw.to_radians(), p.pitch.to_radians(), p.roll.to_radians())
}

/// Binds a head once every mesh with [`MorphWeights`] under it has loaded its target names;
/// `None` while one has not (tried again next frame).
fn bind(
    entity: Entity,
    head: &MorphHead,
    meshes: Option<&Assets<Mesh>>,
    children: &Query<&Children>,
    weights: &Query<&mut MorphWeights>,
    joints: &Query<(Option<&Name>, &mut Transform)>,
) -> Option<MorphBinding> {
    let meshes = meshes?;
    let mut binding = MorphBinding::default();
    if let PoseTarget::Entity(e) = head.pose
        && let Ok((_, transform)) = joints.get(e)
    {
        binding.joint = Some((e, transform.rotation));
    }
    for e in std::iter::once(entity).chain(children.iter_descendants(entity)) {
        if let PoseTarget::Joint(joint) = &head.pose
            && binding.joint.is_none()
            && let Ok((Some(name), transform)) = joints.get(e)
            && name.as_str() == joint
        {
            binding.joint = Some((e, transform.rotation));
        }
        let Ok(w) = weights.get(e) else { continue };
        let names = w.first_mesh().and_then(|h| meshes.get(h)).map(|m| m.morph_target_names().map(<[String]>::to_vec));
        let names = names?.unwrap_or_default();
        let mixes: Vec<Option<TargetMix>> = names.iter().map(|n| head.mix_of(n)).collect();
        for (n, m) in names.iter().zip(&mixes) {
            if m.is_none() && !binding.unmatched.contains(n) {
                binding.unmatched.push(n.clone());
            }
        }
        binding.meshes.push((e, mixes));
    }
    if binding.meshes.is_empty() {
        // The scene has not spawned yet.
        return None;
    }
    if !binding.unmatched.is_empty() {
        warn!(
            "emotalk: {entity}: {} morph target(s) match no ARKit or VRM name and are left alone: {}",
            binding.unmatched.len(),
            binding.unmatched.join(", ")
        );
    }
    if binding.joint.is_none() {
        match &head.pose {
            PoseTarget::Joint(joint) => {
                warn!("emotalk: {entity}: no joint named {joint:?} under the head; the pose is not applied")
            }
            PoseTarget::Entity(e) => warn!("emotalk: {entity}: the pose target {e} has no Transform"),
            PoseTarget::None => {}
        }
    }
    Some(binding)
}

/// A Bevy mesh of `head` (positions, normals, vertex colours, indices, and its morph targets with
/// their names), ready for `Mesh3d` with a [`MorphWeights`] of [`N_BLENDSHAPES`] zeros.
pub fn morph_mesh(head: &MorphMesh) -> Mesh {
    let targets: Vec<MorphAttributes> = head
        .targets
        .iter()
        .flat_map(|(_, offsets)| offsets.iter().map(|d| MorphAttributes::new(Vec3::from(*d), Vec3::ZERO, Vec3::ZERO)))
        .collect();
    let mut mesh = Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, head.positions.clone())
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, head.normals.clone())
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, head.colors.clone())
        .with_inserted_indices(Indices::U32(head.indices.clone()));
    mesh.set_morph_targets(targets);
    mesh.set_morph_target_names(head.targets.iter().map(|(n, _)| n.clone()).collect());
    mesh
}

/// [`MorphWeights`] for a mesh made by [`morph_mesh`]: all zero.
pub fn rest_weights(mesh: bevy::asset::Handle<Mesh>) -> MorphWeights {
    MorphWeights::new(vec![0.0; N_BLENDSHAPES], Some(mesh)).expect("52 targets are within Bevy's limit")
}
