//! `emotalk pose`, `emotalk npc` and `emotalk sheet`: still portraits with an expression.

use std::path::PathBuf;

use emotalk::face::{self, HeadPose};

use super::{BoxError, emotion_cmd, vision_cmd, write_atomically};

pub struct PoseArgs {
    pub portrait: PathBuf,
    pub rig_path: Option<PathBuf>,
    pub set: Option<String>,
    pub emotion: Option<String>,
    pub intensity: Option<f32>,
    pub head: HeadPose,
    pub expressiveness: f32,
    pub out: PathBuf,
    pub geometry: Option<PathBuf>,
    pub renderer: super::renderer_cmd::RendererArgs,
}

/// Checks `--expressiveness`.
pub fn check_expressiveness(g: f32) -> Result<f32, BoxError> {
    if face::rig::valid_expressiveness(g) {
        Ok(g)
    } else {
        Err(format!("--expressiveness must be between 0 and 3 (1 is the calibrated human range), got {g}").into())
    }
}

pub fn pose(args: PoseArgs) -> Result<(), BoxError> {
    let PoseArgs { portrait, rig_path, set, emotion, intensity, head, expressiveness, out, geometry, renderer } = args;
    let gain = check_expressiveness(expressiveness)?;
    let image = image::open(&portrait)
        .map_err(|e| format!("{}: cannot read the portrait: {e}", portrait.display()))?
        .to_rgba8();
    let rig = vision_cmd::portrait_rig(&portrait, &image, rig_path.as_deref())?;
    let rig_label = rig_path.unwrap_or_else(|| face::PortraitRig::path_beside(&portrait));
    let weights = expression_weights(emotion.as_deref(), intensity, set.as_deref())?;
    let basis = face::BlendshapeBasis::default_basis();
    // The CPU renderer is not a hardware GPU: `auto` draws the warp.
    let refiner = renderer.refiner(false, &image, &rig)?;
    let prepared = face::PreparedPortrait::new(image, &rig, basis)
        .map_err(|e| format!("{} with {}: {e}", rig_label.display(), portrait.display()))?;
    let weights = face::cpu_render::with_gain(&weights, gain);
    let mut frame = prepared.render(&weights, &head, basis);
    if let Some(hef) = &refiner {
        hef.refine(&mut frame, &weights, &head, basis)?;
    }
    frame.save(&out).map_err(|e| format!("{}: cannot write: {e}", out.display()))?;
    if let Some(g) = geometry {
        let img = prepared.geometry_image(&weights, &head, basis);
        img.save(&g).map_err(|e| format!("{}: cannot write: {e}", g.display()))?;
    }
    eprintln!("{} -> {}", portrait.display(), out.display());
    Ok(())
}

/// The weights of `--emotion` at `--intensity` (0–3; none: the zero expression), with `--set`'s
/// named weights on top: what `pose` renders and `npc` paints.
fn expression_weights(
    emotion: Option<&str>,
    intensity: Option<f32>,
    set: Option<&str>,
) -> Result<[f32; face::N_BLENDSHAPES], BoxError> {
    if let Some(mu) = intensity.filter(|mu| !(0.0..=3.0).contains(mu)) {
        return Err(format!("--intensity must be between 0 and 3, got {mu}").into());
    }
    let mut weights = match emotion {
        Some(text) => {
            let r = emotion_cmd::resolve_text(text, intensity)?;
            r.embedding.blendshape_weights(r.intensity)
        }
        None => [0.0; face::N_BLENDSHAPES],
    };
    for (k, v) in parse_weights(set.unwrap_or(""))? {
        weights[k] = v;
    }
    Ok(weights)
}

/// Parses `name=value,name=value` blendshape weights; names are ARKit's, values in [0, 1].
fn parse_weights(text: &str) -> Result<Vec<(usize, f32)>, BoxError> {
    text.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').ok_or_else(|| format!("--set: `{pair}` is not name=value"))?;
            let k = face::blendshapes::index_of(name.trim())
                .ok_or_else(|| format!("--set: `{}` is not an ARKit blendshape name", name.trim()))?;
            let v: f32 = value.trim().parse().map_err(|_| format!("--set: `{}` is not a number", value.trim()))?;
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("--set: {name} = {v} is outside 0..=1").into());
            }
            Ok((k, v))
        })
        .collect()
}

pub fn npc(
    seed: u64,
    size: u32,
    out: PathBuf,
    emotion: Option<String>,
    intensity: Option<f32>,
    set: Option<String>,
) -> Result<(), BoxError> {
    if size < 64 {
        return Err(format!("--size must be at least 64, got {size}").into());
    }
    // The target's weights, checked before anything is written.
    let target = if emotion.is_some() || intensity.is_some() || set.is_some() {
        if emotion.is_none() && intensity.is_some() {
            return Err("--intensity needs --emotion".into());
        }
        Some(expression_weights(emotion.as_deref(), intensity, set.as_deref())?)
    } else {
        None
    };
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: cannot create: {e}", out.display()))?;
    let npc = face::npc::generate(seed, size);
    let png = out.join(format!("npc_{seed}.png"));
    npc.image.save(&png).map_err(|e| format!("{}: cannot write: {e}", png.display()))?;
    let rig = out.join(format!("npc_{seed}.rig.json"));
    write_atomically(&rig, |w| w.write_all(npc.rig.to_json().as_bytes()))?;
    eprintln!("npc {seed}: {:?} hair -> {} and {}", npc.params.hair_style, png.display(), rig.display());
    if let Some(weights) = target {
        let painted = face::npc::generate_at(seed, size, &weights, face::BlendshapeBasis::default_basis());
        let png = out.join("target.png");
        painted.image.save(&png).map_err(|e| format!("{}: cannot write: {e}", png.display()))?;
        let rig = out.join("target.rig.json");
        write_atomically(&rig, |w| w.write_all(painted.rig.to_json().as_bytes()))?;
        eprintln!("npc {seed} at the expression -> {} and {}", png.display(), rig.display());
    }
    Ok(())
}

pub fn sheet(
    portraits: Vec<PathBuf>,
    rigs: Vec<PathBuf>,
    npcs: Vec<u64>,
    cell: u32,
    out: PathBuf,
) -> Result<(), BoxError> {
    if portraits.len() != rigs.len() {
        return Err(
            format!("give one --rig per --portrait ({} portraits, {} rigs)", portraits.len(), rigs.len()).into()
        );
    }
    if portraits.is_empty() && npcs.is_empty() {
        return Err("nothing to show: give --portrait/--rig pairs or --npc seeds".into());
    }
    let mut rows = Vec::new();
    for (p, r) in portraits.iter().zip(&rigs) {
        let rig = face::PortraitRig::load(r)?;
        let img = image::open(p).map_err(|e| format!("{}: cannot read the portrait: {e}", p.display()))?.to_rgba8();
        rows.push((img, rig));
    }
    for seed in npcs {
        let n = face::npc::generate(seed, 512);
        rows.push((n.image, n.rig));
    }
    let sheet = face::sheet::contact_sheet(&rows, cell.max(32), face::BlendshapeBasis::default_basis())?;
    sheet.save(&out).map_err(|e| format!("{}: cannot write: {e}", out.display()))?;
    eprintln!("{} rows x 17 columns -> {}", rows.len(), out.display());
    Ok(())
}
