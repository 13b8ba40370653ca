import Foundation
import XCTest

@testable import ProveSDK

/// A few of the Kotlin package's tests (bindings/uniffi/kotlin/src/test), in Swift.
final class ProveSDKTests: XCTestCase {
    func testPrefillWithChallenge() async throws {
        let sandbox = try TestSandbox()
        let client = try sandbox.client()
        defer { _ = client.close() }
        let flow = client.flow()
        let started = try await flow.start(request: StartRequest(flowType: .mobile, phoneNumber: "2001001695"))
        XCTAssertEqual(started.correlationId.count, 36)
        let validated = try await flow.validate(request: ValidateRequest(correlationId: started.correlationId))
        XCTAssertTrue(validated.success)
        XCTAssertNotNil(validated.next["v3-challenge"])
        let challenged = try await flow.challenge(request: ChallengeRequest(correlationId: started.correlationId, dob: "1981-01-17"))
        XCTAssertEqual(challenged.individual?.firstName, "Milo")
        let done = try await flow.complete(request: CompleteRequest(
            correlationId: started.correlationId,
            individual: CompleteIndividual(dob: "1981-01-17", firstName: "Milo", lastName: "Pinson", ssn: "847350596")
        ))
        XCTAssertTrue(done.success)
        do {
            _ = try await flow.validate(request: ValidateRequest(correlationId: started.correlationId))
            XCTFail("a step out of order")
        } catch let e as ProveError {
            XCTAssertEqual(e.kind(), .stepOutOfOrder)
            XCTAssertEqual(e.httpStatus(), 403)
            XCTAssertEqual(e.flowCorrelationId(), started.correlationId)
        }
    }

    func testValidationNamesTheFieldBeforeTheNetwork() async throws {
        let sandbox = try TestSandbox()
        let client = try sandbox.client()
        do {
            _ = try await client.flow().start(request: StartRequest(flowType: .desktop, phoneNumber: "2001001693"))
            XCTFail("finalTargetUrl is required on desktop")
        } catch let ProveError.Validation(reason, status, _, field, _, _, _, _) {
            XCTAssertEqual(field, "finalTargetUrl")
            XCTAssertNil(status)
            XCTAssertFalse(reason.isEmpty)
        }
        let tokens = try await sandbox.tokenRequests()
        XCTAssertEqual(tokens, 0)
    }

    func testListingAsAnAsyncSequence() async throws {
        let sandbox = try TestSandbox()
        let client = try sandbox.client()
        let im = client.identityManager()
        for phone in ["2001004031", "2001004035", "2001004036"] {
            _ = try await im.enroll(request: EnrollIdentityRequest(phoneNumber: phone))
        }
        var pages = 0
        for try await page in im.pageSequence(list: ListIdentitiesOptions(limit: 2)) {
            XCTAssertFalse(page.results.isEmpty)
            pages += 1
        }
        XCTAssertEqual(pages, 2)
        var ids: [String] = []
        for try await identity in im.identities(list: ListIdentitiesOptions(limit: 1)) {
            ids.append(identity.proveId ?? "")
        }
        XCTAssertEqual(ids.count, 3)
    }

    func testDescriptionsHidePersonalData() throws {
        let request = StartRequest(flowType: .mobile, phoneNumber: "2001001695", ssn: "847350596")
        let text = String(reflecting: request)
        XCTAssertFalse(text.contains("2001001695"), text)
        XCTAssertFalse(text.contains("847350596"), text)
        XCTAssertEqual(request.phoneNumber, "2001001695")
        let settings = ClientSettings(clientId: "id", clientSecret: "super-secret-value")
        XCTAssertFalse(String(reflecting: settings).contains("super-secret-value"))
    }

    func testWebhooksVerifyAndRefuseTampering() throws {
        let signed = try signTestWebhook(secret: "whsec-swift", eventType: "DISCONNECT")
        let verified = try verifyWebhook(authorization: signed.authorization, body: Data(signed.body.utf8), secrets: ["old", "whsec-swift"])
        XCTAssertEqual(verified.secretIndex, 1)
        XCTAssertEqual(verified.notifications.first?.eventType, .disconnect)
        XCTAssertThrowsError(try verifyWebhook(authorization: signed.authorization, body: Data("{}".utf8), secrets: ["whsec-swift"])) { error in
            XCTAssertEqual((error as? ProveError)?.kind(), .webhook)
        }
    }

    func testCancellingATaskDropsTheCall() async throws {
        let sandbox = try TestSandbox()
        let client = try sandbox.client()
        _ = try await client.domain().id()
        try await sandbox.fault(["kind": "latency", "ms": 3000, "path": "/v3/domain/linked", "count": 1])
        let started = Date()
        let task = Task { try await client.domain().linked() }
        try await Task.sleep(nanoseconds: 300_000_000)
        task.cancel()
        _ = await task.result
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.5)
    }

    func testAHundredConcurrentCallsMakeOneTokenRequest() async throws {
        let sandbox = try TestSandbox()
        let client = try sandbox.client()
        let domain = client.domain()
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<100 {
                group.addTask { try await domain.id().pcid }
            }
            for try await pcid in group {
                XCTAssertFalse(pcid.isEmpty)
            }
        }
        let tokens = try await sandbox.tokenRequests()
        XCTAssertEqual(tokens, 1)
    }
}
