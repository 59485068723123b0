//! The plugin's assets and their loaders: portraits (rig JSON + image), voice lines, and EAC
//! weights. Loaders run on Bevy's IO task pool, so decoding never blocks a frame; their failures
//! are Bevy asset load failures whose message names the file and the reason
//! ([`AssetServer::load_state`](bevy::asset::AssetServer::load_state)), never a panic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bevy::asset::io::Reader;
use bevy::asset::{Asset, AssetLoader, LoadContext};
use bevy::reflect::TypePath;

use crate::face::blendshapes::BlendshapeBasis;
use crate::face::cpu_render::PreparedPortrait;
use crate::face::rig::{PortraitRig, RigError};
use crate::face::warp::WarpRig;
use crate::model::eac::saved::EacModel;
use crate::model::weights::ModelFileError;

use super::FaceBackend;

/// A portrait ready to animate: the image, its rig fitted to the face model, and its GPU warp.
#[derive(Asset, TypePath, Clone)]
pub struct Portrait {
    /// The fitted portrait (the reference CPU renderer's input).
    pub prepared: Arc<PreparedPortrait>,
    /// The warp mesh and basis the GPU renderer draws.
    pub warp: Arc<WarpRig>,
    /// The rig it was prepared from (HEF crops the face by it).
    pub rig: Arc<PortraitRig>,
}

impl Portrait {
    /// A portrait from an image and its rig (what the loader does after reading the files).
    pub fn new(image: image::RgbaImage, rig: &PortraitRig) -> Result<Self, RigError> {
        let basis = BlendshapeBasis::default_basis();
        let prepared = PreparedPortrait::new(image, rig, basis)?;
        let warp = WarpRig::new(&prepared, basis);
        Ok(Self { prepared: Arc::new(prepared), warp: Arc::new(warp), rig: Arc::new(rig.clone()) })
    }

    /// The portrait bundled with the crate (NPC 3, 512 × 512).
    pub fn bundled() -> Self {
        let rig = PortraitRig::from_json(crate::bundled::NPC_3_RIG, Path::new("<bundled>/portraits/npc_3.rig.json"))
            .expect("the bundled rig is valid (tested)");
        let image = image::load_from_memory(crate::bundled::NPC_3_PNG).expect("the bundled PNG decodes").to_rgba8();
        Self::new(image, &rig).expect("the bundled portrait fits (tested)")
    }
}

/// Why a portrait did not load.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PortraitLoadError {
    /// A file could not be read.
    #[error("{path}: {message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The rig is malformed or does not fit the image.
    #[error(transparent)]
    Rig(#[from] RigError),
    /// The image does not decode.
    #[error("{path}: not a readable image: {message}")]
    Image {
        /// The image file.
        path: PathBuf,
        /// The decoder's message.
        message: String,
    },
    /// A bare image with no rig beside it, in which no usable face was found.
    #[error(transparent)]
    Vision(#[from] crate::vision::VisionError),
}

/// Loads a [`Portrait`] from its rig (`*.rig.json`); the image is the rig's `image` field, or
/// the file beside it with the same stem and `.png`.
#[derive(Default, TypePath)]
pub struct PortraitLoader;

impl AssetLoader for PortraitLoader {
    type Asset = Portrait;
    type Settings = ();
    type Error = PortraitLoadError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<Portrait, PortraitLoadError> {
        let rig_path = load_context.path().path().to_path_buf();
        let text =
            read_text(reader).await.map_err(|message| PortraitLoadError::Read { path: rig_path.clone(), message })?;
        let rig = PortraitRig::from_json(&text, &rig_path)?;
        let image_name = rig.image.clone().unwrap_or_else(|| {
            PortraitRig::image_beside(&rig_path)
                .file_name()
                .map_or("portrait.png".into(), |n| n.to_string_lossy().into())
        });
        let image_path = load_context.path().resolve_embed_str(&image_name).map_err(|e| PortraitLoadError::Read {
            path: rig_path.clone(),
            message: format!("bad image path {image_name:?}: {e}"),
        })?;
        let label = image_path.path().to_path_buf();
        let image_bytes = load_context
            .read_asset_bytes(image_path)
            .await
            .map_err(|e| PortraitLoadError::Read { path: label.clone(), message: e.to_string() })?;
        let image = image::load_from_memory(&image_bytes)
            .map_err(|e| PortraitLoadError::Image { path: label, message: e.to_string() })?
            .to_rgba8();
        let mut rig = rig;
        // Errors about the image name the rig file.
        rig.image = Some(rig_path.display().to_string());
        Ok(Portrait::new(image, &rig)?)
    }

    fn extensions(&self) -> &[&str] {
        &["rig.json"]
    }
}

/// Loads a [`Portrait`] from a bare image (`assets.load::<Portrait>("hero.png")`): the rig
/// beside it (`hero.rig.json`) when there is one, else the face is found and rigged
/// ([`crate::vision`]) on the IO task pool, off the main thread. Warnings (several faces, lips
/// closed) go to the log; an image with no usable face fails the load with a typed error.
#[derive(Default, TypePath)]
pub struct BareImagePortraitLoader;

impl AssetLoader for BareImagePortraitLoader {
    type Asset = Portrait;
    type Settings = ();
    type Error = PortraitLoadError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<Portrait, PortraitLoadError> {
        let image_path = load_context.path().path().to_path_buf();
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| PortraitLoadError::Read { path: image_path.clone(), message: e.to_string() })?;
        let image = image::load_from_memory(&bytes)
            .map_err(|e| PortraitLoadError::Image { path: image_path.clone(), message: e.to_string() })?
            .to_rgba8();
        let rig_name = PortraitRig::path_beside(&image_path).file_name().map(|n| n.to_string_lossy().into_owned());
        let beside = rig_name.and_then(|n| load_context.path().resolve_embed_str(&n).ok());
        if let Some(rig_path) = beside {
            let label = rig_path.path().to_path_buf();
            if let Ok(rig_bytes) = load_context.read_asset_bytes(rig_path).await {
                let text = String::from_utf8(rig_bytes)
                    .map_err(|_| PortraitLoadError::Read { path: label.clone(), message: "not UTF-8 text".into() })?;
                return Ok(Portrait::new(image, &PortraitRig::from_json(&text, &label)?)?);
            }
        }
        let perception = crate::vision::FacePerception::<FaceBackend>::shipped(&Default::default())
            .map_err(crate::vision::VisionError::from)?;
        let found = perception.rig(&image, &image_path, &crate::vision::DetectOptions::default())?;
        for w in &found.warnings {
            bevy::log::warn!("{w}");
        }
        bevy::log::info!("{}: no rig file: detected the face at {:?}", image_path.display(), found.rig.face_box());
        Ok(Portrait::new(image, &found.rig)?)
    }

    fn extensions(&self) -> &[&str] {
        &["png"]
    }
}

/// A text asset's contents, or why it cannot be read (an I/O error, or not UTF-8).
pub(crate) async fn read_text(reader: &mut dyn Reader) -> Result<String, String> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).await.map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())
}

/// A voice line: 16 kHz mono samples decoded (and resampled) from any format the crate reads.
#[derive(Asset, TypePath, Clone, Debug)]
pub struct SpeechClip {
    /// The samples, 16 kHz mono.
    pub samples: Arc<[f32]>,
    /// Where it came from (for messages).
    pub label: String,
}

impl SpeechClip {
    /// Duration in seconds.
    pub fn duration(&self) -> f64 {
        self.samples.len() as f64 / crate::audio::SAMPLE_RATE as f64
    }

    /// The line bundled with the crate ("Well, hello there, traveller! …", 4.9 s).
    pub fn bundled() -> Self {
        let audio = crate::audio::load_bytes(crate::bundled::GREETING_OGG, crate::bundled::GREETING_LABEL)
            .expect("the bundled line decodes (tested)");
        Self { samples: audio.samples.into(), label: crate::bundled::GREETING_LABEL.into() }
    }
}

/// Loads a [`SpeechClip`] (WAV, OGG/Vorbis, FLAC, MP3) through [`crate::audio::load_bytes`].
/// Voice lines are loaded as this type (`asset_server.load::<SpeechClip>(..)`); the plugin plays
/// them through kira from the same samples.
#[derive(Default, TypePath)]
pub struct SpeechClipLoader;

impl AssetLoader for SpeechClipLoader {
    type Asset = SpeechClip;
    type Settings = ();
    type Error = crate::audio::AudioError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<SpeechClip, crate::audio::AudioError> {
        let label = load_context.path().path().display().to_string();
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| crate::audio::AudioError::Io { path: PathBuf::from(&label), source: e })?;
        let audio = crate::audio::load_bytes(bytes, &label)?;
        Ok(SpeechClip { samples: audio.samples.into(), label })
    }

    fn extensions(&self) -> &[&str] {
        &["wav", "ogg", "flac", "mp3"]
    }
}

/// EAC weights as an asset: a `model.mpk` with its `config.json` beside it.
#[derive(Asset, TypePath, Clone)]
pub struct EacWeights {
    /// The network.
    pub model: EacModel<FaceBackend>,
}

/// Loads [`EacWeights`] from `…/model.mpk` (and the `config.json` in the same folder).
#[derive(Default, TypePath)]
pub struct EacWeightsLoader;

impl AssetLoader for EacWeightsLoader {
    type Asset = EacWeights;
    type Settings = ();
    type Error = ModelFileError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<EacWeights, ModelFileError> {
        let weights_path = load_context.path().path().to_path_buf();
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .await
            .map_err(|source| ModelFileError::Io { path: weights_path.clone(), source })?;
        let config_path = weights_path.with_file_name("config.json");
        let config_asset = load_context
            .path()
            .resolve_embed_str("config.json")
            .map_err(|e| ModelFileError::Config { path: config_path.clone(), message: e.to_string() })?;
        let config = load_context.read_asset_bytes(config_asset).await.map_err(|e| ModelFileError::Io {
            path: config_path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let config = String::from_utf8(config)
            .map_err(|_| ModelFileError::Config { path: config_path.clone(), message: "not UTF-8 text".into() })?;
        let model = EacModel::from_bytes(&config, &config_path, bytes, &weights_path, &Default::default())?;
        Ok(EacWeights { model })
    }

    fn extensions(&self) -> &[&str] {
        &["mpk"]
    }
}
