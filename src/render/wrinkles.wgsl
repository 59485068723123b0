// The wrinkle maps of emotalk's face shader (src/render/face.wgsl): the CPU renderer's
// src/face/wrinkles/mod.rs `shade`, `relax`, `apply` and `SkinShading::colour`, evaluated per
// fragment from the crease table. Unlike `emotalk::mouth`, which takes all it needs as
// arguments, this module declares the one binding it reads, the crease table (binding 5 of the
// material's group): a runtime-sized storage array cannot be passed to a function. The frame's
// and the portrait's activations come in as arguments.

#define_import_path emotalk::wrinkles

// src/face/wrinkles/mod.rs `RELAX_REACH` (8 mm in face-mesh units, IOD = 90 mm).
const RELAX_REACH: f32 = 0.08888889;
// src/face/wrinkles/mod.rs `SHADOW_TINT`: a crease's darkening per channel (skin shadows are redder).
const SHADOW_TINT: vec3<f32> = vec3<f32>(0.89, 1.0, 1.39);
// src/face/wrinkles/mod.rs `LIT_GAIN`: a fold's lit side brightens the skin by a share of itself.
const LIT_GAIN: f32 = 1.0;

// Crease segments, three vec4 each: (a.xy, b.xy), (width, depth, lit, group), (fade in at a, b;
// fade out at a, b) (src/face/wrinkles/mod.rs `Creases::gpu_words`).
@group(#{MATERIAL_BIND_GROUP}) @binding(5) var<storage, read> creases: array<vec4<f32>>;

// Distance from `p` to the crease segment `ab.xy → ab.zw` (src/face/wrinkles/mod.rs `segment_distance`).
fn segment_distance(p: vec2<f32>, ab: vec4<f32>) -> f32 {
    let e = ab.zw - ab.xy;
    let t = clamp(dot(p - ab.xy, e) / max(dot(e, e), 1e-12), 0.0, 1.0);
    return distance(p, ab.xy + e * t);
}

// How deep a crease segment is at `t` along it (src/face/wrinkles/mod.rs `Segment::taper`):
// `fade.xy` the fade-in ramp at its ends, `fade.zw` the fade-out ramp.
fn crease_taper(fade: vec4<f32>, t: f32) -> f32 {
    let r = clamp(mix(fade.xz, fade.yw, t), vec2<f32>(0.0), vec2<f32>(1.0));
    let s = r * r * (3.0 - 2.0 * r);
    return s.x * s.y;
}

// The CPU renderer's `wrinkles::shade`: (darkening, highlight) at a face-mesh point, for a
// frame's group activations `acts` (`FaceParams::creases`) on a portrait whose creases are as
// soft as `soft` (face-mesh units, `PortraitUniform::size.z`).
fn wrinkle_shade(acts: array<vec4<f32>, 4>, soft: f32, p: vec2<f32>) -> vec2<f32> {
    // Indexed at run time through a local copy, made once (a value array is not portably
    // indexable at run time).
    var by_group = acts;
    var dark = 0.0;
    var light = 0.0;
    let n = arrayLength(&creases) / 3u;
    for (var i = 0u; i < n; i++) {
        let ab = creases[3u * i];
        let w = creases[3u * i + 1u];
        let grp = u32(w.w + 0.5);
        let act0 = by_group[grp / 4u][grp % 4u];
        if act0 <= 0.0 {
            continue;
        }
        let a = ab.xy;
        let e = ab.zw - a;
        let d = segment_distance(p, ab);
        // Widened by the portrait's own blur, as deep in all (`wrinkles::shade`).
        let width = sqrt(w.x * w.x + soft * soft);
        if d > 4.0 * width {
            continue;
        }
        let t = clamp(dot(p - a, e) / max(dot(e, e), 1e-12), 0.0, 1.0);
        let act = act0 * w.x / width * crease_taper(creases[3u * i + 2u], t);
        let g = exp(-(d / width) * (d / width));
        if w.y >= 0.0 {
            dark = max(dark, act * w.y * g);
            let cross = e.x * (p - a).y - e.y * (p - a).x;
            let side = select(0.0, 1.0, cross > 0.0);
            let off = (d - 1.8 * width) / width;
            light = max(light, act * w.y * w.z * side * exp(-off * off));
        } else {
            light = max(light, -act * w.y * g);
        }
    }
    return vec2<f32>(min(dark, 0.85), min(light, 0.5));
}

// One ramp of a crease segment (`r0` at its start, `r1` at its end) narrows `span` (t along the
// segment) to where the ramp is at least a half: src/face/wrinkles/mod.rs `Segment::authored`.
fn clip_ramp(r0: f32, r1: f32, span: vec2<f32>) -> vec2<f32> {
    if r1 != r0 {
        let t = (0.5 - r0) / (r1 - r0);
        if r1 > r0 {
            return vec2<f32>(max(span.x, t), span.y);
        }
        return vec2<f32>(span.x, min(span.y, t));
    }
    if r0 < 0.5 {
        return vec2<f32>(1.0, 0.0);
    }
    return span;
}

// The CPU renderer's `wrinkles::relax`: (blend towards the smoothed skin, highlight taken back)
// at a face-mesh point, for the portrait's own group activations to relax (`FaceParams::relax`),
// of whose highlights it shows the shares `shown` (`PortraitUniform::own_highlight`).
fn wrinkle_relax(relax: array<vec4<f32>, 4>, shown: array<vec4<f32>, 4>, p: vec2<f32>) -> vec2<f32> {
    var by_group = relax;
    var share = shown;
    var blend = 0.0;
    var unlight = 0.0;
    let n = arrayLength(&creases) / 3u;
    for (var i = 0u; i < n; i++) {
        let ab = creases[3u * i];
        let w = creases[3u * i + 1u];
        let grp = u32(w.w + 0.5);
        let r = by_group[grp / 4u][grp % 4u];
        if r <= 0.0 {
            continue;
        }
        // Between the crease's authored points (`wrinkles::relax`).
        let fade = creases[3u * i + 2u];
        let span = clip_ramp(fade.z, fade.w, clip_ramp(fade.x, fade.y, vec2<f32>(0.0, 1.0)));
        if span.x >= span.y {
            continue;
        }
        let e = ab.zw - ab.xy;
        let d = segment_distance(p, vec4<f32>(ab.xy + e * span.x, ab.xy + e * span.y));
        if w.y >= 0.0 {
            let reach = w.x + RELAX_REACH;
            if d < 3.0 * reach {
                blend = max(blend, r * exp(-(d / reach) * (d / reach)));
            }
        } else if d < 3.0 * w.x {
            let lit = r * share[grp / 4u][grp % 4u];
            unlight = max(unlight, -lit * w.y * exp(-(d / w.x) * (d / w.x)));
        }
    }
    return vec2<f32>(min(blend, 1.0), min(unlight, 0.5));
}

// `SkinShading::colour`'s relaxing: the portrait's colour `c` blended towards its low-passed skin
// `skin` (alpha: how much is skin) by `r.x`, its own highlight `r.y` taken back (`wrinkle_relax`),
// each as far as the pixel is skin.
fn relaxed(c: vec3<f32>, skin: vec4<f32>, r: vec2<f32>) -> vec3<f32> {
    let m = c + (skin.rgb - c) * (r.x * skin.a);
    return clamp(m / (1.0 + LIT_GAIN * r.y * skin.a), vec3<f32>(0.0), vec3<f32>(1.0));
}

// `wrinkles::apply`: the colour `c` darkened by `s.x` (redder, SHADOW_TINT) and its lit side
// brightened by `s.y` (`wrinkle_shade`) as far as its brightest channel can go, the share of the
// lift it cannot take mixing it towards white (both keep the hue).
fn creased(c: vec3<f32>, s: vec2<f32>) -> vec3<f32> {
    let shaded = c * pow(vec3<f32>(1.0 - s.x), SHADOW_TINT);
    let headroom = 1.0 / max(max(max(shaded.r, shaded.g), shaded.b), 1e-6);
    let want = 1.0 + LIT_GAIN * s.y;
    let lift = min(want, max(headroom, 1.0));
    let l = min(shaded * lift, vec3<f32>(1.0));
    return l + (1.0 - l) * (1.0 - lift / want);
}
