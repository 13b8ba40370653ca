package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.prove.sdk.ClientSettings;
import com.prove.sdk.ProveClient;
import com.prove.sdk.RetrySettings;
import com.prove.sdk.models.DomainIdResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The SDK as a user's project gets it: one dependency, the native library inside the jar. */
class JarCheckTest {
    @Test
    void theJarAloneIsEnough() throws Exception {
        URL lib = ProveClient.class.getResource("/linux-x86-64/libprove_uniffi.so");
        assertNotNull(lib, "the native library is in the jar, where JNA looks for it");
        assertEquals("jar", lib.getProtocol(), lib.toString());
        assertTrue(ProveClient.class.getProtectionDomain().getCodeSource().getLocation().toString().endsWith("prove-sdk-0.1.0.jar"));

        Process sandbox = new ProcessBuilder(System.getenv("PROVE_SANDBOX_BIN"), "--port", "0", "--quiet").start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(sandbox.getInputStream(), StandardCharsets.UTF_8));
            String baseUrl = out.readLine().replace("prove-sandbox listening on ", "").trim();
            ClientSettings settings = new ClientSettings("prove-sandbox-client", "prove-sandbox-secret", null, baseUrl,
                    null, null, null, null, new RetrySettings(0, null, null), null, null);
            try (ProveClient client = new ProveClient(settings)) {
                DomainIdResponse id = client.futures().getDomain().id().join();
                assertTrue(!id.getPcid().isEmpty());
            }
        } finally {
            sandbox.destroy();
        }
    }
}
