//! Bulk loading of an SQLite R*Tree: a packed tree written straight into the virtual
//! table's shadow tables (`<name>_node`, `<name>_parent`; the caller writes `<name>_rowid`,
//! which also holds the auxiliary columns).
//!
//! Inserting N boxes one by one makes the R*Tree module choose a leaf, rewrite it and
//! sometimes split or reinsert for every box; in a bulk import that was about a quarter of
//! the writer's time. When a batch is at least as large as the index, the store instead
//! sorts all entries by their location key (a Hilbert index, so neighbours in the sort are
//! neighbours on the map), cuts them into leaves of nearly full nodes and builds the upper
//! levels the same way: the classic Hilbert-packed R-tree, which also answers box queries
//! with fewer node reads than a tree grown by insertion.
//!
//! The node format is SQLite's (ext/rtree/rtree.c, 2-D, 32-bit float coordinates): a node
//! is a blob of the tree's fixed node size; bytes 0–1 hold the tree depth (root only),
//! bytes 2–3 the cell count, then each cell is an 8-byte id (a rowid in a leaf, a child
//! node number above) and min_x, max_x, min_y, max_y as big-endian IEEE floats. The root
//! is node 1. Coordinates are rounded outwards to f32 as the module itself does, so a
//! stored box always contains the exact one. `PRAGMA integrity_check` and `rtreecheck()`
//! verify the result in the tests.

use rusqlite::{params, Connection};

use crate::{Result, StoreError};

/// Bytes per cell of a 2-D R*Tree: id + 4 coordinates.
const CELL_BYTES: usize = 8 + 4 * 4;

/// The largest f32 that is ≤ `v` (the R*Tree stores a box's minimum rounded down).
pub(crate) fn round_down(v: f64) -> f32 {
    let f = v as f32;
    if f64::from(f) > v {
        f.next_down()
    } else {
        f
    }
}

/// The smallest f32 that is ≥ `v` (a box's maximum is rounded up).
pub(crate) fn round_up(v: f64) -> f32 {
    let f = v as f32;
    if f64::from(f) < v {
        f.next_up()
    } else {
        f
    }
}

/// One cell: id and (min_x, max_x, min_y, max_y).
type Cell = (i64, [f32; 4]);

fn union(cells: &[Cell]) -> [f32; 4] {
    cells.iter().fold(
        [
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::INFINITY,
            f32::NEG_INFINITY,
        ],
        |a, (_, b)| {
            [
                a[0].min(b[0]),
                a[1].max(b[1]),
                a[2].min(b[2]),
                a[3].max(b[3]),
            ]
        },
    )
}

fn encode(node_size: usize, depth: u16, cells: &[Cell]) -> Vec<u8> {
    let mut data = Vec::with_capacity(node_size);
    data.extend_from_slice(&depth.to_be_bytes());
    data.extend_from_slice(&(cells.len() as u16).to_be_bytes());
    for (id, b) in cells {
        data.extend_from_slice(&id.to_be_bytes());
        for v in b {
            data.extend_from_slice(&v.to_be_bytes());
        }
    }
    data.resize(node_size, 0);
    data
}

/// Cuts `n` items into the fewest groups of at most `cap`, as evenly as possible.
fn groups(n: usize, cap: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    let count = n.div_ceil(cap).max(1);
    (0..count).map(move |i| (i * n / count)..((i + 1) * n / count))
}

/// Replaces the (empty) tree `name` by a packed tree over `cells`, in the given order.
/// Returns the leaf node number of each cell, for the caller's `<name>_rowid` rows. The
/// tree must hold no entries: its node and parent tables are emptied first.
pub(crate) fn write_packed(conn: &Connection, name: &str, cells: &[Cell]) -> Result<Vec<i64>> {
    let node_size: usize = conn.query_row(
        &format!("SELECT length(data) FROM \"{name}_node\" WHERE nodeno = 1"),
        [],
        |r| r.get::<_, i64>(0),
    )? as usize;
    let cap = node_size.saturating_sub(4) / CELL_BYTES;
    if cap < 4 {
        return Err(StoreError::Corrupt {
            what: format!("{name}_node"),
            detail: format!("R*Tree node of {node_size} bytes"),
        });
    }
    conn.execute_batch(&format!(
        "DELETE FROM \"{name}_node\"; DELETE FROM \"{name}_parent\";"
    ))?;

    // Levels bottom-up; each node is (cells, its number once known).
    let mut levels: Vec<Vec<Vec<Cell>>> = vec![groups(cells.len(), cap)
        .map(|g| cells[g].to_vec())
        .collect()];
    while levels.last().map_or(0, Vec::len) > 1 {
        let below = levels.last().map_or(0, Vec::len);
        // Children are numbered later; keep their index in the level for now.
        let level = groups(below, cap)
            .map(|g| g.map(|i| (i as i64, [0.0; 4])).collect())
            .collect();
        levels.push(level);
    }
    // Number the nodes: the root is 1, the others 2, 3, … from the leaves up.
    let mut numbers: Vec<Vec<i64>> = Vec::with_capacity(levels.len());
    let mut next = 2;
    for (depth, level) in levels.iter().enumerate() {
        if depth + 1 == levels.len() {
            numbers.push(vec![1]);
        } else {
            numbers.push((next..next + level.len() as i64).collect());
            next += level.len() as i64;
        }
    }
    // Fill in the parents' cells (child number and union box) level by level.
    for d in 1..levels.len() {
        let (lower, upper) = levels.split_at_mut(d);
        let children = &lower[d - 1];
        for node in upper[0].iter_mut() {
            for cell in node.iter_mut() {
                let child = cell.0 as usize;
                *cell = (numbers[d - 1][child], union(&children[child]));
            }
        }
    }
    let depth = (levels.len() - 1) as u16;
    let mut put_node = conn.prepare_cached(&format!(
        "INSERT INTO \"{name}_node\" (nodeno, data) VALUES (?1, ?2)"
    ))?;
    let mut put_parent = conn.prepare_cached(&format!(
        "INSERT INTO \"{name}_parent\" (nodeno, parentnode) VALUES (?1, ?2)"
    ))?;
    for (d, level) in levels.iter().enumerate() {
        for (i, node) in level.iter().enumerate() {
            let nodeno = numbers[d][i];
            let node_depth = if nodeno == 1 { depth } else { 0 };
            put_node.execute(params![nodeno, encode(node_size, node_depth, node)])?;
        }
        if d + 1 < levels.len() {
            for (p, parent) in levels[d + 1].iter().enumerate() {
                let parent_no = numbers[d + 1][p];
                for (child, _) in parent {
                    put_parent.execute(params![child, parent_no])?;
                }
            }
        }
    }
    // The leaf of each cell, in input order.
    let mut leaf_of = Vec::with_capacity(cells.len());
    for (i, leaf) in levels[0].iter().enumerate() {
        leaf_of.extend(std::iter::repeat_n(numbers[0][i], leaf.len()));
    }
    Ok(leaf_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_outwards_and_exact_when_representable() {
        for v in [117.123_456_789_f64, -0.1, 36.0, 1e-9, 89.999_999_9] {
            assert!(f64::from(round_down(v)) <= v, "{v}");
            assert!(f64::from(round_up(v)) >= v, "{v}");
            assert!(round_up(v) == round_down(v) || round_up(v) == round_down(v).next_up());
        }
        assert_eq!(round_down(36.5), 36.5);
        assert_eq!(round_up(36.5), 36.5);
    }

    #[test]
    fn groups_are_even_and_cover_everything() {
        let g: Vec<_> = groups(103, 51).collect();
        assert_eq!(g.len(), 3);
        assert_eq!(g.iter().map(|r| r.len()).sum::<usize>(), 103);
        assert!(g.iter().all(|r| (34..=35).contains(&r.len())), "{g:?}");
        assert_eq!(groups(0, 51).count(), 1);
    }
}
