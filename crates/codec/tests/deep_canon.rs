//! Canon trees as deep as what CPython writes are cloned and compared on a small thread
//! stack, as the runner's workers do with every expected value (clone and `==` grow their
//! stack on the heap).

use picklejar_codec::Canon;

fn nested(depth: usize) -> Canon {
    let mut c = Canon::List(Vec::new());
    for _ in 0..depth {
        c = Canon::List(vec![c]);
    }
    c
}

#[test]
fn deep_canon_clones_and_compares_on_a_small_stack() {
    // built and dropped on a roomy thread; cloned and compared on a 256 KiB one
    let roomy = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            let a = nested(20_000);
            let c = nested(19_999);
            let (a, b, c) = std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    let b = a.clone();
                    assert!(a == b);
                    assert!(a != c);
                    (a, b, c)
                })
                .expect("spawns")
                .join()
                .expect("no stack overflow in clone or ==");
            drop((a, b, c));
        })
        .expect("spawns");
    roomy.join().expect("joins");
}
