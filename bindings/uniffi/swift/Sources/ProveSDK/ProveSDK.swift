// The hand-written part of the Swift package: what the generated bindings cannot give.
import Foundation

extension ProveClient {
    /// A client from the environment: `PROVE_CLIENT_ID`, `PROVE_CLIENT_SECRET` and
    /// `PROVE_BASE_URL` or `PROVE_ENV` (default `uat-us`); the other settings from `settings`.
    public static func fromEnv(settings: ClientSettings? = nil) throws -> ProveClient {
        try clientFromEnv(settings: settings)
    }

    /// Like `fromEnv(settings:)`, reading the variables from `env`.
    public static func fromEnv(_ env: [String: String], settings: ClientSettings? = nil) throws -> ProveClient {
        try clientFromEnvMap(env: env, settings: settings)
    }
}

/// The pages of the identity listing as an `AsyncSequence`, following `lastKey`: a page is
/// fetched when the loop asks for it; an error ends the loop by throwing `ProveError`; a
/// cancelled task drops the page request in flight.
///
/// ```swift
/// for try await page in client.identityManager().pageSequence(list: ListIdentitiesOptions(limit: 50)) {
///     for identity in page.results { print(identity.proveId ?? "") }
/// }
/// ```
public struct IdentityPageSequence: AsyncSequence {
    public typealias Element = BatchGetIdentitiesResponse

    let api: IdentityManagerApi
    let list: ListIdentitiesOptions?
    let options: CallOptions?

    public struct AsyncIterator: AsyncIteratorProtocol {
        let api: IdentityManagerApi
        let list: ListIdentitiesOptions?
        let options: CallOptions?
        var pages: IdentityPages?

        public mutating func next() async throws -> BatchGetIdentitiesResponse? {
            if pages == nil {
                pages = try api.pages(list: list, options: options)
            }
            return try await pages!.nextPage()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(api: api, list: list, options: options, pages: nil)
    }
}

/// Every enrolled identity, page after page (see `IdentityPageSequence`).
public struct IdentitySequence: AsyncSequence {
    public typealias Element = GetBatchIdentityItem

    let pages: IdentityPageSequence

    public struct AsyncIterator: AsyncIteratorProtocol {
        var pages: IdentityPageSequence.AsyncIterator
        var buffered: [GetBatchIdentityItem] = []

        public mutating func next() async throws -> GetBatchIdentityItem? {
            while buffered.isEmpty {
                guard let page = try await pages.next() else { return nil }
                buffered = page.results.reversed()
            }
            return buffered.popLast()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(pages: pages.makeAsyncIterator())
    }
}

extension IdentityManagerApi {
    /// The pages of the listing as an `AsyncSequence`.
    public func pageSequence(list: ListIdentitiesOptions? = nil, options: CallOptions? = nil) -> IdentityPageSequence {
        IdentityPageSequence(api: self, list: list, options: options)
    }

    /// Every enrolled identity as an `AsyncSequence`.
    public func identities(list: ListIdentitiesOptions? = nil, options: CallOptions? = nil) -> IdentitySequence {
        IdentitySequence(pages: pageSequence(list: list, options: options))
    }
}

/// `description` (generated from the Rust `Display`) reads `NotFound: identity not found
/// (status 404, code 8011, operation GetIdentity)`: every field, never personal data or secrets.
extension ProveError: CustomStringConvertible {}
