import AWSModel
import JSONTape

/// Writes policies as canonical JSON: AWS's element order (Version, Id, Statement; Sid, Effect,
/// Principal/NotPrincipal, Action/NotAction, Resource/NotResource, Condition), two-space indent,
/// single values unwrapped, output stable byte for byte.
public enum PolicyWriter {
    /// The document as canonical JSON, ending with a newline.
    public static func write(_ document: PolicyDocument) -> String {
        var members: [(String, Node)] = []
        if let v = document.version { members.append(("Version", .string(v))) }
        if let id = document.id { members.append(("Id", .string(id))) }
        members.append(("Statement", .array(document.statements.map(node))))
        var out = ""
        render(.object(members), indent: 0, into: &out)
        return out + "\n"
    }

    /// One statement alone, as canonical JSON at no indent (what a diff compares, line by line).
    public static func write(_ statement: Statement) -> String {
        var out = ""
        render(node(statement), indent: 0, into: &out)
        return out
    }

    /// The number of characters the endpoint (20,480 incl. white space) and bucket (20 KB) limits count.
    public static func size(_ document: PolicyDocument) -> Int { write(document).count }

    /// The document's size in UTF-8 bytes (S3's bucket-policy limit, 20 KB).
    public static func byteSize(_ document: PolicyDocument) -> Int { write(document).utf8.count }

    indirect enum Node {
        case string(String)
        case raw(String)
        case array([Node])
        case object([(String, Node)])
    }

    static func list(_ values: [String], single: Bool) -> Node {
        single && values.count == 1 ? .string(values[0]) : .array(values.map(Node.string))
    }

    static func node(_ s: Statement) -> Node {
        var m: [(String, Node)] = []
        if let sid = s.sid { m.append(("Sid", .string(sid))) }
        m.append(("Effect", .string(s.effect.rawValue)))
        if let p = s.principal { m.append(("Principal", principal(p))) }
        if let p = s.notPrincipal { m.append(("NotPrincipal", principal(p))) }
        switch s.action {
        case .actions(let a): m.append(("Action", list(a, single: true)))
        case .notActions(let a): m.append(("NotAction", list(a, single: true)))
        }
        switch s.resource {
        case .resources(let r)?: m.append(("Resource", list(r, single: true)))
        case .notResources(let r)?: m.append(("NotResource", list(r, single: true)))
        case nil: break
        }
        if !s.conditions.isEmpty {
            var ops: [(String, Node)] = []
            for c in s.conditions {
                let value: Node = c.single && c.values.count == 1 ? conditionValue(c.values[0]) : .array(c.values.map(conditionValue))
                if let i = ops.firstIndex(where: { $0.0 == c.op }), case .object(var keys) = ops[i].1 {
                    keys.append((c.key, value))
                    ops[i].1 = .object(keys)
                } else {
                    ops.append((c.op, .object([(c.key, value)])))
                }
            }
            m.append(("Condition", .object(ops)))
        }
        return .object(m)
    }

    static func conditionValue(_ v: ConditionValue) -> Node {
        switch v {
        case .string(let s): .string(s)
        case .number(let n): .raw(n)
        case .bool(let b): .raw(b ? "true" : "false")
        }
    }

    static func principal(_ p: PrincipalSpec) -> Node {
        switch p {
        case .any: return .string("*")
        case .map(let entries): return .object(entries.map { ($0.type, list($0.values, single: $0.single)) })
        }
    }

    static func render(_ node: Node, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent + 2)
        switch node {
        case .string(let s): out += JSONString.quote(s)
        case .raw(let r): out += r
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                render(item, indent: indent + 2, into: &out)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, (key, value)) in members.enumerated() {
                out += pad + JSONString.quote(key) + ": "
                render(value, indent: indent + 2, into: &out)
                out += i == members.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        }
    }
}
