//! HEF heads: a per-head choice of renderer ([`FaceRenderer`]). A head drawn with
//! [`FaceRenderer::Hef`] gets its own copy of its portrait's [`FaceMaterial`], whose
//! `refinement` texture holds HEF's frame of the face crop and where it replaces the warp
//! ([`crate::model::hef::refine::Refinement`]); the face shader mixes it into the warp in the
//! fragment stage, exactly as the CPU renderer's [`Refinement::apply`] does.
//!
//! Where the network runs:
//! - with the `wgpu` feature, on Bevy's own GPU device ([`super::hef_gpu`]): the CPU makes each
//!   frame's inputs on the async compute pool, the network runs on the GPU and its change is
//!   copied into the head's texture there, with no read-back;
//! - without it, on [`FaceBackend`] (Flex, the CPU) on the async compute pool, and the change is
//!   uploaded as the texture's data.
//!
//! One frame is in flight per head and each result shows when it is ready, so the refinement
//! trails the animation by the time a frame takes (about a tenth of a second on two CPU cores).
//! That is why `auto` (the CLI) picks the warp on a software adapter.

use std::sync::Arc;

use bevy::asset::{AssetId, Assets, Handle, RenderAssetUsages};
use bevy::ecs::prelude::*;
use bevy::image::Image;
use bevy::math::Vec4;
use bevy::pbr::MeshMaterial3d;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy::sprite_render::MeshMaterial2d;
use bevy::tasks::{AsyncComputeTaskPool, Task, futures::check_ready};

#[cfg(feature = "wgpu")]
use super::hef_gpu::{GpuBackend, HefGpuChange, HefGpuDevice};
use super::{FaceDrawn, FaceMaterial};
use crate::face::{BlendshapeBasis, HeadPose, N_BLENDSHAPES};
#[cfg(feature = "wgpu")]
use crate::model::hef::frame::HefFrame;
use crate::model::hef::refine::{HefError, HefRefiner, Refinement};
use crate::model::hef::saved::HefModel;
use crate::talk::{FaceBackend, FaceState, Portrait, TalkingHead};

/// Which renderer draws a head's face (a component on the [`TalkingHead`]; without it, the warp).
#[derive(Component, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FaceRenderer {
    /// The mesh warp alone.
    #[default]
    Warp,
    /// The warp refined by HEF (see the module docs), with the weights in [`HefNetwork`].
    Hef,
}

/// The HEF weights HEF heads use. Default: a `hef` folder in the model search path, else the
/// shipped weights ([`HefModel::default_model`]); `None` when they did not load (heads then
/// stay warped, and the error is logged once).
#[derive(Resource, Clone)]
pub struct HefNetwork(pub Option<Arc<HefModel<FaceBackend>>>);

impl HefNetwork {
    /// The default weights (see the type's docs); loaded when the first HEF head is drawn,
    /// unless the game inserted its own.
    pub fn load() -> Self {
        match HefModel::default_model(&Default::default()) {
            Ok(m) => Self(Some(Arc::new(m))),
            Err(e) => {
                bevy::log::error!("emotalk: HEF heads stay warped: {e}");
                Self(None)
            }
        }
    }
}

/// Where a head's network runs.
#[derive(Clone)]
enum Engine {
    Cpu(Arc<HefRefiner<FaceBackend>>),
    #[cfg(feature = "wgpu")]
    Gpu(Arc<HefRefiner<GpuBackend>>),
}

/// A frame being refined.
enum Pending {
    Cpu(Task<Result<Refinement, HefError>>),
    #[cfg(feature = "wgpu")]
    Gpu(Task<Result<HefFrame, HefError>>),
}

/// Where HEF heads run their network. With the `wgpu` feature the default is Bevy's own GPU
/// device; [`HefDevice::Cpu`] keeps them on the CPU (to compare, or where the GPU is busy).
/// Heads take it when they are set up.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HefDevice {
    /// Bevy's GPU device when the `wgpu` feature is on, else the CPU.
    #[default]
    Auto,
    /// The CPU ([`FaceBackend`]), always.
    Cpu,
}

/// A head drawn by HEF: its material, its refinement texture and the frame being refined.
#[derive(Component)]
pub struct HefHead {
    portrait: AssetId<Portrait>,
    material: Handle<FaceMaterial>,
    /// The refinement texture (`Rgba32Float`, the network's size).
    pub texture: Handle<Image>,
    engine: Engine,
    task: Option<Pending>,
    /// The state (weights with the head's gain, pose) of the refinement last started: a head
    /// that holds still is not refined again.
    started: Option<([f32; N_BLENDSHAPES], HeadPose)>,
    /// Refinements made for the head so far.
    pub refined: u64,
}

impl HefHead {
    /// Whether its network runs on the GPU (feature `wgpu`, on Bevy's device).
    pub fn on_gpu(&self) -> bool {
        !matches!(self.engine, Engine::Cpu(_))
    }
}

/// The refinement texture's bytes (`Rgba32Float`: HEF's frame and its mask).
fn texture_bytes(r: &Refinement) -> Vec<u8> {
    let n = (r.size * r.size) as usize;
    (0..n).flat_map(|i| [0, 1, 2, 3].map(|c| r.rgba[c * n + i])).flat_map(f32::to_le_bytes).collect()
}

/// Gives every HEF head that is drawn its own material and refinement texture, and puts the
/// shared material back on heads switched to the warp.
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub fn attach_hef(
    mut commands: Commands,
    network: Option<Res<HefNetwork>>,
    portraits: Res<Assets<Portrait>>,
    mut images: ResMut<Assets<Image>>,
    mut materials: ResMut<Assets<FaceMaterial>>,
    choice: Option<Res<HefDevice>>,
    #[cfg(feature = "wgpu")] gpu: Option<Res<HefGpuDevice>>,
    #[cfg(feature = "wgpu")] mut gpu_network: Local<GpuNetwork>,
    heads: Query<
        (
            Entity,
            &TalkingHead,
            Option<&FaceRenderer>,
            Option<&HefHead>,
            Option<&MeshMaterial2d<FaceMaterial>>,
            Option<&MeshMaterial3d<FaceMaterial>>,
        ),
        With<FaceDrawn>,
    >,
) {
    let mut loading = false;
    for (entity, head, renderer, hef, m2, m3) in &heads {
        let current = m2.map(|m| m.0.id()).or(m3.map(|m| m.0.id()));
        let wants_hef = renderer == Some(&FaceRenderer::Hef);
        if !wants_hef {
            if hef.is_some() {
                // Back to the shared material: attach_faces draws it again.
                commands.entity(entity).remove::<(HefHead, FaceDrawn)>();
                #[cfg(feature = "wgpu")]
                commands.entity(entity).remove::<HefGpuChange>();
            }
            continue;
        }
        let Some(network) = network.as_ref() else {
            if !loading {
                commands.insert_resource(HefNetwork::load());
                loading = true;
            }
            continue;
        };
        let id = head.portrait.id();
        if hef.is_some_and(|h| h.portrait == id && current == Some(h.material.id())) {
            continue;
        }
        let (Some(network), Some(portrait), Some(shared)) =
            (network.0.clone(), portraits.get(id), current.and_then(|c| materials.get(c)))
        else {
            continue;
        };
        let basis = BlendshapeBasis::default_basis();
        let (image, rig) = (portrait.prepared.image(), &*portrait.rig);
        let on_cpu = choice.as_deref() == Some(&HefDevice::Cpu);
        #[cfg(feature = "wgpu")]
        let made = match gpu.as_ref().filter(|_| !on_cpu).and_then(|g| gpu_network.get(&network, g)) {
            Some(net) => HefRefiner::new((*net).clone(), image, rig, basis, &gpu.as_ref().expect("a GPU").0)
                .map(|r| Engine::Gpu(Arc::new(r))),
            None => HefRefiner::new((*network).clone(), image, rig, basis, &Default::default())
                .map(|r| Engine::Cpu(Arc::new(r))),
        };
        #[cfg(not(feature = "wgpu"))]
        let made = {
            let _ = on_cpu; // the CPU is all there is without the feature
            HefRefiner::new((*network).clone(), image, rig, basis, &Default::default())
                .map(|r| Engine::Cpu(Arc::new(r)))
        };
        let engine = match made {
            Ok(e) => e,
            Err(e) => {
                bevy::log::error!("emotalk: {entity} stays warped: {e}");
                commands.entity(entity).insert(FaceRenderer::Warp);
                continue;
            }
        };
        let crop = match &engine {
            Engine::Cpu(r) => r.crop(),
            #[cfg(feature = "wgpu")]
            Engine::Gpu(r) => r.crop(),
        };
        let n = network.config.size as u32;
        let blank = Refinement { crop, size: n, rgba: vec![0.0; 4 * (n * n) as usize] };
        let texture = images.add(Image::new(
            Extent3d { width: n, height: n, depth_or_array_layers: 1 },
            TextureDimension::D2,
            texture_bytes(&blank),
            TextureFormat::Rgba32Float,
            RenderAssetUsages::default(),
        ));
        let mut material = shared.clone();
        material.portrait.hef = Vec4::new(crop.origin.x, crop.origin.y, crop.side, n as f32);
        material.refinement = Some(texture.clone());
        let material = materials.add(material);
        let mut e = commands.entity(entity);
        if m2.is_some() {
            e.insert(MeshMaterial2d(material.clone()));
        } else {
            e.insert(MeshMaterial3d(material.clone()));
        }
        e.insert(HefHead { portrait: id, material, texture, engine, task: None, started: None, refined: 0 });
    }
}

/// Writes finished refinements into the heads' textures and starts the next frame's.
#[cfg_attr(not(feature = "wgpu"), allow(unused_variables, unused_mut))]
pub fn refine_hef(
    mut commands: Commands,
    mut images: ResMut<Assets<Image>>,
    mut heads: Query<(Entity, &TalkingHead, &FaceState, &mut HefHead)>,
) {
    let pool = AsyncComputeTaskPool::get();
    for (entity, head, state, mut hef) in &mut heads {
        let hef = &mut *hef;
        let ready = match hef.task.as_mut() {
            None => true,
            Some(Pending::Cpu(task)) => match check_ready(task) {
                None => false,
                Some(result) => {
                    if !write_cpu(&mut images, &hef.texture, result, entity) {
                        hef.started = None;
                    }
                    true
                }
            },
            #[cfg(feature = "wgpu")]
            Some(Pending::Gpu(task)) => match check_ready(task) {
                None => false,
                Some(result) => {
                    match (&hef.engine, result) {
                        (Engine::Gpu(r), Ok(frame)) => {
                            let change = HefGpuChange::new(r, &frame, hef.texture.clone(), hef.refined);
                            commands.entity(entity).insert(change);
                        }
                        (_, result) => {
                            if let Err(e) = result {
                                bevy::log::warn!("emotalk: HEF frame of {entity}: {e}");
                            }
                            hef.started = None;
                        }
                    }
                    true
                }
            },
        };
        if !ready {
            continue;
        }
        if hef.task.take().is_some() {
            hef.refined += 1;
        }
        let weights = state.weights.map(|w| w * head.gain());
        let pose = state.pose;
        if hef.started == Some((weights, pose)) {
            continue;
        }
        hef.started = Some((weights, pose));
        hef.task = Some(match hef.engine.clone() {
            Engine::Cpu(r) => {
                Pending::Cpu(pool.spawn(async move { r.refinement(&weights, &pose, BlendshapeBasis::default_basis()) }))
            }
            #[cfg(feature = "wgpu")]
            Engine::Gpu(r) => {
                Pending::Gpu(pool.spawn(async move { r.frame(&weights, &pose, BlendshapeBasis::default_basis()) }))
            }
        });
    }
}

/// Writes a CPU refinement into its texture; whether there was one to write.
fn write_cpu(
    images: &mut Assets<Image>,
    texture: &Handle<Image>,
    result: Result<Refinement, HefError>,
    entity: Entity,
) -> bool {
    match result {
        Ok(r) => {
            if let Some(mut image) = images.get_mut(texture) {
                image.data = Some(texture_bytes(&r));
            }
            true
        }
        Err(e) => {
            bevy::log::warn!("emotalk: HEF frame of {entity}: {e}");
            false
        }
    }
}

/// Waits for every HEF head's refinement in flight and shows it from the next frame on (for
/// offline rendering and tests, where a frame must show the refinement of its own state).
pub fn finish_hef(world: &mut World) {
    let mut q = world.query::<(Entity, &mut HefHead)>();
    let mut cpu = Vec::new();
    #[cfg(feature = "wgpu")]
    let mut gpu = Vec::new();
    for (entity, mut hef) in q.iter_mut(world) {
        let Some(task) = hef.task.take() else { continue };
        hef.refined += 1;
        // Refined again from the next update on, whatever this one gives.
        hef.started = None;
        match task {
            Pending::Cpu(task) => cpu.push((entity, hef.texture.clone(), bevy::tasks::block_on(task))),
            #[cfg(feature = "wgpu")]
            Pending::Gpu(task) => {
                if let (Engine::Gpu(r), Ok(frame)) = (&hef.engine, bevy::tasks::block_on(task)) {
                    gpu.push((entity, HefGpuChange::new(r, &frame, hef.texture.clone(), hef.refined)));
                }
            }
        }
    }
    let mut images = world.resource_mut::<Assets<Image>>();
    for (entity, texture, result) in cpu {
        write_cpu(&mut images, &texture, result, entity);
    }
    #[cfg(feature = "wgpu")]
    for (entity, change) in gpu {
        world.entity_mut(entity).insert(change);
    }
}

/// The HEF network moved onto the GPU once (from [`HefNetwork`]'s weights).
#[cfg(feature = "wgpu")]
#[derive(Default)]
pub struct GpuNetwork(Option<(usize, Arc<HefModel<GpuBackend>>)>);

#[cfg(feature = "wgpu")]
impl GpuNetwork {
    /// The network on `gpu`, made from `cpu`'s weights the first time (`None` if they do not
    /// move: the head then runs on the CPU).
    fn get(&mut self, cpu: &Arc<HefModel<FaceBackend>>, gpu: &HefGpuDevice) -> Option<Arc<HefModel<GpuBackend>>> {
        let key = Arc::as_ptr(cpu) as usize;
        if let Some((k, net)) = &self.0
            && *k == key
        {
            return Some(net.clone());
        }
        let moved = crate::model::weights::record_bytes(&cpu.net).and_then(|bytes| {
            let label = std::path::Path::new("<HefNetwork>");
            let config = serde_json::to_string(&cpu.config).unwrap_or_default();
            HefModel::<GpuBackend>::from_bytes(&config, label, bytes, label, &gpu.0)
        });
        match moved {
            Ok(net) => {
                let net = Arc::new(net);
                self.0 = Some((key, net.clone()));
                Some(net)
            }
            Err(e) => {
                bevy::log::error!("emotalk: HEF stays on the CPU: {e}");
                None
            }
        }
    }
}
