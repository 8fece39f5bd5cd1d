//! Memory bounds of decoding, measured with a counting allocator: a long file peaks near its
//! decoded 44.1 kHz size, and headers that claim gigabytes reserve nothing for the claim.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use engine::source::{load, LoadOptions};
use fixtures::encode::{flac_bytes, wav_bytes, SampleEncoding};

/// These tests check decoding itself: the samples as decoded, without DC blocking.
const RAW: LoadOptions = LoadOptions { max_duration_sec: 3600.0, min_duration_sec: 0.25, block_dc: false, cancel: None };

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK_BYTES.fetch_max(live, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The tests measure one process-wide counter, so they run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Peak bytes allocated above the live bytes at the start while `f` runs.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE_BYTES.load(Ordering::Relaxed);
    PEAK_BYTES.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK_BYTES.load(Ordering::Relaxed) - base)
}

const MIB: usize = 1 << 20;

#[test]
fn long_file_peaks_near_its_decoded_size() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.wav");
    let n = 48_000 * 20;
    let channels = vec![fixtures::sine(440.0, 0.5, n, 48_000), fixtures::sine(660.0, 0.5, n, 48_000)];
    std::fs::write(&path, wav_bytes(&channels, 48_000, SampleEncoding::Pcm16, false, None)).unwrap();
    drop(channels);
    let (source, peak) = peak_during(|| load(&path, &RAW).unwrap());
    let decoded_bytes = source.num_frames() * source.num_channels() * 4;
    println!("decoded {:.1} MiB, peak {:.1} MiB", decoded_bytes as f64 / MIB as f64, peak as f64 / MIB as f64);
    // While the blocks are assembled into exact-length channels, one channel's final buffer
    // exists next to the blocks (its pages fill as the blocks are freed, so resident memory
    // stays near the decoded size, but the allocation is counted in full here).
    let one_channel_bytes = decoded_bytes / source.num_channels();
    assert!(
        peak <= decoded_bytes + one_channel_bytes + 2 * MIB,
        "peak {peak} bytes for {decoded_bytes} decoded"
    );
}

#[test]
fn lying_headers_reserve_nothing_for_their_claims() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let channels = vec![fixtures::sine(440.0, 0.5, 22_050, 44_100); 2];
    let mut wav = wav_bytes(&channels, 44_100, SampleEncoding::Pcm16, false, None);
    let data = wav.windows(4).position(|w| w == b"data").unwrap();
    wav[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    wav[data + 4..data + 8].copy_from_slice(&(u32::MAX - 64).to_le_bytes());
    let mut flac = flac_bytes(&channels, 44_100, 16);
    flac[21] |= 0x0F;
    flac[22..26].copy_from_slice(&[0xFF; 4]);
    for (name, bytes) in [("claims_4_gb.wav", wav), ("claims_18_days.flac", flac)] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let (result, peak) = peak_during(|| load(&path, &RAW));
        println!("{name}: peak {:.1} MiB", peak as f64 / MIB as f64);
        assert!(result.is_err(), "{name}");
        assert!(peak < 8 * MIB, "{name}: peak {peak} bytes");
    }
}
