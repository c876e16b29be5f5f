import JSONTape
import Yams

/// CloudFormation templates in YAML, turned into the JSON form CloudFormation itself reads: short
/// intrinsics (`!Ref X`, `!Sub …`, `!GetAtt A.B`) become their long form (`{"Ref": "X"}`,
/// `{"Fn::Sub": …}`, `{"Fn::GetAtt": ["A", "B"]}`).
enum CloudFormationYAML {
    /// True for YAML text that declares CloudFormation resources.
    static func looksLikeTemplate(_ text: String) -> Bool {
        text.contains("Resources:") && (text.contains("AWS::") || text.contains("AWSTemplateFormatVersion"))
    }

    enum Failure: Error, CustomStringConvertible {
        case yaml(String), notAMapping, alias
        var description: String {
            switch self {
            case .yaml(let message): message
            case .notAMapping: "the document is not a mapping"
            case .alias: "YAML aliases (`*name`) are not read"
            }
        }
    }

    /// The template as JSON text.
    /// - Throws: ``Failure`` when the YAML does not read or is not a mapping.
    static func json(_ text: String) throws(Failure) -> String {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw .yaml("\(error)") }
        guard let node, node.mapping != nil else { throw .notAMapping }
        return try json(node)
    }

    private static func json(_ node: Node) throws(Failure) -> String {
        let tag = node.tag.description
        if tag.hasPrefix("!"), tag != "!" {
            let name = String(tag.dropFirst())
            let long = name == "Ref" || name == "Condition" ? name : "Fn::" + name
            var argument = try plain(node)
            if name == "GetAtt", let scalar = node.scalar {
                // `!GetAtt A.B` is `["A", "B"]` in the long form.
                let parts = scalar.string.split(separator: ".", maxSplits: 1).map { JSONString.quote(String($0)) }
                argument = "[" + parts.joined(separator: ",") + "]"
            }
            return "{" + JSONString.quote(long) + ":" + argument + "}"
        }
        return try plain(node)
    }

    private static func plain(_ node: Node) throws(Failure) -> String {
        switch node {
        case .scalar(let scalar):
            switch node.tag.description {
            case "tag:yaml.org,2002:null": return "null"
            case "tag:yaml.org,2002:bool": return scalar.string.lowercased() == "true" ? "true" : "false"
            case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float":
                return (try? JSONParser.parse(Array(scalar.string.utf8))) != nil ? scalar.string : JSONString.quote(scalar.string)
            default: return JSONString.quote(scalar.string)
            }
        case .mapping(let mapping):
            var parts: [String] = []
            for (key, value) in mapping { parts.append(JSONString.quote(key.scalar?.string ?? "") + ":" + (try json(value))) }
            return "{" + parts.joined(separator: ",") + "}"
        case .sequence(let sequence):
            var parts: [String] = []
            for element in sequence { parts.append(try json(element)) }
            return "[" + parts.joined(separator: ",") + "]"
        case .alias:
            throw .alias
        }
    }
}
