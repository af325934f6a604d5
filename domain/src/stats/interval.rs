//! Confidence intervals: Wilson's score interval for shares and the
//! t interval for means.
//!
//! Evaluators compare shares against targets such as "60 % feel closer to
//! work" on groups of a few dozen people, where the textbook normal
//! approximation for a proportion misbehaves (it gives zero width at 0 of 10
//! and can leave 0–1). Wilson's interval stays inside 0–1 and keeps close to
//! its nominal 95 % for small n, so every share uses it. Means (the NDI, the
//! mean change of an indicator) use Student's t with n − 1 degrees of freedom,
//! which is the exact interval for normal data and the usual choice for small
//! groups.

use serde::Serialize;

/// The 97.5th percentile of the standard normal distribution, for 95 % intervals.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// How share intervals are computed, stated in every report and export.
pub const SHARE_INTERVAL_METHOD: &str = "Wilsons intervall, 95 % (z = 1,959964)";

/// How mean intervals are computed, stated in every report and export.
pub const MEAN_INTERVAL_METHOD: &str =
    "t-fördelningen med n − 1 frihetsgrader, 95 % (inget intervall när n < 2)";

/// A two-sided 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Wilson's score interval (95 %) for `successes` out of `n`; `None` when
/// `n` is zero. With p = x / n and z = [`Z_95`]:
/// centre = (p + z²/2n) / (1 + z²/n),
/// half-width = z / (1 + z²/n) · √(p(1 − p)/n + z²/4n²).
pub fn wilson(successes: u64, n: u64) -> Option<Interval> {
    if n == 0 {
        return None;
    }
    let x = successes.min(n) as f64;
    let n = n as f64;
    let p = x / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z_95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// Two-sided 95 % critical values of Student's t for 1–30 degrees of freedom.
const T_975: [f64; 30] = [
    12.706_205, 4.302_653, 3.182_446, 2.776_445, 2.570_582, 2.446_912, 2.364_624, 2.306_004,
    2.262_157, 2.228_139, 2.200_985, 2.178_813, 2.160_369, 2.144_787, 2.131_450, 2.119_905,
    2.109_816, 2.100_922, 2.093_024, 2.085_963, 2.079_614, 2.073_873, 2.068_658, 2.063_899,
    2.059_539, 2.055_529, 2.051_831, 2.048_407, 2.045_230, 2.042_272,
];

/// The 97.5th percentile of Student's t with `df` degrees of freedom: from a
/// table up to 30, above that from the Cornish–Fisher expansion around the
/// normal quantile (error below 10⁻⁶ there). `df = 0` has no finite value and
/// gives infinity.
pub fn t_975(df: u64) -> f64 {
    if df == 0 {
        return f64::INFINITY;
    }
    if let Some(&t) = usize::try_from(df - 1).ok().and_then(|i| T_975.get(i)) {
        return t;
    }
    let z = Z_95;
    let v = df as f64;
    let z3 = z.powi(3);
    let z5 = z.powi(5);
    let z7 = z.powi(7);
    let z9 = z.powi(9);
    let g1 = (z3 + z) / 4.0;
    let g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
    let g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
    let g4 = (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92_160.0;
    z + g1 / v + g2 / (v * v) + g3 / v.powi(3) + g4 / v.powi(4)
}

/// A mean with its standard deviation and 95 % t interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Mean {
    pub value: f64,
    /// Sample standard deviation (n − 1); `None` when n < 2.
    pub sd: Option<f64>,
    /// `None` when n < 2.
    pub interval: Option<Interval>,
}

/// Running sums for a mean: count, sum and sum of squared deviations
/// (Welford's method, so large sums of similar values lose no precision).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MeanAccumulator {
    n: u64,
    mean: f64,
    m2: f64,
}

impl MeanAccumulator {
    /// Adds one value.
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// How many values were added.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The mean with its t interval, or `None` when nothing was added. The
    /// interval is clipped to `bounds` (the scale's ends), when given.
    pub fn finish(&self, bounds: Option<(f64, f64)>) -> Option<Mean> {
        if self.n == 0 {
            return None;
        }
        let (sd, interval) = if self.n >= 2 {
            let sd = (self.m2 / (self.n - 1) as f64).sqrt();
            let half = t_975(self.n - 1) * sd / (self.n as f64).sqrt();
            let (mut low, mut high) = (self.mean - half, self.mean + half);
            if let Some((min, max)) = bounds {
                low = low.max(min);
                high = high.min(max);
            }
            (Some(sd), Some(Interval { low, high }))
        } else {
            (None, None)
        };
        Some(Mean {
            value: self.mean,
            sd,
            interval,
        })
    }
}

/// The same for whole-number values (changes in score points): exact integer
/// sums, so the mean of many small changes carries no rounding at all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IntMeanAccumulator {
    n: u64,
    sum: i64,
    sum_sq: i64,
}

impl IntMeanAccumulator {
    /// Adds one value.
    pub fn push(&mut self, x: i32) {
        self.n += 1;
        self.sum += i64::from(x);
        self.sum_sq += i64::from(x) * i64::from(x);
    }

    /// How many values were added.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The mean with its t interval, or `None` when nothing was added.
    pub fn finish(&self) -> Option<Mean> {
        if self.n == 0 {
            return None;
        }
        let n = self.n as f64;
        let mean = self.sum as f64 / n;
        let (sd, interval) = if self.n >= 2 {
            // n·Σx² − (Σx)² is exact in i128 and never negative.
            let spread = i128::from(self.n as i64) * i128::from(self.sum_sq)
                - i128::from(self.sum) * i128::from(self.sum);
            let sd = (spread as f64 / (n * (n - 1.0))).sqrt();
            let half = t_975(self.n - 1) * sd / n.sqrt();
            (
                Some(sd),
                Some(Interval {
                    low: mean - half,
                    high: mean + half,
                }),
            )
        } else {
            (None, None)
        };
        Some(Mean {
            value: mean,
            sd,
            interval,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    fn assert_interval(x: u64, n: u64, low: f64, high: f64) {
        let i = wilson(x, n).unwrap();
        assert!(
            close(i.low, low, 0.00005) && close(i.high, high, 0.00005),
            "{x}/{n}: {i:?}, expected {low}–{high}"
        );
    }

    /// Newcombe, R. G. (1998), "Two-sided confidence intervals for the single
    /// proportion: comparison of seven methods", Statistics in Medicine 17,
    /// 857–872, Table I, method 3 (score interval without continuity
    /// correction): 81/263 → 0.2553–0.3662, 15/148 → 0.0624–0.1605,
    /// 0/20 → 0–0.1611, 1/29 → 0.0061–0.1718.
    #[test]
    fn wilson_matches_newcombes_published_values() {
        assert_interval(81, 263, 0.2553, 0.3662);
        assert_interval(15, 148, 0.0624, 0.1605);
        assert_interval(0, 20, 0.0, 0.1611);
        assert_interval(1, 29, 0.0061, 0.1718);
    }

    /// By hand with z = 1.959964, z² = 3.841459:
    /// 0/10: centre = (0 + 0.192073) / 1.384146 = 0.138766,
    ///       half = 1.959964 / 1.384146 · √(0 + 3.841459/400) = 1.416009 · 0.097998 = 0.138766
    ///       → 0.0000–0.2775.
    /// 5/10: centre = (0.5 + 0.192073) / 1.384146 = 0.5,
    ///       half = 1.416009 · √(0.025 + 0.009604) = 1.416009 · 0.186022 = 0.263410
    ///       → 0.2366–0.7634.
    /// 10/10 mirrors 0/10: 0.7225–1.
    #[test]
    fn wilson_matches_hand_computed_values() {
        assert_interval(0, 10, 0.0, 0.2775);
        assert_interval(5, 10, 0.2366, 0.7634);
        assert_interval(10, 10, 0.7225, 1.0);
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn t_quantiles_match_tables() {
        assert!(close(t_975(1), 12.7062, 0.0001));
        assert!(close(t_975(10), 2.2281, 0.0001));
        assert!(close(t_975(30), 2.0423, 0.0001));
        // Published: df 40 → 2.0211, 60 → 2.0003, 120 → 1.9799.
        assert!(close(t_975(40), 2.0211, 0.0001));
        assert!(close(t_975(60), 2.0003, 0.0001));
        assert!(close(t_975(120), 1.9799, 0.0001));
        assert!(close(t_975(1_000_000), Z_95, 0.00001));
        assert!(t_975(0).is_infinite());
    }

    /// 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32,
    /// sd = √(32/7) = 2.13809, se = 0.755929, t(7) = 2.364624,
    /// half-width = 1.787484 → 3.2125–6.7875.
    #[test]
    fn means_get_a_t_interval() {
        let values = [2, 4, 4, 4, 5, 5, 7, 9];
        let mut float = MeanAccumulator::default();
        let mut int = IntMeanAccumulator::default();
        for v in values {
            float.push(f64::from(v));
            int.push(v);
        }
        for mean in [float.finish(None).unwrap(), int.finish().unwrap()] {
            assert!(close(mean.value, 5.0, 1e-12));
            assert!(close(mean.sd.unwrap(), 2.13809, 0.00001));
            let i = mean.interval.unwrap();
            assert!(close(i.low, 3.2125, 0.0001) && close(i.high, 6.7875, 0.0001));
        }
        // Clipped to the scale.
        let clipped = float.finish(Some((4.0, 6.0))).unwrap().interval.unwrap();
        assert_eq!((clipped.low, clipped.high), (4.0, 6.0));
        // One value: a mean but no interval; none: nothing.
        let mut one = IntMeanAccumulator::default();
        one.push(3);
        assert_eq!(
            one.finish(),
            Some(Mean {
                value: 3.0,
                sd: None,
                interval: None
            })
        );
        assert_eq!(MeanAccumulator::default().finish(None), None);
    }
}
