//! Every block goes back to the tier it came from, and keeps its bytes when a `realloc`
//! moves it between tiers; every block of every allocator here is aligned as its layout
//! asks and keeps its bytes across `realloc`s, for many sizes and alignments. Run under
//! Miri too (`cargo +nightly miri test -p picklejar-alloc --test tiered`): the tiers are
//! the system allocator there, and the tests of mimalloc (`PlainMiMalloc`, `Picklejar`)
//! return early, mimalloc being C.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use picklejar_alloc::{PlainMiMalloc, Tiered};

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

/// The alignments checked: each of mimalloc's regimes (within a word, 16, beyond 16 up to
/// its over-allocation, a whole OS page).
const ALIGNS: &[usize] = &[1, 2, 4, 8, 16, 32, 64, 4096];

/// The sizes checked: both sides of a word, of 16, of mimalloc's small-size limit (1 KiB),
/// a size class that is no power of two (1536), both sides of a page, a medium block and a
/// huge one (over 512 KiB, alone in its page). Under Miri, where these byte loops are
/// slow (20 s for the sizes below), both sides of a word, of 16 and of 1 KiB.
fn sizes() -> &'static [usize] {
    if cfg!(miri) {
        &[1, 7, 8, 9, 15, 16, 17, 24, 33, 100, 1025]
    } else {
        &[
            1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 100, 127, 128, 1000, 1024, 1025,
            1536, 2000, 4095, 4096, 4097, 10_000, 70_000, 600_000,
        ]
    }
}

/// Then each block is reallocated through these sizes (a function of its first size):
/// grown a little, grown past its class, shrunk below where it started, grown again.
fn walk(size: usize) -> [usize; 4] {
    [size + 1, size * 3 + 5, size / 2 + 1, size * 2]
}

/// How many blocks of each layout are live at once: enough that most are not the first
/// block of their page, whose alignment is the page's.
fn copies() -> usize {
    if cfg!(miri) { 2 } else { 24 }
}

/// Allocates `copies()` blocks of every (size, align) pair, plain and zeroed, and walks
/// each through `walk`'s sizes, checking at every step that the block is aligned and holds
/// the bytes written into it; frees everything with its last layout.
fn every_layout_is_aligned_and_keeps_its_bytes(a: &impl GlobalAlloc, name: &str) {
    for &align in ALIGNS {
        for &size in sizes() {
            let layout = Layout::from_size_align(size, align).expect("layout");
            let mut blocks = Vec::new();
            for i in 0..copies() {
                // SAFETY: a non-zero layout; the block is filled within its size.
                unsafe {
                    let zeroed = i % 2 == 1;
                    let p = if zeroed {
                        a.alloc_zeroed(layout)
                    } else {
                        a.alloc(layout)
                    };
                    assert!(!p.is_null(), "{name}: ({size}, {align})");
                    assert_eq!(p as usize % align, 0, "{name}: ({size}, {align}) aligned");
                    if zeroed {
                        assert!(
                            (0..size).all(|i| p.add(i).read() == 0),
                            "{name}: ({size}, {align}) zeroed"
                        );
                    }
                    fill(p, size);
                    blocks.push(p);
                }
            }
            for p in &mut blocks {
                let mut now = size;
                let mut kept = size;
                for new in walk(size) {
                    // SAFETY: the block and its current layout; `new` is non-zero.
                    unsafe {
                        let q = a.realloc(
                            *p,
                            Layout::from_size_align(now, align).expect("layout"),
                            new,
                        );
                        assert!(!q.is_null(), "{name}: ({size}, {align}) -> {new}");
                        assert_eq!(
                            q as usize % align,
                            0,
                            "{name}: ({size}, {align}) -> {new} aligned"
                        );
                        kept = kept.min(new);
                        assert!(
                            holds_pattern(q, kept),
                            "{name}: ({size}, {align}) -> {new} kept"
                        );
                        fill(q, new);
                        kept = new;
                        *p = q;
                    }
                    now = new;
                }
            }
            let last = Layout::from_size_align(walk(size)[3], align).expect("layout");
            for p in blocks {
                // SAFETY: each block with its last layout.
                unsafe { a.dealloc(p, last) };
            }
        }
    }
}

#[test]
fn system_tiers_align_every_layout_and_keep_its_bytes() {
    let a = tiers();
    every_layout_is_aligned_and_keeps_its_bytes(&a, "Tiered<System, System>");
    assert_eq!(live(&a), (0, 0));
}

#[test]
fn plain_mimalloc_aligns_every_layout_and_keeps_its_bytes() {
    if cfg!(miri) {
        return; // mimalloc is C: Miri cannot run it.
    }
    every_layout_is_aligned_and_keeps_its_bytes(&PlainMiMalloc, "PlainMiMalloc");
    every_layout_is_aligned_and_keeps_its_bytes(&picklejar_alloc::Picklejar::DEFAULT, "Picklejar");
}

#[test]
fn plain_mimalloc_takes_the_plain_path_only_where_mimalloc_guarantees_the_alignment() {
    // Within a word: every mimalloc block (one word or more, from a word-aligned start).
    for size in [1, 2, 7, 8, 9, 1536, 1 << 20] {
        for align in [1, 2, 4, 8] {
            assert!(PlainMiMalloc::is_plain(size, align), "({size}, {align})");
        }
    }
    // 16: only blocks of 16 bytes or more are 16-aligned (`MI_MAX_ALIGN_SIZE`).
    assert!(!PlainMiMalloc::is_plain(8, 16));
    assert!(!PlainMiMalloc::is_plain(15, 16));
    assert!(PlainMiMalloc::is_plain(16, 16));
    assert!(PlainMiMalloc::is_plain(24, 16));
    // Beyond 16: never.
    for size in [32, 64, 4096, 1 << 20] {
        for align in [32, 64, 4096] {
            assert!(!PlainMiMalloc::is_plain(size, align), "({size}, {align})");
        }
    }
}
