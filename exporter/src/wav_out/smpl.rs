//! The RIFF `smpl` (sampler) chunk with one forward loop, as defined in Microsoft/IBM's
//! "Multimedia Programming Interface and Data Specifications 1.0" and read by hardware and
//! software samplers to loop a file.

/// MIDI unity note written into the chunk (middle C: the file plays at its own pitch there).
const UNITY_NOTE: u32 = 60;

/// A complete `smpl` chunk (id, size, body) with one infinite forward loop over frames
/// `start..=end` (the end frame is played, per the specification).
pub fn smpl_chunk(sample_rate_hz: u32, start_frame: u32, end_frame: u32) -> Vec<u8> {
    let sample_period_ns = (1_000_000_000u64 / u64::from(sample_rate_hz.max(1))) as u32;
    let fields: [u32; 15] = [
        0, // manufacturer
        0, // product
        sample_period_ns,
        UNITY_NOTE,
        0, // pitch fraction
        0, // SMPTE format
        0, // SMPTE offset
        1, // number of loops
        0, // sampler data bytes
        0, // loop: cue point id
        0, // loop type: forward
        start_frame,
        end_frame,
        0, // fraction
        0, // play count: infinite
    ];
    let mut chunk = Vec::with_capacity(8 + 4 * fields.len());
    chunk.extend_from_slice(b"smpl");
    chunk.extend_from_slice(&((4 * fields.len()) as u32).to_le_bytes());
    for field in fields {
        chunk.extend_from_slice(&field.to_le_bytes());
    }
    chunk
}
