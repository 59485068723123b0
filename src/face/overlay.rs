//! Drawing the face mesh and landmarks over an image, to check a rig by eye.

use glam::Vec2;
use image::{Rgba, RgbaImage};

use super::mesh::FaceMesh;

/// Draws a one-pixel line from `a` to `b` (clipped to the image).
pub fn draw_line(img: &mut RgbaImage, a: Vec2, b: Vec2, color: Rgba<u8>) {
    let steps = (b - a).abs().max_element().ceil().clamp(1.0, 100_000.0) as usize;
    for k in 0..=steps {
        let p = a.lerp(b, k as f32 / steps as f32);
        put(img, p.x.round() as i64, p.y.round() as i64, color);
    }
}

/// Draws a filled square dot of half-size `r` centred on `p`.
pub fn draw_dot(img: &mut RgbaImage, p: Vec2, r: i64, color: Rgba<u8>) {
    let (cx, cy) = (p.x.round() as i64, p.y.round() as i64);
    for y in cy - r..=cy + r {
        for x in cx - r..=cx + r {
            put(img, x, y, color);
        }
    }
}

fn put(img: &mut RgbaImage, x: i64, y: i64, color: Rgba<u8>) {
    if x >= 0 && y >= 0 && (x as u32) < img.width() && (y as u32) < img.height() {
        img.put_pixel(x as u32, y as u32, color);
    }
}

/// Draws every mesh edge at `positions` (from [`super::MeshDeformer::place`]) and the 68 landmarks.
pub fn draw_mesh(img: &mut RgbaImage, mesh: &FaceMesh, positions: &[Vec2]) {
    let edge = Rgba([40, 220, 255, 255]);
    for t in &mesh.triangles {
        for k in 0..3 {
            let (a, b) = (t[k] as usize, t[(k + 1) % 3] as usize);
            if a < b {
                draw_line(img, positions[a], positions[b], edge);
            }
        }
    }
    // Edges shared by two triangles are drawn once from each side only if a < b; the boundary
    // of holes is drawn by its single triangle in whichever order it comes.
    for t in &mesh.triangles {
        for k in 0..3 {
            let (a, b) = (t[k] as usize, t[(k + 1) % 3] as usize);
            if a > b {
                draw_line(img, positions[a], positions[b], edge);
            }
        }
    }
    for p in &positions[..super::N_LANDMARKS] {
        draw_dot(img, *p, 1, Rgba([255, 60, 60, 255]));
    }
}
