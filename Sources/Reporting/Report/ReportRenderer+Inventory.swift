import AWSModel
import Inventory
import PolicySynthesis

extension ReportRenderer {
    /// The inventory's problems, in the report's first lines: a file Perimeter could not read (or did not
    /// recognize) means the policies in force it holds are unknown, and the drafts compared with them say so.
    static func inventoryBlocks(_ r: SynthesisResult) -> [ReportBlock] {
        let problems = r.assumptions.filter { $0.code.rawValue.hasPrefix("inventory-") && $0.severity != .note }
        guard !problems.isEmpty else { return [] }
        let items = capped(problems, noun: "inventory problems") { ReportItem("\($0)") }
        let said: ReportLine = """
            \(bold: "Inventory"): \(plural(problems.count, "problem")) reading the inventory; what those files hold is unknown:
            """
        return [.paragraph(said),
                .callout(.review, items)]
    }
}
