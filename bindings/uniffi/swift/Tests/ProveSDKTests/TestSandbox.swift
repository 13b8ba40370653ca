import Foundation
import XCTest

@testable import ProveSDK

/// The sandbox emulator binary (`PROVE_SANDBOX_BIN`, default `../../../target/debug/prove-sandbox`)
/// on a free loopback port, with the control endpoints the tests use.
final class TestSandbox {
    let process = Process()
    let baseUrl: String
    let clientId = "prove-sandbox-client"
    let clientSecret = "prove-sandbox-secret"

    init() throws {
        let env = ProcessInfo.processInfo.environment
        let bin = env["PROVE_SANDBOX_BIN"] ?? "../../../target/debug/prove-sandbox"
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = ["--port", "0", "--quiet", "--threads", "2"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // The first line is `prove-sandbox listening on http://127.0.0.1:PORT`.
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "http://") else { throw NSError(domain: "sandbox", code: 1) }
        baseUrl = String(text[range.lowerBound...]).trimmingCharacters(in: .whitespaces)
    }

    deinit {
        process.terminate()
    }

    func settings() -> ClientSettings {
        ClientSettings(clientId: clientId, clientSecret: clientSecret, baseUrl: baseUrl, retry: RetrySettings(maxRetries: 0))
    }

    func client() throws -> ProveClient {
        try ProveClient(settings: settings())
    }

    @discardableResult
    func control(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any {
        var request = URLRequest(url: URL(string: baseUrl + path)!)
        request.httpMethod = method
        if let body = body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "content-type")
        }
        let (data, _) = try await URLSession.shared.data(for: request)
        return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    func tokenRequests() async throws -> Int {
        let counters = try await control("GET", "/sandbox/counters") as! [String: Any]
        return counters["tokenRequests"] as! Int
    }

    func possession(_ correlationId: String, _ action: String) async throws {
        try await control("POST", "/sandbox/possession", ["correlationId": correlationId, "action": action])
    }

    func fault(_ fault: [String: Any]) async throws {
        try await control("POST", "/sandbox/faults", fault)
    }
}
