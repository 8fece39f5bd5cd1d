//! Portable transcendental functions. `f32::sin` and friends call the platform's C math library
//! (glibc on Linux, the C runtime on Windows), and those round differently in the last bit; a pack
//! rendered on two machines then differs in 9 of 10 files. Every engine, catalogue and exporter
//! computation goes through these instead: the `libm` crate, a pure-Rust port of musl's math
//! library, gives the same bits on every platform. `sqrt`, `abs`, `floor`, `mul_add` and `powi` are
//! exact or compiled in, so they stay as they are. (`cargo test -p xtask` fails when a std call
//! comes back into the engine, the catalogue or the exporter.)

/// A float type the portable functions take: `f32` or `f64`.
pub trait Real: Copy {
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn tanh(self) -> Self;
    fn exp(self) -> Self;
    fn exp2(self) -> Self;
    fn exp_m1(self) -> Self;
    fn ln(self) -> Self;
    fn ln_1p(self) -> Self;
    fn log2(self) -> Self;
    fn log10(self) -> Self;
    fn powf(self, exponent: Self) -> Self;
    fn atan2(self, x: Self) -> Self;
    fn hypot(self, y: Self) -> Self;
}

macro_rules! real {
    ($float:ty, $sin:ident, $cos:ident, $tanh:ident, $exp:ident, $exp2:ident, $expm1:ident, $log:ident,
     $log1p:ident, $log2:ident, $log10:ident, $pow:ident, $atan2:ident, $hypot:ident) => {
        impl Real for $float {
            fn sin(self) -> Self {
                libm::$sin(self)
            }
            fn cos(self) -> Self {
                libm::$cos(self)
            }
            fn tanh(self) -> Self {
                libm::$tanh(self)
            }
            fn exp(self) -> Self {
                libm::$exp(self)
            }
            fn exp2(self) -> Self {
                libm::$exp2(self)
            }
            fn exp_m1(self) -> Self {
                libm::$expm1(self)
            }
            fn ln(self) -> Self {
                libm::$log(self)
            }
            fn ln_1p(self) -> Self {
                libm::$log1p(self)
            }
            fn log2(self) -> Self {
                libm::$log2(self)
            }
            fn log10(self) -> Self {
                libm::$log10(self)
            }
            fn powf(self, exponent: Self) -> Self {
                libm::$pow(self, exponent)
            }
            fn atan2(self, x: Self) -> Self {
                libm::$atan2(self, x)
            }
            fn hypot(self, y: Self) -> Self {
                libm::$hypot(self, y)
            }
        }
    };
}

real!(
    f32, sinf, cosf, tanhf, expf, exp2f, expm1f, logf, log1pf, log2f, log10f, powf, atan2f, hypotf
);
real!(
    f64, sin, cos, tanh, exp, exp2, expm1, log, log1p, log2, log10, pow, atan2, hypot
);

pub fn sin<T: Real>(x: T) -> T {
    x.sin()
}
pub fn cos<T: Real>(x: T) -> T {
    x.cos()
}
/// `(sin x, cos x)`.
pub fn sin_cos<T: Real>(x: T) -> (T, T) {
    (x.sin(), x.cos())
}
pub fn tanh<T: Real>(x: T) -> T {
    x.tanh()
}
pub fn exp<T: Real>(x: T) -> T {
    x.exp()
}
pub fn exp2<T: Real>(x: T) -> T {
    x.exp2()
}
/// `e^x - 1`, exact near 0.
pub fn exp_m1<T: Real>(x: T) -> T {
    x.exp_m1()
}
/// Natural logarithm.
pub fn ln<T: Real>(x: T) -> T {
    x.ln()
}
/// `ln(1 + x)`, exact near 0.
pub fn ln_1p<T: Real>(x: T) -> T {
    x.ln_1p()
}
pub fn log2<T: Real>(x: T) -> T {
    x.log2()
}
pub fn log10<T: Real>(x: T) -> T {
    x.log10()
}
pub fn powf<T: Real>(x: T, exponent: T) -> T {
    x.powf(exponent)
}
/// The angle of `(x, y)`, as `y.atan2(x)`.
pub fn atan2<T: Real>(y: T, x: T) -> T {
    y.atan2(x)
}
/// `sqrt(x^2 + y^2)` without overflow: a complex number's magnitude is `hypot(c.re, c.im)`
/// (num-complex's `norm` calls the platform's), its angle `atan2(c.im, c.re)` (for `arg`).
pub fn hypot<T: Real>(x: T, y: T) -> T {
    x.hypot(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portable_functions_agree_with_the_platform_to_a_few_ulps() {
        for i in 0..2000 {
            let x = (i as f32 - 1000.0) * 0.0123;
            let close = |a: f32, b: f32| {
                (a - b).abs() <= 4.0 * f32::EPSILON * a.abs().max(b.abs()).max(1e-30)
            };
            assert!(close(sin(x), x.sin()), "sin({x})");
            assert!(close(cos(x), x.cos()), "cos({x})");
            assert!(close(exp2(x * 0.1), (x * 0.1).exp2()), "exp2({x})");
            assert!(close(tanh(x), x.tanh()), "tanh({x})");
            assert!(close(atan2(x, 0.7), x.atan2(0.7)), "atan2({x})");
            if x > 0.0 {
                assert!(close(ln(x), x.ln()), "ln({x})");
                assert!(close(log10(x), x.log10()), "log10({x})");
                assert!(close(powf(x, 0.37), x.powf(0.37)), "powf({x})");
            }
        }
        let y = 0.731_f64;
        assert!((exp(y) - y.exp()).abs() < 1e-15 && (log2(y) - y.log2()).abs() < 1e-15);
    }
}
