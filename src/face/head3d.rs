//! A procedural 3D face with the face model's 52 blendshapes as morph targets, and its glTF
//! binary (`.glb`) writer: the head `assets/heads/emotalk_head.glb` ships as, and what a 3D
//! character driven by [`crate::morph`] looks like when a game has none of its own.
//!
//! Geometry: the crate's face mesh ([`FaceMesh`]: the 68 landmarks, the support vertices inside
//! the face and on the forehead, and the two rings around the head), at the mean face's
//! positions, the support vertices' depth harmonically interpolated from the landmarks'
//! ([`MeshDeformer`]) and the rings curving back behind the jaw: a mask-like head, open at
//! the back.
//! Each morph target is one blendshape of the default basis, taken to every vertex the same way
//! the portrait renderer does. The eyes and the mouth opening are holes, as in the face mesh.
//! Units are metres (the mean face's inter-ocular distance, [`IOD_MM`], is 90 mm), `+y` up, the
//! face looking down `+z` (glTF's conventions).

use glam::Vec3;
use serde_json::json;

use super::blendshapes::BlendshapeBasis;
use super::deform::MeshDeformer;
use super::mean::{IOD_MM, mean_face};
use super::mesh::{FaceMesh, VertexKind};

/// A triangle mesh with named morph targets (position offsets).
#[derive(Debug, Clone, PartialEq)]
pub struct MorphMesh {
    /// Vertex positions, metres.
    pub positions: Vec<[f32; 3]>,
    /// Unit vertex normals of the rest pose.
    pub normals: Vec<[f32; 3]>,
    /// Linear RGBA vertex colours.
    pub colors: Vec<[f32; 4]>,
    /// Counter-clockwise triangles (seen from the front).
    pub indices: Vec<u32>,
    /// `(name, per-vertex position offset)` per morph target.
    pub targets: Vec<(String, Vec<[f32; 3]>)>,
}

/// Depth of the ring around the face (IOD units; the jaw's corners lie at −0.44).
const INNER_RING_DEPTH: f32 = -0.6;
/// Depth and shrink of the outer ring: the back of the head's outline.
const OUTER_RING_DEPTH: f32 = -1.2;
const OUTER_RING_SCALE: f32 = 0.8;

const SKIN: [f32; 4] = [0.80, 0.55, 0.42, 1.0];
const LIPS: [f32; 4] = [0.62, 0.25, 0.22, 1.0];
const BROWS: [f32; 4] = [0.25, 0.16, 0.10, 1.0];

/// Normalised face-model frame (`y` down, IOD units) to glTF metres (`y` up).
fn to_gltf(p: Vec3) -> [f32; 3] {
    let s = IOD_MM / 1000.0;
    [p.x * s, -p.y * s, p.z * s]
}

/// The procedural head of `basis` (see the module docs).
pub fn procedural_head(basis: &BlendshapeBasis) -> MorphMesh {
    let mesh = FaceMesh::get();
    let deformer = MeshDeformer::get();
    // Depth: the landmarks' own, interpolated to the support vertices; the rings around the
    // face curve back behind the jaw (the sides and top of the head).
    let depth = deformer.deform(&mean_face().map(|p| Vec3::new(0.0, 0.0, p.z)));
    let positions: Vec<[f32; 3]> = (0..mesh.n_vertices())
        .map(|i| {
            to_gltf(match mesh.kinds[i] {
                VertexKind::InnerRing => mesh.rest[i].extend(INNER_RING_DEPTH),
                VertexKind::OuterRing => (mesh.rest[i] * OUTER_RING_SCALE).extend(OUTER_RING_DEPTH),
                _ => mesh.rest[i].extend(depth[i].z),
            })
        })
        .collect();
    // The face mesh's triangles wind in image coordinates (`y` down): flipping `y` reverses
    // them, so swap two corners to face `+z`.
    let indices: Vec<u32> = mesh.triangles.iter().flat_map(|t| [t[0], t[2], t[1]]).collect();
    let colors = mesh
        .kinds
        .iter()
        .map(|kind| match kind {
            VertexKind::Landmark(i) if (48..68).contains(i) => LIPS,
            VertexKind::Landmark(i) if (17..27).contains(i) => BROWS,
            _ => SKIN,
        })
        .collect();
    let targets = basis
        .shapes
        .iter()
        .map(|shape| {
            let offsets = deformer.deform(&shape.displacements).into_iter().map(to_gltf).collect();
            (shape.name.to_string(), offsets)
        })
        .collect();
    let normals = vertex_normals(&positions, &indices);
    MorphMesh { positions, normals, colors, indices, targets }
}

/// The default basis's head, as shipped.
pub fn default_head() -> MorphMesh {
    procedural_head(BlendshapeBasis::default_basis())
}

/// Area-weighted vertex normals.
fn vertex_normals(positions: &[[f32; 3]], indices: &[u32]) -> Vec<[f32; 3]> {
    let p = |i: u32| Vec3::from(positions[i as usize]);
    let mut n = vec![Vec3::ZERO; positions.len()];
    for t in indices.chunks_exact(3) {
        let face = (p(t[1]) - p(t[0])).cross(p(t[2]) - p(t[0]));
        for &v in t {
            n[v as usize] += face;
        }
    }
    n.iter().map(|v| v.try_normalize().unwrap_or(Vec3::Z).to_array()).collect()
}

/// The mesh as a glTF 2.0 binary (`.glb`): one node, one mesh, one primitive with `POSITION`,
/// `NORMAL`, `COLOR_0`, indices, and one `POSITION` morph target per entry of
/// [`MorphMesh::targets`], named in the mesh's `extras.targetNames` (the convention Blender,
/// three.js and Bevy read).
pub fn to_glb(mesh: &MorphMesh, name: &str) -> Vec<u8> {
    let mut bin: Vec<u8> = Vec::new();
    let mut views = Vec::new();
    let mut accessors = Vec::new();
    let mut push_vec3 = |bin: &mut Vec<u8>, values: &[[f32; 3]], with_bounds: bool| -> usize {
        let offset = bin.len();
        for v in values {
            for c in v {
                bin.extend(c.to_le_bytes());
            }
        }
        views.push(json!({ "buffer": 0, "byteOffset": offset, "byteLength": bin.len() - offset, "target": 34962 }));
        let mut accessor = json!({
            "bufferView": views.len() - 1, "componentType": 5126, "count": values.len(), "type": "VEC3"
        });
        if with_bounds {
            let (mut lo, mut hi) = ([f32::MAX; 3], [f32::MIN; 3]);
            for v in values {
                for k in 0..3 {
                    lo[k] = lo[k].min(v[k]);
                    hi[k] = hi[k].max(v[k]);
                }
            }
            accessor["min"] = json!(lo);
            accessor["max"] = json!(hi);
        }
        accessors.push(accessor);
        accessors.len() - 1
    };
    let position = push_vec3(&mut bin, &mesh.positions, true);
    let normal = push_vec3(&mut bin, &mesh.normals, false);
    let targets: Vec<usize> = mesh.targets.iter().map(|(_, t)| push_vec3(&mut bin, t, true)).collect();
    let color_offset = bin.len();
    for c in &mesh.colors {
        for v in c {
            bin.extend(v.to_le_bytes());
        }
    }
    views.push(
        json!({ "buffer": 0, "byteOffset": color_offset, "byteLength": bin.len() - color_offset, "target": 34962 }),
    );
    accessors.push(
        json!({ "bufferView": views.len() - 1, "componentType": 5126, "count": mesh.colors.len(), "type": "VEC4" }),
    );
    let color = accessors.len() - 1;
    let index_offset = bin.len();
    for i in &mesh.indices {
        bin.extend(i.to_le_bytes());
    }
    views.push(
        json!({ "buffer": 0, "byteOffset": index_offset, "byteLength": bin.len() - index_offset, "target": 34963 }),
    );
    accessors.push(
        json!({ "bufferView": views.len() - 1, "componentType": 5125, "count": mesh.indices.len(), "type": "SCALAR" }),
    );
    let indices = accessors.len() - 1;
    let names: Vec<&str> = mesh.targets.iter().map(|(n, _)| n.as_str()).collect();
    let document = json!({
        "asset": { "version": "2.0", "generator": "emotalk face::head3d" },
        "scene": 0,
        "scenes": [{ "nodes": [0] }],
        "nodes": [{ "name": name, "mesh": 0 }],
        "materials": [{
            "name": "skin",
            "pbrMetallicRoughness": { "baseColorFactor": [1.0, 1.0, 1.0, 1.0], "metallicFactor": 0.0, "roughnessFactor": 0.6 },
            "doubleSided": true
        }],
        "meshes": [{
            "name": name,
            "primitives": [{
                "attributes": { "POSITION": position, "NORMAL": normal, "COLOR_0": color },
                "indices": indices,
                "material": 0,
                "targets": targets.iter().map(|t| json!({ "POSITION": t })).collect::<Vec<_>>()
            }],
            "weights": vec![0.0; targets.len()],
            "extras": { "targetNames": names }
        }],
        "buffers": [{ "byteLength": bin.len() }],
        "bufferViews": views,
        "accessors": accessors
    });
    let mut text = serde_json::to_vec(&document).expect("a JSON value serialises");
    while text.len() % 4 != 0 {
        text.push(b' ');
    }
    while bin.len() % 4 != 0 {
        bin.push(0);
    }
    let total = 12 + 8 + text.len() + 8 + bin.len();
    let mut out = Vec::with_capacity(total);
    out.extend(b"glTF");
    out.extend(2u32.to_le_bytes());
    out.extend((total as u32).to_le_bytes());
    out.extend((text.len() as u32).to_le_bytes());
    out.extend(b"JSON");
    out.extend(text);
    out.extend((bin.len() as u32).to_le_bytes());
    out.extend(b"BIN\0");
    out.extend(bin);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::blendshapes::{N_BLENDSHAPES, NAMES};

    #[test]
    fn the_head_faces_forward_and_its_targets_move_what_they_name() {
        let head = default_head();
        assert_eq!(head.targets.len(), N_BLENDSHAPES);
        assert!(head.positions.len() > 68 && head.indices.len() % 3 == 0);
        // Normals of the rest face point mostly to the viewer (+z).
        let forward = head.normals.iter().filter(|n| n[2] > 0.3).count();
        assert!(forward * 10 > head.normals.len() * 8, "{forward} of {}", head.normals.len());
        // jawOpen moves the chin (landmark 8, vertex 8) down; the forehead stays.
        let jaw = &head.targets[NAMES.iter().position(|n| *n == "jawOpen").unwrap()].1;
        assert!(jaw[8][1] < -0.005, "{:?}", jaw[8]);
        assert!(jaw[27][1].abs() < 1e-4, "{:?}", jaw[27]);
    }

    #[test]
    fn the_glb_has_a_valid_header_and_names_every_target() {
        let glb = to_glb(&default_head(), "emotalk_head");
        assert_eq!(&glb[0..4], b"glTF");
        assert_eq!(u32::from_le_bytes(glb[8..12].try_into().unwrap()) as usize, glb.len());
        let json_len = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
        let doc: serde_json::Value = serde_json::from_slice(&glb[20..20 + json_len]).unwrap();
        let names = doc["meshes"][0]["extras"]["targetNames"].as_array().unwrap();
        assert_eq!(names.len(), 52);
        assert_eq!(names[0], NAMES[0]);
        assert_eq!(doc["meshes"][0]["primitives"][0]["targets"].as_array().unwrap().len(), 52);
    }
}
