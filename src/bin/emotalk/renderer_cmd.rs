//! `--renderer warp|hef|auto` and `--hef-weights` for `emotalk pose` and `emotalk render`.

use std::path::PathBuf;

use emotalk::face::{BlendshapeBasis, PortraitRig};
use emotalk::model::hef::refine::HefRefiner;
use emotalk::model::hef::saved::HefModel;
use image::RgbaImage;

use super::BoxError;
use super::emotion_cmd::Cpu;

/// Which renderer draws the face.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Renderer {
    /// The mesh warp (the reference renderer; on the GPU in `render`).
    Warp,
    /// The warp refined by HEF, the face generator (its network runs on the CPU here).
    Hef,
    /// HEF on a hardware GPU when weights exist; the warp on the CPU renderer and on a software
    /// adapter, where HEF is too slow for the frame rate.
    Auto,
}

/// The renderer options shared by `pose` and `render`.
#[derive(clap::Args, Debug, Clone)]
pub struct RendererArgs {
    /// Which renderer draws the face: `warp` (the mesh warp), `hef` (the warp refined by HEF, the
    /// face generator trained by `emotalk-train hef`), or `auto` (HEF on a hardware GPU, else
    /// the warp).
    #[arg(long, value_enum, default_value_t = Renderer::Auto)]
    pub renderer: Renderer,
    /// HEF's weights folder (`config.json` + `model.mpk`). Default: a `hef` folder in the
    /// model search path (`emotalk info`), else the weights shipped in the binary.
    #[arg(long, value_name = "DIR")]
    pub hef_weights: Option<PathBuf>,
}

impl RendererArgs {
    /// Whether HEF draws (`hardware_gpu` decides `auto`); says on standard error when `auto`
    /// picks the warp.
    pub fn wants_hef(&self, hardware_gpu: bool) -> bool {
        let hef = match self.renderer {
            Renderer::Warp => false,
            Renderer::Hef => true,
            Renderer::Auto => hardware_gpu,
        };
        if !hef && self.renderer == Renderer::Auto {
            eprintln!("renderer: the warp (auto: HEF is chosen on a hardware GPU only; --renderer hef forces it)");
        }
        hef
    }

    /// HEF's weights: `--hef-weights`, else the default ones.
    pub fn model(&self) -> Result<HefModel<Cpu>, BoxError> {
        let device = Default::default();
        Ok(match &self.hef_weights {
            Some(dir) => HefModel::<Cpu>::load(dir, &device)?,
            None => HefModel::<Cpu>::default_model(&device)?,
        })
    }

    /// HEF set up for the portrait when it draws ([`wants_hef`](Self::wants_hef)); `None` for
    /// the warp.
    pub fn refiner(
        &self,
        hardware_gpu: bool,
        image: &RgbaImage,
        rig: &PortraitRig,
    ) -> Result<Option<HefRefiner<Cpu>>, BoxError> {
        if !self.wants_hef(hardware_gpu) {
            return Ok(None);
        }
        let refiner =
            HefRefiner::new(self.model()?, image, rig, BlendshapeBasis::default_basis(), &Default::default())?;
        let c = refiner.crop();
        eprintln!(
            "renderer: HEF on the CPU, face crop {:.0} px at ({:.0}, {:.0}) run at {} px",
            c.side,
            c.origin.x,
            c.origin.y,
            refiner.crop_portrait().image().width()
        );
        Ok(Some(refiner))
    }
}
