//! Reading criterion's results: `<criterion home>/<group>/<function>/<value>/new/
//! {benchmark,estimates,sample}.json`.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::workloads::workspace_root;

/// Where criterion writes: `$CRITERION_HOME`, else `$CARGO_TARGET_DIR/criterion`, else
/// `target/criterion` in the workspace.
pub fn criterion_home() -> PathBuf {
    if let Some(h) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(h);
    }
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(t).join("criterion");
    }
    workspace_root().join("target/criterion")
}

/// One benchmark's estimate of the mean time per iteration.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// Criterion group (`pjbench-load`).
    pub group: String,
    /// Function id (the codec).
    pub function: String,
    /// Parameter (the workload id, `ints_1m-p4`).
    pub value: String,
    /// Mean, ns.
    pub mean_ns: f64,
    /// Interval low, ns.
    pub low_ns: f64,
    /// Interval high, ns.
    pub high_ns: f64,
    /// Confidence level.
    pub confidence: f64,
    /// Bytes per iteration, when the bench declared them.
    pub bytes: Option<u64>,
    /// Samples.
    pub samples: u64,
}

#[derive(Deserialize)]
struct BenchmarkJson {
    group_id: String,
    #[serde(default)]
    function_id: Option<String>,
    #[serde(default)]
    value_str: Option<String>,
    #[serde(default)]
    throughput: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct EstimatesJson {
    mean: EstimateJson,
}

#[derive(Deserialize)]
struct EstimateJson {
    confidence_interval: Ci,
    point_estimate: f64,
}

#[derive(Deserialize)]
struct Ci {
    confidence_level: f64,
    lower_bound: f64,
    upper_bound: f64,
}

#[derive(Deserialize)]
struct SampleJson {
    #[serde(default)]
    iters: Vec<f64>,
}

/// Every estimate under `home` whose group starts with `group_prefix` and whose
/// `new/estimates.json` was written at or after `since` (so results of earlier runs and
/// of benches this run did not execute are left out).
pub fn read(home: &Path, group_prefix: &str, since: Option<SystemTime>) -> Result<Vec<Estimate>> {
    let mut out = Vec::new();
    if !home.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(home).sort_by_file_name() {
        let entry = entry?;
        if entry.file_name() != "benchmark.json" {
            continue;
        }
        let dir = entry
            .path()
            .parent()
            .context("benchmark.json has a parent")?;
        if dir.file_name().is_none_or(|n| n != "new") {
            continue;
        }
        let estimates = dir.join("estimates.json");
        if let Some(since) = since {
            let written = std::fs::metadata(&estimates).and_then(|m| m.modified());
            if !written.is_ok_and(|t| t >= since) {
                continue;
            }
        }
        let b: BenchmarkJson = serde_json::from_str(&std::fs::read_to_string(entry.path())?)
            .with_context(|| format!("{}", entry.path().display()))?;
        if !b.group_id.starts_with(group_prefix) {
            continue;
        }
        let e: EstimatesJson = serde_json::from_str(&std::fs::read_to_string(&estimates)?)
            .with_context(|| format!("{}", estimates.display()))?;
        let samples = std::fs::read_to_string(dir.join("sample.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<SampleJson>(&t).ok())
            .map(|s| s.iters.len() as u64)
            .unwrap_or(0);
        let bytes = b
            .throughput
            .as_ref()
            .and_then(|t| t.get("Bytes").or_else(|| t.get("BytesDecimal")))
            .and_then(|v| v.as_u64());
        out.push(Estimate {
            group: b.group_id,
            function: b.function_id.unwrap_or_default(),
            value: b.value_str.unwrap_or_default(),
            mean_ns: e.mean.point_estimate,
            low_ns: e.mean.confidence_interval.lower_bound,
            high_ns: e.mean.confidence_interval.upper_bound,
            confidence: e.mean.confidence_interval.confidence_level,
            bytes,
            samples,
        });
    }
    Ok(out)
}
