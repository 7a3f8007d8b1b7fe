//! Every block goes back to the tier it came from, and keeps its bytes when a `realloc`
//! moves it between tiers. Run under Miri too (`cargo +nightly miri test -p
//! picklejar-alloc`): the tiers are the system allocator there, mimalloc being C.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use picklejar_alloc::Tiered;

/// The system allocator, counting the blocks it holds.
#[derive(Default)]
struct Counted {
    live: Cell<isize>,
}

// SAFETY: forwards to `System` unchanged; only counts.
unsafe impl GlobalAlloc for Counted {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.live.set(self.live.get() + 1);
        // SAFETY: the caller's layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.live.set(self.live.get() + 1);
        // SAFETY: the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.live.set(self.live.get() - 1);
        // SAFETY: a block `System` allocated with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's block and layout.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

const T: usize = 4096;

fn tiers() -> Tiered<Counted, Counted> {
    Tiered::new(Counted::default(), Counted::default(), T)
}

/// The blocks each tier holds: (small, large).
fn live(a: &Tiered<Counted, Counted>) -> (isize, isize) {
    let (small, large) = a.tiers();
    (small.live.get(), large.live.get())
}

/// Fills `n` bytes at `p` with a pattern of its offsets.
unsafe fn fill(p: *mut u8, n: usize) {
    for i in 0..n {
        // SAFETY: the caller's block holds `n` bytes.
        unsafe { p.add(i).write(i as u8 ^ 0x5a) };
    }
}

unsafe fn holds_pattern(p: *const u8, n: usize) -> bool {
    // SAFETY: the caller's block holds `n` bytes.
    (0..n).all(|i| unsafe { p.add(i).read() } == i as u8 ^ 0x5a)
}

/// (start size, then each realloc's size, the tier expected after it: true = large)
const WALKS: &[(usize, &[(usize, bool)])] = &[
    (
        16,
        &[
            (64, false),
            (T - 1, false),
            (T, true),
            (3 * T, true),
            (T - 1, false),
            (8, false),
        ],
    ),
    (T, &[(T + 1, true), (100, false), (T * 2, true)]),
    (T - 1, &[(T, true), (T - 1, false)]),
];

#[test]
fn each_block_lives_in_the_tier_its_size_selects_and_keeps_its_bytes() {
    for &(start, steps) in WALKS {
        let a = tiers();
        let layout = Layout::from_size_align(start, 8).expect("layout");
        // SAFETY: a non-zero layout; every later call passes the block's current layout.
        unsafe {
            let mut p = a.alloc(layout);
            assert!(!p.is_null());
            fill(p, start);
            let mut size = start;
            let mut pattern = start;
            for &(new, large) in steps {
                p = a.realloc(p, Layout::from_size_align(size, 8).expect("layout"), new);
                assert!(!p.is_null());
                pattern = pattern.min(new);
                assert!(holds_pattern(p, pattern), "{start} -> {new}: bytes kept");
                assert_eq!(
                    live(&a),
                    if large { (0, 1) } else { (1, 0) },
                    "{start} -> {new}"
                );
                size = new;
            }
            a.dealloc(p, Layout::from_size_align(size, 8).expect("layout"));
            assert_eq!(live(&a), (0, 0));
        }
    }
}

#[test]
fn zeroed_and_aligned_blocks_are_routed_by_size() {
    let a = tiers();
    for (size, align, large) in [(10, 64, false), (T, 4096, true), (T * 2, 8, true)] {
        let layout = Layout::from_size_align(size, align).expect("layout");
        // SAFETY: a non-zero layout, freed with itself.
        unsafe {
            let p = a.alloc_zeroed(layout);
            assert!(!p.is_null());
            assert_eq!(p as usize % align, 0);
            assert!((0..size).all(|i| p.add(i).read() == 0));
            assert_eq!(live(&a), if large { (0, 1) } else { (1, 0) });
            a.dealloc(p, layout);
        }
    }
    assert_eq!(live(&a), (0, 0));
}

#[test]
fn the_picklejar_pairing_grows_a_vec_across_the_threshold() {
    if cfg!(miri) {
        return; // mimalloc is C: Miri cannot run it.
    }
    let a = picklejar_alloc::Picklejar::DEFAULT;
    let n = picklejar_alloc::HUGE * 2;
    let small = Layout::from_size_align(1024, 16).expect("layout");
    // SAFETY: block sizes as allocated; freed with the last one.
    unsafe {
        let p = a.alloc(small);
        assert!(!p.is_null());
        fill(p, 1024);
        let p = a.realloc(p, small, n);
        assert!(!p.is_null());
        assert!(holds_pattern(p, 1024));
        fill(p, n);
        let big = Layout::from_size_align(n, 16).expect("layout");
        let p = a.realloc(p, big, n * 2);
        assert!(!p.is_null());
        assert!(holds_pattern(p, n));
        a.dealloc(p, Layout::from_size_align(n * 2, 16).expect("layout"));
    }
}
