// The face warp of emotalk's reference CPU renderer (src/face/cpu_render/) on the GPU.
//
// Vertex stage: every vertex of a portrait's warp mesh moves by `c + Σ_k w_k B_k` (its rows of the
// portrait's linear basis, see src/face/warp.rs), then the head pose rotates it about the neck,
// each vertex by its share (the face fully, the neck less, the outer ring not at all). One draw can hold many faces of the same portrait: each instance
// reads its own `FaceParams` row, chosen by the entity's `MeshTag`.
// Fragment stage: the portrait at the vertex's rest UV (bilinear, as the CPU renderer samples),
// shaded by the wrinkle maps (src/face/wrinkles/mod.rs; src/render/wrinkles.wgsl, `emotalk::wrinkles`) on the skin, except inside the mouth fan, where the portrait's own mouth interior stays where
// the skull and the jaw hold it (a painted seam attached to each lip) and a procedural interior (cavity, tongue, teeth) fills what the lips open
// beyond it or move off (the mouth's geometry and procedural interior: src/render/mouth.wgsl, `emotalk::mouth`).
// The portrait texture holds the sRGB bytes as plain unorm values so that bilinear filtering
// mixes the same numbers the CPU renderer mixes; the result is converted to linear at the end
// for the sRGB render target.

#ifdef FACE_3D
#import bevy_pbr::{mesh_functions, view_transformations::position_world_to_clip}
#else
#import bevy_sprite::mesh2d_functions
#endif
#import emotalk::mouth::{
    MouthFrame, SEAM_OPENING, SEAM_SHADE, SEAM_SOFTNESS, SEAM_WIDTH, THIN_OWN_OPENING, UPPER_TEETH, along_of,
    band_cover, frame_height, grown_fan_point, in_mouth_polygon, lip_beyond_at, mouth_frame, opening_cover, point_of,
    procedural_mouth, ray_crosses, travel_at,
}
#import emotalk::wrinkles::{SHADOW_TINT, creased, relaxed, segment_distance, wrinkle_relax, wrinkle_shade}

const N_TERMS: u32 = 53u;

// Points round an eye's contour (`face::mesh::EYE_CONTOUR`; a test checks they agree).
const EYE_CONTOUR: u32 = 18u;
// src/face/cpu_render/eyes.rs: the lids' fringe inside the eyeball's rest opening (pixels), how
// far the eyeball slides and leaves it, and how much further before it leaves the fringe in full
// (pixels), the uncovered sclera's shade under the lid, and how far under the lid it reaches it
// (face-model units).
const LID_FRINGE: f32 = 1.5;
const EYEBALL_STILL: f32 = 0.5;
const EYEBALL_SLIDE: f32 = 1.0;
const SCLERA_SHADE: f32 = 0.96;
const SCLERA_SHADOW: f32 = 0.03;

struct PortraitUniform {
    // x, y: portrait size in pixels; z: how soft the drawn creases are (face-mesh units,
    // src/face/wrinkles/mod.rs `crease_softness`); w: atlas pixels per portrait pixel in
    // `eyeball_texture` (src/face/cpu_render/eyeball/mod.rs `Eyeballs::scale`).
    size: vec4<f32>,
    // rgb: lip colour (0-1 of the sRGB bytes); w: pixels per face-model unit (the teeth's size,
    // the reach of the uncovered sclera's shadow).
    lip: vec4<f32>,
    // The portrait's inner lip contour at rest (iBUG 60-67), two points per vec4.
    mouth_rest: array<vec4<f32>, 4>,
    // The eyes' openings at rest (the contours round 36-41 and 42-47, lid vertices between the
    // landmarks, EYE_CONTOUR points each, shrunk to 0.82 towards the landmarks' centre and along
    // the upper lid at least EYE_INSET inside it: `PreparedPortrait::eye_opening`), two points
    // per vec4.
    eyes_rest: array<vec4<f32>, EYE_CONTOUR>,
    // Where each eye's hidden eyeball lies in the portrait: its box's top-left corner (xy, pixels)
    // and size (zw, portrait pixels) (src/face/cpu_render/eyeball/mod.rs `EyeBox`).
    eyeball_box: array<vec4<f32>, 2>,
    // Where each box's top-left corner lies in `eyeball_texture`: the right eye's (xy), the left's (zw).
    eyeball_at: vec4<f32>,
    // A HEF head's face crop: origin (xy, portrait pixels), side (z), the network's size (w; 0
    // for a head drawn by the warp alone).
    hef: vec4<f32>,
    // rgb: the procedural teeth's colour (src/face/colours.rs `teeth_colour`: the portrait's own
    // teeth where it shows them, else its eyes' sclera, a little yellower, no darker than the
    // skin's brightest channel, `TEETH_FLOOR`).
    teeth: vec4<f32>,
    // How far the neutral face's lips stand from the portrait's (`PreparedPortrait::rest_travel`,
    // a `LipTravel`'s ten values as `lip_travel`'s).
    rest_travel: array<vec4<f32>, 3>,
    // The rest contour's smooth edges (src/render/mouth.wgsl `edge_word`).
    mouth_rest_edges: array<vec4<f32>, 3>,
    // How much of each crease group's modelled highlight the portrait shows, 16 of them
    // (src/face/wrinkles/highlight.rs `own_highlight`).
    own_highlight: array<vec4<f32>, 4>,
};

struct FaceParams {
    weights: array<vec4<f32>, 13>,
    // Pose rotation (times scale), column by column.
    rot_x: vec4<f32>,
    rot_y: vec4<f32>,
    rot_z: vec4<f32>,
    pivot: vec4<f32>,
    // pivot + translation
    moved_pivot: vec4<f32>,
    // The deformed, posed inner lip contour, two points per vec4.
    mouth: array<vec4<f32>, 4>,
    // Wrinkle group activations (src/face/wrinkles/mod.rs `activations`), 16 of them.
    creases: array<vec4<f32>, 4>,
    // Each eye's `EyeFrame` (src/face/cpu_render/eyes.rs): (inv.xy, t.xy); rest point = inv * p + t.
    eyes: array<vec4<f32>, 2>,
    // Activations of the portrait's own creases to relax (`SkinShading::relax`), 16 of them.
    relax: array<vec4<f32>, 4>,
    // The lips' travel before the pose (src/face/mouth/teeth.rs `LipTravel`): the upper inner lip's
    // five values (right corner to left), then the lower's net of the jaw; two words unused.
    lip_travel: array<vec4<f32>, 3>,
    // The deformed contour's smooth edges (src/render/mouth.wgsl `edge_word`).
    mouth_edges: array<vec4<f32>, 3>,
};

@group(#{MATERIAL_BIND_GROUP}) @binding(0) var<uniform> portrait: PortraitUniform;
@group(#{MATERIAL_BIND_GROUP}) @binding(1) var portrait_texture: texture_2d<f32>;
@group(#{MATERIAL_BIND_GROUP}) @binding(2) var portrait_sampler: sampler;
@group(#{MATERIAL_BIND_GROUP}) @binding(3) var<storage, read> basis: array<vec4<f32>>;
@group(#{MATERIAL_BIND_GROUP}) @binding(4) var<storage, read> faces: array<FaceParams>;
// Binding 5, the crease segments, is declared by `emotalk::wrinkles`, which alone reads it.
// The portrait's low-passed skin (src/face/wrinkles/smooth.rs `smooth_skin`; alpha: how much is skin).
@group(#{MATERIAL_BIND_GROUP}) @binding(6) var smooth_texture: texture_2d<f32>;
@group(#{MATERIAL_BIND_GROUP}) @binding(7) var smooth_sampler: sampler;
// HEF's frame of the face crop (rgb) and where it replaces the warp (a)
// (src/model/hef/refine.rs `Refinement`).
@group(#{MATERIAL_BIND_GROUP}) @binding(8) var hef_texture: texture_2d<f32>;
// The eyeballs the lids hide, both eyes side by side (src/face/cpu_render/eyeball/mod.rs `Eyeballs`).
@group(#{MATERIAL_BIND_GROUP}) @binding(9) var eyeball_texture: texture_2d<f32>;
@group(#{MATERIAL_BIND_GROUP}) @binding(10) var eyeball_sampler: sampler;

// src/model/hef/refine.rs `FEATHER`.
const HEF_FEATHER: f32 = 4.0;

// HEF's refinement at a frame point, as `Refinement::apply` reads it: bilinear in the crop's
// pixels, its mask faded out over the crop's last HEF_FEATHER pixels; a zero mask for a warp
// head.
fn hef_refinement(px: vec2<f32>) -> vec4<f32> {
    let n = portrait.hef.w;
    if n < 0.5 {
        return vec4<f32>(0.0);
    }
    let u = (px - portrait.hef.xy) * (n / portrait.hef.z);
    let a = clamp(min(min(u.x, u.y), min(n - u.x, n - u.y)) / HEF_FEATHER, 0.0, 1.0);
    if a <= 0.0 {
        return vec4<f32>(0.0);
    }
    let q = clamp(u - vec2<f32>(0.5), vec2<f32>(0.0), vec2<f32>(n - 1.0));
    let i0 = vec2<i32>(floor(q));
    let i1 = min(i0 + vec2<i32>(1), vec2<i32>(i32(n) - 1));
    let f = q - floor(q);
    let top = mix(textureLoad(hef_texture, i0, 0), textureLoad(hef_texture, vec2<i32>(i1.x, i0.y), 0), f.x);
    let bottom = mix(textureLoad(hef_texture, vec2<i32>(i0.x, i1.y), 0), textureLoad(hef_texture, i1, 0), f.x);
    let r = mix(top, bottom, f.y);
    return vec4<f32>(clamp(r.rgb, vec3<f32>(0.0), vec3<f32>(1.0)), clamp(r.a, 0.0, 1.0) * a);
}

struct Vertex {
    @builtin(instance_index) instance_index: u32,
    // Rest position in the quad's local frame (centred, y up, pixels) and rest depth.
    @location(0) position: vec3<f32>,
    @location(1) uv: vec2<f32>,
    // x: basis row; y: kind (0 face, 1 fixed outer ring, 2 mouth fan, 3 right eye fan, 4 left eye fan).
    @location(2) row_kind: vec2<f32>,
    // xy: the face-mesh (mean face) position, where the wrinkle maps are placed; zw: how far the
    // UV moves when the lips close (src/face/warp.rs `uv_closed`).
    @location(3) canon: vec4<f32>,
};

struct FaceVertexOutput {
    @builtin(position) position: vec4<f32>,
    @location(0) uv: vec2<f32>,
    // Posed position in portrait pixels (the mouth interior is computed there).
    @location(1) px: vec2<f32>,
    @location(2) kind: f32,
    @location(3) @interpolate(flat) face: u32,
    @location(4) canon: vec2<f32>,
};

fn weight(f: u32, k: u32) -> f32 {
    return faces[f].weights[k / 4u][k % 4u];
}

@vertex
fn vertex(v: Vertex) -> FaceVertexOutput {
#ifdef FACE_3D
    let face = mesh_functions::get_tag(v.instance_index);
#else
    let face = mesh2d_functions::get_tag(v.instance_index);
#endif
    let row = u32(v.row_kind.x + 0.5);
    let kind = v.row_kind.y;
    let base = row * N_TERMS;
    var d = basis[base].xyz;
    for (var k = 0u; k < 52u; k++) {
        let w = weight(face, k);
        if w != 0.0 {
            d += w * basis[base + 1u + k].xyz;
        }
    }
    // Back to portrait pixels (y down), where the basis lives.
    let rest = vec3<f32>(v.position.x + 0.5 * portrait.size.x, 0.5 * portrait.size.y - v.position.y, v.position.z);
    var q = rest + d;
    // The constant term's w: how much this vertex follows the head pose (src/face/mesh.rs
    // `head_follow`: the face fully, the neck less, the outer ring and the rectangle not at all).
    let follow = basis[base].w;
    if follow > 0.0 {
        let p = faces[face];
        let m = mat3x3<f32>(p.rot_x.xyz, p.rot_y.xyz, p.rot_z.xyz);
        q = mix(q, m * (q - p.pivot.xyz) + p.moved_pivot.xyz, follow);
    }
    // The mouth fan's contour copies (rows 60-67, the inner lips) grown to hold the smooth opening
    // (src/face/mouth/edge.rs `grown_fan`); its centre (a row of its own) stays.
    if kind > 1.5 && kind < 2.5 && row >= 60u && row < 68u {
        q = vec3<f32>(grown_fan_point(faces[face].mouth, row - 60u), q.z);
    }
    // Portrait pixels (y down) to the quad's local frame: centred, y up, one unit per pixel; the
    // card is flat (depth only moved points across it).
    let local = vec4<f32>(q.x - 0.5 * portrait.size.x, 0.5 * portrait.size.y - q.y, 0.0, 1.0);
    var out: FaceVertexOutput;
#ifdef FACE_3D
    let world_from_local = mesh_functions::get_world_from_local(v.instance_index);
    let world = mesh_functions::mesh_position_local_to_world(world_from_local, local);
    out.position = position_world_to_clip(world.xyz);
#else
    let world_from_local = mesh2d_functions::get_world_from_local(v.instance_index);
    out.position = mesh2d_functions::mesh2d_position_local_to_clip(world_from_local, local);
#endif
    // The pivot's w: how far this frame closes the lips (src/face/cpu_render/lips.rs `lip_closure`).
    out.uv = v.uv + faces[face].pivot.w * v.canon.zw;
    out.px = q.xy;
    out.kind = kind;
    out.face = face;
    out.canon = v.canon.xy;
    return out;
}

fn sample_px(p: vec2<f32>) -> vec3<f32> {
    return textureSampleLevel(portrait_texture, portrait_sampler, p / portrait.size.xy, 0.0).rgb;
}

// The procedural interior (`emotalk::mouth::procedural_mouth`) in this portrait's colours and scale
// (portrait.lip.w: pixels per face-model unit).
fn interior(here: MouthFrame, along: f32, p: vec2<f32>, travel: vec2<f32>) -> vec3<f32> {
    return procedural_mouth(here, along, p, travel, portrait.lip.rgb, portrait.lip.w, portrait.teeth.rgb);
}

// The mouth's colour at `p`, `along` the mouth, where the frame's lips are `here` and the
// portrait's own `then`.
fn mouth_colour(face: u32, p: vec2<f32>, along: f32, here: MouthFrame, then: MouthFrame) -> vec3<f32> {
    // As the CPU renderer (src/face/mouth/mod.rs, `OwnInterior`): a painted seam narrower than
    // SEAM_OPENING holds no teeth of its own, and each half of it follows its lip; a portrait that
    // shows its teeth keeps up to UPPER_TEETH of its opening on the skull (the upper lip's rest,
    // less how far the lip has risen), the rest on the jaw (the lower lip's, less how far the lip
    // has dropped beyond the jaw), and the procedural interior shows between and where a lip
    // moved off what it covered.
    let height = frame_height(then);
    let own_teeth = height >= SEAM_OPENING * portrait.lip.w;
    let travel = travel_at(faces[face].lip_travel, along);
    // The procedural teeth stand where the neutral face's lips cover them (`fill_mouth`).
    var teeth_travel = travel;
    if own_teeth {
        teeth_travel = travel - travel_at(portrait.rest_travel, along);
    }
    // The portrait's own opening and the procedural interior where the lips moved off it
    // (`fill_mouth`).
    let du = max(dot(p - here.upper, here.down), 0.0);
    let dl = max(dot(here.lower - p, here.down), 0.0);
    var moved = vec2<f32>(0.0);
    var split = height / 2.0;
    if own_teeth {
        moved = travel;
        split = min(UPPER_TEETH * portrait.lip.w, height);
    }
    let a = moved.x + split;
    let b = frame_height(here) - moved.y - (height - split);
    // `OwnInterior::upper_holds`: where the parts overlap, a seam's halves meet in the middle
    // and a portrait's own upper teeth stand in front of what the jaw holds.
    var reach = (a + b) / 2.0;
    if own_teeth {
        reach = max(a, reach);
    }
    var own: vec3<f32>;
    // `OwnInterior::procedural_cover`: the band between the parts, as much as covers the pixel
    // where it is thinner than one, and the band the lip of the part drawn here uncovered.
    var uncovered: f32;
    if du <= reach {
        own = sample_px(then.upper + then.down * clamp(du - moved.x, 0.0, split));
        uncovered = band_cover(du, max(moved.x, 0.0));
    } else {
        own = sample_px(then.lower - then.down * clamp(dl - moved.y, 0.0, height - split));
        uncovered = band_cover(dl, max(moved.y, 0.0));
    }
    var band = clamp(min(du + 0.5, b) - max(du - 0.5, a), 0.0, 1.0);
    if b - a >= 1.0 {
        band = select(0.0, 1.0, du >= a && du <= b);
    }
    band = max(band, uncovered);
    // `thin_own_opening`: a portrait's own opening thinner than a pixel is drawn while the frame's
    // is thin too.
    if height <= 1.0 {
        band = 1.0 - (1.0 - band) * clamp((THIN_OWN_OPENING - frame_height(here)) / (THIN_OWN_OPENING - 1.0), 0.0, 1.0);
    }
    if band > 0.0 {
        own = mix(own, interior(here, along, p, teeth_travel), band);
    }
    return thin_opening_lips(face, here, then, p, seam(face, here, then, own));
}

// The CPU renderer's `seam_shadow` (src/face/mouth/seam.rs): how much of the seam's shade a mouth
// opening `opening` pixels wide takes, its lips closing by `closure`.
fn seam_shadow(closure: f32, opening: f32) -> f32 {
    return min(2.0 * closure, 1.0) * clamp(1.0 - opening / max(SEAM_OPENING * portrait.lip.w, 1e-3), 0.0, 1.0);
}

// src/face/mouth/seam.rs `closing`: how far the lips close here, the mouth's closure or, where
// more, as far as they close the portrait's own opening here.
fn closing_at(face: u32, here: MouthFrame, then: MouthFrame) -> f32 {
    let rest = frame_height(then);
    let own = select(0.0, 1.0 - frame_height(here) / rest, rest > 1e-3);
    return clamp(max(faces[face].pivot.w, own), 0.0, 1.0);
}

// The lips shade a mouth just parted.
fn seam(face: u32, here: MouthFrame, then: MouthFrame, c: vec3<f32>) -> vec3<f32> {
    return mix(c, seam_colour(), seam_shadow(closing_at(face, here, then), frame_height(here)));
}

// src/face/mouth/seam.rs `seam_colour`: the lips' colour in shadow, redder (SHADOW_TINT).
fn seam_colour() -> vec3<f32> {
    return portrait.lip.rgb * pow(vec3<f32>(SEAM_SHADE), SHADOW_TINT);
}

// The CPU renderer's `fill_mouth` (src/face/mouth/mod.rs): an opening thinner than a pixel where
// the lips close (the mouth, or its own opening here: `closing_at`) covers only that part of it,
// the rest is the portrait's own lip a pixel beyond its inner edge.
fn thin_opening_lips(face: u32, here: MouthFrame, then: MouthFrame, p: vec2<f32>, c: vec3<f32>) -> vec3<f32> {
    let lips = min(2.0 * closing_at(face, here, then), 1.0) * clamp(1.0 - frame_height(here), 0.0, 1.0);
    if lips <= 0.0 {
        return c;
    }
    var own: vec3<f32>;
    if max(dot(p - here.upper, here.down), 0.0) <= max(dot(here.lower - p, here.down), 0.0) {
        own = sample_px(then.upper - then.down);
    } else {
        own = sample_px(then.lower + then.down);
    }
    return mix(c, own, lips);
}

// The CPU renderer's `seam_line` (src/face/mouth/seam.rs): the line where closing lips meet, drawn
// over the lips beside the opening (inside it, `1 - opening` of that: none from a pixel up,
// where `seam` shades), as strong as the lips close here (`closing_at`).
fn seam_line(face: u32, p: vec2<f32>) -> f32 {
    let poly = faces[face].mouth;
    let p0 = point_of(poly, 0u);
    let len = distance(point_of(poly, 4u), p0);
    if len < 1e-3 {
        return 0.0;
    }
    let t = dot(p - p0, (point_of(poly, 4u) - p0) / len) / len;
    if t < 0.0 || t > 1.0 {
        return 0.0;
    }
    let here = mouth_frame(poly, faces[face].mouth_edges, t);
    let opening = frame_height(here);
    let off = abs(dot(p - (here.upper + here.lower) * 0.5, here.down));
    // Across the line first: most fragments beside the mouth are beyond it.
    let half = max(SEAM_WIDTH * portrait.lip.w, opening) * 0.5;
    let across = clamp((half + SEAM_SOFTNESS * 0.5 - off) / SEAM_SOFTNESS, 0.0, 1.0);
    let inside = select(1.0, clamp(1.0 - opening, 0.0, 1.0), off < opening * 0.5);
    if across <= 0.0 || inside <= 0.0 {
        return 0.0;
    }
    return inside * across * seam_shadow(closing_at(face, here, mouth_frame(portrait.mouth_rest, portrait.mouth_rest_edges, t)), opening);
}

// Eye `e`'s rest opening point `i` (0 to EYE_CONTOUR - 1).
fn eye_point(e: u32, i: u32) -> vec2<f32> {
    let k = EYE_CONTOUR * e + i;
    let v = portrait.eyes_rest[k / 2u];
    if k % 2u == 0u {
        return v.xy;
    }
    return v.zw;
}

// The CPU renderer's `fill_eye`: the rest eyeball, moved rigidly with the eye corners, the gaze
// and the pose's parallax (the frame, `faces[f].eyes`); the hidden eyeball (`eyeball_px`) where
// that falls outside the rest opening.
fn in_opening(e: u32, src: vec2<f32>) -> bool {
    var inside = false;
    for (var i = 0u; i < EYE_CONTOUR; i++) {
        inside = inside != ray_crosses(eye_point(e, i), eye_point(e, (i + EYE_CONTOUR - 1u) % EYE_CONTOUR), src);
    }
    return inside;
}

// The distance from rest point `p` to eye `e`'s rest opening's edge (`edge_distance`).
fn opening_distance(e: u32, p: vec2<f32>) -> f32 {
    var d = 1e30;
    for (var i = 0u; i < EYE_CONTOUR; i++) {
        d = min(d, segment_distance(p, vec4<f32>(eye_point(e, i), eye_point(e, (i + 1u) % EYE_CONTOUR))));
    }
    return d;
}

// Eye `e`'s hidden eyeball at rest point `p` (`Eyeballs::sample`): bilinear in its box of the
// atlas, which holds `portrait.size.w` of its pixels per portrait pixel, clamped half an atlas
// pixel inside the box (`EyeBox::atlas_point`).
fn eyeball_px(e: u32, p: vec2<f32>) -> vec3<f32> {
    let b = portrait.eyeball_box[e];
    let at = select(portrait.eyeball_at.xy, portrait.eyeball_at.zw, e == 1u);
    let s = portrait.size.w;
    let half = vec2<f32>(0.5 / s);
    let q = clamp(p - b.xy, half, max(b.zw - half, half)) * s + at;
    let size = vec2<f32>(textureDimensions(eyeball_texture));
    return textureSampleLevel(eyeball_texture, eyeball_sampler, q / size, 0.0).rgb;
}

// `rim`: the fan-mapped rest point (the vertex UVs), which the lash line follows. Inside the
// opening, the eyeball's rim (the lids' fringe) turns to the hidden eyeball as far as the eyeball
// slid from the lids beyond EYEBALL_STILL; outside, the hidden eyeball, shaded towards the lid
// (`sclera_shade`).
fn eye_colour(f: u32, e: u32, p: vec2<f32>, rim: vec2<f32>) -> vec3<f32> {
    if !in_opening(e, rim) {
        return sample_px(rim);
    }
    let fr = faces[f].eyes[e];
    let src = vec2<f32>(fr.x * p.x - fr.y * p.y, fr.y * p.x + fr.x * p.y) + fr.zw;
    if in_opening(e, src) {
        let slide = clamp((distance(src, rim) - EYEBALL_STILL) / EYEBALL_SLIDE, 0.0, 1.0);
        if slide <= 0.0 {
            return sample_px(src);
        }
        let cover = clamp(1.0 - opening_distance(e, src) / LID_FRINGE, 0.0, 1.0);
        return mix(sample_px(src), eyeball_px(e, src), slide * cover);
    }
    let reach = max(SCLERA_SHADOW * portrait.lip.w, 1e-6);
    return eyeball_px(e, src) * (1.0 - (1.0 - SCLERA_SHADE) * min(opening_distance(e, src) / reach, 1.0));
}

fn srgb_to_linear(c: vec3<f32>) -> vec3<f32> {
    let lo = c / 12.92;
    let hi = pow((c + 0.055) / 1.055, vec3<f32>(2.4));
    return select(hi, lo, c <= vec3<f32>(0.04045));
}

@fragment
fn fragment(in: FaceVertexOutput) -> @location(0) vec4<f32> {
    // The portrait's rectangle bounds the picture, as in the reference renderer: the face mesh's
    // outer ring may reach past the image's edge.
    if any(in.px < vec2<f32>(0.0)) || any(in.px > portrait.size.xy) {
        discard;
    }
    var c: vec3<f32>;
    if in.kind > 2.5 {
        c = eye_colour(in.face, select(0u, 1u, in.kind > 3.5), in.px, in.uv * portrait.size.xy);
    } else if in.kind > 1.5 {
        // Lips that meet or overlap here close the opening: the lips drawn before stay.
        let poly = faces[in.face].mouth;
        let along = along_of(poly, in.px);
        let here = mouth_frame(poly, faces[in.face].mouth_edges, along);
        if dot(here.lower - here.upper, here.down) <= 0.0 {
            discard;
        }
        // How much of the pixel the smooth opening covers (`fill_mouth`), the portrait's own lip
        // beyond its inner edge taking the rest; beyond the landmarks' polygon, where it covers
        // none of the pixel, the lips drawn before stay.
        let in_poly = in_mouth_polygon(poly, in.px);
        let cover = opening_cover(here, in.px, in_poly);
        if cover <= 0.0 && !in_poly {
            discard;
        }
        let then = mouth_frame(portrait.mouth_rest, portrait.mouth_rest_edges, along);
        c = mouth_colour(in.face, in.px, along, here, then);
        if cover < 1.0 {
            let lip = sample_px(lip_beyond_at(here, then, in.px));
            c = mix(lip, c, cover);
        }
        c = mix(c, seam_colour(), seam_line(in.face, in.px));
    } else {
        c = textureSampleLevel(portrait_texture, portrait_sampler, in.uv, 0.0).rgb;
        // Skin: the wrinkle maps (the background rectangle's face-mesh position is far away):
        // the portrait's own creases relaxed, then the frame's drawn (`SkinShading::colour`).
        if in.canon.x < 100.0 {
            let r = wrinkle_relax(faces[in.face].relax, portrait.own_highlight, in.canon);
            if r.x > 0.0 || r.y > 0.0 {
                c = relaxed(c, textureSampleLevel(smooth_texture, smooth_sampler, in.uv, 0.0), r);
            }
            c = creased(c, wrinkle_shade(faces[in.face].creases, portrait.size.z, in.canon));
        }
        // The line where closing lips meet, over the lips (`shade_seam_line`, after the mouth).
        c = mix(c, seam_colour(), seam_line(in.face, in.px));
    }
    // A HEF head: HEF's frame where its mask says (the CPU renderer mixes into its bytes).
    let hef = hef_refinement(in.px);
    if hef.a > 0.0 {
        c = mix(round(clamp(c, vec3<f32>(0.0), vec3<f32>(1.0)) * 255.0) / 255.0, hef.rgb, hef.a);
    }
    return vec4<f32>(srgb_to_linear(clamp(c, vec3<f32>(0.0), vec3<f32>(1.0))), 1.0);
}
