// The mouth opening's geometry and procedural interior of emotalk's face shader (src/render/face.wgsl),
// the reference CPU renderer's src/face/mouth/ on the GPU: where a point sits along the inner lip
// contour (`MouthFrame`, each lip's edge a smooth curve through its landmarks, `lip_edge`; the fan
// grown to hold it, `grown_fan_point`; how much of a pixel it covers, `opening_cover`), how far the
// lips have moved off the teeth (`travel_at`), and the
// procedural cavity, tongue and teeth (`procedural_mouth`), each tooth of its real width, the upper
// ones fixed to the skull and the lower ones to the jaw. Pure functions of their arguments: the
// bindings stay in face.wgsl.

#define_import_path emotalk::mouth

// src/face/mouth/seam.rs `SEAM_OPENING`, `SEAM_SHADE`, `SEAM_WIDTH` and `SEAM_SOFTNESS` (the seam of
// closing lips, which face.wgsl draws).
const SEAM_OPENING: f32 = 0.05;
const SEAM_SHADE: f32 = 0.5;
const SEAM_WIDTH: f32 = 0.012;
const SEAM_SOFTNESS: f32 = 1.5;
// src/face/mouth/mod.rs `THIN_OWN_OPENING`: from this frame opening up, pixels, a portrait's own
// opening a pixel or thinner is not drawn.
const THIN_OWN_OPENING: f32 = 2.0;
// src/face/mouth/teeth.rs `LOWER_TEETH_SHADE`.
const LOWER_TEETH_SHADE: f32 = 0.15;
// src/face/mouth/teeth.rs `LIP_SHADOW_SHADE`, `LIP_SHADOW`, `INCISAL_SHADE` and `CORNER_SHADE` (the
// procedural teeth's shading).
const LIP_SHADOW_SHADE: f32 = 0.35;
const LIP_SHADOW: f32 = 0.02;
const INCISAL_SHADE: f32 = 0.12;
const CORNER_SHADE: f32 = 0.9;
// src/face/mouth/teeth.rs: where the upper teeth (fixed to the skull) and the lower ones (fixed to the
// jaw) stand, and how much of them can show, face-model units.
const UPPER_TEETH_AT_REST: f32 = 0.03;
const UPPER_TEETH: f32 = 0.1;
const LOWER_TEETH_AT_REST: f32 = 0.01;
const LOWER_TEETH: f32 = 0.06;
const TEETH_MIN_OPENING: f32 = 0.02;
// src/face/mouth/teeth.rs `UPPER_TOOTH_EDGES` and `LOWER_TOOTH_EDGES` (the lower row padded to six):
// where one tooth meets the next, face-model units from the middle of the mouth.
const UPPER_TOOTH_EDGES: array<f32, 6> = array<f32, 6>(0.0, 0.0956, 0.1592, 0.2122, 0.2489, 0.2811);
const LOWER_TOOTH_EDGES: array<f32, 6> = array<f32, 6>(0.0, 0.0556, 0.1167, 0.1667, 0.0, 0.0);
// src/face/mouth/teeth.rs `TOOTH_GAP`, `TOOTH_NOTCH`, `TOOTH_NOTCH_DEPTH`, `TOOTH_GAP_SHADE` and
// `TOOTH_ROUNDNESS`: the line between two teeth, its notch at the incisal edge, and the teeth's
// rounded sides.
const TOOTH_GAP: f32 = 0.008;
const TOOTH_NOTCH: f32 = 0.008;
const TOOTH_NOTCH_DEPTH: f32 = 0.015;
const TOOTH_GAP_SHADE: f32 = 0.3;
const TOOTH_ROUNDNESS: f32 = 0.08;
// src/face/mouth/edge.rs `FAN_MARGIN` and `FAN_GROWTH`: how far the mouth fan is grown beyond the
// landmarks' polygon to hold the smooth opening.
const FAN_MARGIN: f32 = 1.5;
const FAN_GROWTH: f32 = 0.4;
fn point_of(poly: array<vec4<f32>, 4>, i: u32) -> vec2<f32> {
    let v = poly[i / 2u];
    if i % 2u == 0u {
        return v.xy;
    }
    return v.zw;
}

// A point `t` (0-1) along the five points a..e, evenly spaced (a mouth barely parted: `MouthShape::curved`).
fn lerp_contour(a: vec2<f32>, b: vec2<f32>, c: vec2<f32>, d: vec2<f32>, e: vec2<f32>, t: f32) -> vec2<f32> {
    let s = t * 4.0;
    let k = min(floor(s), 3.0);
    let f = s - k;
    if k < 0.5 {
        return mix(a, b, f);
    } else if k < 1.5 {
        return mix(b, c, f);
    } else if k < 2.5 {
        return mix(c, d, f);
    }
    return mix(d, e, f);
}

// One word of a contour's smooth edges (src/face/mouth/edge.rs `MouthShape::gpu_words`, computed once
// per contour on the CPU): the upper lip's edge's five slopes (0-4), the lower's (5-9), how far the
// edges are the smooth curves (10; `MouthShape::curved`), a word unused.
fn edge_word(edges: array<vec4<f32>, 3>, i: u32) -> f32 {
    // A function-scope copy, which may be indexed at run time.
    var e = edges;
    return e[i / 4u][i % 4u];
}

// src/face/mouth/edge.rs `LipEdge::at` and `LipEdge::linear_at`, the more open of them
// (`MouthShape::edges_at`): (y, dy/dx) at `at` of a lip's edge through five points of its inner
// contour in the mouth's frame, the monotone cubic (Fritsch-Carlson) whose slopes are the words
// from `first` of `edges`, or where the landmarks' polygon is more open (`opens`: -1 up for the
// upper lip, 1 down for the lower), the polygon.
fn lip_edge(xs: array<f32, 5>, ys: array<f32, 5>, edges: array<vec4<f32>, 3>, first: u32, opens: f32, at: f32) -> vec2<f32> {
    // Function-scope copies, which may be indexed at run time.
    var x = xs;
    var y = ys;
    let hi = max(x[4], x[0]);
    for (var i = 1u; i < 5u; i++) {
        x[i] = max(clamp(x[i], x[0], hi), x[i - 1u]);
    }
    let xc = clamp(at, x[0], x[4]);
    // `LipEdge::interval`: at a corner whose neighbour lies at or beyond it, the corner.
    if xc <= x[0] && x[1] - x[0] <= 1e-4 {
        return vec2<f32>(y[0], 0.0);
    }
    if xc >= x[4] && x[4] - x[3] <= 1e-4 {
        return vec2<f32>(y[4], 0.0);
    }
    var k = 3u;
    for (var j = 0u; j < 4u; j++) {
        if xc <= x[j + 1u] && x[j + 1u] - x[j] > 1e-4 {
            k = j;
            break;
        }
    }
    let hk = x[k + 1u] - x[k];
    if hk <= 1e-4 {
        return vec2<f32>(y[k + 1u], 0.0);
    }
    let t = clamp((xc - x[k]) / hk, 0.0, 1.0);
    let t2 = t * t;
    let t3 = t2 * t;
    let y0 = y[k];
    let y1 = y[k + 1u];
    let m0 = edge_word(edges, first + k) * hk;
    let m1 = edge_word(edges, first + k + 1u) * hk;
    let v = (2.0 * t3 - 3.0 * t2 + 1.0) * y0 + (t3 - 2.0 * t2 + t) * m0 + (-2.0 * t3 + 3.0 * t2) * y1 + (t3 - t2) * m1;
    let dv = (6.0 * t2 - 6.0 * t) * y0 + (3.0 * t2 - 4.0 * t + 1.0) * m0 + (6.0 * t - 6.0 * t2) * y1 + (3.0 * t2 - 2.0 * t) * m1;
    let slope = (y1 - y0) / hk;
    let line = y0 + (y1 - y0) * t;
    if (line - v) * opens > 0.0 {
        return vec2<f32>(line, slope);
    }
    return vec2<f32>(v, dv / hk);
}

// The CPU renderer's `MouthFrame`: upper and lower inner lip points `along` the mouth.
struct MouthFrame {
    // The distance between the mouth's corners (60, 64), pixels.
    width: f32,
    upper: vec2<f32>,
    lower: vec2<f32>,
    down: vec2<f32>,
    // The slopes of the upper and lower lips' edges here.
    slopes: vec2<f32>,
    // How far the edges are the smooth curves (`smoothness`).
    curved: f32,
};

// Unit vector from the right mouth corner (60) to the left (64); zero when they coincide.
fn mouth_axis(poly: array<vec4<f32>, 4>) -> vec2<f32> {
    let d = point_of(poly, 4u) - point_of(poly, 0u);
    let len = length(d);
    if len > 0.0 {
        return d / len;
    }
    return vec2<f32>(0.0, 0.0);
}

// src/face/mouth/mod.rs `MouthFrame::at`: the lips' inner edges `along` the mouth of the contour
// `poly` whose smooth edges are `edges` (`edge_word`).
fn mouth_frame(poly: array<vec4<f32>, 4>, edges: array<vec4<f32>, 3>, along: f32) -> MouthFrame {
    let p0 = point_of(poly, 0u);
    let p4 = point_of(poly, 4u);
    let axis = mouth_axis(poly);
    let down = vec2<f32>(-axis.y, axis.x);
    var f: MouthFrame;
    f.width = distance(p4, p0);
    f.down = down;
    f.upper = lerp_contour(p0, point_of(poly, 1u), point_of(poly, 2u), point_of(poly, 3u), p4, along);
    f.lower = lerp_contour(p0, point_of(poly, 7u), point_of(poly, 6u), point_of(poly, 5u), p4, along);
    f.slopes = vec2<f32>(0.0);
    f.curved = edge_word(edges, 10u);
    if f.curved <= 0.0 {
        return f;
    }
    var ux: array<f32, 5>;
    var uy: array<f32, 5>;
    var lx: array<f32, 5>;
    var ly: array<f32, 5>;
    var upper_ids = array<u32, 5>(0u, 1u, 2u, 3u, 4u);
    var lower_ids = array<u32, 5>(0u, 7u, 6u, 5u, 4u);
    for (var i = 0u; i < 5u; i++) {
        let u = point_of(poly, upper_ids[i]) - p0;
        let l = point_of(poly, lower_ids[i]) - p0;
        ux[i] = dot(u, axis);
        uy[i] = dot(u, down);
        lx[i] = dot(l, axis);
        ly[i] = dot(l, down);
    }
    let x = along * f.width;
    let up = lip_edge(ux, uy, edges, 0u, -1.0, x);
    let low = lip_edge(lx, ly, edges, 5u, 1.0, x);
    let base = p0 + axis * x;
    f.upper = mix(f.upper, base + down * up.x, f.curved);
    f.lower = mix(f.lower, base + down * low.x, f.curved);
    f.slopes = vec2<f32>(up.y, low.y) * f.curved;
    return f;
}

// src/face/mouth/edge.rs `grown_fan`: contour point `i` of the fan grown to hold the smooth opening
// (the landmarks' polygon grown by FAN_MARGIN px and FAN_GROWTH of its height: the upper lip's
// points up, the lower's down, the corners outward along the mouth).
fn grown_fan_point(poly: array<vec4<f32>, 4>, i: u32) -> vec2<f32> {
    let p0 = point_of(poly, 0u);
    let axis = mouth_axis(poly);
    let down = vec2<f32>(-axis.y, axis.x);
    var lo = 1e30;
    var hi = -1e30;
    for (var k = 0u; k < 8u; k++) {
        let y = dot(point_of(poly, k) - p0, down);
        lo = min(lo, y);
        hi = max(hi, y);
    }
    let g = FAN_MARGIN + FAN_GROWTH * max(hi - lo, 0.0);
    let p = point_of(poly, i);
    if i == 0u {
        return p - axis * g;
    } else if i == 4u {
        return p + axis * g;
    } else if i < 4u {
        return p - down * g;
    }
    return p + down * g;
}

// Whether the ray from `p` towards +x crosses the polygon side a-b: the even-odd test of
// src/face/cpu_render `inside`, side by side (the mouth's `in_mouth_polygon`, face.wgsl's eye
// `in_opening`).
fn ray_crosses(a: vec2<f32>, b: vec2<f32>, p: vec2<f32>) -> bool {
    return (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x;
}

// Whether `p` is inside the landmarks' polygon (even-odd).
fn in_mouth_polygon(poly: array<vec4<f32>, 4>, p: vec2<f32>) -> bool {
    var inside = false;
    for (var i = 0u; i < 8u; i++) {
        inside = inside != ray_crosses(point_of(poly, i), point_of(poly, (i + 7u) % 8u), p);
    }
    return inside;
}

// src/face/mouth/mod.rs `MouthFrame::cover`: how much of the pixel at `p` the opening covers.
fn opening_cover(f: MouthFrame, p: vec2<f32>, in_poly: bool) -> f32 {
    let below_upper = dot(p - f.upper, f.down) / sqrt(1.0 + f.slopes.x * f.slopes.x);
    let above_lower = dot(f.lower - p, f.down) / sqrt(1.0 + f.slopes.y * f.slopes.y);
    let edge = clamp(min(below_upper, above_lower) + 0.5, 0.0, 1.0);
    let polygon = select(0.0, 1.0, in_poly);
    let t = clamp((frame_height(f) - 1.0) / 2.0, 0.0, 1.0);
    return polygon + (edge - polygon) * t * t * (3.0 - 2.0 * t) * f.curved;
}

// src/face/mouth/mod.rs `MouthFrame::lip_beyond`: where in the portrait (`then`, its own frame
// at this place) its lip lies for a point `p` near or beyond the frame's edge, as far beyond its
// edge, at least half a pixel.
fn lip_beyond_at(here: MouthFrame, then: MouthFrame, p: vec2<f32>) -> vec2<f32> {
    let above = dot(here.upper - p, here.down);
    let below = dot(p - here.lower, here.down);
    if above >= below {
        return then.upper - then.down * max(above, 0.5);
    }
    return then.lower + then.down * max(below, 0.5);
}

fn along_of(poly: array<vec4<f32>, 4>, p: vec2<f32>) -> f32 {
    let p0 = point_of(poly, 0u);
    let len = distance(point_of(poly, 4u), p0);
    return clamp(dot(p - p0, mouth_axis(poly)) / max(len, 1e-3), 0.0, 1.0);
}

fn frame_height(f: MouthFrame) -> f32 {
    return max(dot(f.lower - f.upper, f.down), 0.0);
}

// `LipTravel::at` of a `LipTravel`'s ten values (the upper contour's five, then the lower's):
// how far the upper lip has risen at `along` and how far the lower one has dropped beyond the
// jaw, pixels.
fn travel_at(values: array<vec4<f32>, 3>, along: f32) -> vec2<f32> {
    // A function-scope copy, which may be indexed at run time.
    var v = values;
    let s = clamp(along, 0.0, 1.0) * 4.0;
    let k = min(u32(floor(s)), 3u);
    let f = s - f32(k);
    let up = mix(v[k / 4u][k % 4u], v[(k + 1u) / 4u][(k + 1u) % 4u], f);
    let down = mix(v[(5u + k) / 4u][(5u + k) % 4u], v[(6u + k) / 4u][(6u + k) % 4u], f);
    return vec2<f32>(-up, down);
}

// src/face/mouth/teeth.rs `band_cover`: a band's far edge anti-aliased, a thin band its share.
fn band_cover(d: f32, h: f32) -> f32 {
    return clamp(h - d + 0.5, 0.0, 1.0) * clamp(h, 0.0, 1.0);
}

// src/face/mouth/teeth.rs `line_cover`: how much of a pixel `d` from the middle of a line `2·half`
// wide the line covers.
fn line_cover(d: f32, half: f32) -> f32 {
    return clamp(min(d + 0.5, half) - max(d - 0.5, -half), 0.0, 1.0);
}

// src/face/mouth/teeth.rs `tooth_shade`: how much of the cavity's colour a tooth of the row whose
// edges are `edges` (`count` of them) takes `across` pixels from the middle of the mouth and
// `to_edge` from its incisal edge (the line between two teeth, its notch, their rounded sides).
fn tooth_shade(edges: array<f32, 6>, count: u32, across: f32, to_edge: f32, scale: f32) -> f32 {
    // A function-scope copy, which may be indexed at run time.
    var e = edges;
    // From the middle of the mouth, in pixels and in face-model units.
    let u = abs(across);
    let v = u / max(scale, 1e-3);
    let notch = TOOTH_NOTCH * scale * clamp(1.0 - to_edge / max(TOOTH_NOTCH_DEPTH * scale, 1e-3), 0.0, 1.0);
    let half = TOOTH_GAP * scale / 2.0 + notch;
    var gap = 0.0;
    var side = 0.0;
    for (var i = 0u; i < count; i++) {
        gap = max(gap, line_cover(u - e[i] * scale, half));
        if i + 1u < count {
            if v >= e[i] && v < e[i + 1u] {
                let t = (v - e[i]) / (e[i + 1u] - e[i]);
                side = (2.0 * t - 1.0) * (2.0 * t - 1.0);
            }
        }
    }
    return TOOTH_GAP_SHADE * gap + TOOTH_ROUNDNESS * side * (1.0 - gap);
}

// The CPU renderer's `mouth_interior` (src/face/mouth/teeth.rs): the procedural interior at `p`,
// its teeth of colour `tooth`, `lip` the lips' colour, `scale` pixels per face-model unit,
// `travel` how far the upper lip has risen and the lower dropped beyond the jaw (`travel_at`).
fn procedural_mouth(
    here: MouthFrame,
    along: f32,
    p: vec2<f32>,
    travel: vec2<f32>,
    lip: vec3<f32>,
    scale: f32,
    tooth: vec3<f32>,
) -> vec3<f32> {
    let opening = frame_height(here);
    // Lips barely parted show a dark line, no teeth.
    let show_teeth = opening >= TEETH_MIN_OPENING * scale;
    let below_upper = max(dot(p - here.upper, here.down), 0.0);
    let above_lower = max(dot(here.lower - p, here.down), 0.0);
    let depth = clamp(below_upper / max(opening, 1e-3), 0.0, 1.0);
    let cavity = vec3<f32>(0.08) + 0.25 * lip;
    let tongue = vec3<f32>(0.55 * lip.r + 0.25, 0.3 * lip.g + 0.08, 0.3 * lip.b + 0.08);
    let edge = 4.0 * along * (1.0 - along);
    let span = sqrt(edge);
    var back = cavity;
    if depth > 0.7 {
        back = mix(cavity, tongue, ((depth - 0.7) / 0.3) * edge);
    }
    if !show_teeth {
        return back;
    }
    let upper_h = clamp(UPPER_TEETH_AT_REST * scale + travel.x, 0.0, UPPER_TEETH * scale) * span;
    let lower_h = clamp(LOWER_TEETH_AT_REST * scale + travel.y, 0.0, LOWER_TEETH * scale) * span;
    // Lit in the middle of the mouth, shaded into its corners; the upper teeth under the upper
    // lip's shadow and at their thin incisal edge, the lower ones in the upper teeth's shadow.
    let turned = max(1.0 - edge, 0.0);
    let corner = CORNER_SHADE * turned * sqrt(turned);
    let t = min(below_upper / max(upper_h, 1e-3), 1.0);
    let shadow = LIP_SHADOW_SHADE * clamp(1.0 - below_upper / max(LIP_SHADOW * scale, 1e-3), 0.0, 1.0);
    let lit = (1.0 - corner) * (1.0 - shadow) * (1.0 - INCISAL_SHADE * t * t);
    var upper = mix(tooth, cavity, 1.0 - lit);
    var lower = mix(tooth, cavity, 1.0 - (1.0 - corner) * (1.0 - LOWER_TEETH_SHADE));
    // One tooth beside the next, fixed to the skull and the jaw: the row is measured from the
    // middle of the mouth, not stretched with it.
    let across = (along - 0.5) * here.width;
    upper = mix(upper, cavity, tooth_shade(UPPER_TOOTH_EDGES, 6u, across, upper_h - below_upper, scale));
    lower = mix(lower, cavity, tooth_shade(LOWER_TOOTH_EDGES, 4u, across, lower_h - above_lower, scale));
    let c = mix(back, lower, band_cover(above_lower, lower_h));
    return mix(c, upper, band_cover(below_upper, upper_h));
}
