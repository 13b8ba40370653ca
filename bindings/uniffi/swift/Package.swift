// swift-tools-version:5.9
// The Swift package of prove-sdk: the uniffi-generated sources (Sources/ProveSDK/*.generated.swift
// and the headers of Sources/ProveFFI, printed by ../generate.sh) and a small hand-written layer.
// It links the native library libprove_uniffi, built with `cargo build --release -p prove-uniffi`;
// pass its directory to the linker, e.g. `swift test -Xlinker -L../../../target/release`.
import PackageDescription

let package = Package(
    name: "ProveSDK",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "ProveSDK", targets: ["ProveSDK"]),
    ],
    targets: [
        // The C declarations of both uniffi components (prove_core and prove_uniffi) as one module.
        .target(
            name: "ProveFFI",
            path: "Sources/ProveFFI",
            linkerSettings: [.linkedLibrary("prove_uniffi")]
        ),
        .target(name: "ProveSDK", dependencies: ["ProveFFI"], path: "Sources/ProveSDK"),
        .testTarget(name: "ProveSDKTests", dependencies: ["ProveSDK"], path: "Tests/ProveSDKTests"),
    ]
)
