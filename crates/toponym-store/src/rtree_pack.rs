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

/// A node: its number and its cells.
type Node = (i64, Vec<Cell>);

/// Replaces the tree `name` by a packed tree over `cells`, in the given order: all three
/// shadow tables are emptied first, the node and parent tables written here. Returns the
/// leaf node number of each cell, for the caller's `<name>_rowid` rows.
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
        "DELETE FROM \"{name}_rowid\"; DELETE FROM \"{name}_node\"; \
         DELETE FROM \"{name}_parent\";"
    ))?;

    // Levels bottom-up. The root (the only node of the top level) is node 1; the others
    // are numbered 2, 3, … in the order they are made.
    let mut next = 2;
    let mut numbers = |count: usize| -> Vec<i64> {
        if count == 1 {
            return vec![1];
        }
        let first = next;
        next += count as i64;
        (first..next).collect()
    };
    let ranges: Vec<_> = groups(cells.len(), cap).collect();
    let leaves: Vec<Node> = numbers(ranges.len())
        .into_iter()
        .zip(ranges)
        .map(|(no, g)| (no, cells[g].to_vec()))
        .collect();
    let mut levels = vec![leaves];
    while let Some(below) = levels.last().filter(|l| l.len() > 1) {
        let ranges: Vec<_> = groups(below.len(), cap).collect();
        let level = numbers(ranges.len())
            .into_iter()
            .zip(ranges)
            .map(|(no, g)| {
                let children = below[g].iter().map(|(child, c)| (*child, union(c)));
                (no, children.collect())
            })
            .collect();
        levels.push(level);
    }

    let depth = (levels.len() - 1) as u16;
    let mut put_node = conn.prepare_cached(&format!(
        "INSERT INTO \"{name}_node\" (nodeno, data) VALUES (?1, ?2)"
    ))?;
    let mut put_parent = conn.prepare_cached(&format!(
        "INSERT INTO \"{name}_parent\" (nodeno, parentnode) VALUES (?1, ?2)"
    ))?;
    for (d, level) in levels.iter().enumerate() {
        for (no, node) in level {
            let node_depth = if *no == 1 { depth } else { 0 };
            put_node.execute(params![no, encode(node_size, node_depth, node)])?;
            if d > 0 {
                for (child, _) in node {
                    put_parent.execute(params![child, no])?;
                }
            }
        }
    }
    // The leaf of each cell, in input order.
    Ok(levels[0]
        .iter()
        .flat_map(|(no, leaf)| std::iter::repeat_n(*no, leaf.len()))
        .collect())
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
