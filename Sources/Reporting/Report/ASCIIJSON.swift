/// JSON for a terminal: `--json` prints its lines through the console's escaping (`visible()`), which writes a
/// hidden or look-alike character as `\u{…}`, not JSON. Escaped here first, every character outside printable
/// ASCII (line breaks between values aside) is a JSON `\uXXXX` escape: the console has nothing left to escape,
/// and `jq` reads back the logged text as it was.
enum ASCIIJSON {
    /// `json` (JSONEncoder's output: outside its strings it is ASCII, inside them control characters are escaped
    /// already) with every other character outside printable ASCII written as `\uXXXX` (UTF-16, surrogate pairs
    /// beyond the BMP).
    static func escaped(_ json: String) -> String {
        guard !json.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A }) else { return json }
        var out = ""
        for scalar in json.unicodeScalars {
            if (scalar.value >= 0x20 && scalar.value < 0x7F) || scalar == "\n" {
                out.unicodeScalars.append(scalar)
            } else {
                for unit in String(scalar).utf16 {
                    let digits = String(unit, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                }
            }
        }
        return out
    }
}
