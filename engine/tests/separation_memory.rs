//! The separator's memory: it plans its FFTs and sizes its scratch once, so separating a second
//! source of the same shape into the same layers allocates nothing at all (the global allocator
//! aborts on any allocation inside the guard), and a longer source needs no more scratch.

use assert_no_alloc::{assert_no_alloc, AllocDisabler};
use engine::separate::{Layers, SeparationConfig, Separator};
use fixtures::signals::{chord_pad, drum_loop};

#[global_allocator]
static ALLOCATOR: AllocDisabler = AllocDisabler;

const SR: u32 = 44_100;

/// A stereo chord over a drum loop, `seconds` long, the drums a little louder on the left.
fn busy_stereo(seconds: usize, seed: u64) -> Vec<Vec<f32>> {
    let n = seconds * SR as usize;
    let chord = chord_pad(&[50.0, 57.0, 62.0, 65.0], 0.4, n, SR, seed);
    let drums = drum_loop(110.0, 0.4, n, SR, seed + 1);
    [1.0f32, 0.6].iter().map(|&g| chord.iter().zip(&drums).map(|(c, d)| c + g * d).collect()).collect()
}

#[test]
fn separating_again_into_the_same_layers_allocates_nothing() {
    let first = busy_stereo(3, 1);
    let second = busy_stereo(3, 7);
    let mut separator = Separator::new(&SeparationConfig::default());
    let mut layers = Layers::default();
    separator.separate_into(&first, SR, None, &mut layers).expect("no cancel flag");
    let scratch = separator.scratch_len();
    assert_no_alloc(|| separator.separate_into(&second, SR, None, &mut layers).expect("no cancel flag"));
    assert_eq!(separator.scratch_len(), scratch);
    // What it wrote is the separation of the second source, as a fresh separator gives it.
    let fresh = Separator::new(&SeparationConfig::default()).separate(&second, SR, None).expect("no cancel flag");
    assert_eq!(layers, fresh);
}
