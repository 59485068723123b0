//! HEF on Bevy's own GPU device (feature `wgpu`): burn's wgpu backend is initialised from the
//! render world's instance, adapter, device and queue (STACK.md's bridge), HEF heads run their
//! network there, and HEF's change is copied from burn's buffer into the head's refinement
//! texture by the GPU (`copy_buffer_to_texture` on Bevy's queue): nothing is read back.
//!
//! Per frame, the CPU still makes the network's inputs (the warp of the face crop at the
//! network's size, its geometry image and flow: [`HefRefiner::frame`], on the async pool); the
//! network, its output and the texture stay on the GPU.

use bevy::asset::{AssetId, Handle};
use bevy::ecs::prelude::*;
use bevy::image::Image;
use bevy::render::render_asset::RenderAssets;
use bevy::render::render_resource::{
    CommandEncoderDescriptor, Extent3d, Origin3d, TexelCopyBufferInfo, TexelCopyBufferLayout, TexelCopyTextureInfo,
    TextureAspect, TextureFormat,
};
use bevy::render::renderer::{RenderAdapter, RenderAdapterInfo, RenderDevice, RenderInstance, RenderQueue};
use bevy::render::texture::GpuImage;
use bevy::render::{Extract, MainWorld};
use burn::backend::wgpu::{CubeTensor, RuntimeOptions, WgpuDevice, WgpuRuntime, WgpuSetup, init_device};
use burn::tensor::Tensor;

use crate::model::hef::refine::HefRefiner;

/// The burn backend HEF heads run on when this feature is on: burn's wgpu backend (no fusion),
/// on Bevy's device ([`HefGpuDevice`]).
pub type GpuBackend = burn::backend::Wgpu;

/// burn's handle to Bevy's render device (in the main and the render world once the renderer
/// has started).
#[derive(Resource, Clone, Debug)]
pub struct HefGpuDevice(pub WgpuDevice);

/// Render world, extract schedule: initialises burn on Bevy's device once, and hands the
/// device to the main world.
#[allow(clippy::too_many_arguments)]
pub fn init_device_once(
    mut commands: Commands,
    mut main: ResMut<MainWorld>,
    mut done: Local<bool>,
    instance: Res<RenderInstance>,
    adapter: Res<RenderAdapter>,
    device: Res<RenderDevice>,
    queue: Res<RenderQueue>,
    info: Res<RenderAdapterInfo>,
) {
    if *done {
        return;
    }
    *done = true;
    let setup = WgpuSetup {
        instance: (**instance.0).clone(),
        adapter: (**adapter.0).clone(),
        device: device.wgpu_device().clone(),
        queue: (**queue.0).clone(),
        backend: info.backend,
    };
    let burn = HefGpuDevice(init_device(setup, RuntimeOptions::default()));
    main.insert_resource(burn.clone());
    commands.insert_resource(burn);
}

/// HEF's refinement for one head, on the GPU, as `[size, size, 4]` (its frame and mask), to be
/// copied into `texture`; `generation` counts the refinements made for the head.
#[derive(Component, Clone)]
pub struct HefGpuChange {
    /// The change.
    pub tensor: Tensor<GpuBackend, 3>,
    /// The head's refinement texture (`Rgba32Float`).
    pub texture: Handle<Image>,
    /// Changes made so far for the head.
    pub generation: u64,
}

impl HefGpuChange {
    /// The change of `refiner` for `frame`, laid out for the texture.
    pub fn new(
        refiner: &HefRefiner<GpuBackend>,
        frame: &crate::model::hef::frame::HefFrame,
        texture: Handle<Image>,
        generation: u64,
    ) -> Self {
        // [1, 4, n, n] -> [n, n, 4] (made contiguous before the copy).
        let tensor = refiner.refine_tensor(frame).squeeze_dim::<3>(0).permute([1, 2, 0]);
        Self { tensor, texture, generation }
    }
}

/// The changes to copy this frame (render world).
#[derive(Resource, Default)]
pub struct HefGpuCopies {
    pending: Vec<(AssetId<Image>, Tensor<GpuBackend, 3>, u64)>,
    copied: std::collections::HashMap<AssetId<Image>, u64>,
}

/// Render world, extract schedule: the heads' newest changes.
pub fn extract_changes(mut copies: ResMut<HefGpuCopies>, changes: Extract<Query<&HefGpuChange>>) {
    let copies = &mut *copies;
    copies.pending.clear();
    // Forget the textures of heads gone or back to the warp.
    let live: std::collections::HashSet<AssetId<Image>> = changes.iter().map(|c| c.texture.id()).collect();
    copies.copied.retain(|id, _| live.contains(id));
    for c in &changes {
        let id = c.texture.id();
        if copies.copied.get(&id) != Some(&c.generation) {
            copies.pending.push((id, c.tensor.clone(), c.generation));
        }
    }
}

/// Render world, after the textures are prepared: copies each new change from burn's buffer
/// into its texture on Bevy's queue.
pub fn copy_changes(
    device: Res<RenderDevice>,
    queue: Res<RenderQueue>,
    images: Res<RenderAssets<GpuImage>>,
    mut copies: ResMut<HefGpuCopies>,
) {
    let copies = &mut *copies;
    for (id, tensor, generation) in copies.pending.drain(..) {
        let Some(gpu) = images.get(id) else { continue };
        let [h, w, c] = tensor.dims();
        let size = gpu.texture_descriptor.size;
        let bytes_per_row = (w * 16) as u32;
        if c != 4
            || gpu.texture_descriptor.format != TextureFormat::Rgba32Float
            || (size.width, size.height) != (w as u32, h as u32)
            || bytes_per_row % 256 != 0
        {
            bevy::log::warn_once!(
                "emotalk: HEF's change ({h}x{w}x{c}) does not fit its texture; the head stays warped"
            );
            continue;
        }
        // burn's buffer, contiguous; kept alive until the copy is submitted.
        let prim: CubeTensor<WgpuRuntime> = burn_cubecl::kernel::into_contiguous(tensor.into_primitive().tensor());
        let Ok(managed) = prim.client.get_resource(prim.handle.clone()) else { continue };
        let _ = prim.client.flush();
        let resource = managed.resource();
        if resource.offset % 16 != 0 {
            bevy::log::warn_once!("emotalk: HEF's buffer is misaligned for a texture copy; the head stays warped");
            continue;
        }
        let mut encoder =
            device.create_command_encoder(&CommandEncoderDescriptor { label: Some("emotalk HEF change") });
        encoder.copy_buffer_to_texture(
            TexelCopyBufferInfo {
                buffer: &resource.buffer,
                layout: TexelCopyBufferLayout {
                    offset: resource.offset,
                    bytes_per_row: Some(bytes_per_row),
                    rows_per_image: Some(h as u32),
                },
            },
            TexelCopyTextureInfo {
                texture: &gpu.texture,
                mip_level: 0,
                origin: Origin3d::ZERO,
                aspect: TextureAspect::All,
            },
            Extent3d { width: w as u32, height: h as u32, depth_or_array_layers: 1 },
        );
        queue.submit([encoder.finish()]);
        drop(managed);
        drop(prim);
        copies.copied.insert(id, generation);
    }
}
