//! Unit tests of the eyeball layers on synthetic eyes.

use super::*;

/// A white and the skin of the synthetic eyes.
const WHITE: [f32; 3] = [0.9, 0.9, 0.88];
const SKIN: [f32; 3] = [0.8, 0.6, 0.5];

/// The colour of the synthetic iris at distance `d` from its centre, on its left (image left)
/// or right half: brown on the left, green on the right, both lighter outwards.
fn iris_colour(d: f32, left: bool) -> [f32; 3] {
    if left { [0.05 + 0.025 * d, 0.05 + 0.015 * d, 0.04] } else { [0.05, 0.04 + 0.025 * d, 0.05 + 0.01 * d] }
}

/// An almond opening (18 contour points on an ellipse) centred at `c`, `a` by `b` px half-axes.
fn almond(c: Vec2, a: f32, b: f32) -> [Vec2; EYE_CONTOUR] {
    std::array::from_fn(|i| {
        let t = i as f32 / EYE_CONTOUR as f32 * std::f32::consts::TAU;
        c + Vec2::new(-a * t.cos(), -b * t.sin())
    })
}

/// A synthetic portrait with two eyes: at (50.5, 40.5) an almond 60 px wide and 14 px high
/// with white sclera and an iris of radius 12 centred in it (the lids hide its top and bottom)
/// and a catchlight on its lower left; at (150.5, 40.5) a smaller almond, 50 by 10 px, white
/// only (no iris to find). Both are wider than [`EYE_LAYER_WIDTH`]: their layers are built
/// at the portrait's own size.
fn portrait() -> (RgbaImage, [[Vec2; EYE_CONTOUR]; 2], Vec2, f32, Vec2) {
    portrait_at(1.0)
}

/// [`portrait`] drawn `f` times its size (its pixels sampled at their centres).
fn portrait_at(f: f32) -> (RgbaImage, [[Vec2; EYE_CONTOUR]; 2], Vec2, f32, Vec2) {
    let (c, r) = (Vec2::new(50.5, 40.5), 12.0);
    let light = c + Vec2::new(-5.0, 4.5);
    let eyes = [almond(c, 30.0, 7.0), almond(Vec2::new(150.5, 40.5), 25.0, 5.0)];
    let image = RgbaImage::from_fn((200.0 * f) as u32, (80.0 * f) as u32, |x, y| {
        let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5) / f;
        let rgb = if inside(&eyes[0], p) {
            if p.distance(light) < 1.5 {
                [0.97, 0.97, 0.97]
            } else if p.distance(c) < r {
                iris_colour(p.distance(c), p.x < c.x)
            } else {
                WHITE
            }
        } else if inside(&eyes[1], p) {
            WHITE
        } else {
            SKIN
        };
        to_rgba(rgb)
    });
    (image, eyes.map(|o| o.map(|p| p * f)), c * f, r * f, light * f)
}

fn near(a: [f32; 3], b: [f32; 3], tol: f32) -> bool {
    (0..3).all(|i| (a[i] - b[i]).abs() <= tol)
}

fn eyeballs(sclera: [[f32; 3]; 2]) -> (Eyeballs, [[Vec2; EYE_CONTOUR]; 2], Vec2, f32) {
    let (image, eyes, c, r, _) = portrait();
    let corners = eyes.map(|o| [o[0], o[EYE_CONTOUR / 2]]);
    (Eyeballs::new(&image, &eyes, corners, sclera), eyes, c, r)
}

#[test]
fn the_iris_is_found_and_its_hidden_top_and_bottom_drawn_from_its_own_half() {
    // The sclera colour given is darker than the eye's own white: the fill takes the white.
    let (eyes, openings, c, r) = eyeballs([[0.7, 0.7, 0.69]; 2]);
    let found = eyes.iris(0).expect("an iris");
    assert!(found.centre.distance(c) < 0.6, "centre {} for {c}", found.centre);
    assert!((found.radius - r).abs() < 0.6, "radius {} for {r}", found.radius);
    // Above and below the opening (the lids hide them): inside the iris its own colour at that
    // distance from the centre and on that side (not the other half's, not the catchlight's),
    // outside it the eye's white.
    let (mut iris_checked, mut white_checked) = (0, 0);
    for y in 20..61 {
        for x in 30..71 {
            let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            let d = p.distance(c);
            if inside(&openings[0], p) || (d - r).abs() < 1.5 || (p.x - c.x).abs() < 2.0 {
                continue;
            }
            let got = eyes.sample(0, p);
            if d < r {
                iris_checked += 1;
                let want = iris_colour(d, p.x < c.x);
                assert!(near(got, want, 0.04), "hidden iris at {p} (d {d:.1}): {got:?} for {want:?}");
            } else if d < r + 6.0 {
                white_checked += 1;
                assert!(near(got, WHITE, 0.03), "hidden sclera at {p}: {got:?}");
            }
        }
    }
    assert!(iris_checked > 40 && white_checked > 100, "{iris_checked} iris, {white_checked} sclera points");
}

#[test]
fn a_small_eyes_iris_is_found_in_its_enlarged_layer() {
    // The synthetic eyes at a third of their size: 20 and 17 px wide, an iris of radius 4 in
    // an opening 4.7 px high, which the lids' fringe all but covers at the portrait's size.
    let f = 1.0 / 3.0;
    let (image, eyes, c, r, _) = portrait_at(f);
    let corners = eyes.map(|o| [o[0], o[EYE_CONTOUR / 2]]);
    let balls = Eyeballs::new(&image, &eyes, corners, [WHITE; 2]);
    assert_eq!(balls.scale(), 3, "a 17 px eye's layers are built at 3x");
    let found = balls.iris(0).expect("the small eye's iris");
    assert!(found.centre.distance(c) < 0.35, "centre {} for {c}", found.centre);
    assert!((found.radius - r).abs() < 0.35, "radius {} for {r}", found.radius);
    assert_eq!(balls.iris(1), None, "the white eye has no iris");
    // Above the opening, over the iris's hidden top: iris, not white.
    let top = c - Vec2::new(0.0, r - 1.0);
    assert!(!inside(&eyes[0], top));
    let got = balls.sample(0, top);
    assert!(crate::face::colours::luma(got) < 0.4, "hidden iris top {got:?}");
    // The layer at the portrait's own size found nothing there (the fringe left too little).
    let own = eye_layer(&image, &eyes[0], corners[0][0].distance(corners[0][1]), WHITE, 1);
    assert_eq!(own.1, None);
}

#[test]
fn an_eye_without_an_iris_is_its_sclera_colour_throughout() {
    // The second eye shows white only: nothing dark to find; its whole layer, the shown part
    // too, is the colour given (as every uncovered eye was drawn before).
    let sclera = [0.2, 0.2, 0.2];
    let (eyes, openings, ..) = eyeballs([WHITE, sclera]);
    assert_eq!(eyes.iris(1), None);
    let centre = openings[1].iter().sum::<Vec2>() / EYE_CONTOUR as f32;
    for p in [centre, centre + Vec2::new(0.0, -12.0), centre + Vec2::new(15.0, 3.0)] {
        assert!(near(eyes.sample(1, p), sclera, 0.5 / 255.0 + 1e-6), "{p}: {:?}", eyes.sample(1, p));
    }
}

#[test]
fn samples_stay_in_their_eyes_box() {
    let sclera = [0.2, 0.2, 0.2];
    let (eyes, ..) = eyeballs([WHITE, sclera]);
    samples_stay_in_boxes(&eyes, sclera, 1.0);
    // Built at 3× (the eyes a third of the size): the clamp is half an atlas pixel, not half
    // a portrait pixel.
    let (image, openings, ..) = portrait_at(1.0 / 3.0);
    let corners = openings.map(|o| [o[0], o[EYE_CONTOUR / 2]]);
    let small = Eyeballs::new(&image, &openings, corners, [WHITE, sclera]);
    assert_eq!(small.scale(), 3);
    samples_stay_in_boxes(&small, sclera, 1.0 / 3.0);
}

/// The checks of [`samples_stay_in_their_eyes_box`] on eyeballs whose portrait is `f` times the
/// synthetic one's size.
fn samples_stay_in_boxes(eyes: &Eyeballs, sclera: [f32; 3], f: f32) {
    let [a, b] = eyes.boxes();
    assert!(a.at.x + a.size.x * a.scale < b.at.x, "the boxes overlap in the atlas: {a:?} {b:?}");
    assert!(a.size.y != b.size.y, "the boxes differ in height: {a:?} {b:?}");
    // Far outside its box in any direction a sample reads the box's nearest edge: the
    // flat second eye reads its own grey everywhere, the first never reads that grey.
    for p in [Vec2::new(-500.0, 40.0), Vec2::new(900.0, 40.0), Vec2::new(50.0, 900.0), Vec2::new(150.0, -900.0)] {
        let p = p * f;
        assert!(near(eyes.sample(1, p), sclera, 0.5 / 255.0 + 1e-6), "eye 1 at {p}: {:?}", eyes.sample(1, p));
        assert!(!near(eyes.sample(0, p), sclera, 0.1), "eye 0 at {p} reads eye 1: {:?}", eyes.sample(0, p));
        for (e, bx) in eyes.boxes().iter().enumerate() {
            let q = bx.atlas_point(p);
            let end = bx.at + bx.size * bx.scale - 0.5 + 1e-4;
            assert!(q.cmpge(bx.at + 0.5 - 1e-4).all() && q.cmple(end).all(), "eye {e}: {p} -> {q}");
        }
    }
}

#[test]
fn one_small_eye_does_not_enlarge_a_wide_one() {
    // Corners 12 px apart on one eye (collapsed landmarks, a turned head) and 150 px on the
    // other: the small one alone would ask for 4×; the wide one keeps the layers at 1×.
    let (image, eyes, ..) = portrait();
    let corners = [[Vec2::new(40.0, 40.0), Vec2::new(52.0, 40.0)], [Vec2::new(75.0, 40.0), Vec2::new(225.0, 40.0)]];
    assert_eq!(Eyeballs::new(&image, &eyes, corners, [WHITE; 2]).scale(), 1);
    let corners = [[Vec2::new(40.0, 40.0), Vec2::new(52.0, 40.0)], [Vec2::new(130.0, 40.0), Vec2::new(170.0, 40.0)]];
    assert_eq!(Eyeballs::new(&image, &eyes, corners, [WHITE; 2]).scale(), 4);
}

#[test]
fn a_degenerate_eye_is_drawn_flat_without_panicking() {
    let (image, mut eyes, ..) = portrait();
    eyes[1][3] = Vec2::new(f32::NAN, 1.0);
    let corners = eyes.map(|o| [o[0], o[EYE_CONTOUR / 2]]);
    let balls = Eyeballs::new(&image, &eyes, corners, [WHITE, [0.3, 0.3, 0.3]]);
    assert_eq!(balls.iris(1), None);
    assert!(near(balls.sample(1, Vec2::new(150.0, 40.0)), [0.3, 0.3, 0.3], 0.01));
    let empty = Eyeballs::new(&RgbaImage::new(0, 0), &eyes, corners, [WHITE; 2]);
    assert_eq!(empty.iris(0), None);
    assert!(near(empty.sample(0, Vec2::ZERO), WHITE, 0.01));
}
