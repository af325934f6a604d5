//! Small-cell protection: no published figure may let a reader single out a
//! group of fewer than k people, either directly or by subtracting shown
//! figures from a shown total.
//!
//! The rules, applied to counts (k is configurable per organisation, default
//! [`DEFAULT_K`]):
//!
//! 1. **Primary suppression.** Every count below k is hidden and shown as
//!    "färre än k" ([`Cell::Small`]). Zero is below k and hidden too, so a
//!    hidden cell never tells whether anyone is in it.
//! 2. **Complementary suppression.** A line (the cells of one row of
//!    categories together with the total they add up to) must never have
//!    exactly one hidden entry, because that one is the total minus the
//!    others. When it does, the smallest shown cell of the line (the first of
//!    equals) is hidden as well ([`Cell::Complementary`], shown as "dold");
//!    when no cell is left, the total itself is hidden.
//! 3. **Gender groups** ([`protect_table`]). In a table split by gender the
//!    hidden groups together must hold no one or at least k people; otherwise
//!    the next smallest group is hidden too. Without this, "total minus the
//!    shown genders" would publish the figures of, say, the one person who
//!    stated another gender. A hidden group hides its whole row.
//!
//! In a table the rules are applied to every row (a group's categories and
//! its n), every column (a category across the groups and its total, and the
//! groups' n across the grand total) and repeated until nothing changes, so
//! the table is protected as a whole and not only row by row. This is
//! conservative: it may hide more than an optimal solver would, never less.

use serde::Serialize;

/// The threshold used when an organisation has not chosen its own.
pub const DEFAULT_K: u32 = 5;

/// One published count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cell {
    /// The count can be shown.
    Shown(u64),
    /// Fewer than k people: shown as "färre än k".
    Small,
    /// Hidden to protect another hidden cell; it may hold any number. Shown as
    /// "dold", never as "färre än k", which would be untrue.
    Complementary,
}

impl Cell {
    /// The count, when it may be shown.
    pub fn shown(self) -> Option<u64> {
        match self {
            Cell::Shown(n) => Some(n),
            _ => None,
        }
    }

    /// Whether the count is hidden, for either reason.
    pub fn is_hidden(self) -> bool {
        !matches!(self, Cell::Shown(_))
    }

    /// The text for a table cell: the number, "färre än k" or "dold".
    pub fn label(self, k: u32) -> String {
        match self {
            Cell::Shown(n) => n.to_string(),
            Cell::Small => format!("färre än {k}"),
            Cell::Complementary => "dold".to_owned(),
        }
    }
}

/// A row of categories with its total, protected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtectedRow {
    pub total: Cell,
    pub cells: Vec<Cell>,
}

/// A table split by group (gender), protected as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtectedTable {
    /// The total row: each category over all groups, and the grand total.
    pub total: ProtectedRow,
    /// One row per group, in the order given; `total` is the group's n.
    pub groups: Vec<ProtectedRow>,
}

/// Why counts could not be protected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuppressionError {
    #[error("the cells add up to {sum}, not to the total {total}")]
    TotalMismatch { sum: u64, total: u64 },
    #[error("group {group} has {found} categories, the first group has {expected}")]
    RaggedTable {
        group: usize,
        expected: usize,
        found: usize,
    },
}

/// Protects one row of category counts that add up to `total` (rules 1 and 2).
pub fn protect_row(counts: &[u64], total: u64, k: u32) -> Result<ProtectedRow, SuppressionError> {
    let sum: u64 = counts.iter().sum();
    if sum != total {
        return Err(SuppressionError::TotalMismatch { sum, total });
    }
    let mut cells: Vec<Cell> = counts.iter().map(|&n| primary(n, k)).collect();
    let mut total_cell = primary(total, k);
    if total_cell.is_hidden() {
        hide_all(&mut cells);
    }
    // One pass is enough: the rule only ever adds a second hidden entry.
    protect_line(counts, &mut cells, &mut total_cell);
    Ok(ProtectedRow {
        total: total_cell,
        cells,
    })
}

/// Protects a table of counts, one row per group (gender) and one column per
/// category (rules 1–3). Each group's n is the sum of its row and the total
/// row is the sum of the groups, so the shares a reader sees and the n behind
/// them always agree.
pub fn protect_table(groups: &[Vec<u64>], k: u32) -> Result<ProtectedTable, SuppressionError> {
    let columns = groups.first().map_or(0, Vec::len);
    if let Some((group, row)) = groups.iter().enumerate().find(|(_, r)| r.len() != columns) {
        return Err(SuppressionError::RaggedTable {
            group,
            expected: columns,
            found: row.len(),
        });
    }
    let rows: Vec<&[u64]> = groups.iter().map(Vec::as_slice).collect();
    Ok(protect_grid(&rows, columns, k))
}

/// [`protect_table`] for rows of a fixed width, which cannot be ragged.
pub fn protect_fixed<const C: usize>(groups: &[[u64; C]], k: u32) -> ProtectedTable {
    let rows: Vec<&[u64]> = groups.iter().map(|r| r.as_slice()).collect();
    protect_grid(&rows, C, k)
}

/// The table algorithm; every row has `columns` cells.
fn protect_grid(groups: &[&[u64]], columns: usize, k: u32) -> ProtectedTable {
    // The grid: one row per group plus the total row; one column per
    // category plus the n column.
    let rows = groups.len();
    let mut values: Vec<Vec<u64>> = groups
        .iter()
        .map(|r| {
            let mut row = r.to_vec();
            row.push(r.iter().sum());
            row
        })
        .collect();
    let total_row: Vec<u64> = (0..=columns)
        .map(|c| values.iter().map(|r| r[c]).sum())
        .collect();
    values.push(total_row);
    let mut cells: Vec<Vec<Cell>> = values
        .iter()
        .map(|r| r.iter().map(|&n| primary(n, k)).collect())
        .collect();

    loop {
        let before = cells.clone();
        // Nothing can be shown when the grand total is hidden.
        if cells[rows][columns].is_hidden() {
            for row in &mut cells {
                hide_all(row);
            }
            break;
        }
        // A hidden group hides its whole row.
        for row in cells.iter_mut().take(rows) {
            if row[columns].is_hidden() {
                hide_all(row);
            }
        }
        protect_groups(&values, &mut cells, k);
        for r in 0..=rows {
            let (line, total) = cells[r].split_at_mut(columns);
            protect_line(&values[r][..columns], line, &mut total[0]);
        }
        for c in 0..=columns {
            let column: Vec<u64> = values.iter().map(|r| r[c]).collect();
            let mut line: Vec<Cell> = cells.iter().map(|r| r[c]).collect();
            let mut total = line.pop().unwrap_or(Cell::Small);
            protect_line(&column[..rows], &mut line, &mut total);
            for (r, cell) in line.into_iter().enumerate() {
                cells[r][c] = cell;
            }
            cells[rows][c] = total;
        }
        if cells == before {
            break;
        }
    }

    let mut rows_out: Vec<ProtectedRow> = cells
        .into_iter()
        .map(|mut row| {
            let total = row.pop().unwrap_or(Cell::Small);
            ProtectedRow { total, cells: row }
        })
        .collect();
    let total = rows_out.pop().unwrap_or(ProtectedRow {
        total: Cell::Small,
        cells: Vec::new(),
    });
    ProtectedTable {
        total,
        groups: rows_out,
    }
}

fn primary(n: u64, k: u32) -> Cell {
    if n < u64::from(k) {
        Cell::Small
    } else {
        Cell::Shown(n)
    }
}

fn hide_all(cells: &mut [Cell]) {
    for cell in cells {
        if !cell.is_hidden() {
            *cell = Cell::Complementary;
        }
    }
}

/// Rule 2 on one line: never exactly one hidden entry among the cells and
/// their total.
fn protect_line(values: &[u64], cells: &mut [Cell], total: &mut Cell) {
    let hidden = cells.iter().filter(|c| c.is_hidden()).count() + usize::from(total.is_hidden());
    if hidden != 1 {
        return;
    }
    match smallest_shown(values, cells) {
        Some(i) => cells[i] = Cell::Complementary,
        // Only the total could be hidden now; a total that is the one hidden
        // entry of a line without cells protects nothing.
        None if !total.is_hidden() => *total = Cell::Complementary,
        None => {}
    }
}

/// Rule 3 on the n column: the hidden groups together hold no one or at least k.
fn protect_groups(values: &[Vec<u64>], cells: &mut [Vec<Cell>], k: u32) {
    let rows = values.len() - 1;
    let n_column = values[0].len() - 1;
    loop {
        let hidden: u64 = (0..rows)
            .filter(|&r| cells[r][n_column].is_hidden())
            .map(|r| values[r][n_column])
            .sum();
        if hidden == 0 || hidden >= u64::from(k) {
            return;
        }
        let ns: Vec<u64> = (0..rows).map(|r| values[r][n_column]).collect();
        let ns_cells: Vec<Cell> = (0..rows).map(|r| cells[r][n_column]).collect();
        match smallest_shown(&ns, &ns_cells) {
            Some(r) => hide_all(&mut cells[r]),
            // Every group is hidden: they hold the grand total, which is at
            // least k when shown.
            None => return,
        }
    }
}

fn smallest_shown(values: &[u64], cells: &[Cell]) -> Option<usize> {
    cells
        .iter()
        .zip(values)
        .enumerate()
        .filter(|(_, (c, _))| !c.is_hidden())
        .min_by_key(|&(i, (_, &v))| (v, i))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Cell::{Complementary as C, Shown as S, Small};

    fn row(counts: &[u64]) -> ProtectedRow {
        protect_row(counts, counts.iter().sum(), DEFAULT_K).unwrap()
    }

    #[test]
    fn a_row_without_small_cells_is_shown_whole() {
        let r = row(&[20, 5, 12]);
        assert_eq!(r.cells, vec![S(20), S(5), S(12)]);
        assert_eq!(r.total, S(37));
    }

    #[test]
    fn one_small_cell_takes_the_next_smallest_with_it() {
        // 35 − 20 − 12 would give the 3 back, so the 12 is hidden too.
        let r = row(&[20, 3, 12]);
        assert_eq!(r.cells, vec![S(20), Small, C]);
        assert_eq!(r.total, S(35));
        // Ties go to the first of equals.
        assert_eq!(row(&[10, 3, 10]).cells, vec![C, Small, S(10)]);
        // A zero is "fewer than k" too, and needs its complement.
        assert_eq!(row(&[0, 50]).cells, vec![Small, C]);
    }

    #[test]
    fn two_small_cells_protect_each_other() {
        let r = row(&[20, 3, 2, 12]);
        assert_eq!(r.cells, vec![S(20), Small, Small, S(12)]);
    }

    #[test]
    fn a_small_total_hides_everything() {
        let r = row(&[3, 1]);
        assert_eq!(r.total, Small);
        assert_eq!(r.cells, vec![Small, Small]);
        let r = protect_row(&[], 0, 5).unwrap();
        assert_eq!(r.total, Small);
    }

    #[test]
    fn k_is_configurable_and_totals_are_checked() {
        assert_eq!(
            protect_row(&[20, 3, 12], 35, 3).unwrap().cells,
            vec![S(20), S(3), S(12)]
        );
        assert_eq!(
            protect_row(&[20, 9, 12], 41, 10).unwrap().cells,
            vec![S(20), Small, C]
        );
        assert_eq!(
            protect_row(&[1, 2], 4, 5),
            Err(SuppressionError::TotalMismatch { sum: 3, total: 4 })
        );
    }

    #[test]
    fn labels_never_claim_a_complement_is_small() {
        assert_eq!(S(12).label(5), "12");
        assert_eq!(Small.label(5), "färre än 5");
        assert_eq!(C.label(5), "dold");
    }

    #[test]
    fn a_table_is_protected_along_rows_and_columns() {
        // Women and men by improved / unchanged / worse.
        let t = protect_table(&[vec![40, 10, 3], vec![30, 8, 12]], 5).unwrap();
        // Women: the 3 is small, the 10 is its complement.
        assert_eq!(t.groups[0].cells, vec![S(40), C, Small]);
        // Columns: 18 − 8 would give the women's hidden 10 and 15 − 12 their
        // 3, so the men's 8 and 12 are hidden too.
        assert_eq!(t.groups[1].cells, vec![S(30), C, C]);
        assert_eq!(t.total.cells, vec![S(70), S(18), S(15)]);
        assert_eq!((t.groups[0].total, t.groups[1].total), (S(53), S(50)));
        assert_eq!(t.total.total, S(103));
    }

    #[test]
    fn hidden_gender_groups_must_hold_at_least_k_together() {
        // Women 30, men 16, another gender 1, undisclosed 0. Hiding the last
        // two is not enough: 47 − 30 − 16 = 1 would single out one person, so
        // the men are hidden too.
        let t = protect_table(&[vec![20, 10], vec![10, 6], vec![1, 0], vec![0, 0]], 5).unwrap();
        let ns: Vec<Cell> = t.groups.iter().map(|g| g.total).collect();
        assert_eq!(ns, vec![S(30), C, Small, Small]);
        assert!(t.groups[1].cells.iter().all(|c| c.is_hidden()));
        assert_eq!(t.groups[0].cells, vec![S(20), S(10)]);
        assert_eq!(t.total.cells, vec![S(31), S(16)]);
        // With nobody in the two small groups, nothing more is hidden.
        let t = protect_table(&[vec![20, 10], vec![10, 6], vec![0, 0], vec![0, 0]], 5).unwrap();
        assert_eq!(t.groups[1].total, S(16));
        assert_eq!(t.groups[1].cells, vec![S(10), S(6)]);
        // A hidden group with its complement: another gender 3, undisclosed 6.
        let t = protect_table(&[vec![20, 10], vec![10, 6], vec![2, 1], vec![3, 3]], 5).unwrap();
        let ns: Vec<Cell> = t.groups.iter().map(|g| g.total).collect();
        assert_eq!(ns, vec![S(30), S(16), Small, C]);
    }

    #[test]
    fn a_small_grand_total_hides_the_table() {
        let t = protect_table(&[vec![2, 1], vec![1, 0]], 5).unwrap();
        assert_eq!(t.total.total, Small);
        assert!(t
            .groups
            .iter()
            .chain([&t.total])
            .all(|r| r.total.is_hidden() && r.cells.iter().all(|c| c.is_hidden())));
        assert!(matches!(
            protect_table(&[vec![1, 2], vec![3]], 5),
            Err(SuppressionError::RaggedTable { group: 1, .. })
        ));
    }
}
