import Foundation

extension String {
    /// The text with every character that could hide, disguise or reorder what a person reads written as
    /// `\u{…}`, so that logged text shown to a person can never move the cursor, clear a screen, break a
    /// line, reorder what is around it, or pass for another name. By Unicode property, not by list:
    ///
    /// - controls, format characters (zero-width spaces and joiners, direction marks, embeddings,
    ///   overrides and isolates, the byte-order mark, tag characters: general category Cf), line and
    ///   paragraph separators, private-use and unassigned code points, and default-ignorable ones
    ///   (variation selectors, Hangul fillers);
    /// - every space but U+0020 (a no-break or ideographic space looks like one);
    /// - a letter, mark or digit that compatibility normalization changes (fullwidth `ａ`, mathematical
    ///   `𝐚`, the ligature `ﬁ`, the Ohm sign, a superscript digit): a look-alike of another;
    /// - in a word (a run of letters, marks and digits) whose letters mix scripts, as UTS #39 would call
    ///   it unrestricted (`pаypal` with a Cyrillic `а`), every non-ASCII letter: the mixed-script mark.
    ///
    /// `keepingNewlines` leaves `\n` as is, for text that is Perimeter's own lines.
    public func visible(keepingNewlines: Bool = false) -> String {
        if utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || (keepingNewlines && $0 == 0x0A) }) { return self }
        let mixed = VisibleText.mixedScriptLetters(self)
        var out = ""
        for (offset, scalar) in unicodeScalars.enumerated() {
            if (keepingNewlines && scalar == "\n") || !(VisibleText.hidden(scalar) || mixed.contains(offset)) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }
}

/// The Unicode properties behind ``Swift/String/visible(keepingNewlines:)``.
enum VisibleText {
    /// True for a character shown escaped wherever it is: see `visible`.
    static func hidden(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return s.value < 0x20 || s.value == 0x7F }
        let p = s.properties
        switch p.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned, .surrogate, .spaceSeparator: return true
        default: break
        }
        return p.isDefaultIgnorableCodePoint || (isWordCharacter(s) && changesUnderCompatibility(s))
    }

    /// Letters, marks and digits: what names are made of (punctuation such as `…` is Perimeter's own typography too).
    static func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter, .modifierLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }

    /// True when compatibility normalization (NFKC) maps `s` to something else: a compatibility or
    /// singleton character, the look-alike of another (compared by scalars: `String` equality would
    /// call the Ohm sign and Omega equal).
    static func changesUnderCompatibility(_ s: Unicode.Scalar) -> Bool {
        !String(s).precomposedStringWithCompatibilityMapping.unicodeScalars.elementsEqual(CollectionOfOne(s))
    }

    /// Scripts that UTS #39 lets mix with one another and with Latin in one identifier (Japanese,
    /// Chinese and Korean writing), by the first word of their letters' names.
    static let eastAsian: Set<Substring> = ["CJK", "IDEOGRAPHIC", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO"]

    /// The script of a letter, as the first word of its Unicode name (`LATIN`, `CYRILLIC`, `GREEK`);
    /// nil for anything else (digits, marks and punctuation belong to every script).
    static func script(_ s: Unicode.Scalar) -> Substring? {
        if s.isASCII { return s.properties.isAlphabetic ? "LATIN" : nil }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter, .modifierLetter:
            return s.properties.name?.split(separator: " ").first?.split(separator: "-").first
        default: return nil
        }
    }

    /// The offsets (in scalars) of the non-ASCII letters of every word whose letters mix scripts.
    static func mixedScriptLetters(_ text: String) -> Set<Int> {
        var marked: Set<Int> = [], word: [(Int, Unicode.Scalar)] = []
        func close() {
            let scripts = Set(word.compactMap { script($0.1) })
            let others = scripts.subtracting(eastAsian)
            let mixes = others.count > 1 || (others.count == 1 && others.first != "LATIN" && scripts.count > 1)
            if mixes { marked.formUnion(word.filter { !$0.1.isASCII && script($0.1) != nil }.map(\.0)) }
            word = []
        }
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            if isWordCharacter(scalar) { word.append((offset, scalar)) } else { close() }
        }
        close()
        return marked
    }
}
