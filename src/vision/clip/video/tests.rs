use super::*;
use image::Rgba;

const W: u32 = 128;
const H: u32 = 96;

/// The top-left corner of the 16×16 white square in frame `i`.
fn square_at(i: usize) -> (u32, u32) {
    (8 + 4 * i as u32, 16 + 2 * i as u32)
}

/// A dark gradient (every channel below 100) with the white square moving right and down.
fn frame(i: usize) -> RgbaImage {
    let (sx, sy) = square_at(i);
    RgbaImage::from_fn(W, H, |x, y| match (x.wrapping_sub(sx) < 16, y.wrapping_sub(sy) < 16) {
        (true, true) => Rgba([255, 255, 255, 255]),
        _ => Rgba([(20 + x * 60 / W) as u8, (30 + y * 60 / H) as u8, 70, 255]),
    })
}

fn write_clip(dir: &Path) -> (PathBuf, Vec<RgbaImage>) {
    let (path, frames) = (dir.join("clip.mp4"), (0..20).map(frame).collect::<Vec<_>>());
    write_mp4(&path, &frames, 25).expect("write the clip");
    (path, frames)
}

#[test]
fn round_trip_keeps_size_count_rate_and_motion() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, originals) = write_clip(dir.path());
    let clip = VideoClip::open(&path).expect("open");
    assert_eq!((clip.dimensions(), clip.frame_count(), clip.fps()), ((W, H), 20, 25.0));
    let (decoded, fps) = decode_all(&path).expect("decode");
    assert_eq!((decoded.len(), fps), (20, 25.0));
    for (i, (d, o)) in decoded.iter().zip(&originals).enumerate() {
        assert_eq!(d.dimensions(), (W, H));
        let diff: u32 = d
            .pixels()
            .zip(o.pixels())
            .map(|(p, q)| (0..3).map(|c| u32::from(p[c].abs_diff(q[c]))).sum::<u32>())
            .sum();
        let mad = f64::from(diff) / f64::from(3 * W * H);
        let bright: Vec<(u32, u32)> = d
            .enumerate_pixels()
            .filter(|(_, _, p)| p.0[..3].iter().all(|&c| c > 160))
            .map(|(x, y, _)| (x, y))
            .collect();
        let n = bright.len() as f64;
        let (cx, cy) =
            bright.iter().fold((0.0, 0.0), |(sx, sy), &(x, y)| (sx + f64::from(x) / n, sy + f64::from(y) / n));
        let (ex, ey) = (f64::from(square_at(i).0) + 7.5, f64::from(square_at(i).1) + 7.5);
        println!("frame {i:2}: mean abs diff {mad:.2}, square centroid ({cx:.2}, {cy:.2}), drawn ({ex}, {ey})");
        assert!(mad < 4.0, "frame {i}: mean absolute difference {mad} (1.67 at most when written)");
        assert!((cx - ex).abs() <= 1.0 && (cy - ey).abs() <= 1.0, "frame {i}: square at ({cx}, {cy})");
    }
}

#[test]
fn moov_first_file_decodes_and_its_truncation_is_typed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes = std::fs::read(write_clip(dir.path()).0).expect("read");
    // Move moov in front of mdat ("fast start", as web videos are) and shift stco's offsets.
    let be32 = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let mdat_end = 32 + be32(&bytes[32..36]) as usize;
    let mut moov = bytes[mdat_end..].to_vec();
    let table = moov.windows(4).position(|w| w == b"stco").expect("stco") + 8;
    for k in 0..be32(&moov[table..]) as usize {
        let at = table + 4 + 4 * k;
        let moved = be32(&moov[at..]) + moov.len() as u32;
        moov[at..at + 4].copy_from_slice(&moved.to_be_bytes());
    }
    let fast = [&bytes[..32], &moov, &bytes[32..mdat_end]].concat();
    let path = dir.path().join("fast.mp4");
    std::fs::write(&path, &fast).expect("write");
    assert_eq!(decode_all(&path).expect("decode").0.len(), 20);
    std::fs::write(&path, &fast[..fast.len() - (mdat_end - 32) / 3]).expect("write");
    let mut clip = VideoClip::open(&path).expect("the header is intact");
    let results: Vec<_> = clip.frames().collect();
    let decoded = results.iter().filter(|r| r.is_ok()).count();
    let err = results.into_iter().find_map(Result::err).expect("an error");
    println!("{decoded} frames, then: {err}");
    assert!(matches!(err, VideoError::Truncated { .. }), "{err:?}");
}

#[test]
fn non_mp4_malformed_truncated_and_missing_files_are_typed_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..4096)
        .map(|_| (state ^= state << 13, state ^= state >> 7, state ^= state << 17, state as u8).3)
        .collect();
    let (random, png, cut) =
        (dir.path().join("noise.mp4"), dir.path().join("frame.png"), dir.path().join("cut.mp4"));
    std::fs::write(&random, noise).expect("write");
    frame(0).save(&png).expect("write png");
    let bytes = std::fs::read(write_clip(dir.path()).0).expect("read");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    // A nested box of size 0 (mvhd here) sends mp4 0.14 into an endless loop unless refused first.
    let (mut zeroed, looping) = (bytes.clone(), dir.path().join("loop.mp4"));
    let mvhd = zeroed.windows(4).position(|w| w == b"mvhd").expect("mvhd") - 4;
    zeroed[mvhd..mvhd + 4].fill(0);
    std::fs::write(&looping, zeroed).expect("write");
    for path in [random, png, cut, looping] {
        let err = decode_all(&path).expect_err("must fail");
        println!("{err}");
        assert!(matches!(err, VideoError::Container { .. }), "{err:?}");
    }
    let err = decode_all(Path::new("/nonexistent/clip.mp4")).expect_err("must fail");
    assert!(matches!(err, VideoError::Io { .. }), "{err:?}");
}

#[test]
fn bad_frames_are_refused_and_avcc_lengths_of_any_size_convert() {
    let path = Path::new("/nonexistent/out.mp4");
    for (frames, fps) in [(vec![RgbaImage::new(127, 96)], 25), (vec![frame(0)], 0), (vec![], 25)] {
        assert!(matches!(write_mp4(path, &frames, fps), Err(VideoError::InvalidInput { .. })));
    }
    let mut out = Vec::new();
    avcc_to_annex_b(&[0, 2, 0x65, 0xaa, 0, 1, 0x41], 2, &mut out).expect("valid");
    assert_eq!(out, [0, 0, 0, 1, 0x65, 0xaa, 0, 0, 0, 1, 0x41]);
    assert!(avcc_to_annex_b(&[0, 0, 0, 9, 0x65], 4, &mut Vec::new()).is_err());
    assert!(avcc_to_annex_b(&[0, 0], 4, &mut Vec::new()).is_err());
}
