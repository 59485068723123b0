//! Head pose from 68 image landmarks: the 3D mean face ([`crate::face::mean`]) fitted to them
//! (the Perspective-n-Point problem), in the renderer's own angles ([`HeadPose`]: yaw, pitch,
//! roll in degrees, as [`PreparedPortrait::pose_matrix`] turns a head).
//!
//! **Which points.** Only the ones an expression leaves in place: the jaw contour above the
//! mouth corners (0–4, 12–16), the nose (27–35) and the eye corners (36, 39, 42, 45). Brows,
//! lids, lips and chin move with the face's expression and would be read as head motion.
//!
//! **Camera.** [`Camera::Orthographic`] (a scaled orthographic or *weak-perspective* camera:
//! image = scale · rotated face + shift, the limit of a long lens) is what this project's renderer
//! draws. [`Camera::Perspective`] takes a focal length in pixels, the principal point at the image
//! centre; [`Camera::webcam`] assumes a focal length equal to the image width (a 53° horizontal
//! field of view, typical of webcams and phone front cameras).
//!
//! **Solver.** Levenberg–Marquardt on the six parameters (three angles, and scale with a 2D shift,
//! or a 3D translation), from the similarity of the eye corners (no rotation), with central
//! finite-difference Jacobians: ~10 iterations of 46 residuals, microseconds per frame.

use glam::{EulerRot, Mat3, Quat, Vec2, Vec3};

use crate::face::cpu_render::{HeadPose, PreparedPortrait};
use crate::face::mean::mean_face;

/// The landmarks the pose is fitted to (see the module docs).
pub const RIGID_LANDMARKS: [usize; 23] =
    [0, 1, 2, 3, 4, 12, 13, 14, 15, 16, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 39, 42, 45];

/// How the image was formed (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Camera {
    /// Scaled orthographic projection (this project's renderer).
    Orthographic,
    /// A pinhole camera with this focal length in pixels, its principal point at `centre`.
    Perspective {
        /// Focal length, pixels.
        focal_px: f32,
        /// Principal point, pixels.
        centre: Vec2,
    },
}

impl Camera {
    /// A pinhole camera whose focal length is the image's width (53° across), centred.
    pub fn webcam(width: u32, height: u32) -> Self {
        Camera::Perspective { focal_px: width as f32, centre: Vec2::new(width as f32, height as f32) / 2.0 }
    }
}

/// A fitted head pose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoseFit {
    /// Yaw, pitch and roll in degrees (the translation and scale fields stay 0: where the head
    /// sits in a clip is not where it sits in a portrait).
    pub pose: HeadPose,
    /// Pixels per inter-ocular distance of the face at its depth.
    pub scale: f32,
    /// Where the midpoint of the outer eye corners projects, pixels.
    pub centre: Vec2,
    /// Root-mean-square distance of the fitted points from the landmarks, in inter-ocular
    /// distances (a face tracked well fits to about 0.03; far more means the landmarks are wrong).
    pub rms_iod: f32,
}

/// Fits the head pose to 68 landmarks (pixels). `None` when the landmarks are degenerate (eye
/// corners together, or values that are not finite).
pub fn fit_head_pose(points: &[[f32; 2]; 68], camera: Camera) -> Option<PoseFit> {
    let pts: Vec<Vec2> = RIGID_LANDMARKS.iter().map(|&i| Vec2::from(points[i])).collect();
    if pts.iter().any(|p| !p.is_finite()) {
        return None;
    }
    let mean = mean_face();
    let model: Vec<Vec3> = RIGID_LANDMARKS.iter().map(|&i| mean[i]).collect();
    let (left, right) = (Vec2::from(points[36]), Vec2::from(points[45]));
    let iod_px = left.distance(right);
    if iod_px < 1e-3 {
        return None;
    }
    let mid = (left + right) / 2.0;
    let roll0 = -((right - left).y.atan2((right - left).x)).to_degrees() as f64;
    // Parameters: yaw, pitch, roll (degrees), then scale and shift (orthographic: pixels per IOD,
    // pixels) or translation (perspective: IOD units, depth from the camera).
    let mut p: [f64; 6] = match camera {
        Camera::Orthographic => [0.0, 0.0, roll0, iod_px as f64, mid.x as f64, mid.y as f64],
        Camera::Perspective { focal_px, centre } => {
            let depth = (focal_px / iod_px) as f64;
            let off = (mid - centre) / focal_px;
            [0.0, 0.0, roll0, off.x as f64 * depth, off.y as f64 * depth, depth]
        }
    };
    let residuals = |p: &[f64; 6]| -> Option<Vec<f64>> {
        let r = rotation(p[0] as f32, p[1] as f32, p[2] as f32);
        let mut out = Vec::with_capacity(2 * pts.len());
        for (x, seen) in model.iter().zip(&pts) {
            let q = r * *x;
            let img = match camera {
                Camera::Orthographic => Vec2::new(p[4] as f32, p[5] as f32) + q.truncate() * p[3] as f32,
                Camera::Perspective { focal_px, centre } => {
                    // z points at the viewer: the point's distance from the camera is depth − z.
                    let d = p[5] as f32 - q.z;
                    if d <= 1e-3 {
                        return None;
                    }
                    centre + (q.truncate() + Vec2::new(p[3] as f32, p[4] as f32)) * (focal_px / d)
                }
            };
            out.push(((img.x - seen.x) / iod_px) as f64);
            out.push(((img.y - seen.y) / iod_px) as f64);
        }
        Some(out)
    };
    let cost = |r: &[f64]| r.iter().map(|v| v * v).sum::<f64>();
    let mut r = residuals(&p)?;
    let mut lambda = 1e-3;
    // Finite-difference steps: 0.05° for angles, a small fraction of the scale or depth.
    let steps = match camera {
        Camera::Orthographic => [0.05, 0.05, 0.05, 1e-4 * p[3], 1e-2, 1e-2],
        Camera::Perspective { .. } => [0.05, 0.05, 0.05, 1e-4 * p[5], 1e-4 * p[5], 1e-4 * p[5]],
    };
    'fit: for _ in 0..50 {
        let n = r.len();
        let mut jac = vec![0.0f64; n * 6];
        for k in 0..6 {
            let (mut hi, mut lo) = (p, p);
            hi[k] += steps[k];
            lo[k] -= steps[k];
            // Central differences; one-sided where a probe would put a point behind the camera.
            let (rh, rl) = (residuals(&hi), residuals(&lo));
            let (a, b, h) = match (&rh, &rl) {
                (Some(a), Some(b)) => (a, b, 2.0 * steps[k]),
                (Some(a), None) => (a, &r, steps[k]),
                (None, Some(b)) => (&r, b, steps[k]),
                (None, None) => break 'fit,
            };
            for i in 0..n {
                jac[i * 6 + k] = (a[i] - b[i]) / h;
            }
        }
        let mut jtj = [0.0f64; 36];
        let mut jtr = [0.0f64; 6];
        for i in 0..n {
            for a in 0..6 {
                jtr[a] += jac[i * 6 + a] * r[i];
                for b in 0..6 {
                    jtj[a * 6 + b] += jac[i * 6 + a] * jac[i * 6 + b];
                }
            }
        }
        let mut improved = false;
        for _ in 0..8 {
            let mut a = jtj;
            for d in 0..6 {
                a[d * 6 + d] *= 1.0 + lambda;
                a[d * 6 + d] += 1e-12;
            }
            let mut b = jtr.map(|v| -v);
            let delta = crate::face::deform::solve_many(&mut a, &mut b, 6, 1);
            let mut q = p;
            for k in 0..6 {
                q[k] += delta[k];
            }
            if let Some(rq) = residuals(&q).filter(|rq| cost(rq) < cost(&r)) {
                let gain = cost(&r) - cost(&rq);
                p = q;
                r = rq;
                lambda = (lambda / 3.0).max(1e-9);
                improved = gain > 1e-14;
                break;
            }
            lambda *= 10.0;
        }
        if !improved {
            break;
        }
    }
    // The mean face's origin is the midpoint of the outer eye corners: where the shift puts it.
    let (scale, centre) = match camera {
        Camera::Orthographic => (p[3] as f32, Vec2::new(p[4] as f32, p[5] as f32)),
        Camera::Perspective { focal_px, centre } => {
            let d = p[5] as f32;
            (focal_px / d, centre + Vec2::new(p[3] as f32, p[4] as f32) * (focal_px / d))
        }
    };
    let rms_iod = (cost(&r) / pts.len() as f64).sqrt() as f32;
    let pose = HeadPose { yaw: p[0] as f32, pitch: p[1] as f32, roll: p[2] as f32, ..HeadPose::default() };
    Some(PoseFit { pose, scale, centre, rms_iod })
}

/// The rotation of a head pose in the face's frame (`x` right, `y` down, `z` to the viewer):
/// the renderer's own ([`PreparedPortrait::pose_matrix`]).
pub fn rotation(yaw: f32, pitch: f32, roll: f32) -> Mat3 {
    let m = PreparedPortrait::pose_matrix(&HeadPose { yaw, pitch, roll, ..HeadPose::default() });
    debug_assert!({
        let q = Quat::from_euler(EulerRot::YXZ, yaw.to_radians(), -pitch.to_radians(), -roll.to_radians());
        (Mat3::from_quat(q) - m).abs().to_cols_array().iter().all(|v| *v < 1e-5)
    });
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mean face posed and projected, as a camera would see it.
    fn project(pose: (f32, f32, f32), camera: Camera, scale: f32, at: Vec2) -> [[f32; 2]; 68] {
        let r = rotation(pose.0, pose.1, pose.2);
        let mean = mean_face();
        std::array::from_fn(|i| {
            let q = r * mean[i];
            let p = match camera {
                Camera::Orthographic => at + q.truncate() * scale,
                Camera::Perspective { focal_px, centre } => {
                    let depth = focal_px / scale;
                    let off = (at - centre) / focal_px * depth;
                    centre + (q.truncate() + off) * (focal_px / (depth - q.z))
                }
            };
            p.to_array()
        })
    }

    #[test]
    fn the_pose_of_a_projected_mean_face_is_recovered() {
        let cameras = [Camera::Orthographic, Camera::webcam(640, 480)];
        for camera in cameras {
            for pose in [(0.0, 0.0, 0.0), (20.0, 0.0, 0.0), (-20.0, 10.0, -10.0), (12.0, -10.0, 8.0), (-5.0, 4.0, 25.0)]
            {
                let points = project(pose, camera, 110.0, Vec2::new(300.0, 220.0));
                let fit = fit_head_pose(&points, camera).expect("a fit");
                let got = (fit.pose.yaw, fit.pose.pitch, fit.pose.roll);
                let err = (got.0 - pose.0).abs().max((got.1 - pose.1).abs()).max((got.2 - pose.2).abs());
                assert!(err < 0.05, "{camera:?} {pose:?}: got {got:?}");
                assert!(fit.rms_iod < 1e-3, "{camera:?} {pose:?}: rms {}", fit.rms_iod);
                assert!((fit.scale - 110.0).abs() < 0.5, "scale {}", fit.scale);
            }
        }
    }

    #[test]
    fn noisy_landmarks_give_the_pose_within_a_degree_or_two() {
        let mut seed = 7u32;
        let mut noise = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            ((seed >> 8) as f32 / (1 << 24) as f32 - 0.5) * 2.0
        };
        let pose = (15.0, -8.0, 6.0);
        let mut points = project(pose, Camera::Orthographic, 100.0, Vec2::new(200.0, 200.0));
        // ±1.5 px on a 100 px inter-ocular distance: a landmark net's usual error.
        for p in &mut points {
            p[0] += 1.5 * noise();
            p[1] += 1.5 * noise();
        }
        let fit = fit_head_pose(&points, Camera::Orthographic).unwrap();
        assert!((fit.pose.yaw - 15.0).abs() < 2.0 && (fit.pose.pitch + 8.0).abs() < 2.0 && (fit.pose.roll - 6.0).abs() < 1.0, "{:?}", fit.pose);
        assert!(fit.rms_iod > 0.003 && fit.rms_iod < 0.03, "rms {}", fit.rms_iod);
    }

    #[test]
    fn degenerate_landmarks_are_refused() {
        assert!(fit_head_pose(&[[5.0, 5.0]; 68], Camera::Orthographic).is_none());
        let mut bad = project((0.0, 0.0, 0.0), Camera::Orthographic, 100.0, Vec2::splat(200.0));
        bad[30][0] = f32::NAN;
        assert!(fit_head_pose(&bad, Camera::Orthographic).is_none());
    }
}
