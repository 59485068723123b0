//! GPU face rendering (feature `bevy`): the reference CPU renderer's warp ([`crate::face::cpu_render`])
//! as a material on a mesh, drawn as a 2D mesh or a card in a 3D scene.
//!
//! Per portrait, once: its warp mesh (rest positions, UVs, basis row and kind per vertex,
//! [`WarpRig`]), its linear deformation basis in a storage buffer, its image and its low-passed
//! skin as textures
//! (sRGB bytes kept as plain unorm so the bilinear filter mixes what the CPU renderer mixes).
//! Per face, per frame: one 512-byte row of [`FaceTable`] (weights, pose, the deformed inner lip
//! contour, the wrinkle activations to draw and to relax), chosen in the shader by the entity's [`MeshTag`]. Faces that share a portrait share
//! the mesh and material, so Bevy draws them as instances of one batch; nothing per face touches
//! an image on the CPU. The shader: `src/render/face.wgsl`, which imports the mouth opening's
//! geometry and procedural interior (cavity, tongue, the rows of teeth) from
//! `src/render/mouth.wgsl` (`emotalk::mouth`) and the wrinkle maps (the crease table's binding
//! with them) from `src/render/wrinkles.wgsl` (`emotalk::wrinkles`).

use std::collections::HashMap;

use bevy::app::{App, Plugin, Update};
use bevy::asset::{Asset, AssetApp, AssetEvent, AssetId, Assets, Handle, RenderAssetUsages, embedded_asset};
use bevy::ecs::prelude::*;
use bevy::image::{Image, ImageSampler, ImageSamplerDescriptor};
use bevy::math::Vec4;
use bevy::mesh::{Indices, Mesh, Mesh2d, Mesh3d, MeshTag, MeshVertexBufferLayoutRef, PrimitiveTopology};
use bevy::pbr::{Material, MaterialPipeline, MaterialPipelineKey, MaterialPlugin, MeshMaterial3d};
use bevy::reflect::TypePath;
use bevy::render::render_resource::{
    AsBindGroup, Extent3d, RenderPipelineDescriptor, ShaderType, SpecializedMeshPipelineError, TextureDimension,
    TextureFormat,
};
use bevy::render::storage::ShaderBuffer;
use bevy::shader::ShaderRef;
use bevy::sprite_render::{AlphaMode2d, Material2d, Material2dKey, Material2dPlugin, MeshMaterial2d};

pub mod hef;
#[cfg(feature = "wgpu")]
pub mod hef_gpu;

pub use hef::{FaceRenderer, HefDevice, HefNetwork};

use crate::face::warp::{FACE_PARAMS_WORDS, WarpRig};
use crate::face::wrinkles::Creases;
use crate::talk::{EmoTalkSystems, FaceState, FaceSurface, Portrait, TalkingHead, ensure_core};

/// Where the embedded shader lives.
const SHADER: &str = "embedded://emotalk/render/face.wgsl";

/// Rows the face table starts with (it doubles when more faces appear).
const INITIAL_FACES: usize = 64;

/// The face material: one portrait (texture, warp basis, mouth at rest) and the shared table of
/// per-face parameters. Implements both [`Material2d`] and [`Material`] (3D).
#[derive(Asset, TypePath, AsBindGroup, Clone, Debug)]
pub struct FaceMaterial {
    /// Portrait constants.
    #[uniform(0)]
    pub portrait: PortraitUniform,
    /// The portrait image (`Rgba8Unorm` holding sRGB bytes).
    #[texture(1)]
    #[sampler(2)]
    pub texture: Handle<Image>,
    /// The warp basis (`vec4` per basis row and term).
    #[storage(3, read_only)]
    pub basis: Handle<ShaderBuffer>,
    /// The per-face parameter table ([`FaceTable`]).
    #[storage(4, read_only)]
    pub faces: Handle<ShaderBuffer>,
    /// The wrinkle creases ([`crate::face::wrinkles::Creases::gpu_words`]).
    #[storage(5, read_only)]
    pub creases: Handle<ShaderBuffer>,
    /// The portrait's low-passed skin, which its own creases relax towards
    /// ([`crate::face::wrinkles::smooth_skin`]; same format as `texture`).
    #[texture(6)]
    #[sampler(7)]
    pub smooth: Handle<Image>,
    /// HEF's change to the warp over the face crop (`Rgba32Float` at the network's size, read
    /// texel by texel); `None` (and `portrait.hef.w` 0) for a head drawn by the warp alone
    /// ([`hef`]).
    #[texture(8, sample_type = "float", filterable = false)]
    pub refinement: Option<Handle<Image>>,
    /// The eyeballs the lids hide, both eyes side by side
    /// ([`crate::face::cpu_render::Eyeballs::atlas`]; same format as `texture`).
    #[texture(9)]
    #[sampler(10)]
    pub eyeball: Handle<Image>,
}

/// Portrait constants of [`FaceMaterial`] (the shader's `PortraitUniform`).
#[derive(ShaderType, Clone, Debug)]
pub struct PortraitUniform {
    /// Width and height in pixels; `z`: how soft the drawn creases are, face-mesh units
    /// ([`crate::face::PreparedPortrait::crease_soft`]); `w`: atlas pixels per portrait pixel in
    /// the eyeball atlas ([`crate::face::cpu_render::Eyeballs::scale`]).
    pub size: Vec4,
    /// Lip colour; `w`: pixels per face-model unit (the procedural teeth's size, the reach of the
    /// uncovered sclera's shadow, [`crate::face::cpu_render::SCLERA_SHADOW`]).
    pub lip: Vec4,
    /// The inner lip contour at rest, two points per vector.
    pub mouth_rest: [Vec4; 4],
    /// The eyes' openings at rest (right then left,
    /// [`EYE_CONTOUR`](crate::face::mesh::EYE_CONTOUR) points each), two points per vector.
    pub eyes_rest: [Vec4; crate::face::mesh::EYE_CONTOUR],
    /// Where each eye's hidden eyeball lies in the portrait (right, then left): the box's
    /// top-left corner (`xy`, pixels) and size (`zw`, portrait pixels)
    /// ([`crate::face::cpu_render::EyeBox`]).
    pub eyeball_box: [Vec4; 2],
    /// Where each box's top-left corner lies in the eyeball atlas: right eye `xy`, left `zw`.
    pub eyeball_at: Vec4,
    /// A HEF head's face crop: its origin (`xy`, portrait pixels), side (`z`) and the network's
    /// size (`w`; 0 for a head drawn by the warp alone).
    pub hef: Vec4,
    /// The procedural teeth's colour (`w` unused; [`crate::face::PreparedPortrait::tooth`]).
    pub teeth: Vec4,
    /// How far the neutral face's lips stand from the portrait's
    /// ([`crate::face::PreparedPortrait::rest_travel`]: the upper contour's five values, then the
    /// lower's; the last two words unused).
    pub rest_travel: [Vec4; 3],
    /// The inner lip contour at rest's smooth edges (the shader's `edge_word`: the lips' slopes
    /// and how far they are followed, [`crate::face::warp::MOUTH_EDGE_WORDS_AT`]'s layout).
    pub mouth_rest_edges: [Vec4; 3],
    /// How much of each crease group's modelled highlight the portrait shows, four per vector
    /// ([`crate::face::PreparedPortrait::own_highlight`]): the share a relaxed expression takes back.
    pub own_highlight: [Vec4; 4],
}

// The shader's crease activations, relaxed groups and highlight shares are four `vec4`s.
const _: () = assert!(crate::face::wrinkles::N_GROUPS == 16);

/// Twelve words as the shader's three `vec4`s.
fn vec4s(words: &[f32; 12]) -> [Vec4; 3] {
    std::array::from_fn(|i| Vec4::from_slice(&words[4 * i..4 * i + 4]))
}

fn vertex_layout(
    descriptor: &mut RenderPipelineDescriptor,
    layout: &MeshVertexBufferLayoutRef,
) -> Result<(), SpecializedMeshPipelineError> {
    let vertex_layout = layout.0.get_layout(&[
        Mesh::ATTRIBUTE_POSITION.at_shader_location(0),
        Mesh::ATTRIBUTE_UV_0.at_shader_location(1),
        Mesh::ATTRIBUTE_UV_1.at_shader_location(2),
        Mesh::ATTRIBUTE_COLOR.at_shader_location(3),
    ])?;
    descriptor.vertex.buffers = vec![vertex_layout];
    // The mesh is drawn in painter's order and may be seen from behind in 3D.
    descriptor.primitive.cull_mode = None;
    Ok(())
}

impl Material2d for FaceMaterial {
    fn vertex_shader() -> ShaderRef {
        SHADER.into()
    }

    fn fragment_shader() -> ShaderRef {
        SHADER.into()
    }

    fn alpha_mode(&self) -> AlphaMode2d {
        // Blending (with opaque output) keeps the mesh's painter's order: later triangles (the
        // eye and mouth fans) cover earlier ones, as in the reference renderer.
        AlphaMode2d::Blend
    }

    fn specialize(
        descriptor: &mut RenderPipelineDescriptor,
        layout: &MeshVertexBufferLayoutRef,
        _key: Material2dKey<Self>,
    ) -> Result<(), SpecializedMeshPipelineError> {
        vertex_layout(descriptor, layout)
    }
}

impl Material for FaceMaterial {
    fn vertex_shader() -> ShaderRef {
        SHADER.into()
    }

    fn fragment_shader() -> ShaderRef {
        SHADER.into()
    }

    fn alpha_mode(&self) -> bevy::material::AlphaMode {
        bevy::material::AlphaMode::Blend
    }

    fn enable_prepass() -> bool {
        false
    }

    fn enable_shadows() -> bool {
        false
    }

    fn specialize(
        _pipeline: &MaterialPipeline,
        descriptor: &mut RenderPipelineDescriptor,
        layout: &MeshVertexBufferLayoutRef,
        _key: MaterialPipelineKey<Self>,
    ) -> Result<(), SpecializedMeshPipelineError> {
        vertex_layout(descriptor, layout)?;
        descriptor.vertex.shader_defs.push("FACE_3D".into());
        if let Some(fragment) = descriptor.fragment.as_mut() {
            fragment.shader_defs.push("FACE_3D".into());
        }
        Ok(())
    }
}

/// The per-face parameter table shared by every [`FaceMaterial`].
#[derive(Resource)]
pub struct FaceTable {
    /// The storage buffer.
    pub buffer: Handle<ShaderBuffer>,
    capacity: usize,
    words: Vec<f32>,
}

/// GPU assets made once per portrait.
#[derive(Resource, Default)]
pub struct PortraitGpu {
    entries: HashMap<AssetId<Portrait>, (Handle<Mesh>, Handle<FaceMaterial>)>,
}

/// Marks a head whose mesh and material are attached (for this portrait).
#[derive(Component)]
pub struct FaceDrawn(AssetId<Portrait>);

/// The render part: adds the face material (2D and 3D), its shader and the systems that feed it
/// (needs Bevy's `RenderPlugin`, added before it).
#[derive(Debug, Clone, Copy, Default)]
pub struct FaceRenderPlugin;

impl Plugin for FaceRenderPlugin {
    fn build(&self, app: &mut App) {
        if !app.is_plugin_added::<bevy::render::RenderPlugin>() {
            bevy::log::warn!(
                "emotalk: FaceRenderPlugin left out: Bevy's RenderPlugin is missing (add it after DefaultPlugins, or use EmoTalkPlugin, which waits for them)"
            );
            return;
        }
        ensure_core(app);
        bevy::shader::load_shader_library!(app, "mouth.wgsl");
        bevy::shader::load_shader_library!(app, "wrinkles.wgsl");
        embedded_asset!(app, "face.wgsl");
        app.add_plugins((Material2dPlugin::<FaceMaterial>::default(), MaterialPlugin::<FaceMaterial>::default()))
            .init_asset::<ShaderBuffer>()
            .init_resource::<PortraitGpu>()
            .add_systems(
                Update,
                (attach_faces, hef::attach_hef, upload_faces, hef::refine_hef).chain().in_set(EmoTalkSystems::Render),
            );
        #[cfg(feature = "wgpu")]
        if let Some(render_app) = app.get_sub_app_mut(bevy::render::RenderApp) {
            use bevy::render::{ExtractSchedule, Render, RenderSystems};
            render_app
                .init_resource::<hef_gpu::HefGpuCopies>()
                .add_systems(ExtractSchedule, (hef_gpu::init_device_once, hef_gpu::extract_changes))
                .add_systems(
                    Render,
                    hef_gpu::copy_changes.in_set(RenderSystems::PrepareResources).after(RenderSystems::PrepareAssets),
                );
        }
        let buffer = app
            .world_mut()
            .resource_mut::<Assets<ShaderBuffer>>()
            .add(ShaderBuffer::new(&vec![0u8; INITIAL_FACES * FACE_PARAMS_WORDS * 4], RenderAssetUsages::default()));
        app.insert_resource(FaceTable { buffer, capacity: INITIAL_FACES, words: Vec::new() });
    }
}

/// The warp mesh of a portrait: positions in the quad's local frame (centred, `y` up, pixels;
/// the shader returns to portrait pixels), UVs, (basis row, kind) in the second UV set, and the
/// face-mesh position (where the wrinkle maps are placed) in the `xy` of the colour attribute and
/// the UV's move when the lips close ([`WarpRig::uv_closed`]) in its `zw`.
pub fn warp_mesh(warp: &WarpRig) -> Mesh {
    let [w, h] = warp.size.map(|v| v as f32);
    let positions: Vec<[f32; 3]> = warp.rest.iter().map(|p| [p.x - 0.5 * w, 0.5 * h - p.y, p.z]).collect();
    let uvs: Vec<[f32; 2]> = warp.uv.iter().map(|u| u.to_array()).collect();
    let row_kind: Vec<[f32; 2]> = warp.row.iter().zip(&warp.kind).map(|(r, k)| [*r as f32, *k as u32 as f32]).collect();
    let canon: Vec<[f32; 4]> = warp.canon.iter().zip(&warp.uv_closed).map(|(c, u)| [c.x, c.y, u.x, u.y]).collect();
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::RENDER_WORLD)
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, uvs)
        .with_inserted_attribute(Mesh::ATTRIBUTE_UV_1, row_kind)
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, canon)
        .with_inserted_indices(Indices::U32(warp.indices.clone()))
}

/// The portrait's image as a texture holding its sRGB bytes as plain unorm values, sampled
/// bilinearly with clamped edges (the reference renderer's sampling).
pub fn portrait_texture(image: &image::RgbaImage) -> Image {
    let mut texture = Image::new(
        Extent3d { width: image.width(), height: image.height(), depth_or_array_layers: 1 },
        TextureDimension::D2,
        image.as_raw().clone(),
        TextureFormat::Rgba8Unorm,
        RenderAssetUsages::RENDER_WORLD,
    );
    texture.sampler = ImageSampler::Descriptor(ImageSamplerDescriptor::linear());
    texture
}

/// Attaches mesh and material to heads whose portrait has loaded (and again after a portrait
/// is reloaded).
#[allow(clippy::too_many_arguments)]
pub fn attach_faces(
    mut commands: Commands,
    mut gpu: ResMut<PortraitGpu>,
    table: Res<FaceTable>,
    portraits: Res<Assets<Portrait>>,
    mut events: MessageReader<AssetEvent<Portrait>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut images: ResMut<Assets<Image>>,
    mut buffers: ResMut<Assets<ShaderBuffer>>,
    mut materials: ResMut<Assets<FaceMaterial>>,
    heads: Query<(Entity, &TalkingHead, Option<&FaceDrawn>)>,
) {
    for event in events.read() {
        if let AssetEvent::Modified { id } = event {
            gpu.entries.remove(id);
            for (entity, _, drawn) in &heads {
                if drawn.is_some_and(|d| d.0 == *id) {
                    commands.entity(entity).remove::<FaceDrawn>();
                }
            }
        }
    }
    for (entity, head, drawn) in &heads {
        let id = head.portrait.id();
        if drawn.is_some_and(|d| d.0 == id) || head.surface == FaceSurface::None {
            continue;
        }
        let Some(portrait) = portraits.get(id) else { continue };
        let (mesh, material) = gpu
            .entries
            .entry(id)
            .or_insert_with(|| {
                let warp = &portrait.warp;
                let mouth: [Vec4; 4] = std::array::from_fn(|i| {
                    let (a, b) = (warp.mouth_rest[2 * i], warp.mouth_rest[2 * i + 1]);
                    Vec4::new(a.x, a.y, b.x, b.y)
                });
                let [r, g, b] = warp.lip_colour;
                let material = FaceMaterial {
                    portrait: PortraitUniform {
                        size: Vec4::new(
                            warp.size[0] as f32,
                            warp.size[1] as f32,
                            warp.crease_soft,
                            // Both boxes share the atlas's scale (`Eyeballs::scale`).
                            warp.eyeball_boxes[0].scale,
                        ),
                        lip: Vec4::new(r, g, b, warp.scale),
                        mouth_rest: mouth,
                        eyes_rest: {
                            let points: Vec<_> = warp.eyes_rest.iter().flatten().copied().collect();
                            std::array::from_fn(|i| {
                                Vec4::new(points[2 * i].x, points[2 * i].y, points[2 * i + 1].x, points[2 * i + 1].y)
                            })
                        },
                        eyeball_box: warp.eyeball_boxes.map(|b| b.origin.extend(b.size.x).extend(b.size.y)),
                        eyeball_at: {
                            let [r, l] = warp.eyeball_boxes.map(|b| b.at);
                            Vec4::new(r.x, r.y, l.x, l.y)
                        },
                        hef: Vec4::ZERO,
                        teeth: Vec4::new(warp.tooth[0], warp.tooth[1], warp.tooth[2], 0.0),
                        rest_travel: {
                            let mut words = [0.0f32; 12];
                            words[..5].copy_from_slice(&warp.rest_travel.upper);
                            words[5..10].copy_from_slice(&warp.rest_travel.lower);
                            vec4s(&words)
                        },
                        mouth_rest_edges: vec4s(&crate::face::mouth::MouthShape::new(&warp.mouth_rest).gpu_words()),
                        own_highlight: std::array::from_fn(|i| Vec4::from_slice(&warp.own_highlight[4 * i..4 * i + 4])),
                    },
                    texture: images.add(portrait_texture(portrait.prepared.image())),
                    smooth: images.add(portrait_texture(portrait.prepared.smooth_skin())),
                    eyeball: images.add(portrait_texture(portrait.prepared.eyeballs().atlas())),
                    basis: buffers.add(ShaderBuffer::new(&warp.basis_bytes(), RenderAssetUsages::RENDER_WORLD)),
                    faces: table.buffer.clone(),
                    creases: buffers.add(ShaderBuffer::new(
                        &Creases::get().gpu_words().iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>(),
                        RenderAssetUsages::RENDER_WORLD,
                    )),
                    refinement: None,
                };
                (meshes.add(warp_mesh(warp)), materials.add(material))
            })
            .clone();
        let mut e = commands.entity(entity);
        e.insert(FaceDrawn(id));
        match head.surface {
            FaceSurface::Mesh2d => {
                e.insert((Mesh2d(mesh), MeshMaterial2d(material)));
            }
            FaceSurface::Mesh3d => {
                e.insert((Mesh3d(mesh), MeshMaterial3d(material)));
            }
            FaceSurface::None => {}
        }
    }
}

/// Packs every drawn face's [`FaceState`] into the face table and tags its mesh with its row.
pub fn upload_faces(
    mut commands: Commands,
    mut table: ResMut<FaceTable>,
    mut buffers: ResMut<Assets<ShaderBuffer>>,
    mut materials: ResMut<Assets<FaceMaterial>>,
    portraits: Res<Assets<Portrait>>,
    heads: Query<(Entity, &TalkingHead, &FaceState, Option<&MeshTag>), With<FaceDrawn>>,
) {
    let table = &mut *table;
    table.words.clear();
    let mut row = 0u32;
    for (entity, head, state, tag) in &heads {
        let Some(portrait) = portraits.get(&head.portrait) else { continue };
        let weights = state.weights.map(|w| w * head.gain());
        table.words.extend_from_slice(&portrait.warp.face_params(&weights, &state.pose));
        if tag.is_none_or(|t| t.0 != row) {
            commands.entity(entity).insert(MeshTag(row));
        }
        row += 1;
    }
    let rows = row as usize;
    if rows > table.capacity {
        table.capacity = rows.next_power_of_two();
        // The buffer is replaced on the GPU: bind it again in every material.
        let ids: Vec<_> = materials.ids().collect();
        for id in ids {
            materials.get_mut(id);
        }
    }
    table.words.resize(table.capacity * FACE_PARAMS_WORDS, 0.0);
    if rows > 0
        && let Some(mut buffer) = buffers.get_mut(&table.buffer)
    {
        buffer.data = Some(table.words.iter().flat_map(|v| v.to_le_bytes()).collect());
    }
}

#[cfg(test)]
mod tests {
    /// The shader repeats a few of the library's constants; they must stay equal.
    #[test]
    fn shader_constants_match_the_library() {
        let wgsl = [include_str!("face.wgsl"), include_str!("mouth.wgsl"), include_str!("wrinkles.wgsl")].concat();
        let reach = format!("const RELAX_REACH: f32 = {};", crate::face::wrinkles::RELAX_REACH);
        assert!(wgsl.contains(&reach), "the shaders lack `{reach}`");
        let eye = format!("const EYE_CONTOUR: u32 = {}u;", crate::face::mesh::EYE_CONTOUR);
        assert!(wgsl.contains(&eye), "the shaders lack `{eye}`");
        for (name, v) in [
            ("SEAM_OPENING", crate::face::mouth::SEAM_OPENING),
            ("SEAM_SHADE", crate::face::mouth::SEAM_SHADE),
            ("SEAM_WIDTH", crate::face::mouth::SEAM_WIDTH),
            ("SEAM_SOFTNESS", crate::face::mouth::SEAM_SOFTNESS),
            ("THIN_OWN_OPENING", crate::face::mouth::THIN_OWN_OPENING),
            ("LOWER_TEETH_SHADE", crate::face::mouth::LOWER_TEETH_SHADE),
            ("LIP_SHADOW_SHADE", crate::face::mouth::LIP_SHADOW_SHADE),
            ("LIP_SHADOW", crate::face::mouth::LIP_SHADOW),
            ("INCISAL_SHADE", crate::face::mouth::INCISAL_SHADE),
            ("CORNER_SHADE", crate::face::mouth::CORNER_SHADE),
            ("UPPER_TEETH_AT_REST", crate::face::mouth::UPPER_TEETH_AT_REST),
            ("UPPER_TEETH", crate::face::mouth::UPPER_TEETH),
            ("LOWER_TEETH_AT_REST", crate::face::mouth::LOWER_TEETH_AT_REST),
            ("LOWER_TEETH", crate::face::mouth::LOWER_TEETH),
            ("TEETH_MIN_OPENING", crate::face::mouth::TEETH_MIN_OPENING),
            ("TOOTH_GAP", crate::face::mouth::TOOTH_GAP),
            ("TOOTH_NOTCH", crate::face::mouth::TOOTH_NOTCH),
            ("TOOTH_NOTCH_DEPTH", crate::face::mouth::TOOTH_NOTCH_DEPTH),
            ("TOOTH_GAP_SHADE", crate::face::mouth::TOOTH_GAP_SHADE),
            ("TOOTH_ROUNDNESS", crate::face::mouth::TOOTH_ROUNDNESS),
            ("FAN_MARGIN", crate::face::mouth::FAN_MARGIN),
            ("FAN_GROWTH", crate::face::mouth::FAN_GROWTH),
            ("LID_FRINGE", crate::face::cpu_render::LID_FRINGE),
            ("EYEBALL_STILL", crate::face::cpu_render::EYEBALL_STILL),
            ("EYEBALL_SLIDE", crate::face::cpu_render::EYEBALL_SLIDE),
            ("SCLERA_SHADE", crate::face::cpu_render::SCLERA_SHADE),
            ("SCLERA_SHADOW", crate::face::cpu_render::SCLERA_SHADOW),
            ("LIT_GAIN", crate::face::wrinkles::LIT_GAIN),
        ] {
            let line = format!("const {name}: f32 = {v:?};");
            assert!(wgsl.contains(&line), "the shaders lack `{line}`");
        }
        let [r, g, b] = crate::face::wrinkles::SHADOW_TINT;
        let tint = format!("const SHADOW_TINT: vec3<f32> = vec3<f32>({r:?}, {g:?}, {b:?});");
        assert!(wgsl.contains(&tint), "the shaders lack `{tint}`");
        let feather = format!("const HEF_FEATHER: f32 = {:?};", crate::model::hef::refine::FEATHER);
        assert!(wgsl.contains(&feather), "the shaders lack `{feather}`");
        // The shader's rows are six long, the lower one padded with zeros; each is drawn to its
        // own length (`tooth_shade`'s `count` in `procedural_mouth`).
        for (name, row) in [
            ("UPPER_TOOTH_EDGES", &crate::face::mouth::UPPER_TOOTH_EDGES[..]),
            ("LOWER_TOOTH_EDGES", &crate::face::mouth::LOWER_TOOTH_EDGES[..]),
        ] {
            let mut values: Vec<String> = row.iter().map(|e| format!("{e:?}")).collect();
            values.resize(6, "0.0".into());
            let line = format!("const {name}: array<f32, 6> = array<f32, 6>({});", values.join(", "));
            assert!(wgsl.contains(&line), "the shaders lack `{line}`");
            let drawn = format!("tooth_shade({name}, {}u,", row.len());
            assert!(wgsl.contains(&drawn), "the shaders lack `{drawn}`");
        }
        let terms = format!("const N_TERMS: u32 = {}u;", crate::face::warp::N_TERMS);
        assert!(wgsl.contains(&terms), "the shaders lack `{terms}`");
    }
}
