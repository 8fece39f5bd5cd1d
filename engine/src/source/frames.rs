//! `PlanarFrames`: growable planar audio stored in fixed-size blocks, so a long decode never
//! holds a doubled `Vec` capacity and the final buffers are allocated at their exact length.

/// Frames per block: 64 Ki frames, 256 KiB per channel.
const BLOCK_FRAMES: usize = 1 << 16;

/// Planar frames appended block by block; [`PlanarFrames::into_channels`] assembles exact-length
/// channels, releasing each block as soon as it is copied.
#[derive(Debug)]
pub struct PlanarFrames {
    /// Per channel, full blocks of `BLOCK_FRAMES` frames followed by one partial block.
    blocks: Vec<Vec<Vec<f32>>>,
    num_frames: usize,
}

impl PlanarFrames {
    /// An empty store of `num_channels` channels.
    pub fn new(num_channels: usize) -> Self {
        Self { blocks: vec![Vec::new(); num_channels], num_frames: 0 }
    }

    /// Number of channels.
    pub fn num_channels(&self) -> usize {
        self.blocks.len()
    }

    /// Number of frames stored.
    #[cfg(test)]
    pub fn num_frames(&self) -> usize {
        self.num_frames
    }

    /// Appends `num_frames` frames taken from `planes[ch][offset..offset + num_frames]`.
    /// Not realtime-safe: allocates.
    pub fn push(&mut self, planes: &[Vec<f32>], offset: usize, num_frames: usize) {
        for (channel, plane) in self.blocks.iter_mut().zip(planes) {
            let mut src = &plane[offset..offset + num_frames];
            while !src.is_empty() {
                if channel.last().is_none_or(|b| b.len() == BLOCK_FRAMES) {
                    channel.push(Vec::with_capacity(BLOCK_FRAMES));
                }
                // A block was pushed just above when the last one was full or missing.
                let block = channel.last_mut().expect("a non-full block exists");
                let take = src.len().min(BLOCK_FRAMES - block.len());
                block.extend_from_slice(&src[..take]);
                src = &src[take..];
            }
        }
        self.num_frames += num_frames;
    }

    /// Drops frames past `num_frames`.
    pub fn truncate(&mut self, num_frames: usize) {
        if num_frames >= self.num_frames {
            return;
        }
        let full_blocks = num_frames / BLOCK_FRAMES;
        let rest = num_frames % BLOCK_FRAMES;
        for channel in &mut self.blocks {
            channel.truncate(full_blocks + usize::from(rest > 0));
            if let Some(last) = channel.last_mut().filter(|_| rest > 0) {
                last.truncate(rest);
            }
        }
        self.num_frames = num_frames;
    }

    /// Largest absolute sample value, 0 when empty.
    pub fn peak(&self) -> f32 {
        self.blocks
            .iter()
            .flatten()
            .flatten()
            .fold(0.0f32, |peak, x| peak.max(x.abs()))
    }

    /// Multiplies every sample by `gain`.
    pub fn scale(&mut self, gain: f32) {
        self.blocks.iter_mut().flatten().flatten().for_each(|x| *x *= gain);
    }

    /// The planar channels, each exactly `num_frames` long. Blocks are freed as they are
    /// copied, so the peak resident memory is the result plus one block per channel.
    pub fn into_channels(self) -> Vec<Vec<f32>> {
        let num_frames = self.num_frames;
        self.blocks
            .into_iter()
            .map(|channel| {
                let mut out = Vec::with_capacity(num_frames);
                for block in channel {
                    out.extend_from_slice(&block);
                }
                out
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_truncate_and_assemble_keep_order_and_exact_length() {
        let total = 2 * BLOCK_FRAMES + 123;
        let plane: Vec<f32> = (0..total).map(|i| i as f32).collect();
        let planes = vec![plane.clone(), plane.iter().map(|x| -x).collect()];
        let mut frames = PlanarFrames::new(2);
        let mut offset = 0;
        for step in [7usize, BLOCK_FRAMES, 1, BLOCK_FRAMES + 50] {
            frames.push(&planes, offset, step);
            offset += step;
        }
        frames.push(&planes, offset, total - offset);
        assert_eq!(frames.num_frames(), total);
        frames.truncate(BLOCK_FRAMES + 5);
        let out = frames.into_channels();
        assert_eq!(out[0].len(), BLOCK_FRAMES + 5);
        assert_eq!(out[0].capacity(), BLOCK_FRAMES + 5);
        assert_eq!(out[0][..], plane[..BLOCK_FRAMES + 5]);
        assert_eq!(out[1][BLOCK_FRAMES + 4], -((BLOCK_FRAMES + 4) as f32));
    }
}
