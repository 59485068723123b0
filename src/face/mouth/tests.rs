//! Tests of the mouth fill ([`super::fill_mouth`]) and the portrait's own interior
//! ([`super::OwnInterior`]); `contour` is shared with the seam's and teeth's tests.

use glam::Vec2;
use image::{Rgba, RgbaImage};

use super::{LipTravel, MouthFrame, MouthShape, OwnInterior, fill_mouth, shade_seam_line};

/// An inner lip contour (iBUG 60–67) from x = 100 to 180 at y = 100, the upper lip's middle
/// `gap` pixels above the lower's (negative: the lips overlap, pressed together).
pub(crate) fn contour(gap: f32) -> Vec<Vec2> {
    let (u, l) = (100.0 - gap / 2.0, 100.0 + gap / 2.0);
    [(100.0, 100.0), (120.0, u), (140.0, u), (160.0, u), (180.0, 100.0), (160.0, l), (140.0, l), (120.0, l)]
        .map(|(x, y)| Vec2::new(x, y))
        .to_vec()
}

#[test]
fn lips_closing_over_teeth_draw_the_same_line_whether_or_not_a_pixel_centre_falls_in_the_opening() {
    // The portrait: lips (204, 127, 127) around its own opening, 20 px of white teeth in it.
    // The astronaut's scale: SEAM_WIDTH is half a pixel.
    let (scale, lip) = (43.0, [0.8, 0.5, 0.5]);
    let lip_px = Rgba([204, 127, 127, 255]);
    let rest = contour(20.0);
    let mut image = RgbaImage::from_pixel(280, 200, lip_px);
    for (x, y, px) in image.enumerate_pixels_mut() {
        if crate::face::cpu_render::inside(&rest, Vec2::new(x as f32 + 0.5, y as f32 + 0.5)) {
            *px = Rgba([250, 250, 245, 255]);
        }
    }
    // The lips meet on row 100's pixel centres (shift 0.5) or between two rows' (0).
    for shift in [0.5f32, 0.0] {
        let at = |gap: f32| contour(gap).into_iter().map(|v| v + Vec2::new(0.0, shift)).collect::<Vec<_>>();
        let draw = |gap: f32| {
            let mut out = RgbaImage::from_pixel(280, 200, lip_px);
            fill_mouth(
                &mut out,
                &image,
                &MouthShape::new(&at(gap)),
                &MouthShape::new(&rest),
                lip,
                [0.95, 0.92, 0.85],
                scale,
                1.0,
                [&LipTravel::default(); 2],
            );
            let shape = MouthShape::new(&at(gap));
            shade_seam_line(&mut out, &shape, &shape, lip, scale, 1.0);
            out
        };
        let touching = draw(0.0);
        let column = |img: &RgbaImage, x: u32| (90..110).map(|y| img.get_pixel(x, y).0[0]).collect::<Vec<_>>();
        for gap in [0.3f32, 0.6, 0.9] {
            let parted = draw(gap);
            for x in 105..176 {
                let (a, b) = (column(&touching, x), column(&parted, x));
                // No teeth, nothing brighter than the lips, and the line no darker than where the
                // lips touch (before, a pixel whose centre fell inside the opening took the seam's
                // full shade: a darker block beside the line's anti-aliased pixels, a stepped
                // line), fading as the lips part (`seam_shadow`) but still there.
                assert!(b.iter().all(|&v| v <= 204), "gap {gap}, column {x}: {b:?}");
                let (da, db) = (*a.iter().min().unwrap() as i32, *b.iter().min().unwrap() as i32);
                assert!(
                    db >= da - 4 && db <= (204 + da) / 2,
                    "gap {gap}, column {x}: darkest {db} vs {da} touching, shift {shift}"
                );
            }
        }
    }
}

/// Lips closed at rest, or parted by less than a pixel (a smile's corners), that part by less
/// than a pixel more cover the pixels whose centre falls in the opening with the new sliver's
/// share of the interior only, the rest the portrait's own pixel there, as an opening a pixel
/// or more tall at rest does. Until #14's twenty-fourth pass the portrait's own opening was
/// sampled from a pixel up, and such a pixel took the dark cavity in full: isolated dark dots
/// at the corners of a smile on insightface's group photo (53 of 255 beside 105 where the
/// photograph's own opening, a pixel and a half tall, was sampled).
#[test]
fn lips_closed_at_rest_parting_by_less_than_a_pixel_show_that_share_of_the_opening() {
    let (scale, lip) = (43.0, [0.8, 0.5, 0.5]);
    let lip_px = Rgba([204, 127, 127, 255]);
    let image = RgbaImage::from_pixel(280, 200, lip_px);
    // The frame's opening over the portrait's, no closure: the portrait with its mouth filled.
    let fill = |image: &RgbaImage, frame: &[Vec2], rest: &[Vec2]| {
        let mut out = image.clone();
        let (frame, rest) = (MouthShape::new(frame), MouthShape::new(rest));
        let teeth = [0.95, 0.92, 0.85];
        fill_mouth(&mut out, image, &frame, &rest, lip, teeth, scale, 0.0, [&LipTravel::default(); 2]);
        out
    };
    // Pixel centres on row 100 (shift 0.5) or on either side of the lips' meeting (0).
    for shift in [0.5f32, 0.0] {
        let at = |gap: f32| contour(gap).into_iter().map(|v| v + Vec2::new(0.0, shift)).collect::<Vec<_>>();
        let mut darkest_middle = Vec::new();
        for gap in [0.2f32, 0.5, 0.8] {
            let out = fill(&image, &at(gap), &at(0.0));
            for x in 100..181 {
                let column: Vec<u8> = (95..106).map(|y| out.get_pixel(x, y).0[1]).collect();
                let darkest = *column.iter().min().unwrap() as f32;
                // At most the sliver's share of the pixel is the interior.
                assert!(darkest >= (1.0 - gap) * 127.0 - 1.5, "gap {gap}, shift {shift}, column {x}: {column:?}");
            }
            darkest_middle.push(out.get_pixel(140, 100).0[1]);
        }
        if shift == 0.5 {
            // The interior does show, more as the lips part.
            assert!(darkest_middle.windows(2).all(|w| w[1] < w[0]) && darkest_middle[0] < 127, "{darkest_middle:?}");
        } else {
            // No pixel centre falls in the sliver: nothing is drawn.
            assert_eq!(darkest_middle, [127; 3]);
        }
    }
    // A portrait's own opening, painted a lighter colour on row 100, 0.8 and 1.2 px tall at
    // rest, opened 0.1 px more: alike, its own colour but for a tenth of the pixel.
    let drawn = |rest_gap: f32| {
        let at = |gap: f32| contour(gap).into_iter().map(|v| v + Vec2::new(0.0, 0.5)).collect::<Vec<_>>();
        let mut image = image.clone();
        for x in 100..181 {
            image.put_pixel(x, 100, Rgba([230, 180, 160, 255]));
        }
        fill(&image, &at(rest_gap + 0.1), &at(rest_gap)).get_pixel(140, 100).0[1]
    };
    let (thin, wide) = (drawn(0.8), drawn(1.2));
    assert!(thin >= 160 && thin.abs_diff(wide) <= 4, "{thin} at 0.8 px, {wide} at 1.2 px");
    // Opened further, a sub-pixel opening of its own gives way to the procedural interior (a
    // painted seam would line the opening with a dark edge over the teeth).
    let own = |own_height: f32, height: f32| super::thin_own_opening(own_height, height);
    assert_eq!([own(0.8, 0.9), own(0.8, 1.5), own(0.8, 3.0), own(1.2, 3.0)], [1.0, 0.5, 0.0, 1.0]);
}

/// An open mouth's edge is the smooth curve through the landmarks, anti-aliased: beside a
/// corner it bulges beyond their polygon (until #14's nineteenth pass the opening was the
/// polygon, a hexagon with hard edges), and a pixel the edge halves is half lip, half mouth.
#[test]
fn an_open_mouths_edge_is_smooth_and_anti_aliased() {
    // Lips (204, 127, 127) everywhere, closed at rest; the frame opens them 19 px (the upper
    // edge's flat middle at y = 90.5, half way across row 90). No teeth at this scale.
    let (scale, lip) = (1000.0, [0.8, 0.5, 0.5]);
    let lip_px = Rgba([204, 127, 127, 255]);
    let image = RgbaImage::from_pixel(280, 200, lip_px);
    let mut out = image.clone();
    let open = contour(19.0);
    fill_mouth(
        &mut out,
        &image,
        &MouthShape::new(&open),
        &MouthShape::new(&contour(0.0)),
        lip,
        [0.95, 0.92, 0.85],
        scale,
        0.0,
        [&LipTravel::default(); 2],
    );
    let r = |x: u32, y: u32| out.get_pixel(x, y).0[0];
    // Ten pixels from the right corner the chord to the first landmark is at y = 95.25; the
    // curve is at 93.1, so the pixel centred at 94.5 is mouth, not lip.
    assert!(!crate::face::cpu_render::inside(&open, Vec2::new(110.5, 94.5)));
    assert!(r(110, 94) < 100, "beyond the polygon, inside the curve: {}", r(110, 94));
    // The flat middle: lip above, half and half on the edge, mouth below.
    let column: Vec<u8> = (87..94).map(|y| r(140, y)).collect();
    assert_eq!(r(140, 89), 204, "{column:?}");
    assert!(r(140, 91) < 100, "{column:?}");
    let half = (204.0 + r(140, 91) as f32) / 2.0;
    assert!((r(140, 90) as f32 - half).abs() < 12.0, "{column:?}");
    // Outside the opening the lips drawn before stay, beyond the corners too.
    assert_eq!(r(140, 80), 204);
    assert_eq!(r(97, 100), 204);
}

/// The parts of a portrait's own opening and the procedural band between them, in the middle
/// of a frame whose lips are `gap` apart, over a rest opening `rest_gap` tall.
fn own_interior(rest_gap: f32, gap: f32, own_teeth: bool, travel: (f32, f32), scale: f32) -> OwnInterior {
    let (here, then) = (
        MouthFrame::at(&MouthShape::new(&contour(gap)), 0.5),
        MouthFrame::at(&MouthShape::new(&contour(rest_gap)), 0.5),
    );
    OwnInterior::new(&here, &then, own_teeth, travel, scale)
}

#[test]
fn a_painted_seam_follows_its_lips_and_the_interior_between_covers_what_it_covers_of_a_pixel() {
    let seam = |gap: f32| own_interior(20.0, gap, false, (3.0, 3.0), 500.0);
    // At the portrait's own opening (20 px, 10 to each lip) there is no band at all, and each
    // half is sampled where it is (a seam ignores the lips' travel: it is the lips' own edge).
    let rest = seam(20.0);
    assert!((0..40).all(|i| rest.procedural_cover(i as f32 * 0.5, 20.0 - i as f32 * 0.5) == 0.0));
    assert!(rest.upper_holds(9.9) && !rest.upper_holds(10.1));
    assert_eq!((rest.upper_depth(4.0), rest.lower_height(4.0)), (4.0, 4.0));
    // Opened 0.3 px wider: a band 0.3 px thin, all of it in the pixel across it, none in the
    // next (before, a pixel whose centre fell in it was drawn as the dark cavity in full).
    let thin = seam(20.3);
    assert!((thin.procedural_cover(10.15, 10.15) - 0.3).abs() < 1e-5);
    assert_eq!(thin.procedural_cover(11.15, 9.15), 0.0);
    // Opened 6 px wider: the pixels whose centre it holds; each half keeps to its lip.
    let wide = seam(26.0);
    assert_eq!(wide.procedural_cover(13.0, 13.0), 1.0);
    assert_eq!(wide.procedural_cover(10.2, 15.8), 1.0);
    assert_eq!(wide.procedural_cover(9.8, 16.2), 0.0);
    assert_eq!((wide.upper_depth(9.8), wide.lower_height(9.8)), (9.8, 9.8));
}

/// A portrait that shows its teeth keeps them on the skull: a dropped jaw opens the cavity
/// below them instead of splitting them into two rows, a lowered upper lip covers them, a
/// raised one uncovers the procedural teeth above them, and a lower lip pulled down beyond
/// the jaw the procedural lower teeth.
#[test]
fn a_portraits_own_teeth_stay_where_the_skull_holds_them() {
    // 90 px per face-model unit (1 px per mm), 8 px of teeth between the lips at rest: all of
    // the opening is upper teeth (less than UPPER_TEETH, 9 px).
    let scale = 90.0;
    let rest = own_interior(8.0, 8.0, true, (0.0, 0.0), scale);
    assert!((0..16).all(|i| rest.procedural_cover(i as f32 * 0.5, 8.0 - i as f32 * 0.5) == 0.0));
    assert!((0..16).all(|i| rest.upper_holds(i as f32 * 0.5)));
    // The jaw drops 12 px (the lower lip with it): the teeth stay under the upper lip, the
    // cavity opens below them.
    let open = own_interior(8.0, 20.0, true, (0.0, 0.0), scale);
    assert!(open.upper_holds(5.0) && open.upper_depth(5.0) == 5.0 && open.procedural_cover(5.0, 15.0) == 0.0);
    assert_eq!(open.procedural_cover(12.0, 8.0), 1.0);
    assert_eq!(open.procedural_cover(19.5, 0.5), 1.0);
    // The upper lip lowered 3 px over them: it covers their top 3 px.
    let lowered = own_interior(8.0, 5.0, true, (-3.0, 0.0), scale);
    assert_eq!(lowered.upper_depth(1.0), 4.0);
    assert_eq!(lowered.procedural_cover(1.0, 4.0), 0.0);
    // Raised 2 px: the 2 px it uncovered are procedural (teeth), the photo's teeth below.
    let raised = own_interior(8.0, 10.0, true, (2.0, 0.0), scale);
    assert_eq!(raised.procedural_cover(1.0, 9.0), 1.0);
    assert_eq!((raised.procedural_cover(3.0, 7.0), raised.upper_depth(3.0)), (0.0, 1.0));
    // A lower lip pulled 3 px beyond the jaw: procedural next to it, below the teeth.
    let pulled = own_interior(8.0, 11.0, true, (0.0, 3.0), scale);
    assert_eq!(pulled.procedural_cover(9.5, 1.5), 1.0);
    // Pulled 3 px down with the jaw closed (a smile in occlusion): the upper teeth reach the
    // lower lip and stand in front of the lower teeth it uncovers (a seam's halves would
    // meet in the middle).
    let bite = own_interior(8.0, 7.0, true, (0.0, 3.0), scale);
    assert!(bite.upper_holds(6.5) && bite.procedural_cover(6.5, 0.5) == 0.0);
    assert!(!own_interior(8.0, 7.0, false, (0.0, 3.0), 500.0).upper_holds(4.0));
    // A wide-open portrait (20 px): its first 9 px are the upper teeth on the skull, the rest
    // is on the jaw and follows the lower lip.
    let wide = own_interior(20.0, 30.0, true, (0.0, 0.0), scale);
    assert_eq!(wide.gap, (9.0, 19.0));
    assert_eq!(wide.upper_depth(8.0), 8.0);
    assert_eq!(wide.lower_height(5.0), 5.0);
}

#[test]
fn a_smiling_photographs_teeth_do_not_follow_the_dropped_jaw() {
    // The portrait: lips (204, 127, 127) around an opening 8 px tall of white teeth.
    let (scale, lip, tooth) = (90.0, [0.8, 0.5, 0.5], [0.95, 0.92, 0.85]);
    let lip_px = Rgba([204, 127, 127, 255]);
    let rest = contour(8.0);
    let mut image = RgbaImage::from_pixel(280, 200, lip_px);
    for (x, y, px) in image.enumerate_pixels_mut() {
        if crate::face::cpu_render::inside(&rest, Vec2::new(x as f32 + 0.5, y as f32 + 0.5)) {
            *px = Rgba([250, 250, 245, 255]);
        }
    }
    // The jaw drops 12 px: the upper lip stays at y = 96, the lower one goes to 116.
    let open: Vec<Vec2> = contour(20.0).into_iter().map(|v| v + Vec2::new(0.0, 6.0)).collect();
    let (open, rest) = (MouthShape::new(&open), MouthShape::new(&rest));
    let mut out = RgbaImage::from_pixel(280, 200, lip_px);
    fill_mouth(&mut out, &image, &open, &rest, lip, tooth, scale, 0.0, [&LipTravel::default(); 2]);
    // A column 2.5 mm off the middle of the mouth, inside a tooth of each row.
    let g = |y: u32| out.get_pixel(137, y).0[1];
    // The teeth under the upper lip, where they were.
    assert!((96..103).all(|y| g(y) > 240), "{:?}", (94..118).map(g).collect::<Vec<_>>());
    // Below them the dark cavity, down to the lower lip: no second row of the photo's teeth
    // (before, the lower half of the teeth followed the lower lip), only the procedural lower
    // teeth's rest display, under a millimetre, shaded.
    assert!((105..114).all(|y| g(y) < 120), "{:?}", (94..118).map(g).collect::<Vec<_>>());
    assert!(g(115) < 240, "{:?}", (94..118).map(g).collect::<Vec<_>>());

    // The photograph smiles: its neutral face's lower lip stands 3 px lower. A frame whose lower
    // lip is back there (3 px below the photo's, beyond the jaw) shows the lower teeth's rest
    // display, under a millimetre, not 3 px more of them.
    let smile_undone = LipTravel { upper: [0.0; 5], lower: [3.0; 5] };
    let draw = |rest_travel: &LipTravel| {
        let mut out = RgbaImage::from_pixel(280, 200, lip_px);
        fill_mouth(&mut out, &image, &open, &rest, lip, tooth, scale, 0.0, [&smile_undone, rest_travel]);
        (96..116).filter(|&y| out.get_pixel(137, y).0[1] > 150).count()
    };
    let teeth_rows = |n: usize| n - 8; // less the eight rows of the photo's own teeth
    assert_eq!(teeth_rows(draw(&smile_undone)), 1, "the lower teeth from the neutral face's lip");
    assert_eq!(teeth_rows(draw(&LipTravel::default())), 4, "from the photo's lip, 0.9 + 3 px of them");
}
