//! `Layer`: which part of a source a sound was mined from (the mix itself, or its harmonic,
//! percussive or residual layer), and `Layers`: the three separated layers of one source.


/// Which part of a source a sound comes from; written as its [`Layer::name`] in manifests and recipes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    /// The source as recorded.
    #[default]
    Mix,
    /// Sustained, pitched material: pads, drones, chords.
    Harmonic,
    /// Attacks and broadband bursts: drums, plucks' onsets, clicks.
    Percussive,
    /// What is neither clearly sustained nor clearly an attack: noise, breath, reverb tails, vibrato.
    Residual,
}

impl Layer {
    /// Whether this is the mix (for `skip_serializing_if`: recipes and records of mix pads stay as
    /// they were before layers existed).
    pub fn is_mix(&self) -> bool {
        *self == Layer::Mix
    }

    /// Every layer, the mix first.
    pub const ALL: [Layer; 4] = [Layer::Mix, Layer::Harmonic, Layer::Percussive, Layer::Residual];

    /// The layer's name as written in manifests, recipes and file names: `"mix"`, `"harmonic"`,
    /// `"percussive"` or `"residual"`.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Mix => "mix",
            Layer::Harmonic => "harmonic",
            Layer::Percussive => "percussive",
            Layer::Residual => "residual",
        }
    }
}

impl std::fmt::Display for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Layer {
    type Err = String;

    /// Reads a [`Layer::name`] (exactly, lower case); the error names the bad value and the allowed ones.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Layer::ALL.into_iter().find(|layer| layer.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Layer::ALL.iter().map(|l| l.name()).collect();
            format!("unknown layer `{s}`: expected one of {}", names.join(", "))
        })
    }
}

/// The separated layers of one source, planar, each with the input's channel count and each channel
/// as long as the input's: harmonic + percussive + residual equals the input (non-finite input
/// samples read as silence) up to float rounding.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layers {
    pub harmonic: Vec<Vec<f32>>,
    pub percussive: Vec<Vec<f32>>,
    pub residual: Vec<Vec<f32>>,
}

impl Layers {
    /// The channels of `layer`, or `None` for [`Layer::Mix`] (the caller holds the mix).
    pub fn get(&self, layer: Layer) -> Option<&[Vec<f32>]> {
        match layer {
            Layer::Mix => None,
            Layer::Harmonic => Some(&self.harmonic),
            Layer::Percussive => Some(&self.percussive),
            Layer::Residual => Some(&self.residual),
        }
    }


    /// Sizes every layer to `lengths` (one per channel) and zeroes it, keeping the allocations it
    /// already has: separating a source of the same shape again allocates nothing.
    pub(crate) fn reset_to(&mut self, lengths: impl Iterator<Item = usize> + Clone) {
        for layer in [&mut self.harmonic, &mut self.percussive, &mut self.residual] {
            let lengths = lengths.clone();
            let num_channels = lengths.clone().count();
            layer.truncate(num_channels);
            layer.resize_with(num_channels, Vec::new);
            for (channel, len) in layer.iter_mut().zip(lengths) {
                channel.clear();
                channel.resize(len, 0.0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_serde() {
        for layer in Layer::ALL {
            assert_eq!(layer.name().parse::<Layer>(), Ok(layer));
            assert_eq!(layer.to_string(), layer.name());
            let written = serialized_name(layer);
            assert_eq!(written, format!("\"{}\"", layer.name()));
        }
        let err = "drums".parse::<Layer>().unwrap_err();
        assert!(err.contains("`drums`") && err.contains("mix, harmonic, percussive, residual"), "{err}");
        assert!("Harmonic".parse::<Layer>().is_err());
    }

    /// The layer as serde writes it, through TOML's value serializer (the engine has no JSON).
    fn serialized_name(layer: Layer) -> String {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct Row {
            layer: Layer,
        }
        let text = toml::to_string(&Row { layer }).unwrap();
        let back: Row = toml::from_str(&text).unwrap();
        assert_eq!(back.layer, layer);
        text.trim().trim_start_matches("layer = ").to_string()
    }

    #[test]
    fn get_gives_each_layer_and_none_for_the_mix() {
        let layers = Layers { harmonic: vec![vec![1.0]], percussive: vec![vec![2.0]], residual: vec![vec![3.0]] };
        assert_eq!(layers.get(Layer::Mix), None);
        assert_eq!(layers.get(Layer::Harmonic).unwrap()[0][0], 1.0);
        assert_eq!(layers.get(Layer::Percussive).unwrap()[0][0], 2.0);
        assert_eq!(layers.get(Layer::Residual).unwrap()[0][0], 3.0);
    }
}
