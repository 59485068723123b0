//! The eyeball the lids hide (`cpu_render::Eyeballs`, #14's twenty-sixth pass): a widened lid,
//! a gaze or a photograph's own squint undone uncovers eyeball the portrait never showed. Until
//! then it was drawn in one flat sclera colour: a widened eye showed a flat-topped iris under a
//! grey slab. Now the iris is found as a circle and completed, and the sclera carried on from the
//! shown sclera.

use emotalk::face::blendshapes::{BlendshapeBasis, index_of};
use emotalk::face::cpu_render::{HeadPose, PreparedPortrait, edge_distance, inside};
use emotalk::face::mesh::FaceMesh;
use glam::Vec2;
use image::imageops::FilterType;

fn luma(c: [f32; 3]) -> f32 {
    0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
}

fn px(img: &image::RgbaImage, p: Vec2) -> [f32; 3] {
    let c = img.get_pixel(p.x as u32, p.y as u32).0;
    [c[0], c[1], c[2]].map(|v| v as f32 / 255.0)
}

/// The iris the NPC painter drew in the eye whose landmarks start at `start` (36 right, 42 left):
/// centred on the six landmarks, radius 0.55 of the opening's height, at least 0.035 of the
/// face's scale (`face::npc`, `paint_features`).
fn painted_iris(npc: &emotalk::face::npc::NpcPortrait, start: usize) -> (Vec2, f32) {
    let lm = npc.rig.points();
    let pts = &lm[start..start + 6];
    let c = pts.iter().sum::<Vec2>() / 6.0;
    let open = (pts[5].y + pts[4].y - pts[1].y - pts[2].y) / 2.0;
    (c, (0.55 * open).max(0.035 * npc.params.placement().scale()))
}

/// On painted characters, whose irises are circles the lids cut, the iris found is the painted
/// one: its centre within a pixel, its radius within 0.6 px (the iris is 5–7 px in radius at
/// 512 px).
#[test]
fn the_iris_is_found_where_the_painter_put_it() {
    let basis = BlendshapeBasis::default_basis();
    for seed in [1, 3, 5, 7, 11, 42] {
        let npc = emotalk::face::npc::generate(seed, 512);
        let p = PreparedPortrait::new(npc.image.clone(), &npc.rig, basis).unwrap();
        for (e, start) in [(0, 36), (1, 42)] {
            let (c, r) = painted_iris(&npc, start);
            let found = p.eyeballs().iris(e).unwrap_or_else(|| panic!("seed {seed} eye {e}: no iris found"));
            println!("seed {seed} eye {e}: painted {c} r {r:.2}, found {} r {:.2}", found.centre, found.radius);
            assert!(found.centre.distance(c) < 1.0, "seed {seed} eye {e}: centre {} for {c}", found.centre);
            assert!((found.radius - r).abs() < 0.6, "seed {seed} eye {e}: radius {} for {r}", found.radius);
        }
    }
}

/// On the astronaut's photograph enlarged 3× (CatmullRom) her iris is found and completed where
/// a widened eye looking down uncovers it (the uncovered pixels in its circle darker than 0.7 of
/// the uncovered sclera's median luma: drawn in the flat sclera colour until the twenty-sixth
/// pass, they failed this), and the uncovered sclera is as light as her own shown sclera (its
/// median luma at least 0.85 of the median of the shown sclera's brighter half; her sclera
/// estimate is about as light, so this guards the fill against her lids' shadow rather than
/// telling it from the flat colour). At her own size (her eyes are 17 px wide: their layers are
/// built at 3×, `EYE_LAYER_WIDTH`; until the twenty-eighth pass the lids' fringe left 9 of their
/// pixels to look for an iris in, too few, and their uncovered eyeball was one sclera colour) the
/// same iris is found.
#[test]
fn a_photographs_uncovered_eye_is_as_light_as_its_own_white() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/portraits");
    let rig =
        emotalk::face::import::import_rig(&dir.join("astronaut.png"), &dir.join("astronaut.landmarks68.json")).unwrap();
    let small = image::open(dir.join("astronaut.png")).unwrap().to_rgba8();
    let basis = BlendshapeBasis::default_basis();
    let at_own_size = PreparedPortrait::new(small.clone(), &rig, basis).unwrap();
    assert_eq!(at_own_size.eyeballs().scale(), 3, "17 px eyes");
    let k = 3;
    let mut big = rig.clone();
    let image = image::imageops::resize(&small, small.width() * k, small.height() * k, FilterType::CatmullRom);
    big.width *= k;
    big.height *= k;
    for l in big.landmarks.iter_mut() {
        *l = l.map(|v| v * k as f32);
    }
    if let Some(b) = big.face_box.as_mut() {
        *b = b.map(|v| v * k as f32);
    }
    let enlarged = uncovered_eye_is_light(&image, &big);
    assert_eq!(enlarged.eyeballs().scale(), 1, "51 px eyes");
    for e in 0..2 {
        let (own, three) = (at_own_size.eyeballs().iris(e), enlarged.eyeballs().iris(e).unwrap());
        let own = own.unwrap_or_else(|| panic!("eye {e}: no iris found at her own size"));
        let (c3, r3) = (three.centre / k as f32, three.radius / k as f32);
        println!("eye {e}: iris at her own size {} r {:.2}, at 3x {c3} r {r3:.2}", own.centre, own.radius);
        // Within a twentieth of a pixel: a half-pixel slip between the enlarged layer and the
        // portrait would show here.
        assert!(own.centre.distance(c3) < 0.05 && (own.radius - r3).abs() < 0.05, "eye {e}: {own:?} against {c3} {r3}");
    }
}

/// The enlarged photograph's part of [`a_photographs_uncovered_eye_is_as_light_as_its_own_white`]:
/// the uncovered eye rendered and measured; returns the prepared portrait.
fn uncovered_eye_is_light(image: &image::RgbaImage, rig: &emotalk::face::PortraitRig) -> PreparedPortrait {
    let basis = BlendshapeBasis::default_basis();
    let p = PreparedPortrait::new(image.clone(), rig, basis).unwrap();
    let mut w = vec![0.0; 52];
    for (n, v) in [("eyeWideLeft", 1.0), ("eyeWideRight", 1.0), ("eyeLookDownLeft", 1.0), ("eyeLookDownRight", 1.0)] {
        w[index_of(n).unwrap()] = v;
    }
    let pose = HeadPose::default();
    let out = p.render(&w, &pose, basis);
    let q = p.deformed_vertices(&w, &pose, basis);
    let mesh = FaceMesh::get();
    let median = |mut v: Vec<f32>| {
        v.sort_by(f32::total_cmp);
        v[v.len() / 2]
    };
    for e in 0..2 {
        let iris = p.eyeballs().iris(e).unwrap_or_else(|| panic!("eye {e}: no iris found"));
        let opening = p.eye_opening(e);
        let frame = p.eye_frame(e, &q, &w, &pose);
        let lids: Vec<Vec2> = mesh.eye_contours[e].iter().map(|&v| q[v]).collect();
        let rest: Vec<Vec2> = mesh.eye_contours[e].iter().map(|&v| p.rest()[v]).collect();
        let (lo, hi) = lids.iter().fold((Vec2::MAX, Vec2::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        // Her own white: the shown opening beyond the lids' fringe and the iris, its brighter half.
        let own_white = {
            let (olo, ohi) = opening.iter().fold((Vec2::MAX, Vec2::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
            let mut own = Vec::new();
            for y in olo.y as u32..=ohi.y as u32 {
                for x in olo.x as u32..=ohi.x as u32 {
                    let at = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
                    if inside(&opening, at)
                        && edge_distance(&opening, at) > 1.5
                        && at.distance(iris.centre) > iris.radius + 1.5
                    {
                        own.push(luma(px(image, at)));
                    }
                }
            }
            assert!(own.len() > 20, "eye {e}: {} shown sclera pixels", own.len());
            own.sort_by(f32::total_cmp);
            median(own[own.len() / 2..].to_vec())
        };
        let (mut white, mut dark) = (Vec::new(), Vec::new());
        for y in lo.y as u32..=hi.y as u32 {
            for x in lo.x as u32..=hi.x as u32 {
                let at = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
                let ball = frame.source(at);
                if !inside(&lids, at) || rim_shows_lid(&lids, &rest, &opening, at) || inside(&opening, ball) {
                    continue;
                }
                let d = ball.distance(iris.centre);
                if d > iris.radius + 1.5 {
                    white.push(luma(px(&out, at)));
                } else if d < iris.radius - 1.5 {
                    dark.push(luma(px(&out, at)));
                }
            }
        }
        assert!(
            white.len() > 20 && dark.len() > 5,
            "eye {e}: {} sclera, {} iris pixels uncovered",
            white.len(),
            dark.len()
        );
        let (w_med, d_med) = (median(white.clone()), median(dark.clone()));
        println!(
            "eye {e}: own white {own_white:.3}; uncovered sclera {w_med:.3} ({} px), iris {d_med:.3} ({} px)",
            white.len(),
            dark.len()
        );
        assert!(w_med >= 0.85 * own_white, "eye {e}: uncovered sclera {w_med:.3} against her own {own_white:.3}");
        assert!(d_med < 0.7 * w_med, "eye {e}: uncovered iris {d_med:.3} against the sclera {w_med:.3}");
    }
    p
}

/// Whether output pixel `at` inside the widened lids `lids` shows the lids' rim (the lash line):
/// the renderer fans the rest contour `rest` onto the deformed one from their centroids, and a
/// pixel whose fanned rest point lies outside the eyeball's rest `opening` shows the lid there.
fn rim_shows_lid(lids: &[Vec2], rest: &[Vec2], opening: &[Vec2], at: Vec2) -> bool {
    let n = lids.len();
    let (cd, cr) = (lids.iter().sum::<Vec2>() / n as f32, rest.iter().sum::<Vec2>() / n as f32);
    for k in 0..n {
        let (a, b) = (lids[k], lids[(k + 1) % n]);
        let area = (a - cd).perp_dot(b - cd);
        if area.abs() < 1e-6 {
            continue;
        }
        let l1 = (b - a).perp_dot(at - a) / area;
        let l2 = (cd - b).perp_dot(at - b) / area;
        let l3 = 1.0 - l1 - l2;
        if l1 >= -1e-4 && l2 >= -1e-4 && l3 >= -1e-4 {
            let fanned = cr * l1 + rest[k] * l2 + rest[(k + 1) % n] * l3;
            return !inside(opening, fanned);
        }
    }
    true
}
