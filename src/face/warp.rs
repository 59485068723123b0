//! The face warp as data for a GPU: one portrait's mesh with a *linear* deformation basis per
//! vertex, so that a shader moves every vertex from 52 weights and a pose with no CPU work per
//! vertex.
//!
//! Everything between the blendshape weights and the mesh is linear in the weights (the basis,
//! the fit's similarity, the harmonic [`MeshDeformer`]), except ARKit's `mouthClose`, whose
//! effective weight is `min(mouthClose, jawOpen)` ([`BlendshapeBasis::displacements`]): that one
//! clamp is applied to the weights before they reach the GPU ([`WarpRig::effective_weights`]).
//! So every vertex's displacement is `c + Σ_k w_k B_k`, precomputed here once per portrait
//! ([`N_TERMS`] vectors per vertex), and a head pose is a 3×3 matrix about a pivot.
//!
//! [`WarpRig`] also lays out what the reference renderer ([`PreparedPortrait::render`]) draws
//! after the mesh: the two eye fans and the mouth fan, in the same painter's order, and
//! [`WarpRig::face_params`] packs one face's per-frame inputs (weights, pose, the deformed mouth
//! polygon) in the layout of the shader's `FaceParams`. [`WarpRig::vertex`] is the shader's vertex
//! transform on the CPU; the tests check it against the reference renderer.

use glam::{Mat3, Vec2, Vec3};

use super::blendshapes::{BlendshapeBasis, N_BLENDSHAPES, index_of};
use super::cpu_render::{EYE_CORNERS, EyeBox, EyeFrame, HeadPose, Posing, PreparedPortrait, eye_parallax, lip_closure};
use super::deform::MeshDeformer;
use super::layout::Region;
use super::mesh::{EYE_CONTOUR, FaceMesh, VertexKind};
use super::mouth::{LipTravel, MouthShape};
use super::wrinkles;

/// Vectors per basis row: the constant term, then one per blendshape.
pub const N_TERMS: usize = N_BLENDSHAPES + 1;

/// 32-bit words in one face's [`WarpRig::face_params`] (the shader's `FaceParams`: 38 `vec4`s).
pub const FACE_PARAMS_WORDS: usize = 152;

/// Where the two eyes' [`EyeFrame`]s (`inv.x, inv.y, t.x, t.y` each) start in
/// [`WarpRig::face_params`].
pub const EYE_WORDS_AT: usize = 104;

/// Where the wrinkle activations to draw ([`wrinkles::SkinShading::draw`], four `vec4`) start in
/// [`WarpRig::face_params`].
pub const WRINKLE_WORDS_AT: usize = 88;

/// Where the portrait's own creases to relax ([`wrinkles::SkinShading::relax`], four `vec4`)
/// start in [`WarpRig::face_params`].
pub const RELAX_WORDS_AT: usize = 112;

/// Where the lips' travel ([`LipTravel`]: the upper contour's five values, then the lower's;
/// three `vec4`, the last two words unused) starts in [`WarpRig::face_params`].
pub const LIP_TRAVEL_WORDS_AT: usize = 128;

/// Where the deformed inner lip contour's edges (the slopes of its lips' smooth edges and how far
/// they are followed, three `vec4`: `MouthShape::gpu_words` in `src/face/mouth/edge.rs`, the
/// shader's `edge_word`) start in [`WarpRig::face_params`].
pub const MOUTH_EDGE_WORDS_AT: usize = 140;

/// The face-mesh position given to vertices that are not skin (the background rectangle): far
/// from every crease.
pub const NO_SKIN: Vec2 = Vec2::new(1.0e3, 1.0e3);

/// How the shader treats a vertex (the `y` of its second UV set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum WarpVertexKind {
    /// Deformed and posed; colour from the portrait at its UV.
    Face = 0,
    /// The outer ring and the portrait's rectangle: deformed (by nothing) and never posed (their
    /// rows' follow is 0), so the warp fades into the portrait.
    Fixed = 1,
    /// A vertex of the mouth fan: the fragment shader draws the mouth interior.
    Mouth = 2,
    /// A vertex of the right eye's fan: the fragment shader draws the eyeball ([`EyeFrame`]).
    RightEye = 3,
    /// A vertex of the left eye's fan.
    LeftEye = 4,
}

/// One portrait's warp mesh and deformation basis (see the module docs).
#[derive(Debug, Clone)]
pub struct WarpRig {
    /// Portrait size in pixels.
    pub size: [u32; 2],
    /// Per GPU vertex: rest position in pixels (`x`, `y` down) and rest depth (towards the viewer).
    pub rest: Vec<Vec3>,
    /// Per GPU vertex: where it samples the portrait, in 0–1 texture coordinates.
    pub uv: Vec<Vec2>,
    /// Per GPU vertex: its basis row.
    pub row: Vec<u32>,
    /// Per GPU vertex: how far its UV moves when the lips close
    /// ([`PreparedPortrait::source`] − rest, in texture coordinates; zero but for the inner lips
    /// of a mouth parted at rest); a frame moves it by [`crate::face::cpu_render::lip_closure`].
    pub uv_closed: Vec<Vec2>,
    /// Per GPU vertex: its face-mesh (mean face) position, where the wrinkle maps are placed;
    /// [`NO_SKIN`] for the portrait's background rectangle.
    pub canon: Vec<Vec2>,
    /// Per GPU vertex: how the shader treats it.
    pub kind: Vec<WarpVertexKind>,
    /// Row-major `rows × N_TERMS` displacement vectors in pixels; the `w` of each row's first
    /// (constant) term is how much it follows the head pose ([`Self::head_follow`]), the other
    /// `w`s are unused.
    pub basis: Vec<[f32; 4]>,
    /// Triangles in drawing order: the portrait's rectangle, the mesh, the eye fans, the mouth fan.
    pub indices: Vec<u32>,
    /// The portrait's inner lip contour at rest (iBUG 60–67), pixels.
    pub mouth_rest: [Vec2; 8],
    /// Tint of the procedural mouth interior.
    pub lip_colour: [f32; 3],
    /// Where the head pose rotates, pixels.
    pub pivot: Vec3,
    /// The portrait's expressiveness gain, applied to the weights before the basis.
    pub expressiveness: f32,
    /// Pixels per face-model unit (the fit's scale): the size of the procedural teeth and the
    /// reach of the uncovered sclera's shadow ([`crate::face::cpu_render::SCLERA_SHADOW`]).
    pub scale: f32,
    /// The eyes' openings at rest ([`PreparedPortrait::eye_opening`]; right, then left), pixels.
    pub eyes_rest: [[Vec2; EYE_CONTOUR]; 2],
    /// Where each eye's hidden eyeball lies in the portrait and in its atlas
    /// ([`crate::face::cpu_render::Eyeballs`], right then left), which the uncovered eye is drawn from.
    pub eyeball_boxes: [EyeBox; 2],
    /// The procedural teeth's colour ([`PreparedPortrait::tooth`]).
    pub tooth: [f32; 3],
    /// The crease activations of the portrait's own expression
    /// ([`PreparedPortrait::rest_creases`]).
    pub rest_creases: [f32; wrinkles::N_GROUPS],
    /// How much of each group's modelled highlight the portrait shows
    /// ([`PreparedPortrait::own_highlight`]).
    pub own_highlight: [f32; wrinkles::N_GROUPS],
    /// How soft the drawn creases are ([`PreparedPortrait::crease_soft`]), face-mesh units.
    pub crease_soft: f32,
    /// The inner lips' displacement at `jawOpen` 1 ([`PreparedPortrait::jaw_unit`]), pixels.
    pub jaw_unit: [Vec2; 8],
    /// The portrait's own `jawOpen` ([`crate::face::FaceFit::jaw_open`]), from which a frame's
    /// jaw is measured.
    pub own_jaw: f32,
    /// The face's down direction across the resting mouth ([`PreparedPortrait::mouth_down`]).
    pub mouth_down: Vec2,
    /// How far the neutral face's lips stand from the portrait's ([`PreparedPortrait::rest_travel`]).
    pub rest_travel: LipTravel,
}

impl WarpRig {
    /// Builds the warp of a prepared portrait under a blendshape basis.
    pub fn new(portrait: &PreparedPortrait, basis: &BlendshapeBasis) -> Self {
        let mesh = FaceMesh::get();
        let deformer = MeshDeformer::get();
        let n = mesh.n_vertices();
        let (w, h) = portrait.image().dimensions();
        let fit = portrait.fit();
        // The basis: displacement of every mesh vertex for the zero expression, then the change
        // per unit of each weight (mouthClose measured against an open jaw, where it is linear).
        let zero = [0.0f32; N_BLENDSHAPES];
        let constant = deformer.deform(&fit.displacements_px(&zero, basis));
        let (close, jaw) = (index_of("mouthClose"), index_of("jawOpen"));
        let terms: Vec<Vec<Vec3>> = (0..N_BLENDSHAPES)
            .map(|k| {
                let (mut on, mut base) = (zero, zero);
                on[k] = 1.0;
                if Some(k) == close
                    && let Some(j) = jaw
                {
                    on[j] = 1.0;
                    base[j] = 1.0;
                }
                let a = deformer.deform(&fit.displacements_px(&on, basis));
                let b = deformer.deform(&fit.displacements_px(&base, basis));
                a.iter().zip(&b).map(|(a, b)| *a - *b).collect()
            })
            .collect();
        let mut rows: Vec<[Vec3; N_TERMS]> =
            (0..n).map(|v| std::array::from_fn(|t| if t == 0 { constant[v] } else { terms[t - 1][v] })).collect();
        let rest_px: Vec<Vec3> = portrait.rest().iter().zip(portrait.depth()).map(|(p, z)| p.extend(*z)).collect();
        let size = Vec2::new(w as f32, h as f32);
        let mut rig = Self {
            size: [w, h],
            rest: rest_px.clone(),
            uv: portrait.rest().iter().map(|p| *p / size).collect(),
            uv_closed: portrait.source().iter().zip(portrait.rest()).map(|(s, r)| (*s - *r) / size).collect(),
            row: (0..n as u32).collect(),
            canon: mesh.rest.clone(),
            kind: mesh
                .kinds
                .iter()
                .map(|k| if *k == VertexKind::OuterRing { WarpVertexKind::Fixed } else { WarpVertexKind::Face })
                .collect(),
            basis: Vec::new(),
            indices: mesh.triangles.iter().flatten().copied().collect(),
            mouth_rest: std::array::from_fn(|i| portrait.rest()[60 + i]),
            lip_colour: portrait.lip_colour(),
            pivot: portrait.pivot(),
            expressiveness: portrait.expressiveness(),
            scale: fit.similarity.scale(),
            eyes_rest: [portrait.eye_opening(0), portrait.eye_opening(1)],
            eyeball_boxes: portrait.eyeballs().boxes(),
            tooth: portrait.tooth(),
            rest_creases: *portrait.rest_creases(),
            own_highlight: *portrait.own_highlight(),
            crease_soft: portrait.crease_soft(),
            jaw_unit: portrait.jaw_unit(),
            own_jaw: fit.jaw_open,
            mouth_down: portrait.mouth_down(),
            rest_travel: portrait.rest_travel(),
        };
        // Fans: a centre vertex (the mean of the contour, a basis row of its own) and one
        // triangle per contour edge, as the reference renderer draws them.
        for (contour, kind) in [
            (mesh.eye_contours[0].to_vec(), WarpVertexKind::RightEye),
            (mesh.eye_contours[1].to_vec(), WarpVertexKind::LeftEye),
            (Region::InnerLips.range().collect(), WarpVertexKind::Mouth),
        ] {
            let m = contour.len() as f32;
            let centre_row: [Vec3; N_TERMS] =
                std::array::from_fn(|t| contour.iter().map(|&v| rows[v][t]).sum::<Vec3>() / m);
            rows.push(centre_row);
            let centre_rest = contour.iter().map(|&v| rest_px[v]).sum::<Vec3>() / m;
            let centre_canon = contour.iter().map(|&v| mesh.rest[v]).sum::<Vec2>() / m;
            let centre = rig.push_vertex(centre_rest, centre_canon, size, rows.len() as u32 - 1, kind);
            // The fans need their own copies of the contour vertices (they carry the fan's kind).
            let ring: Vec<u32> =
                contour.iter().map(|&v| rig.push_vertex(rest_px[v], mesh.rest[v], size, v as u32, kind)).collect();
            for k in 0..ring.len() {
                rig.indices.extend([centre, ring[k], ring[(k + 1) % ring.len()]]);
            }
        }
        // The portrait itself behind the mesh (the reference renderer starts from the image): a
        // rectangle that never moves (a zero basis row), drawn first.
        rows.push([Vec3::ZERO; N_TERMS]);
        let zero_row = rows.len() as u32 - 1;
        let corners =
            [Vec3::ZERO, Vec3::new(size.x, 0.0, 0.0), Vec3::new(size.x, size.y, 0.0), Vec3::new(0.0, size.y, 0.0)]
                .map(|c| rig.push_vertex(c, NO_SKIN, size, zero_row, WarpVertexKind::Fixed));
        let background = [corners[0], corners[1], corners[2], corners[0], corners[2], corners[3]];
        rig.indices.splice(0..0, background);
        // The constant term's `w`: how much the row follows the head pose (the mesh's rows
        // first, then the three fan centres, on the face, then the rectangle, which never moves).
        let follow = |r: usize| match r {
            r if r < n => mesh.head[r],
            r if r + 1 < rows.len() => 1.0,
            _ => 0.0,
        };
        rig.basis = rows
            .iter()
            .enumerate()
            .flat_map(|(r, row)| {
                row.iter().enumerate().map(move |(t, v)| [v.x, v.y, v.z, if t == 0 { follow(r) } else { 0.0 }])
            })
            .collect();
        rig
    }

    fn push_vertex(&mut self, rest: Vec3, canon: Vec2, size: Vec2, row: u32, kind: WarpVertexKind) -> u32 {
        self.rest.push(rest);
        self.canon.push(canon);
        self.uv.push(rest.truncate() / size);
        self.uv_closed.push(Vec2::ZERO);
        self.row.push(row);
        self.kind.push(kind);
        self.rest.len() as u32 - 1
    }

    /// Number of basis rows.
    pub fn n_rows(&self) -> usize {
        self.basis.len() / N_TERMS
    }

    /// The weights as the GPU takes them: `mouthClose` clamped to `jawOpen` (see the module docs),
    /// every weight finite. (The portrait's expressiveness gain is applied before this, by
    /// [`Self::deformed`] and [`Self::face_params`].)
    pub fn effective_weights(weights: &[f32; N_BLENDSHAPES]) -> [f32; N_BLENDSHAPES] {
        let mut w = weights.map(|v| if v.is_finite() { v } else { 0.0 });
        if let (Some(c), Some(j)) = (index_of("mouthClose"), index_of("jawOpen")) {
            w[c] = w[c].min(w[j]);
        }
        w
    }

    /// Deformed position of basis row `row` (pixels; `z` towards the viewer), before the pose.
    pub fn deformed(&self, row: usize, weights: &[f32; N_BLENDSHAPES]) -> Vec3 {
        let w = Self::effective_weights(&weights.map(|v| v * self.expressiveness));
        let terms = &self.basis[row * N_TERMS..(row + 1) * N_TERMS];
        w.iter()
            .zip(&terms[1..])
            .fold(Vec3::from_slice(&terms[0][..3]), |acc, (w, t)| acc + Vec3::from_slice(&t[..3]) * *w)
    }

    /// What the vertex shader computes for GPU vertex `vertex`: its posed position in pixels.
    pub fn vertex(&self, vertex: usize, weights: &[f32; N_BLENDSHAPES], pose: &HeadPose) -> Vec3 {
        let row = self.row[vertex] as usize;
        let q = self.rest[vertex] + self.deformed(row, weights);
        Posing::new(pose, self.pivot).apply(q, self.head_follow(row))
    }

    /// How much basis row `row` follows the head pose ([`FaceMesh::head`]; 1 for the fans'
    /// centres, 0 for the portrait's rectangle): the `w` of the row's constant term, where the
    /// shader reads it.
    pub fn head_follow(&self, row: usize) -> f32 {
        self.basis[row * N_TERMS][3]
    }

    /// One face's per-frame shader inputs ([`FACE_PARAMS_WORDS`] words, the layout of the WGSL
    /// `FaceParams`): the effective weights (13 `vec4`), the pose matrix's three columns and the
    /// pivot (its `w`: the lips' closure) and translation (`vec4` each; the pivot already moved
    /// by the translation), and the
    /// deformed, posed inner lip contour (4 `vec4`, two points each), then the wrinkle
    /// activations to draw (4 `vec4`), the two eyes' [`EyeFrame`]s (a `vec4` each), the
    /// activations of the portrait's own creases to relax (4 `vec4`; see [`wrinkles::SkinShading`]),
    /// the lips' travel ([`Self::lip_travel`], 3 `vec4`) and the inner lip contour's smooth edges
    /// ([`MOUTH_EDGE_WORDS_AT`], 3 `vec4`).
    pub fn face_params(&self, weights: &[f32; N_BLENDSHAPES], pose: &HeadPose) -> [f32; FACE_PARAMS_WORDS] {
        let mut out = [0.0f32; FACE_PARAMS_WORDS];
        let gained = weights.map(|v| v * self.expressiveness);
        out[..N_BLENDSHAPES].copy_from_slice(&Self::effective_weights(&gained));
        let skin = wrinkles::SkinShading::new(&gained, &self.rest_creases, &self.own_highlight, self.crease_soft);
        out[WRINKLE_WORDS_AT..WRINKLE_WORDS_AT + wrinkles::N_GROUPS].copy_from_slice(&skin.draw);
        out[RELAX_WORDS_AT..RELAX_WORDS_AT + wrinkles::N_GROUPS].copy_from_slice(&skin.relax);
        let posing = Posing::new(pose, self.pivot);
        let at = |i: usize| posing.apply(self.rest[i] + self.deformed(i, weights), 1.0).truncate();
        for (e, [inner, outer]) in EYE_CORNERS.into_iter().enumerate() {
            let rest = [self.rest[inner].truncate(), self.rest[outer].truncate()];
            let parallax =
                eye_parallax(e, pose, |v| self.rest[v].truncate(), |v| posing.apply(self.rest[v], 1.0).truncate());
            let f = EyeFrame::new(e, rest, [at(inner), at(outer)], &gained).shifted(parallax);
            out[EYE_WORDS_AT + 4 * e..EYE_WORDS_AT + 4 * e + 4].copy_from_slice(&[f.inv.x, f.inv.y, f.t.x, f.t.y]);
        }
        let m: Mat3 = PreparedPortrait::pose_matrix(pose);
        for (c, col) in [m.x_axis, m.y_axis, m.z_axis].iter().enumerate() {
            out[52 + 4 * c..52 + 4 * c + 3].copy_from_slice(&col.to_array());
        }
        out[64..67].copy_from_slice(&self.pivot.to_array());
        // The pivot's `w`: how far the lips close ([`lip_closure`]), which moves the inner lips' UVs.
        out[67] = lip_closure(|i| self.rest[i].truncate(), at);
        out[68..71].copy_from_slice(&(self.pivot + pose.translation.extend(0.0)).to_array());
        let mouth: [Vec2; 8] = std::array::from_fn(|i| at(60 + i));
        for (i, p) in mouth.iter().enumerate() {
            out[72 + 2 * i..74 + 2 * i].copy_from_slice(&[p.x, p.y]);
        }
        out[MOUTH_EDGE_WORDS_AT..MOUTH_EDGE_WORDS_AT + 12].copy_from_slice(&MouthShape::new(&mouth).gpu_words());
        let travel = self.lip_travel(weights);
        out[LIP_TRAVEL_WORDS_AT..LIP_TRAVEL_WORDS_AT + 5].copy_from_slice(&travel.upper);
        out[LIP_TRAVEL_WORDS_AT + 5..LIP_TRAVEL_WORDS_AT + 10].copy_from_slice(&travel.lower);
        out
    }

    /// How far the inner lips have moved from their rest for `weights`, before the pose
    /// ([`PreparedPortrait::lip_travel`], computed from this rig's basis).
    pub fn lip_travel(&self, weights: &[f32; N_BLENDSHAPES]) -> LipTravel {
        let jaw = index_of("jawOpen").map_or(0.0, |j| {
            let w = weights[j] * self.expressiveness;
            if w.is_finite() { w } else { 0.0 }
        }) - self.own_jaw;
        LipTravel::new(|i| self.deformed(i, weights).truncate(), |i| self.jaw_unit[i - 60] * jaw, self.mouth_down)
    }

    /// The basis as little-endian bytes for a storage buffer of `vec4<f32>`.
    pub fn basis_bytes(&self) -> Vec<u8> {
        self.basis.iter().flatten().flat_map(|v| v.to_le_bytes()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::npc;

    fn rig() -> (PreparedPortrait, WarpRig, &'static BlendshapeBasis) {
        let basis = BlendshapeBasis::default_basis();
        let npc = npc::generate(3, 256);
        let portrait = PreparedPortrait::new(npc.image.clone(), &npc.rig, basis).unwrap();
        let warp = WarpRig::new(&portrait, basis);
        (portrait, warp, basis)
    }

    /// The linear basis reproduces the reference renderer's vertices, with and without a pose,
    /// including `mouthClose` above and below `jawOpen`.
    #[test]
    fn linear_basis_matches_reference_vertices() {
        let (portrait, warp, basis) = rig();
        let n = FaceMesh::get().n_vertices();
        let mut w = [0.0f32; N_BLENDSHAPES];
        for (k, v) in w.iter_mut().enumerate() {
            *v = ((k * 37 % 11) as f32) / 12.0;
        }
        w[index_of("mouthClose").unwrap()] = 0.9;
        w[index_of("jawOpen").unwrap()] = 0.4;
        for pose in [
            HeadPose::default(),
            HeadPose { yaw: 12.0, pitch: -6.0, roll: 4.0, translation: Vec2::new(3.0, -2.0), scale: 1.05 },
        ] {
            let reference = portrait.deformed_vertices_3d(&w, &pose, basis);
            for (v, r) in reference.iter().enumerate().take(n) {
                let g = warp.vertex(v, &w, &pose);
                assert!(g.distance(*r) < 2e-3, "vertex {v}: {g} vs {r}");
            }
        }
    }

    #[test]
    fn fans_follow_their_contours() {
        let (_, warp, _) = rig();
        let mesh = FaceMesh::get();
        let n = mesh.n_vertices();
        // Per eye a centre and its contour's copies, the mouth centre and 8 copies, 4 portrait
        // corners.
        let eye = 1 + EYE_CONTOUR;
        assert_eq!(warp.rest.len(), n + 2 * eye + 9 + 4);
        assert_eq!(warp.n_rows(), n + 4);
        let w = [0.3f32; N_BLENDSHAPES];
        let pose = HeadPose { yaw: 8.0, ..Default::default() };
        // The mouth centre is the mean of the deformed inner lip contour.
        let centre = warp.vertex(n + 2 * eye, &w, &pose);
        let mean = (60..68).map(|v| warp.vertex(v, &w, &pose)).sum::<Vec3>() / 8.0;
        assert!(centre.distance(mean) < 1e-3);
        // Fan copies move with their contour vertex but carry the fan's kind.
        for (first, contour, kind) in [
            (n + 1, mesh.eye_contours[0].to_vec(), WarpVertexKind::RightEye),
            (n + 1 + eye, mesh.eye_contours[1].to_vec(), WarpVertexKind::LeftEye),
            (n + 1 + 2 * eye, (60..68).collect(), WarpVertexKind::Mouth),
        ] {
            assert_eq!(warp.kind[first - 1], kind, "the centre");
            for (i, v) in contour.into_iter().enumerate() {
                assert_eq!(warp.kind[first + i], kind);
                assert!(warp.vertex(first + i, &w, &pose).distance(warp.vertex(v, &w, &pose)) < 1e-4);
            }
        }
        // face_params carries the same deformed mouth.
        let p = warp.face_params(&w, &pose);
        for i in 0..8 {
            let q = warp.vertex(60 + i, &w, &pose);
            assert!((p[72 + 2 * i] - q.x).abs() < 1e-3 && (p[73 + 2 * i] - q.y).abs() < 1e-3);
        }
        assert_eq!(warp.indices.len() % 3, 0);
        assert!(warp.indices.iter().all(|&i| (i as usize) < warp.rest.len()));
    }

    /// The GPU gets the eye frames the CPU renderer draws with, a head pose's parallax
    /// included ([`crate::face::cpu_render::eye_parallax`]).
    #[test]
    fn eye_frames_match_the_reference() {
        let (portrait, warp, basis) = rig();
        let mut w = [0.0f32; N_BLENDSHAPES];
        w[index_of("eyeWideLeft").unwrap()] = 0.7;
        w[index_of("eyeLookUpRight").unwrap()] = 0.4;
        for pose in [
            HeadPose::default(),
            HeadPose { yaw: 25.0, pitch: -6.0, roll: 4.0, translation: Vec2::new(3.0, -2.0), scale: 1.05 },
        ] {
            let q = portrait.deformed_vertices(&w, &pose, basis);
            let p = warp.face_params(&w, &pose);
            for e in 0..2 {
                let f = portrait.eye_frame(
                    e,
                    &q,
                    &crate::face::cpu_render::with_gain(&w, portrait.expressiveness()),
                    &pose,
                );
                let g = &p[EYE_WORDS_AT + 4 * e..EYE_WORDS_AT + 4 * e + 4];
                let d = (f.inv - Vec2::new(g[0], g[1])).length() + (f.t - Vec2::new(g[2], g[3])).length();
                assert!(d < 2e-3, "{pose:?} eye {e}: {f:?} vs {g:?}");
            }
            // The pose's parallax is in both (the corners alone miss the eye under the turn).
            if pose != HeadPose::default() {
                let [inner, outer] = EYE_CORNERS[0];
                let corners =
                    EyeFrame::new(0, [portrait.rest()[inner], portrait.rest()[outer]], [q[inner], q[outer]], &w);
                assert!((corners.t - Vec2::new(p[EYE_WORDS_AT + 2], p[EYE_WORDS_AT + 3])).length() > 0.3);
            }
        }
    }

    /// The GPU gets the lips' travel the CPU renderer computes, before the pose: a nod does not
    /// change how much of the teeth shows, and the jaw's part of the lower lip's drop is taken out.
    #[test]
    fn lip_travel_matches_the_reference_and_ignores_the_pose() {
        let (portrait, warp, basis) = rig();
        let mut w = [0.0f32; N_BLENDSHAPES];
        w[index_of("mouthUpperUpLeft").unwrap()] = 0.8;
        w[index_of("mouthUpperUpRight").unwrap()] = 0.8;
        w[index_of("jawOpen").unwrap()] = 0.5;
        // mouthClose beyond the jaw is clamped to it, by the CPU's basis and the GPU's weights alike.
        w[index_of("mouthClose").unwrap()] = 0.7;
        let reference = portrait.lip_travel(&crate::face::cpu_render::with_gain(&w, portrait.expressiveness()), basis);
        let gpu = warp.lip_travel(&w);
        for (a, b) in reference.upper.iter().chain(&reference.lower).zip(gpu.upper.iter().chain(&gpu.lower)) {
            assert!((a - b).abs() < 1e-3, "{reference:?} vs {gpu:?}");
        }
        // The raised upper lip's middle has travelled up; the jaw leaves the lower lip where it
        // holds it (a dropped jaw uncovers none of the lower teeth).
        assert!(reference.upper[2] < -0.5, "{reference:?}");
        let mut open = w;
        open[index_of("mouthClose").unwrap()] = 0.0;
        let mut shut = open;
        shut[index_of("jawOpen").unwrap()] = 0.0;
        let (open, shut) = (warp.lip_travel(&open), warp.lip_travel(&shut));
        for (a, b) in open.lower.iter().zip(&shut.lower) {
            assert!((a - b).abs() < 1e-3, "{open:?} vs {shut:?}");
        }
        // Lips closed over the open jaw (mouthClose) bring the lower lip up over its teeth.
        assert!(gpu.lower[2] < open.lower[2] - 1.0, "{gpu:?} vs {open:?}");
        let pose = HeadPose { pitch: 10.0, translation: Vec2::new(0.0, 6.0), ..Default::default() };
        let p = warp.face_params(&w, &pose);
        let words = &p[LIP_TRAVEL_WORDS_AT..LIP_TRAVEL_WORDS_AT + 10];
        for (a, b) in words.iter().zip(gpu.upper.iter().chain(&gpu.lower)) {
            assert!((a - b).abs() < 1e-6, "{words:?} vs {gpu:?}");
        }
        // The deformed contour's smooth edges (the shader's `edge_word`) are its `MouthShape`'s.
        let mouth: Vec<Vec2> = (0..8).map(|i| Vec2::new(p[72 + 2 * i], p[73 + 2 * i])).collect();
        let edges = crate::face::mouth::MouthShape::new(&mouth).gpu_words();
        assert_eq!(&p[MOUTH_EDGE_WORDS_AT..MOUTH_EDGE_WORDS_AT + 12], &edges[..]);
        assert!(edges[10] > 0.0 && edges[..10].iter().any(|m| *m != 0.0), "{edges:?}");
        // The lower lip pulled down beyond the jaw (AU16) travels down.
        w[index_of("mouthClose").unwrap()] = 0.0;
        w[index_of("mouthLowerDownLeft").unwrap()] = 1.0;
        w[index_of("mouthLowerDownRight").unwrap()] = 1.0;
        assert!(warp.lip_travel(&w).lower[2] > 1.0, "{:?}", warp.lip_travel(&w));
    }

    #[test]
    fn effective_weights_clamp_mouth_close_and_non_finite() {
        let mut w = [0.0f32; N_BLENDSHAPES];
        w[index_of("mouthClose").unwrap()] = 0.8;
        w[index_of("jawOpen").unwrap()] = 0.3;
        w[0] = f32::NAN;
        let e = WarpRig::effective_weights(&w);
        assert_eq!(e[index_of("mouthClose").unwrap()], 0.3);
        assert_eq!(e[0], 0.0);
    }
}
