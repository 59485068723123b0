//! Animated wrinkle and shading maps: the creases that muscles fold into the skin, driven by the
//! blendshape weights as game rigs drive their wrinkle maps.
//!
//! A geometric warp moves features but never folds skin, and much of what makes an expression
//! read is in the folds: forehead lines over raised brows, the vertical lines of a frown, crow's
//! feet and the raised cheek of a real smile, the nasolabial fold, the wrinkled nose of disgust,
//! the puckered chin. Each crease here is a polyline in face-mesh coordinates (the mean face of
//! [`super::mean`], in millimetres below, divided by [`IOD_MM`] in the tables), so it is placed
//! on every portrait by the same mesh that places the expression and moves with the skin.
//!
//! | group | action units | blendshapes driving it |
//! |---|---|---|
//! | forehead lines (centre, each side) | AU1, AU2 | `browInnerUp`, `browOuterUp*` |
//! | frown lines between the brows | AU4 (AU9) | `browDown*`, `noseSneer*` |
//! | procerus line and nose wrinkles | AU9, AU4 (not with AU1) | `noseSneer*`, `browDown*` less `browInnerUp` |
//! | crow's feet | AU6 (AU7) | `cheekSquint*`, `eyeSquint*` |
//! | cheek raise: highlight on the cheek, crease under the lower lid | AU6 | `cheekSquint*` |
//! | nasolabial fold | AU10, AU12 (AU9) | `mouthSmile*`, `mouthUpperUp*`, `noseSneer*` |
//! | nose wrinkles | AU9 | `noseSneer*` |
//! | chin: mentolabial crease and dimpling | AU17 | `mouthShrugLower` |
//! | marionette line below the mouth corner | AU15 | `mouthFrown*` |
//! | a photograph's broad smile folds (never drawn, only relaxed) | AU12 (AU6) | `mouthSmile*`, `cheekSquint*`, gated by the portrait's own fold |
//!
//! Each crease is deepest along its middle and fades out over lengths authored for its ends
//! ([`Segment::taper`]), as a skin fold does: drawn at one depth to its last point, a crease
//! ended in a stroke's round cap and read as a pencil line (#14's twenty-ninth pass). A fading
//! end is centred on its authored point (half as deep there) and the segment reaches half the
//! fade beyond it. Not every end fades: where a crease goes on into another (the forehead
//! lines' and the chin crease's middles, the nose wrinkles' and procerus line's at the midline),
//! where the nasolabial fold leaves the nose wing at full depth, and the spots (the chin's
//! dimples, the raised cheek's highlight). A portrait's own creases relax ([`relax`]) between
//! the authored points ([`Segment::authored`]), as before the creases faded.
//!
//! Shading is multiplicative: a crease darkens the portrait's own colour (`c · (1 − d)`, each
//! channel raised to [`SHADOW_TINT`] so that the shadow is redder, as skin's is), and a fold's lit
//! side brightens it by a share of itself ([`LIT_GAIN`]), so a crease on dark skin is darker skin
//! beside brighter skin and on a painted face the painter's own tone. [`shade`] is the reference;
//! the GPU shader (`src/render/wrinkles.wgsl`, `wrinkle_shade`) evaluates the same creases from
//! [`Creases::gpu_words`] and [`activations`], and the GPU-vs-CPU golden test keeps the two equal.

use std::sync::OnceLock;

use glam::Vec2;

use super::blendshapes::{N_BLENDSHAPES, index_of};
use super::mean::IOD_MM;

mod author;
mod highlight;
mod smooth;
mod softness;

pub use highlight::{MIN_HIGHLIGHT_PIXELS, own_highlight};
pub use smooth::smooth_skin;
pub use softness::image_softness;

/// Number of crease groups (the activations the shader receives: four `vec4`).
pub const N_GROUPS: usize = 16;

/// The crease groups, indices into [`activations`].
pub mod group {
    /// Forehead lines, centre (AU1).
    pub const FOREHEAD_CENTRE: u32 = 0;
    /// Forehead lines over the subject's left brow (AU2 left, AU1).
    pub const FOREHEAD_LEFT: u32 = 1;
    /// Forehead lines over the subject's right brow.
    pub const FOREHEAD_RIGHT: u32 = 2;
    /// Vertical frown line, subject's left (AU4 left).
    pub const FROWN_LEFT: u32 = 3;
    /// Vertical frown line, subject's right.
    pub const FROWN_RIGHT: u32 = 4;
    /// Crow's feet, left (AU6, AU7).
    pub const CROWS_LEFT: u32 = 5;
    /// Crow's feet, right.
    pub const CROWS_RIGHT: u32 = 6;
    /// Cheek raise, left (AU6).
    pub const CHEEK_LEFT: u32 = 7;
    /// Cheek raise, right.
    pub const CHEEK_RIGHT: u32 = 8;
    /// Nasolabial fold, left (AU10, AU12).
    pub const NASOLABIAL_LEFT: u32 = 9;
    /// Nasolabial fold, right.
    pub const NASOLABIAL_RIGHT: u32 = 10;
    /// Nose wrinkles and the procerus line (AU9, AU4 without AU1).
    pub const NOSE: u32 = 11;
    /// Chin (AU17).
    pub const CHIN: u32 = 12;
    /// Marionette line, left (AU15).
    pub const MARIONETTE_LEFT: u32 = 13;
    /// Marionette line, right.
    pub const MARIONETTE_RIGHT: u32 = 14;
    /// The broad fold and cheek bulge of a portrait's own broad smile, both sides: never drawn,
    /// only relaxed ([`super::rest_activations`]), against the frame's smile.
    pub const SMILE_FOLDS: u32 = 15;
}

/// One straight piece of a crease, in face-mesh coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Start.
    pub a: Vec2,
    /// End.
    pub b: Vec2,
    /// Half-width of the dark groove (the Gaussian's σ), face-mesh units.
    pub width: f32,
    /// Darkening at the centre of the groove at full activation (0–1); negative for a soft
    /// highlight instead of a groove (the raised cheek).
    pub depth: f32,
    /// Highlight on the fold's lit side (the side where `(b − a).perp_dot(p − a) > 0`),
    /// relative to `depth`.
    pub lit: f32,
    /// Which activation drives it ([`group`]).
    pub group: u32,
    /// How far the crease has faded in at `a` and at `b`: the distance along the crease from
    /// its start over the length it takes to reach full depth (1 or more: full depth). The depth
    /// at a point is `taper` of the two ramps interpolated along the segment ([`Segment::taper`]).
    pub fade_in: [f32; 2],
    /// As `fade_in`, from the crease's end.
    pub fade_out: [f32; 2],
}

impl Segment {
    /// How deep the crease is at `t` along this segment (0 at `a`, 1 at `b`), 0–1: skin folds
    /// are deepest along their middle and fade out at their ends, so a crease does not end in a
    /// stroke's round cap. Each ramp is a smoothstep.
    pub fn taper(&self, t: f32) -> f32 {
        let ramp = |r: [f32; 2]| {
            let x = (r[0] + (r[1] - r[0]) * t).clamp(0.0, 1.0);
            x * x * (3.0 - 2.0 * x)
        };
        ramp(self.fade_in) * ramp(self.fade_out)
    }

    /// The part of this segment between the crease's authored points, where both ramps are at
    /// least a half (a fading end is drawn half its fade beyond its authored point, which is
    /// where the ramp crosses a half); `None` when the segment lies wholly beyond them. For
    /// painters that stroke the creases at one depth (`npc::expression`) and for [`relax`].
    pub fn authored(&self) -> Option<(Vec2, Vec2)> {
        let (mut t0, mut t1) = (0.0f32, 1.0f32);
        for [r0, r1] in [self.fade_in, self.fade_out] {
            // The ramp is linear along the segment: keep where it is at least a half.
            if r1 != r0 {
                let t = (0.5 - r0) / (r1 - r0);
                if r1 > r0 { t0 = t0.max(t) } else { t1 = t1.min(t) }
            } else if r0 < 0.5 {
                return None;
            }
        }
        (t0 < t1).then(|| (self.a + (self.b - self.a) * t0, self.a + (self.b - self.a) * t1))
    }
}

/// All creases, as segments.
#[derive(Debug, Clone)]
pub struct Creases {
    /// The segments.
    pub segments: Vec<Segment>,
}

/// `f32` words per segment in [`Creases::gpu_words`] (three `vec4`).
pub const SEGMENT_WORDS: usize = 12;

impl Creases {
    /// The shipped creases (see the module docs), built once.
    pub fn get() -> &'static Creases {
        static C: OnceLock<Creases> = OnceLock::new();
        C.get_or_init(author::author)
    }

    /// The segments for a storage buffer of `vec4<f32>`: `(a.x, a.y, b.x, b.y)`, then
    /// `(width, depth, lit, group)`, then `(fade_in, fade_out)`.
    pub fn gpu_words(&self) -> Vec<f32> {
        self.segments
            .iter()
            .flat_map(|s| {
                let [i0, i1] = s.fade_in;
                let [o0, o1] = s.fade_out;
                [s.a.x, s.a.y, s.b.x, s.b.y, s.width, s.depth, s.lit, s.group as f32, i0, i1, o0, o1]
            })
            .collect()
    }
}

/// How strongly each crease group shows for these blendshape weights (each 0–1).
pub fn activations(weights: &[f32]) -> [f32; N_GROUPS] {
    let w = |name: &str| weight(weights, name).clamp(0.0, 1.0);
    debug_assert!(weights.len() >= N_BLENDSHAPES || weights.is_empty());
    let mut a = [0.0f32; N_GROUPS];
    let inner = w("browInnerUp");
    let (outer_l, outer_r) = (w("browOuterUpLeft"), w("browOuterUpRight"));
    a[group::FOREHEAD_CENTRE as usize] = inner * 0.8 + (outer_l + outer_r) * 0.25;
    a[group::FOREHEAD_LEFT as usize] = outer_l * 0.8 + inner * 0.35;
    a[group::FOREHEAD_RIGHT as usize] = outer_r * 0.8 + inner * 0.35;
    let (sneer_l, sneer_r) = (w("noseSneerLeft"), w("noseSneerRight"));
    a[group::FROWN_LEFT as usize] = w("browDownLeft") + 0.3 * sneer_l;
    a[group::FROWN_RIGHT as usize] = w("browDownRight") + 0.3 * sneer_r;
    for (side, crows, cheek, naso, mario) in [
        ("Left", group::CROWS_LEFT, group::CHEEK_LEFT, group::NASOLABIAL_LEFT, group::MARIONETTE_LEFT),
        ("Right", group::CROWS_RIGHT, group::CHEEK_RIGHT, group::NASOLABIAL_RIGHT, group::MARIONETTE_RIGHT),
    ] {
        let cheek_w = w(&format!("cheekSquint{side}"));
        a[crows as usize] = cheek_w + 0.4 * w(&format!("eyeSquint{side}"));
        a[cheek as usize] = cheek_w;
        a[naso as usize] = 0.9 * w(&format!("mouthSmile{side}"))
            + 0.6 * w(&format!("mouthUpperUp{side}"))
            + 0.7 * w(&format!("noseSneer{side}"))
            + 0.3 * cheek_w;
        a[mario as usize] = 0.8 * w(&format!("mouthFrown{side}")) + 0.3 * w(&format!("mouthStretch{side}"));
    }
    // A frown's procerus folds the root of the nose as it pulls the inner brows down; raised
    // inner brows (AU1, with AU4 in sadness and fear) hold that skin up, so only the frown lines
    // show there (#14's twelfth pass: posed held-out characters then read fear 82 -> 85 of 100,
    // sadness 72 -> 73, anger and disgust unchanged).
    let procerus = 0.25 * (w("browDownLeft") + w("browDownRight")) * (1.0 - inner);
    a[group::NOSE as usize] = 0.5 * (sneer_l + sneer_r) + procerus;
    a[group::CHIN as usize] = w("mouthShrugLower") + 0.3 * (w("mouthPressLeft") + w("mouthPressRight"));
    // The frame's own smile (AU12, with AU6), against which a portrait's broad smile folds relax
    // (its band draws nothing). A raised upper lip (AU10) or a wrinkled nose (AU9) deepens the
    // fold's upper groove but does not push the cheek up beside the mouth corners.
    let smile = w("mouthSmileLeft").max(w("mouthSmileRight"));
    a[group::SMILE_FOLDS as usize] = smile + 0.3 * w("cheekSquintLeft").max(w("cheekSquintRight"));
    a.map(|v| v.clamp(0.0, 1.0))
}

/// The shading factor at a face-mesh point: `(darkening, highlight)`, each 0–1. The colour
/// becomes `c · (1 − darkening)` (per channel as [`SHADOW_TINT`] says) and `c · (1 + LIT_GAIN ·
/// highlight)` ([`apply`]).
///
/// `soft` is the portrait's own blur in face-mesh units (`√2 ·` [`image_softness`] `/` pixels
/// per unit, [`crease_softness`]): every crease is widened by it (its Gaussian's `width`
/// becomes `√(width² + soft²)`, the Gaussian convolved with the portrait's blur) and made
/// shallower by as much, so its integrated darkening stays; 0 draws the authored creases.
pub fn shade(p: Vec2, active: &[f32; N_GROUPS], soft: f32) -> (f32, f32) {
    let (mut dark, mut light) = (0.0f32, 0.0f32);
    for s in &Creases::get().segments {
        let act = active[s.group as usize];
        if act <= 0.0 {
            continue;
        }
        let (d, side) = segment_distance(p, s.a, s.b);
        let width = (s.width * s.width + soft * soft).sqrt();
        if d > 4.0 * width {
            continue;
        }
        let act = act * s.width / width * s.taper(segment_t(p, s.a, s.b));
        let g = (-(d / width) * (d / width)).exp();
        if s.depth >= 0.0 {
            dark = dark.max(act * s.depth * g);
            // The lit side of a fold: a band beside the groove.
            let off = (d - 1.8 * width) / width;
            light = light.max(act * s.depth * s.lit * side.max(0.0) * (-off * off).exp());
        } else {
            light = light.max(-act * s.depth * g);
        }
    }
    (dark.min(0.85), light.min(0.5))
}

/// Blur up to this many pixels (a Gaussian σ, [`image_softness`]) leaves the creases as
/// authored: it is the pixel grid's own (anti-aliased strokes, resampling), which the authored
/// creases, two to five pixels wide on a face 130–250 px across, already carry. The painted
/// characters, the astronaut photograph and the faces cropped from face-api's demo photos read
/// 0 px; the astronaut scaled down to 128 px and back up 1.67 px.
pub const CRISP_BLUR_PX: f32 = 1.0;

/// A portrait's crease softness for [`shade`], face-mesh units: its own blur beyond
/// [`CRISP_BLUR_PX`] (`blur_px`, a Gaussian σ in pixels from [`image_softness`], less the crisp
/// pixel in quadrature) as the creases' `width` measures it (`√2 σ`: they are
/// `exp(−(d / width)²)`), over `scale` pixels per face-mesh unit.
pub fn crease_softness(blur_px: f32, scale: f32) -> f32 {
    let excess = (blur_px * blur_px - CRISP_BLUR_PX * CRISP_BLUR_PX).max(0.0).sqrt();
    if scale > 0.0 && excess.is_finite() { std::f32::consts::SQRT_2 * excess / scale } else { 0.0 }
}

/// A crease's darkening `1 − d` scales channel `i` by `(1 − d)^SHADOW_TINT[i]`.
///
/// Skin shadows are redder and more saturated than the lit skin beside them: red light scatters
/// furthest under the skin before it leaves it (d'Eon & Luebke, "Advanced Techniques for
/// Realistic Real-Time Skin Rendering", GPU Gems 3 ch. 14, 2007: the red diffusion profile is
/// several times wider than the green and blue ones). The exponents are measured on the
/// astronaut photograph's own nasolabial folds (`tools/skin-shadow/measure_folds.py`: per-channel
/// median over 12 profiles of the fold against the cheek beside it); green, which carries most
/// of the luminance, darkens by `1 − d` as before. A grey scaling of all three (the first
/// passes) kept the hue and lowered the chroma, and on a photograph the creases read as pencil
/// lines.
pub const SHADOW_TINT: [f32; 3] = [0.89, 1.0, 1.39];

/// Applies [`shade`] to an RGB colour (0–1): darkened by [`SHADOW_TINT`], brightened on a fold's
/// lit side by `1 + LIT_GAIN · highlight` as far as its brightest channel can go (to white);
/// the share of that lift it cannot take mixes the colour towards white instead. Both keep the
/// skin's hue (a scaling and a mix with white keep the channels' differences in proportion).
///
/// Clipping each channel at 1 (until #14's thirty-third pass) turned the lit side of the folds on
/// near-white painted skin yellow-white: its red was already at 1, and green and blue rose (the
/// bundled NPC 3's frown lines a pale yellow V, its nasolabial folds pale yellow ridges). Stopping
/// at the brightest channel alone left no lit side on such skin; the mix towards white keeps a
/// paler band of the skin's own hue there (`docs/img/crease_white.png`).
pub fn apply(c: [f32; 3], (dark, light): (f32, f32)) -> [f32; 3] {
    let t = 1.0 - dark;
    let scale = if dark > 0.0 { SHADOW_TINT.map(|e| t.powf(e)) } else { [1.0; 3] };
    let shaded: [f32; 3] = std::array::from_fn(|i| c[i] * scale[i]);
    let want = 1.0 + LIT_GAIN * light;
    let headroom = 1.0 / shaded.into_iter().fold(1e-6f32, f32::max);
    let lift = want.min(headroom.max(1.0));
    let spill = 1.0 - lift / want;
    shaded.map(|v| {
        let l = (v * lift).min(1.0);
        l + (1.0 - l) * spill
    })
}

/// How much a fold's lit side (and a raised cheek's highlight) brightens the skin: the colour is
/// multiplied by `1 + LIT_GAIN · highlight`, the highlight at most 0.5 ([`shade`]).
///
/// The ridge beside a groove faces the light more, and skin's diffuse light is its own colour in
/// proportion to the light it gets, so the lit side is the same skin brighter, by the same share
/// on every skin. Until #14's thirtieth pass the lit side was lifted towards white (`c + (1 − c)
/// · highlight`): on dark skin that is most of the way to grey, a chalky stripe beside every
/// fold (a painted character's nasolabial folds, a photograph's nose wrinkles), while on light
/// skin it barely showed. At 1 a ridge is as much brighter on skin of 0.5 as that lift made it,
/// more on lighter skin (until its brightest channel is white, [`apply`]) and less on darker;
/// chosen by eye and on the tuning sets between 0.6 (the ridge faint on dark skin), 1 and 1.5
/// (a bright stripe of the skin's own hue on mid-toned painted skin); BENCHMARKS.md has the
/// judges' readings.
pub const LIT_GAIN: f32 = 1.0;

/// Spread of the low-pass that smooths the portrait's own creases out ([`smooth_skin`]), in
/// face-mesh units (3.5 mm: wider than a fold, narrower than a cheek).
pub const SMOOTH_SIGMA: f32 = 3.5 / IOD_MM;
/// The low-pass's spread for a portrait with a broad smile of its own (13 mm, see
/// [`smooth_sigma`]).
pub const SMILE_SMOOTH_SIGMA: f32 = 13.0 / IOD_MM;

/// The low-pass's spread for a portrait whose own crease activations are `rest`
/// ([`rest_activations`]): [`SMOOTH_SIGMA`], widening to [`SMILE_SMOOTH_SIGMA`] as the
/// portrait's own nasolabial fold goes from 0.5 to 1. A broad photographed smile's fold is
/// not a line but a broad shading feature (the groove, the cheek bulge pushed up beside it and
/// its shadow, 6–10 mm across, and the shading of the bulge beyond), which a 3.5 mm low-pass
/// keeps: on the astronaut both expression judges still read it as a smile on a neutral face
/// (and at 9 mm face-api still read her angry face as disgust). Painted portraits' fitted rest
/// folds are identity (0.12 on the bundled two, 0.06–0.51 on NPC seeds 300–303), so most keep
/// the narrow low-pass; the 0.5 threshold is a heuristic, and the few whose fitted fold passes
/// it get a little of the wider one.
pub fn smooth_sigma(rest: &[f32; N_GROUPS]) -> f32 {
    SMOOTH_SIGMA + (SMILE_SMOOTH_SIGMA - SMOOTH_SIGMA) * broad_smile(rest)
}
/// How far beyond a crease's own groove its relaxing reaches (face-mesh units, 8 mm): the portrait's
/// fold is only near the authored line, not on it.
pub const RELAX_REACH: f32 = 8.0 / IOD_MM;

/// One frame's skin shading: the creases to draw, and those of the portrait's own expression
/// to take out.
///
/// A portrait already shows an expression (the fit's rest weights, [`super::fit::FaceFit`]): a
/// smiling photo has its nasolabial folds and raised cheeks in its pixels. Moving the mesh to a
/// neutral face leaves them there, and they keep it smiling. So each group's activation is
/// compared with the portrait's own: what the portrait has beyond the frame is relaxed
/// ([`relax`]): the skin there is drawn from the portrait's low-passed skin ([`smooth_skin`]),
/// which keeps its colour and lighting but not its folds, and as much of a raised cheek's
/// highlight as the portrait shows ([`own_highlight`]: a photographed smile's, not a painted
/// one's) is taken back. The frame's own creases are then drawn in full ([`shade`]), not less the portrait's:
/// the fitted rest weights also hold identity (a low brow fits as some `browDown`, a chin as some
/// `mouthShrugLower`) that shows no crease in the pixels, and subtracting it would thin the
/// creases of every expression on that portrait (measured: 15 of 21 stills read as intended
/// drawing in full, 13 subtracting). So at its own expression a portrait still gets the creases
/// its fitted weights draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SkinShading {
    /// Activations to draw: the frame's own ([`activations`]), with [`group::SMILE_FOLDS`] at 0
    /// (a band that only relaxes).
    pub draw: [f32; N_GROUPS],
    /// Activations to relax: `max(0, rest − frame)` per group.
    pub relax: [f32; N_GROUPS],
    /// How much of each group's modelled highlight the portrait shows ([`own_highlight`]), and
    /// so how much of it relaxing takes back.
    pub shown: [f32; N_GROUPS],
    /// The portrait's crease softness ([`crease_softness`]; see [`shade`]).
    pub soft: f32,
}

impl SkinShading {
    /// The shading of a frame with `weights` (gain included) on a portrait whose own expression
    /// has crease activations `rest` ([`rest_activations`], with which the frame is compared, so
    /// the portrait's own weights relax nothing), of which it shows the highlights `shown`
    /// ([`own_highlight`]), drawn as soft as `soft` ([`crease_softness`]).
    pub fn new(weights: &[f32], rest: &[f32; N_GROUPS], shown: &[f32; N_GROUPS], soft: f32) -> Self {
        let mut draw = activations(weights);
        let held = with_smile_cheeks(draw, weights);
        // The smile-fold band only relaxes (depth 0): drawing it would visit its segments at
        // every pixel for nothing.
        draw[group::SMILE_FOLDS as usize] = 0.0;
        Self { draw, relax: std::array::from_fn(|g| (rest[g] - held[g]).max(0.0)), shown: *shown, soft }
    }

    /// Whether the frame changes no skin pixel.
    pub fn is_flat(&self) -> bool {
        self.draw.iter().chain(&self.relax).all(|&a| a <= 0.0)
    }

    /// The colour of skin at face-mesh point `p`: the portrait's colour `c`, relaxed towards its
    /// low-passed skin `smooth` (RGB, and the skin mask in `w`, [`smooth_skin`]), then creased.
    pub fn colour(&self, p: Vec2, c: [f32; 3], smooth: [f32; 4]) -> [f32; 3] {
        let (blend, unlight) = relax(p, &self.relax, &self.shown);
        // Both only where the low-passed skin is skin: the highlight taken back too, which
        // near the lips, the eyes or a turned face's edge dimmed what is not skin.
        let (k, unlight) = (blend * smooth[3], unlight * smooth[3]);
        let relaxed: [f32; 3] = std::array::from_fn(|i| {
            let m = c[i] + (smooth[i] - c[i]) * k;
            // The portrait's own highlight is taken back by the inverse of the drawn lit side
            // ([`apply`]): the same share of every skin, so a dark cheek is not darkened more
            // than a light one (the inverse of a lift towards white, used until #14's
            // thirty-first pass, took 26 % off skin at 0.3 and 1 % off skin at 0.9).
            (m / (1.0 + LIT_GAIN * unlight)).clamp(0.0, 1.0)
        });
        apply(relaxed, shade(p, &self.draw, self.soft))
    }
}

/// The crease activations of a portrait's own expression (its fitted rest weights, without the
/// expressiveness gain, which scales requested expressions only). A photographed smile raises
/// the cheeks whether or not the 68 landmarks show `cheekSquint` (AU6 and AU12 come together in
/// a felt smile), so the cheek groups also follow the smile here. [`group::SMILE_FOLDS`] is the
/// portrait's fold weighted by [`broad_smile`]: a painted face's fitted folds (identity, below
/// 0.5) relax only along their authored lines, a photograph's broad smile over the whole band.
pub fn rest_activations(weights: &[f32]) -> [f32; N_GROUPS] {
    let mut a = with_smile_cheeks(activations(weights), weights);
    a[group::SMILE_FOLDS as usize] *= broad_smile(&a);
    a
}

/// How broad a smile a portrait holds (0–1), from its own crease activations: 0 up to a
/// nasolabial fold of 0.5, 1 at a full fold.
pub fn broad_smile(rest: &[f32; N_GROUPS]) -> f32 {
    let fold = rest[group::NASOLABIAL_LEFT as usize].max(rest[group::NASOLABIAL_RIGHT as usize]);
    ((fold - 0.5) / 0.5).clamp(0.0, 1.0)
}

/// A weight by name (0 when missing or not finite).
fn weight(weights: &[f32], name: &str) -> f32 {
    index_of(name).and_then(|i| weights.get(i)).copied().filter(|v| v.is_finite()).unwrap_or(0.0)
}

/// [`rest_activations`] from [`activations`] `a` of the same `weights`: the cheek and crow's-feet
/// groups raised to what the smile implies.
fn with_smile_cheeks(mut a: [f32; N_GROUPS], weights: &[f32]) -> [f32; N_GROUPS] {
    let w = |name: &str| weight(weights, name);
    for (side, crows, cheek) in
        [("Left", group::CROWS_LEFT, group::CHEEK_LEFT), ("Right", group::CROWS_RIGHT, group::CHEEK_RIGHT)]
    {
        let smile = (0.7 * w(&format!("mouthSmile{side}"))).clamp(0.0, 1.0);
        a[cheek as usize] = a[cheek as usize].max(smile);
        a[crows as usize] = a[crows as usize].max(0.6 * smile);
    }
    a
}

/// How much of the skin at face-mesh point `p` is relaxed for the `relax` activations
/// ([`SkinShading`]): `(blend towards the smoothed skin, highlight taken back)`, each 0–1; of
/// each group's highlight, the share `shown` the portrait shows ([`own_highlight`]).
pub fn relax(p: Vec2, relax: &[f32; N_GROUPS], shown: &[f32; N_GROUPS]) -> (f32, f32) {
    let (mut blend, mut unlight) = (0.0f32, 0.0f32);
    for s in &Creases::get().segments {
        let r = relax[s.group as usize];
        if r <= 0.0 {
            continue;
        }
        // Along the crease as authored, not its fading ends' reach beyond (a portrait's own fold
        // is relaxed where it was before the creases faded).
        let Some((a, b)) = s.authored() else { continue };
        let (d, _) = segment_distance(p, a, b);
        if s.depth >= 0.0 {
            let reach = s.width + RELAX_REACH;
            if d < 3.0 * reach {
                blend = blend.max(r * (-(d / reach) * (d / reach)).exp());
            }
        } else if d < 3.0 * s.width {
            let r = r * shown[s.group as usize];
            unlight = unlight.max(-r * s.depth * (-(d / s.width) * (d / s.width)).exp());
        }
    }
    (blend.min(1.0), unlight.min(0.5))
}

/// Where `p`'s nearest point on the segment `a → b` lies along it (0 at `a`, 1 at `b`).
pub(crate) fn segment_t(p: Vec2, a: Vec2, b: Vec2) -> f32 {
    let ab = b - a;
    ((p - a).dot(ab) / ab.length_squared().max(1e-12)).clamp(0.0, 1.0)
}

/// Distance from `p` to the segment `a → b`, and which side `p` lies on: +1 where
/// `(b − a).perp_dot(p − a) > 0` (for the authored right-half creases, which run downwards or
/// towards the midline, the lateral or lower side), −1 on the other.
pub(crate) fn segment_distance(p: Vec2, a: Vec2, b: Vec2) -> (f32, f32) {
    let ab = b - a;
    let d = p.distance(a + ab * segment_t(p, a, b));
    let side = if ab.perp_dot(p - a) > 0.0 { 1.0 } else { -1.0 };
    (d, side)
}

#[cfg(test)]
mod tests;
