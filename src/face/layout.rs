//! The iBUG 300-W 68-point landmark layout (the convention of dlib, FAN and face-api).
//!
//! Indices are 0-based. "Left" and "right" are the *subject's* (as in ARKit's `eyeBlinkLeft`):
//! the subject's left eye appears on the right of a frontal image.
//!
//! | Region | Indices | Order |
//! |---|---|---|
//! | jaw | 0–16 | from the subject's right ear (image left) under the chin to the left ear |
//! | right brow | 17–21 | outer to inner |
//! | left brow | 22–26 | inner to outer |
//! | nose bridge | 27–30 | top (between the eyes) to tip |
//! | nostrils | 31–35 | right wing, under the tip (33), left wing |
//! | right eye | 36–41 | outer corner, upper lid (37, 38), inner corner (39), lower lid (40, 41) |
//! | left eye | 42–47 | inner corner, upper lid (43, 44), outer corner (45), lower lid (46, 47) |
//! | outer lips | 48–59 | right corner (48), upper lip to the left corner (54), lower lip back |
//! | inner lips | 60–67 | right corner (60), upper inner lip to the left corner (64), lower back |

use std::ops::Range;

/// Number of landmarks.
pub const N_LANDMARKS: usize = 68;

/// A named group of landmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    /// Jaw line, 0–16.
    Jaw,
    /// The subject's right eyebrow, 17–21.
    RightBrow,
    /// The subject's left eyebrow, 22–26.
    LeftBrow,
    /// Nose bridge, 27–30.
    NoseBridge,
    /// Lower nose (nostrils), 31–35.
    Nostrils,
    /// The subject's right eye, 36–41.
    RightEye,
    /// The subject's left eye, 42–47.
    LeftEye,
    /// Outer lip contour, 48–59.
    OuterLips,
    /// Inner lip contour (the mouth opening), 60–67.
    InnerLips,
}

impl Region {
    /// Every region, in index order.
    pub const ALL: [Region; 9] = [
        Region::Jaw,
        Region::RightBrow,
        Region::LeftBrow,
        Region::NoseBridge,
        Region::Nostrils,
        Region::RightEye,
        Region::LeftEye,
        Region::OuterLips,
        Region::InnerLips,
    ];

    /// The landmark indices of the region.
    pub const fn range(self) -> Range<usize> {
        match self {
            Region::Jaw => 0..17,
            Region::RightBrow => 17..22,
            Region::LeftBrow => 22..27,
            Region::NoseBridge => 27..31,
            Region::Nostrils => 31..36,
            Region::RightEye => 36..42,
            Region::LeftEye => 42..48,
            Region::OuterLips => 48..60,
            Region::InnerLips => 60..68,
        }
    }

    /// Whether the region's points form a closed loop (eyes and lips) rather than an open curve.
    pub const fn is_closed(self) -> bool {
        matches!(self, Region::RightEye | Region::LeftEye | Region::OuterLips | Region::InnerLips)
    }

    /// The region a landmark belongs to, `None` for an index ≥ 68.
    pub fn of(index: usize) -> Option<Region> {
        Region::ALL.into_iter().find(|r| r.range().contains(&index))
    }

    /// A lower-case name for messages (`"left eye"`).
    pub const fn name(self) -> &'static str {
        match self {
            Region::Jaw => "jaw",
            Region::RightBrow => "right brow",
            Region::LeftBrow => "left brow",
            Region::NoseBridge => "nose bridge",
            Region::Nostrils => "nostrils",
            Region::RightEye => "right eye",
            Region::LeftEye => "left eye",
            Region::OuterLips => "outer lips",
            Region::InnerLips => "inner lips",
        }
    }
}

/// Named single landmarks used across the face model.
pub mod point {
    /// Chin (bottom of the jaw line).
    pub const CHIN: usize = 8;
    /// Top of the nose bridge, between the eyes.
    pub const NOSE_ROOT: usize = 27;
    /// Nose tip.
    pub const NOSE_TIP: usize = 30;
    /// Under the nose tip, above the upper lip.
    pub const SUBNASALE: usize = 33;
    /// Outer corner of the subject's right eye.
    pub const RIGHT_EYE_OUTER: usize = 36;
    /// Inner corner of the subject's right eye.
    pub const RIGHT_EYE_INNER: usize = 39;
    /// Inner corner of the subject's left eye.
    pub const LEFT_EYE_INNER: usize = 42;
    /// Outer corner of the subject's left eye.
    pub const LEFT_EYE_OUTER: usize = 45;
    /// Right mouth corner (outer contour).
    pub const MOUTH_RIGHT: usize = 48;
    /// Top of the upper lip, on the midline.
    pub const UPPER_LIP_TOP: usize = 51;
    /// Left mouth corner (outer contour).
    pub const MOUTH_LEFT: usize = 54;
    /// Bottom of the lower lip, on the midline.
    pub const LOWER_LIP_BOTTOM: usize = 57;
    /// Upper inner lip, on the midline.
    pub const UPPER_LIP_INNER: usize = 62;
    /// Lower inner lip, on the midline.
    pub const LOWER_LIP_INNER: usize = 66;
}

/// The landmark that a left-right mirror image of the face puts at index `i`: `MIRROR[36]` is
/// 45 (the outer eye corners swap), midline points map to themselves.
pub const MIRROR: [usize; N_LANDMARKS] = {
    let mut m = [0usize; N_LANDMARKS];
    let mut i = 0;
    while i < N_LANDMARKS {
        m[i] = mirror_of(i);
        i += 1;
    }
    m
};

const fn mirror_of(i: usize) -> usize {
    match i {
        0..=16 => 16 - i,
        17..=26 => 43 - i,
        27..=30 => i,
        31..=35 => 66 - i,
        36..=39 => 81 - i,
        40 | 41 => 87 - i,
        42..=45 => 81 - i,
        46 | 47 => 87 - i,
        48..=54 => 102 - i,
        55..=59 => 114 - i,
        60..=64 => 124 - i,
        65..=67 => 132 - i,
        _ => i,
    }
}

/// The landmarks on the vertical midline (their own mirror images).
pub fn midline() -> impl Iterator<Item = usize> {
    (0..N_LANDMARKS).filter(|&i| MIRROR[i] == i)
}

/// The segments joining consecutive points of each region (closing eyes and lips): the curves a
/// landmark plot draws and the constraint edges of the face mesh.
pub fn contour_edges() -> impl Iterator<Item = (usize, usize)> {
    Region::ALL.into_iter().flat_map(|r| {
        let range = r.range();
        let (start, end) = (range.start, range.end);
        let closing = r.is_closed().then_some((end - 1, start));
        (start..end - 1).map(|i| (i, i + 1)).chain(closing)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_partition_the_68_points() {
        let mut seen = [0u8; N_LANDMARKS];
        for r in Region::ALL {
            for i in r.range() {
                seen[i] += 1;
                assert_eq!(Region::of(i), Some(r));
            }
        }
        assert!(seen.iter().all(|&n| n == 1));
        assert_eq!(Region::of(68), None);
    }

    #[test]
    fn mirror_is_an_involution_that_keeps_regions_paired() {
        for i in 0..N_LANDMARKS {
            let m = MIRROR[i];
            assert_eq!(MIRROR[m], i, "{i}");
            let (a, b) = (Region::of(i).unwrap(), Region::of(m).unwrap());
            let paired = matches!(
                (a, b),
                (Region::RightBrow, Region::LeftBrow)
                    | (Region::LeftBrow, Region::RightBrow)
                    | (Region::RightEye, Region::LeftEye)
                    | (Region::LeftEye, Region::RightEye)
            );
            assert!(a == b || paired, "{i} ({a:?}) mirrors to {m} ({b:?})");
        }
        assert_eq!(MIRROR[point::RIGHT_EYE_OUTER], point::LEFT_EYE_OUTER);
        assert_eq!(MIRROR[point::RIGHT_EYE_INNER], point::LEFT_EYE_INNER);
        assert_eq!(MIRROR[point::MOUTH_RIGHT], point::MOUTH_LEFT);
        assert_eq!(MIRROR[37], 44, "upper lids: right 37 (outer) pairs with left 44 (outer)");
        assert_eq!(MIRROR[41], 46, "lower lids: right 41 (outer) pairs with left 46 (outer)");
        let mid: Vec<usize> = midline().collect();
        assert_eq!(mid, vec![8, 27, 28, 29, 30, 33, 51, 57, 62, 66]);
    }

    #[test]
    fn contours_close_eyes_and_lips_only() {
        let edges: Vec<(usize, usize)> = contour_edges().collect();
        assert!(edges.contains(&(41, 36)) && edges.contains(&(67, 60)) && edges.contains(&(59, 48)));
        assert!(!edges.contains(&(16, 0)) && !edges.contains(&(21, 17)));
        // 16 + 4 + 4 + 3 + 4 open segments, 6 + 6 + 12 + 8 closed ones.
        assert_eq!(edges.len(), 16 + 4 + 4 + 3 + 4 + 6 + 6 + 12 + 8);
    }
}
