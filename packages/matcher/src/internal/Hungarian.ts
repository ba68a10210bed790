/**
 * Minimum-cost rectangular assignment (Hungarian algorithm with potentials, O(n^2 m)), for n rows <= m columns.
 * Costs are exact integers held as numbers; a forbidden pair carries a cost larger than any feasible total.
 */

/** Column assigned to each row, minimising the total cost of `cost` (row-major, `rows` x `cols`). */
export const solveAssignment = (cost: Float64Array, rows: number, cols: number): Int32Array => {
  const u = new Float64Array(rows + 1)
  const v = new Float64Array(cols + 1)
  const rowOfCol = new Int32Array(cols + 1)
  const way = new Int32Array(cols + 1)
  const minv = new Float64Array(cols + 1)
  const used = new Uint8Array(cols + 1)
  for (let i = 1; i <= rows; i++) {
    rowOfCol[0] = i
    let j0 = 0
    minv.fill(Infinity)
    used.fill(0)
    do {
      used[j0] = 1
      const i0 = rowOfCol[j0]!
      let delta = Infinity
      let j1 = 0
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue
        const reduced = cost[(i0 - 1) * cols + (j - 1)]! - u[i0]! - v[j]!
        if (reduced < minv[j]!) {
          minv[j] = reduced
          way[j] = j0
        }
        if (minv[j]! < delta) {
          delta = minv[j]!
          j1 = j
        }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) {
          u[rowOfCol[j]!] += delta
          v[j] -= delta
        } else {
          minv[j] -= delta
        }
      }
      j0 = j1
    } while (rowOfCol[j0] !== 0)
    do {
      const j1 = way[j0]!
      rowOfCol[j0] = rowOfCol[j1]!
      j0 = j1
    } while (j0 !== 0)
  }
  const colOfRow = new Int32Array(rows).fill(-1)
  for (let j = 1; j <= cols; j++) if (rowOfCol[j]! > 0) colOfRow[rowOfCol[j]! - 1] = j - 1
  return colOfRow
}
