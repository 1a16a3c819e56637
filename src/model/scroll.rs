//! How far an overlay's text (the message view, the connection details) is scrolled.
//!
//! Only the view knows how many rows the text wraps to at the terminal's width, so the
//! model keeps a position the view resolves: rows from the top, or rows above the end.
//! End is then a place of its own, and Up from it moves up one row at any width.

/// A scroll position; the view clamps it to the text it draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scroll {
    /// The first row shown, counting from the top.
    Top(usize),
    /// How many rows above the last page the view stands.
    End(usize),
}

impl Default for Scroll {
    fn default() -> Self {
        Self::Top(0)
    }
}

/// What a scroll key asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Rows; positive goes down.
    Rows(isize),
    /// Pages of the message pane's height; positive goes down.
    Pages(isize),
    Home,
    End,
}

impl Scroll {
    /// The position after `step`, a page being `page_rows` rows.
    pub fn step(self, step: Step, page_rows: usize) -> Self {
        let rows = match step {
            Step::Home => return Self::Top(0),
            Step::End => return Self::End(0),
            Step::Rows(rows) => rows,
            Step::Pages(pages) => pages.saturating_mul(isize::try_from(page_rows).unwrap_or(1)),
        };
        match self {
            Self::Top(top) => Self::Top(top.saturating_add_signed(rows)),
            Self::End(up) => Self::End(up.saturating_add_signed(rows.saturating_neg())),
        }
    }

    /// The first row to show of `rows` in a window `height` rows high: never past the
    /// last page, so the window is never left empty below the text.
    pub fn offset(self, rows: usize, height: usize) -> usize {
        let last_page = rows.saturating_sub(height);
        match self {
            Self::Top(top) => top.min(last_page),
            Self::End(up) => last_page.saturating_sub(up),
        }
    }

    pub fn at_end(self) -> bool {
        self == Self::End(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_is_the_last_page_and_up_from_it_moves_one_row() {
        let end = Scroll::Top(3).step(Step::End, 10);
        assert_eq!(end.offset(100, 20), 80);
        let up = end.step(Step::Rows(-1), 10);
        assert_eq!(up.offset(100, 20), 79);
        assert_eq!(up.step(Step::Pages(-1), 10).offset(100, 20), 69);
        assert_eq!(up.step(Step::Rows(5), 10).offset(100, 20), 80);
        assert_eq!(up.step(Step::Home, 10).offset(100, 20), 0);
    }

    #[test]
    fn the_view_never_scrolls_past_the_text() {
        assert_eq!(Scroll::Top(1_000).offset(100, 20), 80);
        assert_eq!(
            Scroll::Top(5).offset(10, 20),
            0,
            "text shorter than the window"
        );
        assert_eq!(Scroll::End(1_000).offset(100, 20), 0);
        assert_eq!(Scroll::Top(0).step(Step::Rows(-3), 10), Scroll::Top(0));
    }
}
