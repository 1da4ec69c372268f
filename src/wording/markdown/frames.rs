//! The containers the Markdown writer has open, and how deeply they nest.

/// What an open container emitted, so its end can close it the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Frame {
    /// A block whose children are separated by paragraph breaks.
    Block { wrapped: bool, blocks: usize },
    /// An inline wrapper such as `#emph[`.
    Inline { wrapped: bool },
    /// A list or table: children are `[...]` arguments.
    Arguments { wrapped: bool },
    /// Content that is not emitted at all (a footnote definition in the main
    /// pass; it is shown where it is referenced).
    Hidden,
}

impl Frame {
    fn is_wrapped(&self) -> bool {
        matches!(
            self,
            Frame::Block { wrapped: true, .. }
                | Frame::Inline { wrapped: true }
                | Frame::Arguments { wrapped: true }
        )
    }
}

/// The open containers, innermost last, counting the wrapped ones as they
/// open and close: the nesting check then costs the same at any depth
/// (scanning the stack made 100,000 nested quotes take a minute).
pub(super) struct Frames {
    pub(super) stack: Vec<Frame>,
    pub(super) wrapped: usize,
}

impl Frames {
    pub(super) fn push(&mut self, frame: Frame) {
        self.wrapped += usize::from(frame.is_wrapped());
        self.stack.push(frame);
    }

    pub(super) fn pop(&mut self) -> Option<Frame> {
        let frame = self.stack.pop();
        self.wrapped -= usize::from(frame.as_ref().is_some_and(Frame::is_wrapped));
        frame
    }

    pub(super) fn last(&self) -> Option<&Frame> {
        self.stack.last()
    }

    pub(super) fn len(&self) -> usize {
        self.stack.len()
    }
}
