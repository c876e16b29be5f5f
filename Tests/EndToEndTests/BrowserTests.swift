import Foundation
import PerimeterTestSupport
import Testing

/// report.html opened in a real browser (Debian's chromium, headless; `.ci/run` installs it).
struct BrowserTests {
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func chromium(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromium))
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir="
            + TestSupport.temporaryDirectory("chromium")] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }

    static let report = "file://" + TestSupport.repositoryRoot.path + "/Output/report.html"

    @Test(.enabled(if: chromium != nil, "chromium is not installed: report.html is not opened in a browser"))
    func theReportRendersWithTheVerdictsFirstAndItsCharts() throws {
        let dom = try Self.chromium(["--dump-dom", Self.report])
        // The browser built the page: the verdicts table comes before any section, the worst first.
        let verdicts = try #require(dom.range(of: "<table class=\"verdicts\">"))
        let firstSection = try #require(dom.range(of: "<h2 id=\"risks\">"))
        #expect(verdicts.lowerBound < firstSection.lowerBound)
        let firstBadge = try #require(dom.range(of: "<span class=\"verdict "))
        #expect(dom[firstBadge.upperBound...].hasPrefix("unsafe\">UNSAFE</span>"))
        // Three pictures, each an SVG the browser parsed (it closes the element itself).
        #expect(dom.components(separatedBy: "<figure ").count - 1 == 3)
        #expect(dom.components(separatedBy: "</svg>").count - 1 == 3)
        for id in ["chart-requests", "chart-access", "chart-who"] { #expect(dom.contains("id=\"\(id)\"")) }
        // Nothing from elsewhere, and no script.
        #expect(!dom.contains("<script"))
        #expect(!dom.contains("src=\"http"))
    }

    /// The README's screenshot; `UPDATE_GOLDEN=1` writes it again.
    @Test(.enabled(if: chromium != nil, "chromium is not installed: no screenshot"))
    func aScreenshotOfTheReportIsTaken() throws {
        let shot = TestSupport.temporaryDirectory("shot") + "/report.png"
        _ = try Self.chromium(["--window-size=1280,2200", "--screenshot=" + shot, Self.report])
        let png = TestSupport.bytes(shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 50_000)   // a page, not a blank
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try Data(png).write(to: TestSupport.repositoryRoot.appendingPathComponent("Tests/Browser/report.png"))
        }
    }
}
