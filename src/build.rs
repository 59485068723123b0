//! What this build of the crate contains: version, cargo features and compute backends.

/// The crate version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The Bevy version this crate is built against.
pub const BEVY_VERSION: &str = "0.19.1";

/// The burn version this crate is built against.
pub const BURN_VERSION: &str = "0.21.0";

/// The cargo features compiled into this build, in a fixed order.
pub fn features() -> Vec<&'static str> {
    [
        ("bevy", cfg!(feature = "bevy")),
        ("flex", cfg!(feature = "flex")),
        ("train", cfg!(feature = "train")),
        ("wgpu", cfg!(feature = "wgpu")),
        ("cuda", cfg!(feature = "cuda")),
        ("onnx", cfg!(feature = "onnx")),
        ("egui", cfg!(feature = "egui")),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect()
}

/// The burn backends compiled in, preferred first: what a binary picks when not told otherwise.
pub fn backends() -> Vec<&'static str> {
    [("cuda", cfg!(feature = "cuda")), ("wgpu", cfg!(feature = "wgpu")), ("flex", cfg!(feature = "flex"))]
        .into_iter()
        .filter_map(|(name, on)| on.then_some(name))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reports_the_features_it_was_built_with() {
        let f = super::features();
        assert_eq!(f.contains(&"bevy"), cfg!(feature = "bevy"));
        assert_eq!(f.contains(&"train"), cfg!(feature = "train"));
        assert_eq!(super::backends().contains(&"flex"), cfg!(feature = "flex"));
    }
}
