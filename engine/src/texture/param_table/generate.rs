//! What one row of the parameter list becomes: the `texture_params!` macro that turns the rows of the
//! parameter list into `TextureParams` (fields, docs, `Default`), the table of continuous parameters,
//! the engine's `ControlValues`, and the mapping between table order and fields.
//!
//! A row is a struct field with its default, and, for a continuous parameter, its table entry:
//!
//! ```text
//! /// Doc of the field.
//! name: f32 = default => smoothed(CURVE) { id: "host_id", name: "Host Name", unit: Unit, range: min..=max, skew: s, group: Group },
//! name: f32 = default => direct { id: ..., name: ..., unit: ..., range: ..., skew: ..., group: ... },
//! name: Type = default_expr,
//! ```
//!
//! `smoothed(CURVE)` rows are glided by the engine with `CURVE` (a constant of the table's module);
//! `direct` rows are taken as they are; rows without a table entry are the discrete fields. The
//! struct keeps the rows' order (it is the serialised order of recipes). The table lists the smoothed
//! rows first, then the direct ones, each in row order: the engine's smoother order.

/// Defines `TextureParams` and everything derived from its rows (see the module docs). The expansion
/// names `ParamSpec`, `Unit`, `Group`, the smoothing constants and this macro itself as the invoking
/// module has them in scope (this file imports nothing from it).
macro_rules! texture_params {
    // Entry: the struct as written, rows not yet read.
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $($rows:tt)*
        }
    ) => {
        texture_params! {
            @rows [$(#[$attr])* pub struct $name]
            fields [] smoothed [] direct [] discrete []
            rest [$($rows)*]
        }
    };

    // A smoothed continuous parameter.
    (
        @rows $head:tt fields [$($fields:tt)*] smoothed [$($smoothed:tt)*] direct $direct:tt discrete $discrete:tt
        rest [
            $(#[$meta:meta])*
            $field:ident : f32 = $default:literal => smoothed($curve:ident) {
                id: $id:literal, name: $label:literal, unit: $unit:ident, range: $min:literal ..= $max:literal,
                skew: $skew:literal, group: $group:ident $(,)?
            },
            $($rest:tt)*
        ]
    ) => {
        texture_params! {
            @rows $head
            fields [$($fields)* {
                [$(#[$meta])* #[doc = ""] #[doc = concat!(
                    "Range `", stringify!($min), "..=", stringify!($max), "`, default `", stringify!($default),
                    "`; host parameter `", $id, "`, smoothed with `", stringify!($curve), "`."
                )]]
                $field: f32 = $default
            }]
            smoothed [$($smoothed)* ($field $default $curve $id $label $unit $min $max $skew $group)]
            direct $direct discrete $discrete
            rest [$($rest)*]
        }
    };

    // A continuous parameter taken as it is.
    (
        @rows $head:tt fields [$($fields:tt)*] smoothed $smoothed:tt direct [$($direct:tt)*] discrete $discrete:tt
        rest [
            $(#[$meta:meta])*
            $field:ident : f32 = $default:literal => direct {
                id: $id:literal, name: $label:literal, unit: $unit:ident, range: $min:literal ..= $max:literal,
                skew: $skew:literal, group: $group:ident $(,)?
            },
            $($rest:tt)*
        ]
    ) => {
        texture_params! {
            @rows $head
            fields [$($fields)* {
                [$(#[$meta])* #[doc = ""] #[doc = concat!(
                    "Range `", stringify!($min), "..=", stringify!($max), "`, default `", stringify!($default),
                    "`; host parameter `", $id, "`, not smoothed."
                )]]
                $field: f32 = $default
            }]
            smoothed $smoothed
            direct [$($direct)* ($field $default $id $label $unit $min $max $skew $group)]
            discrete $discrete
            rest [$($rest)*]
        }
    };

    // A discrete field (no table entry).
    (
        @rows $head:tt fields [$($fields:tt)*] smoothed $smoothed:tt direct $direct:tt discrete [$($discrete:tt)*]
        rest [
            $(#[$meta:meta])*
            $field:ident : $ty:ty = $default:expr,
            $($rest:tt)*
        ]
    ) => {
        texture_params! {
            @rows $head
            fields [$($fields)* { [$(#[$meta])*] $field: $ty = $default }]
            smoothed $smoothed direct $direct
            discrete [$($discrete)* $field]
            rest [$($rest)*]
        }
    };

    // Every row read: the items.
    (
        @rows [$(#[$attr:meta])* pub struct $name:ident]
        fields [$({ [$(#[$fmeta:meta])*] $field:ident : $ty:ty = $default:expr })*]
        smoothed [$((
            $s_field:ident $s_default:literal $s_curve:ident $s_id:literal $s_label:literal $s_unit:ident
            $s_min:literal $s_max:literal $s_skew:literal $s_group:ident
        ))*]
        direct [$((
            $d_field:ident $d_default:literal $d_id:literal $d_label:literal $d_unit:ident
            $d_min:literal $d_max:literal $d_skew:literal $d_group:ident
        ))*]
        discrete [$($x_field:ident)*]
        rest []
    ) => {
        $(#[$attr])*
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $($field: $default,)* }
            }
        }

        /// Smoothed parameters (the table's first entries, in the engine's smoother order).
        pub const NUM_SMOOTHED: usize = [$(stringify!($s_field)),*].len();

        /// Number of continuous parameters; the first [`NUM_SMOOTHED`] are smoothed by the engine.
        pub const NUM_CONTINUOUS: usize = NUM_SMOOTHED + [$(stringify!($d_field)),*].len();

        /// Every continuous parameter: the smoothed ones, then those taken as they are (each in the
        /// order of the struct). The order of the first [`NUM_SMOOTHED`] is the engine's smoother order.
        pub const CONTINUOUS: [ParamSpec; NUM_CONTINUOUS] = [
            $(ParamSpec {
                field: stringify!($s_field),
                id: $s_id,
                name: $s_label,
                unit: Unit::$s_unit,
                min: $s_min,
                max: $s_max,
                default: $s_default,
                smoothing: $s_curve,
                skew: $s_skew,
                group: Group::$s_group,
            },)*
            $(ParamSpec {
                field: stringify!($d_field),
                id: $d_id,
                name: $d_label,
                unit: Unit::$d_unit,
                min: $d_min,
                max: $d_max,
                default: $d_default,
                smoothing: None,
                skew: $d_skew,
                group: Group::$d_group,
            },)*
        ];

        /// The fields that are not continuous parameters (not in [`CONTINUOUS`]), in struct order.
        pub const DISCRETE_FIELDS: &[&str] = &[$(stringify!($x_field)),*];

        /// Every continuous value of `p`, in table order. Realtime-safe.
        pub fn values(p: &$name) -> [f32; NUM_CONTINUOUS] {
            [$(p.$s_field,)* $(p.$d_field,)*]
        }

        /// Sets every continuous field of `p` from `values`, in table order. Realtime-safe.
        pub fn set_values(p: &mut $name, values: [f32; NUM_CONTINUOUS]) {
            let [$($s_field,)* $($d_field,)*] = values;
            $(p.$s_field = $s_field;)*
            $(p.$d_field = $d_field;)*
        }

        /// The smoothed parameters' values for one control tick: the smoothed fields of
        #[doc = concat!("[`", stringify!($name), "`],")]
        /// cleaned, clamped and glided.
        #[derive(Debug, Clone, Copy, Default, PartialEq)]
        pub(crate) struct ControlValues {
            $(
                #[doc = concat!("[`", stringify!($name), "::", stringify!($s_field), "`], smoothed.")]
                pub $s_field: f32,
            )*
        }

        impl ControlValues {
            /// The values of the smoothers, in table order. Realtime-safe.
            pub(crate) fn from_smoothed(values: [f32; NUM_SMOOTHED]) -> Self {
                let [$($s_field,)*] = values;
                Self { $($s_field,)* }
            }
        }
    };
}

pub(super) use texture_params;
