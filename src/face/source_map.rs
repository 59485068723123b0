//! Where the warp takes each output pixel from: the reference renderer's backward map as data,
//! the "warp flow" HEF reads ([`crate::model::hef`]).
//!
//! For every pixel of a frame, the portrait point [`PreparedPortrait::render`] samples there:
//! inside a skin triangle the same barycentric point of its source triangle (lip closure
//! included), inside an eye the eyeball's rest point ([`super::cpu_render::EyeFrame`]), inside
//! the mouth opening the matching point of the rest opening (the fan of its contour), and
//! elsewhere the pixel itself (the portrait shows through unchanged).

use glam::{Vec2, Vec3};

use super::blendshapes::BlendshapeBasis;
use super::cpu_render::{HeadPose, PreparedPortrait, lip_closure, raster, with_gain};
use super::layout::Region;
use super::mesh::FaceMesh;

impl PreparedPortrait {
    /// The backward map of a frame (row-major, one portrait point in pixels per output pixel;
    /// see the module docs).
    pub fn source_map(&self, weights: &[f32], pose: &HeadPose, basis: &BlendshapeBasis) -> Vec<Vec2> {
        let (w, h) = self.image().dimensions();
        let mut map: Vec<Vec2> =
            (0..h).flat_map(|y| (0..w).map(move |x| Vec2::new(x as f32 + 0.5, y as f32 + 0.5))).collect();
        let mesh = FaceMesh::get();
        let gained = with_gain(weights, self.expressiveness());
        // The vertices the renderer draws (the portrait's gain applied inside, as `render` does).
        let q = self.deformed_vertices(weights, pose, basis);
        let rest = self.rest();
        let closure = lip_closure(|i| rest[i], |i| q[i]);
        let src: Vec<Vec2> = rest.iter().zip(self.source()).map(|(r, s)| *r + (*s - *r) * closure).collect();
        let mut put = |x: u32, y: u32, p: Vec2| map[(y * w + x) as usize] = p;
        for t in &mesh.triangles {
            let [a, b, c] = t.map(|i| q[i as usize]);
            let [sa, sb, sc] = t.map(|i| src[i as usize]);
            raster([a, b, c], w, h, |x, y, l: Vec3| put(x, y, sa * l.x + sb * l.y + sc * l.z));
        }
        for (e, contour) in mesh.eye_contours.iter().enumerate() {
            let frame = self.eye_frame(e, &q, &gained, pose);
            fan(contour.iter().map(|&i| q[i]).collect(), w, h, |x, y, _| {
                put(x, y, frame.source(Vec2::new(x as f32 + 0.5, y as f32 + 0.5)))
            });
        }
        let mouth = Region::InnerLips.range();
        let (dq, dr): (Vec<Vec2>, Vec<Vec2>) = mouth.map(|i| (q[i], rest[i])).unzip();
        let n = dr.len();
        let cr = dr.iter().sum::<Vec2>() / n as f32;
        fan(dq, w, h, |x, y, (k, l)| put(x, y, cr * l.x + dr[k] * l.y + dr[(k + 1) % n] * l.z));
        map
    }
}

/// Rasterises the fan of a closed contour from its centroid: `f(x, y, (edge, barycentric))`.
fn fan(contour: Vec<Vec2>, w: u32, h: u32, mut f: impl FnMut(u32, u32, (usize, Vec3))) {
    let n = contour.len();
    let c = contour.iter().sum::<Vec2>() / n as f32;
    for k in 0..n {
        raster([c, contour[k], contour[(k + 1) % n]], w, h, |x, y, l| f(x, y, (k, l)));
    }
}
