//! HTML reports from the runner's JSON results and benchmark data (to come).
