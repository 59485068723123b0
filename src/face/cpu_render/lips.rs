//! The lips in the reference CPU renderer: how far a frame closes a mouth parted at rest, where
//! its lips sample the portrait, how far they travel from their rest and from the neutral face's
//! (what uncovers the teeth), and the mouth opening's fill ([`crate::face::mouth`]).

use glam::Vec2;
use image::RgbaImage;

use super::PreparedPortrait;
use crate::face::blendshapes::BlendshapeBasis;
use crate::face::fit::LIP_PAIRS;
use crate::face::mouth::MouthShape;

/// Rest inner-lip gap (IOD units) above which a portrait's mouth counts as parted at rest.
const PARTED_AT_REST: f32 = 0.03;
/// How far into its lip an inner-lip vertex of a parted mouth samples (fraction of the lip's
/// thickness towards the outer contour).
const LIP_INSET: f32 = 0.3;

/// How far a frame closes a mouth that is parted at rest (0 at rest or wider, 1 where the inner
/// lips meet): `1 − gap / rest gap` over the inner-lip pairs ([`crate::face::fit`]'s), `rest(i)` and
/// `deformed(i)` mesh vertex `i` at rest and in the frame, posed (pixels). The renderers move the
/// inner lips' sampling by this much towards [`PreparedPortrait::source`], so the rest pose still
/// reproduces the portrait exactly.
pub fn lip_closure(rest: impl Fn(usize) -> Vec2, deformed: impl Fn(usize) -> Vec2) -> f32 {
    let (mut open_rest, mut open_now) = (0.0f32, 0.0f32);
    for ((u, _), (l, _)) in LIP_PAIRS {
        open_rest += rest(u).distance(rest(l));
        open_now += deformed(u).distance(deformed(l));
    }
    if open_rest <= 1e-3 {
        return 0.0;
    }
    (1.0 - open_now / open_rest).clamp(0.0, 1.0)
}

/// Where the mesh vertices sample the portrait once its lips close: their rest positions, except
/// that when the mouth is parted at rest (teeth showing) the inner lip contour (iBUG 60–67)
/// samples a little inside its lip. Its landmarks sit on the lip's edge, so a mouth that closes
/// would otherwise carry a line of the teeth between its lips. `scale`: pixels per face-model
/// unit.
pub(super) fn lip_sources(rest: &[Vec2], scale: f32) -> Vec<Vec2> {
    let mut source = rest.to_vec();
    let gap = LIP_PAIRS.iter().map(|((u, _), (l, _))| rest[*l].y - rest[*u].y).fold(f32::MIN, f32::max);
    if gap <= PARTED_AT_REST * scale {
        return source;
    }
    for (inner, outer) in LIP_PAIRS.into_iter().flat_map(|(upper, lower)| [upper, lower]) {
        source[inner] = rest[inner].lerp(rest[outer], LIP_INSET);
    }
    // The inner corners of a parted mouth border the dark of the cheeks' inside: they sample
    // halfway to the outer corners, on the lips' junction.
    for (inner, outer) in [(60, 48), (64, 54)] {
        source[inner] = rest[inner].lerp(rest[outer], 0.5);
    }
    source
}

impl PreparedPortrait {
    /// How far the lips of the neutral face (every weight 0: the portrait's own expression
    /// undone) stand from the portrait's ([`crate::face::mouth::LipTravel`]). A portrait that shows its
    /// teeth at rest poses an expression whose lips are not where they rest over the teeth; its
    /// procedural teeth are placed from the neutral face's lips (a frame's travel less this),
    /// while its own teeth stay where the portrait shows them.
    pub fn rest_travel(&self) -> crate::face::mouth::LipTravel {
        self.rest_travel
    }

    /// How far the inner lips have moved from their rest for `gained` weights (the expressiveness
    /// gain applied), before the head pose: what uncovers the procedural teeth
    /// ([`crate::face::mouth::LipTravel`]; the jaw's part of the lower lip's move is its `jawOpen`
    /// beyond the portrait's own, [`Self::jaw_unit`] per unit).
    pub fn lip_travel(&self, gained: &[f32], basis: &BlendshapeBasis) -> crate::face::mouth::LipTravel {
        let d = self.fit.displacements_px(gained, basis);
        let jaw = crate::face::blendshapes::index_of("jawOpen").expect("ARKit has jawOpen");
        let jaw_w = gained.get(jaw).copied().filter(|w| w.is_finite()).unwrap_or(0.0) - self.fit.jaw_open;
        crate::face::mouth::LipTravel::new(|i| d[i].truncate(), |i| self.jaw_unit[i - 60] * jaw_w, self.mouth_down())
    }

    /// The displacement (pixels, before the pose) of the inner lip landmarks 60–67 at `jawOpen` 1,
    /// under the basis the portrait was prepared with.
    pub fn jaw_unit(&self) -> [Vec2; 8] {
        self.jaw_unit
    }

    /// The face's down direction across its resting mouth (unit): perpendicular to the inner lip
    /// corners' axis.
    pub fn mouth_down(&self) -> Vec2 {
        let axis = (self.rest[64] - self.rest[60]).normalize_or_zero();
        Vec2::new(-axis.y, axis.x)
    }

    /// The procedural teeth's colour (0–1 RGB of the sRGB bytes): the portrait's own teeth's
    /// where its mouth shows them at rest, else its eyes' ([`crate::face::mouth::tooth_colour`]).
    pub fn tooth(&self) -> [f32; 3] {
        self.tooth
    }

    /// Fills the mouth opening ([`crate::face::mouth::fill_mouth`]).
    pub(super) fn fill_mouth(
        &self,
        out: &mut RgbaImage,
        deformed: &[Vec2],
        rest: &[Vec2],
        closure: f32,
        travel: &crate::face::mouth::LipTravel,
    ) {
        let scale = self.fit.similarity.scale();
        let travel = [travel, &self.rest_travel];
        // Each contour's smooth edges, once for the opening and its seam line.
        let (deformed, rest) = (MouthShape::new(deformed), MouthShape::new(rest));
        crate::face::mouth::fill_mouth(
            out,
            &self.image,
            &deformed,
            &rest,
            self.lip_colour,
            self.tooth,
            scale,
            closure,
            travel,
        );
        crate::face::mouth::shade_seam_line(out, &deformed, &rest, self.lip_colour, scale, closure);
    }
}
