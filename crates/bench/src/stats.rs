//! The statistics the gate and the page share: speed-ups and changes with intervals, and
//! the trend of a change at a threshold. Always from the confidence intervals of both
//! measurements, never from a bare ratio of means.

use serde::Serialize;

use crate::history::Measurement;

/// A ratio with an interval.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Ratio {
    /// Point estimate.
    pub value: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// How many times faster `subject` is than `reference` (reference time ÷ subject time),
/// with the interval obtained by dividing the interval bounds crosswise. With two
/// independent 95% intervals the true ratio lies in it with probability ≥ 0.95² ≈ 0.90.
pub fn speedup(reference: &Measurement, subject: &Measurement) -> Ratio {
    Ratio {
        value: reference.mean_ns / subject.mean_ns,
        low: reference.ci_low_ns / subject.ci_high_ns,
        high: reference.ci_high_ns / subject.ci_low_ns,
    }
}

/// Which way a measurement moved against the baseline, at a threshold.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Trend {
    /// Slower than the baseline beyond the threshold, with the whole interval.
    Regressed,
    /// Faster beyond the threshold, with the whole interval.
    Improved,
    /// The interval includes changes within the threshold (or straddles it).
    Unchanged,
}

impl Trend {
    /// `regressed`, `improved`, `unchanged`.
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Regressed => "regressed",
            Trend::Improved => "improved",
            Trend::Unchanged => "unchanged",
        }
    }
}

/// The change of a measurement against the baseline's.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Change {
    /// current time ÷ baseline time, with its interval (> 1: slower).
    pub time_ratio: Ratio,
    /// The trend at the threshold used.
    pub trend: Trend,
}

/// Compares two measurements of the same thing using their confidence intervals: the time
/// ratio's interval is `[current.low / baseline.high, current.high / baseline.low]`; the
/// change is a regression only when the whole interval lies above `1 + threshold`, an
/// improvement only when it lies below `1 - threshold`.
pub fn compare(baseline: &Measurement, current: &Measurement, threshold: f64) -> Change {
    let r = Ratio {
        value: current.mean_ns / baseline.mean_ns,
        low: current.ci_low_ns / baseline.ci_high_ns,
        high: current.ci_high_ns / baseline.ci_low_ns,
    };
    let trend = if r.low > 1.0 + threshold {
        Trend::Regressed
    } else if r.high < 1.0 - threshold {
        Trend::Improved
    } else {
        Trend::Unchanged
    };
    Change {
        time_ratio: r,
        trend,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(mean: f64, half: f64) -> Measurement {
        Measurement {
            workload: "w".into(),
            protocol: 4,
            op: "load".into(),
            codec: "picklejar".into(),
            mean_ns: mean,
            ci_low_ns: mean - half,
            ci_high_ns: mean + half,
            confidence: 0.95,
            bytes: 1 << 20,
            samples: 20,
            source: "criterion".into(),
            throughput_mib_s: 0.0,
        }
    }

    #[test]
    fn a_clear_slowdown_is_a_regression() {
        let c = compare(&m(100.0, 1.0), &m(130.0, 1.0), 0.05);
        assert_eq!(c.trend, Trend::Regressed);
        assert!((c.time_ratio.value - 1.3).abs() < 1e-12);
        assert!((c.time_ratio.low - 129.0 / 101.0).abs() < 1e-12);
    }

    #[test]
    fn overlapping_noise_is_not_a_regression_even_with_a_large_mean_ratio() {
        // means differ by 30%, but the intervals are wide: not significant
        let c = compare(&m(100.0, 30.0), &m(130.0, 30.0), 0.05);
        assert_eq!(c.trend, Trend::Unchanged);
        // a significant but tiny change stays under the threshold
        let c = compare(&m(100.0, 0.1), &m(102.0, 0.1), 0.05);
        assert_eq!(c.trend, Trend::Unchanged);
        assert_eq!(
            compare(&m(100.0, 1.0), &m(70.0, 1.0), 0.05).trend,
            Trend::Improved
        );
    }

    #[test]
    fn the_threshold_decides_a_significant_change() {
        // +8% with tight intervals: beyond 5%, within 10%
        assert_eq!(
            compare(&m(100.0, 0.1), &m(108.0, 0.1), 0.05).trend,
            Trend::Regressed
        );
        assert_eq!(
            compare(&m(100.0, 0.1), &m(108.0, 0.1), 0.10).trend,
            Trend::Unchanged
        );
    }

    #[test]
    fn speedup_divides_crosswise() {
        let r = speedup(&m(300.0, 30.0), &m(100.0, 10.0));
        assert!((r.value - 3.0).abs() < 1e-12);
        assert!((r.low - 270.0 / 110.0).abs() < 1e-12);
        assert!((r.high - 330.0 / 90.0).abs() < 1e-12);
        assert!((m(1.0, 0.0).mib_per_s() - 1e9).abs() < 1e-3);
    }
}
