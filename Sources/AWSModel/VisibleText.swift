extension String {
    /// The text with every control character (C0, DEL, C1, and the bidirectional overrides and
    /// isolates) written as `\u{…}`, so that logged text shown to a person can never move the cursor,
    /// clear a screen, break a line or reorder what is around it. `keepingNewlines` leaves `\n` as is,
    /// for text that is Perimeter's own lines.
    public func visible(keepingNewlines: Bool = false) -> String {
        func hidden(_ s: Unicode.Scalar) -> Bool {
            let v = s.value
            guard v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) else { return false }
            return !(keepingNewlines && s == "\n")
        }
        guard unicodeScalars.contains(where: hidden) else { return self }
        var out = ""
        for scalar in unicodeScalars {
            if hidden(scalar) { out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}" } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
