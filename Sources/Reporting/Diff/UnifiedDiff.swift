/// A unified diff of two texts, line by line, with three lines of context: the format `git apply`
/// and `patch` read. Policies are small (at most 20,480 characters), so the longest common
/// subsequence is found with the plain quadratic table.
enum UnifiedDiff {
    /// The hunks turning `old` into `new` under `--- oldName` / `+++ newName` headers; empty when the
    /// texts are equal. Both texts end with a newline (Perimeter writes them so).
    static func make(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let a = lines(old), b = lines(new)
        let edits = script(a, b)
        guard edits.contains(where: { $0.kind != .same }) else { return "" }
        var out = "--- \(oldName)\n+++ \(newName)\n"
        var i = 0
        while i < edits.count {
            guard edits[i].kind != .same else { i += 1; continue }
            // A hunk: from `context` lines before this change to `context` after the last change
            // that lies within 2 × context of the one before it.
            let start = max(0, i - context)
            var end = i
            var j = i
            while j < edits.count {
                if edits[j].kind != .same { end = j }
                if j - end > 2 * context { break }
                j += 1
            }
            let stop = min(edits.count, end + context + 1)
            let hunk = edits[start..<stop]
            let oldCount = hunk.filter { $0.kind != .insert }.count, newCount = hunk.filter { $0.kind != .delete }.count
            let oldStart = hunk.first!.oldLine, newStart = hunk.first!.newLine
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n"
            for edit in hunk {
                switch edit.kind {
                case .same: out += " " + edit.text + "\n"
                case .delete: out += "-" + edit.text + "\n"
                case .insert: out += "+" + edit.text + "\n"
                }
            }
            i = stop
        }
        return out
    }

    /// `start,count` as unified diffs write it: an empty side is `start-1,0` (`0,0` for an empty file).
    private static func range(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(max(0, start - 1)),0" : "\(start),\(count)"
    }

    private static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    struct Edit {
        enum Kind { case same, delete, insert }
        var kind: Kind
        var text: String
        /// 1-based line numbers where the edit sits in each text (for a hunk's header).
        var oldLine: Int
        var newLine: Int
    }

    /// The edit script from the longest common subsequence of lines.
    static func script(_ a: [String], _ b: [String]) -> [Edit] {
        let n = a.count, m = b.count
        // lcs[i][j]: the longest common subsequence of a[i...] and b[j...].
        var lcs = [[Int32]](repeating: [Int32](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var edits: [Edit] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                edits.append(Edit(kind: .same, text: a[i], oldLine: i + 1, newLine: j + 1)); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                // Deletions before insertions, as diff(1) shows a changed line.
                edits.append(Edit(kind: .delete, text: a[i], oldLine: i + 1, newLine: j + 1)); i += 1
            } else {
                edits.append(Edit(kind: .insert, text: b[j], oldLine: i + 1, newLine: j + 1)); j += 1
            }
        }
        return edits
    }
}
