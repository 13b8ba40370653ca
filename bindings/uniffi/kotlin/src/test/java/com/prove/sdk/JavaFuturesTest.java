package com.prove.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.prove.sdk.models.ErrorKind;
import com.prove.sdk.models.FlowType;
import com.prove.sdk.models.StartRequest;
import com.prove.sdk.models.StartResponse;
import com.prove.sdk.models.ValidateRequest;
import com.prove.sdk.models.ValidateResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Plain Java, no coroutines: every call through ProveClient.futures() as a CompletableFuture. */
class JavaFuturesTest {
    @Test
    void javaCallsThroughCompletableFutures() {
        try (TestSandbox sandbox = new TestSandbox();
                ProveClient client = new ProveClient(sandbox.settings(new RetrySettings(0, null, null)))) {
            ProveFutures prove = client.futures();
            StartRequest request = new StartRequest(null, null, null, null, FlowType.Mobile.INSTANCE, null, "2001001695", null, null);
            StartResponse started = prove.getFlow().start(request).join();
            assertEquals(36, started.getCorrelationId().length());
            ValidateResponse validated = prove.getFlow().validate(new ValidateRequest(started.getCorrelationId())).join();
            assertTrue(validated.getSuccess());
            assertTrue(validated.getNext().containsKey("v3-challenge"));

            // Many at once, composed with the CompletableFuture API.
            List<CompletableFuture<String>> ids = IntStream.range(0, 20)
                    .mapToObj(i -> prove.getDomain().id().thenApply(d -> d.getPcid()))
                    .collect(Collectors.toList());
            CompletableFuture.allOf(ids.toArray(new CompletableFuture[0])).join();
            assertEquals(1, ids.stream().map(CompletableFuture::join).distinct().count());

            // A failure completes the future exceptionally with the ProveException.
            CompletionException failed = assertThrows(CompletionException.class,
                    () -> prove.getIdentityManager().get("no-such-identity").join());
            ProveException e = assertInstanceOf(ProveException.NotFound.class, failed.getCause());
            assertEquals(ErrorKind.NOT_FOUND, e.kind());
            assertEquals(404, e.httpStatus());
            ProveException.NotFound notFound = (ProveException.NotFound) e;
            assertEquals(Integer.valueOf(404), notFound.getStatus());

            // Validation before the network, naming the field.
            StartRequest desktop = new StartRequest(null, null, null, null, FlowType.Desktop.INSTANCE, null, "2001001693", null, null);
            CompletionException invalid = assertThrows(CompletionException.class, () -> prove.getFlow().start(desktop).join());
            ProveException.Validation v = assertInstanceOf(ProveException.Validation.class, invalid.getCause());
            assertEquals("finalTargetUrl", v.getField());
            assertNull(v.getStatus());
        }
    }
}
