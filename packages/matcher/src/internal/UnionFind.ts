/** Disjoint sets over 0..n-1 with path halving and union by smaller root index (deterministic roots). */
export class UnionFind {
  private readonly parent: Int32Array

  constructor(size: number) {
    this.parent = Int32Array.from({ length: size }, (_, i) => i)
  }

  find(x: number): number {
    let node = x
    while (this.parent[node] !== node) {
      this.parent[node] = this.parent[this.parent[node]!]!
      node = this.parent[node]!
    }
    return node
  }

  union(a: number, b: number): void {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra < rb) this.parent[rb] = ra
    else if (rb < ra) this.parent[ra] = rb
  }
}
