//! Building a history record: the machine, the commit, the date, and the measurements
//! from criterion (CPython's come from [`crate::cpython`]).

use std::path::Path;
use std::process::Command;

use crate::criterion_read::Estimate;
use crate::history::{Machine, Measurement};

/// The criterion group of load benches.
pub const LOAD_GROUP: &str = "pjbench-load";
/// The criterion group of dump benches.
pub const DUMP_GROUP: &str = "pjbench-dump";

/// Converts criterion estimates of the `pjbench-*` groups into measurements (the value is
/// the workload id `name-pP`).
pub fn from_criterion(estimates: &[Estimate]) -> Vec<Measurement> {
    estimates
        .iter()
        .filter_map(|e| {
            let op = match e.group.as_str() {
                LOAD_GROUP => "load",
                DUMP_GROUP => "dump",
                _ => return None,
            };
            let (name, proto) = e.value.rsplit_once("-p")?;
            Some(
                Measurement {
                    workload: name.to_owned(),
                    protocol: proto.parse().ok()?,
                    op: op.to_owned(),
                    codec: e.function.clone(),
                    mean_ns: e.mean_ns,
                    ci_low_ns: e.low_ns,
                    ci_high_ns: e.high_ns,
                    confidence: e.confidence,
                    bytes: e.bytes.unwrap_or(0),
                    samples: e.samples,
                    source: "criterion".into(),
                    throughput_mib_s: 0.0,
                }
                .with_throughput(),
            )
        })
        .collect()
}

fn run(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// This machine.
pub fn machine(python: Option<String>) -> Machine {
    let hostname = std::fs::read_to_string("/etc/hostname")
        .map(|s| s.trim().to_owned())
        .ok()
        .or_else(|| run("hostname", &[]))
        .unwrap_or_else(|| "unknown".into());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Machine {
        id: format!("{hostname}/{cpu}/{cores}"),
        hostname,
        cpu,
        cores,
        os: format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH),
        rustc: run("rustc", &["--version"]).unwrap_or_default(),
        python: python.unwrap_or_default(),
    }
}

/// The commit checked out in `root` and whether the tree has changes.
pub fn commit(root: &Path) -> (String, bool) {
    let root = root.to_string_lossy();
    let sha = run("git", &["-C", &root, "rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty = run(
        "git",
        &["-C", &root, "status", "--porcelain", "--untracked-files=no"],
    )
    .is_some_and(|s| !s.is_empty());
    (sha, dirty)
}

/// Now, UTC, RFC 3339 (`2026-11-26T00:41:07Z`).
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since the epoch as RFC 3339 UTC.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // civil from days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_785_000_000), "2026-07-25T17:20:00Z");
    }

    #[test]
    fn criterion_ids_become_measurements() {
        let e = Estimate {
            group: LOAD_GROUP.into(),
            function: "picklejar".into(),
            value: "pyperf_dict_group-p4".into(),
            mean_ns: 10.0,
            low_ns: 9.0,
            high_ns: 11.0,
            confidence: 0.95,
            bytes: Some(100),
            samples: 20,
        };
        let m = from_criterion(&[
            e.clone(),
            Estimate {
                group: "load".into(),
                ..e
            },
        ]);
        assert_eq!(m.len(), 1, "other groups are ignored");
        assert_eq!(
            (m[0].workload.as_str(), m[0].protocol, m[0].op.as_str()),
            ("pyperf_dict_group", 4, "load")
        );
        assert_eq!(m[0].bytes, 100);
    }
}
