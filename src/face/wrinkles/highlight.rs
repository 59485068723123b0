//! How much of the modelled highlight of its own expression a portrait shows ([`own_highlight`]),
//! so that relaxing takes back what is there, not what a raised cheek would have drawn.

use glam::Vec2;
use image::RgbaImage;

use super::{Creases, LIT_GAIN, N_GROUPS, segment_distance};
use crate::face::colours::luma;
use crate::face::cpu_render::raster;
use crate::face::mesh::FaceMesh;

/// Pixels each of the two areas [`own_highlight`] compares must hold for a measurement; with
/// fewer (a face a few pixels across) the modelled highlight is taken back in full, as before
/// the measurement.
pub const MIN_HIGHLIGHT_PIXELS: usize = 12;

/// The share (0–1) of each crease group's modelled highlight that the portrait shows at rest,
/// which [`super::SkinShading`] takes back as far as the portrait's expression relaxes.
///
/// A raised cheek (AU6) is drawn as a soft highlight on the apple of the cheek, and a portrait
/// whose own expression holds one (a smiling photo) has it relaxed: the skin there is divided by
/// the highlight the portrait's fitted weights would draw. A photographed smile's cheek does
/// shine; a painted smile's mostly does not (flat paint, often a blush, which is darker), and
/// dividing it anyway darkened a painted character's cheeks when its smile was made neutral or
/// sad (5 % on NPC 304 painted smiling, #14's thirty-first pass). So the highlight is measured in
/// the portrait: on its rest mesh, the median luminance of the skin within one highlight width
/// of the group's highlight spots against the median of a ring 1.5–2.5 widths away, each only
/// where the low-passed skin `skin` ([`super::smooth_skin`]) says it is skin (medians, so that
/// a painted line or a mole in either area does not move them). The contrast, as a highlight
/// (`(core / ring − 1) / LIT_GAIN`), over the contrast the rest activations `rest`
/// ([`super::rest_activations`]) would draw between the same two areas, is the share (clamped to
/// 0–1). A pixel is skin where the mask is at least a half; luminance is Rec. 709 luma of the
/// sRGB bytes, as the shading works on them. Groups with no highlight segments, or none at rest,
/// get 1 (nothing to take back either way); so, keeping the modelled take-back, does a group
/// whose areas hold fewer than [`MIN_HIGHLIGHT_PIXELS`] skin pixels, whose ring is black or whose
/// modelled contrast is nil, and every group when `skin` is not the image's size or `mesh_rest`
/// is not a whole mesh (or the image is empty).
///
/// `mesh_rest` is the portrait's rest mesh in pixels ([`FaceMesh::get`] order), as
/// [`crate::face::PreparedPortrait::rest`] gives it.
pub fn own_highlight(
    image: &RgbaImage,
    skin: &RgbaImage,
    mesh_rest: &[Vec2],
    rest: &[f32; N_GROUPS],
) -> [f32; N_GROUPS] {
    let mut share = [1.0f32; N_GROUPS];
    let spots: Vec<_> = Creases::get()
        .segments
        .iter()
        .filter(|s| s.depth < 0.0 && rest[s.group as usize] > 0.0)
        .filter_map(|s| s.authored().map(|ab| (s, ab)))
        .collect();
    if spots.is_empty() || skin.dimensions() != image.dimensions() || image.width() == 0 || image.height() == 0 {
        return share;
    }
    let mesh = FaceMesh::get();
    if mesh_rest.len() < mesh.rest.len() {
        return share;
    }
    // Per group: the core's and the ring's luminances, and the modelled highlight in each.
    let mut core: Vec<Vec<f32>> = vec![Vec::new(); N_GROUPS];
    let mut ring: Vec<Vec<f32>> = vec![Vec::new(); N_GROUPS];
    let mut core_drawn: Vec<Vec<f32>> = vec![Vec::new(); N_GROUPS];
    let mut ring_drawn: Vec<Vec<f32>> = vec![Vec::new(); N_GROUPS];
    let (w, h) = image.dimensions();
    let mut seen = vec![false; w as usize * h as usize];
    for t in &mesh.triangles {
        let [a, b, c] = t.map(|i| mesh_rest[i as usize]);
        let [ca, cb, cc] = t.map(|i| mesh.rest[i as usize]);
        raster([a, b, c], w, h, |x, y, l| {
            let at = y as usize * w as usize + x as usize;
            // Triangles share edges: count each pixel once.
            if std::mem::replace(&mut seen[at], true) || skin.get_pixel(x, y).0[3] < 128 {
                return;
            }
            let p = ca * l.x + cb * l.y + cc * l.z;
            let px = image.get_pixel(x, y).0;
            let lum = luma([0, 1, 2].map(|i| px[i] as f32 / 255.0));
            // Per group, as `relax` takes them: the nearest of its spots (in its widths) and
            // the strongest highlight they model here.
            let mut near = [f32::INFINITY; N_GROUPS];
            let mut drawn = [0.0f32; N_GROUPS];
            for (s, (sa, sb)) in &spots {
                let g = s.group as usize;
                let d = segment_distance(p, *sa, *sb).0 / s.width;
                near[g] = near[g].min(d);
                drawn[g] = drawn[g].max(-rest[g] * s.depth * (-d * d).exp());
            }
            for g in 0..N_GROUPS {
                if near[g] < 1.0 {
                    core[g].push(lum);
                    core_drawn[g].push(drawn[g]);
                } else if (1.5..=2.5).contains(&near[g]) {
                    ring[g].push(lum);
                    ring_drawn[g].push(drawn[g]);
                }
            }
        });
    }
    for g in 0..N_GROUPS {
        if core[g].len() < MIN_HIGHLIGHT_PIXELS || ring[g].len() < MIN_HIGHLIGHT_PIXELS {
            continue;
        }
        let (c, r) = (median(&mut core[g]), median(&mut ring[g]));
        if r <= 1e-3 {
            continue;
        }
        // Both as the lit side draws them (`apply`: the colour times `1 + LIT_GAIN · h`), the
        // modelled contrast between the same areas' medians as the portrait's.
        let shown = ((c / r - 1.0) / LIT_GAIN).max(0.0);
        let lit = |h: f32| 1.0 + LIT_GAIN * h;
        let model = (lit(median(&mut core_drawn[g])) / lit(median(&mut ring_drawn[g])) - 1.0) / LIT_GAIN;
        if model > 1e-6 {
            share[g] = (shown / model).clamp(0.0, 1.0);
        }
    }
    share
}

fn median(v: &mut [f32]) -> f32 {
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}
