//! The library version × library version drift tables, read from the committed corpus's
//! `libraries/` cases (their `resolves`) and `manifest.yaml` (the library versions).

use std::path::Path;

use picklejar_report::crossver::drift;
use picklejar_runner::Corpus;

fn corpus() -> Option<Corpus> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let c = Corpus::open(&root).expect("the committed corpus opens");
    // the library cases are committed; without them there is nothing to check
    c.cases
        .iter()
        .any(|c| c.id.starts_with("libraries/"))
        .then_some(c)
}

#[test]
fn numpy_2_pickles_do_not_load_in_numpy_1_and_each_version_reads_its_own() {
    let Some(c) = corpus() else { return };
    let tables = drift(&c);
    let names: Vec<&str> = tables.iter().map(|d| d.library.as_str()).collect();
    assert_eq!(names, ["joblib", "numpy", "pandas", "sklearn"]);
    let numpy = &tables[1];
    assert!(
        numpy.readers[0].starts_with("numpy 1."),
        "{:?}",
        numpy.readers
    );
    for (i, row) in numpy.rows.iter().enumerate() {
        // the diagonal: a numpy reads what it wrote itself
        let own = &row.cells[i];
        assert!(
            own.total > 0 && own.ok == own.total,
            "{}: {own:?}",
            row.name
        );
        for (j, cell) in row.cells.iter().enumerate() {
            let (w, r) = (&row.name, &numpy.readers[j]);
            if w.starts_with("numpy 2.") && r.starts_with("numpy 1.") {
                // numpy 2 names numpy._core, which numpy 1 does not have
                assert_eq!(cell.ok, 0, "{w} read by {r}: {cell:?}");
                assert!(
                    cell.errors.iter().all(|e| e.contains("unresolved")),
                    "{w} read by {r}: {:?}",
                    cell.errors
                );
            }
        }
    }
}

#[test]
fn joblib_1_1_misreads_the_padded_arrays_of_later_joblibs() {
    let Some(c) = corpus() else { return };
    let tables = drift(&c);
    let Some(joblib) = tables.iter().find(|d| d.library == "joblib") else {
        panic!(
            "no joblib table: {:?}",
            tables.iter().map(|d| &d.library).collect::<Vec<_>>()
        )
    };
    let old = joblib
        .readers
        .iter()
        .position(|r| r.starts_with("joblib 1.1."))
        .expect("a joblib 1.1 reader");
    let mut padded = 0;
    for row in &joblib.rows {
        let cell = &row.cells[old];
        // joblib >= 1.2 writes a padding-length byte and padding before each raw array's
        // bytes, which joblib 1.1 reads as opcodes (an object array has no padding: it is a
        // second pickle)
        if row.name.starts_with("joblib 1.") && !row.name.starts_with("joblib 1.1.") {
            padded += 1;
            assert!(
                cell.ok < cell.total,
                "{} read by joblib 1.1: {cell:?}",
                row.name
            );
            assert!(
                cell.errors.iter().any(|e| e.contains("bad-memo")),
                "{}: {cell:?}",
                row.name
            );
        }
    }
    assert!(padded >= 4, "{padded} writers of padded files");
}
