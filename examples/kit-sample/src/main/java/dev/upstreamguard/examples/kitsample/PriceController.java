package dev.upstreamguard.examples.kitsample;

import dev.upstreamguard.core.Upstream;
import dev.upstreamguard.core.UpstreamException;
import dev.upstreamguard.core.UpstreamResponse;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /price/<sku>}: asks the {@code prices} upstream and passes its JSON on. A failure of the upstream
 * propagates as {@link UpstreamException}, which the starter turns into a 502/503/504 answer.
 */
@RestController
class PriceController {
    private final Upstream prices;

    PriceController(@Qualifier("prices") Upstream prices) {
        this.prices = prices;
    }

    @GetMapping("/price/{sku:[A-Za-z0-9-]{1,32}}")
    ResponseEntity<byte[]> price(@PathVariable String sku) throws UpstreamException {
        UpstreamResponse answer = prices.execute(ClassicRequestBuilder.get("/prices/" + sku).build());
        return ResponseEntity.status(answer.status()).contentType(MediaType.APPLICATION_JSON).body(answer.body());
    }
}
