//! The global allocator of the picklejar binaries: small blocks from one allocator, huge
//! blocks from another, chosen by size.
//!
//! A loaded value graph is millions of small blocks (strs, tuples, dicts, instances), which
//! mimalloc serves about 15 % faster than glibc's malloc (`picklejar load --format json` of
//! a million small dicts, 1.82 s against 2.14 s). But a hostile or just large pickle also
//! grows a few huge buffers by doubling: the loader's stack under 10⁸ `NONE`s, a 500 MB
//! `BINBYTES8`. mimalloc reallocates those by copying into a fresh block, so the old and
//! new blocks are both resident for a moment and every page of both is faulted in: 4.1 s
//! and 3.2 GB RSS for 10⁸ `NONE`s, two thirds of it in the kernel. glibc serves blocks
//! this large with `mmap` and grows them with `mremap`, which moves no byte and faults in
//! no page twice, and returns them with `munmap` when freed: 2.6 s and 1.7 GB on the
//! same input. [`Tiered`] takes the best of each, and [`Picklejar`] is the pairing the
//! binaries use:
//!
//! ```no_run
//! #[global_allocator]
//! static GLOBAL: picklejar_alloc::Picklejar = picklejar_alloc::Picklejar::DEFAULT;
//! ```
//!
//! The small tier is [`PlainMiMalloc`], mimalloc called through its plain `mi_malloc`
//! rather than `mi_malloc_aligned` wherever a plain block is aligned enough, which is
//! nearly always: the `mimalloc` crate's own `GlobalAlloc` takes the aligned entry point
//! for every block, and pays for it on every block over 1 KiB.
//!
//! This is the one crate of the workspace with `unsafe` code: a [`GlobalAlloc`] cannot be
//! written without it. Each block only forwards the caller's own pointer and layout to the
//! allocator that owns the block (or, in [`PlainMiMalloc`], to the mimalloc function whose
//! block is aligned enough), and the tests (also run under Miri with the system allocator
//! on both tiers) check that every block goes back to the allocator it came from and keeps
//! its bytes when a `realloc` moves it between tiers, and that every block is aligned and
//! keeps its bytes across `realloc`s for layouts of many sizes and alignments.

use std::alloc::{GlobalAlloc, Layout, System};

/// From this size up, a block belongs to the large tier: 32 MiB, the size from which
/// glibc's malloc always maps a block on its own (`DEFAULT_MMAP_THRESHOLD_MAX` on 64-bit
/// systems), so that each large block can be moved by `mremap` and is unmapped when freed.
///
/// ```
/// assert_eq!(picklejar_alloc::HUGE, 32 << 20);
/// ```
pub const HUGE: usize = 32 << 20;

/// mimalloc, through its plain entry points (`mi_malloc`, `mi_zalloc`, `mi_realloc`)
/// wherever a plain block is already aligned enough for the layout, and its aligned ones
/// (`mi_malloc_aligned`, …) only where it may not be.
///
/// The `mimalloc` crate's `MiMalloc` calls `mi_malloc_aligned(size, align)` for every
/// block, even `align` 1. mimalloc's aligned entry points take their fast path only for
/// blocks up to 1 KiB when the size class's page has a free block that happens to be
/// aligned; anything else (a larger block, a page to refill) goes through
/// `mi_theap_malloc_zero_aligned_at_generic` and often its over-allocating fallback. In
/// the load of a small pickle (the `pyperf_list` bench workload, protocol 4) that was 79
/// `mi_malloc_aligned` calls costing 4,219 instructions of the load's 23,493, 3,192 of them
/// in the generic path; the same 79 blocks from `mi_malloc` cost 1,123. Rust's `System`
/// allocator avoids the same cost in `posix_memalign` by calling plain `malloc` when the
/// alignment is one `malloc` guarantees; this does the same for
/// mimalloc, with the guarantee [`is_plain`](Self::is_plain) states.
///
/// ```
/// use std::alloc::{GlobalAlloc, Layout};
/// use picklejar_alloc::PlainMiMalloc;
///
/// let layout = Layout::from_size_align(1536, 8)?;
/// // SAFETY: a non-zero-sized layout; the block is freed with the layout it has then.
/// unsafe {
///     let p = PlainMiMalloc.alloc(layout); // mi_malloc, not mi_malloc_aligned
///     assert!(!p.is_null() && p as usize % 8 == 0);
///     p.write(7);
///     let p = PlainMiMalloc.realloc(p, layout, 4096);
///     assert_eq!(p.read(), 7);
///     PlainMiMalloc.dealloc(p, Layout::from_size_align(4096, 8)?);
/// }
/// # Ok::<(), std::alloc::LayoutError>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct PlainMiMalloc;

impl PlainMiMalloc {
    /// The alignment of every mimalloc block: one machine word (`MI_INTPTR_SIZE`). In the
    /// vendored mimalloc v3 (libmimalloc-sys 0.1.49), every block size is a whole number of
    /// words (the bins of `page-queue.c`'s `mi_bin`, the smallest one word; huge blocks are
    /// alone in their page) and a page's first block starts at a word-aligned offset from
    /// its 64 KiB-aligned slice (`arena.c`'s `mi_arenas_page_alloc_fresh`: 0, the block
    /// size when that is a power of two, or the page header rounded up to 16 bytes).
    const WORD_ALIGN: usize = size_of::<usize>();

    /// The alignment of every mimalloc block of this size or more: `MI_MAX_ALIGN_SIZE`
    /// (16, `types.h`). From two words up the bins are whole numbers of 16 bytes
    /// (`MI_ALIGN2W`, or `MI_ALIGN4W` on 32-bit targets, in `mi_bin`) and the first block
    /// starts 16-aligned; `alloc.c`'s `_mi_page_malloc_zero` asserts it of every block it
    /// hands out (`page->block_size < MI_MAX_ALIGN_SIZE || _mi_is_aligned(block,
    /// MI_MAX_ALIGN_SIZE)`), and a block is at least as large as the size asked for.
    const MAX_ALIGN: usize = 16;

    /// Whether a plain `mi_malloc(size)` (or `mi_zalloc`, or `mi_realloc` to `size`) is
    /// guaranteed to return a block aligned to `align`: `align` is at most a word, or at
    /// most 16 with `size` at least 16. This is the rule of Rust's `System` allocator
    /// (`align <= MIN_ALIGN && align <= size`) made exact for mimalloc, whose one-word
    /// blocks are word-aligned. Every other layout goes through mimalloc's aligned entry
    /// points.
    ///
    /// ```
    /// use picklejar_alloc::PlainMiMalloc;
    ///
    /// assert!(PlainMiMalloc::is_plain(1536, 1));
    /// assert!(PlainMiMalloc::is_plain(1, 8));
    /// assert!(PlainMiMalloc::is_plain(48, 16)); // a hashbrown table
    /// assert!(!PlainMiMalloc::is_plain(8, 16));
    /// assert!(!PlainMiMalloc::is_plain(64, 32));
    /// ```
    pub const fn is_plain(size: usize, align: usize) -> bool {
        align <= Self::WORD_ALIGN || (align <= Self::MAX_ALIGN && size >= Self::MAX_ALIGN)
    }
}

/// The largest block [`mi_malloc_small`] serves: mimalloc's `MI_SMALL_SIZE_MAX` (128 words,
/// `mimalloc.h`), which `mi_malloc` itself tests before taking the same small path.
const SMALL_MAX: usize = 128 * size_of::<usize>();

#[allow(unsafe_code)]
unsafe extern "C" {
    /// mimalloc's `mi_malloc` for sizes up to [`SMALL_MAX`], without its size test and
    /// generic-path dispatch (`alloc.c`: `mi_malloc_small`, in the library `libmimalloc-sys`
    /// links; that crate declares it only under its `extended` feature, which would add a
    /// dependency for one declaration).
    fn mi_malloc_small(size: usize) -> *mut core::ffi::c_void;
}

#[allow(unsafe_code)]
// SAFETY: blocks come from mimalloc and go back to it: `mi_free` and `mi_realloc` accept
// any block of the process's mimalloc, from its plain or its aligned entry points alike
// (an aligned block may point inside the block mimalloc allocated; both find its start).
// A plain entry point is used only where `is_plain` says its block meets the layout's
// alignment (see the constants it reads for where the vendored sources guarantee it), so
// every block returned is aligned as `GlobalAlloc` requires; null is passed back as the
// failure it means.
unsafe impl GlobalAlloc for PlainMiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = if Self::is_plain(layout.size(), layout.align()) {
            if layout.size() <= SMALL_MAX {
                // SAFETY: a size `mi_malloc_small` serves; its block is `mi_malloc`'s (the
                // same small path), so aligned enough (`is_plain`).
                unsafe { mi_malloc_small(layout.size()) }
            } else {
                // SAFETY: `mi_malloc` takes any size; its block is aligned enough
                // (`is_plain`).
                unsafe { libmimalloc_sys::mi_malloc(layout.size()) }
            }
        } else {
            // SAFETY: `layout.align()` is a power of two, as `mi_malloc_aligned` requires.
            unsafe { libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()) }
        };
        debug_assert!(p.is_null() || p.addr() % layout.align() == 0);
        p.cast()
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = if Self::is_plain(layout.size(), layout.align()) {
            // SAFETY: as in `alloc`, with `mi_zalloc`, which zeroes the block.
            unsafe { libmimalloc_sys::mi_zalloc(layout.size()) }
        } else {
            // SAFETY: as in `alloc`, with `mi_zalloc_aligned`.
            unsafe { libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()) }
        };
        debug_assert!(p.is_null() || p.addr() % layout.align() == 0);
        p.cast()
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: the caller's block, which this allocator (so mimalloc) returned.
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = if Self::is_plain(new_size, layout.align()) {
            // SAFETY: the caller's mimalloc block. `mi_realloc` either keeps it (when
            // `new_size` fits it), which is aligned as it was allocated, or moves the bytes
            // to a fresh `mi_malloc(new_size)` block, aligned enough (`is_plain`); on
            // failure it returns null and leaves the block, as `realloc` must.
            unsafe { libmimalloc_sys::mi_realloc(ptr.cast(), new_size) }
        } else {
            // SAFETY: the caller's mimalloc block and a power-of-two alignment; the same
            // contract, the new block aligned to `layout.align()`.
            unsafe { libmimalloc_sys::mi_realloc_aligned(ptr.cast(), new_size, layout.align()) }
        };
        debug_assert!(p.is_null() || p.addr() % layout.align() == 0);
        p.cast()
    }
}

/// An allocator that serves blocks smaller than `threshold` bytes from `small` and the
/// rest from `large`.
///
/// A block is owned by the tier its current size selects. [`GlobalAlloc`] is handed the
/// block's layout on every `dealloc` and `realloc`, so the owner is always known; a
/// `realloc` across the threshold allocates in the other tier, copies, and frees the old
/// block.
///
/// ```
/// use std::alloc::{GlobalAlloc, Layout, System};
/// use picklejar_alloc::Tiered;
///
/// let a = Tiered::new(System, System, 4096);
/// let small = Layout::from_size_align(16, 8)?;
/// // SAFETY: a non-zero-sized layout; the block is freed with the size it has then.
/// unsafe {
///     let p = a.alloc(small);
///     assert!(!p.is_null());
///     p.write(7);
///     let p = a.realloc(p, small, 8192); // moves to the large tier
///     assert_eq!(p.read(), 7);
///     a.dealloc(p, Layout::from_size_align(8192, 8)?);
/// }
/// # Ok::<(), std::alloc::LayoutError>(())
/// ```
#[derive(Debug)]
pub struct Tiered<S, L> {
    small: S,
    large: L,
    threshold: usize,
}

impl<S, L> Tiered<S, L> {
    /// Blocks under `threshold` bytes from `small`, the rest from `large`.
    ///
    /// ```
    /// use std::alloc::System;
    ///
    /// let a = picklejar_alloc::Tiered::new(System, System, 1 << 20);
    /// assert_eq!(a.threshold(), 1 << 20);
    /// ```
    pub const fn new(small: S, large: L, threshold: usize) -> Tiered<S, L> {
        Tiered {
            small,
            large,
            threshold,
        }
    }

    /// The size from which blocks come from the large tier.
    ///
    /// ```
    /// assert_eq!(picklejar_alloc::Picklejar::DEFAULT.threshold(), picklejar_alloc::HUGE);
    /// ```
    pub const fn threshold(&self) -> usize {
        self.threshold
    }

    /// The two allocators: (small, large).
    ///
    /// ```
    /// let a = picklejar_alloc::Tiered::new(1u8, 2u8, 100);
    /// assert_eq!(a.tiers(), (&1, &2));
    /// ```
    pub const fn tiers(&self) -> (&S, &L) {
        (&self.small, &self.large)
    }

    /// Whether a block of `size` bytes belongs to the large tier.
    ///
    /// ```
    /// use std::alloc::System;
    ///
    /// let a = picklejar_alloc::Tiered::new(System, System, 100);
    /// assert!(!a.is_large(99));
    /// assert!(a.is_large(100));
    /// ```
    pub const fn is_large(&self, size: usize) -> bool {
        size >= self.threshold
    }
}

/// The binaries' allocator: mimalloc ([`PlainMiMalloc`]) under [`HUGE`], the system
/// allocator from there up.
///
/// ```no_run
/// #[global_allocator]
/// static GLOBAL: picklejar_alloc::Picklejar = picklejar_alloc::Picklejar::DEFAULT;
/// ```
pub type Picklejar = Tiered<PlainMiMalloc, System>;

impl Picklejar {
    /// mimalloc for blocks under [`HUGE`] bytes, the system allocator for the rest.
    ///
    /// ```
    /// assert!(picklejar_alloc::Picklejar::DEFAULT.is_large(picklejar_alloc::HUGE));
    /// ```
    pub const DEFAULT: Picklejar = Tiered::new(PlainMiMalloc, System, HUGE);
}

#[allow(unsafe_code)]
// SAFETY: every method forwards the caller's pointer and layout, unchanged,
// to the one allocator that owns the block, and the owner is a function of the block's
// size alone, which `GlobalAlloc`'s contract makes the caller pass back exactly (the same
// layout for `dealloc`; the old layout, then `new_size`, for `realloc`). So each inner
// allocator sees a sequence of calls that is itself valid. The one place that does more,
// a `realloc` across the threshold, is commented where it stands.
unsafe impl<S: GlobalAlloc, L: GlobalAlloc> GlobalAlloc for Tiered<S, L> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if self.is_large(layout.size()) {
            // SAFETY: the caller's layout, as `alloc`'s contract requires it (non-zero size).
            unsafe { self.large.alloc(layout) }
        } else {
            // SAFETY: as above.
            unsafe { self.small.alloc(layout) }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if self.is_large(layout.size()) {
            // SAFETY: the caller's layout, as `alloc_zeroed`'s contract requires it.
            unsafe { self.large.alloc_zeroed(layout) }
        } else {
            // SAFETY: as above.
            unsafe { self.small.alloc_zeroed(layout) }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if self.is_large(layout.size()) {
            // SAFETY: a block of this size was allocated (or last reallocated) by the large
            // tier, with this layout, as the caller guarantees.
            unsafe { self.large.dealloc(ptr, layout) }
        } else {
            // SAFETY: likewise for the small tier.
            unsafe { self.small.dealloc(ptr, layout) }
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        match (self.is_large(layout.size()), self.is_large(new_size)) {
            // SAFETY: the block is the large tier's (its size says so) and stays there;
            // the caller's arguments meet `realloc`'s contract.
            (true, true) => unsafe { self.large.realloc(ptr, layout, new_size) },
            // SAFETY: likewise for the small tier.
            (false, false) => unsafe { self.small.realloc(ptr, layout, new_size) },
            (was_large, _) => {
                // SAFETY: `realloc`'s contract makes `new_size`, rounded up to the
                // alignment, fit in `isize`, which is all `from_size_align_unchecked`
                // requires beyond the (already valid) alignment; `new_size` is non-zero.
                let new_layout =
                    unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
                // SAFETY: a fresh block from the tier `new_size` selects.
                let new = unsafe {
                    if was_large {
                        self.small.alloc(new_layout)
                    } else {
                        self.large.alloc(new_layout)
                    }
                };
                if !new.is_null() {
                    // SAFETY: `ptr` is valid for `layout.size()` bytes and `new` for
                    // `new_size`; they are distinct live blocks, so they do not overlap.
                    unsafe { std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
                    // SAFETY: the old block, freed with its own layout by the tier that
                    // owns it; on failure (`null`) it stays, as `realloc` must leave it.
                    unsafe {
                        if was_large {
                            self.large.dealloc(ptr, layout)
                        } else {
                            self.small.dealloc(ptr, layout)
                        }
                    }
                }
                new
            }
        }
    }
}
