//! Offline rendering through the plugin's GPU path, with no window and no display: what
//! `emotalk render` and the golden-image tests use.
//!
//! An [`OfflineRenderer`] owns a Bevy app (default plugins without winit, rendering on whatever
//! adapter wgpu finds: a GPU, or lavapipe's software Vulkan), a 2D camera rendering into an
//! image the size of the portrait at one pixel per portrait pixel, and one [`TalkingHead`] the
//! caller drives through its [`FaceState`] ([`ManualFace`]). Each [`OfflineRenderer::render`]
//! runs app updates until the GPU readback of a frame rendered with the requested state arrives.

use std::sync::{Arc, Mutex};

use bevy::app::{App, PluginsState};
use bevy::asset::{Assets, Handle};
use bevy::camera::{Camera, Camera2d, Camera3d, OrthographicProjection, Projection, RenderTarget, ScalingMode};
use bevy::core_pipeline::tonemapping::{DebandDither, Tonemapping};
use bevy::ecs::prelude::*;
use bevy::image::Image;
use bevy::prelude::{ClearColor, Color, DefaultPlugins, PluginGroup, Transform, WindowPlugin};
use bevy::render::gpu_readback::{Readback, ReadbackComplete};
use bevy::render::render_resource::{TextureFormat, TextureUsages};
use bevy::render::view::Msaa;
use bevy::window::ExitCondition;

use super::EmoTalkPlugin;
use crate::face::blendshapes::N_BLENDSHAPES;
use crate::face::cpu_render::HeadPose;
use crate::render::hef::{FaceRenderer, HefHead, HefNetwork, finish_hef};
use crate::talk::{FaceState, FaceSurface, ManualFace, Portrait, TalkingHead};

/// Why offline rendering failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OfflineRenderError {
    /// No frame came back from the GPU (no adapter, or a shader failed to build).
    #[error(
        "no frame came back from the GPU after {0} updates (is a Vulkan driver installed? on a machine without a GPU, install mesa-vulkan-drivers for lavapipe)"
    )]
    NoFrame(usize),
}

/// Updates to wait for one frame before giving up (pipeline compilation on lavapipe takes a few).
const MAX_UPDATES_PER_FRAME: usize = 2000;

type Frames = Arc<Mutex<Vec<(u64, Vec<u8>)>>>;

/// A Bevy app that renders one portrait offline (see the module docs).
pub struct OfflineRenderer {
    app: App,
    head: Entity,
    size: (u32, u32),
    /// Readbacks received: (the update that rendered them, bytes).
    frames: Frames,
    /// Updates run so far.
    updates: u64,
    /// The first update whose render shows the current state.
    state_from: u64,
}

/// Which update the next readback belongs to (one readback per rendered update, in order).
#[derive(Resource, Default)]
struct UpdateCounter {
    rendered: u64,
}

impl OfflineRenderer {
    /// A renderer for `portrait` drawn as a 2D mesh ([`FaceSurface::Mesh2d`]).
    pub fn new(portrait: Portrait) -> Self {
        Self::with_surface(portrait, FaceSurface::Mesh2d)
    }

    /// A renderer for `portrait` drawn on `surface`: a 2D mesh under a 2D camera, or a card in
    /// a 3D scene under an orthographic 3D camera framing it at one pixel per portrait pixel.
    pub fn with_surface(portrait: Portrait, surface: FaceSurface) -> Self {
        let (w, h) = portrait.prepared.image().dimensions();
        let mut app = App::new();
        app.add_plugins(
            DefaultPlugins
                .set(WindowPlugin {
                    primary_window: None,
                    exit_condition: ExitCondition::DontExit,
                    ..Default::default()
                })
                .disable::<bevy::winit::WinitPlugin>()
                .disable::<bevy::render::pipelined_rendering::PipelinedRenderingPlugin>(),
        )
        .add_plugins(EmoTalkPlugin::headless())
        .insert_resource(ClearColor(Color::BLACK))
        .init_resource::<UpdateCounter>();
        while app.plugins_state() == PluginsState::Adding {
            bevy::tasks::tick_global_task_pools_on_main_thread();
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        app.finish();
        app.cleanup();
        let world = app.world_mut();
        let mut target = Image::new_target_texture(w, h, TextureFormat::Rgba8UnormSrgb, None);
        target.texture_descriptor.usage |= TextureUsages::COPY_SRC;
        let target: Handle<Image> = world.resource_mut::<Assets<Image>>().add(target);
        let portrait = world.resource_mut::<Assets<Portrait>>().add(portrait);
        let camera = (
            Camera { order: 0, ..Default::default() },
            RenderTarget::Image(target.clone().into()),
            Tonemapping::None,
            DebandDither::Disabled,
            Msaa::Off,
        );
        let head = match surface {
            FaceSurface::Mesh3d => {
                let projection = OrthographicProjection {
                    scaling_mode: ScalingMode::Fixed { width: w as f32, height: h as f32 },
                    ..OrthographicProjection::default_3d()
                };
                world.spawn((
                    Camera3d::default(),
                    camera,
                    Projection::Orthographic(projection),
                    Transform::from_xyz(0.0, 0.0, 1000.0).looking_at(bevy::math::Vec3::ZERO, bevy::math::Vec3::Y),
                ));
                TalkingHead::card_3d(portrait)
            }
            _ => {
                world.spawn((Camera2d, camera));
                TalkingHead::new(portrait)
            }
        };
        let head = world.spawn((head, ManualFace, Transform::default())).id();
        let frames: Frames = Arc::default();
        let sink = frames.clone();
        world.spawn(Readback::texture(target)).observe(
            move |event: On<ReadbackComplete>, mut counter: ResMut<UpdateCounter>| {
                counter.rendered += 1;
                if let Ok(mut frames) = sink.lock() {
                    frames.push((counter.rendered, event.data.clone()));
                }
            },
        );
        Self { app, head, size: (w, h), frames, updates: 0, state_from: 0 }
    }

    /// The head entity.
    pub fn head(&self) -> Entity {
        self.head
    }

    /// Whether the adapter wgpu found is a hardware GPU (not a software rasteriser such as
    /// lavapipe or WARP): what `--renderer auto` decides HEF by. `false` when none was found.
    pub fn hardware_gpu(&self) -> bool {
        self.app
            .world()
            .get_resource::<bevy::render::renderer::RenderAdapterInfo>()
            // wgpu's `DeviceType`, which Bevy does not re-export, by its name.
            .is_some_and(|info| !matches!(format!("{:?}", info.0.device_type).as_str(), "Cpu" | "Other"))
    }

    /// The app (to add entities or inspect the world).
    pub fn app_mut(&mut self) -> &mut App {
        &mut self.app
    }

    /// Renders the portrait with these weights and pose.
    pub fn render(
        &mut self,
        weights: &[f32; N_BLENDSHAPES],
        pose: &HeadPose,
    ) -> Result<image::RgbaImage, OfflineRenderError> {
        let state = FaceState { weights: *weights, pose: *pose };
        self.app.world_mut().entity_mut(self.head).insert(state);
        if self.app.world().get::<FaceRenderer>(self.head) == Some(&FaceRenderer::Hef) {
            self.refine_now();
        }
        // Readbacks count rendered updates from 1; the next update renders this state.
        self.state_from = self.updates + 1;
        for _ in 0..MAX_UPDATES_PER_FRAME {
            self.app.update();
            self.updates += 1;
            let found = {
                let mut frames = self.frames.lock().unwrap_or_else(|e| e.into_inner());
                let hit = frames.iter().position(|(n, _)| *n >= self.state_from).map(|i| frames.swap_remove(i).1);
                frames.retain(|(n, _)| *n >= self.state_from);
                hit
            };
            if let Some(bytes) = found {
                // A frame with the new state: but the pipeline may not have been ready in the
                // first rendered updates (nothing drawn yet): wait until the face is drawn.
                if bytes.chunks(4).any(|p| p[..3] != [0, 0, 0]) {
                    return Ok(self.to_image(&bytes));
                }
            }
        }
        Err(OfflineRenderError::NoFrame(MAX_UPDATES_PER_FRAME))
    }

    /// Draws the head with `renderer` from the next frame on (HEF's weights: [`HefNetwork`],
    /// inserted into [`app_mut`](Self::app_mut)'s world to choose others).
    pub fn set_renderer(&mut self, renderer: FaceRenderer) {
        self.app.world_mut().entity_mut(self.head).insert(renderer);
    }

    /// For a HEF head: waits until it is set up, then makes its refinement texture hold the
    /// refinement of the state just set, so that the next frame rendered shows exactly it (a
    /// game's frames show the latest one finished instead).
    fn refine_now(&mut self) {
        for _ in 0..MAX_UPDATES_PER_FRAME {
            if self.app.world().get::<HefHead>(self.head).is_some() {
                break;
            }
            if self.app.world().get_resource::<HefNetwork>().is_some_and(|n| n.0.is_none()) {
                return;
            }
            self.app.update();
            self.updates += 1;
        }
        // The refinement in flight is of an older state; the update after it starts this one's.
        finish_hef(self.app.world_mut());
        self.app.update();
        self.updates += 1;
        finish_hef(self.app.world_mut());
    }

    fn to_image(&self, bytes: &[u8]) -> image::RgbaImage {
        let (w, h) = self.size;
        // Rows are padded to 256 bytes in GPU copies.
        let stride = bytes.len() / h as usize;
        let mut out = Vec::with_capacity((w * h * 4) as usize);
        for row in 0..h as usize {
            out.extend_from_slice(&bytes[row * stride..row * stride + w as usize * 4]);
        }
        image::RgbaImage::from_raw(w, h, out).unwrap_or_else(|| image::RgbaImage::new(w, h))
    }
}
