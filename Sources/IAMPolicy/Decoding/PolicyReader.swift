import AWSModel
public import JSONTape

/// Reads policy documents from the JSON shapes users have: a plain policy, `aws s3api
/// get-bucket-policy` output (`{"Policy": "<json>"}`), or a `PolicyDocument` string.
public enum PolicyReader {
    /// Reads a policy from JSON text, unwrapping `{"Policy": "…"}` and `{"PolicyDocument": "…"}`.
    ///
    /// ```swift
    /// let policy = try PolicyReader.read(#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#)
    /// print(policy.statements[0].action.patterns)   // ["s3:GetObject"]
    /// ```
    ///
    /// - Throws: ``PolicyError`` with the JSON path of the first problem (malformed JSON, a missing or conflicting element, a bad value).
    public static func read(_ text: String) throws(PolicyError) -> PolicyDocument {
        let root = try parse(text, path: "")
        for wrapper in ["Policy", "PolicyDocument"] {
            if let inner = root[wrapper], root["Statement"] == nil {
                if let string = inner.string {
                    return try document(parse(string, path: wrapper), path: "")
                }
                if inner.isObject { return try document(inner, path: wrapper) }
            }
        }
        return try document(root, path: "")
    }

    static func parse(_ text: String, path: String) throws(PolicyError) -> JSONValue {
        let bytes = Array(text.utf8)
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes).values[0]
        } catch {
            let (line, column) = JSONDocument.lineAndColumn(of: error.offset, in: bytes)
            throw PolicyError(code: .malformedJSON, path: path,
                message: "malformed JSON at line \(line), column \(column): \(error.message)")
        }
        // A name given twice reads as its first value here and as its last in common tools: never guess which.
        if let (key, offset) = value.firstDuplicateKey() {
            let (line, column) = JSONDocument.lineAndColumn(of: offset, in: bytes)
            throw PolicyError(code: .malformedDocument, path: path, message: "`\(key)` given twice in one object at line \(line), "
                                  + "column \(column): readers disagree on which value counts")
        }
        return value
    }

    /// Reads a document from an already parsed JSON object.
    ///
    /// - Throws: ``PolicyError`` with the JSON path (under `path`) of the first problem.
    public static func document(_ value: JSONValue, path: String) throws(PolicyError) -> PolicyDocument {
        guard value.isObject else { throw PolicyError(code: .malformedDocument, path: path, message: "expected a JSON object") }
        let known: Set<String> = ["Version", "Id", "Statement"]
        for (key, _) in value.members where !known.contains(key) {
            throw PolicyError(code: .malformedDocument, path: join(path, key), message: "unknown element `\(key)`")
        }
        let version = try optionalString(value["Version"], join(path, "Version"))
        if let version, version != "2012-10-17", version != "2008-10-17" {
            throw PolicyError(code: .invalidValue, path: join(path, "Version"),
                message: "expected \"2012-10-17\" or \"2008-10-17\", got \"\(version)\"")
        }
        let id = try optionalString(value["Id"], join(path, "Id"))
        guard let statementValue = value["Statement"] else {
            throw PolicyError(code: .missingElement, path: path, message: "missing `Statement`")
        }
        var statements: [Statement] = []
        if statementValue.isArray {
            for (i, s) in statementValue.elements.enumerated() { statements.append(try statement(s, path: join(path, "Statement[\(i)]"))) }
        } else {
            statements.append(try statement(statementValue, path: join(path, "Statement")))
        }
        return PolicyDocument(version: version, id: id, statements: statements)
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    static func optionalString(_ value: JSONValue?, _ path: String) throws(PolicyError) -> String? {
        guard let value else { return nil }
        guard let s = value.string else { throw PolicyError(code: .invalidValue, path: path, message: "expected a string") }
        return s
    }

    /// A string or an array of strings; `single` tells which.
    static func stringList(_ value: JSONValue, _ path: String) throws(PolicyError) -> (values: [String], single: Bool) {
        if let s = value.string { return ([s], true) }
        guard value.isArray else { throw PolicyError(code: .invalidValue, path: path, message: "expected a string or an array of strings") }
        var result: [String] = []
        for (i, element) in value.elements.enumerated() {
            guard let s = element.string else {
                throw PolicyError(code: .invalidValue, path: "\(path)[\(i)]", message: "expected a string")
            }
            result.append(s)
        }
        guard !result.isEmpty else { throw PolicyError(code: .invalidValue, path: path, message: "expected at least one value") }
        return (result, false)
    }

    static func statement(_ value: JSONValue, path: String) throws(PolicyError) -> Statement {
        guard value.isObject else { throw PolicyError(code: .malformedDocument, path: path, message: "expected a JSON object") }
        let known: Set<String> = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource",
            "Condition"]
        for (key, _) in value.members where !known.contains(key) {
            throw PolicyError(code: .malformedDocument, path: join(path, key), message: "unknown element `\(key)`")
        }
        let sid = try optionalString(value["Sid"], join(path, "Sid"))
        guard let effectValue = value["Effect"] else { throw PolicyError(code: .missingElement, path: path, message: "missing `Effect`") }
        guard let effectText = effectValue.string, let effect = Effect(rawValue: effectText) else {
            throw PolicyError(code: .invalidValue, path: join(path, "Effect"),
                              message: """
                                  expected \"Allow\" or \"Deny\", got \(effectValue.string.map { "\"\($0)\"" } ?? effectValue.rawText)
                                  """)
        }
        func exclusive(_ a: String, _ b: String) throws(PolicyError) -> (String, JSONValue)? {
            switch (value[a], value[b]) {
            case (let x?, nil): return (a, x)
            case (nil, let y?): return (b, y)
            case (nil, nil): return nil
            default: throw PolicyError(code: .conflictingElements, path: path, message: "`\(a)` and `\(b)` cannot both be present")
            }
        }
        var principal: PrincipalSpec?, notPrincipal: PrincipalSpec?
        if let (key, p) = try exclusive("Principal", "NotPrincipal") {
            let spec = try principalSpec(p, join(path, key))
            if key == "Principal" { principal = spec } else { notPrincipal = spec }
        }
        guard let (actionKey, actionValue) = try exclusive("Action", "NotAction") else {
            throw PolicyError(code: .missingElement, path: path, message: "missing `Action` or `NotAction`")
        }
        let actions = try stringList(actionValue, join(path, actionKey)).values
        var resource: ResourceSpec?
        if let (key, r) = try exclusive("Resource", "NotResource") {
            let list = try stringList(r, join(path, key)).values
            resource = key == "Resource" ? .resources(list) : .notResources(list)
        }
        var conditions: [Condition] = []
        if let c = value["Condition"] { conditions = try conditionBlock(c, join(path, "Condition")) }
        return Statement(sid: sid, effect: effect, principal: principal, notPrincipal: notPrincipal,
                         action: actionKey == "Action" ? .actions(actions) : .notActions(actions), resource: resource,
                         conditions: conditions)
    }

    static func principalSpec(_ value: JSONValue, _ path: String) throws(PolicyError) -> PrincipalSpec {
        if let s = value.string {
            guard s == "*" else { throw PolicyError(code: .invalidValue, path: path, message: "expected \"*\" or an object, got \"\(s)\"") }
            return .any
        }
        guard value.isObject else { throw PolicyError(code: .invalidValue, path: path, message: "expected \"*\" or an object") }
        var entries: [PrincipalSpec.PrincipalEntry] = []
        for (key, v) in value.members {
            guard ["AWS", "Service", "Federated", "CanonicalUser"].contains(key) else {
                throw PolicyError(code: .invalidValue, path: join(path, key), message: "unknown principal type `\(key)`")
            }
            let (values, single) = try stringList(v, join(path, key))
            entries.append(.init(type: key, values: values, single: single))
        }
        guard !entries.isEmpty else { throw PolicyError(code: .invalidValue, path: path, message: "expected at least one principal") }
        return .map(entries)
    }

    static func conditionBlock(_ value: JSONValue, _ path: String) throws(PolicyError) -> [Condition] {
        guard value.isObject else { throw PolicyError(code: .invalidValue, path: path, message: "expected an object of operators") }
        var result: [Condition] = []
        for (op, keys) in value.members {
            guard keys.isObject else {
                throw PolicyError(code: .invalidValue, path: join(path, op), message: "expected an object of condition keys")
            }
            for (key, v) in keys.members {
                let keyPath = join(join(path, op), key)
                var values: [ConditionValue] = []
                let single = !v.isArray
                for (i, element) in (single ? [v] : v.elements).enumerated() {
                    if let s = element.string { values.append(.string(s)) }
                    else if let b = element.bool { values.append(.bool(b)) }
                    else if !element.isObject, !element.isArray, !element.isNull { values.append(.number(element.rawText)) }
                    else {
                        throw PolicyError(code: .invalidValue, path: single ? keyPath : "\(keyPath)[\(i)]",
                            message: "expected a string, number or boolean")
                    }
                }
                guard !values.isEmpty else { throw PolicyError(code: .invalidValue, path: keyPath, message: "expected at least one value") }
                result.append(Condition(op: op, key: key, values: values, single: single))
            }
        }
        return result
    }
}
