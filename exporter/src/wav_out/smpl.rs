//! The RIFF `smpl` (sampler) chunk with one forward loop, as defined in Microsoft/IBM's
//! "Multimedia Programming Interface and Data Specifications 1.0" and read by hardware and
//! software samplers to loop a file.

/// MIDI unity note of files without a detected pitch (middle C).
pub const DEFAULT_UNITY_NOTE: u32 = 60;

/// A complete `smpl` chunk (id, size, body) with `unity_note` (the MIDI note at which the file
/// plays at its own pitch) and, when `loop_frames` is given, one infinite forward loop over frames
/// `start..=end` (the end frame is played, per the specification).
pub fn smpl_chunk(sample_rate_hz: u32, unity_note: u32, loop_frames: Option<(u32, u32)>) -> Vec<u8> {
    let sample_period_ns = (1_000_000_000u64 / u64::from(sample_rate_hz.max(1))) as u32;
    let (start_frame, end_frame) = loop_frames.unwrap_or((0, 0));
    let header: [u32; 9] = [
        0, // manufacturer
        0, // product
        sample_period_ns,
        unity_note,
        0, // pitch fraction
        0, // SMPTE format
        0, // SMPTE offset
        u32::from(loop_frames.is_some()), // number of loops
        0, // sampler data bytes
    ];
    let one_loop: [u32; 6] = [
        0, // loop: cue point id
        0, // loop type: forward
        start_frame,
        end_frame,
        0, // fraction
        0, // play count: infinite
    ];
    let loops: &[u32] = if loop_frames.is_some() { &one_loop } else { &[] };
    let fields: Vec<u32> = header.iter().chain(loops).copied().collect();
    let mut chunk = Vec::with_capacity(8 + 4 * fields.len());
    chunk.extend_from_slice(b"smpl");
    chunk.extend_from_slice(&((4 * fields.len()) as u32).to_le_bytes());
    for field in fields {
        chunk.extend_from_slice(&field.to_le_bytes());
    }
    chunk
}

/// What a WAV's `smpl` chunk says: the unity note and the first loop (start, end frames, end
/// inclusive), as a sampler reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmplInfo {
    pub unity_note: u32,
    pub loop_frames: Option<(u32, u32)>,
}

/// Reads the `smpl` chunk of the RIFF/WAVE bytes `wav`, walking the chunk list; `None` when the
/// file has none (or is not RIFF/WAVE).
pub fn read_smpl(wav: &[u8]) -> Option<SmplInfo> {
    if wav.len() < 12 || &wav[..4] != b"RIFF" || &wav[8..12] != b"WAVE" {
        return None;
    }
    let field = |at: usize| wav.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let mut at = 12;
    while at + 8 <= wav.len() {
        let size = field(at + 4)? as usize;
        if &wav[at..at + 4] == b"smpl" {
            let body = at + 8;
            let unity_note = field(body + 12)?;
            let num_loops = field(body + 28)?;
            let loop_frames = if num_loops > 0 { Some((field(body + 36 + 8)?, field(body + 36 + 12)?)) } else { None };
            return Some(SmplInfo { unity_note, loop_frames });
        }
        at = at.checked_add(8 + size + (size & 1))?;
    }
    None
}
