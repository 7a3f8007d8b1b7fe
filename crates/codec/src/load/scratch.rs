//! The loader's working buffers (value stack, mark stack, memo table), kept by each thread
//! from one load for the next: a program that loads many small pickles (a message loop,
//! pyperformance's `pickle` benchmarks) then makes and frees none of them per load, as
//! CPython's free lists spare it its small objects.
//!
//! What is kept is bounded ([`KEEP_STACK`], [`KEEP_MEMO`], [`KEEP_MARKS`] slots: under
//! 200 KiB a thread), and a load's verdicts do not depend on it. The allocation budget
//! charges a load for its stack's growth each time the stack fills its buffer, so a kept
//! stack is only reused at exactly the capacity a fresh one would have; the memo and the
//! marks are charged per entry, so any kept buffer serves.

use std::cell::Cell;

use crate::value::Value;

/// The largest stack buffer kept (in values): the largest first buffer a load makes.
pub(crate) const KEEP_STACK: usize = 2048;
/// The largest memo table kept (in entries).
pub(crate) const KEEP_MEMO: usize = 8192;
/// The largest mark stack kept (in marks).
pub(crate) const KEEP_MARKS: usize = 64;

/// The three buffers, empty.
#[derive(Default)]
pub(crate) struct Scratch {
    pub(crate) stack: Vec<Value>,
    pub(crate) marks: Vec<usize>,
    pub(crate) memo: Vec<Option<Value>>,
}

thread_local! {
    static KEPT: Cell<Option<Scratch>> = const { Cell::new(None) };
}

impl Scratch {
    /// Buffers for a load: a stack of exactly `stack_cap` values, and a memo table and a
    /// mark stack with room for at least `memo_cap` and `marks_cap`. The thread's kept
    /// buffers where they fit, else new ones.
    #[inline(always)]
    pub(crate) fn take(stack_cap: usize, memo_cap: usize, marks_cap: usize) -> Scratch {
        let kept = KEPT.try_with(Cell::take).ok().flatten().unwrap_or_default();
        let Scratch {
            mut stack,
            mut marks,
            mut memo,
        } = kept;
        if stack.capacity() != stack_cap {
            stack = Vec::with_capacity(stack_cap);
        }
        if memo.capacity() < memo_cap {
            memo = Vec::with_capacity(memo_cap);
        }
        if marks.capacity() < marks_cap {
            marks = Vec::with_capacity(marks_cap);
        }
        Scratch { stack, marks, memo }
    }

    /// Keeps the buffers for the thread's next load, emptied; those past the limits are
    /// freed.
    #[inline(always)]
    pub(crate) fn give(mut self) {
        self.stack.clear();
        self.marks.clear();
        self.memo.clear();
        if self.stack.capacity() > KEEP_STACK {
            self.stack = Vec::new();
        }
        if self.memo.capacity() > KEEP_MEMO {
            self.memo = Vec::new();
        }
        if self.marks.capacity() > KEEP_MARKS {
            self.marks = Vec::new();
        }
        // During thread teardown there is nowhere to keep them: they are freed.
        let _ = KEPT.try_with(|k| k.set(Some(self)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stack_is_reused_only_at_the_capacity_asked_for() {
        let mut s = Scratch::take(64, 8, 8);
        assert_eq!(s.stack.capacity(), 64);
        s.stack.push(Value::None);
        s.memo.push(Some(Value::Int(1)));
        let (stack, memo) = (s.stack.as_ptr(), s.memo.as_ptr());
        s.give();

        let s = Scratch::take(64, 4, 0);
        assert_eq!((s.stack.as_ptr(), s.memo.as_ptr()), (stack, memo));
        assert!(s.stack.is_empty() && s.memo.is_empty() && s.marks.is_empty());
        s.give();

        // Another first capacity: a new stack (the budget's growth charges depend on it),
        // while the memo table serves any load it has room for.
        let s = Scratch::take(128, 8, 0);
        assert_eq!(s.stack.capacity(), 128);
        assert_eq!(s.memo.as_ptr(), memo);
        s.give();
    }

    #[test]
    fn buffers_past_the_limits_are_not_kept() {
        let s = Scratch::take(KEEP_STACK * 2, KEEP_MEMO * 2, KEEP_MARKS * 2);
        s.give();
        let s = Scratch::take(32, 0, 0);
        assert_eq!(s.stack.capacity(), 32);
        assert_eq!(s.memo.capacity(), 0);
        assert_eq!(s.marks.capacity(), 0);
        s.give();
    }
}
