//! How our blendshape basis was authored: one rule per ARKit shape, in the normalised frame
//! (unit = outer eye-corner distance ≈ 90 mm, `y` down, `z` towards the viewer), each following
//! the FACS action units it names (Ekman, Friesen & Hager, *Facial Action Coding System*, 2002).
//!
//! Shapes with a side are authored for the subject's left (`+x`) and mirrored for the right. A
//! one-sided shape moves a midline landmark by half, so the left and right shapes together move
//! it fully. Amplitudes at weight 1 are the full action: `jawOpen` drops the chin 0.28 (25 mm),
//! `eyeBlinkLeft` brings the upper lid down onto the lower.
//!
//! `models/face/blendshapes.json` is this module's output (`cargo run --example
//! make_blendshapes`); a test keeps the two identical.

use glam::Vec3;

use super::blendshapes::{Blendshape, BlendshapeBasis, NAMES};
use super::mean::mean_face;
use super::{MIRROR, N_LANDMARKS};

type Field = [Vec3; N_LANDMARKS];

/// Left upper-lid / lower-lid landmark pairs (inner, outer).
const LEFT_LIDS: [(usize, usize); 2] = [(43, 47), (44, 46)];

/// Builds the whole basis from the rules below.
pub fn author_basis() -> BlendshapeBasis {
    let m = mean_face();
    let mut shapes: Vec<Blendshape> = Vec::new();
    let mut one = |name: &'static str, facs: &[&str], description: &str, d: Field| {
        shapes.push(Blendshape {
            name,
            facs: facs.iter().map(|s| s.to_string()).collect(),
            description: description.into(),
            displacements: d,
        });
    };
    // Eyes.
    for (side, sign) in [("Left", 1.0f32), ("Right", -1.0)] {
        let f = |d: Field| if sign > 0.0 { d } else { mirror(&d) };
        let gap = |u: usize, l: usize| m[l].y - m[u].y;
        let lids = |up: f32, low: f32, dx: f32| {
            let mut d = [Vec3::ZERO; N_LANDMARKS];
            for (u, l) in LEFT_LIDS {
                d[u] = Vec3::new(dx, up * gap(u, l), 0.0);
                d[l] = Vec3::new(dx, low * gap(u, l), 0.0);
            }
            d
        };
        let name = |base: &str| -> &'static str {
            NAMES.iter().find(|n| **n == format!("{base}{side}")).copied().unwrap_or("?")
        };
        one(
            name("eyeBlink"),
            &["AU45", "AU43"],
            "upper lid closes onto the lower lid (85 % of the gap), lower lid rises 15 %",
            f(lids(0.85, -0.15, 0.0)),
        );
        one(
            name("eyeLookDown"),
            &["AU64"],
            "gaze down: the upper lid follows the eye down (20 % of the opening)",
            f(lids(0.20, 0.08, 0.0)),
        );
        one(
            name("eyeLookIn"),
            &["AU61", "AU62"],
            "gaze towards the nose: the lids shift slightly inwards",
            f(lids(0.0, 0.0, -0.004)),
        );
        one(
            name("eyeLookOut"),
            &["AU61", "AU62"],
            "gaze away from the nose: the lids shift slightly outwards",
            f(lids(0.0, 0.0, 0.004)),
        );
        one(
            name("eyeLookUp"),
            &["AU63"],
            "gaze up: the upper lid lifts 15 %, the lower lid 5 %",
            f(lids(-0.15, -0.05, 0.0)),
        );
        let mut squint = lids(0.10, -0.35, 0.0);
        squint[45] += Vec3::new(-0.005, -0.004, 0.0);
        one(
            name("eyeSquint"),
            &["AU7"],
            "lid tightener: the lower lid rises 35 % of the opening, the upper lid lowers 10 %",
            f(squint),
        );
        one(
            name("eyeWide"),
            &["AU5"],
            "upper lid raiser: the upper lid lifts 45 % of the opening, the lower lid drops 5 %",
            f(lids(-0.45, 0.05, 0.0)),
        );
    }
    // Jaw. `t` grows from 0 at the ear to 1 at the chin: how much a point rides with the jaw.
    let jaw_t = |i: usize| ((m[i].y - 0.10) / (m[8].y - 0.10)).clamp(0.0, 1.0);
    let lower_lips = || (55..=59).chain(65..=67);
    let corners = [48usize, 54, 60, 64];
    let jaw_move = |chin: Vec3, lips: Vec3, corner: Vec3| {
        let mut d = [Vec3::ZERO; N_LANDMARKS];
        for i in 0..=16 {
            d[i] = chin * jaw_t(i);
        }
        for i in lower_lips() {
            d[i] = lips;
        }
        for c in corners {
            d[c] = corner;
        }
        d
    };
    one(
        "jawForward",
        &["AU29"],
        "jaw thrust: chin and lower lip move forward 6 %",
        jaw_move(Vec3::new(0.0, -0.005, 0.06), Vec3::new(0.0, -0.004, 0.05), Vec3::new(0.0, 0.0, 0.02)),
    );
    let jaw_left = jaw_move(Vec3::new(0.07, 0.0, 0.0), Vec3::new(0.065, 0.0, 0.0), Vec3::new(0.03, 0.0, 0.0));
    one("jawLeft", &["AU30"], "jaw sideways to the subject's left", jaw_left);
    one("jawRight", &["AU30"], "jaw sideways to the subject's right", mirror(&jaw_left));
    let mut open = jaw_move(Vec3::new(0.0, 0.28, -0.06), Vec3::new(0.0, 0.26, -0.05), Vec3::new(0.0, 0.11, -0.02));
    for i in 1..=15 {
        open[i].x -= 0.03 * jaw_t(i) * m[i].x.signum() * (m[i].x.abs() / 0.75); // the jaw narrows as it swings
    }
    for c in corners {
        open[c].x -= 0.02 * m[c].x.signum();
    }
    one(
        "jawOpen",
        &["AU26", "AU27"],
        "jaw drop: the chin falls 0.28 (25 mm) and back, the lower lip with it, the corners halfway",
        open,
    );
    // Mouth.
    let mut close = [Vec3::ZERO; N_LANDMARKS];
    lower_lips().for_each(|i| close[i] = Vec3::new(0.0, -0.24, 0.04));
    (49..=53).chain(61..=63).for_each(|i| close[i] = Vec3::new(0.0, 0.02, 0.0));
    corners.iter().for_each(|&c| close[c] = Vec3::new(0.0, -0.10, 0.02));
    one(
        "mouthClose",
        &["AU24", "AU8"],
        "lips meet although the jaw is open: cancels jawOpen's lip drop at equal weight",
        close,
    );
    let toward_mid = |i: usize, k: f32| Vec3::new(-k * m[i].x.signum(), 0.0, 0.0);
    let mut funnel = [Vec3::ZERO; N_LANDMARKS];
    for (i, k) in [(48, 0.06), (54, 0.06), (60, 0.05), (64, 0.05), (49, 0.02), (53, 0.02), (55, 0.02), (59, 0.02)] {
        funnel[i] += toward_mid(i, k);
    }
    (49..=53).for_each(|i| funnel[i] += Vec3::new(0.0, -0.02, 0.04));
    (55..=59).for_each(|i| funnel[i] += Vec3::new(0.0, 0.025, 0.04));
    (61..=63).for_each(|i| funnel[i] += Vec3::new(0.0, -0.03, 0.03));
    (65..=67).for_each(|i| funnel[i] += Vec3::new(0.0, 0.04, 0.03));
    one("mouthFunnel", &["AU22"], "lip funneler: lips flare forward into an open ring, the corners draw in", funnel);
    let mut pucker = [Vec3::ZERO; N_LANDMARKS];
    for (i, k) in [
        (48, 0.09),
        (54, 0.09),
        (60, 0.08),
        (64, 0.08),
        (49, 0.05),
        (53, 0.05),
        (55, 0.05),
        (59, 0.05),
        (50, 0.02),
        (52, 0.02),
        (56, 0.02),
        (58, 0.02),
        (61, 0.03),
        (63, 0.03),
        (65, 0.03),
        (67, 0.03),
    ] {
        pucker[i] += toward_mid(i, k);
    }
    (48..=67).for_each(|i| pucker[i].z += 0.06);
    one("mouthPucker", &["AU18"], "lip pucker: the corners draw in 0.09 and the lips push forward, closed", pucker);
    let mut left = [Vec3::ZERO; N_LANDMARKS];
    (48..=67).for_each(|i| left[i] = Vec3::new(0.06, 0.0, 0.0));
    one("mouthLeft", &["AU13", "AU14"], "the whole mouth slides to the subject's left", left);
    one("mouthRight", &["AU13", "AU14"], "the whole mouth slides to the subject's right", mirror(&left));
    let sided = |name_l: &'static str,
                 name_r: &'static str,
                 facs: &[&str],
                 description: &str,
                 pts: &[(usize, [f32; 3])],
                 one: &mut dyn FnMut(&'static str, &[&str], &str, Field)| {
        let mut d = [Vec3::ZERO; N_LANDMARKS];
        for &(i, v) in pts {
            d[i] = Vec3::from_array(v);
        }
        one(name_l, facs, description, d);
        one(name_r, facs, description, mirror(&d));
    };
    sided(
        "mouthSmileLeft",
        "mouthSmileRight",
        &["AU12"],
        "lip corner puller: the corner goes up 0.078 and out 0.072 (10.6 mm at 47°)",
        &[
            (54, [0.072, -0.078, -0.015]),
            (64, [0.064, -0.072, -0.015]),
            (53, [0.032, -0.04, 0.0]),
            (55, [0.04, -0.045, 0.0]),
            (63, [0.024, -0.028, 0.0]),
            (65, [0.032, -0.034, 0.0]),
            (52, [0.008, -0.014, 0.0]),
            (56, [0.012, -0.016, 0.0]),
            (12, [0.016, -0.008, 0.0]),
            (13, [0.012, 0.0, 0.0]),
        ],
        &mut one,
    );
    sided(
        "mouthFrownLeft",
        "mouthFrownRight",
        &["AU15"],
        "lip corner depressor: the corner goes down 0.065 (6 mm)",
        &[
            (54, [0.005, 0.065, 0.0]),
            (64, [0.004, 0.058, 0.0]),
            (55, [0.0, 0.032, 0.0]),
            (53, [0.0, 0.026, 0.0]),
            (65, [0.0, 0.026, 0.0]),
            (63, [0.0, 0.02, 0.0]),
        ],
        &mut one,
    );
    sided(
        "mouthDimpleLeft",
        "mouthDimpleRight",
        &["AU14"],
        "dimpler: the corner tightens back and slightly out",
        &[
            (54, [0.03, -0.01, -0.03]),
            (64, [0.025, -0.008, -0.025]),
            (53, [0.012, -0.004, -0.012]),
            (55, [0.012, -0.004, -0.012]),
        ],
        &mut one,
    );
    sided(
        "mouthStretchLeft",
        "mouthStretchRight",
        &["AU20"],
        "lip stretcher: the corner pulls out 0.065 and slightly down",
        &[
            (54, [0.065, 0.015, 0.0]),
            (64, [0.06, 0.012, 0.0]),
            (55, [0.035, 0.015, 0.0]),
            (56, [0.015, 0.01, 0.0]),
            (65, [0.03, 0.012, 0.0]),
            (53, [0.03, 0.004, 0.0]),
            (63, [0.025, 0.004, 0.0]),
            (12, [0.012, 0.004, 0.0]),
        ],
        &mut one,
    );
    let mut roll_lower = [Vec3::ZERO; N_LANDMARKS];
    (55..=59).for_each(|i| roll_lower[i] = Vec3::new(0.0, -0.03, -0.02));
    roll_lower[57].y = -0.035;
    one("mouthRollLower", &["AU28"], "lower lip sucked in: its outer edge rolls up towards the inner edge", roll_lower);
    let mut roll_upper = [Vec3::ZERO; N_LANDMARKS];
    (49..=53).for_each(|i| roll_upper[i] = Vec3::new(0.0, 0.025, -0.02));
    roll_upper[51].y = 0.03;
    one(
        "mouthRollUpper",
        &["AU28"],
        "upper lip sucked in: its outer edge rolls down towards the inner edge",
        roll_upper,
    );
    let mut shrug_lower = [Vec3::ZERO; N_LANDMARKS];
    (55..=59).for_each(|i| shrug_lower[i] = Vec3::new(0.0, -0.03, 0.02));
    // The inner lower lip presses against the upper one (the closed mouth's inner gap is only
    // 0.011) and lifts it a little, rather than passing through it.
    (65..=67).for_each(|i| shrug_lower[i] = Vec3::new(0.0, -0.008, 0.02));
    (61..=63).for_each(|i| shrug_lower[i] = Vec3::new(0.0, -0.006, 0.01));
    for (i, k) in [(6, 0.5), (7, 1.0), (8, 1.0), (9, 1.0), (10, 0.5)] {
        shrug_lower[i] = Vec3::new(0.0, -0.02, 0.015) * k;
    }
    one("mouthShrugLower", &["AU17"], "chin raiser: chin and lower lip push up against the upper lip", shrug_lower);
    let mut shrug_upper = [Vec3::ZERO; N_LANDMARKS];
    (49..=53).for_each(|i| shrug_upper[i] = Vec3::new(0.0, -0.025, 0.0));
    (61..=63).for_each(|i| shrug_upper[i] = Vec3::new(0.0, -0.02, 0.0));
    one("mouthShrugUpper", &["AU10"], "the upper lip lifts as a whole", shrug_upper);
    sided(
        "mouthPressLeft",
        "mouthPressRight",
        &["AU24"],
        "lip presser: this side's lips press together and thin",
        &[
            (52, [0.0, 0.01, 0.0]),
            (53, [0.0, 0.01, 0.0]),
            (55, [0.0, -0.012, 0.0]),
            (56, [0.0, -0.012, 0.0]),
            (63, [0.0, 0.006, 0.0]),
            (65, [0.0, -0.006, 0.0]),
            (51, [0.0, 0.005, 0.0]),
            (57, [0.0, -0.006, 0.0]),
            (54, [0.005, 0.0, 0.0]),
        ],
        &mut one,
    );
    sided(
        "mouthLowerDownLeft",
        "mouthLowerDownRight",
        &["AU16"],
        "lower lip depressor: this side of the lower lip goes down 0.05",
        &[
            (55, [0.005, 0.045, 0.0]),
            (56, [0.003, 0.055, 0.0]),
            (57, [0.0, 0.028, 0.0]),
            (65, [0.004, 0.045, 0.0]),
            (66, [0.0, 0.024, 0.0]),
        ],
        &mut one,
    );
    sided(
        "mouthUpperUpLeft",
        "mouthUpperUpRight",
        &["AU10"],
        "upper lip raiser: this side of the upper lip goes up 0.06 (5.4 mm)",
        &[
            (52, [0.0, -0.06, 0.0]),
            (53, [0.0, -0.052, 0.0]),
            (51, [0.0, -0.03, 0.0]),
            (63, [0.0, -0.055, 0.0]),
            (62, [0.0, -0.028, 0.0]),
        ],
        &mut one,
    );
    // Brows.
    sided(
        "browDownLeft",
        "browDownRight",
        &["AU4"],
        "brow lowerer: the brow drops 0.075 (6.8 mm) and its inner end draws in 0.035",
        &[
            (22, [-0.035, 0.075, 0.0]),
            (23, [-0.025, 0.075, 0.0]),
            (24, [-0.01, 0.07, 0.0]),
            (25, [0.0, 0.06, 0.0]),
            (26, [0.0, 0.05, 0.0]),
        ],
        &mut one,
    );
    let mut inner_up = [Vec3::ZERO; N_LANDMARKS];
    for (i, dy) in [(21, -0.11), (20, -0.08), (19, -0.04), (18, -0.015)] {
        inner_up[i].y = dy;
        inner_up[MIRROR[i]].y = dy;
    }
    one("browInnerUp", &["AU1"], "inner brow raiser: the inner ends lift 0.11 (10 mm), fading outwards", inner_up);
    sided(
        "browOuterUpLeft",
        "browOuterUpRight",
        &["AU2"],
        "outer brow raiser: the outer end lifts 0.10 (9 mm)",
        &[(26, [0.0, -0.10, 0.0]), (25, [0.0, -0.09, 0.0]), (24, [0.0, -0.055, 0.0]), (23, [0.0, -0.02, 0.0])],
        &mut one,
    );
    // Cheeks and nose.
    let mut puff = [Vec3::ZERO; N_LANDMARKS];
    for i in 1..=15 {
        let bulge = (std::f32::consts::PI * i as f32 / 16.0).sin().powi(2) * (1.0 - jaw_t(i) * 0.6);
        puff[i] = Vec3::new(0.05 * bulge * m[i].x.signum(), 0.0, 0.01 * bulge);
    }
    corners.iter().for_each(|&c| puff[c] += toward_mid(c, 0.01));
    (48..=67).for_each(|i| puff[i].z += 0.02);
    one("cheekPuff", &["AU34"], "puff: the cheeks bulge out 0.05, the lips purse slightly", puff);
    sided(
        "cheekSquintLeft",
        "cheekSquintRight",
        &["AU6"],
        "cheek raiser: the cheek lifts, pushing the lower lid up and the outer eye corner in",
        &[
            (46, [0.0, -0.022, 0.0]),
            (47, [0.0, -0.018, 0.0]),
            (45, [-0.004, -0.008, 0.0]),
            (16, [0.0, -0.015, 0.0]),
            (15, [0.0, -0.015, 0.0]),
            (14, [0.0, -0.01, 0.0]),
            (54, [0.0, -0.01, 0.0]),
        ],
        &mut one,
    );
    sided(
        "noseSneerLeft",
        "noseSneerRight",
        &["AU9"],
        "nose wrinkler: the nostril wing lifts 0.045 (4 mm), the upper lip and inner brow follow",
        &[
            (35, [0.012, -0.045, 0.0]),
            (34, [0.005, -0.038, 0.0]),
            (33, [0.0, -0.012, 0.0]),
            (29, [0.0, -0.01, 0.0]),
            (52, [0.0, -0.03, 0.0]),
            (53, [0.0, -0.026, 0.0]),
            (42, [0.0, -0.008, 0.0]),
            (22, [-0.008, 0.025, 0.0]),
        ],
        &mut one,
    );
    let mut tongue = jaw_move(Vec3::new(0.0, 0.05, -0.01), Vec3::new(0.0, 0.055, 0.01), Vec3::new(0.0, 0.02, 0.0));
    (61..=63).for_each(|i| tongue[i].y -= 0.005);
    one(
        "tongueOut",
        &["AU19"],
        "tongue show: the jaw drops a little and the lips part; the tongue itself is drawn by the renderer",
        tongue,
    );

    // Order the shapes as ARKit does.
    let mut ordered = Vec::with_capacity(NAMES.len());
    for name in NAMES {
        let i = shapes.iter().position(|s| s.name == name).unwrap_or_else(|| panic!("no rule authors {name}"));
        ordered.push(shapes.swap_remove(i));
    }
    BlendshapeBasis { shapes: ordered }
}

/// The mirror image of a displacement field (left ↔ right, `x` negated).
pub fn mirror(d: &Field) -> Field {
    let mut out = [Vec3::ZERO; N_LANDMARKS];
    for (i, v) in d.iter().enumerate() {
        out[MIRROR[i]] = Vec3::new(-v.x, v.y, v.z);
    }
    out
}
